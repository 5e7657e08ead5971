//! The cases of `src/lib.rs`'s tests, written the usual way: an HTTP stub (axum)
//! answering untyped JSON, requests recorded and inspected by hand. It is here
//! to measure what the typed fake saves (see the README's "Testing your code");
//! note what it cannot catch: rename `per_page` or `in_stock` in the spec and
//! these stubs still compile and pass against a client that no longer matches.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use example_testing::{SignInError, add_book, bookstore as api, restock_report, sign_in};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

type Log = Arc<Mutex<Vec<(String, String, HeaderMap, Bytes)>>>;
type Answer = fn(&str, &str, &HeaderMap, &[u8]) -> (u16, Value);

/// Serves `answer` on 127.0.0.1 and records every request.
async fn stub(answer: fn(&str, &str, &HeaderMap, &[u8]) -> (u16, Value)) -> (String, Log) {
    let log: Log = Arc::default();
    let app = Router::new()
        .fallback(
            |State((log, answer)): State<(Log, Answer)>, request: Request| async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
                let path = parts.uri.path().to_owned();
                let query = parts.uri.query().unwrap_or_default().to_owned();
                let (status, json) = answer(&path, &query, &parts.headers, &body);
                log.lock().unwrap().push((path, query, parts.headers, body));
                let status = StatusCode::from_u16(status).unwrap();
                (status, axum::Json(json)).into_response()
            },
        )
        .with_state((Arc::clone(&log), answer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (origin, log)
}

fn client(origin: &str) -> (xano_runtime::Client, api::Client) {
    let xano = xano_runtime::Client::builder(origin).build().unwrap();
    let books = api::Client::new(&xano);
    (xano, books)
}

#[tokio::test]
async fn the_report_walks_every_page() {
    let (origin, log) = stub(|path, query, _, _| {
        assert_eq!(path, "/api:bookstore1/books");
        if query.contains("page=2") {
            (
                200,
                json!({"curPage": 2, "nextPage": null, "items": [
                {"id": 3, "title": "Ulysses", "in_stock": false}]}),
            )
        } else {
            (
                200,
                json!({"curPage": 1, "nextPage": 2, "items": [
                {"id": 1, "title": "Dune", "in_stock": true},
                {"id": 2, "title": "Emma", "in_stock": false}]}),
            )
        }
    })
    .await;
    let (_, books) = client(&origin);

    let report = restock_report(&books).await.unwrap();

    assert_eq!(report.checked, 3);
    assert_eq!(report.out_of_stock, ["Emma", "Ulysses"]);
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 2);
    assert!(log[1].1.contains("page=2"), "{}", log[1].1);
    assert!(log[1].1.contains("per_page=50"), "{}", log[1].1);
}

#[tokio::test]
async fn signing_in_keeps_the_token_and_a_wrong_password_is_its_own_error() {
    let (origin, log) = stub(|path, _, headers, body| match path {
        "/api:bookstore1/auth/login" => {
            let body: Value = serde_json::from_slice(body).unwrap();
            if body["password"] == "right" {
                (200, json!({"authToken": "token-1"}))
            } else {
                (
                    403,
                    json!({"code": "ERROR_CODE_ACCESS_DENIED", "message": "Invalid Credentials."}),
                )
            }
        }
        "/api:bookstore1/auth/me" => match headers.get("authorization") {
            Some(value) if value == "Bearer token-1" => (200, json!({})),
            _ => (
                401,
                json!({"code": "ERROR_CODE_UNAUTHORIZED",
                "message": "Unauthorized - Authentication Required"}),
            ),
        },
        other => panic!("unexpected call to {other}"),
    })
    .await;
    let (xano, books) = client(&origin);

    let wrong = sign_in(&xano, "ada@example.com", "wrong").await;
    assert!(
        matches!(wrong, Err(SignInError::WrongPassword)),
        "{wrong:?}"
    );
    sign_in(&xano, "ada@example.com", "right").await.unwrap();

    books.get_auth_me().await.unwrap();
    let log = log.lock().unwrap();
    assert_eq!(log[2].2["authorization"], "Bearer token-1");
}

#[tokio::test]
async fn adding_a_book_sends_the_typed_input_and_needs_a_token() {
    let (origin, log) = stub(|path, _, headers, body| {
        assert_eq!(path, "/api:bookstore1/books");
        if headers.get("authorization").is_none() {
            return (
                401,
                json!({"code": "ERROR_CODE_UNAUTHORIZED",
                "message": "Unauthorized - Authentication Required"}),
            );
        }
        let body: Value = serde_json::from_slice(body).unwrap();
        (
            200,
            json!({"id": 41, "title": body["title"], "in_stock": true}),
        )
    })
    .await;
    let (xano, books) = client(&origin);

    let refused = add_book(&books, "Dune", 9.5).await.unwrap_err();
    assert!(refused.is_unauthorized(), "{refused}");

    xano.session().set_token("token-1");
    assert_eq!(add_book(&books, "Dune", 9.5).await.unwrap(), 41);
    let log = log.lock().unwrap();
    let sent: Value = serde_json::from_slice(&log[1].3).unwrap();
    assert_eq!(
        (sent["title"].as_str(), sent["price"].as_f64()),
        (Some("Dune"), Some(9.5))
    );
    assert_eq!(sent["tags"], json!(["new"]));
}
