//! Synthetic Xano-style specs of any size, for benchmarks and scale tests: what
//! Xano publishes (inline schemas repeated per endpoint, string defaults, enums,
//! nested records, paging envelopes, file inputs, JSON + multipart bodies), so cost
//! can be measured at 100, 1,000 and 5,000 endpoints.

use serde_json::{Value, json};

/// A spec with `endpoints` operations over `endpoints / 5` tables (the CRUD family
/// of each: list, get, create, edit, delete with an upload on every tenth table).
pub fn spec(endpoints: usize) -> Value {
    let tables = endpoints.div_ceil(5).max(1);
    let mut paths = serde_json::Map::new();
    let mut made = 0;
    for t in 0..tables {
        let record = record(t);
        let list = json!({"type": "object", "properties": {
            "itemsReceived": {"type": "integer", "format": "int64"}, "curPage": {"type": "integer", "format": "int64"},
            "nextPage": {"type": "integer", "format": "int64", "nullable": true}, "prevPage": {"type": "integer", "format": "int64", "nullable": true},
            "offset": {"type": "integer", "format": "int64"}, "perPage": {"type": "integer", "format": "int64"},
            "items": {"type": "array", "items": record.clone()}}});
        let body = json!({"type": "object", "properties": {
            "name": {"type": "string", "maxLength": "64"}, "status": {"type": "string", "enum": ["draft", "live", "archived"]},
            "active": {"type": "boolean", "default": "false"}, "price": {"type": "number"},
            "tags": {"type": "array", "minItems": "0", "items": {"type": "string"}}}, "required": ["name"]});
        let id = format!("table_{t}_id");
        let base = format!("/table_{t}");
        let item = format!("/table_{t}/{{{id}}}");
        let id_param = json!([{"name": id, "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}}]);
        let page_params = json!([{"name": "page", "in": "query", "required": false, "schema": {"type": "integer", "format": "int64", "default": "1"}},
                                 {"name": "search", "in": "query", "required": false, "schema": {"type": "string", "default": ""}}]);
        // (method, path, parameters, body, response, has an upload)
        type Op<'a> = (&'static str, &'a String, Value, Option<Value>, Value, bool);
        let ops: Vec<Op<'_>> = vec![
            ("get", &base, page_params, None, list, false),
            (
                "post",
                &base,
                json!([]),
                Some(body.clone()),
                record.clone(),
                t % 10 == 0,
            ),
            ("get", &item, id_param.clone(), None, record.clone(), false),
            (
                "patch",
                &item,
                id_param.clone(),
                Some(body),
                record.clone(),
                false,
            ),
            (
                "delete",
                &item,
                id_param,
                None,
                json!({"type": "object", "properties": {}}),
                false,
            ),
        ];
        for (method, path, params, body, response, upload) in ops {
            if made == endpoints {
                break;
            }
            made += 1;
            let mut op = json!({
                "operationId": format!("Synthetic/{}|{}", path.trim_start_matches('/'), method.to_uppercase()),
                "summary": format!("{method} {path}"),
                "description": format!("{method} {path}\n<br /><br />\n<b>Authentication:</b> required"),
                "security": [{"bearerAuth": []}], "parameters": params,
                "responses": {"200": {"description": "Success!", "content": {"application/json": {"schema": response}}},
                              "400": {"description": "Input Error. Check the request payload for issues."}}});
            if let Some(mut body) = body {
                if upload {
                    body["properties"]["image"] =
                        json!({"type": "string", "format": "binary", "nullable": true});
                    op["requestBody"] =
                        json!({"content": {"multipart/form-data": {"schema": body}}});
                } else {
                    op["requestBody"] = json!({"content": {"application/json": {"schema": body.clone()}, "multipart/form-data": {"schema": body}}});
                }
            }
            paths.entry(path.clone()).or_insert_with(|| json!({}))[method] = op;
        }
    }
    json!({"openapi": "3.0.0", "info": {"title": "Synthetic", "description": "generated for benchmarks", "version": "0.0.1"},
           "servers": [{"url": "https://x.n7.xano.io/api:synthetic"}], "paths": paths,
           "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}, "schemas": {}}})
}

/// A record of table `t`: the shape differs by table (so dedup cannot fold all of
/// them), with a nested image and an enum.
fn record(t: usize) -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "integer", "format": "int64"},
        "created_at": {"type": "number", "format": "timestamptz", "default": "now"},
        "name": {"type": "string"},
        format!("field_{t}"): {"type": "string", "nullable": true},
        "status": {"type": "string", "enum": ["draft", "live", "archived"]},
        "image": {"type": "object", "nullable": true, "properties": {
            "access": {"type": "string", "enum": ["public", "private"]}, "path": {"type": "string"},
            "size": {"type": "integer", "format": "int64"}, "mime": {"type": "string"}, "url": {"type": "string", "nullable": true}}},
        "meta": {"type": "object"}}})
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_are_exact_and_generate() {
        for endpoints in [1, 7, 100] {
            let spec = super::spec(endpoints);
            let count: usize = spec["paths"]
                .as_object()
                .unwrap()
                .values()
                .map(|p| p.as_object().unwrap().len())
                .sum();
            assert_eq!(count, endpoints);
            let raw =
                crate::RawSpec::from_bytes("synthetic.json", &serde_json::to_vec(&spec).unwrap())
                    .unwrap();
            let generation = crate::generate(vec![raw], &crate::Settings::default()).unwrap();
            assert_eq!(generation.groups[0].endpoints.len(), endpoints);
        }
    }
}
