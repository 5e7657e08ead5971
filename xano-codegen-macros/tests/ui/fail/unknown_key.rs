xano_codegen_macros::generate!(spec = "tests/ui/specs/bookstore.json", colour = "blue");

fn main() {}
