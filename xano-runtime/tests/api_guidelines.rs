//! Behaviour of the public API that a reviewer checks against the Rust API
//! guidelines: a library leaves process-wide choices to the application, every
//! public type prints with `Debug` without secrets, and errors name the setting
//! at fault.

use xano_runtime::{Client, Error};

#[test]
fn building_a_client_chooses_no_process_wide_tls_provider() {
    // This test binary installs none; a library must not either.
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    Client::builder("https://x.n7.xano.io").build().unwrap();
    assert!(
        rustls::crypto::CryptoProvider::get_default().is_none(),
        "the runtime installed a process-wide crypto provider"
    );
}

#[test]
fn request_builders_print_the_route_but_no_input() {
    let xano = Client::builder("https://x.n7.xano.io").build().unwrap();
    let request = xano
        .get("/books/{book_id}")
        .path_param("book_id", "secret-id")
        .query("search", &"query-secret")
        .header("X-Key", "header-secret");
    let shown = format!("{request:?}");
    assert!(shown.contains("/books/{book_id}"), "{shown}");
    assert!(shown.contains("search"), "{shown}");
    assert!(!shown.contains("secret"), "{shown}");
}

#[test]
fn a_bad_data_source_is_named_as_such() {
    let err = Client::builder("https://x.n7.xano.io")
        .data_source("test\nsource")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    let message = err.to_string();
    assert!(message.contains("x-data-source"), "{message}");
    assert!(!message.contains("x-branch"), "{message}");
}
