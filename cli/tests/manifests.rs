//! The drift test: `spin.toml` and `template.yaml` must deploy exactly the functions and routes
//! the code declares, and every function must be served by the local host.

use std::collections::{BTreeMap, BTreeSet};

use emmaus::api::{FUNCTIONS, routes_of};

type Routes = BTreeSet<(String, String)>;

fn root(file: &str) -> String {
    std::fs::read_to_string(format!("{}/../{file}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn declared() -> BTreeMap<String, Routes> {
    FUNCTIONS.iter().map(|f| (f.name.to_owned(), routes_of(f).into_iter().collect())).collect()
}

/// `/api/goals/{id}` in OpenAPI and SAM is `/api/goals/:id` in Spin.
fn spin_route(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => format!(":{name}"),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The component that owns `/api/...` (unknown API paths get its router's problem+json 404) and
/// the one that serves the web app; neither route is a function route.
const API_CATCH_ALL: (&str, &str) = ("system", "/api/...");
const SITE_COMPONENT: &str = "site";

#[test]
fn spin_toml_routes_equal_the_routers() {
    let manifest: toml::Table = root("spin.toml").parse().unwrap();
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut catch_all = None;
    for trigger in manifest["trigger"]["http"].as_array().expect("[[trigger.http]] entries") {
        let component = trigger["component"].as_str().unwrap().to_owned();
        let route = trigger["route"].as_str().unwrap().to_owned();
        match (component.as_str(), route.as_str()) {
            (c, "/api/...") => catch_all = Some(c.to_owned()),
            (SITE_COMPONENT, "/...") => {}
            _ => assert!(found.entry(component).or_default().insert(route.clone()), "{route} is listed twice"),
        }
    }
    assert_eq!(catch_all.as_deref(), Some(API_CATCH_ALL.0), "one component owns {}", API_CATCH_ALL.1);
    let expected: BTreeMap<String, BTreeSet<String>> = declared()
        .into_iter()
        .map(|(name, routes)| (name, routes.into_iter().map(|(_, path)| spin_route(&path)).collect()))
        .collect();
    assert_eq!(found, expected, "spin.toml triggers (left) differ from the routers (right)");

    let components = manifest["component"].as_table().unwrap();
    let names: BTreeSet<&str> = components.keys().map(String::as_str).filter(|n| *n != SITE_COMPONENT).collect();
    assert_eq!(names, expected.keys().map(String::as_str).collect(), "one component per function");
    for name in names {
        let component = &components[name];
        assert_eq!(component["source"].as_str(), Some(format!("target/wasm32-wasip2/release/{name}.wasm").as_str()));
        let command = component["build"]["command"].as_str().unwrap();
        assert!(command.contains(&format!("-p {name} ")) && command.contains("wasm32-wasip2"), "{command}");
        assert_eq!(component["sqlite_databases"].as_array().map(Vec::len), Some(1), "{name} uses the default database");
        let variables = component["variables"].as_table().expect("component variables");
        for variable in variables.keys() {
            assert!(manifest["variables"].get(variable).is_some(), "{name} reads {variable}, which is not declared");
        }
    }
}

#[test]
fn the_site_component_is_pinned_and_falls_back_to_the_app() {
    let manifest: toml::Table = root("spin.toml").parse().unwrap();
    let site = &manifest["component"][SITE_COMPONENT];
    let digest = site["source"]["digest"].as_str().expect("the file server is pinned by digest");
    assert!(digest.starts_with("sha256:") && digest.len() == 7 + 64, "{digest}");
    assert_eq!(site["files"][0]["source"].as_str(), Some("static-site/dist"));
    assert_eq!(site["environment"]["FALLBACK_PATH"].as_str(), Some("index.html"));
}

#[test]
fn secret_variables_are_marked_secret() {
    let manifest: toml::Table = root("spin.toml").parse().unwrap();
    for (name, variable) in manifest["variables"].as_table().unwrap() {
        if name.contains("secret") || name.contains("token") || name.contains("password") {
            assert_eq!(variable.get("secret").and_then(toml::Value::as_bool), Some(true), "{name} must be secret");
        }
    }
}

#[test]
fn template_yaml_routes_equal_the_routers() {
    let template: serde_yaml::Value = serde_yaml::from_str(&root("template.yaml")).unwrap();
    let mut found: BTreeMap<String, Routes> = BTreeMap::new();
    for (id, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let id = id.as_str().unwrap();
        assert_eq!(resource["Metadata"]["BuildMethod"], "rust-cargolambda", "{id}");
        let binary = resource["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap().to_owned();
        let pascal = binary.split('-').map(|w| w[..1].to_uppercase() + &w[1..]).collect::<String>();
        assert_eq!(id, format!("{pascal}Function"), "the resource is named after its function");
        let routes = found.entry(binary).or_default();
        for (_, event) in resource["Properties"]["Events"].as_mapping().unwrap() {
            if event["Type"] == "HttpApi" {
                let properties = &event["Properties"];
                let route = (
                    properties["Method"].as_str().unwrap().to_uppercase(),
                    properties["Path"].as_str().unwrap().to_owned(),
                );
                assert!(routes.insert(route.clone()), "{route:?} is listed twice");
            }
        }
    }
    assert_eq!(found, declared(), "template.yaml (left) differs from the routers (right)");
}

#[test]
fn every_function_has_a_folder_and_every_folder_a_function() {
    let folders: BTreeSet<String> = std::fs::read_dir(format!("{}/../functions", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let names: BTreeSet<String> = FUNCTIONS.iter().map(|f| f.name.to_owned()).collect();
    assert_eq!(folders, names);
}

#[test]
fn spin_routes_translate_parameters() {
    assert_eq!(spin_route("/api/goals/{id}/tasks"), "/api/goals/:id/tasks");
}

#[test]
fn the_permissions_document_is_generated_from_the_matrix() {
    assert_eq!(
        root("docs/permissions.md"),
        emmaus_domain::permissions::markdown(),
        "docs/permissions.md is stale; run `cargo run -p emmaus -- permissions > docs/permissions.md`"
    );
}
