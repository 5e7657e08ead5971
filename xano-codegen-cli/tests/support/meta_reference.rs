//! Xano's own published Metadata API spec (the slices in
//! `../shared/xano-meta-api/`, a real Xano-generated spec) as the judge of the
//! fake Meta API: every request our client makes must be an operation the spec
//! declares, with only the query parameters it declares, and every answer the
//! fake gives must match the spec's 200 response schema.

use serde_json::{Value, json};
use std::path::PathBuf;

/// The published operations, loaded once.
pub struct MetaReference {
    /// (path template split in segments, operation).
    operations: Vec<(Vec<String>, Value)>,
}

fn slices_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/xano-meta-api")
}

impl MetaReference {
    /// The reference, or `None` (with a printed notice) when the slices are not
    /// beside the checkout.
    pub fn load() -> Option<MetaReference> {
        let entries = match std::fs::read_dir(slices_dir()) {
            Ok(entries) => entries,
            Err(_) => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "CI=true but {} is missing",
                    slices_dir().display()
                );
                eprintln!(
                    "NOTICE: {} not found; the fake Meta API is not checked against Xano's published spec",
                    slices_dir().display()
                );
                return None;
            }
        };
        let mut operations = Vec::new();
        for entry in entries.flatten() {
            let text = std::fs::read_to_string(entry.path()).ok()?;
            let spec: Value = serde_json::from_str(&text).ok()?;
            for (path, item) in spec["paths"].as_object()? {
                if let Some(get) = item.get("get") {
                    let segments = path
                        .trim_start_matches('/')
                        .split('/')
                        .map(str::to_owned)
                        .collect();
                    operations.push((segments, get.clone()));
                }
            }
        }
        Some(MetaReference { operations })
    }

    /// The published operation matching `route`, with its path template.
    fn operation(&self, route: &[&str]) -> Option<(&[String], &Value)> {
        self.operations
            .iter()
            .find(|(template, _)| {
                template.len() == route.len()
                    && template.iter().zip(route).all(|(t, r)| {
                        t == r || (t.starts_with('{') && t.ends_with('}') && !r.is_empty())
                    })
            })
            .map(|(template, op)| (template.as_slice(), op))
    }

    /// Whether `GET /api:meta/<route>?<query keys>` is a call the spec declares.
    pub fn check_request(&self, route: &str, query: &[String]) -> Result<(), String> {
        let segments: Vec<&str> = route.split('/').collect();
        let Some((template, operation)) = self.operation(&segments) else {
            return Err(format!(
                "GET /api:meta/{route} is not in Xano's published Meta API"
            ));
        };
        let params = operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for key in query {
            let declared = params
                .iter()
                .any(|p| p["in"] == "query" && p["name"].as_str() == Some(key));
            if !declared {
                return Err(format!(
                    "GET /api:meta/{route} takes no query parameter `{key}` in Xano's published Meta API"
                ));
            }
        }
        // Path parameters are int64 in this API.
        for (t, value) in template.iter().zip(&segments) {
            if t.starts_with('{') && value.parse::<i64>().is_err() {
                return Err(format!(
                    "`{value}` for {t} in GET /api:meta/{route} is not an integer"
                ));
            }
        }
        Ok(())
    }

    /// Whether `body` is a valid 200 answer to `GET /api:meta/<route>`.
    pub fn check_response(&self, route: &str, body: &Value) -> Result<(), String> {
        let segments: Vec<&str> = route.split('/').collect();
        let Some((_, operation)) = self.operation(&segments) else {
            return Ok(()); // reported by check_request
        };
        let schema = &operation["responses"]["200"]["content"]["application/json"]["schema"];
        let schema = json_schema(schema);
        let validator = jsonschema::validator_for(&schema)
            .map_err(|err| format!("the published schema of {route} does not compile: {err}"))?;
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|err| format!("{} at {}", err, err.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the fake's answer to GET /api:meta/{route} does not match Xano's published schema: {}",
                errors.join("; ")
            ))
        }
    }
}

/// An OpenAPI 3.0 schema as JSON Schema: `nullable` becomes a `null` type; what
/// JSON Schema does not know (Xano's `timestamptz` format, examples, defaults
/// written as strings) is dropped, since it says nothing about the shape.
fn json_schema(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = serde_json::Map::new();
    for (key, value) in object {
        match key.as_str() {
            "properties" => {
                let properties: serde_json::Map<String, Value> = value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(name, schema)| (name.clone(), json_schema(schema)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(properties));
            }
            "items" => {
                out.insert(key.clone(), json_schema(value));
            }
            "type" | "required" | "enum" => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    if object.get("nullable") == Some(&Value::Bool(true))
        && let Some(Value::String(kind)) = out.get("type").cloned()
    {
        out.insert("type".into(), json!([kind, "null"]));
    }
    Value::Object(out)
}
