//! Generated code for our own fixture specs, pinned with insta. The same specs
//! are compiled warning-free by the `xano-tests` crate (its build.rs generates
//! them), so a snapshot can never hold code that does not compile.
//!
//! The real Xano specs in `../shared/xano-specs` (other people's projects, not
//! ours to check in) are judged at test time instead: one function per
//! operation, the same bytes on every run and in any argument order, a doc
//! comment on every public item; `xano-tests` compiles them and
//! `rustfmt_stable.rs` checks their layout. When the folder is missing a notice
//! is printed and they are skipped.

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

/// Generates `spec` alone and checks what holds for every spec.
fn generate_checked(spec: &Path) -> (String, String) {
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
    (name, source)
}

fn check(spec: &Path) {
    let (name, source) = generate_checked(spec);
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, source);
    });
}

/// Every `pub` item and field of `source` has a doc comment: the nearest line
/// above it that is not an attribute is a `///` line (for a module, its first
/// line inside is a `//!` line).
fn undocumented(source: &str) -> Vec<String> {
    let lines: Vec<&str> = source.lines().collect();
    let mut missing = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let text = line.trim_start();
        if !text.starts_with("pub ") || text.starts_with("pub use ") {
            continue;
        }
        // A module's doc is inside it.
        if text.starts_with("pub mod ")
            && lines
                .get(i + 1)
                .is_some_and(|next| next.trim_start().starts_with("//!"))
        {
            continue;
        }
        // Skip the attributes above, one line or several (`#[serde(` … `)]`).
        let mut j = i;
        let mut in_attribute = false;
        let above = loop {
            let Some(prev) = j.checked_sub(1) else {
                break None;
            };
            j = prev;
            let l = lines[j].trim_start();
            if in_attribute {
                in_attribute = !l.starts_with("#[");
            } else if l.starts_with(")]") {
                in_attribute = true;
            } else if !l.starts_with("#[") {
                break Some(l);
            }
        };
        if !above.is_some_and(|l| l.starts_with("///") || l.starts_with("//!"))
            && !allowed_by_container(&lines, i)
        {
            missing.push(format!("line {}: {text}", i + 1));
        }
    }
    missing
}

/// Whether the field at `line` sits in a struct that allows `missing_docs`
/// (the generator's choice where the spec describes nothing, instead of words
/// that restate a name).
fn allowed_by_container(lines: &[&str], line: usize) -> bool {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(lines[line]);
    let Some(header) = (0..line)
        .rev()
        .find(|&j| indent(lines[j]) < own && lines[j].trim_start().starts_with("pub struct "))
    else {
        return false;
    };
    (0..header)
        .rev()
        .take_while(|&j| lines[j].trim_start().starts_with("#["))
        .any(|j| lines[j].contains("allow(missing_docs"))
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
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {} is missing",
            dir.display()
        );
        eprintln!(
            "notice: {} not found: the real Xano specs were skipped",
            dir.display()
        );
        return;
    }
    assert_eq!(specs.len(), 3, "expected the three saved Xano specs");
    for spec in &specs {
        let (name, source) = generate_checked(spec);
        let missing = undocumented(&source);
        assert!(
            missing.is_empty(),
            "{name}: undocumented items:\n{}",
            missing.join("\n")
        );
        let (_, again) = generate_checked(spec);
        assert_eq!(source, again, "{name}: two runs differ");
    }
    // All three in one file: the order of the arguments does not matter.
    let generate_all = |specs: &[PathBuf]| {
        let raws = specs
            .iter()
            .map(|spec| xano_codegen::RawSpec::from_path(spec).unwrap())
            .collect();
        xano_codegen::generate(raws, &xano_codegen::Settings::default())
            .unwrap()
            .to_file_source(Formatting::Builtin)
            .unwrap()
    };
    let forward = generate_all(&specs);
    let reversed: Vec<PathBuf> = specs.iter().rev().cloned().collect();
    assert!(
        forward == generate_all(&reversed),
        "the output depends on argument order"
    );
}

#[test]
fn fixtures_are_documented() {
    for spec in specs_in(&workspace().join("xano-codegen/tests/fixtures"))
        .into_iter()
        .chain(specs_in(&workspace().join("examples/specs")))
    {
        let (name, source) = generate_checked(&spec);
        let missing = undocumented(&source);
        assert!(
            missing.is_empty(),
            "{name}: undocumented items:\n{}",
            missing.join("\n")
        );
    }
}

/// The typed fake of the bundled example: snapshotted for review, documented
/// like the rest (the users' own docs lint sees it in their test builds).
#[test]
fn bundled_example_with_fake() {
    let spec = workspace().join("examples/specs/bookstore.json");
    let raw = xano_codegen::RawSpec::from_path(&spec).unwrap();
    let mut settings = xano_codegen::Settings::default();
    settings.with_fake(true).with_stream("POST /chat");
    let source = xano_codegen::generate(vec![raw], &settings)
        .unwrap()
        .to_file_source(Formatting::Builtin)
        .unwrap();
    let missing = undocumented(&source);
    assert!(missing.is_empty(), "undocumented:\n{}", missing.join("\n"));
    // One `cfg` naming the feature, on the fake module: a crate that forgot to
    // declare `xano-fake` gets one `unexpected_cfgs` warning, not one per type.
    assert_eq!(source.matches("feature = \"xano-fake\"").count(), 1);
    // One registration per endpoint, plus one per streaming variant.
    assert_eq!(source.matches("impl Handler<").count(), 15 + 1);
    let fake = &source[source.find("pub mod fake").unwrap()..];
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("bookstore_fake", fake);
    });
}
