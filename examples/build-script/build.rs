//! Generates the bookstore client into `$OUT_DIR/xano.rs`. Reruns only when the
//! spec (or `xano.toml`) changes; never touches the network.

fn main() {
    xano_codegen::Builder::new()
        .with_spec("../specs/bookstore.json")
        .generate_to_out_dir()
        .unwrap_or_else(|err| panic!("{err}"));
}
