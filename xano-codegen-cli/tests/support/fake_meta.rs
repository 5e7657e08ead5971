//! A fake Xano Metadata API on 127.0.0.1: two instances (one lists workspaces as a
//! bare array, the other as a paged object), API groups over two pages, branches,
//! per-group specs, the public `apispec:` URLs, and the faults docs/XANO.md describes
//! (429 with Retry-After, a 500, a truncated body, Swagger off, private docs).
//!
//! Judged by Xano's published Metadata API spec (`meta_reference`): a request the
//! spec does not declare, or an answer that does not match its schema, is a
//! violation that fails the test when the fake is dropped.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const TOKEN: &str = "meta-token-7f3a9c";
/// The account's legacy Developer API key.
pub const DEV_KEY: &str = "dev-key-51c0ffee";
/// The secret in each instance's `tokenUrl` query, and the instance tokens it gives.
pub const TOKEN_URL_SECRET: &str = "tokurl-secret-9a7";
pub const INSTANCE_TOKEN: &str = "inst-token-4e2d";
pub const SWAGGER_TOKEN: &str = "swag-1";

pub struct FakeMeta {
    pub origin_a: String,
    pub origin_b: String,
    state: Arc<Mutex<MetaState>>,
    _stop: Vec<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for FakeMeta {
    fn drop(&mut self) {
        let violations = self.state.lock().unwrap().violations.clone();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "the Meta API client or the fake left Xano's published Meta API: {violations:#?}"
            );
        }
    }
}

#[derive(Default)]
struct MetaState {
    origin_a: String,
    origin_b: String,
    requests: Vec<String>,
    /// Per group canonical: a revision bumped to change its spec.
    revisions: HashMap<String, u32>,
    truncate_admin: bool,
    failed_page_two_once: bool,
    rate_limited: HashMap<u64, bool>,
    /// Whether the fourth group, `Broken`, exists.
    broken_listed: bool,
    /// Whether Xano cannot build its spec (500).
    broken: bool,
    /// Its endpoints whose own specs fail too (by path).
    broken_endpoints: Vec<&'static str>,
    reference: Option<Arc<super::meta_reference::MetaReference>>,
    violations: Vec<String>,
}

impl MetaState {
    /// A 200 JSON answer to `GET /api:meta/<route>`, checked against the
    /// published response schema.
    fn answer(&mut self, route: &str, body: Value) -> Response {
        if let Some(reference) = &self.reference
            && let Err(violation) = reference.check_response(route, &body)
        {
            self.violations.push(violation);
        }
        json_response(200, body)
    }
}

const GROUPS: [(u64, &str, &str); 3] = [
    (10, "Authentication", "auth1"),
    (11, "Books", "bookstore1"),
    (12, "Admin", "admin1"),
];

/// The group added by [`FakeMeta::break_a_group`].
const BROKEN: (u64, &str, &str) = (13, "Broken", "broken1");

/// The endpoints of the bookstore spec as the group's API list gives them:
/// `(id, name, verb)`, the name being the path without its leading `/`.
fn bookstore_apis() -> Vec<(u64, String, String)> {
    let spec = spec("x", "x", "http://x", 0, None);
    let mut apis = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let id = 1000 + apis.len() as u64;
            apis.push((
                id,
                path.trim_start_matches('/').to_owned(),
                method.to_uppercase(),
            ));
        }
    }
    apis
}

/// The bookstore spec with only `path` and `method`: one endpoint's own spec.
fn endpoint_spec(origin: &str, name: &str, verb: &str) -> Value {
    let mut spec = spec(BROKEN.1, BROKEN.2, origin, 0, None);
    let path = format!("/{name}");
    let item = spec["paths"][&path].clone();
    let mut only = serde_json::Map::new();
    only.insert(verb.to_lowercase(), item[verb.to_lowercase()].clone());
    for (key, value) in item.as_object().unwrap() {
        if !["get", "post", "put", "patch", "delete"].contains(&key.as_str()) {
            only.insert(key.clone(), value.clone());
        }
    }
    spec["paths"] = json!({ path: only });
    spec
}

/// Every group in one document, as a workspace's combined spec: paths under
/// `/api:<canonical>`, the instance origin as server, a tag per group.
fn combined_spec(origin: &str, revisions: &HashMap<String, u32>) -> Value {
    let mut paths = serde_json::Map::new();
    let mut tags = Vec::new();
    for (_, name, canonical) in GROUPS {
        let revision = revisions.get(canonical).copied().unwrap_or(0);
        let group = spec(name, canonical, origin, revision, None);
        tags.push(json!({"name": name, "description": group["info"]["description"]}));
        for (path, item) in group["paths"].as_object().unwrap() {
            let mut item = item.clone();
            for (_, operation) in item.as_object_mut().unwrap() {
                if let Some(operation) = operation.as_object_mut() {
                    operation.insert("tags".into(), json!([name]));
                }
            }
            paths.insert(format!("/api:{canonical}{path}"), item);
        }
    }
    json!({"openapi": "3.0.0", "info": {"title": "Bookstore", "version": "0.0.1"},
           "servers": [{"url": origin}], "tags": tags, "paths": paths,
           "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}}})
}

/// A branch's copies of the groups have ids of their own (the live ids plus this).
const DEV_BRANCH_IDS: u64 = 100;

impl FakeMeta {
    pub async fn start() -> FakeMeta {
        let state = Arc::new(Mutex::new(MetaState {
            reference: super::meta_reference::MetaReference::load().map(Arc::new),
            ..MetaState::default()
        }));
        let listener_a = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let listener_b = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin_a = format!("http://{}", listener_a.local_addr().unwrap());
        let origin_b = format!("http://{}", listener_b.local_addr().unwrap());
        {
            let mut s = state.lock().unwrap();
            s.origin_a = origin_a.clone();
            s.origin_b = origin_b.clone();
        }
        let mut stops = Vec::new();
        for (listener, is_b) in [(listener_a, false), (listener_b, true)] {
            let app = Router::new()
                .fallback(move |state, request| handle(state, request, is_b))
                .with_state(Arc::clone(&state));
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            tokio::spawn(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
            stops.push(stop);
        }
        FakeMeta {
            origin_a,
            origin_b,
            state,
            _stop: stops,
        }
    }

    /// Changes the spec of one group (as an edit in Xano would).
    pub fn bump(&self, canonical: &str) {
        *self
            .state
            .lock()
            .unwrap()
            .revisions
            .entry(canonical.to_owned())
            .or_default() += 1;
    }

    /// Makes the Admin group's spec come back cut off.
    pub fn truncate_admin(&self, yes: bool) {
        self.state.lock().unwrap().truncate_admin = yes;
    }

    /// Adds the `Broken` group: its spec answers 500 (one bad input breaks a
    /// group's Swagger in Xano); of its endpoints, `GET /books/count` answers
    /// 500 too and `GET /search-books` has a `$ref` to nothing.
    pub fn break_a_group(&self) {
        let mut state = self.state.lock().unwrap();
        state.broken_listed = true;
        state.broken = true;
        state.broken_endpoints = vec!["books/count", "search-books"];
    }

    /// The broken group's spec is fixed in Xano: it answers whole.
    pub fn fix_the_group(&self) {
        let mut state = self.state.lock().unwrap();
        state.broken = false;
        state.broken_endpoints.clear();
    }

    /// How many requests had a path starting with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.starts_with(prefix))
            .count()
    }
}

fn json_response(status: u16, body: Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn error(status: u16, code: &str, message: &str) -> Response {
    json_response(status, json!({"code": code, "message": message}))
}

/// The bookstore example, retitled and re-pointed for one group.
fn spec(name: &str, canonical: &str, origin: &str, revision: u32, branch: Option<&str>) -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/specs/bookstore.json"
    ))
    .unwrap();
    let mut spec: Value = serde_json::from_str(&text).unwrap();
    spec["info"]["title"] = json!(name);
    spec["info"]["description"] = json!(format!(
        "revision {revision}, branch {}",
        branch.unwrap_or("live")
    ));
    spec["servers"] = json!([{"url": format!("{origin}/api:{canonical}")}]);
    if revision > 0 {
        // An edit in Xano: a new endpoint the change report can name.
        spec["paths"][format!("/revision{revision}")] = json!({"get": {"security": [],
            "responses": {"200": {"description": "Success!"}}}});
    }
    spec
}

async fn handle(
    State(state): State<Arc<Mutex<MetaState>>>,
    request: Request,
    is_b: bool,
) -> Response {
    let path = request.uri().path().to_owned();
    let query_keys: Vec<String> = request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split('=').next().unwrap_or_default().to_owned())
        .collect();
    let query: HashMap<String, String> = request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let authorized = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {TOKEN}"));
    let mut s = state.lock().unwrap();
    s.requests.push(path.clone());

    if let Some(route) = path.strip_prefix("/api:developer/") {
        return developer(&s, route, &query, request.headers(), is_b);
    }
    if path.starts_with("/apispec:") && query.get("type").map(String::as_str) != Some("json") {
        // Without `type=json` Xano answers its docs page or YAML, not JSON.
        return error(
            400,
            "ERROR_CODE_BAD_REQUEST",
            "A spec is JSON only with type=json.",
        );
    }
    if path == "/apispec:workspace:1" {
        let origin = s.origin_a.clone();
        return json_response(200, combined_spec(&origin, &s.revisions));
    }
    if let Some(rest) = path.strip_prefix("/apispec:") {
        let (canonical, branch) = match rest.split_once(':') {
            Some((c, b)) => (c, Some(b)),
            None => (rest, None),
        };
        let Some((_, name, canonical)) = GROUPS.iter().find(|g| g.2 == canonical) else {
            return error(404, "ERROR_CODE_NOT_FOUND", "Unable to locate request.");
        };
        return match *canonical {
            "admin1" => error(
                404,
                "ERROR_CODE_NOT_FOUND",
                "Swagger documentation is disabled.",
            ),
            "auth1" if query.get("token").map(String::as_str) != Some(SWAGGER_TOKEN) => {
                error(403, "ERROR_CODE_ACCESS_DENIED", "Access denied.")
            }
            _ => {
                let origin = if is_b {
                    s.origin_b.clone()
                } else {
                    s.origin_a.clone()
                };
                let revision = s.revisions.get(*canonical).copied().unwrap_or(0);
                json_response(200, spec(name, canonical, &origin, revision, branch))
            }
        };
    }
    let Some(route) = path.strip_prefix("/api:meta/") else {
        return error(404, "ERROR_CODE_NOT_FOUND", "Unable to locate request.");
    };
    if !authorized {
        return error(401, "ERROR_CODE_UNAUTHORIZED", "Invalid token.");
    }
    // The account-level `instance` list lives on app.xano.com's master API, which
    // the published slices do not cover; everything else must be in them.
    if route != "instance"
        && let Some(reference) = &s.reference
        && let Err(violation) = reference.check_request(route, &query_keys)
    {
        s.violations.push(violation.clone());
        return error(404, "ERROR_CODE_NOT_FOUND", &violation);
    }
    let segments: Vec<&str> = route.split('/').collect();
    match segments.as_slice() {
        ["auth", "me"] => s.answer(
            route,
            json!({"id": "1", "name": "Ada", "email": "ada@example.com", "extras": ""}),
        ),
        ["instance"] if !is_b => json_response(
            200,
            json!([
                {"name": "x-main", "display": "Main", "xano_domain": "x-main.n7.xano.io", "rate_limit": true,
                 "meta_api": format!("{}/api:meta", s.origin_a), "meta_swagger": format!("{}/apispec:meta?type=json", s.origin_a)},
                {"name": "x-other", "display": "Other", "xano_domain": "x-other.n7.xano.io", "rate_limit": false,
                 "meta_api": format!("{}/api:meta", s.origin_b)}
            ]),
        ),
        ["workspace"] if is_b => s.answer(route, json!([{"id": 3, "name": "Other WS"}])),
        ["workspace"] => s.answer(
            route,
            json!([{"id": 1, "name": "Bookstore"}, {"id": 2, "name": "Sandbox"}]),
        ),
        ["workspace", _, "branch"] => s.answer(
            route,
            json!([{"label": "v1", "live": true, "backup": false}, {"label": "dev", "live": false, "backup": false}]),
        ),
        ["workspace", "1", "openapi"] => {
            let origin = s.origin_a.clone();
            json_response(200, combined_spec(&origin, &s.revisions))
        }
        ["workspace", "1", "apigroup", "13", "api"] if s.broken_listed => {
            let items: Vec<Value> = bookstore_apis()
                .into_iter()
                .map(|(id, name, verb)| json!({"id": id, "name": name, "verb": verb, "tag": [], "input": [], "auth": {}}))
                .collect();
            s.answer(
                route,
                json!({"curPage": 1, "nextPage": null, "prevPage": null, "items": items}),
            )
        }
        ["workspace", "1", "apigroup", "13", "api", id, "openapi"] => {
            let Some((_, name, verb)) = bookstore_apis()
                .into_iter()
                .find(|(api, _, _)| api.to_string() == *id)
            else {
                return error(404, "ERROR_CODE_NOT_FOUND", "Not Found.");
            };
            if s.broken_endpoints.contains(&name.as_str()) {
                if name == "books/count" {
                    return error(500, "ERROR_FATAL", "Unable to locate var: input");
                }
                let origin = s.origin_a.clone();
                let mut spec = endpoint_spec(&origin, &name, &verb);
                spec["paths"][format!("/{name}")][verb.to_lowercase()]["responses"]["200"]["content"]["application/json"]["schema"] =
                    json!({"$ref": "#/components/schemas/Nowhere"});
                return json_response(200, spec);
            }
            let origin = s.origin_a.clone();
            json_response(200, endpoint_spec(&origin, &name, &verb))
        }
        ["workspace", "1", "apigroup"] => {
            let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            if page == 2 && !s.failed_page_two_once {
                s.failed_page_two_once = true;
                return error(500, "ERROR_FATAL", "Something went wrong.");
            }
            let branch = query.get("branch").cloned().unwrap_or_default();
            let offset = if branch.is_empty() { 0 } else { DEV_BRANCH_IDS };
            let with_broken: Vec<(u64, &str, &str)> = GROUPS
                .iter()
                .copied()
                .chain(s.broken_listed.then_some(BROKEN))
                .collect();
            let total = with_broken.len();
            let items: Vec<Value> = with_broken
                .iter()
                .skip((page - 1) * 2)
                .take(2)
                .map(|(id, name, canonical)| json!({"id": id + offset, "name": name, "canonical": canonical, "branch": branch, "guid": "g", "tag": []}))
                .collect();
            let next = if page * 2 < total {
                json!(page + 1)
            } else {
                Value::Null
            };
            s.answer(
                route,
                json!({"curPage": page, "nextPage": next, "prevPage": null, "items": items}),
            )
        }
        ["workspace", "1", "apigroup", id, "openapi"] => {
            let id: u64 = id.parse().unwrap_or(0);
            // A branch copy's spec is found by its own id.
            let (id, branch) = if id > DEV_BRANCH_IDS {
                (id - DEV_BRANCH_IDS, Some("dev"))
            } else {
                (id, None)
            };
            if id == BROKEN.0 && s.broken {
                return error(500, "ERROR_FATAL", "Unable to locate var: input");
            }
            let Some((_, name, canonical)) = GROUPS.iter().chain([&BROKEN]).find(|g| g.0 == id) else {
                return error(404, "ERROR_CODE_NOT_FOUND", "Not Found.");
            };
            // Rate limited on the first call for the Books group.
            if id == 11 && !s.rate_limited.get(&id).copied().unwrap_or(false) {
                s.rate_limited.insert(id, true);
                let mut response = error(429, "ERROR_CODE_TOO_MANY_REQUESTS", "Too many requests.");
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, "0".parse().unwrap());
                return response;
            }
            let revision = s.revisions.get(*canonical).copied().unwrap_or(0);
            let body = spec(name, canonical, &s.origin_a.clone(), revision, branch);
            if id == 12 && s.truncate_admin {
                let text = body.to_string();
                return (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json")],
                    text[..text.len() / 2].to_owned(),
                )
                    .into_response();
            }
            json_response(200, body)
        }
        _ => error(404, "ERROR_CODE_NOT_FOUND", "Unable to locate request."),
    }
}

/// Host and port of an origin (`http://127.0.0.1:4000` → `127.0.0.1:4000`).
fn host_of(origin: &str) -> String {
    origin
        .split_once("://")
        .map_or(origin, |(_, h)| h)
        .to_owned()
}

/// The legacy Developer API, from the shapes its documentation gives: the
/// master service's instance list (on instance A's origin, which tests name
/// with `XANO_DEVELOPER_API`), each instance's `tokenUrl`, and an instance's
/// workspaces with their groups, whose specs live on two hosts. Strict: a wrong
/// key, token or `tokenUrl` secret is refused as Xano refuses it.
fn developer(
    s: &MetaState,
    route: &str,
    query: &HashMap<String, String>,
    headers: &axum::http::HeaderMap,
    is_b: bool,
) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let segments: Vec<&str> = route.split('/').collect();
    match segments.as_slice() {
        ["instance"] if !is_b => {
            if bearer != DEV_KEY {
                return error(401, "ERROR_CODE_UNAUTHORIZED", "Invalid key.");
            }
            json_response(
                200,
                json!([
                    {"id": 1, "name": "x-main", "display": "Main", "description": "",
                     "host": host_of(&s.origin_a),
                     "tokenUrl": format!("{}/api:developer/instance/1/token?secret={TOKEN_URL_SECRET}", s.origin_a)},
                    {"id": 2, "name": "x-other", "display": "Other", "description": "",
                     "host": host_of(&s.origin_b),
                     "tokenUrl": format!("{}/api:developer/instance/2/token?secret={TOKEN_URL_SECRET}", s.origin_b)}
                ]),
            )
        }
        ["instance", id, "token"] => {
            let expected = if is_b { "2" } else { "1" };
            if bearer != DEV_KEY
                || *id != expected
                || query.get("secret").map(String::as_str) != Some(TOKEN_URL_SECRET)
            {
                return error(401, "ERROR_CODE_UNAUTHORIZED", "Invalid token URL.");
            }
            let own = if is_b { &s.origin_b } else { &s.origin_a };
            // Instance A has a custom domain; B is reached by its host.
            let origin = if is_b {
                String::new()
            } else {
                "https://books.example.com".into()
            };
            json_response(
                200,
                json!({"authToken": INSTANCE_TOKEN, "api": format!("{own}/api:developer"),
                       "swaggerspec": format!("{own}/apispec:developer"), "origin": origin}),
            )
        }
        ["workspace"] => {
            if bearer != INSTANCE_TOKEN {
                return error(401, "ERROR_CODE_UNAUTHORIZED", "Invalid token.");
            }
            if is_b {
                return json_response(
                    200,
                    json!([{"id": 3, "name": "Other WS", "description": "", "apigroups": []}]),
                );
            }
            json_response(
                200,
                json!([{"id": 1, "name": "Bookstore", "description": "", "apigroups": [
                    {"id": 10, "name": "Authentication", "description": "",
                     "api": format!("{}/api:auth1", s.origin_a),
                     "swaggerspec": format!("{}/apispec:auth1?token={SWAGGER_TOKEN}", s.origin_a)},
                    {"id": 11, "name": "Books", "description": "",
                     "api": format!("{}/api:bookstore1", s.origin_b),
                     "swaggerspec": format!("{}/apispec:bookstore1", s.origin_b)}
                ]}]),
            )
        }
        _ => error(404, "ERROR_CODE_NOT_FOUND", "Unable to locate request."),
    }
}
