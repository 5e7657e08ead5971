//! What a fake endpoint answers: a [`Reply`], or a [`XanoError`] in Xano's
//! error body shape.

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Value, json};
use std::fmt;

/// A successful answer from a fake endpoint: a status (200 unless changed),
/// headers and a body.
///
/// The typed handlers of a generated `fake` module build this for you from the
/// endpoint's output type; build one yourself for streaming endpoints
/// ([`Reply::sse`], [`Reply::json_lines`]) or through [`FakeServer::handle`](super::FakeServer::handle).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
}

impl Reply {
    /// `value` as a JSON body (`application/json; charset=utf-8`, as Xano
    /// sends). A value serde cannot write as JSON (a map with non-text keys)
    /// answers a 500 `ERROR_FATAL` naming the cause.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply::bytes("application/json; charset=utf-8", body),
            Err(err) => {
                XanoError::fatal(format!("the fake could not write the reply: {err}")).into_reply()
            }
        }
    }

    /// A text body with its content type.
    pub fn text(content_type: &str, text: impl Into<String>) -> Reply {
        Reply::bytes(content_type, text.into())
    }

    /// A body of bytes with its content type.
    pub fn bytes(content_type: &str, body: impl Into<Bytes>) -> Reply {
        Reply {
            status: 200,
            content_type: Some(content_type.to_owned()),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A 200 with no body.
    pub fn empty() -> Reply {
        Reply {
            status: 200,
            content_type: None,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// Server-Sent Events (`text/event-stream`), one `data:` event per item,
    /// each item as one line of JSON, as Xano's streaming responses send them.
    pub fn sse<T: Serialize>(events: impl IntoIterator<Item = T>) -> Reply {
        let mut body = String::new();
        for event in events {
            match serde_json::to_string(&event) {
                Ok(line) => {
                    body.push_str("data: ");
                    body.push_str(&line);
                    body.push_str("\n\n");
                }
                Err(err) => {
                    return XanoError::fatal(format!("the fake could not write an event: {err}"))
                        .into_reply();
                }
            }
        }
        Reply::text("text/event-stream", body)
    }

    /// A `text/event-stream` body written by hand (`event:`, `id:`, `retry:`
    /// fields, comments), sent as it is.
    pub fn sse_text(text: impl Into<String>) -> Reply {
        Reply::text("text/event-stream", text)
    }

    /// JSON Lines (`application/x-ndjson`): one item of JSON per line.
    pub fn json_lines<T: Serialize>(items: impl IntoIterator<Item = T>) -> Reply {
        let mut body = Vec::new();
        for item in items {
            if let Err(err) = serde_json::to_writer(&mut body, &item) {
                return XanoError::fatal(format!("the fake could not write a line: {err}"))
                    .into_reply();
            }
            body.push(b'\n');
        }
        Reply::bytes("application/x-ndjson", body)
    }

    /// The same reply with another status.
    pub fn with_status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }

    /// The same reply with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

/// An error answered the way Xano answers it: a status and the body
/// `{"code": "ERROR_CODE_…", "message": "…", "payload": …}` (docs/XANO.md §7).
///
/// Each helper is one of the errors Xano sends; what the generated client
/// makes of it is `xano_runtime::Error::Api` with the same status, code and
/// message, so a test sees exactly what production code would.
#[derive(Debug, Clone, PartialEq)]
pub struct XanoError(Box<Details>);

/// What a [`XanoError`] holds (boxed: handlers return it in every `Result`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Details {
    status: u16,
    code: String,
    message: String,
    payload: Option<Value>,
    retry_after: Option<u64>,
    /// Set when the fake, not the test, found the request unreadable: a client
    /// and fake generated from one spec should always agree.
    pub(crate) violation: Option<String>,
}

impl XanoError {
    /// Any status, code and message.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> XanoError {
        XanoError(Box::new(Details {
            status,
            code: code.to_owned(),
            message: message.into(),
            payload: None,
            retry_after: None,
            violation: None,
        }))
    }

    /// Marks the error as the fake's finding, not the test's answer: a request
    /// a client generated from the same spec would never send.
    pub(crate) fn with_violation(mut self, violation: String) -> XanoError {
        self.0.violation = Some(violation);
        self
    }

    /// The violation, when the fake found one.
    pub(crate) fn violation(&self) -> Option<&str> {
        self.0.violation.as_deref()
    }

    /// The same error with a `payload`.
    pub fn with_payload(mut self, payload: Value) -> XanoError {
        self.0.payload = Some(payload);
        self
    }

    /// 400 `ERROR_CODE_INPUT_ERROR` with `message` (what a precondition of type
    /// `inputerror` answers).
    pub fn input(message: impl Into<String>) -> XanoError {
        XanoError::new(400, "ERROR_CODE_INPUT_ERROR", message)
    }

    /// 400 `Missing param: <name>` with payload `{"param": "<name>"}`, exactly as
    /// Xano answers a required input that was not sent.
    pub fn missing_param(name: &str) -> XanoError {
        XanoError::input(format!("Missing param: {name}")).with_payload(json!({"param": name}))
    }

    /// 401 `ERROR_CODE_UNAUTHORIZED` "Unauthorized - Authentication Required", as
    /// Xano answers a protected endpoint called without a valid token.
    pub fn unauthorized() -> XanoError {
        XanoError::new(
            401,
            "ERROR_CODE_UNAUTHORIZED",
            "Unauthorized - Authentication Required",
        )
    }

    /// 403 `ERROR_CODE_ACCESS_DENIED` with `message` (a precondition of type
    /// `accessdenied`, such as a failed login).
    pub fn denied(message: impl Into<String>) -> XanoError {
        XanoError::new(403, "ERROR_CODE_ACCESS_DENIED", message)
    }

    /// 404 `ERROR_CODE_NOT_FOUND` with `message` (a precondition of type
    /// `notfound`).
    pub fn not_found(message: impl Into<String>) -> XanoError {
        XanoError::new(404, "ERROR_CODE_NOT_FOUND", message)
    }

    /// 429 `ERROR_CODE_TOO_MANY_REQUESTS` "Rate Limited. Too many requests.",
    /// with `Retry-After: <seconds>` when given.
    pub fn too_many_requests(retry_after_seconds: Option<u64>) -> XanoError {
        let mut error = XanoError::new(
            429,
            "ERROR_CODE_TOO_MANY_REQUESTS",
            "Rate Limited. Too many requests.",
        );
        error.0.retry_after = retry_after_seconds;
        error
    }

    /// 500 `ERROR_FATAL` with `message` (a runtime error in a function stack).
    pub fn fatal(message: impl Into<String>) -> XanoError {
        XanoError::new(500, "ERROR_FATAL", message)
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.0.status
    }

    /// The `code` field.
    pub fn code(&self) -> &str {
        &self.0.code
    }

    /// The `message` field.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The `payload` field.
    pub fn payload(&self) -> Option<&Value> {
        self.0.payload.as_ref()
    }

    /// The answer as a [`Reply`].
    pub fn into_reply(self) -> Reply {
        let details = *self.0;
        // Xano leaves `payload` out when there is none (the observed 401 and 404).
        let mut body = json!({"code": details.code, "message": details.message});
        if let Some(payload) = details.payload {
            body["payload"] = payload;
        }
        let mut reply = Reply::bytes("application/json; charset=utf-8", body.to_string())
            .with_status(details.status);
        if let Some(seconds) = details.retry_after {
            reply = reply.with_header("retry-after", &seconds.to_string());
        }
        reply
    }
}

impl fmt::Display for XanoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.0.status, self.0.code, self.0.message)
    }
}

impl std::error::Error for XanoError {}
