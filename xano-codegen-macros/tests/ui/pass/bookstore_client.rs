// A generated client used the way applications use it.
xano_codegen_macros::generate!(spec = "tests/ui/specs/bookstore.json", module = "shop", derives = ["Default"]);

fn main() {
    let xano = xano_runtime::Client::builder(shop::ORIGIN).branch("dev").build().unwrap();
    let api = shop::Client::new(&xano);
    let input = shop::GetBooksInput { page: Some(2), ..Default::default() };
    // Calls are lazy futures; building them type-checks arguments and outputs.
    let _page = api.get_books(&input);
    let _stream = api.get_books_items(input.clone());
    let cover = shop::PostBooksCoverInput {
        image: xano_runtime::File::from_bytes("cover.png", vec![1, 2, 3]),
        caption: None,
    };
    let _upload = api.post_books_cover(7, &cover);
    let genre: shop::Genre = String::from("poetry").into();
    assert_eq!(genre, shop::Genre::Other("poetry".into()));
    assert_eq!(shop::Genre::SciFi.as_str(), "sci-fi");
}
