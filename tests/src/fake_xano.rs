//! A fake Xano instance on 127.0.0.1 serving the bookstore example group
//! (`examples/specs/bookstore.json`) the way docs/XANO.md says Xano behaves: bearer
//! tokens from `/auth/login`, Xano's error bodies and codes, the paging envelope,
//! JSON and multipart inputs, unknown routes answered with
//! `ERROR_CODE_NOT_FOUND`. Every request is recorded for tests to inspect.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use serde_json::{Map, Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::oneshot;

/// The API group base path the bookstore spec declares.
pub const BOOKSTORE_GROUP: &str = "/api:bookstore1";

/// A running fake Xano; stops when dropped.
///
/// It is as strict as Xano about what it reads: a request that neither Xano nor
/// the official SDK would produce (a query string a PHP-style parser would
/// misread, such as `objs[][a]=1`) is answered with a 400 and recorded as a
/// violation, and dropping the fake fails the test that let one through.
pub struct FakeXano {
    origin: String,
    state: Arc<Mutex<Shared>>,
    _stop: oneshot::Sender<()>,
}

impl Drop for FakeXano {
    fn drop(&mut self) {
        let violations = self.violations();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "the fake Xano received requests the real one would not read as meant: {violations:#?}"
            );
        }
    }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The method.
    pub method: Method,
    /// The path as sent (percent-encoding kept).
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// All headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: RecordedBody,
}

impl Recorded {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A request body as the server decoded it: the runtime fake's own reading,
/// so this server reads requests exactly as the typed fake (and Xano) does.
pub use xano_runtime::fake::{FakeBody as RecordedBody, FakePart as Part};

#[derive(Default)]
struct Shared {
    requests: Vec<Recorded>,
    violations: Vec<String>,
    scripted: VecDeque<(Method, String, Scripted)>,
    users: Vec<Value>,
    passwords: HashMap<String, String>,
    tokens: HashMap<String, i64>,
    books: Vec<Value>,
    next_id: i64,
    /// Bytes of the `slow` chat stream the server has handed to the socket.
    produced: Arc<AtomicUsize>,
}

impl FakeXano {
    /// Starts a server on an ephemeral port of 127.0.0.1, seeded with three books
    /// (one of a genre the spec does not list, one with a field the spec does not
    /// list).
    pub async fn start() -> FakeXano {
        let mut shared = Shared {
            next_id: 1,
            ..Shared::default()
        };
        for (title, genre, price, in_stock) in [
            ("Dune", "sci-fi", 9.5, true),
            ("Atomic Habits", "self_help", 14.0, true),
            ("Leaves of Grass", "poetry", 7.25, false),
        ] {
            let id = shared.id();
            let mut book = json!({"id": id, "created_at": 1_700_000_000_000_i64 + id, "title": title,
                "author_id": 1, "genre": genre, "price": price, "in_stock": in_stock,
                "tags": ["classic"], "cover": null, "metadata": {"source": "seed"}});
            if genre == "poetry" {
                book["isbn"] = json!("978-0-00-000000-0");
            }
            shared.books.push(book);
        }
        let state = Arc::new(Mutex::new(shared));
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        FakeXano {
            origin: format!("http://{addr}"),
            state,
            _stop: stop,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state).requests.clone()
    }

    /// The last request whose path ends with `suffix`.
    pub fn last(&self, suffix: &str) -> Recorded {
        self.requests()
            .into_iter()
            .rev()
            .find(|r| r.path.ends_with(suffix))
            .unwrap_or_else(|| panic!("no request to …{suffix}"))
    }

    /// Answers the next `method path` request with `status` and `body` (as JSON)
    /// instead of the normal behaviour.
    pub fn respond_once(&self, method: Method, path: &str, status: u16, body: &str) {
        self.script(method, path, Scripted::json(status, body));
    }

    /// Answers the next `scripted.times` `method path` requests as scripted.
    pub fn script(&self, method: Method, path: &str, scripted: Scripted) {
        lock(&self.state)
            .scripted
            .push_back((method, path.to_owned(), scripted));
    }

    /// Invalidates every token issued so far: the next authenticated call gets a
    /// 401, as when Xano tokens expire.
    pub fn expire_tokens(&self) {
        lock(&self.state).tokens.clear();
    }

    /// How many bytes of the `slow` chat stream the server has written so far: with
    /// back-pressure it stays near what the client has read.
    pub fn produced(&self) -> usize {
        lock(&self.state).produced.load(Ordering::SeqCst)
    }

    /// What the fake refused as something Xano would misread.
    pub fn violations(&self) -> Vec<String> {
        lock(&self.state).violations.clone()
    }

    /// Forgets the violations seen so far (for tests that send bad requests on
    /// purpose).
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut lock(&self.state).violations)
    }

    /// How many requests reached `path` (exactly).
    pub fn count(&self, path: &str) -> usize {
        lock(&self.state)
            .requests
            .iter()
            .filter(|r| r.path == path)
            .count()
    }
}

/// A canned answer for [`FakeXano::script`].
#[derive(Debug, Clone)]
pub struct Scripted {
    /// The status.
    pub status: u16,
    /// The body.
    pub body: String,
    /// The content type.
    pub content_type: String,
    /// Extra response headers (e.g. `Retry-After`).
    pub headers: Vec<(String, String)>,
    /// How many requests get this answer.
    pub times: usize,
}

impl Scripted {
    /// A JSON answer, once.
    pub fn json(status: u16, body: &str) -> Self {
        Scripted {
            status,
            body: body.to_owned(),
            content_type: "application/json".to_owned(),
            headers: Vec::new(),
            times: 1,
        }
    }

    /// Xano's 429 body, `times` times, with an optional `Retry-After`.
    pub fn rate_limited(times: usize, retry_after: Option<&str>) -> Self {
        Scripted {
            headers: retry_after
                .map(|value| vec![("retry-after".to_owned(), value.to_owned())])
                .unwrap_or_default(),
            times,
            ..Scripted::json(
                429,
                r#"{"code":"ERROR_CODE_TOO_MANY_REQUESTS","message":"Rate Limited. Too many requests."}"#,
            )
        }
    }

    fn respond(&self) -> Response {
        let mut response = (
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [(header::CONTENT_TYPE, self.content_type.clone())],
            self.body.clone(),
        )
            .into_response();
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                axum::http::HeaderName::from_bytes(name.as_bytes()),
                axum::http::HeaderValue::from_str(value),
            ) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

fn lock(state: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    fn id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }
}

/// Xano's error body: `payload` is always there, `null` when there is none.
fn xano_error(status: u16, code: &str, message: &str, payload: Option<Value>) -> Response {
    let body = json!({"code": code, "message": message, "payload": payload});
    json_response(status, &body)
}

fn json_response(status: u16, body: &Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn missing(param: &str) -> Response {
    xano_error(
        400,
        "ERROR_CODE_INPUT_ERROR",
        &format!("Missing param: {param}"),
        Some(json!({"param": param})),
    )
}

fn unauthorized() -> Response {
    xano_error(
        401,
        "ERROR_CODE_UNAUTHORIZED",
        "Unauthorized - Authentication Required",
        None,
    )
}

fn not_found() -> Response {
    xano_error(404, "ERROR_CODE_NOT_FOUND", "Not Found.", None)
}

/// The inputs of one request: query parameters, then JSON or multipart fields.
struct Inputs {
    fields: Map<String, Value>,
    files: Vec<Part>,
}

impl Inputs {
    fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name).filter(|v| !v.is_null())
    }
    fn str(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }
    fn i64(&self, name: &str) -> Option<i64> {
        self.get(name)
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
    }
    fn f64(&self, name: &str) -> Option<f64> {
        self.get(name)
            .and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()))
    }
}

async fn handle(State(state): State<Arc<Mutex<Shared>>>, request: Request) -> Response {
    let query = request.uri().query().map(str::to_owned);
    let (read, problems) = xano_runtime::fake::FakeRequest::from_http(request).await;
    let method = read.method.clone();
    let path = read.path.clone();
    let headers = read.headers.clone();
    let body = read.body.clone();
    lock(&state).requests.push(Recorded {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        headers: headers.clone(),
        body: body.clone(),
    });

    {
        let mut shared = lock(&state);
        if let Some(at) = shared
            .scripted
            .iter()
            .position(|(m, p, _)| *m == method && *p == path)
        {
            let scripted = &mut shared.scripted[at].2;
            let response = scripted.respond();
            scripted.times -= 1;
            if scripted.times == 0 {
                shared.scripted.remove(at);
            }
            return response;
        }
    }

    let Some(route) = path.strip_prefix(BOOKSTORE_GROUP) else {
        return xano_error(
            404,
            "ERROR_CODE_NOT_FOUND",
            "Unable to locate request.",
            None,
        );
    };
    // A branch may be addressed in the URL: `api:<canonical>:<branch>/…`.
    let route = match route.strip_prefix(':') {
        Some(branched) => branched.find('/').map_or("", |at| &branched[at..]),
        None => route,
    };
    if let Some(violation) = problems.first() {
        lock(&state)
            .violations
            .push(format!("{method} {path}: {violation}"));
        return xano_error(400, "ERROR_CODE_INPUT_ERROR", violation, None);
    }
    let inputs = inputs(&read);
    let user = bearer(&headers).and_then(|token| lock(&state).tokens.get(&token).copied());
    let segments: Vec<&str> = route.trim_start_matches('/').split('/').collect();
    let mut shared = lock(&state);
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["auth", "signup"]) => signup(&mut shared, &inputs),
        ("POST", ["auth", "login"]) => login(&mut shared, &inputs),
        ("GET", ["auth", "me"]) => match user {
            Some(id) => json_response(200, &shared.users[(id - 1) as usize]),
            None => unauthorized(),
        },
        ("GET", ["books"]) => list_books(&shared, &inputs),
        ("POST", ["books"]) if user.is_none() => unauthorized(),
        ("POST", ["books"]) => create_book(&mut shared, &inputs),
        ("GET", ["books", "count"]) => {
            let count = shared
                .books
                .iter()
                .filter(|b| b["in_stock"] == json!(true))
                .count();
            json_response(200, &json!(count))
        }
        ("GET", ["books", id]) => match find_book(&shared, id) {
            Some(index) => json_response(200, &shared.books[index]),
            None => not_found(),
        },
        (_, ["books", ..]) if user.is_none() => unauthorized(),
        ("PATCH", ["books", id]) => match find_book(&shared, id) {
            Some(index) => {
                for key in ["title", "price", "in_stock"] {
                    if let Some(value) = inputs.get(key) {
                        shared.books[index][key] = value.clone();
                    }
                }
                json_response(200, &shared.books[index])
            }
            None => not_found(),
        },
        ("DELETE", ["books", id]) => match (find_book(&shared, id), inputs.str("reason")) {
            (_, None) => missing("reason"),
            (Some(index), Some(_)) => {
                shared.books.remove(index);
                json_response(200, &json!({}))
            }
            (None, Some(_)) => not_found(),
        },
        ("POST", ["books", id, "cover"]) => match (find_book(&shared, id), inputs.files.first()) {
            (_, None) => missing("image"),
            (None, _) => not_found(),
            (Some(index), Some(file)) => {
                let name = file.file_name.clone().unwrap_or_default();
                shared.books[index]["cover"] = json!({"access": "public", "path": format!("/vault/{name}"),
                    "name": name, "type": "image", "size": file.bytes.len(),
                    "mime": file.content_type, "meta": {"caption": inputs.str("caption")},
                    "url": format!("https://cdn.example/{name}")});
                json_response(200, &shared.books[index])
            }
        },
        ("GET", ["authors", _slug, "books", ""]) => {
            json_response(200, &Value::Array(shared.books.clone()))
        }
        ("GET", ["search-books" | "search_books"]) => match inputs.str("q") {
            None => missing("q"),
            Some(q) => {
                let tags: Vec<Value> = match inputs.get("tags") {
                    Some(Value::Array(tags)) => tags.clone(),
                    _ => Vec::new(),
                };
                let found: Vec<Value> = shared
                    .books
                    .iter()
                    .filter(|b| b["title"].as_str().is_some_and(|t| t.contains(&q)))
                    .filter(|b| {
                        tags.iter()
                            .all(|t| b["tags"].as_array().is_some_and(|bt| bt.contains(t)))
                    })
                    .cloned()
                    .collect();
                json_response(200, &Value::Array(found))
            }
        },
        ("POST", ["chat"]) if user.is_none() => unauthorized(),
        ("POST", ["chat"]) => chat(&shared, &inputs),
        ("POST", ["orders"]) if user.is_none() => unauthorized(),
        ("POST", ["orders"]) => place_order(&mut shared, &inputs),
        _ => xano_error(
            404,
            "ERROR_CODE_NOT_FOUND",
            "Unable to locate request.",
            None,
        ),
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::to_owned)
}

fn find_book(shared: &Shared, id: &str) -> Option<usize> {
    let id: i64 = id.parse().ok()?;
    shared.books.iter().position(|b| b["id"] == json!(id))
}

fn signup(shared: &mut Shared, inputs: &Inputs) -> Response {
    let (Some(name), Some(email), Some(password)) = (
        inputs.str("name"),
        inputs.str("email"),
        inputs.str("password"),
    ) else {
        let absent = ["name", "email", "password"]
            .into_iter()
            .find(|k| inputs.get(k).is_none());
        return missing(absent.unwrap_or("email"));
    };
    if shared.passwords.contains_key(&email) {
        return xano_error(
            403,
            "ERROR_CODE_ACCESS_DENIED",
            "This account is already in use.",
            None,
        );
    }
    let id = shared.users.len() as i64 + 1;
    shared.users.push(json!({"id": id, "created_at": 1_700_000_000_000_i64, "name": name, "email": email, "role": "reader"}));
    shared.passwords.insert(email, password);
    issue_token(shared, id)
}

fn login(shared: &mut Shared, inputs: &Inputs) -> Response {
    let (Some(email), Some(password)) = (inputs.str("email"), inputs.str("password")) else {
        return missing("email");
    };
    if shared.passwords.get(&email) != Some(&password) {
        return xano_error(
            403,
            "ERROR_CODE_ACCESS_DENIED",
            "Invalid Credentials.",
            None,
        );
    }
    let id = shared
        .users
        .iter()
        .find(|u| u["email"] == json!(email))
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_default();
    issue_token(shared, id)
}

fn issue_token(shared: &mut Shared, user: i64) -> Response {
    let serial = shared.id();
    let token = format!("eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBM-{user}-{serial}");
    shared.tokens.insert(token.clone(), user);
    json_response(200, &json!({"authToken": token}))
}

fn list_books(shared: &Shared, inputs: &Inputs) -> Response {
    let page = inputs.i64("page").unwrap_or(1).max(1);
    let per_page = inputs.i64("per_page").unwrap_or(20).max(1);
    let genre = inputs.str("genre").filter(|g| !g.is_empty());
    let search = inputs.str("search").unwrap_or_default();
    let matching: Vec<&Value> = shared
        .books
        .iter()
        .filter(|b| genre.as_ref().is_none_or(|g| b["genre"] == json!(g)))
        .filter(|b| b["title"].as_str().is_some_and(|t| t.contains(&search)))
        .collect();
    let total = matching.len() as i64;
    let offset = (page - 1) * per_page;
    let items: Vec<Value> = matching
        .into_iter()
        .skip(offset as usize)
        .take(per_page as usize)
        .cloned()
        .collect();
    let page_total = (total + per_page - 1) / per_page;
    json_response(
        200,
        &json!({"itemsReceived": items.len(), "curPage": page,
            "nextPage": if page < page_total { json!(page + 1) } else { Value::Null },
            "prevPage": if page > 1 { json!(page - 1) } else { Value::Null },
            "offset": offset, "perPage": per_page, "itemsTotal": total, "pageTotal": page_total,
            "items": items}),
    )
}

fn create_book(shared: &mut Shared, inputs: &Inputs) -> Response {
    for required in ["title", "author_id", "price"] {
        if inputs.get(required).is_none() {
            return missing(required);
        }
    }
    let id = shared.id();
    let book = json!({"id": id, "created_at": 1_800_000_000_000_i64, "title": inputs.str("title"),
        "author_id": inputs.i64("author_id"), "genre": inputs.get("genre"), "price": inputs.f64("price"),
        "in_stock": inputs.get("in_stock").cloned().unwrap_or(json!(false)),
        "tags": inputs.get("tags").cloned().unwrap_or(json!([])), "cover": null,
        "metadata": inputs.get("metadata").cloned().unwrap_or(json!({}))});
    shared.books.push(book.clone());
    json_response(200, &book)
}

fn place_order(shared: &mut Shared, inputs: &Inputs) -> Response {
    let Some(Value::Array(items)) = inputs.get("items") else {
        return missing("items");
    };
    let Some(kind) = inputs.str("type") else {
        return missing("type");
    };
    let mut total = 0.0;
    let mut lines = Vec::new();
    for item in items {
        let Some(book_id) = item["book_id"].as_i64() else {
            return missing("items.book_id");
        };
        let quantity = item["quantity"].as_i64().unwrap_or(1);
        let Some(index) = find_book(shared, &book_id.to_string()) else {
            return not_found();
        };
        total += shared.books[index]["price"].as_f64().unwrap_or_default() * quantity as f64;
        lines.push(json!({"book_id": book_id, "quantity": quantity}));
    }
    let id = shared.id();
    json_response(
        200,
        &json!({"id": id, "created_at": 1_800_000_000_000_i64, "status": "pending",
            "total": total, "type": kind, "items": lines}),
    )
}

/// The inputs a function stack sees (query, then body fields), with the files
/// of a multipart body apart. Xano also reads JSON-looking text fields of a
/// multipart body as JSON (objects sent as JSON text).
fn inputs(read: &xano_runtime::fake::FakeRequest) -> Inputs {
    let mut fields = read.query.clone();
    let mut files = Vec::new();
    match &read.body {
        RecordedBody::Json(Value::Object(map)) => fields.extend(map.clone()),
        RecordedBody::Form(map) => fields.extend(map.clone()),
        RecordedBody::Multipart(parts) => {
            for part in parts {
                if part.file_name.is_some() {
                    files.push(part.clone());
                } else {
                    let text = String::from_utf8_lossy(&part.bytes).into_owned();
                    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
                    fields.insert(part.name.clone(), value);
                }
            }
        }
        _ => {}
    }
    Inputs { fields, files }
}

/// `POST /chat`: the answer as SSE (`format` `sse`, sent in 7-byte chunks so events
/// split at awkward places, `\r\n` and UTF-8 included), JSON Lines, plain JSON, an
/// SSE stream cut off mid-event (`cut`), or a fast producer of `count` 1 KiB events
/// (`slow`, for back-pressure).
fn chat(shared: &Shared, inputs: &Inputs) -> Response {
    let Some(message) = inputs.str("message") else {
        return missing("message");
    };
    let count = inputs.i64("count").unwrap_or(3).max(0) as usize;
    let words: Vec<String> = (0..count)
        .map(|i| format!("{message} — réponse {i}"))
        .collect();
    match inputs.str("format").as_deref().unwrap_or("sse") {
        "json" => json_response(200, &json!({"reply": words.join(" ")})),
        "jsonl" => {
            let body: String = words
                .iter()
                .map(|w| format!("{}\n", json!({"text": w})))
                .collect();
            stream_response("application/x-ndjson", chunked(body.into_bytes(), 5), None)
        }
        "cut" => {
            let body = format!(
                "event: delta\r\ndata: {}\r\n\r\ndata: {{\"text\": \"half",
                json!({"text": words.first()})
            );
            stream_response(
                "text/event-stream",
                chunked(body.into_bytes(), 7),
                Some("connection reset"),
            )
        }
        "slow" => {
            let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
            let produced = Arc::clone(&shared.produced);
            tokio::spawn(async move {
                let event = Bytes::from(format!("data: {}\n\n", "x".repeat(1018)));
                for _ in 0..count {
                    if sender.send(Ok(event.clone())).await.is_err() {
                        return; // the client went away
                    }
                    produced.fetch_add(event.len(), Ordering::SeqCst);
                }
            });
            let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
                receiver.recv().await.map(|item| (item, receiver))
            });
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/event-stream")],
                Body::from_stream(body),
            )
                .into_response()
        }
        _ => {
            let mut body = String::from(": stream starts\r\n");
            for (i, word) in words.iter().enumerate() {
                body.push_str(&format!(
                    "event: delta\r\nid: {i}\r\ndata: {}\r\n\r\n",
                    json!({"text": word})
                ));
            }
            body.push_str(&format!(
                "event: done\ndata: {}\n\n",
                json!({"reply": words.join(" ")})
            ));
            stream_response("text/event-stream", chunked(body.into_bytes(), 7), None)
        }
    }
}

fn chunked(bytes: Vec<u8>, size: usize) -> Vec<Bytes> {
    bytes.chunks(size).map(Bytes::copy_from_slice).collect()
}

/// A body sent chunk by chunk with a pause between chunks; `abort` ends it with an
/// I/O error, which cuts the connection mid-body.
fn stream_response(
    content_type: &'static str,
    chunks: Vec<Bytes>,
    abort: Option<&'static str>,
) -> Response {
    let items = chunks
        .into_iter()
        .map(Ok)
        .chain(abort.map(|reason| Err(std::io::Error::other(reason))));
    let body = futures_util::stream::iter(items).then(|item| async move {
        tokio::time::sleep(Duration::from_millis(1)).await;
        item
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type)],
        Body::from_stream(body),
    )
        .into_response()
}
