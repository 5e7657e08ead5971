//! The CLI mode end to end, offline: `src/generated.rs` was written by
//!
//! ```text
//! cargo run -p xano-codegen -- generate examples/specs/bookstore.json -o examples/cli/src/generated.rs
//! ```
//!
//! and CI keeps it fresh with `--check`. This program starts the bundled fake Xano
//! on 127.0.0.1 and walks the usual flow: sign up, call an authenticated endpoint,
//! read a paged list, upload a file, and handle a Xano error.

use example_cli::generated::bookstore as api;

#[tokio::main]
async fn main() -> Result<(), xano_runtime::Error> {
    let fake = xano_tests::fake_xano::FakeXano::start().await;
    println!("fake Xano listening on {}", fake.origin());

    // In a real app: xano_runtime::Client::builder(api::ORIGIN) (or your custom domain).
    let xano = xano_runtime::Client::builder(fake.origin()).build()?;
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
    for book in page.items.unwrap_or_default() {
        println!(
            "  #{:?} {:?} ({})",
            book.id,
            book.title,
            book.genre.as_ref().map_or("-", api::Genre::as_str)
        );
    }
    println!("page {:?} of {:?}", page.cur_page, page.page_total);

    let cover = xano_runtime::File::from_bytes("cover.png", vec![0x89, b'P', b'N', b'G']);
    let book = books
        .post_books_by_book_id_cover(
            1,
            &api::PostBooksByBookIdCoverInput {
                image: cover,
                caption: Some("First edition".into()),
            },
        )
        .await?;
    println!("cover uploaded: {:?}", book.cover.and_then(|c| c.url));

    match books.get_books_by_book_id(404).await {
        Err(err) if err.is_not_found() => println!("book 404: {err}"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}
