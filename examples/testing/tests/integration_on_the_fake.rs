//! An integration test (`tests/*.rs`) on the typed fake. It compiles with plain
//! `cargo test`: `Cargo.toml` has this crate as its own dev-dependency with the
//! `xano-fake` feature, since `cfg(test)` is not set for the library when an
//! integration test is built.

use example_testing::bookstore::fake::Server;
use example_testing::restock_report;
use xano_runtime::Page;

#[tokio::test]
async fn the_report_from_outside_the_crate() {
    let fake = Server::start().await;
    fake.get_books(|_| {
        Ok(Page::of(vec![example_testing::bookstore::Book {
            title: Some("Emma".into()),
            in_stock: Some(false),
            ..Default::default()
        }]))
    });
    let report = restock_report(&fake.client().unwrap()).await.unwrap();
    assert_eq!(report.out_of_stock, ["Emma"]);
    assert_eq!(fake.calls().get_books()[0].args.per_page, Some(50));
}
