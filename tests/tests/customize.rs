//! Renames and a replaced type, end to end: the bookstore generated with
//! `get_books` → `list_books`, `Book` → `Novel`, the `GetBooksOutput` alias →
//! `NovelPage`, and `Cover` replaced by the crate's own `custom::Cover`.

use futures::TryStreamExt;
use xano_runtime::Client;
use xano_tests::custom;
use xano_tests::fake_xano::FakeXano;
use xano_tests::generated::bookstore_custom_spec::bookstore as api;

#[tokio::test]
async fn renamed_functions_and_types_and_a_replaced_type_work_on_the_wire() {
    let fake = FakeXano::start().await;
    let xano = Client::builder(fake.origin()).build().unwrap();
    let books = api::Client::new(&xano);
    let page: api::NovelPage = books
        .list_books(&api::GetBooksInput::default())
        .await
        .expect("the renamed call");
    let first: &api::Novel = &page.items[0];
    assert_eq!(first.title.as_deref(), Some("Dune"));
    // Paging streams follow the new name too.
    let all: Vec<api::Novel> = books
        .list_books_items(api::GetBooksInput::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    // The old alias names of other endpoints still compile.
    let one: api::GetBooksByBookIdOutput = books.get_books_by_book_id(1).await.unwrap();
    let _: Option<custom::Cover> = one.cover;
}
