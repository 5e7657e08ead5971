//! Stage 3 — parse: normalized JSON becomes a typed `openapiv3::OpenAPI`.

use crate::error::{Error, Result, escape_pointer_token};
use serde_json::Value;

/// Checks the OpenAPI version and deserializes the document; a failure names the
/// JSON pointer of the node serde stopped at.
pub fn parse(file: &str, doc: &Value) -> Result<openapiv3::OpenAPI> {
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
        Some(version) if version.starts_with("3.0") => {}
        Some(version) => {
            return Err(Error::Unsupported {
                file: file.to_owned(),
                pointer: "/openapi".into(),
                message: format!("OpenAPI version {version}: only 3.0.x is supported (Xano publishes 3.0.0)"),
            });
        }
        None => {
            return Err(Error::Spec {
                file: file.to_owned(),
                pointer: "/openapi".into(),
                message: "not an OpenAPI document: no `openapi` version field".into(),
            });
        }
    }
    // The plain pass is faster; the path-tracking pass runs only to locate an error.
    if let Ok(spec) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(doc) {
        return Ok(spec);
    }
    serde_path_to_error::deserialize(doc).map_err(|err| Error::Spec {
        file: file.to_owned(),
        pointer: path_to_pointer(err.path()),
        message: format!("invalid OpenAPI: {}", err.inner()),
    })
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
                assert_eq!(pointer, "/paths/~1a~1b/get/responses/200/description")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn versions_are_checked() {
        let swagger = json!({"swagger": "2.0"});
        assert!(matches!(parse("s", &swagger), Err(Error::Unsupported { .. })));
        let v31 = json!({"openapi": "3.1.0"});
        assert!(parse("s", &v31).unwrap_err().to_string().contains("3.1.0"));
        assert!(matches!(parse("s", &json!([1])), Err(Error::Spec { .. })));
    }
}
