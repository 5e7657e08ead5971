xano_codegen_macros::generate!("tests/ui/specs/broken.json");

fn main() {}
