//! One call: URL, query string, body, auth, and the decoding of the answer.

use crate::client::ResponseInfo;
use crate::error::excerpt;
use crate::file::AsFile;
use crate::{Client, Error, File};
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::Instant;
use tracing::Instrument as _;

/// A call being built by generated code: `client.request(..).query(..).json(..).send()`.
#[must_use = "a request does nothing until `send` is awaited"]
pub struct RequestBuilder<'a> {
    client: &'a Client,
    method: Method,
    url: String,
    auth: bool,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Body,
    /// The first encoding error, reported by `send` so the builder chain stays flat.
    error: Option<Error>,
}

enum Body {
    Empty,
    Json(bytes::Bytes),
    Multipart(Vec<(String, Part)>),
}

enum Part {
    Text(String),
    File(File),
}

impl<'a> RequestBuilder<'a> {
    pub(crate) fn new(client: &'a Client, method: Method, url: String) -> Self {
        RequestBuilder {
            client,
            method,
            url,
            auth: false,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            error: None,
        }
    }

    /// Marks the endpoint as requiring authentication: the session's bearer token
    /// is sent. Calls without it never carry the token.
    pub fn auth(mut self) -> Self {
        self.auth = true;
        self
    }

    /// Adds a query input, encoded the way Xano reads query strings: `None`/null is
    /// left out, arrays become `name[]=a&name[]=b`, objects `name[key]=value`,
    /// everything else its plain text.
    pub fn query<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => flatten_query(name.to_owned(), &value, &mut self.query),
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
    /// becomes [`Error::Api`].
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        let response = self.execute().await?;
        decode(
            response.status,
            response.content_type.as_deref(),
            &response.body,
        )
    }

    /// Sends the call and streams the response as it arrives: Server-Sent Events
    /// for `text/event-stream`, one event per line for JSON Lines, the whole body as
    /// one event otherwise. A non-2xx status is an [`Error::Api`] before any event.
    /// Retries and refresh apply until the response starts.
    pub async fn stream(self) -> Result<crate::EventStream, Error> {
        let response = self.execute_streaming().await?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let body = response.bytes().await?;
            return Err(Error::from_response(status, &body));
        }
        let content_type = content_type(response.headers());
        let bytes = futures_util::StreamExt::map(response.bytes_stream(), |chunk| {
            chunk.map_err(Error::Transport)
        });
        Ok(crate::EventStream::from_bytes(
            content_type.as_deref(),
            bytes,
        ))
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

    /// Sends the call and reads the whole body.
    async fn execute(self) -> Result<Response, Error> {
        match self.execute_streaming_answer().await? {
            Answer::Open(response) => {
                let status = response.status().as_u16();
                let content_type = content_type(response.headers());
                let body = response.bytes().await?;
                Ok(Response {
                    status,
                    content_type,
                    body,
                })
            }
            Answer::Read(response) => Ok(response),
        }
    }

    /// Sends the call and returns the response with its body not yet read.
    async fn execute_streaming(self) -> Result<reqwest::Response, Error> {
        match self.execute_streaming_answer().await? {
            Answer::Open(response) => Ok(response),
            // Only error statuses are read before the caller sees them.
            Answer::Read(response) => Err(Error::from_response(response.status, &response.body)),
        }
    }

    /// Sends the call: retries per the retry policy, one refresh-and-resend on a 401
    /// when a refresh hook is set, hooks and a tracing span around it all.
    async fn execute_streaming_answer(self) -> Result<Answer, Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut url = reqwest::Url::parse(&self.url)
            .map_err(|err| Error::Config(format!("invalid URL `{}`: {err}", self.url)))?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        let path = url.path().to_owned();
        let span = tracing::debug_span!(
            "xano_call",
            method = %self.method,
            path = %path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let call = Call {
            client: self.client,
            method: self.method,
            url,
            path,
            auth: self.auth,
            headers: self.headers,
            body: self.body,
        };
        call.run().instrument(span).await
    }
}

/// A fully built call, sendable as many times as retries need.
struct Call<'a> {
    client: &'a Client,
    method: Method,
    url: reqwest::Url,
    path: String,
    auth: bool,
    headers: Vec<(String, String)>,
    body: Body,
}

/// A response read in full.
struct Response {
    status: u16,
    content_type: Option<String>,
    body: bytes::Bytes,
}

/// The final answer of a call: still open (body unread, for streaming), or already
/// read because deciding about a refresh needed the body.
enum Answer {
    Open(reqwest::Response),
    Read(Response),
}

fn content_type(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

tokio::task_local! {
    /// Set while a refresh hook runs, so its own calls do not refresh again.
    static IN_REFRESH: ();
}

impl Call<'_> {
    async fn run(self) -> Result<Answer, Error> {
        let shared = self.client.shared();
        let policy = self.client.retry_policy();
        let retry_allowed = policy.allows(&self.method);
        let started = Instant::now();
        let mut attempt = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            let generation = shared.session.generation();
            let request = self.build()?;
            let sent = Instant::now();
            let result = shared.http.execute(request).await.map_err(Error::Transport);
            if !shared.after_response.is_empty() {
                let info = ResponseInfo {
                    method: self.method.clone(),
                    path: self.path.clone(),
                    status: result.as_ref().ok().map(|r| r.status().as_u16()),
                    attempt,
                    elapsed: sent.elapsed(),
                };
                for hook in &shared.after_response {
                    hook(&info);
                }
            }
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            let response = match result {
                Ok(response) => response,
                Err(err) => {
                    let transient =
                        matches!(&err, Error::Transport(e) if e.is_connect() || e.is_timeout());
                    let delay = (transient && retry_allowed)
                        .then(|| policy.next_delay(attempt, started.elapsed(), None))
                        .flatten();
                    match delay {
                        Some(delay) => {
                            tracing::debug!(attempt, ?delay, "retrying after a connection failure");
                            tokio::time::sleep(delay).await;
                            continue;
                        }
                        None => return Err(err),
                    }
                }
            };
            let status = response.status().as_u16();
            span.record("status", status);
            if status == 429 && retry_allowed {
                if let Some(delay) =
                    policy.next_delay(attempt, started.elapsed(), Some(response.headers()))
                {
                    tracing::debug!(attempt, ?delay, "rate limited: retrying");
                    tokio::time::sleep(delay).await;
                    continue;
                }
            }
            let may_refresh = self.auth
                && !refreshed
                && shared.refresh.is_some()
                && IN_REFRESH.try_with(|_| ()).is_err();
            if may_refresh && (status == 401 || status == 403) {
                let content_type = content_type(response.headers());
                let body = response.bytes().await?;
                let unauthorized = status == 401
                    || (status == 403 && Error::from_response(status, &body).is_unauthorized());
                if unauthorized {
                    refreshed = true;
                    refresh(self.client, generation).await?;
                    continue;
                }
                return Ok(Answer::Read(Response {
                    status,
                    content_type,
                    body,
                }));
            }
            tracing::debug!(
                status,
                attempt,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "xano call done"
            );
            return Ok(Answer::Open(response));
        }
    }

    fn build(&self) -> Result<reqwest::Request, Error> {
        let shared = self.client.shared();
        let mut headers = self.client.headers(&self.headers)?;
        if self.auth {
            if let Some(bearer) = shared.session.bearer() {
                let mut value = HeaderValue::from_str(&bearer).map_err(|_| {
                    Error::Config("the session token is not a valid header value".into())
                })?;
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
        }
        let mut builder = shared.http.request(self.method.clone(), self.url.clone());
        builder = match &self.body {
            Body::Empty => builder,
            Body::Json(bytes) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                builder.body(bytes.clone())
            }
            Body::Multipart(parts) => builder.multipart(multipart_form(parts)?),
        };
        let mut request = builder.headers(headers).build()?;
        for hook in &shared.before_request {
            hook(&mut request);
        }
        Ok(request)
    }
}

/// Runs the refresh hook once for every call that saw the token of `generation`
/// fail: the first caller refreshes, the others wait for the lock and find the
/// session already changed.
async fn refresh(client: &Client, generation: u64) -> Result<(), Error> {
    let shared = client.shared();
    let Some(hook) = shared.refresh.clone() else {
        return Ok(());
    };
    let _guard = shared.refresh_lock.lock().await;
    if shared.session.generation() != generation {
        return Ok(());
    }
    tracing::debug!("token rejected: refreshing");
    IN_REFRESH.scope((), hook(client.root())).await
}

fn multipart_form(parts: &[(String, Part)]) -> Result<reqwest::multipart::Form, Error> {
    let mut form = reqwest::multipart::Form::new();
    for (name, part) in parts {
        let name = name.clone();
        form = match part {
            Part::Text(text) => form.text(name, text.clone()),
            Part::File(file) => {
                let part = reqwest::multipart::Part::stream_with_length(
                    file.bytes().clone(),
                    file.bytes().len() as u64,
                )
                .file_name(file.name().to_owned())
                .mime_str(file.mime())
                .map_err(|_| {
                    Error::Config(format!("`{}` is not a valid MIME type", file.mime()))
                })?;
                form.part(name, part)
            }
        };
    }
    Ok(form)
}

fn decode<T: DeserializeOwned>(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<T, Error> {
    if !(200..300).contains(&status) {
        return Err(Error::from_response(status, body));
    }
    // Xano answers JSON; an HTML page (a proxy, a maintenance page) is reported as
    // such rather than as a confusing decode error.
    if let Some(content_type) = content_type.filter(|ct| !ct.contains("json")) {
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            return Err(Error::UnexpectedContentType {
                status,
                content_type: content_type.to_owned(),
                excerpt: excerpt(body),
            });
        }
    }
    // An empty 2xx body reads as JSON null, so `Option`/`Value` outputs still work.
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    // Fast first; only a failure pays for finding the path to the bad value.
    if let Ok(value) = crate::fields::untracked(|| serde_json::from_slice(body)) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        // Generated output types report the path inside them in the message
        // (see `Fields::take`); join it to the path serde tracked down to them.
        let mut path = err.path().to_string().trim_start_matches('.').to_owned();
        let message = err.inner().to_string();
        let (nested, message) = crate::fields::split_path(&message);
        if let Some(nested) = nested {
            if !path.is_empty() && !nested.starts_with('[') {
                path.push('.');
            }
            path.push_str(nested);
        }
        Error::Decode {
            status,
            path,
            message: message.to_owned(),
            excerpt: excerpt(body),
        }
    })
}

/// Appends `value` under `name` the way Xano's query parser reads it.
fn flatten_query(name: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::String(text) => out.push((name, text.clone())),
        Value::Bool(_) | Value::Number(_) => out.push((name, value.to_string())),
        Value::Array(items) => {
            for item in items {
                flatten_query(format!("{name}[]"), item, out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                flatten_query(format!("{name}[{key}]"), item, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{decode, flatten_query};
    use crate::Error;
    use serde_json::json;

    #[test]
    fn query_values_follow_xano_conventions() {
        let mut out = Vec::new();
        flatten_query("page".into(), &json!(2), &mut out);
        flatten_query("skip".into(), &json!(null), &mut out);
        flatten_query("tags".into(), &json!(["a", "b"]), &mut out);
        flatten_query("range".into(), &json!({"from": 1, "to": true}), &mut out);
        let pairs: Vec<String> = out.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            pairs,
            [
                "page=2",
                "tags[]=a",
                "tags[]=b",
                "range[from]=1",
                "range[to]=true"
            ]
        );
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
