//! The CLI, build.rs (`Builder`) and the `generate!` macro are three doors to one
//! generator: for the same specs and settings the CLI and build.rs write the
//! same bytes, and the macro expands to the same tokens.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use xano_codegen::Builder;
use xano_codegen::macro_input::MacroInput;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture_specs() -> Vec<PathBuf> {
    let mut specs = vec![workspace().join("examples/specs/bookstore.json")];
    specs.push(workspace().join("xano-codegen/tests/fixtures/quirks.json"));
    let shared = workspace().join("../shared/xano-specs");
    if let Ok(entries) = std::fs::read_dir(&shared) {
        let mut real: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        real.sort();
        specs.extend(real);
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {} is missing",
            shared.display()
        );
        eprintln!(
            "notice: {} not found: comparing on the bundled specs only",
            shared.display()
        );
    }
    specs
}

/// The tokens of generated source (the header comment and layout left out).
fn tokens(source: &str) -> String {
    let file: syn::File = syn::parse_str(source).expect("generated code parses");
    quote::quote!(#file).to_string()
}

/// `assert_eq!` that shows the first differing line rather than two whole files.
fn same(left: &str, right: &str, what: &str) {
    if left != right {
        let (number, (l, r)) = left
            .lines()
            .zip(right.lines())
            .enumerate()
            .find(|(_, (l, r))| l != r)
            .unwrap_or((0, ("<length differs>", "")));
        panic!(
            "{what}: first difference at line {}:\n  {l}\n  {r}",
            number + 1
        );
    }
}

fn cli(specs: &[&Path], derives: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.rs");
    let mut cmd = Command::cargo_bin("xano-codegen").unwrap();
    cmd.arg("generate").args(specs).arg("-o").arg(&out);
    for derive in derives {
        cmd.args(["--derive", derive]);
    }
    let run = cmd.output().unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read_to_string(out).unwrap()
}

fn build_rs(specs: &[&Path], derives: &[&str]) -> String {
    let mut builder = Builder::new();
    for spec in specs {
        builder.with_spec(*spec);
    }
    for derive in derives {
        builder.with_derive(*derive);
    }
    builder
        .generate()
        .unwrap()
        .to_file_source(xano_codegen::write::Formatting::Builtin)
        .unwrap()
}

fn macro_expansion(specs: &[&Path], derives: &[&str]) -> String {
    let list = specs
        .iter()
        .map(|s| format!("{:?}", s.display().to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    let derive_list = derives
        .iter()
        .map(|d| format!("{d:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let args = if derives.is_empty() {
        format!("specs = [{list}]")
    } else {
        format!("specs = [{list}], derives = [{derive_list}]")
    };
    let input: MacroInput = syn::parse_str(&args).unwrap();
    let tokens = input.expand(Path::new("/")).unwrap();
    // The macro adds `const _: &[u8] = include_bytes!(..);` per spec to track it.
    let file: syn::File = syn::parse2(tokens).unwrap();
    let items: Vec<syn::Item> = file
        .items
        .into_iter()
        .filter(|item| !matches!(item, syn::Item::Const(c) if c.ident == "_"))
        .collect();
    quote::quote!(#(#items)*).to_string()
}

#[test]
fn every_spec_alone_and_with_derives() {
    for spec in fixture_specs() {
        for derives in [&[][..], &["Eq"][..]] {
            // `Eq` cannot compile on every type (floats); tokens are compared only.
            let specs = [spec.as_path()];
            let from_cli = cli(&specs, derives);
            same(
                &from_cli,
                &build_rs(&specs, derives),
                &format!("CLI vs build.rs on {}", spec.display()),
            );
            same(
                &tokens(&from_cli),
                &macro_expansion(&specs, derives),
                &format!("CLI vs macro on {}", spec.display()),
            );
        }
    }
}

#[test]
fn several_specs_in_one_file() {
    let specs = fixture_specs();
    let specs: Vec<&Path> = specs.iter().map(PathBuf::as_path).collect();
    let from_cli = cli(&specs, &[]);
    same(&from_cli, &build_rs(&specs, &[]), "CLI vs build.rs");
    same(
        &tokens(&from_cli),
        &macro_expansion(&specs, &[]),
        "CLI vs macro",
    );
    assert!(from_cli.contains("pub mod bookstore"));
}
