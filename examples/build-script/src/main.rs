//! Calls the fake Xano through the client that `build.rs` generated, compiled in
//! this binary itself under `deny(warnings)` (it calls two endpoints of fifteen).

#![deny(warnings)]

mod xano {
    include!(concat!(env!("OUT_DIR"), "/xano.rs"));
}

use xano::bookstore as api;

#[tokio::main]
async fn main() -> Result<(), xano_runtime::Error> {
    let fake = xano_tests::fake_xano::FakeXano::start().await;
    let xano = xano_runtime::Client::builder(fake.origin()).build()?;
    let books = api::Client::new(&xano);
    let book = books.get_books_by_book_id(1).await?;
    println!("build.rs client: book 1 is {:?}", book.title);
    println!("{} books in stock", books.get_books_count().await?);
    Ok(())
}
