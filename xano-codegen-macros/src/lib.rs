//! `generate!`: a typed Xano client from a spec file, at compile time.
//!
//! ```ignore
//! xano_codegen_macros::generate!("specs/bookstore.json");
//! // expands to `pub mod bookstore { … }`, exactly what the CLI would write
//! ```
//!
//! The path is relative to the crate's `CARGO_MANIFEST_DIR`. Editing the spec
//! recompiles the crate. Errors (missing file, bad JSON, invalid spec) become
//! compile errors on the path argument, naming the file and JSON pointer.

use proc_macro::TokenStream;
use quote::quote;
use std::path::PathBuf;
use syn::{LitStr, parse_macro_input};

/// Expands to one `pub mod <group>` per spec: the same code `xano-codegen
/// generate` writes. Takes a path string relative to `CARGO_MANIFEST_DIR`.
#[proc_macro]
pub fn generate(input: TokenStream) -> TokenStream {
    let path = parse_macro_input!(input as LitStr);
    match expand(&path) {
        Ok(tokens) => tokens.into(),
        Err(message) => syn::Error::new(path.span(), message)
            .to_compile_error()
            .into(),
    }
}

fn expand(path: &LitStr) -> Result<proc_macro2::TokenStream, String> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or("CARGO_MANIFEST_DIR is not set: run the build through cargo")?;
    let spec = manifest_dir.join(path.value());
    let raw = xano_codegen::RawSpec::from_path(&spec).map_err(|err| err.to_string())?;
    let generation = xano_codegen::generate(&[raw], &xano_codegen::Settings::default())
        .map_err(|err| err.to_string())?;
    let modules = generation.tokens();
    let tracked = spec.display().to_string();
    Ok(quote! {
        // Makes cargo rebuild when the spec changes.
        const _: &[u8] = include_bytes!(#tracked);
        #modules
    })
}
