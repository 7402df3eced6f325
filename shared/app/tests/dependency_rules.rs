//! The dependency rules of the architecture, read from `cargo metadata`: the domain reaches nothing,
//! the shared application layer reaches only ports, a module (identity, and the hub, planner and
//! sessions as they come) reaches only those and other modules (never an adapter, HTTP or a host,
//! so it compiles once for every host; cargo itself refuses cycles between modules), adapters never
//! reach the use cases, and no function builds on another function.
//!
//! Every workspace crate must have a layer here, so a new crate is placed on purpose.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Domain,
    Ports,
    App,
    /// A module's rules and use cases: `emmaus-identity`, ...
    Module,
    Adapter,
    Http,
    Assembly,
    Host,
    Function,
    Binary,
    /// Test harnesses: the conformance suites, emulators and the Wasm test host.
    Testing,
}

/// Crates a layer below the hosts must not compile: runtimes, stores, transports.
const RUNTIME_CRATES: [&str; 11] = [
    "reqwest",
    "rusqlite",
    "aws-config",
    "aws-sdk-dynamodb",
    "aws-sdk-s3",
    "spin-sdk",
    "lettre",
    "openidconnect",
    "wasmtime",
    "lambda_http",
    "axum",
];

struct Dependency {
    name: String,
    /// `None` for a normal dependency; `dev` and `build` otherwise.
    kind: Option<String>,
    optional: bool,
}

struct Package {
    name: String,
    layer: Layer,
    dependencies: Vec<Dependency>,
    /// Each feature and what it turns on.
    features: BTreeMap<String, Vec<String>>,
}

fn layer_of(name: &str, manifest: &str) -> Option<Layer> {
    let folder = manifest.trim_end_matches("/Cargo.toml");
    Some(match name {
        // The extractors and the Obsidian format are pure functions over bytes and text, as free of
        // I/O and of our crates as the domain.
        "emmaus-domain" | "emmaus-extract" | "emmaus-obsidian" => Layer::Domain,
        "emmaus-ports" => Layer::Ports,
        "emmaus-app" => Layer::App,
        "emmaus-identity" | "emmaus-hub" | "emmaus-planner" | "emmaus-sessions" | "emmaus-print" => Layer::Module,
        "emmaus-oidc" => Layer::Adapter,
        "emmaus-http" => Layer::Http,
        "emmaus-assembly" => Layer::Assembly,
        "emmaus-host-lambda" | "emmaus-host-spin" => Layer::Host,
        "emmaus" => Layer::Binary,
        "emmaus-testkit" | "emmaus-lambda-emulator" | "emmaus-wasm-host" | "spin-conformance" => Layer::Testing,
        _ if folder.contains("/shared/adapters/") => Layer::Adapter,
        _ if folder.contains("/functions/") => Layer::Function,
        _ => return None,
    })
}

fn workspace() -> Vec<Package> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    metadata["packages"]
        .as_array()
        .expect("a package list")
        .iter()
        .map(|package| {
            let name = text(&package["name"]);
            let manifest = text(&package["manifest_path"]);
            let layer = layer_of(&name, &manifest)
                .unwrap_or_else(|| panic!("{name} ({manifest}) has no layer in tests/dependency_rules.rs"));
            let dependencies = package["dependencies"]
                .as_array()
                .expect("a dependency list")
                .iter()
                .map(|d| Dependency {
                    name: text(&d["name"]),
                    kind: d["kind"].as_str().map(str::to_owned),
                    optional: d["optional"].as_bool().unwrap_or(false),
                })
                .collect();
            let features = package["features"]
                .as_object()
                .expect("a feature map")
                .iter()
                .map(|(feature, on)| {
                    let on = on.as_array().into_iter().flatten().map(text).collect();
                    (feature.clone(), on)
                })
                .collect();
            Package { name, layer, dependencies, features }
        })
        .collect()
}

/// The broken rules, one sentence each.
fn violations(packages: &[Package]) -> Vec<String> {
    let layers: BTreeMap<&str, Layer> = packages.iter().map(|p| (p.name.as_str(), p.layer)).collect();
    let mut found = Vec::new();
    for package in packages {
        // What the crate compiles into its users: normal dependencies, optional ones included
        // unless only a `testing` feature turns them on.
        let test_only = |d: &Dependency| {
            d.optional
                && package.features.iter().all(|(feature, on)| {
                    feature == "testing" || !on.iter().any(|item| item == &format!("dep:{}", d.name) || item == &d.name)
                })
        };
        for dependency in package.dependencies.iter().filter(|d| d.kind.is_none() && !test_only(d)) {
            let target = layers.get(dependency.name.as_str()).copied();
            let allowed = match (package.layer, target) {
                (Layer::Domain, Some(_)) => false,
                (Layer::Ports, Some(other)) => other == Layer::Domain,
                (Layer::App, Some(other)) => matches!(other, Layer::Domain | Layer::Ports),
                (Layer::Module, Some(other)) => {
                    matches!(other, Layer::Domain | Layer::Ports | Layer::App | Layer::Module)
                }
                (Layer::Adapter, Some(other)) => matches!(other, Layer::Domain | Layer::Ports | Layer::Adapter),
                (Layer::Host | Layer::Function, Some(other)) => other != Layer::Function && other != Layer::Binary,
                _ => true,
            };
            if !allowed {
                found.push(format!(
                    "{} ({:?}) depends on {} ({:?})",
                    package.name, package.layer, dependency.name, target
                ));
            }
            let below_hosts = matches!(package.layer, Layer::Domain | Layer::Ports | Layer::App | Layer::Module);
            if below_hosts && RUNTIME_CRATES.contains(&dependency.name.as_str()) {
                found.push(format!(
                    "{} ({:?}) compiles the runtime crate {}",
                    package.name, package.layer, dependency.name
                ));
            }
        }
    }
    found
}

#[test]
fn the_workspace_keeps_the_dependency_rules() {
    let packages = workspace();
    assert!(packages.iter().any(|p| p.name == "emmaus-app"), "the workspace was read");
    assert!(packages.iter().filter(|p| p.layer == Layer::Function).count() >= 4, "the functions were found");
    let broken = violations(&packages);
    assert!(broken.is_empty(), "dependency rules broken:\n{}", broken.join("\n"));
}

#[test]
fn the_rules_catch_an_adapter_in_the_use_cases_and_a_function_on_a_function() {
    let dependency = |name: &str, optional: bool| Dependency { name: name.into(), kind: None, optional };
    let package = |name: &str, layer: Layer, dependencies: Vec<Dependency>| Package {
        name: name.into(),
        layer,
        dependencies,
        features: BTreeMap::from([("testing".to_owned(), vec!["dep:emmaus-memory".to_owned()])]),
    };
    let world = [
        package("emmaus-domain", Layer::Domain, vec![]),
        package("emmaus-ports", Layer::Ports, vec![dependency("emmaus-domain", false)]),
        package("emmaus-memory", Layer::Adapter, vec![dependency("emmaus-ports", false)]),
        package("emmaus-postmark", Layer::Adapter, vec![dependency("emmaus-ports", false)]),
        package(
            "emmaus-app",
            Layer::App,
            vec![dependency("emmaus-postmark", false), dependency("emmaus-memory", true), dependency("reqwest", false)],
        ),
        package(
            "emmaus-identity",
            Layer::Module,
            vec![dependency("emmaus-app", false), dependency("emmaus-http", false)],
        ),
        package("emmaus-http", Layer::Http, vec![]),
        package("auth", Layer::Function, vec![]),
        package("people", Layer::Function, vec![dependency("auth", false)]),
    ];
    let broken = violations(&world);
    assert_eq!(
        broken,
        [
            "emmaus-app (App) depends on emmaus-postmark (Some(Adapter))",
            "emmaus-app (App) compiles the runtime crate reqwest",
            "emmaus-identity (Module) depends on emmaus-http (Some(Http))",
            "people (Function) depends on auth (Some(Function))",
        ],
        "an optional adapter behind `testing` alone is allowed"
    );
}
