//! Stage 2 — normalize: Xano's spec quirks repaired on the raw JSON.
//!
//! Every repair is recorded as a [`Note`] with the JSON pointer of the node it
//! changed, so `--verbose` can show exactly what was touched. The result is a
//! standard OpenAPI 3.0 document that `openapiv3` (and other tools) can read.
//! Repairs never fail: what cannot be repaired is left for `parse` to report.

use crate::error::escape_pointer_token;
use serde_json::{Map, Number, Value};

/// One repair made to a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// JSON pointer of the repaired node.
    pub pointer: String,
    /// What was repaired, in words.
    pub message: String,
    /// Whether the repair changes what is generated in a way the user must
    /// hear of (a schema cut to free-form JSON): reported as a warning, not only
    /// with `--verbose`.
    pub warning: bool,
}

impl Note {
    /// A note that only `--verbose` shows.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Note {
        Note {
            pointer: pointer.into(),
            message: message.into(),
            warning: false,
        }
    }

    /// `origin#pointer: message` (no `#` when the note is about the whole group),
    /// as the CLI and build.rs print it.
    pub fn located(&self, origin: &str) -> String {
        if self.pointer.is_empty() {
            format!("{origin}: {}", self.message)
        } else {
            format!("{origin}#{}: {}", self.pointer, self.message)
        }
    }

    /// A note always shown as a warning.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Note {
        Note {
            warning: true,
            ..Note::new(pointer, message)
        }
    }
}

/// Extension keyword recording Xano's own format (`timestamptz`) once the schema
/// has been rewritten to a standard type.
pub const XANO_FORMAT: &str = "x-xano-format";

/// Extension keyword keeping Xano's own operationId (`Group/path|GET`, with
/// spaces, `|` and emoji) once it is replaced by an identifier-safe one.
pub const XANO_OPERATION_ID: &str = "x-xano-operation-id";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keywords whose value must be a number but that Xano writes as strings (`"64"`).
const NUMERIC_KEYWORDS: [&str; 9] = [
    "maxLength",
    "minLength",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "multipleOf",
    "minProperties",
    "maxProperties",
];

/// Repairs `doc` in place and returns the notes, in document order.
pub fn normalize(doc: &mut Value) -> Vec<Note> {
    let mut walker = Walker {
        notes: Vec::new(),
        pointer: String::new(),
        depth: 0,
    };
    walker.document(doc);
    walker.notes
}

struct Walker {
    notes: Vec<Note>,
    /// The pointer of the node being visited; pushed and truncated while walking.
    pointer: String,
    /// How many schemas deep the walk is.
    depth: usize,
}

/// Schemas nested deeper than this become free-form JSON: every later stage
/// recurses per level, and no real Xano record nests anywhere near this deep.
pub const MAX_SCHEMA_DEPTH: usize = 32;

impl Walker {
    fn note(&mut self, message: impl Into<String>) {
        self.notes.push(Note::new(self.pointer.clone(), message));
    }

    fn note_at(&mut self, key: &str, message: impl Into<String>) {
        let pointer = format!("{}/{}", self.pointer, escape_pointer_token(key));
        self.notes.push(Note::new(pointer, message));
    }

    /// Visits `map[key]` with the pointer extended by `key`.
    fn enter<F>(&mut self, map: &mut Map<String, Value>, key: &str, visit: F)
    where
        F: FnOnce(&mut Self, &mut Value),
    {
        if let Some(value) = map.get_mut(key) {
            let len = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&escape_pointer_token(key));
            visit(self, value);
            self.pointer.truncate(len);
        }
    }

    /// Visits every entry of an object-valued node.
    fn each_entry<F>(&mut self, node: &mut Value, mut visit: F)
    where
        F: FnMut(&mut Self, &str, &mut Value),
    {
        if let Value::Object(map) = node {
            for (key, value) in map.iter_mut() {
                let len = self.pointer.len();
                self.pointer.push('/');
                self.pointer.push_str(&escape_pointer_token(key));
                visit(self, key, value);
                self.pointer.truncate(len);
            }
        }
    }

    /// Visits every item of an array-valued node.
    fn each_item<F>(&mut self, node: &mut Value, mut visit: F)
    where
        F: FnMut(&mut Self, &mut Value),
    {
        if let Value::Array(items) = node {
            for (index, value) in items.iter_mut().enumerate() {
                let len = self.pointer.len();
                self.pointer.push('/');
                self.pointer.push_str(&index.to_string());
                visit(self, value);
                self.pointer.truncate(len);
            }
        }
    }

    /// Xano is written in PHP, whose JSON encoder turns an empty map into `[]`.
    fn empty_array_to_object(&mut self, map: &mut Map<String, Value>, key: &str) {
        if matches!(map.get(key), Some(Value::Array(items)) if items.is_empty()) {
            map.insert(key.to_owned(), Value::Object(Map::new()));
            self.note_at(
                key,
                "empty array `[]` where an object is required: replaced by `{}`",
            );
        }
    }

    fn document(&mut self, doc: &mut Value) {
        let Value::Object(root) = doc else { return };
        for key in ["paths", "components"] {
            self.empty_array_to_object(root, key);
        }
        self.enter(root, "components", |w, components| {
            let Value::Object(map) = components else {
                return;
            };
            for key in [
                "schemas",
                "securitySchemes",
                "parameters",
                "requestBodies",
                "responses",
            ] {
                w.empty_array_to_object(map, key);
            }
            w.enter(map, "schemas", |w, schemas| {
                w.each_entry(schemas, |w, _, schema| w.schema(schema));
            });
            w.enter(map, "parameters", |w, parameters| {
                w.each_entry(parameters, |w, _, parameter| w.parameter(parameter));
            });
            w.enter(map, "requestBodies", |w, bodies| {
                w.each_entry(bodies, |w, _, body| w.content_holder(body));
            });
            w.enter(map, "responses", |w, responses| {
                w.each_entry(responses, |w, _, response| w.content_holder(response));
            });
        });
        let operation_ids = operation_ids(root);
        self.enter(root, "paths", |w, paths| {
            w.each_entry(paths, |w, path, item| {
                if path.len() > 1 && path.ends_with('/') {
                    w.note(
                        "path ends with `/`: kept as published (Xano routes it so); \
                         generated names ignore the trailing slash",
                    );
                }
                w.path_item(path, item, &operation_ids);
            });
        });
    }

    fn path_item(
        &mut self,
        path: &str,
        item: &mut Value,
        operation_ids: &std::collections::HashMap<(String, &'static str), String>,
    ) {
        let Value::Object(map) = item else { return };
        self.enter(map, "parameters", |w, params| {
            w.each_item(params, |w, param| w.parameter(param));
        });
        for method in METHODS {
            self.enter(map, method, |w, operation| {
                let id = operation_ids
                    .get(&(path.to_owned(), method))
                    .cloned()
                    .unwrap_or_default();
                w.operation(id, operation);
            });
        }
    }

    /// `id` is the operation's identifier-safe, unique operationId.
    fn operation(&mut self, id: String, operation: &mut Value) {
        let Value::Object(op) = operation else { return };
        match op.get("operationId") {
            Some(Value::String(original)) if *original == id => {}
            Some(Value::String(original)) => {
                let original = original.clone();
                self.note_at(
                    "operationId",
                    format!(
                        "operationId `{original}` is not an identifier: written as `{id}` (the original is kept under `{XANO_OPERATION_ID}`)"
                    ),
                );
                op.insert(XANO_OPERATION_ID.into(), Value::String(original));
                op.insert("operationId".into(), Value::String(id));
            }
            _ => {
                self.note(format!("missing operationId: set to `{id}`"));
                op.insert("operationId".into(), Value::String(id));
            }
        }
        if op
            .get("summary")
            .and_then(Value::as_str)
            .is_some_and(|summary| summary.trim().is_empty())
        {
            op.remove("summary");
            self.note_at("summary", "empty `summary`: removed (it is optional)");
        }
        self.empty_array_to_object(op, "responses");
        self.enter(op, "parameters", |w, params| {
            w.each_item(params, |w, param| w.parameter(param));
        });
        self.enter(op, "requestBody", |w, body| w.content_holder(body));
        self.enter(op, "responses", |w, responses| {
            w.each_entry(responses, |w, _, response| w.content_holder(response));
        });
    }

    fn parameter(&mut self, param: &mut Value) {
        let Value::Object(map) = param else { return };
        self.enter(map, "required", |w, required| {
            w.bool_keyword(required, "required")
        });
        self.enter(map, "schema", |w, schema| w.schema(schema));
    }

    /// A request body or response: `{content: {<media type>: {schema}}}`.
    fn content_holder(&mut self, node: &mut Value) {
        let Value::Object(map) = node else { return };
        self.empty_array_to_object(map, "content");
        self.enter(map, "required", |w, required| {
            w.bool_keyword(required, "required")
        });
        self.enter(map, "content", |w, content| {
            w.each_entry(content, |w, _, media| {
                if let Value::Object(media) = media {
                    w.enter(media, "schema", |w, schema| w.schema(schema));
                }
            });
        });
    }

    /// `"true"`/`"false"` written as strings.
    fn bool_keyword(&mut self, value: &mut Value, keyword: &str) {
        if let Value::String(text) = value {
            let parsed = matches!(text.as_str(), "true" | "1");
            self.note(format!(
                "`{keyword}` written as the string \"{text}\": read as {parsed}"
            ));
            *value = Value::Bool(parsed);
        }
    }

    fn schema(&mut self, schema: &mut Value) {
        if self.depth >= MAX_SCHEMA_DEPTH {
            self.notes.push(Note::warning(
                self.pointer.clone(),
                format!(
                    "schema nested deeper than {MAX_SCHEMA_DEPTH} levels: typed as free-form JSON"
                ),
            ));
            *schema = Value::Object(Map::new());
            return;
        }
        self.depth += 1;
        self.schema_at_depth(schema);
        self.depth -= 1;
    }

    fn schema_at_depth(&mut self, schema: &mut Value) {
        if let Value::Array(descriptors) = schema {
            let converted = self.descriptors_to_object(std::mem::take(descriptors));
            *schema = converted;
        }
        let Value::Object(map) = schema else { return };

        self.repair_type(map);
        if !map.contains_key("enum")
            && let Some(values) = map.remove("values")
        {
            if values.is_array() {
                self.note("enum values given under `values`: moved to `enum`");
                map.insert("enum".into(), values);
            } else {
                map.insert("values".into(), values);
            }
        }
        if matches!(map.get("enum"), Some(value) if !value.is_array()) {
            map.remove("enum");
            self.note("`enum` is not a list: removed");
        }
        for keyword in NUMERIC_KEYWORDS {
            self.repair_number_keyword(map, keyword);
        }
        self.enter(map, "nullable", |w, nullable| {
            w.bool_keyword(nullable, "nullable")
        });
        self.repair_timestamptz(map);
        self.repair_default(map);
        self.repair_enum(map);
        self.empty_array_to_object(map, "properties");
        self.empty_array_to_object(map, "additionalProperties");
        if matches!(map.get("items"), Some(Value::Array(items)) if items.is_empty()) {
            map.insert("items".into(), Value::Object(Map::new()));
            self.note_at("items", "empty array `[]` as `items`: replaced by `{}`");
        }

        // Children first, so a property's boolean `required` can move up to here.
        let mut required_from_properties = Vec::new();
        self.enter(map, "properties", |w, properties| {
            w.each_entry(properties, |w, name, property| {
                if let Value::Object(prop) = property
                    && let Some(Value::Bool(flag)) = prop.get("required")
                {
                    if *flag {
                        required_from_properties.push(name.to_owned());
                    }
                    prop.remove("required");
                    w.note("`required: bool` on a property: moved to the object's `required` list");
                }
                w.schema(property);
            });
        });
        self.enter(map, "items", |w, items| w.schema(items));
        self.enter(map, "additionalProperties", |w, extra| {
            if extra.is_object() {
                w.schema(extra);
            }
        });
        self.enter(map, "not", |w, not| w.schema(not));
        for key in ["allOf", "anyOf", "oneOf"] {
            self.enter(map, key, |w, list| {
                w.each_item(list, |w, schema| w.schema(schema))
            });
        }
        self.repair_required(map, required_from_properties);
        if map.get("nullable") == Some(&Value::Bool(true)) && !map.contains_key("type") {
            map.remove("nullable");
            self.note_at(
                "nullable",
                "`nullable` without a `type` (3.0 gives it no meaning; a schema without a type already allows null): removed",
            );
        }
        // Last, once the type, enum and items are repaired: defaults and examples
        // must be values of the schema.
        self.repair_value(map, "default");
        self.repair_value(map, "example");
    }

    /// `enum` values of the schema's own type: a string enum written with
    /// numbers becomes strings, a numeric enum written with strings numbers;
    /// values that cannot be converted, and duplicates, go.
    fn repair_enum(&mut self, map: &mut Map<String, Value>) {
        let Some(Value::Array(values)) = map.get("enum") else {
            return;
        };
        let ty = map.get("type").and_then(Value::as_str).unwrap_or_default();
        let nullable = map.get("nullable") == Some(&Value::Bool(true));
        let mut repaired: Vec<Value> = Vec::new();
        let mut changed = false;
        for value in values {
            let converted = match (ty, value) {
                (_, Value::Null) if nullable => Some(Value::Null),
                ("string", Value::String(_)) => Some(value.clone()),
                ("string", Value::Number(_) | Value::Bool(_)) => {
                    Some(Value::String(value.to_string()))
                }
                ("integer", Value::String(text)) => {
                    text.trim().parse::<i64>().ok().map(Value::from)
                }
                ("number", Value::String(text)) => text
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .map(Value::Number),
                ("boolean", Value::String(text)) => match text.as_str() {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    _ => None,
                },
                ("", _) => Some(value.clone()),
                _ if fits(value, map) => Some(value.clone()),
                _ => None,
            };
            changed |= converted.as_ref() != Some(value);
            if let Some(converted) = converted
                && !repaired.contains(&converted)
            {
                repaired.push(converted);
            } else {
                changed = true;
            }
        }
        if changed {
            self.note_at(
                "enum",
                format!(
                    "`enum` values not of type `{ty}`: converted (or removed when they cannot be)"
                ),
            );
            if repaired.is_empty() {
                map.remove("enum");
            } else {
                map.insert("enum".into(), Value::Array(repaired));
            }
        }
    }

    /// A `default` or `example` that is not a value of its schema: a JSON text
    /// of the right shape (`"[3919]"` for an array) is parsed; anything else
    /// (`""` outside an enum or for an email, `[""]` for a list of objects) goes.
    fn repair_value(&mut self, map: &mut Map<String, Value>, keyword: &str) {
        let Some(value) = map.get(keyword) else {
            return;
        };
        if fits(value, map) {
            return;
        }
        // PHP writes an empty object as `[]`, inside values too.
        let mut with_objects = value.clone();
        if php_empty_objects(&mut with_objects, map) && fits(&with_objects, map) {
            self.note_at(
                keyword,
                format!("{keyword} holds `[]` where the schema has an object (PHP's empty object): written as `{{}}`"),
            );
            map.insert(keyword.into(), with_objects);
            return;
        }
        let shown = value.to_string();
        let parsed = match value {
            Value::String(text) => serde_json::from_str::<Value>(text)
                .ok()
                .filter(|parsed| parsed.is_array() || parsed.is_object())
                .filter(|parsed| fits(parsed, map)),
            _ => None,
        };
        match parsed {
            Some(parsed) => {
                self.note_at(
                    keyword,
                    format!("{keyword} {shown} is JSON written as a string: parsed"),
                );
                map.insert(keyword.into(), parsed);
            }
            None => {
                map.remove(keyword);
                self.note_at(
                    keyword,
                    format!("{keyword} {shown} is not a value of this schema: removed"),
                );
            }
        }
    }

    /// `type` given as a 3.1 list, as a Xano column type, or missing.
    fn repair_type(&mut self, map: &mut Map<String, Value>) {
        match map.get("type").cloned() {
            Some(Value::Array(types)) => {
                let mut nullable = false;
                let mut kept = Vec::new();
                for t in types {
                    match t.as_str() {
                        Some("null") => nullable = true,
                        Some(name) => kept.push(name.to_owned()),
                        None => {}
                    }
                }
                if kept.len() == 1 {
                    map.insert("type".into(), Value::String(kept.remove(0)));
                } else {
                    map.remove("type");
                }
                if nullable {
                    map.insert("nullable".into(), Value::Bool(true));
                }
                self.note_at(
                    "type",
                    "`type` given as a list (OpenAPI 3.1 style): rewritten for 3.0",
                );
            }
            Some(Value::String(name)) => {
                if let Some((standard, format)) = xano_column_type(&name) {
                    map.insert("type".into(), Value::String(standard.into()));
                    if let Some(format) = format
                        && !map.contains_key("format")
                    {
                        map.insert("format".into(), Value::String(format.into()));
                    }
                    self.note_at(
                        "type",
                        format!("Xano type `{name}`: written as `{standard}`"),
                    );
                }
            }
            Some(_) => {
                map.remove("type");
                self.note_at("type", "`type` is neither a string nor a list: removed");
            }
            None => {
                let inferred = if map.contains_key("properties") {
                    Some("object")
                } else if map.contains_key("items") {
                    Some("array")
                } else {
                    None
                };
                if let Some(inferred) = inferred {
                    map.insert("type".into(), Value::String(inferred.into()));
                    self.note(format!("missing `type`: inferred `{inferred}`"));
                }
            }
        }
    }

    fn repair_number_keyword(&mut self, map: &mut Map<String, Value>, keyword: &str) {
        let Some(Value::String(text)) = map.get(keyword) else {
            return;
        };
        let text = text.trim().to_owned();
        let number = text
            .parse::<u64>()
            .map(Number::from)
            .ok()
            .or_else(|| text.parse::<i64>().ok().map(Number::from))
            .or_else(|| text.parse::<f64>().ok().and_then(Number::from_f64));
        match number {
            Some(number) => {
                map.insert(keyword.into(), Value::Number(number));
                self.note_at(
                    keyword,
                    format!("number written as the string \"{text}\": converted"),
                );
            }
            None => {
                map.remove(keyword);
                self.note_at(keyword, format!("\"{text}\" is not a number: removed"));
            }
        }
    }

    /// Xano's `format: timestamptz` is not a standard format. On a number it is
    /// epoch milliseconds: `integer/int64`. On a string it is Xano's own text form
    /// (`2023-04-19 21:01:32+0000`: a space, no colon in the offset), which is not
    /// RFC 3339, so it stays a plain string rather than claim `date-time`. Either
    /// way the original format is kept under `x-xano-format`.
    fn repair_timestamptz(&mut self, map: &mut Map<String, Value>) {
        if map.get("format").and_then(Value::as_str) != Some("timestamptz") {
            return;
        }
        map.insert(XANO_FORMAT.into(), Value::String("timestamptz".into()));
        if map.get("type").and_then(Value::as_str) == Some("string") {
            map.remove("format");
            self.note_at(
                "format",
                "`format: timestamptz` on a string (Xano's `2023-04-19 21:01:32+0000` text, not RFC 3339 `date-time`): kept as a plain string",
            );
        } else {
            map.insert("type".into(), Value::String("integer".into()));
            map.insert("format".into(), Value::String("int64".into()));
            self.note_at(
                "format",
                "`format: timestamptz` on a number (epoch milliseconds): written as `integer/int64`",
            );
        }
    }

    /// Xano writes most defaults as strings whatever the type (`"false"`, `"1"`,
    /// `"now"`).
    fn repair_default(&mut self, map: &mut Map<String, Value>) {
        let Some(Value::String(text)) = map.get("default") else {
            return;
        };
        let text = text.clone();
        let repaired = match map.get("type").and_then(Value::as_str) {
            Some("boolean") => match text.trim() {
                "true" | "1" => Some(Value::Bool(true)),
                "false" | "0" => Some(Value::Bool(false)),
                _ => None,
            },
            Some("integer") => text.trim().parse::<i64>().ok().map(Value::from),
            Some("number") => text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number),
            _ => return,
        };
        match repaired {
            Some(value) => {
                self.note_at(
                    "default",
                    format!("default written as the string \"{text}\": converted to {value}"),
                );
                map.insert("default".into(), value);
            }
            None => {
                map.remove("default");
                let why = if text == "now" {
                    "\"now\" is computed by Xano at request time"
                } else {
                    "it does not match the type"
                };
                self.note_at("default", format!("default \"{text}\" removed: {why}"));
            }
        }
    }

    /// `required` given as indices into `properties`, or as a non-list.
    fn repair_required(&mut self, map: &mut Map<String, Value>, from_properties: Vec<String>) {
        let property_names: Vec<String> = match map.get("properties") {
            Some(Value::Object(properties)) => properties.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let mut names: Vec<Value> = Vec::new();
        match map.remove("required") {
            Some(Value::Array(items)) => {
                let mut by_index = false;
                for item in items {
                    match item {
                        Value::Number(n) => {
                            by_index = true;
                            if let Some(name) =
                                n.as_u64().and_then(|i| property_names.get(i as usize))
                            {
                                names.push(Value::String(name.clone()));
                            }
                        }
                        Value::String(_) => names.push(item),
                        _ => {}
                    }
                }
                if by_index {
                    self.note_at(
                        "required",
                        "`required` given as property indices: converted to names",
                    );
                }
            }
            Some(Value::Bool(_)) => {
                self.note_at("required", "`required: bool` on a schema: removed");
            }
            Some(_) => self.note_at("required", "`required` is not a list: removed"),
            None => {}
        }
        for name in from_properties {
            if !names.iter().any(|n| n.as_str() == Some(&name)) {
                names.push(Value::String(name));
            }
        }
        if !names.is_empty() {
            map.insert("required".into(), Value::Array(names));
        }
    }

    /// caly-xano reports schemas given as a list of Xano field descriptors
    /// (`[{"name": "email", "type": "text", "required": true}, …]`).
    fn descriptors_to_object(&mut self, descriptors: Vec<Value>) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for descriptor in descriptors {
            let Value::Object(mut field) = descriptor else {
                continue;
            };
            let Some(Value::String(name)) = field.remove("name") else {
                continue;
            };
            if field.remove("required") == Some(Value::Bool(true)) {
                required.push(Value::String(name.clone()));
            }
            properties.insert(name, Value::Object(field));
        }
        self.note("schema given as a list of field descriptors: rewritten as an object schema");
        let mut schema = Map::new();
        schema.insert("type".into(), Value::String("object".into()));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        Value::Object(schema)
    }
}

/// The operationId of every operation: snake_case of method and path, unique in
/// the spec, given in the order the generator names functions (paths sorted,
/// then methods), so that `_2` suffixes match the generated function names.
fn operation_ids(
    root: &Map<String, Value>,
) -> std::collections::HashMap<(String, &'static str), String> {
    let mut ids = std::collections::HashMap::new();
    let Some(Value::Object(paths)) = root.get("paths") else {
        return ids;
    };
    let mut sorted: Vec<&String> = paths.keys().collect();
    sorted.sort();
    let mut operations: Vec<(&'static str, &str)> = Vec::new();
    for path in sorted {
        let Some(Value::Object(item)) = paths.get(path) else {
            continue;
        };
        for method in crate::model::HttpMethod::ALL {
            let key = METHODS
                .iter()
                .find(|m| m.eq_ignore_ascii_case(method.as_str()))
                .copied()
                .unwrap_or("get");
            if item.contains_key(key) {
                operations.push((key, path.as_str()));
            }
        }
    }
    let names = crate::model::naming::operation_names(
        &operations
            .iter()
            .map(|(method, path)| (*method, *path))
            .collect::<Vec<_>>(),
    );
    for ((method, path), name) in operations.into_iter().zip(names) {
        ids.insert((path.to_owned(), method), name);
    }
    ids
}

/// Whether `value` is a value of the schema `map` (type, nullability, enum,
/// the formats whose text is checkable, array items): what a validator asks of a
/// `default` or `example`.
fn fits(value: &Value, map: &Map<String, Value>) -> bool {
    if value.is_null() {
        return map.get("nullable") == Some(&Value::Bool(true)) || !map.contains_key("type");
    }
    if let Some(Value::Array(allowed)) = map.get("enum")
        && !allowed.contains(value)
    {
        return false;
    }
    let format = map
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match map.get("type").and_then(Value::as_str) {
        Some("string") => value
            .as_str()
            .is_some_and(|text| text_fits_format(text, format)),
        Some("integer") => {
            value.as_i64().is_some()
                || value.as_u64().is_some()
                || value.as_f64().is_some_and(|n| n.fract() == 0.0)
        }
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("object") => match (value, map.get("properties")) {
            (Value::Object(fields), Some(Value::Object(properties))) => {
                fields
                    .iter()
                    .all(|(name, field)| match properties.get(name) {
                        Some(Value::Object(schema)) => fits(field, schema),
                        _ => true,
                    })
            }
            (Value::Object(_), _) => true,
            _ => false,
        },
        Some("array") => match (value, map.get("items")) {
            (Value::Array(items), Some(Value::Object(item_schema))) => {
                items.iter().all(|item| fits(item, item_schema))
            }
            (Value::Array(_), _) => true,
            _ => false,
        },
        _ => true,
    }
}

/// Replaces `[]` by `{}` wherever the schema of that place is an object; says
/// whether anything changed.
fn php_empty_objects(value: &mut Value, map: &Map<String, Value>) -> bool {
    let ty = map.get("type").and_then(Value::as_str);
    match value {
        Value::Array(items) if items.is_empty() && ty == Some("object") => {
            *value = Value::Object(Map::new());
            true
        }
        Value::Array(items) => match map.get("items") {
            Some(Value::Object(item_schema)) => items.iter_mut().fold(false, |changed, item| {
                php_empty_objects(item, item_schema) | changed
            }),
            _ => false,
        },
        Value::Object(fields) => match map.get("properties") {
            Some(Value::Object(properties)) => {
                fields
                    .iter_mut()
                    .fold(false, |changed, (name, field)| match properties.get(name) {
                        Some(Value::Object(schema)) => php_empty_objects(field, schema) | changed,
                        _ => changed,
                    })
            }
            _ => false,
        },
        _ => false,
    }
}

/// The formats a validator checks the text of.
fn text_fits_format(text: &str, format: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match format {
        "email" => text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        }),
        "uuid" => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.len() == 5
                && groups
                    .iter()
                    .zip([8, 4, 4, 4, 12])
                    .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        "date" => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.len() == 3
                && parts[0].len() == 4
                && parts[1].len() == 2
                && parts[2].len() == 2
                && parts.iter().all(|p| digits(p))
        }
        "date-time" => {
            // RFC 3339: `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`.
            let bytes = text.as_bytes();
            bytes.len() >= 20
                && text_fits_format(&text[..10], "date")
                && matches!(bytes[10], b'T' | b't')
                && (text.ends_with('Z')
                    || text.ends_with('z')
                    || (bytes[bytes.len() - 3] == b':'
                        && matches!(bytes[bytes.len() - 6], b'+' | b'-')))
        }
        _ => true,
    }
}

/// Xano column types that leak into specs, as an OpenAPI type and format.
fn xano_column_type(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match name {
        "text" | "enum" => ("string", None),
        "int" => ("integer", Some("int64")),
        "decimal" => ("number", None),
        "bool" => ("boolean", None),
        "timestamp" => ("number", Some("timestamptz")),
        "date" => ("string", Some("date")),
        "email" => ("string", Some("email")),
        "password" => ("string", Some("password")),
        "uuid" => ("string", Some("uuid")),
        "json" | "obj" => ("object", None),
        "file" | "image" | "video" | "audio" | "attachment" => ("string", Some("binary")),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn repaired(mut doc: Value) -> (Value, Vec<Note>) {
        let notes = normalize(&mut doc);
        (doc, notes)
    }

    fn op(schema: Value) -> Value {
        json!({"openapi": "3.0.0", "paths": {"/x": {"post": {
            "operationId": "g/x|POST",
            "requestBody": {"content": {"application/json": {"schema": schema}}},
            "responses": {"200": {"description": "ok"}}}}}})
    }

    const BODY: &str = "/paths/~1x/post/requestBody/content/application~1json/schema";

    #[test]
    fn numbers_as_strings_and_defaults() {
        let (doc, notes) = repaired(op(json!({"type": "object", "properties": {
            "tags": {"type": "array", "minItems": "1", "maxItems": "x", "items": {"type": "string", "maxLength": "64"}},
            "active": {"type": "boolean", "default": "false"},
            "count": {"type": "integer", "default": "11"},
            "at": {"type": "number", "format": "timestamptz", "default": "now"}
        }})));
        let props = doc.pointer(&format!("{BODY}/properties")).unwrap();
        assert_eq!(props["tags"]["minItems"], json!(1));
        assert!(props["tags"].get("maxItems").is_none());
        assert_eq!(props["tags"]["items"]["maxLength"], json!(64));
        assert_eq!(props["active"]["default"], json!(false));
        assert_eq!(props["count"]["default"], json!(11));
        assert_eq!(props["at"]["type"], json!("integer"));
        assert_eq!(props["at"][XANO_FORMAT], json!("timestamptz"));
        assert!(props["at"].get("default").is_none());
        let pointers: Vec<&str> = notes.iter().map(|n| n.pointer.as_str()).collect();
        assert!(
            pointers.contains(&format!("{BODY}/properties/tags/minItems").as_str()),
            "{pointers:?}"
        );
        assert!(
            pointers.contains(&format!("{BODY}/properties/at/default").as_str()),
            "{pointers:?}"
        );
        assert!(pointers.contains(&format!("{BODY}/properties/tags/items/maxLength").as_str()));
    }

    #[test]
    fn required_indices_values_and_descriptors() {
        let (doc, _) = repaired(op(json!({"type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "string", "values": ["x", "y"]}},
            "required": [1]})));
        let body = doc.pointer(BODY).unwrap();
        assert_eq!(body["required"], json!(["b"]));
        assert_eq!(body["properties"]["b"]["enum"], json!(["x", "y"]));

        let (doc, notes) = repaired(op(json!([
            {"name": "email", "type": "email", "required": true},
            {"name": "age", "type": "int"}
        ])));
        let body = doc.pointer(BODY).unwrap();
        assert_eq!(body["type"], json!("object"));
        assert_eq!(body["required"], json!(["email"]));
        assert_eq!(body["properties"]["email"]["format"], json!("email"));
        assert_eq!(body["properties"]["age"]["type"], json!("integer"));
        assert!(notes.iter().any(|n| n.pointer == BODY));
    }

    #[test]
    fn missing_operation_ids_and_php_empty_arrays() {
        let (doc, notes) = repaired(json!({"openapi": "3.0.0", "components": [], "paths": {
            "/user/{user_id}/": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "object", "properties": []}}}}}}}}}));
        assert_eq!(doc["components"], json!({}));
        assert_eq!(
            doc["paths"]["/user/{user_id}/"]["get"]["operationId"],
            json!("get_user_by_user_id")
        );
        assert!(notes.iter().any(|n| n.message.contains("trailing slash")));
        assert!(
            notes
                .iter()
                .any(|n| n.pointer.ends_with("/schema/properties"))
        );
    }

    #[test]
    fn deep_schemas_are_cut() {
        let mut schema = json!({"type": "string"});
        for _ in 0..40 {
            schema = json!({"type": "object", "properties": {"next": schema}});
        }
        let (doc, notes) = repaired(op(schema));
        let mut node = doc.pointer(BODY).unwrap();
        let mut depth = 0;
        while let Some(next) = node.pointer("/properties/next") {
            node = next;
            depth += 1;
        }
        assert_eq!(depth, MAX_SCHEMA_DEPTH);
        assert_eq!(node, &json!({}));
        assert!(notes.iter().any(|n| n.message.contains("deeper than")));
    }

    #[test]
    fn openapi_31_type_lists() {
        let (doc, _) = repaired(op(json!({"type": ["string", "null"]})));
        assert_eq!(
            doc.pointer(BODY).unwrap(),
            &json!({"type": "string", "nullable": true})
        );
    }
}
