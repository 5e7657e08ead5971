//! `generate!`: a typed Xano client from spec files, at compile time.
//!
//! ```ignore
//! xano_codegen_macros::generate!("specs/bookstore.json");
//! // expands to `pub mod bookstore { … }`: exactly what `xano-codegen generate` writes
//!
//! xano_codegen_macros::generate!(
//!     spec = "specs/bookstore.json",
//!     module = "shop",             // instead of the group's title
//!     derives = ["Eq", "Hash"],    // added to every generated type
//! );
//! xano_codegen_macros::generate!(specs = ["specs/auth.json", "specs/shop.json"]);
//! ```
//!
//! Paths are relative to the crate's `CARGO_MANIFEST_DIR`. Editing a spec
//! recompiles the crate (the expansion `include_bytes!`s it). A missing file, bad
//! JSON, an invalid spec or a bad argument is a compile error on the argument at
//! fault, naming the file and the JSON pointer (or line and column).

use proc_macro::TokenStream;
use std::path::PathBuf;
use syn::parse_macro_input;
use xano_codegen::macro_input::MacroInput;

/// Expands to one `pub mod <group>` per spec: the code the CLI would write for the
/// same specs and settings. See the crate docs for the arguments.
#[proc_macro]
pub fn generate(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as MacroInput);
    // The override lets trybuild tests (whose crates live under `target/`) resolve
    // paths against this crate, as dtolnay suggests for macros that read files.
    let base = std::env::var_os("XANO_CODEGEN_MANIFEST_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"));
    let Some(base) = base.map(PathBuf::from) else {
        return syn::Error::new(
            proc_macro2::Span::call_site(),
            "CARGO_MANIFEST_DIR is not set: build through cargo",
        )
        .to_compile_error()
        .into();
    };
    input
        .expand(&base)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
