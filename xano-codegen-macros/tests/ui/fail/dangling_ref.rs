xano_codegen_macros::generate!(spec = "tests/ui/specs/dangling_ref.json");

fn main() {}
