//! xano-runtime's behaviour on the wire, through the generated bookstore client and
//! the fake Xano: retries, token refresh, session files, hooks, paging streams,
//! branch addressing, content types and logs.

use futures::{StreamExt, TryStreamExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xano_runtime::{Client, Error, RetryPolicy};
use xano_tests::fake_xano::{BOOKSTORE_GROUP, FakeXano, Scripted};
use xano_tests::generated::bookstore_spec::bookstore as api;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(10))
        .max_delay(Duration::from_secs(2))
}

async fn sign_up(books: &api::Client) -> String {
    xano_tests::sign_up(books, EMAIL, PASSWORD).await
}

/// A client on `fake` with fast retries, and its bookstore group client.
fn retrying(fake: &FakeXano) -> (Client, api::Client) {
    let xano = Client::builder(fake.origin())
        .retry(fast_retries())
        .build()
        .unwrap();
    let books = api::Client::new(&xano);
    (xano, books)
}

fn path(route: &str) -> String {
    format!("{BOOKSTORE_GROUP}{route}")
}

#[tokio::test]
async fn rate_limits_are_retried_then_succeed() {
    let fake = FakeXano::start().await;
    let (_xano, books) = retrying(&fake);
    fake.script(
        "GET".parse().unwrap(),
        &path("/books/count"),
        Scripted::rate_limited(2, None),
    );
    assert_eq!(
        books
            .get_books_count()
            .await
            .expect("third attempt succeeds"),
        2
    );
    assert_eq!(fake.count(&path("/books/count")), 3);

    // Retry-After (seconds) is honoured.
    fake.script(
        "GET".parse().unwrap(),
        &path("/books/count"),
        Scripted::rate_limited(1, Some("1")),
    );
    let started = Instant::now();
    books.get_books_count().await.expect("after Retry-After");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retries_give_up_with_the_last_error() {
    let fake = FakeXano::start().await;
    let xano = Client::builder(fake.origin())
        .retry(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let books = api::Client::new(&xano);
    fake.script(
        "GET".parse().unwrap(),
        &path("/books/count"),
        Scripted::rate_limited(3, None),
    );
    let err = books.get_books_count().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(err.code(), Some("ERROR_CODE_TOO_MANY_REQUESTS"));
    assert_eq!(fake.count(&path("/books/count")), 3, "exactly max_attempts");

    // A Retry-After longer than the policy allows is not waited for.
    let xano = Client::builder(fake.origin())
        .retry(fast_retries())
        .build()
        .unwrap();
    fake.script(
        "GET".parse().unwrap(),
        &path("/books/count"),
        Scripted::rate_limited(1, Some("600")),
    );
    let before = fake.count(&path("/books/count"));
    let started = Instant::now();
    assert!(
        api::Client::new(&xano)
            .get_books_count()
            .await
            .unwrap_err()
            .is_rate_limited()
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(fake.count(&path("/books/count")), before + 1);
}

#[tokio::test]
async fn posts_are_not_retried_unless_asked() {
    let fake = FakeXano::start().await;
    let (xano, books) = retrying(&fake);
    xano.session().set_token(sign_up(&books).await);
    let input = api::PostBooksInput {
        title: "Ubik".into(),
        author_id: 3,
        genre: None,
        price: 8.0,
        in_stock: Some(true),
        tags: None,
        metadata: None,
    };
    fake.script(
        "POST".parse().unwrap(),
        &path("/books"),
        Scripted::rate_limited(1, None),
    );
    assert!(
        books
            .post_books(&input)
            .await
            .unwrap_err()
            .is_rate_limited()
    );
    assert_eq!(fake.count(&path("/books")), 1);

    fake.script(
        "POST".parse().unwrap(),
        &path("/books"),
        Scripted::rate_limited(1, None),
    );
    let retrying = api::Client::new(&xano.with_retry(fast_retries().retry_non_idempotent(true)));
    let created = retrying.post_books(&input).await.expect("retried POST");
    assert_eq!(created.title.as_deref(), Some("Ubik"));
    assert_eq!(fake.count(&path("/books")), 3);
}

#[tokio::test]
async fn connection_failures_are_retried_for_idempotent_calls() {
    // Nothing listens on this loopback port once the listener is dropped.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&attempts);
    let xano = Client::builder(format!("http://127.0.0.1:{port}"))
        .retry(fast_retries().max_attempts(3))
        .before_request(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let err = api::Client::new(&xano).get_books_count().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
}

fn refreshing_client(fake: &FakeXano, refreshes: &Arc<AtomicUsize>) -> Client {
    let refreshes = Arc::clone(refreshes);
    Client::builder(fake.origin())
        .on_unauthorized(move |xano| {
            let refreshes = Arc::clone(&refreshes);
            async move {
                refreshes.fetch_add(1, Ordering::SeqCst);
                // Slow enough that every concurrent call has seen its 401 by now.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let login = api::Client::new(&xano)
                    .post_auth_login(&api::PostAuthLoginInput {
                        email: EMAIL.into(),
                        password: PASSWORD.into(),
                    })
                    .await?;
                xano.session()
                    .set_token(login.auth_token.unwrap_or_default());
                Ok(())
            }
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_then_the_call_succeeds() {
    let fake = FakeXano::start().await;
    let refreshes = Arc::new(AtomicUsize::new(0));
    let xano = refreshing_client(&fake, &refreshes);
    let books = api::Client::new(&xano);
    let first = sign_up(&books).await;
    xano.session().set_token(first.clone());
    fake.expire_tokens();
    let me = books.get_auth_me().await.expect("refreshed");
    assert_eq!(me.email.as_deref(), Some(EMAIL));
    assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    assert_ne!(
        fake.last("/auth/me").header("authorization"),
        Some(format!("Bearer {first}").as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_cause_a_single_refresh() {
    let fake = FakeXano::start().await;
    let refreshes = Arc::new(AtomicUsize::new(0));
    let xano = refreshing_client(&fake, &refreshes);
    let books = api::Client::new(&xano);
    xano.session().set_token(sign_up(&books).await);
    fake.expire_tokens();
    let calls = (0..100).map(|_| {
        let books = books.clone();
        tokio::spawn(async move { books.get_auth_me().await })
    });
    let results = futures::future::join_all(calls).await;
    for result in results {
        result
            .expect("task")
            .expect("every call succeeds after the refresh");
    }
    assert_eq!(refreshes.load(Ordering::SeqCst), 1, "single-flight");
}

#[tokio::test]
async fn a_failing_refresh_does_not_loop() {
    let fake = FakeXano::start().await;
    let refreshes = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&refreshes);
    let xano = Client::builder(fake.origin())
        .on_unauthorized(move |xano| {
            let counter = Arc::clone(&counter);
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                // An authenticated call inside the hook gets its 401 instead of
                // waiting for the refresh it is part of.
                api::Client::new(&xano).get_auth_me().await.map(|_| ())
            }
        })
        .build()
        .unwrap();
    xano.session().set_token("never-issued");
    let outcome = tokio::time::timeout(
        Duration::from_secs(5),
        api::Client::new(&xano).get_auth_me(),
    )
    .await
    .expect("no deadlock");
    assert!(outcome.unwrap_err().is_unauthorized());
    assert_eq!(refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_session_file_keeps_a_cli_signed_in() {
    let fake = FakeXano::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("session.json");
    {
        let xano = Client::builder(fake.origin())
            .session_file(&file)
            .build()
            .unwrap();
        let books = api::Client::new(&xano);
        let token = sign_up(&books).await;
        xano.session().set_token(token);
        let me = books.get_auth_me().await.unwrap();
        xano.session().set_user(&me).unwrap();
        // Written off the async threads: wait for it before reading the file.
        xano.session().save().await.unwrap();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // A new process: same file, no sign-in.
    let xano = Client::builder(fake.origin())
        .session_file(&file)
        .build()
        .unwrap();
    assert!(xano.session().is_authenticated());
    let me: api::GetAuthMeOutput = xano.session().user().expect("user restored");
    assert_eq!(me.email.as_deref(), Some(EMAIL));
    api::Client::new(&xano)
        .get_auth_me()
        .await
        .expect("still signed in");
    xano.session().clear();
    let after = Client::builder(fake.origin())
        .session_file(&file)
        .build()
        .unwrap();
    assert!(!after.session().is_authenticated());
}

#[tokio::test]
async fn paging_streams_walk_every_page() {
    let fake = FakeXano::start().await;
    let xano = Client::builder(fake.origin()).build().unwrap();
    let books = api::Client::new(&xano);
    let input = api::GetBooksInput {
        per_page: Some(1),
        ..Default::default()
    };
    let titles: Vec<String> = books
        .get_books_items(input.clone())
        .map_ok(|book| book.title.unwrap_or_default())
        .try_collect()
        .await
        .expect("items");
    assert_eq!(titles, ["Dune", "Atomic Habits", "Leaves of Grass"]);
    let queries: Vec<Option<String>> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == path("/books"))
        .map(|r| r.query)
        .collect();
    assert_eq!(
        queries,
        [
            Some("page=1&per_page=1".to_owned()),
            Some("page=2&per_page=1".to_owned()),
            Some("page=3&per_page=1".to_owned())
        ],
        "stops at nextPage: null"
    );

    // Pages are fetched lazily: taking one page sends one request.
    let before = fake.count(&path("/books"));
    let first = books
        .get_books_pages(api::GetBooksInput {
            page: Some(2),
            per_page: Some(2),
            ..Default::default()
        })
        .next()
        .await
        .expect("a page")
        .expect("ok");
    assert_eq!(first.cur_page, Some(2));
    assert_eq!(fake.count(&path("/books")), before + 1);

    // An error ends the stream after it is yielded.
    fake.respond_once(
        "GET".parse().unwrap(),
        &path("/books"),
        500,
        r#"{"code":"ERROR_FATAL","message":"boom"}"#,
    );
    let all: Vec<Result<api::PostBooksOutput, Error>> =
        books.get_books_items(input).collect().await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].as_ref().unwrap_err().code(), Some("ERROR_FATAL"));
}

#[tokio::test]
async fn branches_in_the_url_and_hooks() {
    let fake = FakeXano::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let xano = Client::builder(fake.origin())
        .branch("v2")
        .branch_in_url(true)
        .before_request(|request| {
            request
                .headers_mut()
                .insert("x-trace-id", "abc123".parse().unwrap());
        })
        .after_response(move |info| {
            log.lock().unwrap().push((
                info.method.to_string(),
                info.path.clone(),
                info.status,
                info.attempt,
            ));
        })
        .build()
        .unwrap();
    api::Client::new(&xano)
        .get_books_count()
        .await
        .expect("count");
    let request = fake.last("/books/count");
    assert_eq!(request.path, "/api:bookstore1:v2/books/count");
    assert_eq!(request.header("x-branch"), None);
    assert_eq!(request.header("x-trace-id"), Some("abc123"));
    assert_eq!(
        *seen.lock().unwrap(),
        [(
            "GET".to_owned(),
            "/api:bookstore1:v2/books/count".to_owned(),
            Some(200),
            1
        )]
    );
}

#[tokio::test]
async fn html_instead_of_json_is_named_as_such() {
    let fake = FakeXano::start().await;
    let xano = Client::builder(fake.origin()).build().unwrap();
    fake.script(
        "GET".parse().unwrap(),
        &path("/books/count"),
        Scripted {
            content_type: "text/html".into(),
            ..Scripted::json(200, "<html><body>Maintenance</body></html>")
        },
    );
    match api::Client::new(&xano).get_books_count().await {
        Err(Error::UnexpectedContentType {
            status,
            content_type,
            excerpt,
            ..
        }) => {
            assert_eq!((status.as_u16(), content_type.as_str()), (200, "text/html"));
            assert!(excerpt.contains("Maintenance"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn input_errors_name_the_input() {
    let fake = FakeXano::start().await;
    let xano = Client::builder(fake.origin()).build().unwrap();
    let books = api::Client::new(&xano);
    xano.session().set_token(sign_up(&books).await);
    // A hand-made call (the generated one cannot omit a required file).
    let err = xano
        .with_api_group(api::API_GROUP)
        .post("/books/1/cover")
        .auth()
        .field("caption", "no image")
        .send::<xano_runtime::Json>()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code(), Some("ERROR_CODE_INPUT_ERROR"));
    assert_eq!(err.input_error_param(), Some("image"));
}

/// The status and headers of a success are reachable for the calls that need
/// them, without changing what generated functions return.
#[tokio::test]
async fn the_status_and_headers_of_a_call_are_reachable() {
    let (_fake, _xano, books) = {
        let fake = FakeXano::start().await;
        let xano = Client::builder(fake.origin()).build().unwrap();
        let books = api::Client::new(&xano);
        (fake, xano, books)
    };
    let (count, response) = xano_runtime::with_response(books.get_books_count()).await;
    assert!(count.is_ok());
    let response = response.expect("the call was answered");
    assert_eq!(response.status, xano_runtime::StatusCode::OK);
    assert!(
        response.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let (missing, response) =
        xano_runtime::with_response(books.get_books_by_book_id(404_404)).await;
    assert!(missing.unwrap_err().is_not_found());
    assert_eq!(
        response.unwrap().status,
        xano_runtime::StatusCode::NOT_FOUND
    );
    // Outside `with_response`, nothing is kept.
    books.get_books_count().await.unwrap();
}
