//! Renames from `xano.toml` as a user writes them: all applied at once to the
//! generated names, and a rename that lands on another endpoint's name is an
//! error that names both.

use assert_cmd::Command;
use std::path::Path;

fn project(renames: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("specs")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/specs/bookstore.json"),
        dir.path().join("specs/bookstore.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("xano.toml"),
        format!("[xano]\nspecs = \"specs\"\nout = \"src/xano.rs\"\n\n[xano.rename]\n{renames}"),
    )
    .unwrap();
    dir
}

fn generate(dir: &Path) -> std::process::Output {
    Command::cargo_bin("xano-codegen")
        .unwrap()
        .arg("generate")
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The function documented as `what` (`GET /books`) in generated `code`.
fn function_of<'a>(code: &'a str, what: &str) -> &'a str {
    let doc = format!("/// `{what}` — ");
    let at = code.find(&doc).unwrap_or_else(|| panic!("no {what}"));
    let rest = &code[at..];
    let name_at = rest.find("pub async fn ").unwrap() + "pub async fn ".len();
    let name = &rest[name_at..];
    &name[..name.find('(').unwrap()]
}

#[test]
fn chained_renames_apply_to_the_generated_names_at_once() {
    let dir = project("get_books = \"post_books\"\npost_books = \"create_book\"\n");
    let run = generate(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    let code = std::fs::read_to_string(dir.path().join("src/xano.rs")).unwrap();
    assert_eq!(function_of(&code, "GET /books"), "post_books");
    assert_eq!(function_of(&code, "POST /books"), "create_book");
}

#[test]
fn a_rename_onto_another_endpoints_name_is_an_error_naming_both() {
    let dir = project("get_books = \"post_books\"\n");
    let run = generate(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`GET /books`"), "{stderr}");
    assert!(stderr.contains("`POST /books`"), "{stderr}");
    assert!(stderr.contains("`post_books`"), "{stderr}");
    assert!(
        stderr.contains("rename `get_books` = `post_books`"),
        "{stderr}"
    );
    assert!(!dir.path().join("src/xano.rs").exists(), "nothing written");
}
