//! The connection to one Xano instance, shared by every generated group client.

use crate::refresh::{RefreshHook, Refresher};
use crate::request::RequestBuilder;
use crate::retry::RetryPolicy;
use crate::{Error, Session};
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The header that routes a call to a non-live branch of the workspace.
pub(crate) const X_BRANCH: &str = "x-branch";
/// The header that selects the database data source (`live`, `test`, …).
pub(crate) const X_DATA_SOURCE: &str = "x-data-source";

type BeforeRequest = Arc<dyn Fn(&mut reqwest::Request) + Send + Sync>;
type AfterResponse = Arc<dyn Fn(&ResponseInfo) + Send + Sync>;

/// What an after-response hook is told about one attempt of a call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseInfo {
    /// The method.
    pub method: Method,
    /// The route: the URL path with path parameters as `{name}` templates
    /// (`/api:x/books/{book_id}`), never their values, and no query string (inputs
    /// live there).
    pub path: String,
    /// The status, or `None` when the request failed before a response.
    pub status: Option<u16>,
    /// 1 for the first attempt, 2 for the first retry, …
    pub attempt: u32,
    /// Time from sending the request until the attempt was over: the whole body
    /// read, for the attempt that answers a call; the response headers, for an
    /// attempt that is retried and for a streamed response (whose body the
    /// caller reads later); the failure, for one that failed.
    pub elapsed: Duration,
}

/// The default [`ClientBuilder::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default [`ClientBuilder::max_response_size`]: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 64 << 20;
/// The default [`ClientBuilder::max_event_size`]: 16 MiB.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 16 << 20;

/// A connection to one Xano instance (its origin, or a custom domain).
///
/// Cheap to clone: clones share the HTTP connection pool, the settings and the
/// [`Session`]. `with_*` methods give handles that differ in one setting (a branch,
/// a data source, a header, a retry policy) for the calls made through them. Each
/// generated group module has its own `Client::new(&xano)` that adds the group's
/// `api:<canonical>` base path.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    handle: Arc<Handle>,
}

/// What differs between handles of one client.
#[derive(Clone, Default)]
struct Handle {
    api_group: String,
    branch: Option<String>,
    data_source: Option<String>,
    headers: Vec<(String, String)>,
    retry: Option<RetryPolicy>,
}

pub(crate) struct Shared {
    pub(crate) origin: String,
    /// `host[:port]` of the origin, for messages.
    pub(crate) host: String,
    pub(crate) http: reqwest::Client,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_response_size: usize,
    pub(crate) max_event_size: usize,
    headers: HeaderMap,
    branch: Option<String>,
    data_source: Option<String>,
    branch_in_url: bool,
    pub(crate) session: Session,
    pub(crate) retry: RetryPolicy,
    pub(crate) before_request: Vec<BeforeRequest>,
    pub(crate) after_response: Vec<AfterResponse>,
    pub(crate) refresher: Refresher,
}

impl Client {
    /// Starts configuring a client for an instance origin such as
    /// `https://x8d0-doy0-xx99.n0.xano.io` or a custom domain.
    ///
    /// # Examples
    ///
    /// ```
    /// let xano = xano_runtime::Client::builder("https://x8d0-doy0-xx99.n0.xano.io")
    ///     .branch("dev")
    ///     .data_source("test")
    ///     .build()?;
    /// assert_eq!(xano.origin(), "https://x8d0-doy0-xx99.n0.xano.io");
    /// # Ok::<(), xano_runtime::Error>(())
    /// ```
    pub fn builder(origin: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            origin: origin.into(),
            headers: Vec::new(),
            branch: None,
            data_source: None,
            branch_in_url: false,
            user_agent: concat!("xano-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            timeout: Some(DEFAULT_TIMEOUT),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            max_event_size: DEFAULT_MAX_EVENT_SIZE,
            allow_insecure_http: false,
            http: None,
            retry: RetryPolicy::default(),
            before_request: Vec::new(),
            after_response: Vec::new(),
            refresh: None,
            session_file: None,
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

    /// The branch calls through this handle go to (`None`: the live branch).
    pub fn branch(&self) -> Option<&str> {
        self.handle
            .branch
            .as_deref()
            .or(self.shared.branch.as_deref())
    }

    /// A handle whose calls go to another branch, sharing everything else.
    pub fn with_branch(&self, branch: impl Into<String>) -> Client {
        self.with(|handle| handle.branch = Some(branch.into()))
    }

    /// A handle whose calls use another data source (`X-Data-Source`), sharing
    /// everything else.
    pub fn with_data_source(&self, data_source: impl Into<String>) -> Client {
        self.with(|handle| handle.data_source = Some(data_source.into()))
    }

    /// A handle that adds (or replaces) one header on its calls, sharing everything
    /// else. An invalid header name or value is reported by the call that sends it.
    pub fn with_header(&self, name: impl Into<String>, value: impl Into<String>) -> Client {
        self.with(|handle| handle.headers.push((name.into(), value.into())))
    }

    /// A handle with another retry policy (e.g. one that may repeat a POST).
    pub fn with_retry(&self, policy: RetryPolicy) -> Client {
        self.with(|handle| handle.retry = Some(policy))
    }

    /// A handle whose paths are relative to an API group's base path, e.g.
    /// `api:LmTnxskw` (what each generated group client uses), sharing everything
    /// else.
    pub fn with_api_group(&self, api_group: impl Into<String>) -> Client {
        let api_group = api_group.into().trim_matches('/').to_owned();
        self.with(|handle| handle.api_group = api_group)
    }

    /// The API group base path of this handle (empty for the instance root).
    pub fn api_group(&self) -> &str {
        &self.handle.api_group
    }

    fn with(&self, change: impl FnOnce(&mut Handle)) -> Client {
        let mut handle = (*self.handle).clone();
        change(&mut handle);
        Client {
            shared: Arc::clone(&self.shared),
            handle: Arc::new(handle),
        }
    }

    /// Starts a `GET` of `path` (e.g. `/auth/me`) in this handle's API group.
    pub fn get<'a>(&'a self, path: &'a str) -> RequestBuilder<'a> {
        self.request(Method::GET, path)
    }

    /// Starts a `POST`.
    pub fn post<'a>(&'a self, path: &'a str) -> RequestBuilder<'a> {
        self.request(Method::POST, path)
    }

    /// Starts a `PUT`.
    pub fn put<'a>(&'a self, path: &'a str) -> RequestBuilder<'a> {
        self.request(Method::PUT, path)
    }

    /// Starts a `PATCH`.
    pub fn patch<'a>(&'a self, path: &'a str) -> RequestBuilder<'a> {
        self.request(Method::PATCH, path)
    }

    /// Starts a `DELETE`.
    pub fn delete<'a>(&'a self, path: &'a str) -> RequestBuilder<'a> {
        self.request(Method::DELETE, path)
    }

    /// Starts a call to `path` in this handle's API group. Generated code calls
    /// this (or `get`, `post`, …); it is public so that an endpoint missing from a
    /// spec can still be called by hand. `path` may hold `{name}` parameters,
    /// filled in by [`RequestBuilder::path_param`].
    pub fn request<'a>(&'a self, method: Method, path: &'a str) -> RequestBuilder<'a> {
        let mut url = String::with_capacity(self.shared.origin.len() + path.len() + 32);
        url.push_str(&self.shared.origin);
        if !self.handle.api_group.is_empty() {
            url.push('/');
            url.push_str(&self.handle.api_group);
            // Branch-in-URL mode: `api:<canonical>:<branch>` instead of `X-Branch`.
            if let (true, Some(branch)) = (self.shared.branch_in_url, self.branch()) {
                url.push(':');
                url.push_str(&crate::encode_path_segment(branch));
            }
        }
        let path_start = url.len();
        if !path.starts_with('/') {
            url.push('/');
        }
        url.push_str(path);
        RequestBuilder::new(
            self,
            method,
            url,
            self.shared.origin.len(),
            path_start,
            path,
        )
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The retry policy of this handle.
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        self.handle.retry.as_ref().unwrap_or(&self.shared.retry)
    }

    /// A handle at the instance root with only the shared settings, for hooks.
    pub(crate) fn root(&self) -> Client {
        Client {
            shared: Arc::clone(&self.shared),
            handle: Arc::new(Handle::default()),
        }
    }

    /// Writes the headers of one call into `headers`: the shared ones, this
    /// handle's branch, data source and headers, then the call's own header
    /// inputs (later ones win).
    pub(crate) fn write_headers(
        &self,
        headers: &mut HeaderMap,
        call: &[(String, String)],
    ) -> Result<(), Error> {
        for (name, value) in &self.shared.headers {
            headers.insert(name, value.clone());
        }
        if !self.shared.branch_in_url
            && let Some(branch) = self.branch()
        {
            let (name, value) = parse_header(X_BRANCH, branch)?;
            headers.insert(name, value);
        }
        if let Some(source) = self
            .handle
            .data_source
            .as_deref()
            .or(self.shared.data_source.as_deref())
        {
            let (name, value) = parse_header(X_DATA_SOURCE, source)?;
            headers.insert(name, value);
        }
        for (name, value) in self.handle.headers.iter().chain(call) {
            let (name, value) = parse_header(name, value)?;
            headers.insert(name, value);
        }
        Ok(())
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("origin", &self.shared.origin)
            .field("api_group", &self.handle.api_group)
            .field("branch", &self.branch())
            .field("headers", &self.shared.headers.keys().collect::<Vec<_>>())
            .field("session", &self.shared.session)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`Client`]; finish with [`ClientBuilder::build`].
#[must_use]
pub struct ClientBuilder {
    pub(crate) origin: String,
    headers: Vec<(String, String)>,
    pub(crate) branch: Option<String>,
    pub(crate) data_source: Option<String>,
    branch_in_url: bool,
    user_agent: String,
    timeout: Option<Duration>,
    max_response_size: usize,
    max_event_size: usize,
    allow_insecure_http: bool,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    before_request: Vec<BeforeRequest>,
    after_response: Vec<AfterResponse>,
    refresh: Option<RefreshHook>,
    session_file: Option<PathBuf>,
}

impl ClientBuilder {
    /// Calls a non-live branch (default: the live branch), by the `X-Branch` header
    /// or, with [`ClientBuilder::branch_in_url`], in the URL.
    pub fn branch(mut self, branch: impl Into<String>) -> Self {
        self.branch = Some(branch.into());
        self
    }

    /// Addresses the branch in the URL (`api:<canonical>:<branch>`) instead of with
    /// `X-Branch`.
    pub fn branch_in_url(mut self, yes: bool) -> Self {
        self.branch_in_url = yes;
        self
    }

    /// Sends `X-Data-Source: <name>` on every call (default: the live data source).
    pub fn data_source(mut self, data_source: impl Into<String>) -> Self {
        self.data_source = Some(data_source.into());
        self
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

    /// How long a call waits for Xano without hearing anything (default 60 s;
    /// `None` waits forever): for the connection and the response headers, then
    /// for each chunk of the body. It never bounds a whole body, so a stream that
    /// keeps sending lives as long as it sends. An idempotent call that timed out
    /// waiting for headers is retried per the [`RetryPolicy`].
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response body read into memory (default 64 MiB): a larger body
    /// fails the call with [`Error::TooLarge`] as soon as its `Content-Length` or
    /// the bytes read so far show it, so a misbehaving server cannot exhaust the
    /// client's memory. Error bodies are read only as far as their message needs
    /// (64 KiB). Streamed responses are bounded per event instead
    /// ([`ClientBuilder::max_event_size`]).
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// The largest event a streamed response may build up (default 16 MiB): an
    /// SSE event's data plus the line being read, a JSON Lines line, or a plain
    /// body streamed as one event. A larger one ends the stream with an
    /// [`Error::Stream`] item after the events before it.
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = bytes;
        self
    }

    /// Allows a plain `http://` origin that is not loopback (default: refused,
    /// because the bearer token, passwords and every input would cross the
    /// network in clear). Loopback (`localhost`, `127.0.0.1`, `[::1]`) is always
    /// allowed.
    pub fn allow_insecure_http(mut self, yes: bool) -> Self {
        self.allow_insecure_http = yes;
        self
    }

    /// Uses a preconfigured `reqwest::Client` (proxies, TLS roots, …). The
    /// builder's timeout still applies. Its redirect policy is the one you gave
    /// it: the runtime's own follows only redirects within the origin, so that
    /// headers and bodies never reach another server; consider
    /// `reqwest::redirect::Policy::none()` for yours.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Retries of 429s and connection failures (default [`RetryPolicy::default`];
    /// [`RetryPolicy::none`] turns them off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Runs `hook` on every request just before it is sent (every attempt): add a
    /// header, sign the request, count calls.
    pub fn before_request(
        mut self,
        hook: impl Fn(&mut reqwest::Request) + Send + Sync + 'static,
    ) -> Self {
        self.before_request.push(Arc::new(hook));
        self
    }

    /// Runs `hook` after every attempt, with its status and duration.
    pub fn after_response(mut self, hook: impl Fn(&ResponseInfo) + Send + Sync + 'static) -> Self {
        self.after_response.push(Arc::new(hook));
        self
    }

    /// What to do when an authenticated call answers 401 (or 403 with
    /// `ERROR_CODE_UNAUTHORIZED`): `refresh` gets a root client handle, gets a new
    /// token (Xano has no built-in refresh: call your app's endpoint, or sign in
    /// again) and puts it in `client.session()`. The call is then sent once more.
    ///
    /// Refreshes are single-flight: however many calls fail at once, `refresh` runs
    /// once and the others wait for it, then are sent again; if it fails, every
    /// call of that wave fails with the same [`Error::Refresh`] (the hook is not
    /// run again for each). Calls made inside `refresh` never trigger another
    /// refresh (keep them on the same task).
    pub fn on_unauthorized<F, Fut>(mut self, refresh: F) -> Self
    where
        F: Fn(Client) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Error>> + Send + 'static,
    {
        self.refresh = Some(Arc::new(move |client| Box::pin(refresh(client))));
        self
    }

    /// Keeps the session in `path` (JSON, owner-only permissions, written
    /// atomically after every change) and restores it on `build`, so a CLI stays
    /// signed in across runs. The file holds the token: keep it out of version
    /// control.
    pub fn session_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.session_file = Some(path.into());
        self
    }

    /// Validates the settings and builds the client (restoring the session
    /// file, when one is set).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an origin that is not an http(s) URL, plain http
    /// to a host that is not this machine (unless allowed), or a header name or
    /// value that HTTP does not allow; [`Error::Io`] or [`Error::SessionFile`]
    /// when the session file cannot be read or does not hold a session.
    pub fn build(self) -> Result<Client, Error> {
        let (origin, parsed) = parse_origin(&self.origin)?;
        if parsed.scheme() == "http" && !self.allow_insecure_http && !is_loopback(&parsed) {
            return Err(Error::Config(format!(
                "refusing plain http to `{origin}`: the token, passwords and inputs would cross \
                 the network unencrypted; use https://, or \
                 `ClientBuilder::allow_insecure_http(true)` for a trusted network"
            )));
        }
        let mut headers = HeaderMap::new();
        let (name, value) = parse_header("user-agent", &self.user_agent)?;
        headers.insert(name, value);
        for (name, value) in &self.headers {
            let (name, value) = parse_header(name, value)?;
            headers.insert(name, value);
        }
        if let Some(branch) = &self.branch {
            parse_header(X_BRANCH, branch)?;
        }
        if let Some(data_source) = &self.data_source {
            parse_header("x-data-source", data_source)?;
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                // reqwest is built without a bundled crypto provider: ours is
                // passed in, the process default left to the application.
                let tls = crate::tls::client_config(&[b"h2", b"http/1.1"])?;
                // No total timeout: the runtime bounds the wait for headers and for
                // each chunk itself, so a live stream is never cut.
                let mut builder = reqwest::Client::builder()
                    .tls_backend_preconfigured(tls)
                    .redirect(crate::transport::redirect_policy());
                if let Some(timeout) = self.timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build()?
            }
        };
        let session = Session::default();
        if let Some(path) = self.session_file {
            session.attach_file(path)?;
        }
        Ok(Client {
            shared: Arc::new(Shared {
                host: crate::transport::host_of(&parsed),
                origin,
                http,
                timeout: self.timeout,
                max_response_size: self.max_response_size,
                max_event_size: self.max_event_size,
                headers,
                branch: self.branch,
                data_source: self.data_source,
                branch_in_url: self.branch_in_url,
                session,
                retry: self.retry,
                before_request: self.before_request,
                after_response: self.after_response,
                refresher: Refresher::new(self.refresh),
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
            .field("branch", &self.branch)
            .field("data_source", &self.data_source)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("max_response_size", &self.max_response_size)
            .field("max_event_size", &self.max_event_size)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// The origin without a trailing slash, parsed. A bare host
/// (`x8ki-letl-twmt.n7.xano.io`, as `xano.toml` and the CLI take it) means https.
fn parse_origin(given: &str) -> Result<(String, reqwest::Url), Error> {
    let trimmed = given.trim().trim_end_matches('/');
    let origin = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let hint = "such as https://x8d0-doy0-xx99.n0.xano.io or a bare host (https is assumed)";
    let parsed = reqwest::Url::parse(&origin).map_err(|err| {
        Error::Config(format!(
            "origin `{given}` is not a URL ({err}): write one {hint}"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::Config(format!(
            "origin `{given}` must be an http(s) URL {hint}"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "origin `{given}` must not have a query or fragment"
        )));
    }
    Ok((origin, parsed))
}

/// Whether a URL's host is this machine: `localhost`, `*.localhost`, 127.0.0.0/8
/// or `::1`.
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        None => false,
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
        let bare = Client::builder("x8ki-letl-twmt.n7.xano.io")
            .build()
            .unwrap();
        assert_eq!(bare.origin(), "https://x8ki-letl-twmt.n7.xano.io");
        assert!(Client::builder("ftp://x.n7.xano.io").build().is_err());
        assert!(Client::builder("https://x.io/?token=1").build().is_err());
        assert!(
            Client::builder("https://x.io")
                .header("bad header", "v")
                .build()
                .is_err()
        );
        assert!(
            Client::builder("https://x.io")
                .branch("new\nline")
                .build()
                .is_err()
        );
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        let err = Client::builder("http://example.com").build().unwrap_err();
        assert!(err.to_string().contains("allow_insecure_http"), "{err}");
        for local in [
            "http://127.0.0.1:8080",
            "http://127.9.0.1",
            "http://localhost:3000",
            "http://api.localhost",
            "http://[::1]:9000",
        ] {
            Client::builder(local)
                .build()
                .unwrap_or_else(|e| panic!("{local}: {e}"));
        }
        assert!(Client::builder("http://10.0.0.1").build().is_err());
        assert!(
            Client::builder("http://localhost.example.com")
                .build()
                .is_err()
        );
        Client::builder("http://example.com")
            .allow_insecure_http(true)
            .build()
            .unwrap();
    }

    #[test]
    fn debug_hides_header_values_and_tokens() {
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

    #[test]
    fn handles_layer_branches() {
        let client = Client::builder("https://x.io")
            .branch("v2")
            .build()
            .unwrap();
        assert_eq!(client.branch(), Some("v2"));
        let dev = client.with_branch("dev");
        assert_eq!(dev.branch(), Some("dev"));
        assert_eq!(client.branch(), Some("v2"));
        assert_eq!(dev.with_api_group("/api:abc/").api_group(), "api:abc");
    }
}
