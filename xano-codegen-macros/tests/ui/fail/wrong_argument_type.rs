xano_codegen_macros::generate!(spec = 42);

fn main() {}
