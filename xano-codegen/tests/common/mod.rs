//! What several test files need: where the workspace and the shared references are.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A folder of `../shared` beside the checkout (`xano-specs`, `xano-meta-api`…).
/// A user's clone has none: the test that needs it is skipped, with a notice.
/// Under `CI=true` a missing folder fails the test instead, so that CI never
/// passes without the references it is meant to be judged by.
pub fn shared(folder: &str) -> Option<PathBuf> {
    let dir = workspace().join("../shared").join(folder);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing, and CI=true: CI must run with ../shared beside the checkout",
        dir.display()
    );
    eprintln!("notice: {} not found: skipped", dir.display());
    None
}

/// The `.json` files of `dir`, sorted.
pub fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
}

/// Every spec of ours (bundled example, fixtures) and, when present, the real
/// Xano specs of `../shared/xano-specs`.
pub fn all_specs() -> Vec<PathBuf> {
    let mut specs = specs_in(&workspace().join("examples/specs"));
    specs.extend(specs_in(&workspace().join("xano-codegen/tests/fixtures")));
    if let Some(dir) = shared("xano-specs") {
        specs.extend(specs_in(&dir));
    }
    specs
}
