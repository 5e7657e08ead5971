//! Renames and a replaced type, end to end: the bookstore generated with
//! `get_books` → `list_books`, `Book` → `Novel`, the `GetBooksOutput` alias →
//! `NovelPage`, and `Cover` replaced by the crate's own `custom::Cover`. Its
//! typed fake follows the same names, so the test runs on it.

use futures::TryStreamExt;
use xano_runtime::Page;
use xano_tests::custom;
use xano_tests::generated::bookstore_custom_spec::bookstore as api;

fn novel(id: i64, title: &str) -> api::Novel {
    api::Novel {
        id: Some(id),
        title: Some(title.into()),
        cover: Some(custom::Cover {
            url: Some(format!("https://cdn.example/{id}.png")),
            mime: Some("image/png".into()),
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn renamed_functions_and_types_and_a_replaced_type_work_on_the_wire() {
    let fake = api::fake::Server::start().await;
    // The fake registers under the new name, with the new types.
    fake.list_books(|input: api::GetBooksInput| {
        let page = input.page.unwrap_or(1);
        Ok(api::NovelPage {
            next_page: (page < 2).then_some(page + 1),
            ..Page::of(vec![novel(page, &format!("Dune {page}"))])
        })
    });
    fake.get_books_by_book_id(|id| Ok(novel(id, "Emma")));
    let books = fake.client().unwrap();
    let page: api::NovelPage = books
        .list_books(&api::GetBooksInput::default())
        .await
        .expect("the renamed call");
    let first: &api::Novel = &page.items[0];
    assert_eq!(first.title.as_deref(), Some("Dune 1"));
    // Paging streams follow the new name too.
    let all: Vec<api::Novel> = books
        .list_books_items(api::GetBooksInput::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(fake.calls().list_books().len(), 3);
    // The old alias names of other endpoints still compile; the replaced type
    // crosses the wire both ways.
    let one: api::GetBooksByBookIdOutput = books.get_books_by_book_id(1).await.unwrap();
    let cover: Option<custom::Cover> = one.cover;
    assert_eq!(cover.and_then(|c| c.mime).as_deref(), Some("image/png"));
}
