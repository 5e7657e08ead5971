//! What xano-runtime logs. Its own test binary: tracing caches which callsites are
//! enabled per process, so a scoped subscriber in a binary shared with other tests
//! could miss events those tests reached first.

use std::sync::{Arc, Mutex};
use xano_runtime::Client;
use xano_tests::fake_xano::FakeXano;
use xano_tests::generated::bookstore_spec::bookstore as api;

const PASSWORD: &str = "correct horse";

/// A `MakeWriter` that keeps everything written.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn logs_name_calls_but_never_tokens() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = FakeXano::start().await;
    let xano = Client::builder(fake.origin()).build().unwrap();
    let books = api::Client::new(&xano);
    let token = xano_tests::sign_up(&books, "ada@example.com", PASSWORD).await;
    xano.session().set_token(token.clone());
    books.get_auth_me().await.unwrap();
    // Path parameters and query inputs are inputs too: logs show the template.
    let _ = books.get_books_by_book_id(424_242).await;
    let _ = books
        .get_authors_by_author_slug_books("ada-lovelace-secret")
        .await;
    let _ = books
        .get_books(&api::GetBooksInput {
            search: Some("query-secret".into()),
            ..Default::default()
        })
        .await;
    let debug = format!("{xano:?} {books:?}");
    assert!(!debug.contains(&token), "{debug}");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("xano_call") && logs.contains("/api:bookstore1/auth/me"),
        "{logs}"
    );
    assert!(logs.contains("status=200"), "{logs}");
    assert!(
        logs.contains("/api:bookstore1/books/{book_id}")
            && logs.contains("/api:bookstore1/authors/{author_slug}/books/"),
        "calls are named by their route template:\n{logs}"
    );
    for input in ["424242", "ada-lovelace-secret", "query-secret"] {
        assert!(
            !logs.contains(input),
            "the input `{input}` leaked into the logs:\n{logs}"
        );
    }
    assert!(
        !logs.contains(&token),
        "a token leaked into the logs:\n{logs}"
    );
    assert!(
        !logs.contains(PASSWORD),
        "an input leaked into the logs:\n{logs}"
    );
}
