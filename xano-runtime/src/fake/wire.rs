//! Xano's wire conventions, read the way a PHP-style parser reads them: query
//! strings with `a[]=x` lists, `o[k]=v` objects and `objs[0][a]=1` indexed lists
//! (what the official SDK's axios writes), percent-decoding with `+` as space.
//! A key the official SDK would never write is an error, not a guess.

use crate::JsonMap;
use serde_json::{Map, Value, json};

/// Parses a query string into Xano's input object.
///
/// ```
/// # #[cfg(feature = "fake")] {
/// let fields = xano_runtime::fake::parse_query("tags[]=a&tags[]=b&o[k]=v&n=1").unwrap();
/// assert_eq!(serde_json::Value::Object(fields), serde_json::json!(
///     {"tags": ["a", "b"], "o": {"k": "v"}, "n": "1"}));
/// # }
/// ```
pub fn parse_query(query: &str) -> Result<JsonMap, String> {
    let mut fields = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key);
        let value = Value::String(percent_decode(value));
        insert_key(&mut fields, &key, value)?;
    }
    finish(&mut fields);
    Ok(fields)
}

/// Puts `value` under a bracketed `key` (`tags[]`, `o[k]`, `objs[0][a]`), as a
/// query string or a multipart field name carries it.
pub(crate) fn insert_key(fields: &mut JsonMap, key: &str, value: Value) -> Result<(), String> {
    let (base, segments) = key_segments(key)?;
    insert_query(fields, base, &segments, value, key)
}

/// Turns the indexed objects of `objs[0][a]=1` keys into lists, once every key
/// is in.
pub(crate) fn finish(fields: &mut JsonMap) {
    for value in fields.values_mut() {
        indexed_objects_to_arrays(value);
    }
}

/// `objs[0][a]` → (`objs`, [`0`, `a`]); brackets must be well formed, and `[]`
/// only ends a top-level array (`tags[]`): the SDK indexes anything deeper.
fn key_segments(key: &str) -> Result<(&str, Vec<&str>), String> {
    let Some(open) = key.find('[') else {
        return Ok((key, Vec::new()));
    };
    let (base, mut rest) = key.split_at(open);
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let inner = rest
            .strip_prefix('[')
            .and_then(|r| r.find(']').map(|close| (&r[..close], &r[close + 1..])));
        let Some((segment, after)) = inner else {
            return Err(format!("malformed query key `{key}`"));
        };
        segments.push(segment);
        rest = after;
    }
    if base.is_empty() {
        return Err(format!("query key `{key}` has no name"));
    }
    if segments.iter().any(|s| s.is_empty()) && segments.len() > 1 {
        return Err(format!(
            "query key `{key}`: `[]` below the top level is read as a new element per key; the SDK writes indices (`{base}[0]…`)"
        ));
    }
    Ok((base, segments))
}

fn insert_query(
    fields: &mut Map<String, Value>,
    base: &str,
    segments: &[&str],
    value: Value,
    key: &str,
) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else {
        fields.insert(base.to_owned(), value);
        return Ok(());
    };
    let slot = fields
        .entry(base.to_owned())
        .or_insert(if first.is_empty() {
            json!([])
        } else {
            json!({})
        });
    insert_nested(slot, first, rest, value, key)
}

fn insert_nested(
    slot: &mut Value,
    segment: &str,
    rest: &[&str],
    value: Value,
    key: &str,
) -> Result<(), String> {
    if segment.is_empty() {
        let Value::Array(items) = slot else {
            return Err(format!("query key `{key}` mixes `[]` with named keys"));
        };
        items.push(value);
        return Ok(());
    }
    let Value::Object(map) = slot else {
        return Err(format!("query key `{key}` mixes `[]` with named keys"));
    };
    match rest.split_first() {
        None => {
            if map.insert(segment.to_owned(), value).is_some() {
                return Err(format!("query key `{key}` is sent twice"));
            }
            Ok(())
        }
        Some((next, rest)) => {
            let child = map.entry(segment.to_owned()).or_insert_with(|| json!({}));
            insert_nested(child, next, rest, value, key)
        }
    }
}

/// PHP reads `{0: a, 1: b}` as a list.
fn indexed_objects_to_arrays(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                indexed_objects_to_arrays(child);
            }
            let indexed =
                !map.is_empty() && (0..map.len()).all(|i| map.contains_key(&i.to_string()));
            if indexed {
                let items = (0..map.len())
                    .map(|i| map.remove(&i.to_string()).unwrap_or(Value::Null))
                    .collect();
                *value = Value::Array(items);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(indexed_objects_to_arrays),
        _ => {}
    }
}

/// Decodes a query key or value: `%XX` escapes, and `+` as a space.
pub(crate) fn percent_decode(text: &str) -> String {
    decode(text, true)
}

/// Decodes a path segment: `%XX` escapes; `+` is itself in a path.
pub(crate) fn percent_decode_path(text: &str) -> String {
    decode(text, false)
}

fn decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_sdk_writes_is_read_as_meant() {
        let fields = parse_query("a[]=1&a[]=2&o[k]=v+w&objs[0][x]=1&objs[1][x]=2&p=%2B").unwrap();
        assert_eq!(
            Value::Object(fields),
            json!({"a": ["1", "2"], "o": {"k": "v w"}, "objs": [{"x": "1"}, {"x": "2"}], "p": "+"})
        );
    }

    #[test]
    fn what_a_php_parser_would_misread_is_refused() {
        for (query, why) in [
            ("objs[][a]=1", "`[]` below the top level"),
            ("a[=1", "malformed"),
            ("[x]=1", "no name"),
            ("o[k]=1&o[k]=2", "sent twice"),
            ("a[]=1&a[k]=2", "mixes"),
        ] {
            let err = parse_query(query).unwrap_err();
            assert!(err.contains(why), "{query}: {err}");
        }
    }

    #[test]
    fn a_plus_is_a_space_in_a_query_and_itself_in_a_path() {
        assert_eq!(percent_decode("a+b%20c"), "a b c");
        assert_eq!(percent_decode_path("a+b%2Fc"), "a+b/c");
    }
}
