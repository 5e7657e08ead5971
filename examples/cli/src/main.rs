//! The CLI mode end to end, offline: `src/generated.rs` was written by
//!
//! ```text
//! cargo run -p xano-codegen -- generate examples/specs/bookstore.json \
//!     --stream "POST /chat" -o examples/cli/src/generated.rs
//! ```
//!
//! and CI keeps it fresh with `--check`. This program starts the bundled fake Xano
//! on 127.0.0.1 and walks the usual flow: sign up, call an authenticated endpoint,
//! read a paged list, upload a file, and handle a Xano error.
//!
//! The binary compiles the generated file itself (not through the library), under
//! `deny(warnings)`: a binary calls only some endpoints, and the rest must not
//! raise dead-code warnings.

#![deny(warnings)]

mod generated;

use futures::StreamExt as _;
use generated::bookstore as api;

#[tokio::main]
async fn main() -> Result<(), xano_runtime::Error> {
    let fake = xano_tests::fake_xano::FakeXano::start().await;
    println!("fake Xano listening on {}", fake.origin());

    // In a real app: `Client::builder(api::ORIGIN)` (or your custom domain). `.env()`
    // lets XANO_ORIGIN / XANO_BRANCH / XANO_DATA_SOURCE retarget the same binary.
    let xano = xano_runtime::Client::builder(fake.origin())
        .retry(xano_runtime::RetryPolicy::default().max_attempts(3))
        .build()?;
    let books = api::Client::new(&xano);

    let signup = books
        .post_auth_signup(&api::PostAuthSignupInput {
            name: "Ada".into(),
            email: "ada@example.com".into(),
            password: "correct horse".into(),
        })
        .await?;
    xano.session()
        .set_token(signup.auth_token.unwrap_or_default());
    let me = books.get_auth_me().await?;
    println!("signed in as {:?} <{:?}>", me.name, me.email);

    let page = books
        .get_books(&api::GetBooksInput {
            per_page: Some(2),
            ..Default::default()
        })
        .await?;
    for book in page.items {
        println!(
            "  #{:?} {:?} ({})",
            book.id,
            book.title,
            book.genre.as_ref().map_or("-", api::Genre::as_str)
        );
    }
    println!("page {:?} of {:?}", page.cur_page, page.page_total);

    // Every item of every page, fetched page by page as the stream is read.
    let mut all = books.get_books_items(api::GetBooksInput {
        per_page: Some(1),
        ..Default::default()
    });
    let mut count = 0;
    while let Some(book) = all.next().await {
        let book = book?;
        count += 1;
        println!("  streamed #{:?} {:?}", book.id, book.title);
    }
    println!("{count} books in all");

    let cover = xano_runtime::File::from_bytes("cover.png", vec![0x89, b'P', b'N', b'G']);
    let book = books
        .post_books_cover(
            1,
            &api::PostBooksCoverInput {
                image: cover,
                caption: Some("First edition".into()),
            },
        )
        .await?;
    println!("cover uploaded: {:?}", book.cover.and_then(|c| c.url));

    // A streaming endpoint (opted in with --stream "POST /chat"): events as they come.
    let mut answer = books
        .post_chat_stream(&api::PostChatInput {
            message: "Which book first?".into(),
            format: Some(api::Format::Sse),
            count: Some(3),
        })
        .await?;
    while let Some(event) = answer.next().await {
        let event = event?;
        println!(
            "  chat {}: {}",
            event.event.as_deref().unwrap_or("message"),
            event.data
        );
    }

    // A realtime channel (xano-runtime's `realtime` feature), on the bundled fake
    // realtime server: join, send, receive.
    let fake_rt = xano_tests::fake_realtime::FakeRealtime::start().await;
    let options = xano_runtime::realtime::RealtimeOptions::v1(&fake_rt.origin, "conn1")
        .token(xano_tests::fake_realtime::REALTIME_TOKEN);
    let realtime = xano_runtime::realtime::Realtime::connect(options).await?;
    let mut room = realtime.channel("book/1", Default::default())?;
    room.message(
        serde_json::json!({"text": "Anyone reading Dune?"}),
        Default::default(),
    )?;
    while let Some(event) = room.next().await {
        if event.action == xano_runtime::realtime::Action::Message {
            println!(
                "  realtime {}: {}",
                event.channel.unwrap_or_default(),
                event.payload
            );
            break;
        }
    }

    match books.get_books_by_book_id(404).await {
        Err(err) if err.is_not_found() => println!("book 404: {err}"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}
