//! Combined workspace specs: each API group in one gives exactly the module its
//! own spec gives (functions, types, `API_GROUP`, module name), whatever form the
//! combined spec takes.

mod common;

use serde_json::{Map, Value, json};
use xano_codegen::{Formatting, RawSpec, Settings};

const ORIGIN: &str = "https://x8ki-letl-twmt.n7.xano.io";

fn read(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The group's canonical, from its own spec's server (`…/api:<canonical>`).
fn canonical(spec: &Value) -> String {
    let url = spec["servers"][0]["url"].as_str().unwrap();
    url.rsplit('/').next().unwrap().to_owned()
}

/// The spec as it would be served by the one instance the combined spec is from.
fn on_origin(mut spec: Value) -> Value {
    let group = canonical(&spec);
    spec["servers"] = json!([{ "url": format!("{ORIGIN}/{group}") }]);
    spec
}

/// A combined spec, the way the OpenAPI rules let several groups share one
/// document: the instance origin as the server, each group's paths under
/// `/api:<canonical>`, every operation tagged with its group's name, and the
/// groups' descriptions in the top-level tags.
fn combine(specs: &[Value]) -> Value {
    let mut paths = Map::new();
    let mut tags = Vec::new();
    let mut components = Map::new();
    for spec in specs {
        let group = canonical(spec);
        let title = spec["info"]["title"].as_str().unwrap();
        tags.push(json!({"name": title, "description": spec["info"]["description"]}));
        for (path, item) in spec["paths"].as_object().unwrap() {
            let mut item = item.clone();
            for (_, operation) in item.as_object_mut().unwrap() {
                if let Some(operation) = operation.as_object_mut() {
                    operation.insert("tags".into(), json!([title]));
                }
            }
            paths.insert(format!("/{group}{path}"), item);
        }
        if let Some(own) = spec["components"].as_object() {
            for (kind, entries) in own {
                let merged = components
                    .entry(kind.clone())
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .unwrap();
                for (name, value) in entries.as_object().into_iter().flatten() {
                    merged.insert(name.clone(), value.clone());
                }
            }
        }
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Workspace", "version": "0.0.1"},
        "servers": [{"url": ORIGIN}],
        "tags": tags,
        "paths": paths,
        "components": components,
    })
}

/// Each module's source, without the header comments (they name the input
/// spec's hash, which differs).
fn modules(specs: Vec<RawSpec>) -> Vec<(String, String)> {
    let generation = xano_codegen::generate(specs, &Settings::default()).unwrap();
    let mut files: Vec<(String, String)> = generation
        .to_dir_sources(Formatting::Builtin)
        .unwrap()
        .into_iter()
        .filter(|(name, _)| name != "mod.rs")
        .map(|(name, source)| {
            let body: Vec<&str> = source.lines().filter(|l| !l.starts_with("// ")).collect();
            (name, body.join("\n"))
        })
        .collect();
    files.sort();
    files
}

fn raw(name: &str, spec: &Value) -> RawSpec {
    RawSpec::from_bytes(name, &serde_json::to_vec(spec).unwrap()).unwrap()
}

#[test]
fn each_group_of_a_combined_spec_generates_what_its_own_spec_does() {
    let mut specs = vec![on_origin(read(
        &common::workspace().join("examples/specs/bookstore.json"),
    ))];
    if let Some(dir) = common::shared("xano-specs") {
        // Two distinct real groups (the two sharetree files are two exports of
        // one group: one of them is enough).
        specs.push(on_origin(read(
            &dir.join("roboulos__xano-v2-admin__frontend-api-v2-openapi.json"),
        )));
        specs.push(on_origin(read(
            &dir.join("sharetreedev__ep_native_RN__apispec_LmTnxskw.json"),
        )));
    }
    let alone = modules(
        specs
            .iter()
            .enumerate()
            .map(|(i, spec)| raw(&format!("group{i}.json"), spec))
            .collect(),
    );
    let together = modules(vec![raw("workspace.json", &combine(&specs))]);
    assert_eq!(together.len(), specs.len());
    for ((name, own), (combined_name, from_combined)) in alone.iter().zip(&together) {
        assert_eq!(name, combined_name);
        if own != from_combined {
            let diff = xano_codegen::write::short_diff(own, from_combined, 30);
            panic!("{name}: the combined spec's module differs from the group's own:\n{diff}");
        }
    }
}

/// What users write by hand: tags per group, the instance origin as server,
/// paths under `/api:<canonical>/`, little else; two groups with the same path.
#[test]
fn a_hand_consolidated_spec_keeps_groups_apart() {
    let login = |tag: &str| {
        json!({"post": {"tags": [tag], "requestBody": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"}}
        }}}}, "responses": {"200": {"description": "Success!"}}}})
    };
    let spec = json!({
        "openapi": "3.0.0",
        "info": {"title": "My workspace", "version": "1"},
        "servers": [{"url": ORIGIN}],
        "paths": {
            "/api:Ab1Cd2/auth/login": login("Members"),
            "/api:Ef3Gh4:staging/auth/login": login("Admin Panel"),
            "/api:Ef3Gh4:staging/users": {"get": {"tags": ["Admin Panel"],
                "responses": {"200": {"description": "Success!"}}}}
        }
    });
    let generation =
        xano_codegen::generate(vec![raw("hand.json", &spec)], &Settings::default()).unwrap();
    let code = generation.to_file_source(Formatting::Builtin).unwrap();
    for expected in [
        "pub mod members {",
        "pub mod admin_panel {",
        "pub const API_GROUP: &str = \"api:Ab1Cd2\";",
        "pub const API_GROUP: &str = \"api:Ef3Gh4:staging\";",
    ] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
    assert_eq!(code.matches("pub async fn post_auth_login(").count(), 2);
    assert_eq!(code.matches("pub async fn get_users(").count(), 1);
    assert_eq!(generation.endpoint_count(), 3);
}

/// Per-path `servers` naming each group's base URL, paths relative to it; a
/// group without a tag of its own is named for its canonical.
#[test]
fn per_path_servers_name_the_group() {
    let op = |tag: &str| json!({"get": {"tags": [tag], "responses": {"200": {"description": "Success!"}}}});
    let mut first = op("auth");
    first["servers"] = json!([{"url": format!("{ORIGIN}/api:one")}]);
    let mut second = op("auth");
    second["servers"] = json!([{"url": format!("{ORIGIN}/api:two")}]);
    let spec = json!({
        "openapi": "3.0.0",
        "info": {"title": "Workspace", "version": "1"},
        "servers": [{"url": ORIGIN}],
        "paths": {"/auth/me": first, "/auth/me/": second}
    });
    let code = xano_codegen::generate(vec![raw("servers.json", &spec)], &Settings::default())
        .unwrap()
        .to_file_source(Formatting::Builtin)
        .unwrap();
    for expected in [
        "pub mod one {",
        "pub mod two {",
        "\"api:one\"",
        "\"api:two\"",
    ] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
}

/// A spec whose paths name no group is one group, as before.
#[test]
fn a_group_spec_is_left_as_it_is() {
    let spec = read(&common::workspace().join("examples/specs/bookstore.json"));
    let split = xano_codegen::combined::split(raw("bookstore.json", &spec)).unwrap();
    assert_eq!(split.len(), 1);
    assert_eq!(split[0].json, spec);
}
