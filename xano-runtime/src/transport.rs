//! What went wrong below HTTP: connections, timeouts, TLS, redirects.
//!
//! reqwest's own messages are generic ("error sending request") and carry the
//! full URL, query string included, where inputs (and sometimes tokens) live. A
//! [`TransportError`] says what happened in words, names the call by its route
//! template (`GET /api:x/books/{book_id}`, never the values) and the host, and
//! keeps the underlying error as its `source` with the URL removed.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// What kind of transport failure a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// Nothing listens at the host and port (TCP connection refused).
    ConnectionRefused,
    /// The host name could not be resolved.
    Dns,
    /// The connection could not be set up in time.
    ConnectTimeout,
    /// The server sent no response headers within the client's timeout.
    ResponseTimeout,
    /// The server sent nothing for the client's timeout in the middle of a body.
    BodyTimeout,
    /// The connection was reset by the peer.
    ConnectionReset,
    /// The server closed the connection before the response was complete (often a
    /// pooled keep-alive connection the server had just closed).
    ConnectionClosed,
    /// The TLS handshake or a TLS record failed (certificate, protocol).
    Tls,
    /// The server redirected to another origin, or redirected too often; the
    /// redirect was not followed.
    Redirect,
    /// Anything else; the source says more.
    Other,
}

/// A call that failed below HTTP: see [`TransportKind`] for the cases.
///
/// Its `Display` says what happened, which call (method and route template, no
/// parameter or query values) and which host; the underlying error is its
/// [`source`](std::error::Error::source), stripped of the URL.
pub struct TransportError {
    kind: TransportKind,
    /// `GET /api:x/books/{book_id}`; empty when not known.
    call: Box<str>,
    /// The host (and port) or, for redirects, the other origin.
    detail: Box<str>,
    timeout: Option<Duration>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl TransportError {
    /// What kind of failure this is.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }

    /// Whether the call timed out (connecting, waiting for headers, or between
    /// chunks of the body).
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind,
            TransportKind::ConnectTimeout
                | TransportKind::ResponseTimeout
                | TransportKind::BodyTimeout
        )
    }

    /// Whether the request never reached a server that could act on it, so
    /// sending it again cannot repeat its effect.
    pub(crate) fn never_sent(&self) -> bool {
        matches!(
            self.kind,
            TransportKind::ConnectionRefused | TransportKind::Dns | TransportKind::ConnectTimeout
        )
    }

    pub(crate) fn new(kind: TransportKind, host: &str) -> Self {
        TransportError {
            kind,
            call: Box::from(""),
            detail: Box::from(host),
            timeout: None,
            source: None,
        }
    }

    pub(crate) fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Names the call (method and route template) in the message.
    pub(crate) fn for_call(
        mut self,
        method: &reqwest::Method,
        route: impl std::fmt::Display,
    ) -> Self {
        self.call = format!("{method} {route}").into_boxed_str();
        self
    }

    /// Classifies a reqwest error; `host` is the host the call went to.
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        let host = err.url().map(host_of).unwrap_or_default();
        let kind = classify(&err);
        let detail = match (kind, redirect_target(&err)) {
            (TransportKind::Redirect, Some(target)) => target,
            _ => host,
        };
        TransportError {
            kind,
            call: Box::from(""),
            detail: detail.into_boxed_str(),
            timeout: None,
            // The URL carries query values: never keep it.
            source: Some(Box::new(err.without_url())),
        }
    }
}

/// `host[:port]` of a URL: what messages name (never the path or query).
pub(crate) fn host_of(url: &reqwest::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    }
}

/// The next error down a chain. `io::Error::source` skips the error it wraps (it
/// returns that error's source), so io errors are opened with `get_ref`.
fn below<'e>(error: &'e (dyn StdError + 'static)) -> Option<&'e (dyn StdError + 'static)> {
    match error.downcast_ref::<std::io::Error>() {
        Some(io) => match io.get_ref() {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => io.source(),
        },
        None => error.source(),
    }
}

fn classify(err: &reqwest::Error) -> TransportKind {
    if err.is_redirect() {
        return TransportKind::Redirect;
    }
    let connect = err.is_connect();
    let mut source: Option<&(dyn StdError + 'static)> = err.source();
    while let Some(current) = source {
        if current.downcast_ref::<rustls::Error>().is_some() {
            return TransportKind::Tls;
        }
        if let Some(hyper) = current.downcast_ref::<hyper::Error>()
            && (hyper.is_incomplete_message() || hyper.is_canceled() || hyper.is_closed())
        {
            return TransportKind::ConnectionClosed;
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            match io.kind() {
                ErrorKind::ConnectionRefused => return TransportKind::ConnectionRefused,
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe => {
                    return TransportKind::ConnectionReset;
                }
                ErrorKind::TimedOut if connect => return TransportKind::ConnectTimeout,
                ErrorKind::UnexpectedEof => return TransportKind::ConnectionClosed,
                _ => {}
            }
        }
        // hyper-util's connect error says "dns error" for resolver failures; its
        // type is private, so its message is all there is to go on.
        if connect && current.to_string() == "dns error" {
            return TransportKind::Dns;
        }
        source = below(current);
    }
    if err.is_timeout() {
        return if connect {
            TransportKind::ConnectTimeout
        } else {
            TransportKind::ResponseTimeout
        };
    }
    TransportKind::Other
}

/// The origin a refused redirect pointed at, from [`CrossOriginRedirect`].
fn redirect_target(err: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn StdError + 'static)> = err.source();
    while let Some(current) = source {
        if let Some(redirect) = current.downcast_ref::<RefusedRedirect>() {
            return Some(redirect.0.clone());
        }
        source = below(current);
    }
    None
}

/// Why a redirect was not followed (the error inside reqwest's redirect error).
#[derive(Debug)]
pub(crate) struct RefusedRedirect(pub(crate) String);

impl fmt::Display for RefusedRedirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "redirect refused: {}", self.0)
    }
}

impl StdError for RefusedRedirect {}

/// The redirect policy of clients the runtime builds: follow redirects within the
/// origin of the call (scheme, host and port), at most 10; refuse any other.
///
/// reqwest strips only `Authorization` and cookies when a redirect leaves the
/// host: global headers (an `X-Api-Key`), `X-Data-Source` and a 307/308's body (a
/// login's password) would follow. Xano has no reason to send a client to another
/// origin, so such a redirect is an error that names where it pointed.
pub(crate) fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.follow();
        };
        let same_origin = attempt.url().origin() == first.origin();
        if !same_origin {
            let target = attempt.url().origin().ascii_serialization();
            return attempt.error(RefusedRedirect(format!("to another origin, {target}")));
        }
        if attempt.previous().len() > 10 {
            return attempt.error(RefusedRedirect("more than 10 redirects".into()));
        }
        attempt.follow()
    })
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.call.is_empty() {
            write!(f, "{}: ", self.call)?;
        }
        let host = &self.detail;
        let within = |f: &mut fmt::Formatter<'_>| match self.timeout {
            Some(timeout) => write!(f, " within {}", seconds(timeout)),
            None => Ok(()),
        };
        match self.kind {
            TransportKind::ConnectionRefused => write!(f, "connection refused by {host}"),
            TransportKind::Dns => write!(f, "could not resolve the host of {host}"),
            TransportKind::ConnectTimeout => {
                write!(f, "could not connect to {host}")?;
                within(f)
            }
            TransportKind::ResponseTimeout => {
                write!(f, "no response from {host}")?;
                within(f)
            }
            TransportKind::BodyTimeout => {
                write!(f, "{host} stopped sending in the middle of the response")?;
                match self.timeout {
                    Some(timeout) => write!(f, " (nothing for {})", seconds(timeout)),
                    None => Ok(()),
                }
            }
            TransportKind::ConnectionReset => write!(f, "the connection was reset by {host}"),
            TransportKind::ConnectionClosed => write!(
                f,
                "{host} closed the connection before the response was complete"
            ),
            TransportKind::Tls => {
                write!(f, "TLS with {host} failed")?;
                match self.source.as_deref().and_then(tls_reason) {
                    Some(reason) => write!(f, ": {reason}"),
                    None => Ok(()),
                }
            }
            TransportKind::Redirect => write!(
                f,
                "redirect not followed ({host}): only redirects within the origin are followed, so headers and bodies never reach another server"
            ),
            TransportKind::Other => match &self.source {
                Some(source) => write!(f, "{}", innermost(source.as_ref())),
                None => f.write_str("the request failed"),
            },
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("call", &self.call)
            .field("detail", &self.detail)
            .field("timeout", &self.timeout)
            .field("source", &self.source)
            .finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs} s")
    } else {
        format!("{secs:.1} s")
    }
}

/// The rustls error in a chain, as text.
fn tls_reason(source: &(dyn StdError + Send + Sync + 'static)) -> Option<String> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(source);
    while let Some(error) = current {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        current = below(error);
    }
    None
}

/// The deepest message of a chain: the most specific one.
fn innermost(source: &(dyn StdError + Send + Sync + 'static)) -> String {
    let mut current: &(dyn StdError + 'static) = source;
    while let Some(next) = below(current) {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_call_and_host_only() {
        let err = TransportError::new(TransportKind::ResponseTimeout, "127.0.0.1:9")
            .timeout(Duration::from_secs(2))
            .for_call(&reqwest::Method::GET, "/api:x/books/{book_id}");
        assert_eq!(
            err.to_string(),
            "GET /api:x/books/{book_id}: no response from 127.0.0.1:9 within 2 s"
        );
        assert!(err.is_timeout() && !err.never_sent());
        let refused = TransportError::new(TransportKind::ConnectionRefused, "h:1");
        assert_eq!(refused.to_string(), "connection refused by h:1");
        assert!(refused.never_sent());
    }
}
