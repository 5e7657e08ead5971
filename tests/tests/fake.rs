//! The typed fake (`Settings::with_fake`) of the bookstore group, driven by the
//! generated client as a user's test would: typed handlers and recorded calls,
//! and each way it behaves like Xano (base path, bearer checks, error bodies,
//! query and multipart conventions, paging, headers, 429, streams, 404s and the
//! report of unhandled calls).

use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use xano_runtime::fake::{Reply, XanoError};
use xano_runtime::{Client, Error, File, Page, RetryPolicy, Secret};
use xano_tests::generated::bookstore_spec::bookstore::{self as api, fake};

fn book(id: i64, title: &str) -> api::Book {
    api::Book {
        id: Some(id),
        title: Some(title.into()),
        in_stock: Some(true),
        ..Default::default()
    }
}

fn api_error(err: Error) -> (u16, Option<String>, String, Option<Value>) {
    match err {
        Error::Api {
            status,
            code,
            message,
            payload,
            ..
        } => (status.as_u16(), code, message, payload.map(|p| *p)),
        other => panic!("expected a Xano error, got {other:?}"),
    }
}

/// A client of the fake's group whose session holds `token`.
fn signed_in(fake: &fake::Server, token: &str) -> api::Client {
    let xano = Client::builder(fake.origin()).build().unwrap();
    xano.session().set_token(token);
    api::Client::new(&xano)
}

/// A raw request to the fake, to see exactly what goes over the wire.
async fn raw(method: reqwest::Method, url: String) -> (u16, reqwest::header::HeaderMap, Value) {
    // A bare `reqwest::Client` needs the process's crypto provider, which an
    // application (this test) chooses; the runtime never installs one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .request(method, url)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

#[tokio::test]
async fn typed_handlers_answer_and_calls_are_recorded_typed() {
    let fake = fake::Server::start().await;
    fake.get_books(|input| {
        let genre = input
            .genre
            .map(|g| g.as_str().to_owned())
            .unwrap_or_default();
        Ok(Page::of(vec![book(1, &format!("Dune ({genre})"))]))
    });
    let books = fake.client().unwrap();
    let page = books
        .get_books(&api::GetBooksInput {
            genre: Some(api::Genre::SciFi),
            per_page: Some(5),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items[0].title.as_deref(), Some("Dune (sci-fi)"));
    assert_eq!(page.items_received, Some(1));

    let calls = fake.calls().get_books();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].args.per_page, Some(5));
    assert_eq!(calls[0].args.genre, Some(api::Genre::SciFi));
    assert_eq!(calls[0].request.query["per_page"], json!("5"));
}

#[tokio::test]
async fn path_parameters_and_inputs_reach_the_handler_as_the_client_took_them() {
    let fake = fake::Server::start().await;
    fake.patch_books_by_book_id(|(id, input)| {
        let mut updated = book(id, input.title.as_deref().unwrap_or("?"));
        updated.price = input.price;
        Ok(updated)
    });
    fake.get_authors_by_author_slug_books(|slug| Ok(vec![book(1, &slug)]));
    let books = signed_in(&fake, "t0k3n");
    let updated = books
        .patch_books_by_book_id(
            42,
            &api::PatchBooksByBookIdInput {
                title: Some("Dune Messiah".into()),
                price: Some(8.5),
                in_stock: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.id, Some(42));
    assert_eq!(updated.price, Some(8.5));
    // A slug with a slash and a plus, percent-encoded by the client, decoded by the fake.
    let by_author = books
        .get_authors_by_author_slug_books("le guin/ursula+k")
        .await
        .unwrap();
    assert_eq!(by_author[0].title.as_deref(), Some("le guin/ursula+k"));
    let call = &fake.calls().patch_books_by_book_id()[0];
    assert_eq!(call.args.0, 42);
    assert_eq!(call.args.1.title.as_deref(), Some("Dune Messiah"));
    assert_eq!(call.request.bearer(), Some("t0k3n"));
}

#[tokio::test]
async fn protected_endpoints_answer_xanos_401_without_a_bearer() {
    let fake = fake::Server::start().await;
    fake.get_auth_me(|()| {
        Ok(api::User {
            name: Some("Ada".into()),
            ..Default::default()
        })
    });
    let xano = Client::builder(fake.origin()).build().unwrap();
    let books = api::Client::new(&xano);
    let (status, code, message, payload) = api_error(books.get_auth_me().await.unwrap_err());
    assert_eq!(status, 401);
    assert_eq!(code.as_deref(), Some("ERROR_CODE_UNAUTHORIZED"));
    assert_eq!(message, "Unauthorized - Authentication Required");
    assert_eq!(payload, None);

    xano.session().set_token("any");
    assert_eq!(
        books.get_auth_me().await.unwrap().name.as_deref(),
        Some("Ada")
    );
    // Only the one token, once the test asks for it.
    fake.server().require_token("the-real-one");
    assert_eq!(
        books
            .get_auth_me()
            .await
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(401)
    );
    xano.session().set_token("the-real-one");
    assert!(books.get_auth_me().await.is_ok());
    // Public endpoints need none; the 401s were recorded too.
    assert_eq!(fake.calls().get_auth_me().len(), 4);
}

#[tokio::test]
async fn every_error_helper_answers_xanos_body_shape() {
    let fake = fake::Server::start().await;
    let origin = fake.origin().to_owned();
    let cases: Vec<(XanoError, u16, Value)> = vec![
        (
            XanoError::missing_param("user_id"),
            400,
            json!({"code": "ERROR_CODE_INPUT_ERROR", "message": "Missing param: user_id", "payload": {"param": "user_id"}}),
        ),
        (
            XanoError::input("Title too long."),
            400,
            json!({"code": "ERROR_CODE_INPUT_ERROR", "message": "Title too long."}),
        ),
        (
            XanoError::unauthorized(),
            401,
            json!({"code": "ERROR_CODE_UNAUTHORIZED", "message": "Unauthorized - Authentication Required"}),
        ),
        (
            XanoError::denied("Invalid credentials."),
            403,
            json!({"code": "ERROR_CODE_ACCESS_DENIED", "message": "Invalid credentials."}),
        ),
        (
            XanoError::not_found("No such book."),
            404,
            json!({"code": "ERROR_CODE_NOT_FOUND", "message": "No such book."}),
        ),
        (
            XanoError::too_many_requests(None),
            429,
            json!({"code": "ERROR_CODE_TOO_MANY_REQUESTS", "message": "Rate Limited. Too many requests."}),
        ),
        (
            XanoError::fatal("Unable to locate var: x"),
            500,
            json!({"code": "ERROR_FATAL", "message": "Unable to locate var: x"}),
        ),
    ];
    for (error, status, body) in cases {
        let answer = error.clone();
        fake.get_books_count(move |()| Err(answer.clone()));
        let (got_status, headers, got_body) = raw(
            reqwest::Method::GET,
            format!("{origin}/{}/books/count", api::API_GROUP),
        )
        .await;
        assert_eq!((got_status, &got_body), (status, &body), "{error}");
        assert!(
            headers[reqwest::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        // And the generated client reads it into the same typed error.
        let (client_status, code, message, _) =
            api_error(fake.client().unwrap().get_books_count().await.unwrap_err());
        assert_eq!(client_status, status);
        assert_eq!(code.as_deref(), Some(error.code()));
        assert_eq!(message, error.message());
    }
}

#[tokio::test]
async fn the_base_path_and_a_branch_in_the_url_are_served_other_paths_are_not() {
    let fake = fake::Server::start().await;
    fake.get_books_count(|()| Ok(3));
    let origin = fake.origin().to_owned();
    let group = api::API_GROUP.trim_matches('/');
    let (status, _, body) = raw(
        reqwest::Method::GET,
        format!("{origin}/{group}/books/count"),
    )
    .await;
    assert_eq!((status, body), (200, json!(3)));
    let (status, _, body) = raw(
        reqwest::Method::GET,
        format!("{origin}/{group}:v2/books/count"),
    )
    .await;
    assert_eq!((status, body), (200, json!(3)));
    let (status, _, body) = raw(
        reqwest::Method::GET,
        format!("{origin}/api:other/books/count"),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"code": "ERROR_CODE_NOT_FOUND", "message": "Unable to locate request."})
        )
    );
    let unhandled = fake.server().unhandled();
    assert_eq!(unhandled.len(), 1, "{unhandled:?}");
    assert!(unhandled[0].contains("not an endpoint of the API group"));
    fake.server().allow_unhandled();
}

#[tokio::test]
async fn list_and_object_queries_are_read_as_xano_reads_them() {
    let fake = fake::Server::start().await;
    fake.get_search_books_2(|input| {
        let tags = input.tags.unwrap_or_default();
        Ok(vec![book(1, &format!("{}: {}", input.q, tags.join("+")))])
    });
    let books = fake.client().unwrap();
    let found = books
        .get_search_books_2(&api::GetSearchBooks2Input {
            q: "dune & co".into(),
            tags: Some(vec!["classic".into(), "sci fi".into()]),
        })
        .await
        .unwrap();
    assert_eq!(found[0].title.as_deref(), Some("dune & co: classic+sci fi"));
    let call = &fake.calls().get_search_books_2()[0];
    // On the wire: `tags[]=classic&tags[]=sci+fi`, as the official SDK writes it.
    assert_eq!(call.request.query["tags"], json!(["classic", "sci fi"]));

    // Objects and indexed lists, as the SDK's axios writes them.
    let parsed = xano_runtime::fake::parse_query("o[k]=v&objs[0][a]=1&objs[1][a]=2").unwrap();
    assert_eq!(
        Value::Object(parsed),
        json!({"o": {"k": "v"}, "objs": [{"a": "1"}, {"a": "2"}]})
    );
}

#[test]
fn a_query_xano_would_misread_fails_the_test_that_sent_it() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fake = runtime.block_on(fake::Server::start());
    fake.get_books_count(|()| Ok(1));
    let url = format!(
        "{}/{}/books/count?objs[][a]=1",
        fake.origin(),
        api::API_GROUP.trim_matches('/')
    );
    let (status, _, body) = runtime.block_on(raw(reqwest::Method::GET, url));
    assert_eq!(status, 400);
    assert_eq!(body["code"], "ERROR_CODE_INPUT_ERROR");
    let report = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(fake)))
        .expect_err("dropping the fake fails the test");
    let message = report.downcast_ref::<String>().unwrap();
    assert!(message.contains("would not read as meant"), "{message}");
    assert!(message.contains("objs[][a]"), "{message}");
}

#[tokio::test]
async fn multipart_files_and_nested_json_inputs_are_read_back_typed() {
    let fake = fake::Server::start().await;
    fake.post_books_cover(|(id, input)| {
        let mut with_cover = book(id, "Dune");
        with_cover.extra.insert(
            "seen".into(),
            json!([
                input.image.name(),
                input.image.mime(),
                input.image.bytes().len(),
                input.caption
            ]),
        );
        Ok(with_cover)
    });
    fake.post_orders(|input| {
        Ok(api::Order {
            id: Some(7),
            r#type: Some(input.r#type),
            total: Some(
                input
                    .items
                    .iter()
                    .map(|i| i.quantity.unwrap_or(1))
                    .sum::<i64>() as f64,
            ),
            ..Default::default()
        })
    });
    let books = signed_in(&fake, "t");
    let png = vec![0x89, b'P', b'N', b'G', 0, 255];
    let covered = books
        .post_books_cover(
            3,
            &api::PostBooksCoverInput {
                image: File::from_bytes("cover.png", png.clone()),
                caption: Some("front".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        covered.extra["seen"],
        json!(["cover.png", "image/png", 6, "front"])
    );
    let call = &fake.calls().post_books_cover()[0];
    assert_eq!(call.args.1.image.bytes().as_ref(), png.as_slice());

    let order = books
        .post_orders(&api::PostOrdersInput {
            items: vec![
                api::PostOrdersInputItem {
                    book_id: 1,
                    quantity: Some(2),
                },
                api::PostOrdersInputItem {
                    book_id: 2,
                    quantity: None,
                },
            ],
            r#type: api::Type::Delivery,
            note: None,
        })
        .await
        .unwrap();
    assert_eq!(
        (order.total, order.r#type),
        (Some(3.0), Some(api::Type::Delivery))
    );
    assert_eq!(fake.calls().post_orders()[0].args.items[1].book_id, 2);
}

#[tokio::test]
async fn paging_envelopes_drive_the_generated_page_streams() {
    let fake = fake::Server::start().await;
    fake.get_books(|input| {
        let page = input.page.unwrap_or(1);
        let per_page = input.per_page.unwrap_or(2);
        let all: Vec<api::Book> = (1..=5).map(|id| book(id, &format!("Book {id}"))).collect();
        let items: Vec<api::Book> = all
            .into_iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .collect();
        Ok(Page {
            cur_page: Some(page),
            next_page: (page * per_page < 5).then_some(page + 1),
            items,
            ..Page::default()
        })
    });
    let books = fake.client().unwrap();
    let titles: Vec<String> = books
        .get_books_items(api::GetBooksInput {
            per_page: Some(2),
            ..Default::default()
        })
        .map_ok(|b| b.title.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(titles, ["Book 1", "Book 2", "Book 3", "Book 4", "Book 5"]);
    let pages: Vec<Option<i64>> = fake
        .calls()
        .get_books()
        .into_iter()
        .map(|call| call.args.page)
        .collect();
    assert_eq!(pages, [Some(1), Some(2), Some(3)]);
}

#[tokio::test]
async fn branch_and_data_source_headers_are_visible_on_recorded_calls() {
    let fake = fake::Server::start().await;
    fake.get_books_count(|()| Ok(0));
    let xano = Client::builder(fake.origin())
        .branch("v2")
        .data_source("test")
        .build()
        .unwrap();
    api::Client::new(&xano).get_books_count().await.unwrap();
    let call = &fake.calls().get_books_count()[0];
    assert_eq!(call.request.branch(), Some("v2"));
    assert_eq!(call.request.data_source(), Some("test"));
}

#[tokio::test]
async fn rate_limits_on_demand_answer_429_with_retry_after() {
    let fake = fake::Server::start().await;
    fake.get_books_count(|()| Ok(9));
    fake.server().rate_limit_next(1, Some(0));
    let url = format!(
        "{}/{}/books/count",
        fake.origin(),
        api::API_GROUP.trim_matches('/')
    );
    let (status, headers, body) = raw(reqwest::Method::GET, url).await;
    assert_eq!(status, 429);
    assert_eq!(headers["retry-after"], "0");
    assert_eq!(body["code"], "ERROR_CODE_TOO_MANY_REQUESTS");

    // The runtime's retries honour it: one 429, then the answer.
    fake.server().rate_limit_next(1, Some(0));
    let xano = Client::builder(fake.origin())
        .retry(RetryPolicy::default().max_attempts(2))
        .build()
        .unwrap();
    assert_eq!(api::Client::new(&xano).get_books_count().await.unwrap(), 9);
    assert_eq!(fake.server().requests().len(), 3);
}

#[tokio::test]
async fn streaming_endpoints_answer_server_sent_events_and_json_lines() {
    let fake = fake::Server::start().await;
    fake.post_chat_stream(|input| {
        let deltas = (0..input.count.unwrap_or(1))
            .map(|i| json!({"text": format!("{} {i}", input.message)}));
        Ok(match input.format {
            Some(api::Format::Jsonl) => Reply::json_lines(deltas),
            _ => Reply::sse(deltas),
        })
    });
    let books = signed_in(&fake, "t");
    for format in [api::Format::Sse, api::Format::Jsonl] {
        let texts: Vec<Value> = books
            .post_chat_stream(&api::PostChatInput {
                message: "hi".into(),
                format: Some(format.clone()),
                count: Some(3),
            })
            .await
            .unwrap()
            .json::<Value>()
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(
            texts,
            [
                json!({"text": "hi 0"}),
                json!({"text": "hi 1"}),
                json!({"text": "hi 2"})
            ],
            "{format:?}"
        );
    }
}

#[test]
fn unhandled_calls_answer_404_and_the_report_names_the_method_to_register() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fake = runtime.block_on(fake::Server::start());
    let books = fake.client().unwrap();
    let err = runtime.block_on(books.get_books_count()).unwrap_err();
    let (status, code, message, _) = api_error(err);
    assert_eq!(status, 404);
    assert_eq!(code.as_deref(), Some("ERROR_CODE_NOT_FOUND"));
    assert_eq!(message, "Unable to locate request.");
    let report = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(fake)))
        .expect_err("dropping the fake fails the test");
    let message = report.downcast_ref::<String>().unwrap();
    assert!(message.contains("GET /api:"), "{message}");
    assert!(
        message.contains("register one with `Server::get_books_count`"),
        "{message}"
    );
}

#[tokio::test]
async fn a_handler_that_panics_answers_500_and_is_reported() {
    let fake = fake::Server::start().await;
    fake.get_books_count(|()| panic!("the test's own assertion failed"));
    let err = fake.client().unwrap().get_books_count().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let violations = fake.server().violations();
    assert!(
        violations[0].contains("the handler panicked: the test's own assertion failed"),
        "{violations:?}"
    );
    // (Dropping it would fail this test: leave that to the other tests.)
    std::mem::forget(fake);
}

#[tokio::test]
async fn handlers_can_hold_state_across_calls() {
    // A tiny stateful fake: sign up, log in, and the token it issued is the one
    // the next call must carry.
    let fake = fake::Server::start().await;
    let users: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let signed_up = Arc::clone(&users);
    fake.post_auth_signup(move |input| {
        signed_up
            .lock()
            .unwrap()
            .push((input.email, input.password.expose_secret().to_owned()));
        Ok(api::PostAuthLoginOutput {
            auth_token: Some(Secret::new("token-1")),
            ..Default::default()
        })
    });
    let known = Arc::clone(&users);
    fake.post_auth_login(move |input| {
        let password = input.password.expose_secret().to_owned();
        if known.lock().unwrap().contains(&(input.email, password)) {
            Ok(api::PostAuthLoginOutput {
                auth_token: Some(Secret::new("token-1")),
                ..Default::default()
            })
        } else {
            Err(XanoError::denied("Invalid Credentials."))
        }
    });
    fake.server().require_token("token-1");
    fake.get_auth_me(|()| Ok(api::User::default()));
    let xano = Client::builder(fake.origin()).build().unwrap();
    let books = api::Client::new(&xano);
    books
        .post_auth_signup(&api::PostAuthSignupInput {
            name: "Ada".into(),
            email: "ada@example.com".into(),
            password: "pw".into(),
        })
        .await
        .unwrap();
    let wrong = books
        .post_auth_login(&api::PostAuthLoginInput {
            email: "ada@example.com".into(),
            password: "nope".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.status().map(|s| s.as_u16()), Some(403));
    let login = books
        .post_auth_login(&api::PostAuthLoginInput {
            email: "ada@example.com".into(),
            password: "pw".into(),
        })
        .await
        .unwrap();
    xano.session().set_token(login.auth_token.unwrap());
    books.get_auth_me().await.unwrap();
    // The password arrived typed as a Secret: its Debug never shows it.
    let calls = fake.calls().post_auth_login();
    assert!(!format!("{:?}", calls[1].args).contains("pw\""));
}
