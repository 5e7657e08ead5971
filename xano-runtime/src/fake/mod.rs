//! A fake Xano API group for your own tests (feature `fake`): a real HTTP
//! server on 127.0.0.1 that answers the way Xano does, with handlers you give.
//!
//! You rarely use this module directly: generate with `fake = true` (CLI
//! `--fake`) and each group gets a typed `fake` module whose `Server` registers
//! typed handlers (`fake.get_books(|input| Ok(page))`) and returns typed
//! recorded calls. Underneath, [`FakeServer`]:
//!
//! - serves the group's base path (`/api:<group>`, also with a `:branch` suffix),
//!   matching the spec's path templates (literal segments before parameters);
//! - answers a protected endpoint called without a bearer token with Xano's 401
//!   (and only the token given to [`FakeServer::require_token`], when set);
//! - reads query strings as Xano's PHP-style parser does (`a[]=x`, `o[k]=v`),
//!   JSON, form and multipart bodies (files included);
//! - answers every error in Xano's body shape ([`XanoError`]), 429 with
//!   `Retry-After` on demand ([`FakeServer::rate_limit_next`]);
//! - records every request ([`FakeRequest`]: headers such as `X-Branch` and
//!   `X-Data-Source`, inputs, body);
//! - answers an endpoint without a handler with Xano's 404 and, when dropped,
//!   fails the test listing each such call and the method that registers a
//!   handler for it (unless [`FakeServer::allow_unhandled`]); it fails it too for
//!   a request Xano would misread or a handler that panicked.

mod lenient;
mod reply;
mod request;
mod wire;

pub use reply::{Reply, XanoError};
pub use request::{FakeBody, FakePart, FakeRequest};
pub use wire::parse_query;

use crate::{Client, Error, Method};
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::oneshot;

/// The largest request body the fake reads (64 MiB).
const MAX_BODY: usize = 64 << 20;

/// One endpoint of an API group, as a generated `fake` module declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The method, e.g. `"GET"`.
    pub method: &'static str,
    /// The path template, e.g. `"/books/{book_id}"`.
    pub path: &'static str,
    /// Whether the spec requires a bearer token.
    pub auth: bool,
    /// The `Server` method that registers its handler, for messages.
    pub register_with: &'static str,
}

impl Route {
    /// An endpoint: method, path template, whether it needs a bearer token, and
    /// the generated method that registers its handler.
    pub const fn new(
        method: &'static str,
        path: &'static str,
        auth: bool,
        register_with: &'static str,
    ) -> Route {
        Route {
            method,
            path,
            auth,
            register_with,
        }
    }
}

/// A typed handler of a generated `fake` module: the endpoint's arguments in
/// (path parameters, then the input; a tuple when there are several), its
/// output or a Xano error out.
pub trait Handler<Args, Output>:
    Fn(Args) -> Result<Output, XanoError> + Send + Sync + 'static
{
}

impl<Args, Output, F> Handler<Args, Output> for F where
    F: Fn(Args) -> Result<Output, XanoError> + Send + Sync + 'static
{
}

/// Reads an endpoint's arguments back from a request (generated per endpoint).
pub type ReadArgs<Args> = fn(&FakeRequest) -> Result<Args, XanoError>;

/// One recorded call of an endpoint, read back into its arguments.
#[derive(Debug, Clone)]
pub struct FakeCall<Args> {
    /// The arguments, as the generated client function took them.
    pub args: Args,
    /// The request itself: headers (`X-Branch`, `X-Data-Source`, the bearer),
    /// query and body as sent.
    pub request: FakeRequest,
}

/// Path parameters by name, percent-decoded, in path order.
type PathParams = Vec<(String, String)>;

/// What the server keeps per endpoint: the request in, a reply or a Xano error out.
type RawHandler = Arc<dyn Fn(&FakeRequest) -> Result<Reply, XanoError> + Send + Sync>;

/// A running fake API group on 127.0.0.1; it stops when dropped.
pub struct FakeServer {
    origin: String,
    shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("origin", &self.origin)
            .field("api_group", &self.shared.api_group)
            .field("routes", &self.shared.routes.len())
            .finish_non_exhaustive()
    }
}

struct Shared {
    api_group: String,
    routes: Vec<Route>,
    state: Mutex<Records>,
}

#[derive(Default)]
struct Records {
    handlers: HashMap<usize, RawHandler>,
    requests: Vec<FakeRequest>,
    unhandled: Vec<String>,
    violations: Vec<String>,
    rate_limited: usize,
    retry_after: Option<u64>,
    token: Option<String>,
    allow_unhandled: bool,
}

impl FakeServer {
    /// Starts serving `routes` under `api_group` (e.g. `api:bookstore1`) on an
    /// ephemeral port of 127.0.0.1.
    ///
    /// # Panics
    /// When 127.0.0.1 cannot be bound (a test cannot go on without it).
    pub async fn start(api_group: &str, routes: &[Route]) -> FakeServer {
        let shared = Arc::new(Shared {
            api_group: format!("/{}", api_group.trim_matches('/')),
            routes: routes.to_vec(),
            state: Mutex::new(Records::default()),
        });
        let app = Router::new()
            .fallback(serve)
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|err| panic!("the fake Xano cannot bind 127.0.0.1: {err}"));
        let origin = match listener.local_addr() {
            Ok(addr) => format!("http://{addr}"),
            Err(err) => panic!("the fake Xano has no local address: {err}"),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        FakeServer {
            origin,
            shared,
            _stop: stop,
        }
    }

    /// `http://127.0.0.1:<port>`: the origin to build a client for.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// A client for this fake with default settings.
    pub fn client(&self) -> Result<Client, Error> {
        Client::builder(self.origin.clone()).build()
    }

    /// Answers `method path` (a path template of the group, as the spec writes
    /// it) with `handler`, replacing any earlier handler.
    ///
    /// # Panics
    /// When the group has no such endpoint (the typed `fake` modules only
    /// register endpoints that exist).
    pub fn handle(
        &self,
        method: &str,
        path: &str,
        handler: impl Fn(&FakeRequest) -> Result<Reply, XanoError> + Send + Sync + 'static,
    ) -> &Self {
        let Some(index) = self
            .shared
            .routes
            .iter()
            .position(|route| route.method.eq_ignore_ascii_case(method) && route.path == path)
        else {
            panic!(
                "the fake `{}` has no endpoint `{method} {path}`",
                self.shared.api_group
            );
        };
        self.state().handlers.insert(index, Arc::new(handler));
        self
    }

    /// Answers `method path` with a typed `handler`: `read` turns the request
    /// into its arguments, the output is sent as JSON. (What the generated
    /// registration methods call.)
    pub fn answer<Args, Output>(
        &self,
        method: &str,
        path: &str,
        read: ReadArgs<Args>,
        handler: impl Handler<Args, Output>,
    ) -> &Self
    where
        Args: 'static,
        Output: serde::Serialize + 'static,
    {
        self.handle(method, path, move |request| {
            Ok(Reply::json(&handler(read(request)?)?))
        })
    }

    /// Answers `method path` with the [`Reply`] a typed `handler` builds (for
    /// streaming endpoints: [`Reply::sse`], [`Reply::json_lines`]).
    pub fn answer_with<Args: 'static>(
        &self,
        method: &str,
        path: &str,
        read: ReadArgs<Args>,
        handler: impl Handler<Args, Reply>,
    ) -> &Self {
        self.handle(method, path, move |request| handler(read(request)?))
    }

    /// The calls to `method path` so far, read back into their arguments;
    /// a call whose inputs could not be read (it was answered 400) is left out.
    pub fn calls<Args>(
        &self,
        method: &str,
        path: &str,
        read: ReadArgs<Args>,
    ) -> Vec<FakeCall<Args>> {
        self.requests_to(method, path)
            .into_iter()
            .filter_map(|request| {
                let args = read(&request).ok()?;
                Some(FakeCall { args, request })
            })
            .collect()
    }

    /// Accepts only `token` as the bearer on protected endpoints (by default any
    /// bearer is accepted: the fake does not issue tokens).
    pub fn require_token(&self, token: &str) -> &Self {
        self.state().token = Some(token.to_owned());
        self
    }

    /// Answers the next `count` requests, whatever they are, with Xano's 429,
    /// with `Retry-After: <seconds>` when given.
    pub fn rate_limit_next(&self, count: usize, retry_after_seconds: Option<u64>) -> &Self {
        let mut state = self.state();
        state.rate_limited = count;
        state.retry_after = retry_after_seconds;
        self
    }

    /// Lets the test end with calls no handler answered (each got a 404), when
    /// those 404s are what it tests.
    pub fn allow_unhandled(&self) -> &Self {
        self.state().allow_unhandled = true;
        self
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<FakeRequest> {
        self.state().requests.clone()
    }

    /// The requests to the endpoint `method path` (its path template).
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<FakeRequest> {
        self.state()
            .requests
            .iter()
            .filter(|r| r.method.as_str().eq_ignore_ascii_case(method) && r.route == Some(path))
            .cloned()
            .collect()
    }

    /// The calls no handler answered, one line each.
    pub fn unhandled(&self) -> Vec<String> {
        self.state().unhandled.clone()
    }

    /// What the fake found wrong in requests or handlers: a query string or
    /// body Xano would misread, an input the endpoint's type cannot hold, a
    /// handler that panicked.
    pub fn violations(&self) -> Vec<String> {
        self.state().violations.clone()
    }

    fn state(&self) -> MutexGuard<'_, Records> {
        self.shared.lock()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let state = self.shared.lock();
        let mut report = String::new();
        if !state.unhandled.is_empty() && !state.allow_unhandled {
            report.push_str(&format!(
                "the fake `{}` answered 404 to calls it had no handler for:\n",
                self.shared.api_group
            ));
            for line in &state.unhandled {
                report.push_str(&format!("  {line}\n"));
            }
            report.push_str("(call `allow_unhandled()` if those 404s are what the test expects)\n");
        }
        if !state.violations.is_empty() {
            report.push_str(&format!(
                "the fake `{}` got requests the real Xano would not read as meant, or a handler failed:\n",
                self.shared.api_group
            ));
            for line in &state.violations {
                report.push_str(&format!("  {line}\n"));
            }
        }
        drop(state);
        if !report.is_empty() {
            panic!("{report}");
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Records> {
        // A handler that panicked is caught before it can poison the lock; a
        // poisoned lock still holds the records, so read them anyway.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The endpoint a path addresses: its index and path parameters. Literal
    /// segments win over parameters (`/books/count` before `/books/{id}`).
    fn route(&self, method: &Method, path: &str) -> Option<(usize, PathParams)> {
        let rest = path.strip_prefix(&self.api_group)?;
        // A branch may be addressed in the URL: `/api:<group>:<branch>/…`.
        let rest = match rest.strip_prefix(':') {
            Some(branched) => &branched[branched.find('/')?..],
            None => rest,
        };
        if !rest.starts_with('/') {
            return None;
        }
        let segments: Vec<&str> = rest.split('/').skip(1).collect();
        // (route, literal segments, parameters) of the best match so far.
        let mut best: Option<(usize, usize, PathParams)> = None;
        for (index, route) in self.routes.iter().enumerate() {
            if !route.method.eq_ignore_ascii_case(method.as_str()) {
                continue;
            }
            let template: Vec<&str> = route.path.split('/').skip(1).collect();
            if template.len() != segments.len() {
                continue;
            }
            let mut literals = 0;
            let mut params = Vec::new();
            let matched = template.iter().zip(&segments).all(|(want, got)| {
                match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    Some(name) if !got.is_empty() => {
                        params.push((name.to_owned(), wire::percent_decode_path(got)));
                        true
                    }
                    Some(_) => false,
                    None => {
                        literals += 1;
                        want == got || *want == wire::percent_decode_path(got)
                    }
                }
            });
            if matched && best.as_ref().is_none_or(|(_, most, _)| literals > *most) {
                best = Some((index, literals, params));
            }
        }
        best.map(|(index, _, params)| (index, params))
    }
}

/// The one handler of the fake's router: every request comes through here.
async fn serve(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    request: Request,
) -> Response {
    let (mut recorded, problems) = FakeRequest::from_http(request).await;
    let call = format!("{} {}", recorded.method, recorded.path);

    let mut state = shared.lock();
    if state.rate_limited > 0 {
        state.rate_limited -= 1;
        let retry_after = state.retry_after;
        state.requests.push(recorded);
        return respond(XanoError::too_many_requests(retry_after).into_reply());
    }
    let route = shared.route(&recorded.method, &recorded.path);
    if let Some((index, params)) = &route {
        recorded.route = Some(shared.routes[*index].path);
        recorded.path_params = params.clone();
    }
    state.requests.push(recorded.clone());
    if !problems.is_empty() {
        for problem in &problems {
            state.violations.push(format!("{call}: {problem}"));
        }
        return respond(XanoError::input(problems.join("; ")).into_reply());
    }
    let Some((index, _)) = route else {
        state.unhandled.push(format!(
            "{call}: not an endpoint of the API group `{}`",
            shared.api_group
        ));
        return respond(XanoError::not_found("Unable to locate request.").into_reply());
    };
    let endpoint = shared.routes[index];
    if endpoint.auth {
        let authorized = match (recorded.bearer(), &state.token) {
            (None, _) => false,
            (Some(sent), Some(required)) => sent == required,
            (Some(sent), None) => !sent.is_empty(),
        };
        if !authorized {
            return respond(XanoError::unauthorized().into_reply());
        }
    }
    let Some(handler) = state.handlers.get(&index).cloned() else {
        state.unhandled.push(format!(
            "{call}: no handler for `{} {}`; register one with `Server::{}`",
            endpoint.method, endpoint.path, endpoint.register_with
        ));
        return respond(XanoError::not_found("Unable to locate request.").into_reply());
    };
    drop(state);

    let answer = std::panic::catch_unwind(AssertUnwindSafe(|| handler(&recorded)));
    let reply = match answer {
        Ok(Ok(reply)) => reply,
        Ok(Err(error)) => {
            if let Some(violation) = error.violation() {
                shared
                    .lock()
                    .violations
                    .push(format!("{call}: {violation}"));
            }
            error.into_reply()
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("a panic without a message");
            shared
                .lock()
                .violations
                .push(format!("{call}: the handler panicked: {message}"));
            XanoError::fatal(format!("the fake's handler panicked: {message}")).into_reply()
        }
    };
    respond(reply)
}

fn respond(reply: Reply) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(content_type) = reply.content_type
        && let Ok(value) = HeaderValue::from_str(&content_type)
    {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    for (name, value) in reply.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// Decodes a body by its `Content-Type`; an error is a body Xano would refuse
/// or misread.
async fn read_body(request: Request) -> Result<FakeBody, String> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "multipart/form-data" {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|err| format!("multipart body: {err}"))?;
        let mut parts = Vec::new();
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|err| format!("multipart body: {err}"))?
        {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(str::to_owned);
            let bytes = field
                .bytes()
                .await
                .map_err(|err| format!("multipart part `{name}`: {err}"))?;
            parts.push(FakePart {
                name,
                file_name,
                content_type,
                bytes,
            });
        }
        return Ok(FakeBody::Multipart(parts));
    }
    let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY)
        .await
        .map_err(|err| format!("body: {err}"))?;
    if bytes.is_empty() {
        return Ok(FakeBody::Empty);
    }
    match essence.as_str() {
        "application/json" => serde_json::from_slice(&bytes)
            .map(FakeBody::Json)
            .map_err(|err| format!("a JSON body that does not parse: {err}")),
        "application/x-www-form-urlencoded" => std::str::from_utf8(&bytes)
            .map_err(|_| "a form body that is not UTF-8".to_owned())
            .and_then(parse_query)
            .map(FakeBody::Form),
        "" => Err("a body without a Content-Type".to_owned()),
        _ => Ok(FakeBody::Other {
            content_type,
            bytes,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(routes: &[Route]) -> Shared {
        Shared {
            api_group: "/api:g".to_owned(),
            routes: routes.to_vec(),
            state: Mutex::new(Records::default()),
        }
    }

    #[test]
    fn literal_segments_win_and_parameters_are_decoded() {
        let shared = shared(&[
            Route::new("GET", "/books/{id}", false, "get_book"),
            Route::new("GET", "/books/count", false, "count"),
            Route::new("GET", "/a/{x}/b/", false, "trailing"),
        ]);
        let get = Method::GET;
        assert_eq!(shared.route(&get, "/api:g/books/count").unwrap().0, 1);
        let (index, params) = shared.route(&get, "/api:g/books/a%2Fb").unwrap();
        assert_eq!(
            (index, params),
            (0, vec![("id".to_owned(), "a/b".to_owned())])
        );
        // A branch in the URL, a trailing slash kept, the wrong method or group.
        assert_eq!(shared.route(&get, "/api:g:v2/books/count").unwrap().0, 1);
        assert_eq!(shared.route(&get, "/api:g/a/1/b/").unwrap().0, 2);
        assert!(shared.route(&get, "/api:g/a/1/b").is_none());
        assert!(shared.route(&get, "/api:g/books/").is_none());
        assert!(shared.route(&Method::POST, "/api:g/books/count").is_none());
        assert!(shared.route(&get, "/api:other/books/count").is_none());
        assert!(shared.route(&get, "/api:gx/books/count").is_none());
    }
}
