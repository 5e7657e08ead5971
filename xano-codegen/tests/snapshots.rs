//! Generated code for every fixture spec, pinned with insta. The same specs are
//! compiled warning-free by the `xano-tests` crate (its build.rs generates them), so
//! a snapshot can never hold code that does not compile.
//!
//! The real Xano specs in `../shared/xano-specs` are included when that folder
//! exists beside the checkout; otherwise a notice is printed and they are skipped.

use std::path::{Path, PathBuf};
use xano_codegen::write::Formatting;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
}

/// Operations in the raw spec: what must each become one function.
fn count_operations(spec: &Path) -> usize {
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(spec).unwrap()).unwrap();
    json["paths"]
        .as_object()
        .map(|paths| {
            paths
                .values()
                .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.keys()))
                .filter(|k| {
                    [
                        "get", "put", "post", "delete", "options", "head", "patch", "trace",
                    ]
                    .contains(&k.as_str())
                })
                .count()
        })
        .unwrap_or(0)
}

fn check(spec: &Path) {
    let name = spec
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .replace("__", "_");
    let raw = xano_codegen::RawSpec::from_path(spec).unwrap();
    let generation = xano_codegen::generate(vec![raw], &xano_codegen::Settings::default()).unwrap();
    let source = generation.to_file_source(Formatting::Builtin).unwrap();

    let operations = count_operations(spec);
    assert_eq!(generation.groups[0].endpoints.len(), operations, "{name}");
    assert_eq!(
        source.matches("pub async fn ").count(),
        operations,
        "{name}: one function per operation"
    );

    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, source);
    });
}

#[test]
fn fixtures() {
    for spec in specs_in(&workspace().join("xano-codegen/tests/fixtures")) {
        check(&spec);
    }
}

#[test]
fn bundled_example() {
    let specs = specs_in(&workspace().join("examples/specs"));
    assert!(!specs.is_empty());
    for spec in specs {
        check(&spec);
    }
}

#[test]
fn real_xano_specs() {
    let dir = workspace().join("../shared/xano-specs");
    let specs = specs_in(&dir);
    if specs.is_empty() {
        println!(
            "notice: {} not found: the real Xano specs were skipped",
            dir.display()
        );
        return;
    }
    assert_eq!(specs.len(), 3, "expected the three saved Xano specs");
    for spec in specs {
        check(&spec);
    }
}
