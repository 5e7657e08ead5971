//! Calls the fake Xano through the client that `generate!` expanded in this
//! binary itself, under `deny(warnings)` (it calls one endpoint of fifteen).

#![deny(warnings)]

xano_codegen_macros::generate!(spec = "../specs/bookstore.json", module = "shop");

#[tokio::main]
async fn main() -> Result<(), xano_runtime::Error> {
    let fake = xano_tests::fake_xano::FakeXano::start().await;
    let xano = xano_runtime::Client::builder(fake.origin()).build()?;
    let api = shop::Client::new(&xano);
    let found = api
        .get_search_books(&shop::GetSearchBooksInput { q: "Dune".into() })
        .await?;
    println!("macro client: search found {} book(s)", found.len());
    Ok(())
}
