//! A request as the fake received it, and reading its inputs the way Xano
//! reads them.

use super::XanoError;
use super::lenient::Lenient;
use super::wire;
use crate::{JsonMap, Method};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::str::FromStr;

/// One request the fake received, as it read it.
#[derive(Debug, Clone)]
pub struct FakeRequest {
    /// The method.
    pub method: Method,
    /// The path as sent (percent-encoding kept), API group prefix included.
    pub path: String,
    /// The endpoint's path template (`/books/{book_id}`), when the path is one
    /// of the group's endpoints.
    pub route: Option<&'static str>,
    /// The path parameters, percent-decoded, in path order.
    pub path_params: Vec<(String, String)>,
    /// The query string read as Xano reads it (`a[]=x` lists, `o[k]=v` objects).
    pub query: JsonMap,
    /// The body as the fake decoded it.
    pub body: FakeBody,
    /// Every header.
    pub headers: HeaderMap,
    /// The query's fields, then the body's: the inputs a Xano function stack sees.
    inputs: JsonMap,
}

/// A request body as the fake decoded it.
#[derive(Debug, Clone, PartialEq)]
pub enum FakeBody {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Value),
    /// `application/x-www-form-urlencoded`, read like a query string.
    Form(JsonMap),
    /// `multipart/form-data`, parts in order.
    Multipart(Vec<FakePart>),
    /// Any other body (`text/*`, binary).
    Other {
        /// The `Content-Type` sent.
        content_type: String,
        /// The bytes.
        bytes: Bytes,
    },
}

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq)]
pub struct FakePart {
    /// The field name (`photos[]` for a list of files).
    pub name: String,
    /// The file name, for file parts.
    pub file_name: Option<String>,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
    /// The exact bytes.
    pub bytes: Bytes,
}

impl FakeRequest {
    /// Reads an HTTP request the way Xano reads it: the query string PHP-style,
    /// the body by its `Content-Type` (JSON, form, multipart with files, text or
    /// bytes). The problems are what Xano would refuse or misread (a query the
    /// official SDK would never write, a JSON body that does not parse, a body
    /// without a `Content-Type`); for a server of your own that should behave
    /// like Xano's (the typed fake is one).
    pub async fn from_http(request: axum::extract::Request) -> (FakeRequest, Vec<String>) {
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let query = request.uri().query().unwrap_or_default().to_owned();
        let headers = request.headers().clone();
        let (body, body_problem) = match super::read_body(request).await {
            Ok(body) => (body, None),
            Err(problem) => (FakeBody::Empty, Some(problem)),
        };
        let (recorded, mut problems) = FakeRequest::read(method, path, &query, body, headers);
        problems.extend(body_problem);
        (recorded, problems)
    }

    /// Builds the request record; an error names what Xano would misread.
    pub(crate) fn read(
        method: Method,
        path: String,
        query: &str,
        body: FakeBody,
        headers: HeaderMap,
    ) -> (FakeRequest, Vec<String>) {
        let mut problems = Vec::new();
        let query = wire::parse_query(query).unwrap_or_else(|problem| {
            problems.push(problem);
            JsonMap::new()
        });
        let mut inputs = query.clone();
        match &body {
            FakeBody::Json(Value::Object(fields)) => inputs.extend(fields.clone()),
            FakeBody::Form(fields) => inputs.extend(fields.clone()),
            FakeBody::Multipart(parts) => {
                for part in parts {
                    let value = match &part.file_name {
                        // What `File`'s fake-side `Deserialize` reads.
                        Some(name) => serde_json::json!({
                            "name": name,
                            "mime": part.content_type.as_deref().unwrap_or("application/octet-stream"),
                            "bytes": part.bytes.as_ref(),
                        }),
                        None => Value::String(String::from_utf8_lossy(&part.bytes).into_owned()),
                    };
                    if let Err(problem) = wire::insert_key(&mut inputs, &part.name, value) {
                        problems.push(format!("multipart field: {problem}"));
                    }
                }
                wire::finish(&mut inputs);
            }
            _ => {}
        }
        let request = FakeRequest {
            method,
            path,
            route: None,
            path_params: Vec::new(),
            query,
            body,
            headers,
            inputs,
        };
        (request, problems)
    }

    /// The inputs a Xano function stack sees: the query's fields, then the
    /// body's (JSON object fields, form fields, multipart fields, where a file
    /// is `{"name", "mime", "bytes"}`).
    pub fn inputs(&self) -> &JsonMap {
        &self.inputs
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The bearer token sent, if any.
    pub fn bearer(&self) -> Option<&str> {
        self.header("authorization")?.strip_prefix("Bearer ")
    }

    /// The `X-Branch` header: the branch the client asked for.
    pub fn branch(&self) -> Option<&str> {
        self.header("x-branch")
    }

    /// The `X-Data-Source` header: the data source the client asked for.
    pub fn data_source(&self) -> Option<&str> {
        self.header("x-data-source")
    }

    /// A path parameter, parsed.
    pub fn path_param<T: FromStr>(&self, name: &str) -> Result<T, XanoError> {
        let (_, text) = self
            .path_params
            .iter()
            .find(|(param, _)| param == name)
            .ok_or_else(|| XanoError::missing_param(name))?;
        text.parse().map_err(|_| {
            XanoError::input(format!("Invalid value for param: {name}"))
                .with_payload(serde_json::json!({"param": name}))
                .with_violation(format!("path parameter `{name}`: `{text}` does not parse"))
        })
    }

    /// The input `name` (query or body), cast from text as Xano casts it (`"7"`
    /// to an integer, `tag=a` to a one-element list). Absent, it is `None` for an
    /// `Option` and a 400 `Missing param` otherwise.
    pub fn input<T: DeserializeOwned>(&self, name: &str) -> Result<T, XanoError> {
        decode(name, self.inputs.get(name).cloned())
    }

    /// An optional input that may be null: absent is `None`, `null` (JSON) or
    /// the text `null` (a multipart or form field) is `Some(None)`, anything
    /// else `Some(Some(value))` cast like [`FakeRequest::input`].
    pub fn nullable_input<T: DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<Option<T>>, XanoError> {
        match self.inputs.get(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(text))
                if text == "null" && !matches!(self.body, FakeBody::Json(_)) =>
            {
                Ok(Some(None))
            }
            Some(value) => decode(name, Some(value.clone())).map(Some),
        }
    }

    /// The header input `name`, cast from text like [`FakeRequest::input`].
    pub fn header_input<T: DeserializeOwned>(&self, name: &str) -> Result<T, XanoError> {
        decode(
            name,
            self.header(name).map(|text| Value::String(text.to_owned())),
        )
    }

    /// The whole JSON body as `T`.
    pub fn json_body<T: DeserializeOwned>(&self) -> Result<T, XanoError> {
        let value = match &self.body {
            FakeBody::Json(value) => Some(value.clone()),
            FakeBody::Empty => None,
            _ => Some(Value::Object(self.inputs.clone())),
        };
        decode("body", value)
    }

    /// The whole body as text (a `text/*` body).
    pub fn text_body<T: From<String>>(&self) -> Result<T, XanoError> {
        match &self.body {
            FakeBody::Other { bytes, .. } => match std::str::from_utf8(bytes) {
                Ok(text) => Ok(T::from(text.to_owned())),
                Err(_) => Err(violation("body", "a text body that is not UTF-8")),
            },
            FakeBody::Empty => Ok(T::from(String::new())),
            other => Err(violation(
                "body",
                &format!("{other:?} where text was expected"),
            )),
        }
    }

    /// The whole body as bytes (a binary body).
    pub fn bytes_body<T: From<Bytes>>(&self) -> Result<T, XanoError> {
        match &self.body {
            FakeBody::Other { bytes, .. } => Ok(T::from(bytes.clone())),
            FakeBody::Empty => Ok(T::from(Bytes::new())),
            other => Err(violation(
                "body",
                &format!("{other:?} where bytes were expected"),
            )),
        }
    }
}

/// Reads one input: absent is `null` (fine for an `Option`, `Missing param`
/// otherwise); present but unreadable is a violation, since a client generated
/// from the same spec never sends one.
fn decode<T: DeserializeOwned>(name: &str, value: Option<Value>) -> Result<T, XanoError> {
    match value {
        None | Some(Value::Null) => {
            T::deserialize(Lenient(Value::Null)).map_err(|_| XanoError::missing_param(name))
        }
        Some(value) => {
            T::deserialize(Lenient(value)).map_err(|err| violation(name, &err.to_string()))
        }
    }
}

fn violation(name: &str, why: &str) -> XanoError {
    XanoError::input(format!("Invalid value for param: {name}"))
        .with_payload(serde_json::json!({"param": name}))
        .with_violation(format!("input `{name}`: {why}"))
}

/// What the fake makes of a file part: `{"name", "mime", "bytes"}`.
#[derive(Deserialize)]
#[serde(crate = "serde")]
struct FilePart {
    name: String,
    mime: String,
    bytes: Vec<u8>,
}

impl<'de> Deserialize<'de> for crate::File {
    /// Only with the `fake` feature: reads a file part of a fake request.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let part = FilePart::deserialize(deserializer)?;
        Ok(crate::File::from_bytes(part.name, part.bytes).with_mime(part.mime))
    }
}
