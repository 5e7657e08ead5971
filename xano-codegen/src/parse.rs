//! Stage 3 — parse: normalized JSON becomes a typed `openapiv3::OpenAPI`.

use crate::error::{Error, Result, escape_pointer_token};
use serde::Deserialize;
use serde_json::Value;

/// Checks the OpenAPI version and deserializes the document; a failure names the
/// JSON pointer of the node serde stopped at.
pub fn parse(file: &str, doc: &Value) -> Result<openapiv3::OpenAPI> {
    check_version(file, doc)?;
    // The plain pass is fast; `locate` runs only to explain a failure.
    <openapiv3::OpenAPI as Deserialize>::deserialize(doc)
        .map_err(|whole| explain(file, doc, &whole))
}

/// [`parse`] that consumes the document: its strings move into the typed document
/// instead of being copied, and its nodes are freed as they are read, so the two
/// never both exist in full (a large spec's peak memory is about one of them).
/// `again` rebuilds the same document when it must be read a second time to say
/// where a failure is.
pub fn parse_owned(
    file: &str,
    doc: Value,
    again: impl FnOnce() -> Option<Value>,
) -> Result<openapiv3::OpenAPI> {
    check_version(file, &doc)?;
    <openapiv3::OpenAPI as Deserialize>::deserialize(doc).map_err(|whole| match again() {
        Some(doc) => explain(file, &doc, &whole),
        None => Error::Spec {
            file: file.to_owned(),
            pointer: String::new(),
            message: format!("invalid OpenAPI: {whole}"),
        },
    })
}

fn explain(file: &str, doc: &Value, whole: &serde_json::Error) -> Error {
    let (pointer, message) = locate(doc).unwrap_or_else(|| (String::new(), whole.to_string()));
    Error::Spec {
        file: file.to_owned(),
        pointer,
        message: format!("invalid OpenAPI: {message}"),
    }
}

/// An OpenAPI 3.0 document: a JSON object with `openapi: 3.0.x` (not Swagger 2.0,
/// not 3.1).
fn check_version(file: &str, doc: &Value) -> Result<()> {
    let Some(root) = doc.as_object() else {
        return Err(Error::Spec {
            file: file.to_owned(),
            pointer: String::new(),
            message: "not an OpenAPI document: the top level is not a JSON object".into(),
        });
    };
    if root.contains_key("swagger") {
        return Err(Error::Unsupported {
            file: file.to_owned(),
            pointer: "/swagger".into(),
            message: "Swagger 2.0 documents are not supported; Xano publishes OpenAPI 3.0".into(),
        });
    }
    match root.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0") => Ok(()),
        Some(version) => Err(Error::Unsupported {
            file: file.to_owned(),
            pointer: "/openapi".into(),
            message: format!(
                "OpenAPI version {version}: only 3.0.x is supported (Xano publishes 3.0.0)"
            ),
        }),
        None => Err(Error::Spec {
            file: file.to_owned(),
            pointer: "/openapi".into(),
            message: "not an OpenAPI document: no `openapi` version field".into(),
        }),
    }
}

/// The deepest node of the document that does not deserialize on its own, with
/// serde's message for it.
///
/// openapiv3's types flatten their `x-` extensions, and serde loses the path inside
/// flattened structs, so a whole-document error says nothing about where it is.
/// Re-reading the document node by node finds the spot.
fn locate(doc: &Value) -> Option<(String, String)> {
    let mut at = Locator {
        pointer: String::new(),
    };
    at.child(doc, "info", |at, info| at.node::<openapiv3::Info>(info))
        .or_else(|| {
            at.child(doc, "servers", |at, servers| {
                at.each_item(servers, |at, server| at.node::<openapiv3::Server>(server))
            })
        })
        .or_else(|| {
            at.child(doc, "components", |at, components| {
                at.components(components)
            })
        })
        .or_else(|| {
            at.child(doc, "paths", |at, paths| {
                at.each_entry(paths, |at, _, item| at.path_item(item))
                    .or_else(|| at.node::<openapiv3::Paths>(paths))
            })
        })
        .or_else(|| at.node::<openapiv3::OpenAPI>(doc))
}

struct Locator {
    pointer: String,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Locator {
    /// The error of `node` read as `T`, located inside it as far as serde can tell.
    fn node<T: serde::de::DeserializeOwned>(&mut self, node: &Value) -> Option<(String, String)> {
        let err = serde_path_to_error::deserialize::<_, T>(node).err()?;
        Some((
            format!("{}{}", self.pointer, path_to_pointer(err.path())),
            err.inner().to_string(),
        ))
    }

    fn child<F>(&mut self, node: &Value, key: &str, visit: F) -> Option<(String, String)>
    where
        F: FnOnce(&mut Self, &Value) -> Option<(String, String)>,
    {
        let child = node.get(key)?;
        let len = self.pointer.len();
        self.pointer.push('/');
        self.pointer.push_str(&escape_pointer_token(key));
        let found = visit(self, child);
        self.pointer.truncate(len);
        found
    }

    fn each_entry<F>(&mut self, node: &Value, mut visit: F) -> Option<(String, String)>
    where
        F: FnMut(&mut Self, &str, &Value) -> Option<(String, String)>,
    {
        let map = node.as_object()?;
        map.iter().find_map(|(key, value)| {
            let len = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&escape_pointer_token(key));
            let found = visit(self, key, value);
            self.pointer.truncate(len);
            found
        })
    }

    fn each_item<F>(&mut self, node: &Value, mut visit: F) -> Option<(String, String)>
    where
        F: FnMut(&mut Self, &Value) -> Option<(String, String)>,
    {
        let items = node.as_array()?;
        items.iter().enumerate().find_map(|(index, value)| {
            let len = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&index.to_string());
            let found = visit(self, value);
            self.pointer.truncate(len);
            found
        })
    }

    fn components(&mut self, components: &Value) -> Option<(String, String)> {
        self.child(components, "schemas", |at, schemas| {
            at.each_entry(schemas, |at, _, schema| at.schema(schema))
        })
        .or_else(|| {
            self.child(components, "parameters", |at, params| {
                at.each_entry(params, |at, _, param| at.parameter(param))
            })
        })
        .or_else(|| {
            self.child(components, "requestBodies", |at, bodies| {
                at.each_entry(bodies, |at, _, body| {
                    at.content(body)
                        .or_else(|| at.node::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(body))
                })
            })
        })
        .or_else(|| {
            self.child(components, "responses", |at, responses| {
                at.each_entry(responses, |at, _, response| at.response(response))
            })
        })
        .or_else(|| self.node::<openapiv3::Components>(components))
    }

    fn path_item(&mut self, item: &Value) -> Option<(String, String)> {
        METHODS
            .iter()
            .find_map(|method| self.child(item, method, |at, op| at.operation(op)))
            .or_else(|| {
                self.child(item, "parameters", |at, params| {
                    at.each_item(params, |at, param| at.parameter(param))
                })
            })
            .or_else(|| self.node::<openapiv3::ReferenceOr<openapiv3::PathItem>>(item))
    }

    fn operation(&mut self, op: &Value) -> Option<(String, String)> {
        self.child(op, "parameters", |at, params| {
            at.each_item(params, |at, param| at.parameter(param))
        })
        .or_else(|| {
            self.child(op, "requestBody", |at, body| {
                at.content(body)
                    .or_else(|| at.node::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(body))
            })
        })
        .or_else(|| {
            self.child(op, "responses", |at, responses| {
                at.each_entry(responses, |at, _, response| at.response(response))
                    .or_else(|| at.node::<openapiv3::Responses>(responses))
            })
        })
        .or_else(|| self.node::<openapiv3::Operation>(op))
    }

    fn parameter(&mut self, param: &Value) -> Option<(String, String)> {
        self.child(param, "schema", |at, schema| at.schema(schema))
            .or_else(|| self.node::<openapiv3::ReferenceOr<openapiv3::Parameter>>(param))
    }

    fn response(&mut self, response: &Value) -> Option<(String, String)> {
        self.content(response)
            .or_else(|| self.node::<openapiv3::ReferenceOr<openapiv3::Response>>(response))
    }

    /// `content.<media type>.schema` of a request body or response.
    fn content(&mut self, holder: &Value) -> Option<(String, String)> {
        self.child(holder, "content", |at, content| {
            at.each_entry(content, |at, _, media| {
                at.child(media, "schema", |at, schema| at.schema(schema))
                    .or_else(|| at.node::<openapiv3::MediaType>(media))
            })
        })
    }

    fn schema(&mut self, schema: &Value) -> Option<(String, String)> {
        self.child(schema, "properties", |at, properties| {
            at.each_entry(properties, |at, _, property| at.schema(property))
        })
        .or_else(|| self.child(schema, "items", |at, items| at.schema(items)))
        .or_else(|| {
            self.child(schema, "additionalProperties", |at, extra| {
                if extra.is_object() {
                    at.schema(extra)
                } else {
                    None
                }
            })
        })
        .or_else(|| self.child(schema, "not", |at, not| at.schema(not)))
        .or_else(|| {
            ["allOf", "anyOf", "oneOf"].iter().find_map(|key| {
                self.child(schema, key, |at, list| {
                    at.each_item(list, |at, item| at.schema(item))
                })
            })
        })
        .or_else(|| self.node::<openapiv3::ReferenceOr<openapiv3::Schema>>(schema))
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&escape_pointer_token(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_point_at_the_bad_node() {
        let doc = json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a/b": {"get": {"responses": {"200": {"description": 5}}}}}});
        let err = parse("s.json", &doc).unwrap_err();
        match err {
            Error::Spec { pointer, .. } => {
                assert_eq!(pointer, "/paths/~1a~1b/get/responses/200")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_inside_schemas_point_at_the_property() {
        let doc = json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                    "properties": {"ok": {"type": "string"}, "bad": {"type": "string", "maxLength": -1}}}}}},
                "responses": {"200": {"description": "ok"}}}}}});
        let err = parse("s.json", &doc).unwrap_err();
        assert!(
            err.to_string().contains(
                "(at /paths/~1a/post/requestBody/content/application~1json/schema/properties/bad)"
            ),
            "{err}"
        );
    }

    #[test]
    fn versions_are_checked() {
        let swagger = json!({"swagger": "2.0"});
        assert!(matches!(
            parse("s", &swagger),
            Err(Error::Unsupported { .. })
        ));
        let v31 = json!({"openapi": "3.1.0"});
        assert!(parse("s", &v31).unwrap_err().to_string().contains("3.1.0"));
        assert!(matches!(parse("s", &json!([1])), Err(Error::Spec { .. })));
    }
}
