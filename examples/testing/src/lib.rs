//! Testing your own code against the typed fake of an API group.
//!
//! The service functions below are what an application would write on top of
//! the generated bookstore client (`src/generated.rs`, written by
//! `xano-codegen generate --fake examples/specs/bookstore.json -o examples/testing/src/generated.rs`).
//! Their tests, at the end of this file, run them against
//! `bookstore::fake::Server`: a real server on 127.0.0.1 that answers with the
//! typed handlers each test registers and records every call. A field renamed
//! in the spec breaks these tests at compile time, as it breaks the client.
//!
//! `tests/hand_written_stubs.rs` has the same cases written the usual way (an
//! HTTP stub answering untyped JSON), for comparison.

// The generated client and its fake raise no warnings, `missing_docs` included.
#![deny(warnings, missing_docs)]

mod generated;

pub use generated::bookstore;

use bookstore as api;
use futures::TryStreamExt as _;
use xano_runtime::StatusCode;

/// Which books need restocking.
#[derive(Debug, Clone, PartialEq)]
pub struct RestockReport {
    /// How many books were checked.
    pub checked: usize,
    /// The titles out of stock, in catalogue order.
    pub out_of_stock: Vec<String>,
}

/// Walks every page of the catalogue (`GET /books`, 50 per page) and lists the
/// books out of stock.
pub async fn restock_report(books: &api::Client) -> Result<RestockReport, xano_runtime::Error> {
    let all: Vec<api::Book> = books
        .get_books_items(api::GetBooksInput {
            per_page: Some(50),
            ..Default::default()
        })
        .try_collect()
        .await?;
    Ok(RestockReport {
        checked: all.len(),
        out_of_stock: all
            .into_iter()
            .filter(|book| book.in_stock == Some(false))
            .filter_map(|book| book.title)
            .collect(),
    })
}

/// Why signing in failed.
#[derive(Debug)]
pub enum SignInError {
    /// Xano refused the email and password.
    WrongPassword,
    /// Anything else (network, server).
    Xano(xano_runtime::Error),
}

/// Logs in and keeps the token in `xano`'s session, so every later call is
/// signed in.
pub async fn sign_in(
    xano: &xano_runtime::Client,
    email: &str,
    password: &str,
) -> Result<(), SignInError> {
    let login = api::Client::new(xano)
        .post_auth_login(&api::PostAuthLoginInput {
            email: email.into(),
            password: password.into(),
        })
        .await
        .map_err(|err| match err.status() {
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => SignInError::WrongPassword,
            _ => SignInError::Xano(err),
        })?;
    match login.auth_token {
        Some(token) => {
            xano.session().set_token(token);
            Ok(())
        }
        None => Err(SignInError::WrongPassword),
    }
}

/// Adds a book tagged `new` (signed in: `POST /books` needs a token) and returns
/// its id.
pub async fn add_book(
    books: &api::Client,
    title: &str,
    price: f64,
) -> Result<i64, xano_runtime::Error> {
    let created = books
        .post_books(&api::PostBooksInput {
            title: title.into(),
            author_id: 1,
            genre: None,
            price,
            in_stock: Some(true),
            tags: Some(vec!["new".into()]),
            metadata: None,
        })
        .await?;
    Ok(created.id.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::fake::Server;
    use xano_runtime::fake::XanoError;
    use xano_runtime::{Client, Page, Secret};

    fn book(id: i64, title: &str, in_stock: bool) -> api::Book {
        api::Book {
            id: Some(id),
            title: Some(title.into()),
            in_stock: Some(in_stock),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn the_report_walks_every_page() {
        let fake = Server::start().await;
        fake.get_books(|input| {
            Ok(match input.page.unwrap_or(1) {
                1 => Page {
                    next_page: Some(2),
                    ..Page::of(vec![book(1, "Dune", true), book(2, "Emma", false)])
                },
                _ => Page::of(vec![book(3, "Ulysses", false)]),
            })
        });

        let report = restock_report(&fake.client().unwrap()).await.unwrap();

        assert_eq!(report.checked, 3);
        assert_eq!(report.out_of_stock, ["Emma", "Ulysses"]);
        let calls = fake.calls().get_books();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].args.page, Some(2));
        assert_eq!(calls[1].args.per_page, Some(50));
    }

    #[tokio::test]
    async fn signing_in_keeps_the_token_and_a_wrong_password_is_its_own_error() {
        let fake = Server::start().await;
        fake.post_auth_login(|input| {
            if input.password.expose_secret() == "right" {
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

        let wrong = sign_in(&xano, "ada@example.com", "wrong").await;
        assert!(
            matches!(wrong, Err(SignInError::WrongPassword)),
            "{wrong:?}"
        );
        sign_in(&xano, "ada@example.com", "right").await.unwrap();

        // The token is in the session: a protected call goes through.
        api::Client::new(&xano).get_auth_me().await.unwrap();
        assert_eq!(
            fake.calls().get_auth_me()[0].request.bearer(),
            Some("token-1")
        );
    }

    #[tokio::test]
    async fn adding_a_book_sends_the_typed_input_and_needs_a_token() {
        let fake = Server::start().await;
        fake.post_books(|input| {
            Ok(api::Book {
                id: Some(41),
                ..book(0, &input.title, true)
            })
        });
        let xano = Client::builder(fake.origin()).build().unwrap();
        let books = api::Client::new(&xano);

        // Not signed in: the fake answers Xano's 401, as Xano would.
        let refused = add_book(&books, "Dune", 9.5).await.unwrap_err();
        assert!(refused.is_unauthorized(), "{refused}");

        xano.session().set_token("token-1");
        assert_eq!(add_book(&books, "Dune", 9.5).await.unwrap(), 41);
        let sent = &fake.calls().post_books()[1].args;
        assert_eq!((sent.title.as_str(), sent.price), ("Dune", 9.5));
        assert_eq!(sent.tags.as_deref(), Some(&["new".to_owned()][..]));
    }
}
