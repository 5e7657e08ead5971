//! How generated output types deserialize.
//!
//! An output type implements [`ObjectFields`] (a `match` from key to field) and
//! its `Deserialize` is one call to [`deserialize_object`]. The JSON is read in
//! one pass, each value straight into its field, as a derived impl would; but
//! the per-type code is one small function rather than a derived visitor of a
//! few hundred lines (field enum, identifier visitor, sequence form), whose
//! type-checking dominated the compile time of generated code.
//!
//! Xano's rules, which a derive would not follow: no response field is
//! required (absent and `null` are both `None`), a repeated key's last
//! occurrence wins, and keys the type does not declare are kept in its `extra`
//! map rather than dropped.

use crate::JsonMap;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;
use std::marker::PhantomData;

/// A JSON object type whose fields are read by name: what generated output
/// types implement (through [`deserialize_object`]).
pub trait ObjectFields: Default {
    /// Reads the value of `key` from `map` into its field. Returns `false`,
    /// reading nothing, when the type has no field of that name.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error>;

    /// Where keys the type does not declare are kept.
    fn extra_fields(&mut self) -> &mut JsonMap;
}

/// Deserializes a JSON object into `T`, field by field in one pass.
pub fn deserialize_object<'de, D: Deserializer<'de>, T: ObjectFields>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: ObjectFields> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut object = T::default();
        while let Some(Key(key)) = map.next_key()? {
            if !object.read_field(&key, &mut map)? {
                let value: Value = map.next_value()?;
                object.extra_fields().insert(key.into_owned(), value);
            }
        }
        Ok(object)
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

/// Reads an optional input that may be null: absent is `None` (with
/// `#[serde(default)]`), `null` is `Some(None)`, a value `Some(Some(v))`. Plain
/// serde reads `null` into an `Option<Option<T>>` as `None`, losing the
/// difference. For generated code (`deserialize_with`).
pub fn deserialize_nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Item {
        price: Option<f64>,
        name: Option<String>,
        extra: JsonMap,
    }

    impl ObjectFields for Item {
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<bool, A::Error> {
            match key {
                "price" => self.price = map.next_value()?,
                "name" => self.name = map.next_value()?,
                _ => return Ok(false),
            }
            Ok(true)
        }

        fn extra_fields(&mut self) -> &mut JsonMap {
            &mut self.extra
        }
    }

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_object(deserializer)
        }
    }

    #[derive(Debug, Default)]
    struct Page {
        #[allow(dead_code)]
        items: Option<Vec<Item>>,
        extra: JsonMap,
    }

    impl ObjectFields for Page {
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<bool, A::Error> {
            match key {
                "items" => self.items = map.next_value()?,
                _ => return Ok(false),
            }
            Ok(true)
        }

        fn extra_fields(&mut self) -> &mut JsonMap {
            &mut self.extra
        }
    }

    impl<'de> Deserialize<'de> for Page {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_object(deserializer)
        }
    }

    #[test]
    fn xanos_rules_for_fields() {
        // Absent and null are both None; unknown keys are kept.
        let item: Item = serde_json::from_str(r#"{"price": null, "other": 1}"#).unwrap();
        assert_eq!(item.price, None);
        assert_eq!(item.name, None);
        assert_eq!(
            item.extra,
            serde_json::json!({"other": 1})
                .as_object()
                .cloned()
                .unwrap()
        );
        // Repeated keys: the last wins, known or not; escaped keys are read.
        let item: Item = serde_json::from_str(
            r#"{"price": 1, "n\u0061me": "a", "price": 2, "x": 1, "x": true}"#,
        )
        .unwrap();
        assert_eq!(item.price, Some(2.0));
        assert_eq!(item.name.as_deref(), Some("a"));
        assert_eq!(
            item.extra,
            serde_json::json!({"x": true}).as_object().cloned().unwrap()
        );
    }

    #[test]
    fn errors_carry_the_whole_path() {
        let body = br#"{"items": [{"price": 1}, {"price": "x"}]}"#;
        let err = crate::decode_json::<Page>(body).unwrap_err();
        let crate::Error::Decode { path, message, .. } = err else {
            panic!("{err:?}");
        };
        assert_eq!(path, "items[1].price");
        assert!(
            message.starts_with("invalid type: string \"x\", expected f64"),
            "{message}"
        );
    }

    #[test]
    fn every_deserializer_works() {
        // From a `Value`, and from serde's own map deserializer.
        let from_value: Item = serde_json::from_value(serde_json::json!({"price": 3})).unwrap();
        assert_eq!(from_value.price, Some(3.0));
        let pairs = vec![("price", serde_json::json!(4.5))];
        let other = Item::deserialize(
            serde::de::value::MapDeserializer::<_, serde_json::Error>::new(pairs.into_iter()),
        )
        .unwrap();
        assert_eq!(other.price, Some(4.5));
        let not_object = serde_json::from_str::<Item>("[1]").unwrap_err();
        assert!(
            not_object.to_string().contains("expected a map"),
            "{not_object}"
        );
    }
}
