//! xano-runtime against servers that misbehave on purpose (`fault_server`): streams
//! that outlive the timeout, bodies and events without end, stalls, resets, lying
//! keep-alives, redirects to other origins, a TLS peer that is not one, and a
//! failing token refresh under load. Each test names the fault it injects.

use futures::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use xano_runtime::{Client, Error, RetryPolicy, TransportKind};
use xano_tests::fake_xano::FakeXano;
use xano_tests::fault_server::{Conn, FaultServer};
use xano_tests::generated::bookstore_spec::bookstore as api;

fn chat(count: i64) -> api::PostChatInput {
    api::PostChatInput {
        message: "hi".into(),
        format: None,
        count: Some(count),
    }
}

fn no_retries(origin: &str) -> xano_runtime::ClientBuilder {
    Client::builder(origin).retry(RetryPolicy::none())
}

fn transport_kind(err: &Error) -> Option<TransportKind> {
    match err {
        Error::Transport(transport) => Some(transport.kind()),
        _ => None,
    }
}

/// Fault: a stream that keeps sending for twice the timeout.
#[tokio::test]
async fn a_stream_that_keeps_sending_outlives_the_timeout() {
    let server = FaultServer::start(|mut conn: Conn, _| async move {
        while conn.request().await.is_some() {
            conn.start_chunked(200, &[("content-type", "text/event-stream")])
                .await;
            for i in 0..8 {
                tokio::time::sleep(Duration::from_millis(500)).await;
                if !conn
                    .chunk(format!("id: {i}\ndata: {i}\n\n").as_bytes())
                    .await
                {
                    return;
                }
            }
            conn.end_chunked().await;
        }
    })
    .await;
    let xano = no_retries(server.origin())
        .timeout(Some(Duration::from_secs(2)))
        .build()
        .unwrap();
    xano.session().set_token("t");
    let started = Instant::now();
    let events: Vec<Result<xano_runtime::Event, Error>> = api::Client::new(&xano)
        .post_chat_stream(&chat(8))
        .await
        .expect("the stream starts")
        .collect()
        .await;
    assert!(started.elapsed() >= Duration::from_secs(4));
    assert_eq!(events.len(), 8, "{events:?}");
    for (i, event) in events.iter().enumerate() {
        assert_eq!(event.as_ref().expect("no error").data, i.to_string());
    }
}

/// Fault: a stream that goes silent mid-body; and a server that never answers.
#[tokio::test]
async fn silence_is_bounded_by_the_timeout() {
    let server = FaultServer::start(|mut conn: Conn, _| async move {
        let Some(request) = conn.request().await else {
            return;
        };
        if request.method == "POST" {
            conn.start_chunked(200, &[("content-type", "text/event-stream")])
                .await;
            conn.chunk(b"data: first\n\n").await;
        }
        conn.stall().await;
    })
    .await;
    let xano = Client::builder(server.origin())
        .timeout(Some(Duration::from_millis(300)))
        .retry(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(10))
                .max_attempts(2),
        )
        .build()
        .unwrap();
    xano.session().set_token("t");
    let books = api::Client::new(&xano);
    let mut events = books.post_chat_stream(&chat(2)).await.unwrap();
    assert_eq!(events.next().await.unwrap().unwrap().data, "first");
    let err = events.next().await.unwrap().unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportKind::BodyTimeout),
        "{err}"
    );
    assert!(
        xano_tests::report(&err).contains("stopped sending"),
        "{err}"
    );
    assert!(events.next().await.is_none());

    // No headers at all: a timeout, retried once because GET is idempotent.
    let started = Instant::now();
    let err = books.get_books_count().await.unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportKind::ResponseTimeout),
        "{err}"
    );
    assert!(err.is_timeout());
    let message = xano_tests::report(&err);
    assert!(
        message.contains("GET /api:bookstore1/books/count: no response from 127.0.0.1:")
            && message.contains("within 0.3 s"),
        "{message}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    let counts = server
        .requests()
        .iter()
        .filter(|r| r.target.ends_with("/books/count"))
        .count();
    assert_eq!(counts, 2, "the timed-out GET was sent again");
}

/// Fault: `data:` lines that never end in a blank line.
#[tokio::test]
async fn an_endless_event_is_cut_at_the_event_limit() {
    let server = FaultServer::start(|mut conn: Conn, _| async move {
        conn.request().await;
        conn.start_chunked(200, &[("content-type", "text/event-stream")])
            .await;
        conn.chunk(b"data: complete\n\n").await;
        let line = format!("data: {}\n", "x".repeat(64 << 10));
        // 1 GiB if the client kept reading.
        for _ in 0..16_384 {
            if !conn.chunk(line.as_bytes()).await {
                return;
            }
        }
    })
    .await;
    let xano = no_retries(server.origin())
        .max_event_size(1 << 20)
        .build()
        .unwrap();
    xano.session().set_token("t");
    let items: Vec<Result<xano_runtime::Event, Error>> = api::Client::new(&xano)
        .post_chat_stream(&chat(1))
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().data, "complete");
    let err = items[1].as_ref().unwrap_err();
    assert!(
        xano_tests::report(&err).contains("larger than 1048576 bytes"),
        "{err}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The limit, plus what the kernel's socket buffers held.
    assert!(
        server.written() < (1 << 20) + (16 << 20),
        "the client read {} bytes",
        server.written()
    );
}

fn huge_body_server(
    status: u16,
    with_length: bool,
) -> impl Fn(Conn, usize) -> futures::future::BoxFuture<'static, ()> {
    move |mut conn: Conn, _| {
        Box::pin(async move {
            conn.request().await;
            let chunk = vec![b'x'; 1 << 20];
            const MIB: usize = 200;
            let started = if with_length {
                let length = (MIB << 20).to_string();
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n"
                );
                conn.send(head.as_bytes()).await
            } else {
                conn.start_chunked(status, &[]).await
            };
            if !started {
                return;
            }
            for _ in 0..MIB {
                let sent = if with_length {
                    conn.send(&chunk).await
                } else {
                    conn.chunk(&chunk).await
                };
                if !sent {
                    return;
                }
            }
        })
    }
}

/// Fault: 200 MB bodies, with and without a length, and a 200 MB error page.
#[tokio::test]
async fn huge_bodies_stop_at_the_response_limit() {
    for with_length in [true, false] {
        let server = FaultServer::start(huge_body_server(200, with_length)).await;
        let xano = no_retries(server.origin())
            .max_response_size(4 << 20)
            .build()
            .unwrap();
        let err = api::Client::new(&xano).get_books_count().await.unwrap_err();
        assert!(
            matches!(err, Error::TooLarge { status: xano_runtime::StatusCode::OK, limit, .. } if limit == 4 << 20),
            "{err:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        let bound = if with_length {
            16 << 20
        } else {
            (4 << 20) + (16 << 20)
        };
        assert!(
            server.written() < bound,
            "with_length {with_length}: {} bytes written",
            server.written()
        );
    }
    // An error body is read only as far as its message needs.
    let server = FaultServer::start(huge_body_server(503, false)).await;
    let xano = no_retries(server.origin()).build().unwrap();
    let err = api::Client::new(&xano).get_books_count().await.unwrap_err();
    match &err {
        Error::Api {
            status, message, ..
        } => {
            assert_eq!(*status, 503);
            assert!(
                message.starts_with("xxx") && message.ends_with('…'),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        server.written() < 16 << 20,
        "{} bytes written for an excerpt",
        server.written()
    );
}

/// Fault: a server that says keep-alive, then closes the pooled connection when
/// the next request arrives on it (what an idle-timeout race looks like).
#[tokio::test]
async fn a_pooled_connection_closed_by_the_server_is_resent_once() {
    let server = FaultServer::start(|mut conn: Conn, _| async move {
        if conn.request().await.is_some() {
            conn.respond(200, &[], b"3").await;
        }
        // The next request on this connection is read, then dropped unanswered.
        conn.request().await;
        conn.close();
    })
    .await;
    let xano = no_retries(server.origin()).build().unwrap();
    let books = api::Client::new(&xano);
    for _ in 0..20 {
        assert_eq!(
            books.get_books_count().await.expect("every GET succeeds"),
            3
        );
    }
    // A POST may have been carried out: it is not resent.
    xano.session().set_token("t");
    let mut failures = 0;
    for _ in 0..5 {
        match books.post_chat(&chat(1)).await {
            Err(err) => {
                assert_eq!(
                    transport_kind(&err),
                    Some(TransportKind::ConnectionClosed),
                    "{err}"
                );
                assert!(
                    xano_tests::report(&err).contains("closed the connection"),
                    "{err}"
                );
                failures += 1;
            }
            Ok(_) => panic!("the script never answers a second request"),
        }
        // The failed connection is gone; the next POST opens one, answered with 3
        // (not a chat reply, so it fails to decode: that is fine here).
        let _ = books.post_chat(&chat(1)).await;
    }
    assert_eq!(failures, 5);
}

/// Fault: resets, refusals and a peer that does not speak TLS. The messages say
/// what happened.
#[tokio::test]
async fn transport_errors_say_what_happened() {
    let reset = FaultServer::start(|mut conn: Conn, _| async move {
        conn.request().await;
        conn.reset();
    })
    .await;
    let xano = no_retries(reset.origin()).build().unwrap();
    let err = api::Client::new(&xano).get_books_count().await.unwrap_err();
    assert!(
        matches!(
            transport_kind(&err),
            Some(TransportKind::ConnectionReset | TransportKind::ConnectionClosed)
        ),
        "{err:?}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let xano = no_retries(&format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = api::Client::new(&xano)
        .get_books(&api::GetBooksInput {
            search: Some("query-secret".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(transport_kind(&err), Some(TransportKind::ConnectionRefused));
    let message = xano_tests::report(&err);
    // What failed, in words, then reqwest's own causes below it.
    let expected = format!(
        "request to Xano failed: GET /api:bookstore1/books: connection refused by 127.0.0.1:{port}: "
    );
    assert!(message.starts_with(&expected), "{message}");
    assert_eq!(
        err.to_string(),
        "request to Xano failed",
        "the cause is not repeated"
    );
    let debug = format!("{err:?}");
    assert!(
        !debug.contains("query-secret") && !message.contains("query-secret"),
        "{debug}"
    );

    // https to a server that answers in plain text.
    let plain = FaultServer::start(|mut conn: Conn, _| async move {
        conn.send(b"HTTP/1.1 400 Bad Request\r\n\r\nnot TLS").await;
        conn.close();
    })
    .await;
    let https = plain.origin().replace("http://", "https://");
    let xano = no_retries(&https).build().unwrap();
    let err = api::Client::new(&xano).get_books_count().await.unwrap_err();
    assert_eq!(transport_kind(&err), Some(TransportKind::Tls), "{err:?}");
    assert!(
        xano_tests::report(&err).contains("TLS with 127.0.0.1"),
        "{err}"
    );
}

/// Fault: redirects to another origin, with a bearer, a global API key and a
/// login's password in a 307 body. Nothing may reach the other origin.
#[tokio::test]
async fn secrets_never_follow_a_redirect_to_another_origin() {
    let elsewhere = FaultServer::start(|mut conn: Conn, _| async move {
        while conn.request().await.is_some() {
            conn.respond(200, &[], br#"{"authToken":"x"}"#).await;
        }
    })
    .await;
    let target = elsewhere.origin().to_owned();
    let redirecting = FaultServer::start(move |mut conn: Conn, _| {
        let target = target.clone();
        async move {
            while let Some(request) = conn.request().await {
                if request.target.contains("/moved") {
                    conn.respond(200, &[], b"7").await;
                    continue;
                }
                let (status, location) = if request.target.contains("/books/count") {
                    (307, "/api:bookstore1/moved".to_owned())
                } else {
                    (307, format!("{target}{}", request.target))
                };
                conn.respond(status, &[("location", &location)], b"").await;
            }
        }
    })
    .await;
    let xano = no_retries(redirecting.origin())
        .header("X-Api-Key", "key-secret")
        .build()
        .unwrap();
    xano.session().set_token("bearer-secret");
    let books = api::Client::new(&xano);

    // Within the origin: followed, headers kept.
    assert_eq!(
        books.get_books_count().await.expect("same-origin redirect"),
        7
    );
    let moved = redirecting
        .requests()
        .into_iter()
        .find(|r| r.target.contains("/moved"))
        .unwrap();
    assert_eq!(moved.header("x-api-key"), Some("key-secret"));

    let err = books
        .post_auth_login(&api::PostAuthLoginInput {
            email: "ada@example.com".into(),
            password: "password-secret".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportKind::Redirect),
        "{err:?}"
    );
    assert!(
        xano_tests::report(&err).contains(elsewhere.origin()),
        "the message names where it pointed: {err}"
    );
    let err = books.get_auth_me().await.unwrap_err();
    assert_eq!(transport_kind(&err), Some(TransportKind::Redirect));
    assert!(
        elsewhere.requests().is_empty(),
        "another origin received {:?}",
        elsewhere.requests()
    );
}

/// Fault: a refresh hook that fails while 100 calls wait on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_refresh_answers_the_whole_wave_once() {
    let fake = FakeXano::start().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    let xano = Client::builder(fake.origin())
        .on_unauthorized(move |_| {
            let counter = Arc::clone(&counter);
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err(Error::Config("the refresh endpoint is down".into()))
            }
        })
        .build()
        .unwrap();
    xano.session().set_token("expired");
    let books = api::Client::new(&xano);
    let started = Instant::now();
    let calls = (0..100).map(|_| {
        let books = books.clone();
        tokio::spawn(async move { books.get_auth_me().await })
    });
    let results = futures::future::join_all(calls).await;
    let elapsed = started.elapsed();
    for result in results {
        match result.unwrap() {
            Err(Error::Refresh(cause)) => {
                assert!(cause.to_string().contains("refresh endpoint is down"))
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1, "one run answers the wave");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");

    // A later call is a new wave: the hook may try again.
    assert!(books.get_auth_me().await.is_err());
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

/// Fault: none; the load the runtime must keep carrying.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_all_succeed() {
    let fake = FakeXano::start().await;
    let xano = Client::builder(fake.origin()).build().unwrap();
    let books = api::Client::new(&xano);
    let calls = (0..1000).map(|_| {
        let books = books.clone();
        tokio::spawn(async move { books.get_books_count().await })
    });
    let failures = futures::future::join_all(calls)
        .await
        .into_iter()
        .filter(|r| !matches!(r, Ok(Ok(2))))
        .count();
    assert_eq!(failures, 0);
}

/// `ResponseInfo.elapsed` covers the body of the answering attempt.
#[tokio::test]
async fn after_response_elapsed_includes_the_body() {
    let server = FaultServer::start(|mut conn: Conn, _| async move {
        while conn.request().await.is_some() {
            conn.start_chunked(200, &[]).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            conn.chunk(b"5").await;
            conn.end_chunked().await;
        }
    })
    .await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let xano = Client::builder(server.origin())
        .after_response(move |info| log.lock().unwrap().push(info.elapsed))
        .build()
        .unwrap();
    assert_eq!(api::Client::new(&xano).get_books_count().await.unwrap(), 5);
    let elapsed = seen.lock().unwrap()[0];
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
}

/// Fault: a body of the wrong shape that holds a token. The decode error shows an
/// excerpt, without the token.
#[tokio::test]
async fn decode_errors_never_show_credentials() {
    let fake = FakeXano::start().await;
    fake.respond_once(
        "GET".parse().unwrap(),
        "/api:bookstore1/books/count",
        200,
        r#"{"user":{"email":"ada@example.com","authToken":"eyJ-token-secret"},"api_key":"key-secret"}"#,
    );
    let xano = Client::builder(fake.origin()).build().unwrap();
    let err = api::Client::new(&xano).get_books_count().await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, Error::Decode { .. }), "{shown}");
    assert!(
        shown.contains("ada@example.com"),
        "the excerpt is still useful: {shown}"
    );
    assert!(!shown.contains("secret"), "{shown}");
}

/// Fault: a stream that goes quiet after one event, with no timeout at all.
/// Dropping the stream must still close the connection.
#[tokio::test]
async fn dropping_a_quiet_stream_closes_the_connection() {
    let closed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = Arc::clone(&closed);
    let server = FaultServer::start(move |mut conn: Conn, _| {
        let seen = Arc::clone(&seen);
        async move {
            conn.request().await;
            conn.start_chunked(200, &[("content-type", "text/event-stream")])
                .await;
            conn.chunk(b"data: only\n\n").await;
            conn.stall().await; // returns when the client closes
            seen.store(true, Ordering::SeqCst);
        }
    })
    .await;
    let xano = no_retries(server.origin()).timeout(None).build().unwrap();
    xano.session().set_token("t");
    let mut events = api::Client::new(&xano)
        .post_chat_stream(&chat(1))
        .await
        .unwrap();
    assert_eq!(events.next().await.unwrap().unwrap().data, "only");
    drop(events);
    for _ in 0..50 {
        if closed.load(Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the connection stayed open after the stream was dropped");
}
