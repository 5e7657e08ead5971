//! The client expanded by `generate!`, as a public module of this library.

xano_codegen_macros::generate!(spec = "../specs/bookstore.json", module = "shop");
