//! The one error type of every generated call.

use crate::transport::TransportError;
use serde_json::Value;
use std::sync::Arc;

pub use reqwest::StatusCode;

/// Everything a generated call can fail with.
///
/// `Display` says what failed in one line and never repeats a cause: the cause
/// is [`source()`](std::error::Error::source), which error reporters (anyhow,
/// eyre, `{:#}`) print after it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Xano answered with a non-2xx status. Xano's error body
    /// `{"code": "ERROR_CODE_…", "message": "…", "payload": …}` is parsed into the
    /// fields; a body of another shape leaves `code` empty and puts an excerpt of the
    /// body in `message`.
    #[error("Xano answered {}{}: {message}", status.as_u16(), code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    #[non_exhaustive]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// Xano's error code, e.g. `ERROR_CODE_INPUT_ERROR`, `ERROR_CODE_UNAUTHORIZED`.
        code: Option<String>,
        /// Xano's message, e.g. `Missing param: user_id`.
        message: String,
        /// Xano's `payload`, e.g. `{"param": "user_id"}` for an input error (boxed
        /// to keep `Result<_, Error>` small).
        payload: Option<Box<Value>>,
    },
    /// The request could not be sent or the response not read: connection refused
    /// or reset, a timeout, TLS, a redirect to another origin (see
    /// [`TransportError::kind`](crate::TransportError::kind)).
    #[error("request to Xano failed")]
    Transport(#[source] TransportError),
    /// The response was larger than
    /// [`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size);
    /// reading stopped there.
    #[error(
        "the response (status {}) is larger than {limit} bytes, the client's max_response_size",
        status.as_u16()
    )]
    #[non_exhaustive]
    TooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The limit in bytes.
        limit: u64,
    },
    /// A call was refused as unauthorized and the
    /// [`on_unauthorized`](crate::ClientBuilder::on_unauthorized) hook that was to
    /// refresh the token failed with the error in `source()`. Every call of the
    /// same wave of 401s gets the same error (the hook runs once per wave).
    #[error("the token was refused and refreshing it failed")]
    Refresh(#[source] Arc<Error>),
    /// A body did not match the type generated from the spec. Xano infers
    /// response schemas, so this usually means the endpoint changed: fetch the
    /// spec again and regenerate.
    #[error(
        "could not decode the {} at `{path}`: {message}; body starts: {excerpt}",
        status.map(|s| format!("response (status {})", s.as_u16())).unwrap_or_else(|| "payload".into())
    )]
    #[non_exhaustive]
    Decode {
        /// The HTTP status; `None` for what did not come as a response (a
        /// realtime payload, a body given to [`decode_json`](crate::decode_json)).
        status: Option<StatusCode>,
        /// Where in the body decoding failed, e.g. `items[3].price`.
        path: String,
        /// What serde said (values under credential-named fields left out).
        message: String,
        /// The first bytes of the body, for context (credential values blanked).
        excerpt: String,
    },
    /// A 2xx response that is not JSON (an HTML page from a proxy, say).
    #[error("expected JSON but got `{content_type}` (status {}); body starts: {excerpt}", status.as_u16())]
    #[non_exhaustive]
    UnexpectedContentType {
        /// The HTTP status.
        status: StatusCode,
        /// The response's content type.
        content_type: String,
        /// The first bytes of the body.
        excerpt: String,
    },
    /// A file (the session file, `xano.toml`, an upload) could not be read or
    /// written.
    #[error("{}: cannot read or write", path.display())]
    #[non_exhaustive]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The session file exists but does not hold a session (edited by hand, or
    /// written by something else): delete it to sign in again.
    #[error("session file {} is not valid: {message}", path.display())]
    #[non_exhaustive]
    SessionFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A streamed response broke off or could not be read as events.
    #[error("stream error: {0}")]
    Stream(String),
    /// A request input could not be serialized.
    #[error("could not encode the request")]
    Encode(#[source] serde_json::Error),
    /// A request could not be built when it was sent: a path parameter that
    /// makes the URL invalid, a token or content type that is not a valid
    /// header value.
    #[error("could not build the request: {0}")]
    Request(String),
    /// A [`Timestamp`](crate::Timestamp) could not be read from text or does
    /// not fit the type it was converted to.
    #[error("timestamp: {0}")]
    Timestamp(String),
    /// A realtime connection could not be opened, or has ended, or its queue
    /// of outgoing frames is full.
    #[error("realtime: {0}")]
    Realtime(String),
    /// The client was configured with an invalid value (origin, header name or
    /// value, `xano.toml`): fix the setting.
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status, for errors that got a response ([`Error::Api`],
    /// [`Error::Decode`], …; for [`Error::Refresh`], the hook's error's).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedContentType { status, .. }
            | Error::TooLarge { status, .. } => Some(*status),
            Error::Decode { status, .. } => *status,
            Error::Refresh(inner) => inner.status(),
            _ => None,
        }
    }

    /// Xano's error code (`ERROR_CODE_…`), for [`Error::Api`] (and the hook's
    /// error of an [`Error::Refresh`]).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => code.as_deref(),
            Error::Refresh(inner) => inner.code(),
            _ => None,
        }
    }

    /// Whether the call timed out (connecting, waiting for the response, or
    /// between chunks of a body).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(err) if err.is_timeout())
    }

    /// A 401, or a 403 carrying `ERROR_CODE_UNAUTHORIZED` (Xano uses both for a
    /// missing or expired token).
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
            || (self.status() == Some(StatusCode::FORBIDDEN)
                && self.code() == Some("ERROR_CODE_UNAUTHORIZED"))
    }

    /// A 404 (`ERROR_CODE_NOT_FOUND`): a missing record or an unknown route.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// A 429: Xano's rate limit.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// For a Xano input error (400 `ERROR_CODE_INPUT_ERROR`), the input it names in
    /// `payload.param`.
    pub fn input_error_param(&self) -> Option<&str> {
        match self {
            Error::Api {
                status: StatusCode::BAD_REQUEST,
                payload: Some(payload),
                ..
            } => payload.get("param").and_then(Value::as_str),
            _ => None,
        }
    }

    /// Builds the error for a non-2xx response from its status and body.
    pub(crate) fn from_response(status: u16, body: &[u8]) -> Self {
        let status = status_code(status);
        #[derive(serde::Deserialize)]
        struct XanoErrorBody {
            code: Option<String>,
            message: Option<String>,
            payload: Option<Value>,
        }
        match serde_json::from_slice::<XanoErrorBody>(body) {
            Ok(parsed) if parsed.code.is_some() || parsed.message.is_some() => Error::Api {
                status,
                code: parsed.code,
                message: parsed.message.unwrap_or_default(),
                payload: parsed.payload.filter(|p| !p.is_null()).map(Box::new),
            },
            _ => Error::Api {
                status,
                code: None,
                message: excerpt(body),
                payload: None,
            },
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(err: reqwest::Error) -> Self {
        Error::Transport(TransportError::from_reqwest(err))
    }
}

/// The `StatusCode` of a status read off a response (always in 100..=999).
pub(crate) fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The start of a body as text, short enough for one error line, with the values
/// of credential-named fields (`authToken`, `password`, `api_key`, …) replaced by
/// `[redacted]`.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 200;
    // Redact before cutting, so a token cut off at the end is still hidden.
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX * 4)]);
    let text = redact_credentials(&text);
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX || body.len() > MAX * 4 {
        out.push('…');
    }
    out
}

/// JSON text with the string values of credential-named keys replaced. Tolerant
/// of text cut anywhere (an excerpt): it scans for `"key": "value"` pairs and
/// leaves everything else as it is.
fn redact_credentials(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let Some(key_end) = string_end(bytes, i + 1) else {
            break;
        };
        let key = &text[i + 1..key_end];
        let mut j = key_end + 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b':' && xano_names::is_credential_name(key) {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() {
                // Whatever the value is: a string, but also a list or an object
                // holding the token, or a number (a PIN).
                let value_end = value_end(bytes, j);
                out.push_str(&text[copied..j]);
                out.push_str("\"[redacted]\"");
                copied = value_end.min(bytes.len());
                i = copied;
                continue;
            }
        }
        i = key_end + 1;
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// The index just past the JSON value that starts at `start` (the end of the
/// text when it is cut off there).
fn value_end(bytes: &[u8], start: usize) -> usize {
    match bytes[start] {
        b'"' => string_end(bytes, start + 1).map_or(bytes.len(), |end| end + 1),
        b'[' | b'{' => {
            let mut depth = 0usize;
            let mut i = start;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => match string_end(bytes, i + 1) {
                        Some(end) => i = end,
                        None => return bytes.len(),
                    },
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            bytes.len()
        }
        _ => bytes[start..]
            .iter()
            .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
            .map_or(bytes.len(), |at| start + at),
    }
}

/// serde's message for a value that did not fit, with the values it quotes
/// (`` invalid type: integer `1234` ``, `invalid value: string "tok"`) removed
/// when the value sits under a credential-named field.
pub(crate) fn decode_message(path: &str, message: String) -> String {
    let credential = path
        .split(['.', '[', ']'])
        .any(|segment| !segment.is_empty() && xano_names::is_credential_name(segment));
    if !credential {
        return message;
    }
    let mut out = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(open) if c == open => {
                out.push_str("[redacted]");
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if c == '`' || c == '"' {
                    quote = Some(c);
                }
            }
        }
    }
    if quote.is_some() {
        out.push_str("[redacted]");
    }
    out
}

/// The index of the quote closing a JSON string that starts at `from`.
fn string_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn results_stay_small() {
        // clippy's `result_large_err` fires at 128 bytes, in users' code too.
        assert!(
            std::mem::size_of::<Error>() <= 96,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn xano_error_bodies_become_api_errors() {
        let err = Error::from_response(
            400,
            br#"{"code":"ERROR_CODE_INPUT_ERROR","message":"Missing param: user_id","payload":{"param":"user_id"}}"#,
        );
        assert_eq!(err.code(), Some("ERROR_CODE_INPUT_ERROR"));
        assert_eq!(err.input_error_param(), Some("user_id"));
        assert_eq!(
            err.to_string(),
            "Xano answered 400 ERROR_CODE_INPUT_ERROR: Missing param: user_id"
        );

        let forbidden = Error::from_response(
            403,
            br#"{"code":"ERROR_CODE_UNAUTHORIZED","message":"expired"}"#,
        );
        assert!(forbidden.is_unauthorized());
        let denied = Error::from_response(
            403,
            br#"{"code":"ERROR_CODE_ACCESS_DENIED","message":"no"}"#,
        );
        assert!(!denied.is_unauthorized());
    }

    #[test]
    fn other_bodies_keep_an_excerpt() {
        let err = Error::from_response(502, b"<html>Bad gateway</html>");
        match err {
            Error::Api { code, message, .. } => {
                assert_eq!(code, None);
                assert_eq!(message, "<html>Bad gateway</html>");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(super::excerpt(&[b'a'; 1000]).ends_with('…'));
    }

    #[test]
    fn excerpts_hide_credential_values() {
        let body = br#"{"user":{"name":"Ada","authToken": "eyJhbGciOi.secret"},"refresh_token":"r-secret","api_key":"k\"-secret","count":2}"#;
        let shown = super::excerpt(body);
        assert!(!shown.contains("secret"), "{shown}");
        assert!(
            shown.contains(r#""name":"Ada""#) && shown.contains(r#""count":2"#),
            "{shown}"
        );
        assert_eq!(shown.matches("[redacted]").count(), 3, "{shown}");
        // A credential that is not a string is hidden too.
        let nested = br#"{"authToken": ["tok-secret", {"a": "x"}], "pin": 1234, "refresh_token": {"v": "r"}, "n": 1}"#;
        let shown = super::excerpt(nested);
        for leaked in ["tok-secret", "1234", "\"r\""] {
            assert!(!shown.contains(leaked), "{shown}");
        }
        assert!(shown.contains(r#""n": 1"#), "{shown}");
        // A token cut off by the excerpt's end is still hidden.
        let mut long = br#"{"authToken":""#.to_vec();
        long.extend(std::iter::repeat_n(b'x', 5000));
        assert!(!super::excerpt(&long).contains("xxx"));
        for credential in [
            "authToken",
            "PASSWORD",
            "refresh_token",
            "APIKey",
            "client-secret",
        ] {
            assert!(xano_names::is_credential_name(credential), "{credential}");
        }
        for plain in ["author_id", "photo", "tokens", "token_count", "keyword"] {
            assert!(!xano_names::is_credential_name(plain), "{plain}");
        }
    }

    #[test]
    fn a_credential_that_fails_to_decode_stays_hidden() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Login {
            #[serde(rename = "authToken")]
            auth_token: Option<crate::Secret>,
            pin: Option<crate::Secret>,
        }
        for body in [
            &br#"{"authToken": ["tok-12345678"]}"#[..],
            br#"{"authToken": {"value": "tok-12345678"}}"#,
            br#"{"pin": 12345678}"#,
        ] {
            let err = crate::decode_json::<Login>(body).unwrap_err();
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(!shown.contains("12345678"), "{shown}");
            }
        }
    }
}
