xano_codegen_macros::generate!("tests/ui/specs/nope.json");

fn main() {}
