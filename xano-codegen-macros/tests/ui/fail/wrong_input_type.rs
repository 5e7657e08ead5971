xano_codegen_macros::generate!("tests/ui/specs/bookstore.json");

fn main() {
    let xano = xano_runtime::Client::builder(bookstore::ORIGIN).build().unwrap();
    let api = bookstore::Client::new(&xano);
    // The login endpoint takes its own input type, not the book list's.
    let _ = api.post_auth_login(&bookstore::GetBooksInput::default());
}
