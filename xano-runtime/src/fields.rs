//! How generated output types deserialize.
//!
//! Output types implement `Deserialize` with one short function over [`Fields`]
//! instead of `#[derive(Deserialize)]`: a derived impl is a visitor of a few hundred
//! lines per type, and type-checking those dominated the compile time of generated
//! code (measured: about two thirds of `cargo check` on a 190-endpoint spec).

use crate::JsonMap;
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;
use std::cell::Cell;

thread_local! {
    /// Set while the runtime decodes a response the fast way: `take` skips path
    /// tracking, and the runtime decodes again with it only if that fails.
    static UNTRACKED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `decode` with path tracking off in [`Fields::take`]. Tracking allocates a
/// path segment per field visited, on every call, to improve an error that almost
/// never happens; the runtime decodes untracked first and, on failure, again with
/// tracking to say where.
pub(crate) fn untracked<T>(decode: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            UNTRACKED.with(|flag| flag.set(self.0));
        }
    }
    let _reset = Reset(UNTRACKED.with(|flag| flag.replace(true)));
    decode()
}

/// The fields of one JSON object, taken out one by one by a generated
/// `Deserialize` impl; what is left over is kept in the type's `extra` map.
///
/// Kept as a list, not a map: objects are small, a linear search is cheaper than
/// hashing, and keys borrow from the input when it allows (no allocation per key).
#[derive(Debug, Default)]
pub struct Fields<'de>(Vec<(Cow<'de, str>, Option<Slot<'de>>)>);

/// One field's value, kept as it came until a type asks for it.
#[derive(Debug)]
enum Slot<'de> {
    /// The JSON text (serde_json input): borrowed from a slice or string, so reading
    /// a field costs no allocation until its type needs one.
    Raw(Cow<'de, str>),
    /// Any other deserializer: the value as a tree.
    Tree(Value),
}

impl<'de> Deserialize<'de> for Slot<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // serde_json hands the raw text of the value to a newtype struct of this
        // name (how its `RawValue` works); other deserializers, or a serde_json
        // that stopped doing so, call `visit_newtype_struct` and get a tree.
        deserializer.deserialize_newtype_struct(SERDE_JSON_RAW_VALUE, SlotVisitor)
    }
}

const SERDE_JSON_RAW_VALUE: &str = "$serde_json::private::RawValue";

struct SlotVisitor;

impl<'de> Visitor<'de> for SlotVisitor {
    type Value = Slot<'de>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, value: D) -> Result<Slot<'de>, D::Error> {
        Value::deserialize(value).map(Slot::Tree)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<'de>, A::Error> {
        let Some(Key(first)) = map.next_key()? else {
            return Ok(Slot::Tree(Value::Object(JsonMap::new())));
        };
        // serde_json's raw value protocol: one entry, keyed by the name, whose
        // value is the text.
        if first == SERDE_JSON_RAW_VALUE {
            return map
                .next_value::<Key<'de>>()
                .map(|Key(text)| Slot::Raw(text));
        }
        // A real map, from a deserializer that forwards newtype structs to
        // `deserialize_any`.
        let mut object = JsonMap::new();
        object.insert(first.into_owned(), map.next_value()?);
        while let Some(Key(key)) = map.next_key()? {
            object.insert(key.into_owned(), map.next_value()?);
        }
        Ok(Slot::Tree(Value::Object(object)))
    }

    // The other shapes, for the same deserializers.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Slot::Tree(Value::Array(items)))
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Slot<'de>, E> {
        Ok(Slot::Tree(Value::Bool(value)))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Slot<'de>, E> {
        Ok(Slot::Tree(Value::from(value)))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Slot<'de>, E> {
        Ok(Slot::Tree(Value::from(value)))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Slot<'de>, E> {
        Ok(Slot::Tree(Value::from(value)))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Slot<'de>, E> {
        Ok(Slot::Tree(Value::String(value.to_owned())))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Slot<'de>, E> {
        Ok(Slot::Tree(Value::String(value)))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Slot<'de>, E> {
        Ok(Slot::Tree(Value::Null))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Slot<'de>, E> {
        Ok(Slot::Tree(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, value: D) -> Result<Slot<'de>, D::Error> {
        Value::deserialize(value).map(Slot::Tree)
    }
}

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields<'de>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(16).min(256));
        while let Some(Key(key)) = map.next_key()? {
            fields.push((key, Some(map.next_value::<Slot<'de>>()?)));
        }
        Ok(Fields(fields))
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a string key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl Fields<'_> {
    /// Takes field `key`: absent and `null` are both `None` (Xano marks no response
    /// field required). A value of the wrong type is an error whose message starts
    /// with the path to it, e.g. ``at `items[3].price`: invalid type …``.
    pub fn take<T: DeserializeOwned, E: serde::de::Error>(
        &mut self,
        key: &str,
    ) -> Result<Option<T>, E> {
        // A repeated key: the last occurrence wins, as in a map built from the same
        // JSON, and none of them is left for `extra`.
        let mut taken = None;
        for (name, value) in &mut self.0 {
            if name == key
                && let Some(value) = value.take()
            {
                taken = Some(value);
            }
        }
        let tracked = !UNTRACKED.with(Cell::get);
        let result = match taken {
            None | Some(Slot::Tree(Value::Null)) => return Ok(None),
            Some(Slot::Raw(text)) if text.as_ref() == "null" => return Ok(None),
            Some(Slot::Raw(text)) if tracked => {
                serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&text))
            }
            Some(Slot::Raw(text)) => {
                return serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|err| E::custom(without_position(&err)));
            }
            Some(Slot::Tree(value)) if tracked => serde_path_to_error::deserialize(value),
            Some(Slot::Tree(value)) => return T::deserialize(value).map(Some).map_err(E::custom),
        };
        result.map(Some).map_err(|err| {
            let mut path = key.to_owned();
            append_path(&mut path, &err.path().to_string());
            let message = without_position(&err.into_inner());
            let (nested, message) = split_path(&message);
            if let Some(nested) = nested {
                append_path(&mut path, nested);
            }
            E::custom(format!("at `{path}`: {message}"))
        })
    }

    /// The fields nobody took: the type's `extra` map.
    pub fn into_rest(self) -> JsonMap {
        let mut rest = JsonMap::new();
        for (key, value) in self.0 {
            let value = match value {
                None => continue,
                Some(Slot::Tree(value)) => value,
                // Raw text is valid JSON: serde_json checked it while reading.
                Some(Slot::Raw(text)) => serde_json::from_str(&text).unwrap_or(Value::Null),
            };
            rest.insert(key.into_owned(), value);
        }
        rest
    }
}

/// serde_json's message without " at line L column C": positions inside one
/// field's text mean nothing to the reader of the whole body.
fn without_position(err: &serde_json::Error) -> String {
    let message = err.to_string();
    match message.rfind(" at line ") {
        Some(at) if err.line() > 0 => message[..at].to_owned(),
        _ => message,
    }
}

/// Appends a serde_path_to_error path (`.` when empty, `[3]`, `a.b`) to `path`.
fn append_path(path: &mut String, more: &str) {
    let more = more.trim_start_matches('.');
    if more.is_empty() {
        return;
    }
    if !more.starts_with('[') {
        path.push('.');
    }
    path.push_str(more);
}

/// Splits ``at `a.b`: message`` into the path and the message.
pub(crate) fn split_path(message: &str) -> (Option<&str>, &str) {
    message
        .strip_prefix("at `")
        .and_then(|rest| rest.split_once("`: "))
        .map_or((None, message), |(path, rest)| (Some(path), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Item {
        price: Option<f64>,
    }

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mut fields = Fields::deserialize(deserializer)?;
            Ok(Item {
                price: fields.take("price")?,
            })
        }
    }

    #[derive(Debug)]
    struct Page {
        #[allow(dead_code)]
        items: Option<Vec<Item>>,
    }

    impl<'de> Deserialize<'de> for Page {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mut fields = Fields::deserialize(deserializer)?;
            Ok(Page {
                items: fields.take("items")?,
            })
        }
    }

    #[test]
    fn errors_carry_the_whole_path() {
        let err = serde_json::from_str::<Page>(r#"{"items": [{"price": 1}, {"price": "x"}]}"#)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "at `items[1].price`: invalid type: string \"x\", expected f64"
        );
        let ok: Item = serde_json::from_str(r#"{"price": null, "other": 1}"#).unwrap();
        assert_eq!(ok, Item { price: None });
        assert_eq!(split_path("plain"), (None, "plain"));
        // Repeated keys: the last wins and none is left over; escaped keys work.
        let mut fields: Fields =
            serde_json::from_str(r#"{"price": 1, "n\u0061me": "a", "price": 2, "other": true}"#)
                .unwrap();
        assert_eq!(
            fields.take::<f64, serde_json::Error>("price").unwrap(),
            Some(2.0)
        );
        assert_eq!(
            fields.take::<String, serde_json::Error>("name").unwrap(),
            Some("a".into())
        );
        assert_eq!(
            fields.into_rest(),
            serde_json::json!({"other": true})
                .as_object()
                .cloned()
                .unwrap()
        );
        // From a `Value` (serde_json hands over its text) and from a deserializer
        // that is not serde_json (values as trees).
        let from_value: Item = serde_json::from_value(serde_json::json!({"price": 3})).unwrap();
        assert_eq!(from_value, Item { price: Some(3.0) });
        let pairs = vec![("price", 4.5f64)];
        let other: Item = Item::deserialize(serde::de::value::MapDeserializer::<
            _,
            serde::de::value::Error,
        >::new(pairs.into_iter()))
        .unwrap();
        assert_eq!(other, Item { price: Some(4.5) });
        let not_object = serde_json::from_str::<Item>("[1]").unwrap_err();
        assert!(
            not_object.to_string().contains("expected a map"),
            "{not_object}"
        );
    }
}
