//! `diff` on pairs of specs made by editing real ones: every class of change is
//! found, classified and located; a spec against itself, or against a copy with
//! its keys in another order, reports nothing; and real pairs of versions (two
//! exports of one group, two versions of Xano's own Metadata API) give reports
//! whose figures are pinned here.

mod common;

use serde_json::{Map, Value, json};
use xano_codegen::diff::{Class, Report, diff};
use xano_codegen::{RawSpec, Settings};

fn read(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn raw(name: &str, spec: &Value) -> RawSpec {
    RawSpec::from_bytes(name, &serde_json::to_vec(spec).unwrap()).unwrap()
}

fn report(old: &Value, new: &Value) -> Report {
    diff(
        vec![raw("old.json", old)],
        vec![raw("new.json", new)],
        &Settings::default(),
    )
    .unwrap()
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every operation, in path order: `(path, method)`.
fn operations(spec: &Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                ops.push((path.clone(), method.to_owned()));
            }
        }
    }
    ops.sort();
    ops
}

/// The first operation whose JSON body has a property that `fits`.
fn body_property(
    spec: &Value,
    fits: impl Fn(&str, &Value) -> bool,
) -> Option<(String, String, String)> {
    for (path, method) in operations(spec) {
        let schema =
            &spec["paths"][&path][&method]["requestBody"]["content"]["application/json"]["schema"];
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            if fits(name, property) {
                return Some((path, method, name.clone()));
            }
        }
    }
    None
}

fn body_schema<'a>(spec: &'a mut Value, path: &str, method: &str) -> &'a mut Value {
    &mut spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
}

/// The first GET whose 200 schema is an object with a property that `fits`.
fn output_property(spec: &Value, fits: impl Fn(&Value) -> bool) -> Option<(String, String)> {
    for (path, method) in operations(spec) {
        if method != "get" {
            continue;
        }
        let schema = &spec["paths"][&path]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            if fits(property) {
                return Some((path, name.clone()));
            }
        }
    }
    None
}

fn output_schema<'a>(spec: &'a mut Value, path: &str) -> &'a mut Value {
    &mut spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
}

fn is_type(property: &Value, ty: &str) -> bool {
    property["type"] == ty && property.get("enum").is_none() && property.get("format").is_none()
}

type Edit = fn(&mut Value) -> bool;

/// Each edit changes the spec in one way (or says it found nothing to edit),
/// and the report must hold a change of that kind and class.
const EDITS: [(&str, Class, Edit); 20] = [
    ("endpoint-removed", Class::Breaking, |spec| {
        let (path, method) = operations(spec)[0].clone();
        spec["paths"][&path]
            .as_object_mut()
            .unwrap()
            .remove(&method);
        true
    }),
    ("endpoint-added", Class::Additive, |spec| {
        spec["paths"]["/zz_new"] =
            json!({"get": {"security": [], "responses": {"200": {"description": "Success!"}}}});
        true
    }),
    ("input-added-required", Class::Breaking, |spec| {
        let Some((path, method, _)) = body_property(spec, |_, _| true) else {
            return false;
        };
        let schema = body_schema(spec, &path, &method);
        schema["properties"]["zz_required"] = json!({"type": "string"});
        let required = schema["required"].as_array().cloned().unwrap_or_default();
        let mut required: Vec<Value> = required.into_iter().filter(|v| v.is_string()).collect();
        required.push(json!("zz_required"));
        schema["required"] = Value::Array(required);
        true
    }),
    ("input-added-optional", Class::Additive, |spec| {
        let Some((path, method, _)) = body_property(spec, |_, _| true) else {
            return false;
        };
        body_schema(spec, &path, &method)["properties"]["zz_optional"] = json!({"type": "string"});
        true
    }),
    ("input-removed", Class::Breaking, |spec| {
        let Some((path, method, name)) = body_property(spec, |_, _| true) else {
            return false;
        };
        body_schema(spec, &path, &method)["properties"]
            .as_object_mut()
            .unwrap()
            .remove(&name);
        true
    }),
    ("input-retyped", Class::Breaking, |spec| {
        let Some((path, method, name)) = body_property(spec, |_, p| is_type(p, "string")) else {
            return false;
        };
        body_schema(spec, &path, &method)["properties"][&name] = json!({"type": "integer"});
        true
    }),
    ("input-now-required", Class::Breaking, |spec| {
        // The first optional body input.
        for (path, method) in operations(spec) {
            // Looked at without `IndexMut`, which would add what is missing.
            let found = &spec["paths"][&path][&method]["requestBody"]["content"]["application/json"]
                ["schema"];
            if found["properties"].as_object().is_none() {
                continue;
            }
            let schema = body_schema(spec, &path, &method);
            let required: Vec<Value> = schema["required"].as_array().cloned().unwrap_or_default();
            let optional = schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, _)| name.clone())
                .find(|name| !required.contains(&json!(name)));
            if let Some(name) = optional {
                let mut required: Vec<Value> =
                    required.into_iter().filter(Value::is_string).collect();
                required.push(json!(name));
                schema["required"] = Value::Array(required);
                return true;
            }
        }
        false
    }),
    ("media-type-changed", Class::Breaking, |spec| {
        let Some((path, method, _)) = body_property(spec, |_, _| true) else {
            return false;
        };
        let schema = body_schema(spec, &path, &method).clone();
        spec["paths"][&path][&method]["requestBody"]["content"] =
            json!({"application/x-www-form-urlencoded": {"schema": schema}});
        true
    }),
    ("file-input-added", Class::Breaking, |spec| {
        let Some((path, method, _)) = body_property(spec, |_, _| true) else {
            return false;
        };
        body_schema(spec, &path, &method)["properties"]["zz_file"] =
            json!({"type": "string", "format": "binary"});
        true
    }),
    ("path-param-retyped", Class::Breaking, |spec| {
        for (path, method) in operations(spec) {
            let params = spec["paths"][&path][&method]["parameters"].as_array_mut();
            for param in params.into_iter().flatten() {
                if param["in"] == "path" && param["schema"]["type"] == "integer" {
                    param["schema"] = json!({"type": "string"});
                    return true;
                }
            }
        }
        false
    }),
    ("auth-required", Class::Wire, |spec| {
        for (path, method) in operations(spec) {
            let op = &mut spec["paths"][&path][&method];
            if op["security"] == json!([]) {
                op["security"] = json!([{"bearerAuth": []}]);
                return true;
            }
        }
        false
    }),
    ("output-field-removed", Class::Breaking, |spec| {
        let Some((path, name)) = output_property(spec, |_| true) else {
            return false;
        };
        output_schema(spec, &path)["properties"]
            .as_object_mut()
            .unwrap()
            .remove(&name);
        true
    }),
    ("output-field-retyped", Class::Breaking, |spec| {
        let Some((path, name)) = output_property(spec, |p| is_type(p, "string")) else {
            return false;
        };
        output_schema(spec, &path)["properties"][&name] = json!({"type": "integer"});
        true
    }),
    ("output-field-added", Class::Additive, |spec| {
        let Some((path, _)) = output_property(spec, |_| true) else {
            return false;
        };
        output_schema(spec, &path)["properties"]["zz_added"] = json!({"type": "string"});
        true
    }),
    ("output-nullable-changed", Class::Wire, |spec| {
        let Some((path, name)) = output_property(spec, |p| is_type(p, "string")) else {
            return false;
        };
        let property = &mut output_schema(spec, &path)["properties"][&name];
        let nullable = property["nullable"].as_bool().unwrap_or(false);
        property["nullable"] = json!(!nullable);
        true
    }),
    ("enum-value-removed", Class::Breaking, |spec| {
        let Some((path, name)) =
            output_property(spec, |p| p["enum"].as_array().is_some_and(|e| e.len() > 1))
        else {
            return false;
        };
        output_schema(spec, &path)["properties"][&name]["enum"]
            .as_array_mut()
            .unwrap()
            .remove(0);
        true
    }),
    ("enum-value-added", Class::Additive, |spec| {
        let Some((path, name)) = output_property(spec, |p| p["enum"].is_array()) else {
            return false;
        };
        output_schema(spec, &path)["properties"][&name]["enum"]
            .as_array_mut()
            .unwrap()
            .push(json!("zz_value"));
        true
    }),
    ("default-changed", Class::Wire, |spec| {
        let Some((path, method, name)) = body_property(spec, |_, p| is_type(p, "string")) else {
            return false;
        };
        body_schema(spec, &path, &method)["properties"][&name]["default"] = json!("zz-default");
        true
    }),
    ("paging-changed", Class::Wire, |spec| {
        for (path, method) in operations(spec) {
            if method != "get" {
                continue;
            }
            let schema = output_schema(spec, &path);
            if schema["type"] == "array" {
                let items = schema.clone();
                *schema = json!({"type": "object", "properties": {
                    "itemsReceived": {"type": "integer"}, "curPage": {"type": "integer"},
                    "nextPage": {"type": "integer", "nullable": true}, "prevPage": {"type": "integer", "nullable": true},
                    "offset": {"type": "integer"}, "perPage": {"type": "integer"}, "items": items}});
                return true;
            }
        }
        false
    }),
    ("endpoint-removed", Class::Breaking, |spec| {
        // A path moved is the old endpoint gone (and a new one added).
        let (path, _) = operations(spec).last().cloned().unwrap();
        let item = spec["paths"]
            .as_object_mut()
            .unwrap()
            .remove(&path)
            .unwrap();
        spec["paths"][format!("{path}_moved")] = item;
        true
    }),
];

fn specs_to_edit() -> Vec<(String, Value)> {
    let mut specs = vec![(
        "bookstore".to_owned(),
        read(&common::workspace().join("examples/specs/bookstore.json")),
    )];
    if let Some(dir) = common::shared("xano-specs") {
        for file in [
            "sharetreedev__ep_native_RN__apispec_LmTnxskw.json",
            "roboulos__xano-v2-admin__frontend-api-v2-openapi.json",
        ] {
            specs.push((file.to_owned(), read(&dir.join(file))));
        }
    }
    specs
}

#[test]
fn every_class_of_change_is_found_and_located() {
    let mut covered = std::collections::BTreeSet::new();
    for (name, original) in specs_to_edit() {
        for (kind, class, edit) in EDITS {
            let mut edited = original.clone();
            if !edit(&mut edited) {
                continue;
            }
            let report = report(&original, &edited);
            let found = report
                .changes
                .iter()
                .find(|c| c.kind == kind)
                .unwrap_or_else(|| panic!("{name}: `{kind}` not reported: {:#?}", report.changes));
            assert_eq!(found.class, class, "{name}: {found:?}");
            assert!(!found.rust.is_empty(), "{name}: {found:?}: no Rust item");
            assert!(
                found.old_pointer.is_some() || found.new_pointer.is_some(),
                "{name}: {found:?}: no pointer"
            );
            // A pointer names a node that exists on its side.
            if let Some(pointer) = &found.new_pointer {
                let normalized = xano_codegen::parse_spec(&raw("n", &edited))
                    .unwrap()
                    .normalized;
                assert!(
                    normalized.pointer(pointer).is_some(),
                    "{name}: {kind}: {pointer} is not in the new spec"
                );
            }
            covered.insert(kind);
        }
    }
    // Every kind was exercised on some spec.
    for (kind, _, _) in EDITS {
        assert!(covered.contains(kind), "`{kind}` never exercised");
    }
}

/// Every object's keys reversed, at every depth.
fn reversed(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map.iter().rev() {
                out.insert(key.clone(), reversed(value));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

#[test]
fn a_spec_against_itself_or_a_reordered_copy_reports_nothing() {
    for (name, spec) in specs_to_edit() {
        assert!(report(&spec, &spec).changes.is_empty(), "{name}");
        let changes = report(&spec, &reversed(&spec)).changes;
        assert!(changes.is_empty(), "{name}: {changes:#?}");
    }
}

/// A rename the user already mapped (`[xano.rename]`) keeps the Rust name: the
/// endpoint moved on the wire, and nothing breaks at compile time.
#[test]
fn a_mapped_rename_is_not_a_break() {
    let spec = read(&common::workspace().join("examples/specs/bookstore.json"));
    let mut moved = spec.clone();
    let item = moved["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/books/count")
        .unwrap();
    moved["paths"]["/books/total"] = item;
    let mut settings = Settings::default();
    settings.with_rename("get_books_total", "get_books_count");
    let report = diff(
        vec![raw("old.json", &spec)],
        vec![raw("new.json", &moved)],
        &settings,
    )
    .unwrap();
    assert_eq!(report.count(Class::Breaking), 0, "{:#?}", report.changes);
    assert_eq!(report.changes[0].kind, "endpoint-moved");
    assert_eq!(report.changes[0].class, Class::Wire);
}

/// Two real exports of one group (sharetree's `api:LmTnxskw`, 59 and 92 paths)
/// and two real versions of Xano's Metadata API (the beta export and today's
/// slices, on the endpoints both have): figures a reader can check by hand.
#[test]
fn real_pairs_of_versions() {
    let Some(dir) = common::shared("xano-specs") else {
        return;
    };
    let old = read(&dir.join("sharetreedev__ep_native_RN__apispec_LmTnxskw.json"));
    let new = read(&dir.join("sharetreedev__ep_native_RN__xano-api.json"));
    let exports = report(&old, &new);
    let text = xano_codegen::diff::to_text(&exports);
    let summary = text.lines().next().unwrap();
    assert_eq!(
        summary, "62 breaking, 4 on the wire, 108 additive",
        "{text}"
    );
    assert!(text.contains("[group-renamed]"), "{text}");

    let Some(beta_dir) = common::shared("xano-meta-api-beta") else {
        return;
    };
    let Some(current_dir) = common::shared("xano-meta-api") else {
        return;
    };
    let beta = read(&beta_dir.join("lowcodelocky2__xano-mcp__api-spec.json"));
    let mut current: Vec<Value> = common::specs_in(&current_dir)
        .iter()
        .map(|p| read(p))
        .collect();
    // The endpoints both versions have.
    let keys = |spec: &Value| -> Vec<(String, String)> { operations(spec) };
    let current_ops: std::collections::BTreeSet<(String, String)> =
        current.iter().flat_map(keys).collect();
    let beta_ops: std::collections::BTreeSet<(String, String)> = keys(&beta).into_iter().collect();
    let keep = |spec: &mut Value, others: &std::collections::BTreeSet<(String, String)>| {
        let paths = spec["paths"].as_object_mut().unwrap();
        for (path, item) in paths.iter_mut() {
            let item = item.as_object_mut().unwrap();
            item.retain(|method, _| {
                !METHODS.contains(&method.as_str())
                    || others.contains(&(path.clone(), method.clone()))
            });
        }
        paths.retain(|_, item| {
            item.as_object()
                .unwrap()
                .keys()
                .any(|k| METHODS.contains(&k.as_str()))
        });
    };
    let mut beta_common = beta.clone();
    keep(&mut beta_common, &current_ops);
    for slice in &mut current {
        keep(slice, &beta_ops);
    }
    let meta = diff(
        vec![raw("beta.json", &beta_common)],
        current
            .iter()
            .enumerate()
            .map(|(i, s)| raw(&format!("current{i}.json"), s))
            .collect(),
        &Settings::default(),
    )
    .unwrap();
    assert_eq!(beta_ops.intersection(&current_ops).count(), 21);
    let text = xano_codegen::diff::to_text(&meta);
    assert!(
        meta.changes
            .iter()
            .all(|c| c.kind != "endpoint-removed" && c.kind != "endpoint-added"),
        "the common endpoints match: {text}"
    );
    println!("{text}");
    assert_eq!(
        text.lines().next(),
        Some("1 breaking, 11 on the wire, 50 additive"),
        "{text}"
    );
}
