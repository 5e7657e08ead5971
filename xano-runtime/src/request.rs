//! One call being built: route and path parameters, query string, body, auth.
//! Sending it is `call.rs`'s job.

use crate::call::Call;
use crate::error::excerpt;
use crate::file::AsFile;
use crate::{Client, Error, File};
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;

/// A call being built by generated code:
/// `client.get("/books/{book_id}").path_param("book_id", 7).query(..).send()`.
#[must_use = "a request does nothing until `send` is awaited"]
pub struct RequestBuilder<'a> {
    pub(crate) client: &'a Client,
    pub(crate) method: Method,
    /// The URL so far: origin, group, route, with path parameters filled in.
    pub(crate) url: String,
    /// Where the route (`/api:x/…`) starts in `url`.
    pub(crate) route_start: usize,
    /// Where the path under the group starts in `url`.
    pub(crate) path_start: usize,
    /// The path as the caller gave it, with `{name}` placeholders: with the
    /// group, the template (`/api:x/books/{book_id}`) that logs and errors show.
    pub(crate) path: &'a str,
    pub(crate) auth: bool,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    /// The first encoding error, reported by `send` so the builder chain stays flat.
    pub(crate) error: Option<Error>,
}

/// Shows the method, the route template and which parts are set; never a
/// query value, a header value or the body (inputs can hold secrets).
impl fmt::Debug for RequestBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("route", &self.route().to_string())
            .field("auth", &self.auth)
            .field(
                "query",
                &self.query.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("error", &self.error.is_some())
            .finish_non_exhaustive()
    }
}

/// A route template, `/api:x/books/{book_id}`: the group part of a URL and the
/// path as the caller wrote it, joined only when shown.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route<'a> {
    pub(crate) group: &'a str,
    pub(crate) path: &'a str,
}

impl fmt::Display for Route<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.group)?;
        if !self.path.starts_with('/') {
            f.write_str("/")?;
        }
        f.write_str(self.path)
    }
}

pub(crate) enum Body {
    Empty,
    Json(bytes::Bytes),
    Multipart(Vec<(String, Part)>),
    /// A body sent as it is, with its media type (`text/*`,
    /// `application/octet-stream`, …).
    Raw {
        content_type: String,
        bytes: bytes::Bytes,
    },
    /// `application/x-www-form-urlencoded` fields, in Xano's bracket convention.
    Form(Vec<(String, String)>),
}

pub(crate) enum Part {
    Text(String),
    File(File),
}

impl<'a> RequestBuilder<'a> {
    pub(crate) fn new(
        client: &'a Client,
        method: Method,
        url: String,
        route_start: usize,
        path_start: usize,
        path: &'a str,
    ) -> Self {
        RequestBuilder {
            client,
            method,
            url,
            route_start,
            path_start,
            path,
            auth: false,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            error: None,
        }
    }

    /// Fills the path parameter `{name}` of the route with `value`, percent-encoded
    /// so that `/`, `?`, `#` or spaces cannot change the route. Logs, spans, hooks
    /// and errors name the call by its template, never by the value.
    pub fn path_param<T: fmt::Display>(mut self, name: &str, value: T) -> Self {
        let Some(at) = find_placeholder(&self.url[self.path_start..], name) else {
            self.fail(Error::Request(format!(
                "the route `{}` has no parameter `{name}`",
                self.route()
            )));
            return self;
        };
        let at = self.path_start + at;
        // Encoded as it is formatted, on the stack (ids and slugs fit), then
        // written over the placeholder in place.
        let mut encoded = SegmentEncoder::default();
        let _ = fmt::Write::write_fmt(&mut encoded, format_args!("{value}"));
        self.url
            .replace_range(at..at + name.len() + 2, encoded.as_str());
        self
    }

    /// The route template of this call: the path under the origin with path
    /// parameters as `{name}`.
    pub(crate) fn route(&self) -> Route<'_> {
        Route {
            group: &self.url[self.route_start..self.path_start],
            path: self.path,
        }
    }

    /// Marks the endpoint as requiring authentication: the session's bearer token
    /// is sent. Calls without it never carry the token.
    pub fn auth(mut self) -> Self {
        self.auth = true;
        self
    }

    /// Adds a query input, encoded as the official JavaScript SDK (axios) writes
    /// query strings, which is how Xano reads them: `None`/null is left out, a flat
    /// array becomes `name[]=a&name[]=b`, objects `name[key]=value`, and below the
    /// top level arrays are indexed (`objs[0][a]=1`, `nest[arr][0]=1`); empty
    /// arrays and objects send nothing.
    pub fn query<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => flatten_query(name, &value, &mut self.query),
            Err(err) => self.fail(Error::Encode(err)),
        }
        self
    }

    /// Sends `body` as `application/json`.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Body::Json(bytes.into()),
            Err(err) => self.fail(Error::Encode(err)),
        }
        self
    }

    /// Sends `text` as the body, as it is, with `content_type` (for `text/*`
    /// bodies such as XanoScript's `text/x-xanoscript`).
    pub fn text(mut self, content_type: &str, text: &str) -> Self {
        self.body = Body::Raw {
            content_type: content_type.to_owned(),
            bytes: bytes::Bytes::copy_from_slice(text.as_bytes()),
        };
        self
    }

    /// Sends `bytes` as the body, as they are, with `content_type` (for
    /// `application/octet-stream` and other binary bodies).
    pub fn bytes(mut self, content_type: &str, bytes: &bytes::Bytes) -> Self {
        self.body = Body::Raw {
            content_type: content_type.to_owned(),
            bytes: bytes.clone(),
        };
        self
    }

    /// Adds a field to an `application/x-www-form-urlencoded` body, flattened like
    /// a query input.
    pub fn form<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        let value = match serde_json::to_value(value) {
            Ok(value) => value,
            Err(err) => {
                self.fail(Error::Encode(err));
                return self;
            }
        };
        if !matches!(self.body, Body::Form(_)) {
            self.body = Body::Form(Vec::new());
        }
        if let Body::Form(pairs) = &mut self.body {
            flatten_query(name, &value, pairs);
        }
        self
    }

    /// Adds a text field to a `multipart/form-data` body: `None`/null is left out,
    /// strings are sent as they are, numbers and booleans as text, arrays and
    /// objects as JSON.
    pub fn field<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        let text = match serde_json::to_value(value) {
            Ok(Value::Null) => return self,
            Ok(Value::String(text)) => text,
            Ok(other) => other.to_string(),
            Err(err) => {
                self.fail(Error::Encode(err));
                return self;
            }
        };
        self.push_part(name, Part::Text(text));
        self
    }

    /// Adds an optional input that may be null to a `multipart/form-data` body:
    /// `None` is left out, `Some(None)` is the text `null` (what the official
    /// SDK sends for a null field), `Some(Some(v))` as [`RequestBuilder::field`].
    pub fn nullable_field<T: Serialize>(self, name: &str, value: &Option<Option<T>>) -> Self {
        match value {
            None => self,
            Some(None) => self.field(name, "null"),
            Some(Some(value)) => self.field(name, value),
        }
    }

    /// Adds an optional input that may be null to a form body: `None` is left
    /// out, `Some(None)` is the text `null` (as in a multipart body),
    /// `Some(Some(v))` as [`RequestBuilder::form`].
    pub fn nullable_form<T: Serialize>(self, name: &str, value: &Option<Option<T>>) -> Self {
        match value {
            None => self,
            Some(None) => self.form(name, "null"),
            Some(Some(value)) => self.form(name, value),
        }
    }

    /// Adds files to a `multipart/form-data` body (one part each); `None` is left
    /// out.
    pub fn file<F: AsFile + ?Sized>(mut self, name: &str, file: &F) -> Self {
        for file in file.files() {
            self.push_part(name, Part::File(file.clone()));
        }
        self
    }

    /// Adds a header input: `None`/null is left out, strings are sent as they are,
    /// other values as their JSON text.
    pub fn header<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(Value::Null) => {}
            Ok(Value::String(text)) => self.headers.push((name.to_owned(), text)),
            Ok(other) => self.headers.push((name.to_owned(), other.to_string())),
            Err(err) => self.fail(Error::Encode(err)),
        }
        self
    }

    /// Sends the call and decodes a 2xx JSON body into `T`; any other status
    /// becomes [`Error::Api`]. The body is read up to the client's
    /// `max_response_size`.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for a non-2xx answer, [`Error::Transport`] when no answer
    /// came, [`Error::Decode`] or [`Error::UnexpectedContentType`] when the body
    /// is not the expected JSON, [`Error::TooLarge`] past the size limit,
    /// [`Error::Refresh`] when a 401's refresh hook failed, and
    /// [`Error::Encode`] or [`Error::Request`] when the request could not be
    /// built.
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        let response = Call::new(self)?.read().await?;
        decode(
            response.status,
            response.content_type.as_ref().and_then(|v| v.to_str().ok()),
            &response.body,
        )
    }

    /// Sends the call and streams the response as it arrives: Server-Sent Events
    /// for `text/event-stream`, one event per line for JSON Lines, the whole body as
    /// one event otherwise. A non-2xx status is an [`Error::Api`] before any event.
    /// Retries and refresh apply until the response starts; then the client's
    /// timeout bounds the wait for each chunk, never the whole stream.
    pub async fn stream(self) -> Result<crate::EventStream, Error> {
        Call::new(self)?.stream().await
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    fn push_part(&mut self, name: &str, part: Part) {
        match &mut self.body {
            Body::Multipart(parts) => parts.push((name.to_owned(), part)),
            _ => self.body = Body::Multipart(vec![(name.to_owned(), part)]),
        }
    }
}

/// Where `{name}` is in `route`, without building the placeholder.
fn find_placeholder(route: &str, name: &str) -> Option<usize> {
    let bytes = route.as_bytes();
    let mut from = 0;
    while let Some(open) = memchr::memchr(b'{', &bytes[from..]) {
        let at = from + open;
        let inner = &route[at + 1..];
        if inner.starts_with(name) && inner[name.len()..].starts_with('}') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A `fmt::Write` that percent-encodes what is written into it as one path
/// segment (see [`crate::encode_path_segment`]): on the stack up to 64 bytes,
/// on the heap past that.
struct SegmentEncoder {
    stack: [u8; 64],
    len: usize,
    heap: Option<String>,
}

impl Default for SegmentEncoder {
    fn default() -> Self {
        SegmentEncoder {
            stack: [0; 64],
            len: 0,
            heap: None,
        }
    }
}

impl SegmentEncoder {
    fn as_str(&self) -> &str {
        match &self.heap {
            Some(heap) => heap,
            // Only whole percent-encoded pieces (ASCII) are copied in.
            None => std::str::from_utf8(&self.stack[..self.len]).unwrap_or_default(),
        }
    }
}

impl fmt::Write for SegmentEncoder {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for piece in percent_encoding::utf8_percent_encode(text, crate::PATH_SEGMENT) {
            if self.heap.is_none() && self.len + piece.len() > self.stack.len() {
                let mut heap = String::with_capacity(2 * self.stack.len());
                heap.push_str(self.as_str());
                self.heap = Some(heap);
            }
            match &mut self.heap {
                Some(heap) => heap.push_str(piece),
                None => {
                    self.stack[self.len..self.len + piece.len()].copy_from_slice(piece.as_bytes());
                    self.len += piece.len();
                }
            }
        }
        Ok(())
    }
}

/// Decodes a response read in full: a 2xx JSON body into `T`, anything else into
/// the matching error.
pub(crate) fn decode<T: DeserializeOwned>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<T, Error> {
    if !(200..300).contains(&status) {
        return Err(Error::from_response(status, body));
    }
    let status = crate::error::status_code(status);
    // Xano answers JSON; an HTML page (a proxy, a maintenance page) is reported as
    // such rather than as a confusing decode error.
    if let Some(content_type) = content_type.filter(|ct| !ct.contains("json"))
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err()
    {
        return Err(Error::UnexpectedContentType {
            status,
            content_type: content_type.to_owned(),
            excerpt: excerpt(body),
        });
    }
    // An empty 2xx body reads as JSON null, so `Option`/`Value` outputs still work.
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    decode_json_with_status(Some(status), body)
}

/// Decodes JSON into `T` the way the runtime decodes response bodies: fast, with
/// no path tracking, and only when that fails a second time to say where, as a
/// [`Error::Decode`] naming the path to the bad value (through generated types
/// too). For JSON that reaches you another way, such as a Xano webhook's body.
///
/// # Errors
///
/// [`Error::Decode`] with the path to the value that did not fit (values under
/// credential-named fields left out of the message and excerpt).
///
/// # Examples
///
/// ```
/// #[derive(Debug, serde::Deserialize)]
/// struct Hook { id: i64 }
/// let err = xano_runtime::decode_json::<Vec<Hook>>(br#"[{"id": 1}, {"id": "x"}]"#).unwrap_err();
/// assert!(err.to_string().contains("`[1].id`"), "{err}");
/// ```
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    decode_json_with_status(None, body)
}

pub(crate) fn decode_json_with_status<T: DeserializeOwned>(
    status: Option<reqwest::StatusCode>,
    body: &[u8],
) -> Result<T, Error> {
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string().trim_start_matches('.').to_owned();
        let message = crate::error::decode_message(&path, err.inner().to_string());
        Error::Decode {
            status,
            path,
            message,
            excerpt: excerpt(body),
        }
    })
}

/// Appends `value` under `name` as axios (the official SDK's HTTP client) writes
/// it: a flat array at the top level as `name[]`, every other array below it with
/// indices, objects with `[key]`, nulls and empty containers left out.
pub(crate) fn flatten_query(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Array(items) if items.iter().all(|item| !is_container(item)) => {
            let key = format!("{name}[]");
            for item in items {
                if let Some(text) = scalar_text(item) {
                    out.push((key.clone(), text));
                }
            }
        }
        _ => flatten_nested(name.to_owned(), value, out),
    }
}

fn flatten_nested(key: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten_nested(format!("{key}[{index}]"), item, out);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                flatten_nested(format!("{key}[{name}]"), item, out);
            }
        }
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out.push((key, text));
            }
        }
    }
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Array(_) | Value::Object(_))
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::{decode, flatten_query};
    use crate::Error;
    use serde_json::json;

    fn flat(name: &str, value: serde_json::Value) -> Vec<String> {
        let mut out = Vec::new();
        flatten_query(name, &value, &mut out);
        out.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    #[test]
    fn query_values_follow_the_official_sdk() {
        assert_eq!(flat("page", json!(2)), ["page=2"]);
        assert!(flat("skip", json!(null)).is_empty());
        assert_eq!(
            flat("tags", json!(["a", null, "b"])),
            ["tags[]=a", "tags[]=b"]
        );
        assert_eq!(
            flat("range", json!({"from": 1, "to": true, "no": null})),
            ["range[from]=1", "range[to]=true"]
        );
        assert_eq!(
            flat("objs", json!([{"a": 1, "b": 2}, {"a": 3}])),
            ["objs[0][a]=1", "objs[0][b]=2", "objs[1][a]=3"]
        );
        assert_eq!(
            flat("nest", json!({"arr": [1, 2]})),
            ["nest[arr][0]=1", "nest[arr][1]=2"]
        );
        assert_eq!(
            flat("grid", json!([[1, 2], [3]])),
            ["grid[0][0]=1", "grid[0][1]=2", "grid[1][0]=3"]
        );
        assert!(flat("empty", json!([])).is_empty());
        assert!(flat("empty", json!({})).is_empty());
    }

    #[test]
    fn path_params_fill_the_template_encoded() {
        let client = crate::Client::builder("https://x.io")
            .build()
            .unwrap()
            .with_api_group("api:g");
        let call = client
            .get("/users/{user_id}/files/{name}/")
            .path_param("name", "a/b c?")
            .path_param("user_id", 42);
        assert_eq!(call.url, "https://x.io/api:g/users/42/files/a%2Fb%20c%3F/");
        assert_eq!(
            call.route().to_string(),
            "/api:g/users/{user_id}/files/{name}/"
        );
        let long = "ü".repeat(40);
        let call = client.get("items/{name}").path_param("name", &long);
        assert_eq!(
            call.url,
            format!("https://x.io/api:g/items/{}", "%C3%BC".repeat(40))
        );
        assert_eq!(call.route().to_string(), "/api:g/items/{name}");
        let missing = client.get("/users/{id}").path_param("user", 1);
        assert!(missing.error.is_some());
        let prefix = client.get("/a/{id_x}/{id}").path_param("id", 7);
        assert_eq!(prefix.url, "https://x.io/api:g/a/{id_x}/7");
    }

    #[test]
    fn decode_errors_name_the_path() {
        #[derive(Debug, serde::Deserialize)]
        struct Book {
            #[allow(dead_code)]
            price: Option<f64>,
        }
        let err = decode::<Vec<Book>>(200, None, br#"[{"price": 1}, {"price": "x"}]"#).unwrap_err();
        match err {
            Error::Decode { path, excerpt, .. } => {
                assert_eq!(path, "[1].price");
                assert!(excerpt.starts_with("[{\"price\""));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(decode::<Option<i64>>(200, None, b"").unwrap(), None);
        let html = decode::<i64>(200, Some("text/html"), b"<html>maintenance</html>").unwrap_err();
        assert!(
            matches!(html, Error::UnexpectedContentType { .. }),
            "{html:?}"
        );
        assert_eq!(decode::<i64>(200, Some("text/plain"), b"42").unwrap(), 42);
    }
}
