//! The generator never panics on spec shape: 2,000 seeded mutations of the bundled
//! and fixture specs (and the real ones when `../shared/xano-specs` exists) — keys
//! dropped, types swapped, numbers as strings, unicode and emoji names, empty
//! objects, huge enums, deep nesting. Every run ends in code or in an error that
//! names a JSON pointer (or a line and column); a sample of the successes is parsed
//! as Rust.

use serde_json::{Map, Value, json};
use std::path::Path;

/// A small deterministic generator (SplitMix64): the same seed, the same mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every path (as a list of keys/indices) to an object or array node.
fn nodes(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match value {
        Value::Object(map) => {
            out.push(path.clone());
            for (key, child) in map {
                path.push(Value::String(key.clone()));
                nodes(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            out.push(path.clone());
            for (index, child) in items.iter().enumerate() {
                path.push(json!(index));
                nodes(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(value, |node, step| match step {
        Value::String(key) => &mut node[key.as_str()],
        Value::Number(index) => &mut node[index.as_u64().unwrap_or(0) as usize],
        _ => node,
    })
}

fn deep(levels: usize) -> Value {
    let mut schema = json!({"type": "string"});
    for i in 0..levels {
        schema = json!({"type": "object", "properties": {format!("level{i}"): schema}});
    }
    schema
}

fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    nodes(doc, &mut Vec::new(), &mut all);
    let path = all[rng.below(all.len())].clone();
    let node = at(doc, &path);
    match (node, rng.below(10)) {
        (Value::Object(map), 0) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(rng.below(map.len()))
                .cloned()
                .unwrap_or_default();
            map.remove(&key);
        }
        (Value::Object(map), 1) => {
            let key = map.keys().nth(rng.below(map.len())).cloned();
            if let Some(key) = key {
                let swapped = match &map[&key] {
                    Value::String(_) => json!(42),
                    Value::Number(n) => Value::String(n.to_string()),
                    Value::Bool(b) => Value::String(b.to_string()),
                    Value::Array(_) => json!({}),
                    Value::Object(_) => json!([]),
                    Value::Null => json!("null"),
                };
                map.insert(key, swapped);
            }
        }
        (Value::Object(map), 2) => {
            let long = "x".repeat(300);
            let names = [
                "type",
                "é名前 🚀",
                "",
                "self",
                "1st",
                "extra",
                "Client",
                "r#type",
                long.as_str(),
            ];
            let name = names[rng.below(names.len())].to_owned();
            map.insert(name, json!({"type": "integer", "nullable": "true"}));
        }
        (Value::Object(map), 3) => {
            map.insert(
                "enum".into(),
                Value::Array((0..1000).map(|i| json!(format!("v{i} 🙂"))).collect()),
            );
        }
        (Value::Object(map), 4) => {
            map.insert("properties".into(), deep(rng.below(200)));
        }
        (Value::Object(map), 5) => {
            map.clear();
        }
        (Value::Object(map), 6) => {
            let values = [
                json!("64"),
                json!(-1),
                json!(null),
                json!([1, "a"]),
                json!({"$ref": "#/components/schemas/Nope"}),
                json!(1e300),
            ];
            let keys = [
                "maxLength",
                "items",
                "required",
                "default",
                "type",
                "schema",
                "format",
                "nullable",
                "security",
            ];
            map.insert(
                keys[rng.below(keys.len())].into(),
                values[rng.below(values.len())].clone(),
            );
        }
        (Value::Array(items), _) if !items.is_empty() => {
            let index = rng.below(items.len());
            if rng.below(2) == 0 {
                items.remove(index);
            } else {
                let copy = items[index].clone();
                items.push(copy);
            }
        }
        (node, _) => *node = Value::Object(Map::new()),
    }
}

fn specs() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs = vec![
        root.join("examples/specs"),
        root.join("xano-codegen/tests/fixtures"),
        root.join("xano-codegen/tests/audit"),
    ];
    let shared = root.join("../shared/xano-specs");
    if shared.is_dir() {
        dirs.push(shared);
    }
    let mut specs = Vec::new();
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for file in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "json"))
        {
            let value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            specs.push((file.display().to_string(), value));
        }
    }
    specs
}

#[test]
fn two_thousand_mutations_never_panic() {
    let specs = specs();
    let mut rng = Rng(0x5EED_2026);
    let (mut generated, mut rejected) = (0, 0);
    for round in 0..2000 {
        // Large real specs are mutated less often: they are slow to generate in debug.
        // The large real specs are slow to generate in a debug build: 1 round in 250.
        let small = specs.len().min(5);
        let (name, base) = &specs[if round % 250 == 0 {
            rng.below(specs.len())
        } else {
            rng.below(small)
        }];
        let mut doc = base.clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut doc, &mut rng);
        }
        let bytes = serde_json::to_vec(&doc).unwrap();
        let outcome = std::panic::catch_unwind(|| {
            let raw = xano_codegen::RawSpec::from_bytes(format!("{name}#mutation{round}"), &bytes)?;
            let generation = xano_codegen::generate(vec![raw], &xano_codegen::Settings::default())?;
            if round % 50 == 0 {
                // A sample of the successes: the tokens must parse as a Rust file.
                syn::parse2::<syn::File>(generation.tokens()).map_err(|err| {
                    xano_codegen::Error::Config {
                        file: name.clone(),
                        message: format!("generated code does not parse: {err}"),
                    }
                })?;
            }
            Ok::<_, xano_codegen::Error>(())
        });
        match outcome {
            Err(_) => panic!("the generator panicked on mutation {round} of {name}"),
            Ok(Ok(())) => generated += 1,
            Ok(Err(err)) => {
                let message = err.to_string();
                assert!(
                    !message.contains("does not parse"),
                    "mutation {round}: {message}"
                );
                // A pointer (`(at /…)`), or a line and column for JSON syntax errors.
                let after_name = message
                    .split_once(&format!("#mutation{round}"))
                    .map_or("", |(_, rest)| rest);
                let line_column = after_name.starts_with(':')
                    && after_name[1..].starts_with(|c: char| c.is_ascii_digit());
                let located = message.contains("(at /")
                    || message.contains("(at the document root)")
                    || line_column;
                assert!(
                    located,
                    "mutation {round}: the error has no location: {message}"
                );
                rejected += 1;
            }
        }
    }
    println!("{generated} mutated specs generated, {rejected} rejected with a located error");
    assert!(
        generated > 1000,
        "most mutations should still generate ({generated})"
    );
}

#[test]
fn deep_nesting_fails_cleanly() {
    // 10,000 nested object schemas, written as text (building it as a `Value` would
    // itself recurse that deep).
    let levels = 10_000;
    let mut text = String::from(
        r#"{"openapi": "3.0.0", "info": {"title": "deep", "version": "1"}, "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": "#,
    );
    text.push_str(&r#"{"type": "object", "properties": {"next": "#.repeat(levels));
    text.push_str(r#"{"type": "string"}"#);
    text.push_str(&"}}".repeat(levels));
    text.push_str("}}}}}}}}");
    let err = xano_codegen::RawSpec::from_bytes("deep.json", text.as_bytes()).unwrap_err();
    assert!(
        err.to_string().contains("recursion limit exceeded"),
        "{err}"
    );
    assert!(err.to_string().starts_with("deep.json:1:"), "{err}");
}
