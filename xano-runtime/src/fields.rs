//! How generated output types deserialize.
//!
//! Output types implement `Deserialize` with one short function over [`Fields`]
//! instead of `#[derive(Deserialize)]`: a derived impl is a visitor of a few hundred
//! lines per type, and type-checking those dominated the compile time of generated
//! code (measured: about two thirds of `cargo check` on a 190-endpoint spec).

use crate::JsonMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The fields of one JSON object, taken out one by one by a generated
/// `Deserialize` impl; what is left over is kept in the type's `extra` map.
#[derive(Debug, Default)]
pub struct Fields(JsonMap);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        JsonMap::deserialize(deserializer).map(Fields)
    }
}

impl Fields {
    /// Takes field `key`: absent and `null` are both `None` (Xano marks no response
    /// field required). A value of the wrong type is an error whose message starts
    /// with the path to it, e.g. ``at `items[3].price`: invalid type …``.
    pub fn take<T: DeserializeOwned, E: serde::de::Error>(
        &mut self,
        key: &str,
    ) -> Result<Option<T>, E> {
        match self.0.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => serde_path_to_error::deserialize::<_, T>(value)
                .map(Some)
                .map_err(|err| {
                    let mut path = key.to_owned();
                    append_path(&mut path, &err.path().to_string());
                    let message = err.into_inner().to_string();
                    let (nested, message) = split_path(&message);
                    if let Some(nested) = nested {
                        append_path(&mut path, nested);
                    }
                    E::custom(format!("at `{path}`: {message}"))
                }),
        }
    }

    /// The fields nobody took: the type's `extra` map.
    pub fn into_rest(self) -> JsonMap {
        self.0
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
        let not_object = serde_json::from_str::<Item>("[1]").unwrap_err();
        assert!(
            not_object.to_string().contains("expected a map"),
            "{not_object}"
        );
    }
}
