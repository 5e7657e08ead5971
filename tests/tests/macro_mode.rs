//! The `generate!` macro expands to the same client the CLI writes.

xano_codegen_macros::generate!("../examples/specs/bookstore.json");

use xano_tests::fake_xano::FakeXano;

#[tokio::test]
async fn the_macro_client_calls_the_fake() {
    let fake = FakeXano::start().await;
    let xano = xano_runtime::Client::builder(fake.origin())
        .build()
        .unwrap();
    let api = bookstore::Client::new(&xano);
    let book = api.get_books_by_book_id(1).await.unwrap();
    assert_eq!(book.title.as_deref(), Some("Dune"));
    assert_eq!(bookstore::API_GROUP, "api:bookstore1");
}

mod with_fake {
    // The macro mode of the typed fake: `fake = true`.
    xano_codegen_macros::generate!(spec = "../examples/specs/bookstore.json", fake = true);
}

#[tokio::test]
async fn the_macro_generates_the_typed_fake_too() {
    use with_fake::bookstore;
    let fake = bookstore::fake::Server::start().await;
    fake.get_books_by_book_id(|id| {
        Ok(bookstore::Book {
            id: Some(id),
            title: Some("From the macro's fake".into()),
            ..Default::default()
        })
    });
    let book = fake
        .client()
        .unwrap()
        .get_books_by_book_id(5)
        .await
        .unwrap();
    assert_eq!(book.title.as_deref(), Some("From the macro's fake"));
    assert_eq!(fake.calls().get_books_by_book_id()[0].args, 5);
}
