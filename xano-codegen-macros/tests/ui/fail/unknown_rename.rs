xano_codegen_macros::generate!(spec = "tests/ui/specs/bookstore.json", rename = { Bok = "Novel" });

fn main() {}
