//! A generated client (the bookstore example) against the fake Xano on 127.0.0.1:
//! what the server sees, and what the client gets back.

use xano_runtime::{Client, Error, File};
use xano_tests::fake_xano::{BOOKSTORE_GROUP, FakeXano, RecordedBody};
use xano_tests::generated::bookstore_spec::bookstore as api;

async fn setup() -> (FakeXano, Client, api::Client) {
    let fake = FakeXano::start().await;
    let xano = Client::builder(fake.origin()).build().expect("client");
    let books = api::Client::new(&xano);
    (fake, xano, books)
}

async fn sign_in(xano: &Client, books: &api::Client) -> String {
    let token = xano_tests::sign_up(books, "ada@example.com", "correct horse").await;
    xano.session().set_token(token.clone());
    token
}

#[tokio::test]
async fn signup_login_and_authenticated_calls() {
    let (fake, xano, books) = setup().await;
    let signup_token = sign_in(&xano, &books).await;
    let login = books
        .post_auth_login(&api::PostAuthLoginInput {
            email: "ada@example.com".into(),
            password: "correct horse".into(),
        })
        .await
        .expect("login");
    assert_ne!(
        login
            .auth_token
            .as_ref()
            .map(xano_runtime::Secret::expose_secret),
        Some(signup_token.as_str())
    );

    let me = books.get_auth_me().await.expect("me");
    assert_eq!(me.email.as_deref(), Some("ada@example.com"));
    assert_eq!(me.role, Some(api::Role::Reader));

    // Public endpoints never carry the token, protected ones always do.
    let seen = fake.last("/auth/login");
    assert_eq!(seen.path, format!("{BOOKSTORE_GROUP}/auth/login"));
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(
        seen.body,
        RecordedBody::Json(
            serde_json::json!({"email": "ada@example.com", "password": "correct horse"})
        )
    );
    let seen = fake.last("/auth/me");
    assert_eq!(seen.method, "GET");
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {signup_token}").as_str())
    );
    assert!(
        seen.header("user-agent")
            .is_some_and(|ua| ua.starts_with("xano-runtime/"))
    );
    books.get_books_count().await.expect("count");
    assert_eq!(fake.last("/books/count").header("authorization"), None);
}

#[tokio::test]
async fn secrets_print_redacted_but_go_out_whole() {
    let (fake, xano, books) = setup().await;
    sign_in(&xano, &books).await;
    let input = api::PostAuthLoginInput {
        email: "ada@example.com".into(),
        password: "correct horse".into(),
    };
    let login = books.post_auth_login(&input).await.expect("login");
    let token = login.auth_token.clone().expect("a token");
    let shown = format!("{input:?} {login:?}");
    assert!(
        !shown.contains("correct horse") && !shown.contains(token.expose_secret()),
        "{shown}"
    );
    assert!(shown.contains("[redacted]"), "{shown}");
    // The JSON sent keeps the password; the token works as a bearer.
    assert_eq!(
        fake.last("/auth/login").body,
        RecordedBody::Json(
            serde_json::json!({"email": "ada@example.com", "password": "correct horse"})
        )
    );
    xano.session().set_token(token);
    books
        .get_auth_me()
        .await
        .expect("the token from the login authenticates");
}

#[tokio::test]
async fn xano_error_bodies_become_typed_errors() {
    let (_fake, xano, books) = setup().await;
    match books.get_auth_me().await {
        Err(Error::Api {
            status,
            code,
            message,
            ..
        }) => {
            assert_eq!(status, 401);
            assert_eq!(code.as_deref(), Some("ERROR_CODE_UNAUTHORIZED"));
            assert_eq!(message, "Unauthorized - Authentication Required");
        }
        other => panic!("expected a 401, got {other:?}"),
    }
    let missing = books.get_books_by_book_id(999).await.unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");
    assert_eq!(missing.code(), Some("ERROR_CODE_NOT_FOUND"));

    sign_in(&xano, &books).await;
    let err = books
        .post_auth_login(&api::PostAuthLoginInput {
            email: "ada@example.com".into(),
            password: "wrong".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ERROR_CODE_ACCESS_DENIED"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
}

#[tokio::test]
async fn query_inputs_and_the_paging_envelope() {
    let (fake, _xano, books) = setup().await;
    let page = books
        .get_books(&api::GetBooksInput {
            page: Some(2),
            per_page: Some(1),
            ..Default::default()
        })
        .await
        .expect("page 2");
    assert_eq!(page.cur_page, Some(2));
    assert_eq!(page.next_page, Some(3));
    assert_eq!(page.prev_page, Some(1));
    assert_eq!(page.items_total, Some(3));
    let items = page.items;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].title.as_deref(), Some("Atomic Habits"));
    assert_eq!(items[0].genre, Some(api::Genre::SelfHelp));
    // `None` inputs are left out of the query string.
    assert_eq!(
        fake.last("/books").query.as_deref(),
        Some("page=2&per_page=1")
    );

    let last = books
        .get_books(&api::GetBooksInput {
            page: Some(1),
            per_page: Some(10),
            genre: Some(api::Genre::SciFi),
            search: Some("Du".into()),
        })
        .await
        .expect("filtered");
    assert_eq!(
        fake.last("/books").query.as_deref(),
        Some("page=1&per_page=10&genre=sci-fi&search=Du")
    );
    assert_eq!(last.next_page, None, "the last page has nextPage null");
    assert_eq!(last.items.len(), 1);

    // Arrays use Xano's `name[]=` form.
    let found = books
        .get_search_books_2(&api::GetSearchBooks2Input {
            q: "e".into(),
            tags: Some(vec!["classic".into(), "rare".into()]),
        })
        .await
        .expect("search");
    assert_eq!(
        fake.last("/search-books").query.as_deref(),
        Some("q=e&tags%5B%5D=classic&tags%5B%5D=rare")
    );
    assert!(found.is_empty(), "no seeded book is tagged rare");
}

#[tokio::test]
async fn json_bodies_path_params_and_delete_with_a_body() {
    let (fake, xano, books) = setup().await;
    sign_in(&xano, &books).await;
    let created = books
        .post_books(&api::PostBooksInput {
            title: "Snow Crash".into(),
            author_id: 7,
            genre: Some(Some(api::Genre::Other("cyberpunk".into()))),
            price: 12.5,
            in_stock: None,
            tags: Some(vec!["90s".into()]),
            metadata: Some(serde_json::json!({"shelf": "B2"})),
        })
        .await
        .expect("create");
    assert_eq!(
        fake.last("/books").body,
        RecordedBody::Json(serde_json::json!({"title": "Snow Crash", "author_id": 7,
            "genre": "cyberpunk", "price": 12.5, "tags": ["90s"], "metadata": {"shelf": "B2"}}))
    );
    let id = created.id.expect("id");
    assert_eq!(created.genre, Some(api::Genre::Other("cyberpunk".into())));

    let edited = books
        .patch_books_by_book_id(
            id,
            &api::PatchBooksByBookIdInput {
                price: Some(11.0),
                ..Default::default()
            },
        )
        .await
        .expect("patch");
    assert_eq!(edited.price, Some(11.0));
    let seen = fake.last(&format!("/books/{id}"));
    assert_eq!(seen.method, "PATCH");
    assert_eq!(
        seen.body,
        RecordedBody::Json(serde_json::json!({"price": 11.0}))
    );

    books
        .delete_books_by_book_id(
            id,
            &api::DeleteBooksByBookIdInput {
                reason: "duplicate".into(),
            },
        )
        .await
        .expect("delete");
    let seen = fake.last(&format!("/books/{id}"));
    assert_eq!(seen.method, "DELETE");
    assert_eq!(
        seen.body,
        RecordedBody::Json(serde_json::json!({"reason": "duplicate"}))
    );
    assert!(
        books
            .get_books_by_book_id(id)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn multipart_uploads_reach_the_server_byte_for_byte() {
    let (fake, xano, books) = setup().await;
    sign_in(&xano, &books).await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let book = books
        .post_books_cover(
            1,
            &api::PostBooksCoverInput {
                image: File::from_bytes("cover.png", bytes.clone()),
                caption: Some("First edition".into()),
            },
        )
        .await
        .expect("upload");
    let cover = book.cover.expect("cover");
    assert_eq!(cover.size, Some(70_000));
    assert_eq!(cover.mime.as_deref(), Some("image/png"));
    assert_eq!(cover.access, Some(api::Access::Public));

    let RecordedBody::Multipart(parts) = fake.last("/books/1/cover").body else {
        panic!("the upload was not multipart");
    };
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].name, "image");
    assert_eq!(parts[0].file_name.as_deref(), Some("cover.png"));
    assert_eq!(parts[0].content_type.as_deref(), Some("image/png"));
    assert_eq!(parts[0].bytes.as_ref(), bytes.as_slice());
    assert_eq!(parts[1].name, "caption");
    assert_eq!(parts[1].bytes.as_ref(), b"First edition");
}

#[tokio::test]
async fn nested_inputs_enums_and_primitive_outputs() {
    let (fake, xano, books) = setup().await;
    sign_in(&xano, &books).await;
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
        .expect("order");
    assert_eq!(order.total, Some(9.5 * 2.0 + 14.0));
    assert_eq!(order.status, Some(api::Status::Pending));
    assert_eq!(order.r#type, Some(api::Type::Delivery));
    assert_eq!(
        fake.last("/orders").body,
        RecordedBody::Json(
            serde_json::json!({"items": [{"book_id": 1, "quantity": 2}, {"book_id": 2}], "type": "delivery"})
        )
    );
    let count: i64 = books.get_books_count().await.expect("count");
    assert_eq!(count, 2);
}

#[tokio::test]
async fn unknown_values_and_fields_are_kept() {
    let (_fake, _xano, books) = setup().await;
    let poetry = books.get_books_by_book_id(3).await.expect("book 3");
    assert_eq!(poetry.genre, Some(api::Genre::Other("poetry".into())));
    assert_eq!(
        poetry.genre.as_ref().map(api::Genre::as_str),
        Some("poetry")
    );
    assert_eq!(
        poetry.extra.get("isbn"),
        Some(&serde_json::json!("978-0-00-000000-0"))
    );
    assert_eq!(
        poetry.created_at,
        Some(xano_runtime::Timestamp::from_millis(1_700_000_000_003))
    );
    // Round trip: what came in goes out unchanged.
    let again: api::GetBooksByBookIdOutput =
        serde_json::from_value(serde_json::to_value(&poetry).expect("serialize"))
            .expect("deserialize");
    assert_eq!(again, poetry);
}

#[tokio::test]
async fn string_path_params_are_encoded_and_trailing_slashes_kept() {
    let (fake, _xano, books) = setup().await;
    let all = books
        .get_authors_by_author_slug_books("le guin/ursula k")
        .await
        .expect("by author");
    assert_eq!(all.len(), 3);
    assert_eq!(
        fake.last("/books/").path,
        format!("{BOOKSTORE_GROUP}/authors/le%20guin%2Fursula%20k/books/")
    );
}

#[tokio::test]
async fn decode_errors_name_the_field() {
    let (fake, _xano, books) = setup().await;
    fake.respond_once(
        "GET".parse().expect("method"),
        &format!("{BOOKSTORE_GROUP}/books/1"),
        200,
        r#"{"id": 1, "title": "Dune", "price": "nine fifty"}"#,
    );
    match books.get_books_by_book_id(1).await {
        Err(Error::Decode {
            status,
            path,
            excerpt,
            ..
        }) => {
            assert_eq!(status, Some(xano_runtime::StatusCode::OK));
            assert_eq!(path, "price");
            assert!(excerpt.contains("nine fifty"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn client_settings_reach_the_server() {
    let fake = FakeXano::start().await;
    let xano = Client::builder(fake.origin())
        .branch("v2")
        .data_source("test")
        .header("X-Tenant", "acme")
        .user_agent("bookstore-app/1.0")
        .build()
        .expect("client");
    api::Client::new(&xano)
        .get_books_count()
        .await
        .expect("count");
    let seen = fake.last("/books/count");
    assert_eq!(seen.header("x-branch"), Some("v2"));
    assert_eq!(seen.header("x-data-source"), Some("test"));
    assert_eq!(seen.header("x-tenant"), Some("acme"));
    assert_eq!(seen.header("user-agent"), Some("bookstore-app/1.0"));

    // A per-call override, without touching the shared client.
    api::Client::new(&xano.with_branch("dev").with_data_source("live"))
        .get_books_count()
        .await
        .expect("count");
    let seen = fake.last("/books/count");
    assert_eq!(seen.header("x-branch"), Some("dev"));
    assert_eq!(seen.header("x-data-source"), Some("live"));
    assert_eq!(seen.header("x-tenant"), Some("acme"));
    api::Client::new(&xano)
        .get_books_count()
        .await
        .expect("count");
    assert_eq!(fake.last("/books/count").header("x-branch"), Some("v2"));
}
