//! The one error type of every generated call.

use serde_json::Value;

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
    /// The request could not be sent or the response not read (connection refused,
    /// timeout, TLS, invalid URL).
    #[error("request to Xano failed: {0}")]
    Transport(#[from] reqwest::Error),
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
    /// The HTTP status, for [`Error::Api`] and [`Error::Decode`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Decode { status, .. }
            | Error::UnexpectedContentType { status, .. } => Some(*status),
            Error::Transport(err) => err.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// Xano's error code (`ERROR_CODE_…`), for [`Error::Api`].
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => code.as_deref(),
            _ => None,
        }
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

/// The start of a body as text, short enough for one error line.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX * 4)]);
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX || body.len() > MAX * 4 {
        out.push('…');
    }
    out
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
}
