//! `normalize` writes valid OpenAPI 3.0, judged by references rather than by our
//! own parser: the OpenAPI Initiative's JSON Schema for 3.0 documents (vendored in
//! `tests/reference/`), the semantic checks validators make (every `default`,
//! `example` and `enum` value is a value of its schema, formats included, with
//! the `jsonschema` crate as the judge), identifier-safe unique operationIds, and,
//! where installed (CI installs both), `openapi-spec-validator` and Redocly's
//! linter run on the same files.

use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Our specs, and the real Xano-generated ones beside the checkout.
fn specs() -> Vec<PathBuf> {
    let mut specs = Vec::new();
    for dir in [
        "examples/specs",
        "xano-codegen/tests/fixtures",
        "xano-codegen/tests/audit",
        "../shared/xano-specs",
        "../shared/xano-meta-api",
    ] {
        let found = json_files(&root().join(dir));
        if found.is_empty() && dir.starts_with("../shared") {
            missing_reference(&format!(
                "{dir} is not beside the checkout: its specs are not checked"
            ));
        }
        specs.extend(found);
    }
    specs
}

fn normalized(path: &Path) -> Value {
    let raw = xano_codegen::RawSpec::from_path(path).unwrap();
    let mut json = raw.json.clone();
    xano_codegen::normalize::normalize(&mut json);
    json
}

/// An OpenAPI 3.0 schema object as JSON Schema, for validating the values in it:
/// `nullable` adds `null`; the keywords JSON Schema shares are kept.
fn as_json_schema(schema: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (key, value) in schema {
        match key.as_str() {
            "type" | "enum" | "format" | "minimum" | "maximum" | "minLength" | "maxLength"
            | "pattern" | "minItems" | "maxItems" | "required" => {
                out.insert(key.clone(), value.clone());
            }
            "items" => {
                if let Value::Object(items) = value {
                    out.insert(key.clone(), as_json_schema(items));
                }
            }
            "properties" => {
                let props: Map<String, Value> = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter_map(|(k, v)| v.as_object().map(|v| (k.clone(), as_json_schema(v))))
                    .collect();
                out.insert(key.clone(), Value::Object(props));
            }
            _ => {}
        }
    }
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(kind)) = out.get("type").cloned() {
            out.insert("type".into(), json!([kind, "null"]));
        }
        if let Some(Value::Array(values)) = out.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
    }
    Value::Object(out)
}

/// Every schema object of a document, with its pointer (a schema is any object
/// under `schema`, `properties/*`, `items`, `additionalProperties` or
/// `components/schemas/*`).
fn schemas<'a>(
    node: &'a Value,
    pointer: String,
    is_schema: bool,
    out: &mut Vec<(String, &'a Map<String, Value>)>,
) {
    match node {
        Value::Object(map) => {
            if is_schema {
                out.push((pointer.clone(), map));
            }
            for (key, child) in map {
                let child_pointer =
                    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                let child_is_schema =
                    matches!(key.as_str(), "schema" | "items" | "additionalProperties")
                        || (is_schema && key == "not")
                        || pointer.ends_with("/properties")
                        || pointer.ends_with("/components/schemas");
                let in_values = is_schema && matches!(key.as_str(), "default" | "example" | "enum");
                if !in_values {
                    schemas(child, child_pointer, child_is_schema, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let in_combinator = pointer.ends_with("/allOf")
                    || pointer.ends_with("/anyOf")
                    || pointer.ends_with("/oneOf");
                schemas(item, format!("{pointer}/{index}"), in_combinator, out);
            }
        }
        _ => {}
    }
}

fn semantic_problems(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut found = Vec::new();
    schemas(doc, String::new(), false, &mut found);
    for (pointer, schema) in found {
        let json_schema = as_json_schema(schema);
        let validator = match jsonschema::options()
            .should_validate_formats(true)
            .build(&json_schema)
        {
            Ok(validator) => validator,
            Err(err) => {
                problems.push(format!("{pointer}: not a usable schema: {err}"));
                continue;
            }
        };
        for keyword in ["default", "example"] {
            if let Some(value) = schema.get(keyword)
                && !validator.is_valid(value)
            {
                problems.push(format!(
                    "{pointer}/{keyword}: {value} is not a value of its schema"
                ));
            }
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            let mut without_enum = json_schema.clone();
            without_enum.as_object_mut().unwrap().remove("enum");
            let type_only = jsonschema::validator_for(&without_enum).unwrap();
            for value in values {
                if !type_only.is_valid(value) {
                    problems.push(format!(
                        "{pointer}/enum: {value} is not of the schema's type"
                    ));
                }
            }
        }
        if schema.get("nullable") == Some(&Value::Bool(true)) && !schema.contains_key("type") {
            problems.push(format!("{pointer}: `nullable` without `type`"));
        }
    }
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let identifier = id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !identifier {
                problems.push(format!(
                    "{method} {path}: operationId `{id}` is not an identifier"
                ));
            }
            if !ids.insert(id.to_owned()) {
                problems.push(format!("{method} {path}: operationId `{id}` is not unique"));
            }
        }
    }
    problems
}

#[test]
fn normalized_specs_are_valid_openapi_3_0() {
    let schema: Value =
        serde_json::from_str(include_str!("reference/openapi-3.0.schema.json")).unwrap();
    let oas = jsonschema::draft4::new(&schema).expect("the OpenAPI 3.0 schema compiles");
    let specs = specs();
    let mut invalid = Vec::new();
    let out = tempfile::tempdir().unwrap();
    for path in &specs {
        let doc = normalized(path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut problems: Vec<String> = oas
            .iter_errors(&doc)
            .take(5)
            .map(|err| format!("schema: {err} at {}", err.instance_path()))
            .collect();
        problems.extend(semantic_problems(&doc).into_iter().take(10));
        if !problems.is_empty() {
            invalid.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
        std::fs::write(
            out.path().join(&name),
            serde_json::to_vec_pretty(&doc).unwrap(),
        )
        .unwrap();
    }
    println!("{} specs normalized and validated", specs.len());
    assert!(
        invalid.is_empty(),
        "{} of {} normalized specs are invalid:\n{}",
        invalid.len(),
        specs.len(),
        invalid.join("\n")
    );
    external_validators(out.path());
}

/// `openapi-spec-validator` and Redocly, when installed, on the same files.
fn external_validators(dir: &Path) {
    let files = json_files(dir);
    let python = Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .output()
        .is_ok_and(|o| o.status.success());
    if python {
        let script = "import sys\nfrom openapi_spec_validator import OpenAPIV30SpecValidator\nfrom openapi_spec_validator.readers import read_from_filename\nbad = 0\nfor f in sys.argv[1:]:\n    d, _ = read_from_filename(f)\n    for e in list(OpenAPIV30SpecValidator(d).iter_errors())[:3]:\n        bad += 1\n        print(f, str(e).splitlines()[0])\nsys.exit(1 if bad else 0)\n";
        let output = Command::new("python3")
            .arg("-c")
            .arg(script)
            .args(&files)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "openapi-spec-validator rejects normalized specs:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        println!("openapi-spec-validator: {} specs valid", files.len());
    } else {
        missing_reference(
            "openapi-spec-validator is not installed (pip install -r tests/references/requirements.txt)",
        );
    }
    let redocly = root().join("tests/references/node_modules/@redocly/cli/bin/cli.js");
    if redocly.exists() {
        let output = Command::new("node")
            .arg(&redocly)
            .args(["lint", "--extends=minimal", "--format=summary"])
            .args(&files)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "Redocly reports errors in normalized specs:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        println!("Redocly lint: {} specs without errors", files.len());
    } else {
        missing_reference("Redocly is not installed (npm ci --prefix tests/references)");
    }
}

/// A reference judge that is not installed: a notice in a user's clone, a
/// failure under `CI=true` (CI installs every judge; passing without one would
/// be passing unjudged).
fn missing_reference(what: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {what}"
    );
    eprintln!("SKIPPED: {what}");
}

/// The judges can fail: the published Xano shapes the issue found invalid are
/// invalid before normalizing and valid after.
#[test]
fn raw_xano_shapes_fail_and_normalized_pass() {
    let doc = json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/a b/{id}": {"get": {
    "operationId": "My Group/a b/{id}|GET",
    "summary": "",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {
        "at": {"type": "string", "format": "timestamptz", "default": "2023-04-19 21:01:32+0000"},
        "email": {"type": "string", "format": "email", "default": ""},
        "kind": {"type": "string", "enum": ["a", "b"], "default": ""},
        "ids": {"type": "array", "items": {"type": "integer"}, "default": "[3919]"},
        "rows": {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "string"}}}, "default": [""]},
        "free": {"nullable": true},
        "level": {"type": "string", "enum": [1, 2]},
        "extra": {"type": "object", "additionalProperties": []}
    }}}}}}}}}});
    let before = semantic_problems(&doc);
    assert!(before.len() >= 6, "{before:#?}");
    let mut repaired = doc.clone();
    xano_codegen::normalize::normalize(&mut repaired);
    assert_eq!(semantic_problems(&repaired), Vec::<String>::new());
    let props = &repaired["paths"]["/a b/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["properties"];
    assert_eq!(
        props["ids"]["default"],
        json!([3919]),
        "a JSON text of the right shape is parsed"
    );
    assert_eq!(props["level"]["enum"], json!(["1", "2"]));
    assert_eq!(
        props["at"]["default"],
        json!("2023-04-19 21:01:32+0000"),
        "kept: a plain string now"
    );
    assert_eq!(
        repaired["paths"]["/a b/{id}"]["get"]["x-xano-operation-id"],
        json!("My Group/a b/{id}|GET")
    );
    assert_eq!(
        repaired["paths"]["/a b/{id}"]["get"]["operationId"],
        json!("get_a_b_by_id")
    );
}
