//! The one error type of every generated call.

use crate::transport::TransportError;
use serde_json::Value;
use std::sync::Arc;

/// Everything a generated call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Xano answered with a non-2xx status. Xano's error body
    /// `{"code": "ERROR_CODE_…", "message": "…", "payload": …}` is parsed into the
    /// fields; a body of another shape leaves `code` empty and puts an excerpt of the
    /// body in `message`.
    #[error("Xano answered {status}{}: {message}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Api {
        /// The HTTP status.
        status: u16,
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
    #[error("request to Xano failed: {0}")]
    Transport(#[source] TransportError),
    /// The response was larger than [`ClientBuilder::max_response_size`]
    /// (crate::ClientBuilder::max_response_size); reading stopped there.
    #[error(
        "the response (status {status}) is larger than {limit} bytes, the client's max_response_size"
    )]
    TooLarge {
        /// The HTTP status.
        status: u16,
        /// The limit in bytes.
        limit: u64,
    },
    /// A call was refused as unauthorized and the
    /// [`on_unauthorized`](crate::ClientBuilder::on_unauthorized) hook that was to
    /// refresh the token failed with this error. Every call of the same wave of
    /// 401s gets the same error (the hook runs once per wave).
    #[error("the token was refused and refreshing it failed: {0}")]
    Refresh(#[source] Arc<Error>),
    /// A 2xx response body did not match the type generated from the spec.
    /// Xano infers response schemas, so this usually means the endpoint changed:
    /// fetch the spec again and regenerate.
    #[error(
        "could not decode the response (status {status}) at `{path}`: {message}; body starts: {excerpt}"
    )]
    Decode {
        /// The HTTP status.
        status: u16,
        /// Where in the body decoding failed, e.g. `items[3].price`.
        path: String,
        /// What serde said.
        message: String,
        /// The first bytes of the body, for context.
        excerpt: String,
    },
    /// A 2xx response that is not JSON (an HTML page from a proxy, say).
    #[error("expected JSON but got `{content_type}` (status {status}); body starts: {excerpt}")]
    UnexpectedContentType {
        /// The HTTP status.
        status: u16,
        /// The response's content type.
        content_type: String,
        /// The first bytes of the body.
        excerpt: String,
    },
    /// A file (the session file, `xano.toml`) could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A streamed response broke off or could not be read as events.
    #[error("stream error: {0}")]
    Stream(String),
    /// A request input could not be serialized.
    #[error("could not encode the request: {0}")]
    Encode(#[source] serde_json::Error),
    /// The client was configured with an invalid value (origin, header name or value).
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status, for errors that got a response ([`Error::Api`],
    /// [`Error::Decode`], …; for [`Error::Refresh`], the hook's error's).
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Decode { status, .. }
            | Error::UnexpectedContentType { status, .. }
            | Error::TooLarge { status, .. } => Some(*status),
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
        matches!(self.status(), Some(401))
            || (self.status() == Some(403) && self.code() == Some("ERROR_CODE_UNAUTHORIZED"))
    }

    /// A 404 (`ERROR_CODE_NOT_FOUND`): a missing record or an unknown route.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// A 429: Xano's rate limit.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// For a Xano input error (400 `ERROR_CODE_INPUT_ERROR`), the input it names in
    /// `payload.param`.
    pub fn input_error_param(&self) -> Option<&str> {
        match self {
            Error::Api {
                status: 400,
                payload: Some(payload),
                ..
            } => payload.get("param").and_then(Value::as_str),
            _ => None,
        }
    }

    /// Builds the error for a non-2xx response from its status and body.
    pub(crate) fn from_response(status: u16, body: &[u8]) -> Self {
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

/// Whether a field name names a credential by its words (`password`,
/// `authToken`, `refresh_token`, `apiKey`, `client_secret`, `pin`), not merely
/// containing one (`tokens` and `token_count` are LLM usage counters). The same
/// rule types generated fields as [`Secret`](crate::Secret).
pub fn is_credential_name(name: &str) -> bool {
    let words = snake_words(name);
    let snake = words.join("_");
    let last = words.last().map(String::as_str).unwrap_or_default();
    ["password", "passwd", "secret", "token", "pin", "ssn"].contains(&last)
        || [
            "api_key",
            "apikey",
            "access_key",
            "private_key",
            "secret_key",
        ]
        .iter()
        .any(|key| snake == *key || snake.ends_with(&format!("_{key}")))
}

/// The lower-case words of an identifier-like name: `authToken` → `auth`,
/// `token`; `APIKey` → `api`, `key`; `client-secret` → `client`, `secret`.
fn snake_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = c.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
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
        if j < bytes.len() && bytes[j] == b':' && is_credential_name(key) {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'"' {
                let value_end = string_end(bytes, j + 1).unwrap_or(bytes.len());
                out.push_str(&text[copied..j]);
                out.push_str("\"[redacted]\"");
                copied = (value_end + 1).min(bytes.len());
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
            assert!(super::is_credential_name(credential), "{credential}");
        }
        for plain in ["author_id", "photo", "tokens", "token_count", "keyword"] {
            assert!(!super::is_credential_name(plain), "{plain}");
        }
    }
}
