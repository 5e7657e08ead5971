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
