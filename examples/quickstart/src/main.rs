//! The whole flow a Xano app needs, offline: `cargo run -p quickstart`.
//!
//! 1. start the bundled fake Xano on 127.0.0.1 (in your app: your instance),
//! 2. sign up, then log in and keep the token in the session,
//! 3. call an authenticated endpoint,
//! 4. walk a paged list,
//! 5. handle a Xano error.

use futures::TryStreamExt as _;
use quickstart::bookstore as api;

#[tokio::main]
async fn main() -> Result<(), xano_runtime::Error> {
    // 1. In your app: Client::builder(api::ORIGIN) or your custom domain.
    let fake = xano_tests::fake_xano::FakeXano::start().await;
    let xano = xano_runtime::Client::builder(fake.origin()).build()?;
    let books = api::Client::new(&xano);
    println!("1. Xano (fake) at {}", fake.origin());

    // 2. Sign up, then log in; the token goes into the shared session.
    books
        .post_auth_signup(&api::PostAuthSignupInput {
            name: "Grace".into(),
            email: "grace@example.com".into(),
            password: "hunter2!".into(),
        })
        .await?;
    let login = books
        .post_auth_login(&api::PostAuthLoginInput {
            email: "grace@example.com".into(),
            password: "hunter2!".into(),
        })
        .await?;
    xano.session()
        .set_token(login.auth_token.unwrap_or_default());
    println!("2. signed in");

    // 3. An endpoint that requires auth: the bearer token is sent automatically.
    let me = books.get_auth_me().await?;
    xano.session().set_user(&me)?;
    println!("3. /auth/me says {:?} ({:?})", me.name, me.email);

    // 4. Every book, two per page, following nextPage.
    let all: Vec<api::PostBooksOutput> = books
        .get_books_items(api::GetBooksInput {
            per_page: Some(2),
            ..Default::default()
        })
        .try_collect()
        .await?;
    println!(
        "4. {} books over {} pages",
        all.len(),
        all.len().div_ceil(2)
    );

    // 5. Xano's error body becomes a typed error.
    if let Err(err) = books.get_books_by_book_id(999).await {
        println!("5. book 999: {} (code {:?})", err, err.code());
    }
    Ok(())
}
