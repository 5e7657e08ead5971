//! Reading a fake request's inputs into a generated input type the way Xano
//! reads them: query strings and multipart text fields arrive as text, and Xano
//! casts them to the input's type (`"7"` to an integer, `"true"` to a boolean,
//! `tag=a` to a one-element list).
//!
//! [`Lenient`] is a `serde_json::Value` deserializer that makes those casts on
//! the way in, led by the type being read (it cannot guess: `"007"` is a string
//! to a text input and 7 to an integer one).

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Value};

/// A JSON value read with Xano's casts from text.
pub(crate) struct Lenient(pub(crate) Value);

impl<'de> IntoDeserializer<'de, Error> for Lenient {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

fn invalid(value: &Value, expected: &str) -> Error {
    de::Error::custom(format!("{value} is not {expected}"))
}

impl Lenient {
    fn number(self, expected: &str) -> Result<Value, Error> {
        match self.0 {
            Value::String(text) => {
                let text = text.trim();
                serde_json::from_str::<serde_json::Number>(text)
                    .map(Value::Number)
                    .map_err(|_| invalid(&Value::String(text.to_owned()), expected))
            }
            Value::Bool(flag) => Ok(Value::from(u8::from(flag))),
            other => Ok(other),
        }
    }
}

impl<'de> de::Deserializer<'de> for Lenient {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(flag) => visitor.visit_bool(flag),
            Value::Number(number) => {
                if let Some(n) = number.as_u64() {
                    visitor.visit_u64(n)
                } else if let Some(n) = number.as_i64() {
                    visitor.visit_i64(n)
                } else {
                    visitor.visit_f64(number.as_f64().unwrap_or_default())
                }
            }
            Value::String(text) => visitor.visit_string(text),
            Value::Array(items) => {
                let mut seq = SeqDeserializer::new(items.into_iter().map(Lenient));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Value::Object(map) => {
                let mut entries =
                    MapDeserializer::new(map.into_iter().map(|(k, v)| (k, Lenient(v))));
                let value = visitor.visit_map(&mut entries)?;
                entries.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0 {
            Value::String(text) => match text.trim() {
                "true" | "1" => visitor.visit_bool(true),
                "false" | "0" | "" => visitor.visit_bool(false),
                _ => Err(invalid(&self.0, "a boolean")),
            },
            Value::Number(number) => visitor.visit_bool(number.as_f64() != Some(0.0)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        Lenient(self.number("an integer")?).deserialize_any(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        Lenient(self.number("an integer")?).deserialize_any(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        Lenient(self.number("a number")?).deserialize_any(visitor)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Number(number) => visitor.visit_string(number.to_string()),
            Value::Bool(flag) => visitor.visit_string(flag.to_string()),
            other => Lenient(other).deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Lenient(other)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(_) | Value::Null => self.deserialize_any(visitor),
            // A list sent as JSON text (a multipart field or a header).
            Value::String(text) if text.trim_start().starts_with('[') => {
                Lenient(serde_json::from_str(&text)?).deserialize_any(visitor)
            }
            // `tag=a` where a list is expected: a list of one.
            one => Lenient(Value::Array(vec![one])).deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_enum(self.0, name, variants, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            // An object sent as JSON text (a multipart field or a header).
            Value::String(text) if text.trim_start().starts_with('{') => {
                Lenient(serde_json::from_str(&text)?).deserialize_any(visitor)
            }
            other => Lenient(other).deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    forward_to_deserialize_any! {
        char bytes byte_buf unit unit_struct tuple tuple_struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Input {
        page: Option<i64>,
        price: f64,
        in_stock: bool,
        code: String,
        tags: Vec<String>,
        ids: Option<Vec<i64>>,
        filter: Option<Filter>,
        sent_as_text: Option<Filter>,
        list_as_text: Vec<i64>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Filter {
        min: i64,
    }

    #[test]
    fn text_is_cast_to_the_type_read() {
        let value = serde_json::json!({
            "page": "2", "price": "9.50", "in_stock": "true", "code": "007",
            "tags": "one", "ids": ["1", "2"], "filter": {"min": "3"},
            "sent_as_text": "{\"min\": 4}", "list_as_text": "[1, \"2\"]"
        });
        let input = Input::deserialize(Lenient(value)).unwrap();
        assert_eq!(
            input,
            Input {
                page: Some(2),
                price: 9.5,
                in_stock: true,
                code: "007".into(),
                tags: vec!["one".into()],
                ids: Some(vec![1, 2]),
                filter: Some(Filter { min: 3 }),
                sent_as_text: Some(Filter { min: 4 }),
                list_as_text: vec![1, 2],
            }
        );
        let bad = Input::deserialize(Lenient(serde_json::json!({
            "price": "cheap", "in_stock": "1", "code": 7, "tags": [], "list_as_text": []
        })))
        .unwrap_err();
        assert!(
            bad.to_string().contains("\"cheap\" is not a number"),
            "{bad}"
        );
    }
}
