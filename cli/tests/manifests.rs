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
/// Download links of the files kept in Spin's database, served by the component that signs them.
const DOWNLOADS: (&str, &str) = ("hub", "/_blob/...");

#[test]
fn spin_toml_routes_equal_the_routers() {
    let manifest: toml::Table = root("spin.toml").parse().unwrap();
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut catch_all = None;
    let mut downloads = false;
    for trigger in manifest["trigger"]["http"].as_array().expect("[[trigger.http]] entries") {
        let component = trigger["component"].as_str().unwrap().to_owned();
        let route = trigger["route"].as_str().unwrap().to_owned();
        match (component.as_str(), route.as_str()) {
            (c, "/api/...") => catch_all = Some(c.to_owned()),
            (SITE_COMPONENT, "/...") => {}
            (c, r) if (c, r) == DOWNLOADS => downloads = true,
            _ => assert!(found.entry(component).or_default().insert(route.clone()), "{route} is listed twice"),
        }
    }
    assert_eq!(catch_all.as_deref(), Some(API_CATCH_ALL.0), "one component owns {}", API_CATCH_ALL.1);
    assert!(downloads, "{} routes {} (the links it signs)", DOWNLOADS.0, DOWNLOADS.1);
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

/// The SSO provider slots `spin.toml` offers (docs/deploy-spin.md), with the hosts each provider's
/// endpoints are on; a slot without fixed hosts names its own in `oidc_<id>_allowed_host`.
const SSO_SLOTS: [(&str, &[&str]); 3] = [
    ("google", &["https://accounts.google.com", "https://oauth2.googleapis.com", "https://www.googleapis.com"]),
    ("microsoft", &["https://login.microsoftonline.com"]),
    ("custom", &[]),
];

#[test]
fn spin_toml_sso_slots_declare_every_provider_setting() {
    use emmaus_identity::sso::{PROVIDER_SETTINGS, PROVIDERS_SETTING, provider_setting};
    let manifest: toml::Table = root("spin.toml").parse().unwrap();
    let variables = manifest["variables"].as_table().unwrap();
    let auth = &manifest["component"]["auth"];
    let passed = auth["variables"].as_table().expect("the auth component's variables");
    let hosts: BTreeSet<&str> =
        auth["allowed_outbound_hosts"].as_array().unwrap().iter().filter_map(|h| h.as_str()).collect();
    // The variable a setting is read from on Spin, as emmaus_spin::variable_name maps it.
    let spin = |key: &str| key.trim_start_matches("EMMAUS_").to_ascii_lowercase();
    let default = |name: &str| -> &str {
        let declared = variables.get(name).unwrap_or_else(|| panic!("spin.toml does not declare {name}"));
        // A default, never `required`: `spin up` must start without SSO configured.
        declared.get("default").and_then(toml::Value::as_str).unwrap_or_else(|| panic!("{name} needs a default"))
    };
    let given_to_auth = |name: &str| {
        let template = passed.get(name).and_then(toml::Value::as_str);
        assert_eq!(template, Some(format!("{{{{ {name} }}}}").as_str()), "the auth component is not given {name}");
    };
    let providers = spin(PROVIDERS_SETTING);
    assert_eq!(default(&providers), "", "no SSO unless configured");
    given_to_auth(&providers);

    // Every slot: the documented ones and any added since (a declared `oidc_<id>_issuer`).
    let slots: BTreeSet<&str> =
        variables.keys().filter_map(|name| name.strip_prefix("oidc_")?.strip_suffix("_issuer")).collect();
    assert!(SSO_SLOTS.iter().all(|(id, _)| slots.contains(id)), "spin.toml's SSO slots: {slots:?}");
    for id in slots {
        for suffix in PROVIDER_SETTINGS {
            let name = spin(&provider_setting(id, suffix));
            default(&name);
            given_to_auth(&name);
            let secret = variables[&name].get("secret").and_then(toml::Value::as_bool) == Some(true);
            assert_eq!(secret, *suffix == "CLIENT_SECRET", "{name}: the client secret, and only it, is secret");
        }
        match SSO_SLOTS.iter().find(|(slot, _)| *slot == id) {
            Some((_, fixed)) if !fixed.is_empty() => {
                for host in *fixed {
                    assert!(hosts.contains(host), "the auth component may not call {host}, which {id} needs");
                }
            }
            // Its own variable, not `{{ oidc_<id>_issuer }}`: an issuer may have a path, which makes
            // an allowed host invalid, and so does "", so the default is a host that never resolves.
            _ => {
                let own = format!("oidc_{id}_allowed_host");
                let origin = default(&own).split_once("://").map(|(_, rest)| rest.trim_end_matches('/'));
                assert!(origin.is_some_and(|host| !host.is_empty() && !host.contains('/')), "{own}: scheme://host");
                let entry = format!("{{{{ {own} }}}}");
                assert!(hosts.contains(entry.as_str()), "the auth component's allowed_outbound_hosts lacks {entry}");
            }
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
    // On Lambda, jobs run on schedules (checked below), so their HTTP triggers are not API routes.
    let http_routes = declared()
        .into_iter()
        .map(|(name, routes)| (name, routes.into_iter().filter(|(_, path)| !path.starts_with(JOBS_PREFIX)).collect()))
        .collect();
    assert_eq!(found, http_routes, "template.yaml (left) differs from the routers (right)");
}

/// Where each job's HTTP trigger lives (ADR 0007).
const JOBS_PREFIX: &str = "/api/jobs/";

#[test]
fn every_job_has_its_trigger_route_and_every_trigger_route_a_job() {
    let mut triggers = BTreeSet::new();
    for (function, routes) in declared() {
        for (method, path) in routes {
            if let Some(name) = path.strip_prefix(JOBS_PREFIX) {
                assert_eq!(method, "POST", "{path}");
                triggers.insert((function.clone(), name.to_owned()));
            }
        }
    }
    let jobs: BTreeSet<(String, String)> = emmaus::scheduler::JOBS
        .iter()
        .flat_map(|(function, jobs)| jobs.iter().map(|job| ((*function).to_owned(), job.name.to_owned())))
        .collect();
    assert_eq!(triggers, jobs, "job routes (left) differ from the functions' jobs (right)");
}

/// `rate(1 minute)`, `rate(5 minutes)`, `rate(2 hours)`: EventBridge Scheduler's rate expressions.
fn rate(every: std::time::Duration) -> String {
    let (value, unit) = match every.as_secs() {
        s if s % 3600 == 0 => (s / 3600, "hour"),
        s if s % 60 == 0 => (s / 60, "minute"),
        s => panic!("a deployed cadence is whole minutes, not {s} s"),
    };
    format!("rate({value} {unit}{})", if value == 1 { "" } else { "s" })
}

#[test]
fn template_yaml_schedules_equal_the_jobs() {
    let template: serde_yaml::Value = serde_yaml::from_str(&root("template.yaml")).unwrap();
    let mut found = BTreeSet::new();
    for (_, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap().to_owned();
        let events = resource["Properties"]["Events"].as_mapping().unwrap();
        let schedules: Vec<_> = events.values().filter(|event| event["Type"] == "ScheduleV2").collect();
        for event in schedules {
            let properties = &event["Properties"];
            let name = properties["Description"].as_str().expect("a schedule's Description names its job");
            // The binary picks the job by the name its schedule's input sends.
            let input: serde_json::Value =
                serde_json::from_str(properties["Input"].as_str().expect("a schedule's Input names its job"))
                    .expect("the Input is JSON");
            assert_eq!(input["job"], name, "the schedule {name} sends {input}");
            found.insert((
                binary.clone(),
                name.to_owned(),
                properties["ScheduleExpression"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let jobs: BTreeSet<(String, String, String)> = emmaus::scheduler::JOBS
        .iter()
        .flat_map(|(function, jobs)| {
            jobs.iter().map(|job| ((*function).to_owned(), job.name.to_owned(), rate(job.every)))
        })
        .collect();
    assert_eq!(found, jobs, "template.yaml schedules (left) differ from the functions' jobs (right)");
    assert_eq!(rate(std::time::Duration::from_mins(5)), "rate(5 minutes)");
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

#[test]
fn cloudfront_sends_the_web_apps_security_policy() {
    let template: serde_yaml::Value = serde_yaml::from_str(&root("template.yaml")).unwrap();
    let config = &template["Resources"]["SiteSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"];
    let policy = match &config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"] {
        serde_yaml::Value::Tagged(sub) if sub.tag == "Sub" => sub.value.as_str(),
        other => panic!("the policy is a !Sub naming the files bucket: {other:?}"),
    };
    let expected = emmaus_http::security::site_policy_with_files("https://*.s3.${AWS::Region}.amazonaws.com");
    assert_eq!(policy, Some(expected.as_str()), "template.yaml's SiteSecurityHeaders");
    let site = &template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"];
    assert!(!site["ResponseHeadersPolicyId"].is_null(), "the site's cache behaviour uses the policy: {site:?}");
}

/// The API document merges every function's schemas by name: two functions naming different
/// schemas alike would leave one of them described by the other's (a session of the Session
/// Builder was once documented as a sign-in session). Each name means one schema.
#[test]
fn a_schema_name_means_one_schema_across_functions() {
    let mut seen: BTreeMap<String, (&str, serde_json::Value)> = BTreeMap::new();
    let mut clashes = Vec::new();
    for function in FUNCTIONS {
        let document = (function.api)().split_for_parts().1;
        let Some(components) = document.components else { continue };
        for (name, schema) in components.schemas {
            let schema = serde_json::to_value(&schema).unwrap();
            match seen.get(&name) {
                Some((other, earlier)) if *earlier != schema => {
                    clashes.push(format!("{name}: {other} and {}", function.name));
                }
                Some(_) => {}
                None => {
                    seen.insert(name, (function.name, schema));
                }
            }
        }
    }
    assert!(clashes.is_empty(), "schemas of one name that differ: {clashes:?}");
}

/// An operation id names one operation in the whole API: clients generated from the document
/// (and schemathesis's filters) find operations by it.
#[test]
fn an_operation_id_names_one_operation() {
    let document = emmaus::api::document();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut clashes = Vec::new();
    for (path, item) in &document.paths.paths {
        for operation in [&item.get, &item.put, &item.post, &item.delete, &item.patch].into_iter().flatten() {
            if let Some(id) = &operation.operation_id
                && let Some(other) = seen.insert(id.clone(), path.clone())
            {
                clashes.push(format!("{id}: {other} and {path}"));
            }
        }
    }
    assert!(clashes.is_empty(), "operation ids used twice: {clashes:?}");
}
