//! The client expanded by `generate!`, as a public module of this library.
//! Generated code raises no warnings here, `missing_docs` included.

#![deny(warnings, missing_docs)]

xano_codegen_macros::generate!(spec = "../specs/bookstore.json", module = "shop");
