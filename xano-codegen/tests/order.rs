//! Nothing generated depends on the order of keys in a spec: Xano's exports do not
//! promise one. The same content in another key order gives the same types, the
//! same names and the same functions; only the order of fields inside a type may
//! follow the spec. And where two names collide, the rule does not look at order.

mod common;

use serde_json::{Map, Value, json};
use xano_codegen::write::Formatting;
use xano_codegen::{RawSpec, Settings};

/// Every object's keys in reverse order, at every depth.
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

/// Every object's keys rotated by a seeded amount, at every depth.
fn rotated(value: &Value, seed: &mut u64) -> Value {
    match value {
        Value::Object(map) => {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let entries: Vec<(&String, &Value)> = map.iter().collect();
            let shift = if entries.is_empty() {
                0
            } else {
                (*seed >> 33) as usize % entries.len()
            };
            let mut out = Map::new();
            for (key, value) in entries[shift..].iter().chain(&entries[..shift]) {
                out.insert((*key).clone(), rotated(value, seed));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| rotated(v, seed)).collect()),
        other => other.clone(),
    }
}

fn generate(json: &Value, origin: &str) -> String {
    let raw = RawSpec::from_bytes(origin, &serde_json::to_vec(json).unwrap()).unwrap();
    let generation = xano_codegen::generate(vec![raw], &Settings::default()).unwrap();
    let source = generation.to_file_source(Formatting::Builtin).unwrap();
    // The header holds the SHA-256 of the bytes, which differ.
    source
        .lines()
        .filter(|line| !line.starts_with("// spec "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines of generated code as a sorted list: a field order that follows the
/// spec permutes lines, anything else (a type more or less, a name that moved)
/// changes them.
fn sorted_lines(source: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = source.lines().collect();
    lines.sort_unstable();
    lines
}

/// Whether a schema lists `required` properties by index (a Xano quirk): the
/// meaning of such a spec itself depends on the order of its properties.
fn required_by_index(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, value)| {
            (key == "required"
                && value
                    .as_array()
                    .is_some_and(|items| items.iter().any(Value::is_number)))
                || required_by_index(value)
        }),
        Value::Array(items) => items.iter().any(required_by_index),
        _ => false,
    }
}

#[test]
fn key_order_changes_nothing_but_field_order() {
    let mut checked = 0;
    for spec in common::all_specs() {
        let json: Value = serde_json::from_slice(&std::fs::read(&spec).unwrap()).unwrap();
        if required_by_index(&json) {
            continue;
        }
        checked += 1;
        let name = spec.display().to_string();
        let original = generate(&json, &name);
        let mut seed = 2026;
        for (how, shuffled) in [
            ("reversed", reversed(&json)),
            ("rotated", rotated(&json, &mut seed)),
        ] {
            let again = generate(&shuffled, &name);
            let (a, b) = (sorted_lines(&original), sorted_lines(&again));
            if a != b {
                let only_a: Vec<&&str> = a.iter().filter(|l| !b.contains(l)).take(8).collect();
                let only_b: Vec<&&str> = b.iter().filter(|l| !a.contains(l)).take(8).collect();
                panic!(
                    "{name}, keys {how}: the code differs beyond field order\n\
                     only in the original: {only_a:#?}\nonly with keys {how}: {only_b:#?}"
                );
            }
        }
    }
    assert!(checked >= 2, "the bundled example and media_types at least");
}

/// A spec with one endpoint whose body and output hold `properties` in the order given.
fn one_endpoint(properties: Value) -> Value {
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Order", "version": "0.0.1"},
        "servers": [{"url": "https://x.n7.xano.io/api:abc"}],
        "paths": {"/users": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": properties.clone()
            }}}},
            "responses": {"200": {"description": "Success!", "content": {"application/json": {
                "schema": {"type": "object", "properties": properties}
            }}}}
        }}}
    })
}

#[test]
fn an_exact_spelling_keeps_the_plain_name_in_either_order() {
    let forward = one_endpoint(json!({
        "userId": {"type": "integer"}, "user_id": {"type": "string"}
    }));
    let backward = one_endpoint(json!({
        "user_id": {"type": "string"}, "userId": {"type": "integer"}
    }));
    for spec in [forward, backward] {
        let code = generate(&spec, "order.json");
        // `user_id` (a string) is the field `user_id`; `userId` (an integer) takes
        // the suffix, whichever comes first.
        let plain = code.find("pub user_id: ").expect("a user_id field");
        let suffixed = code.find("pub user_id_2: ").expect("a user_id_2 field");
        let plain_type = code[plain..].lines().next().unwrap();
        let suffixed_type = code[suffixed..].lines().next().unwrap();
        assert!(plain_type.contains("String"), "{plain_type}\n{code}");
        assert!(suffixed_type.contains("i64"), "{suffixed_type}\n{code}");
    }
}

#[test]
fn enum_values_that_collide_keep_the_exact_one() {
    let spec = |values: Value| {
        json!({
            "openapi": "3.0.0",
            "info": {"title": "Enums", "version": "0.0.1"},
            "servers": [{"url": "https://x.n7.xano.io/api:abc"}],
            "paths": {"/items": {"get": {
                "parameters": [{"name": "kind", "in": "query", "required": true,
                    "schema": {"type": "string", "enum": values}}],
                "responses": {"200": {"description": "Success!"}}
            }}}
        })
    };
    for values in [json!(["active", "Active"]), json!(["Active", "active"])] {
        let code = generate(&spec(values), "enums.json");
        // The value `Active` is the variant `Active`; `active` is `Active2`.
        assert!(code.contains("Self::Active => \"Active\","), "{code}");
        assert!(code.contains("Self::Active2 => \"active\","), "{code}");
    }
}

#[test]
fn operations_that_collide_keep_the_exact_path() {
    let spec = |first: &str, second: &str| {
        let mut paths = Map::new();
        for path in [first, second] {
            paths.insert(
                path.to_owned(),
                json!({"get": {"summary": path, "responses": {"200": {"description": "Success!"}}}}),
            );
        }
        json!({
            "openapi": "3.0.0",
            "info": {"title": "Ops", "version": "0.0.1"},
            "servers": [{"url": "https://x.n7.xano.io/api:abc"}],
            "paths": paths
        })
    };
    for (a, b) in [
        ("/search-books", "/search_books"),
        ("/search_books", "/search-books"),
    ] {
        let code = generate(&spec(a, b), "ops.json");
        assert!(
            code.contains(
                "/// `GET /search_books` — public.\n        pub async fn get_search_books("
            ),
            "{code}"
        );
        assert!(
            code.contains(
                "/// `GET /search-books` — public.\n        pub async fn get_search_books_2("
            ),
            "{code}"
        );
    }
}

#[test]
fn two_groups_with_one_title_are_announced() {
    let spec = |canonical: &str| {
        let mut spec = one_endpoint(json!({"a": {"type": "string"}}));
        spec["info"]["title"] = json!("Blog API");
        spec["servers"][0]["url"] = json!(format!("https://x.n7.xano.io/api:{canonical}"));
        RawSpec::from_bytes(
            format!("{canonical}.json"),
            &serde_json::to_vec(&spec).unwrap(),
        )
        .unwrap()
    };
    for specs in [
        vec![spec("aaa"), spec("bbb")],
        vec![spec("bbb"), spec("aaa")],
    ] {
        let generation = xano_codegen::generate(specs, &Settings::default()).unwrap();
        let modules: Vec<(&str, &str)> = generation
            .groups
            .iter()
            .map(|g| (g.module.as_str(), g.base_path.as_str()))
            .collect();
        assert_eq!(
            modules,
            [("blog_api", "api:aaa"), ("blog_api_2", "api:bbb")]
        );
        let warned: Vec<&str> = generation.groups[1]
            .warnings
            .iter()
            .map(|w| w.message.as_str())
            .collect();
        assert!(
            warned.iter().any(|w| w.contains("`blog_api_2`")),
            "{warned:?}"
        );
        assert!(generation.groups[0].warnings.is_empty());
    }
}
