//! Synthetic Xano-style specs of any size, for benchmarks and scale tests: what
//! Xano publishes (inline schemas repeated per endpoint, string defaults, enums,
//! nested records, paging envelopes, file inputs, JSON + multipart bodies), so cost
//! can be measured at 100, 1,000 and 5,000 endpoints; and hostile edits of specs
//! ([`mutate`]) for the mutation test and the fuzz targets.

use serde_json::{Map, Value, json};

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

/// Where [`mutate`] gets its decisions: a seeded generator for repeatable tests, or
/// a fuzzer's bytes.
pub trait Choices {
    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize;
}

/// A small deterministic generator (SplitMix64): the same seed, the same choices.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Choices for SplitMix64 {
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Every path (as a list of keys and indices) to an object or array node.
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

/// An object schema nested `levels` deep.
fn deep(levels: usize) -> Value {
    let mut schema = json!({"type": "string"});
    for i in 0..levels {
        schema = json!({"type": "object", "properties": {format!("level{i}"): schema}});
    }
    schema
}

/// One hostile edit of a spec at a node picked by `rng`: a key dropped, a value of
/// the wrong type, an odd property name (unicode, emoji, keyword, empty, 300
/// characters), a 1,000-value enum, up to 200 levels of nesting, an emptied object,
/// a wrong value for a keyword OpenAPI checks, an array item dropped or repeated.
pub fn mutate(doc: &mut Value, rng: &mut impl Choices) {
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

/// Choices read from bytes (a fuzzer's input), two at a time; 0 once they run out.
#[derive(Debug, Clone)]
pub struct ByteChoices<'a>(pub &'a [u8]);

impl Choices for ByteChoices<'_> {
    fn below(&mut self, n: usize) -> usize {
        let (head, rest) = self.0.split_at(self.0.len().min(2));
        self.0 = rest;
        let value = head
            .iter()
            .fold(0usize, |acc, byte| acc << 8 | usize::from(*byte));
        value % n.max(1)
    }
}

/// The structure-aware fuzz input: `data` picks one of `seeds` (spec documents) and
/// one to four [`mutate`] edits of it; the result is the mutated spec's bytes.
pub fn mutated_from_bytes(seeds: &[Value], data: &[u8]) -> Vec<u8> {
    let mut choices = ByteChoices(data);
    let mut doc = seeds[choices.below(seeds.len())].clone();
    for _ in 0..=choices.below(4) {
        mutate(&mut doc, &mut choices);
    }
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// How [`check_pipeline`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Formatted code, this many bytes of it.
    Generated(usize),
    /// An error that says where: a JSON pointer, or a line and column.
    Rejected,
}

/// What the mutation test and the fuzz targets require of any input: the whole
/// pipeline (load, normalize, parse, model, emit, format) ends in code that parses
/// as Rust or in an error that says where the problem is. Anything else panics, so
/// that a fuzzer reports it.
pub fn check_pipeline(origin: &str, bytes: &[u8]) -> Outcome {
    use crate::Error;
    let result = crate::RawSpec::from_bytes(origin, bytes)
        .and_then(|raw| crate::generate(vec![raw], &crate::Settings::default()))
        .and_then(|generation| generation.to_file_source(crate::write::Formatting::Builtin));
    match result {
        Ok(source) => Outcome::Generated(source.len()),
        Err(Error::Json { line, .. }) if line > 0 => Outcome::Rejected,
        Err(Error::Spec { .. } | Error::Unsupported { .. } | Error::Limit { .. }) => {
            Outcome::Rejected
        }
        Err(other) => panic!("{origin}: an error without a location: {other}"),
    }
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
