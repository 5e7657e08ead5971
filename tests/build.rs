//! Generates a client for every fixture spec into `$OUT_DIR`, through the same
//! library the CLI uses, so that `src/lib.rs` compiles all of them under
//! `#![deny(warnings)]` (and CI's clippy `-D warnings` lints them).
//!
//! Specs: the bundled example (`examples/specs`), the hand-written fixtures
//! (`xano-codegen/tests/fixtures`), and, when `../shared/xano-specs` exists beside
//! the checkout, the real Xano specs there (the `xano_shared_specs` cfg is set).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let root = manifest
        .parent()
        .expect("tests/ lives in the workspace")
        .to_owned();
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo::rustc-check-cfg=cfg(xano_shared_specs)");

    let mut specs = Vec::new();
    specs.extend(json_files(&root.join("examples/specs")));
    specs.extend(json_files(&root.join("xano-codegen/tests/fixtures")));
    let shared = root.join("../shared/xano-specs");
    println!("cargo::rerun-if-changed={}", shared.display());
    if shared.is_dir() {
        println!("cargo::rustc-cfg=xano_shared_specs");
        specs.extend(json_files(&shared));
    }

    let mut index = String::new();
    for spec in &specs {
        println!("cargo::rerun-if-changed={}", spec.display());
        // `<stem>_spec`, so that it never equals the group module inside it.
        let module = format!("{}_spec", module_name(spec));

        let raw = xano_codegen::RawSpec::from_path(spec).unwrap_or_else(|err| panic!("{err}"));
        // The bookstore's chat endpoint streams (tests/tests/streaming.rs).
        let mut settings = xano_codegen::Settings::default();
        if module == "bookstore_spec" {
            settings.with_stream("POST /chat");
        }
        let generation =
            xano_codegen::generate(vec![raw], &settings).unwrap_or_else(|err| panic!("{err}"));
        let source = generation
            .to_file_source(xano_codegen::write::Formatting::Prettyplease)
            .unwrap_or_else(|err| panic!("{err}"));
        let file = out_dir.join(format!("{module}.rs"));
        std::fs::write(&file, source).expect("write generated code");
        writeln!(
            index,
            "/// Generated from `{}`.\npub mod {module} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{module}.rs\")); }}",
            spec.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
        )
        .expect("write to a String");
    }
    std::fs::write(out_dir.join("generated.rs"), index).expect("write the index");
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    println!("cargo::rerun-if-changed={}", dir.display());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// `sharetreedev__ep_native_RN__xano-api.json` → `sharetreedev_ep_native_rn_xano_api`.
fn module_name(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    name.trim_matches('_').to_owned()
}
