//! The bookstore client (one line: the macro reads the spec at compile time).

xano_codegen_macros::generate!("../specs/bookstore.json");
