//! The connection to one Xano instance, shared by every generated group client.

use crate::request::RequestBuilder;
use crate::{Error, Session};
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The header that routes a call to a non-live branch of the workspace.
pub(crate) const X_BRANCH: &str = "x-branch";
/// The header that selects the database data source (`live`, `test`, …).
pub(crate) const X_DATA_SOURCE: &str = "x-data-source";

/// A connection to one Xano instance (its origin, or a custom domain).
///
/// Cheap to clone: clones share the HTTP connection pool and the [`Session`]. Each
/// generated group module has its own `Client::new(&xano)` that adds the group's
/// `api:<canonical>` base path to this origin.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    handle: Arc<Handle>,
}

/// What differs between handles of one client.
#[derive(Clone, Default)]
struct Handle {
    /// The API group base path (`api:<canonical>`) that paths are relative to.
    api_group: String,
    /// Headers layered over the shared ones (see [`Client::with_branch`]).
    overrides: Vec<(String, String)>,
}

struct Shared {
    origin: String,
    http: reqwest::Client,
    headers: HeaderMap,
    session: Session,
}

impl Client {
    /// Starts configuring a client for an instance origin such as
    /// `https://x8d0-doy0-xx99.n0.xano.io` or a custom domain.
    pub fn builder(origin: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            origin: origin.into(),
            headers: Vec::new(),
            user_agent: concat!("xano-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            timeout: Some(Duration::from_secs(60)),
            http: None,
        }
    }

    /// The auth session shared by every handle and group client of this client.
    pub fn session(&self) -> &Session {
        &self.shared.session
    }

    /// The instance origin, without a trailing slash.
    pub fn origin(&self) -> &str {
        &self.shared.origin
    }

    /// A handle whose calls go to another branch (`X-Branch`), sharing everything else.
    pub fn with_branch(&self, branch: impl Into<String>) -> Client {
        self.with_header(X_BRANCH, branch)
    }

    /// A handle whose calls use another data source (`X-Data-Source`), sharing
    /// everything else.
    pub fn with_data_source(&self, data_source: impl Into<String>) -> Client {
        self.with_header(X_DATA_SOURCE, data_source)
    }

    /// A handle that adds (or replaces) one header on its calls, sharing everything
    /// else. An invalid header name or value is reported by the call that sends it.
    pub fn with_header(&self, name: impl Into<String>, value: impl Into<String>) -> Client {
        let mut handle = (*self.handle).clone();
        handle.overrides.push((name.into(), value.into()));
        self.with_handle(handle)
    }

    /// A handle whose paths are relative to an API group's base path, e.g.
    /// `api:LmTnxskw` (what each generated group client uses), sharing everything
    /// else.
    pub fn with_api_group(&self, api_group: impl Into<String>) -> Client {
        let mut handle = (*self.handle).clone();
        handle.api_group = api_group.into().trim_matches('/').to_owned();
        self.with_handle(handle)
    }

    /// The API group base path of this handle (empty for the instance root).
    pub fn api_group(&self) -> &str {
        &self.handle.api_group
    }

    fn with_handle(&self, handle: Handle) -> Client {
        Client {
            shared: Arc::clone(&self.shared),
            handle: Arc::new(handle),
        }
    }

    /// Starts a `GET` of `path` (e.g. `/auth/me`) in this handle's API group.
    pub fn get(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::GET, path)
    }

    /// Starts a `POST`.
    pub fn post(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::POST, path)
    }

    /// Starts a `PUT`.
    pub fn put(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::PUT, path)
    }

    /// Starts a `PATCH`.
    pub fn patch(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::PATCH, path)
    }

    /// Starts a `DELETE`.
    pub fn delete(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::DELETE, path)
    }

    /// Starts a call to `path` in this handle's API group. Generated code calls
    /// this (or `get`, `post`, …); it is public so that an endpoint missing from a
    /// spec can still be called by hand.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder<'_> {
        let api_group = self.handle.api_group.as_str();
        let mut url =
            String::with_capacity(self.shared.origin.len() + api_group.len() + path.len() + 2);
        url.push_str(&self.shared.origin);
        if !api_group.is_empty() {
            url.push('/');
            url.push_str(api_group);
        }
        if !path.starts_with('/') {
            url.push('/');
        }
        url.push_str(path);
        RequestBuilder::new(self, method, url)
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.shared.http
    }

    /// The headers of one call: the shared ones, then this handle's overrides, then
    /// the call's own header inputs.
    pub(crate) fn headers(&self, call: &[(String, String)]) -> Result<HeaderMap, Error> {
        let mut headers = self.shared.headers.clone();
        for (name, value) in self.handle.overrides.iter().chain(call) {
            let (name, value) = parse_header(name, value)?;
            headers.insert(name, value);
        }
        Ok(headers)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("origin", &self.shared.origin)
            .field("api_group", &self.handle.api_group)
            .field("headers", &self.shared.headers.keys().collect::<Vec<_>>())
            .field("session", &self.shared.session)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`Client`]; finish with [`ClientBuilder::build`].
#[must_use]
pub struct ClientBuilder {
    origin: String,
    headers: Vec<(String, String)>,
    user_agent: String,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Sends `X-Branch: <branch>` on every call (default: the live branch).
    pub fn branch(self, branch: impl Into<String>) -> Self {
        self.header(X_BRANCH, branch)
    }

    /// Sends `X-Data-Source: <name>` on every call (default: the live data source).
    pub fn data_source(self, data_source: impl Into<String>) -> Self {
        self.header(X_DATA_SOURCE, data_source)
    }

    /// Sends this header on every call.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the `User-Agent` (default `xano-runtime/<version>`). One is always
    /// sent: Xano has been seen to refuse calls without it.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The whole-call timeout (default 60 s); `None` waits forever.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Uses a preconfigured `reqwest::Client` (proxies, TLS roots, …). The
    /// builder's `user_agent` and `timeout` are then sent per request.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let origin = self.origin.trim().trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&origin)
            .map_err(|err| Error::Config(format!("origin `{origin}` is not a URL: {err}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::Config(format!(
                "origin `{origin}` must be an http(s) URL such as https://x8d0-doy0-xx99.n0.xano.io"
            )));
        }
        let mut headers = HeaderMap::new();
        let (name, value) = parse_header("user-agent", &self.user_agent)?;
        headers.insert(name, value);
        for (name, value) in &self.headers {
            let (name, value) = parse_header(name, value)?;
            headers.insert(name, value);
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                // reqwest is built without a bundled crypto provider; install ring's
                // for the process unless the application already chose one.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let mut builder = reqwest::Client::builder();
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                builder.build()?
            }
        };
        Ok(Client {
            shared: Arc::new(Shared {
                origin,
                http,
                headers,
                session: Session::default(),
            }),
            handle: Arc::new(Handle::default()),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("origin", &self.origin)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
    let mut header_value = HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("the value of header `{name}` is not valid")))?;
    // Custom headers may carry secrets (API keys); keep them out of reqwest's Debug.
    header_value.set_sensitive(true);
    Ok((header_name, header_value))
}

#[cfg(test)]
mod tests {
    use super::Client;

    #[test]
    fn origins_are_validated_and_trimmed() {
        let client = Client::builder("https://x.n7.xano.io/").build().unwrap();
        assert_eq!(client.origin(), "https://x.n7.xano.io");
        assert!(Client::builder("x.n7.xano.io").build().is_err());
        assert!(Client::builder("ftp://x.n7.xano.io").build().is_err());
        assert!(
            Client::builder("https://x.io")
                .header("bad header", "v")
                .build()
                .is_err()
        );
    }

    #[test]
    fn debug_hides_header_values() {
        let client = Client::builder("https://x.io")
            .header("X-Api-Key", "hunter2")
            .build()
            .unwrap();
        client.session().set_token("tok-secret");
        let shown = format!("{client:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok-secret"),
            "{shown}"
        );
    }
}
