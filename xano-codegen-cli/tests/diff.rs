//! `xano-codegen diff` end to end: the formats (text, JSON, Markdown, SARIF
//! judged by the official schema), `--fail-on` exit codes, directories of specs,
//! and `xano.toml`'s renames applied first.

#[path = "support/sarif.rs"]
mod sarif;

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn bookstore() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/specs/bookstore.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The bookstore, and a copy with a required input added (breaking), auth now
/// required on a public endpoint (wire) and an output field added (additive).
fn pair(dir: &Path) -> (PathBuf, PathBuf) {
    let old = bookstore();
    let mut new = old.clone();
    new["paths"]["/books"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(
            json!({"name": "shelf", "in": "query", "required": true, "schema": {"type": "string"}}),
        );
    new["paths"]["/books/count"]["get"]["security"] = json!([{"bearerAuth": []}]);
    let book = &mut new["paths"]["/books/{book_id}"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["properties"];
    book["isbn"] = json!({"type": "string"});
    let (old_path, new_path) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&old_path, serde_json::to_vec_pretty(&old).unwrap()).unwrap();
    std::fs::write(&new_path, serde_json::to_vec_pretty(&new).unwrap()).unwrap();
    (old_path, new_path)
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::cargo_bin("xano-codegen")
        .unwrap()
        .current_dir(dir)
        .arg("diff")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn text_report_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = pair(dir.path());
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let (code, text, stderr) = run(dir.path(), &[old, new]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        text.starts_with("1 breaking, 1 on the wire, 1 additive\n"),
        "{text}"
    );
    assert!(
        text.contains("[input-added-required] Bookstore: GET /books: new required input `shelf`"),
        "{text}"
    );
    assert!(
        text.contains("rust: field bookstore::GetBooksInput::shelf"),
        "{text}"
    );
    assert!(
        text.contains("[auth-required] Bookstore: GET /books/count"),
        "{text}"
    );
    assert!(text.contains("[output-field-added]"), "{text}");
    for (threshold, expected) in [("breaking", 1), ("wire", 1), ("any", 1)] {
        let (code, _, _) = run(dir.path(), &[old, new, "--fail-on", threshold]);
        assert_eq!(code, Some(expected), "--fail-on {threshold}");
    }
    // Nothing changed: every threshold passes.
    let (code, text, _) = run(dir.path(), &[old, old, "--fail-on", "any"]);
    assert_eq!((code, text.as_str()), (Some(0), "no changes\n"));
}

#[test]
fn json_markdown_and_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = pair(dir.path());
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let (_, json_text, _) = run(dir.path(), &[old, new, "--format", "json"]);
    let report: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(
        report["summary"],
        json!({"breaking": 1, "wire": 1, "additive": 1})
    );
    let breaking = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["class"] == "breaking")
        .unwrap();
    assert_eq!(breaking["kind"], "input-added-required");
    assert_eq!(
        breaking["new_pointer"],
        "/paths/~1books/get/parameters/4/schema"
    );

    let (_, markdown, _) = run(dir.path(), &[old, new, "--format", "markdown"]);
    assert!(markdown.starts_with("### Xano API changes\n"), "{markdown}");
    assert!(
        markdown.contains("#### Breaking for Rust callers (1)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| Bookstore | `GET /books` | new required input `shelf` | `field bookstore::GetBooksInput::shelf` |"),
        "{markdown}"
    );

    let (_, sarif_text, _) = run(dir.path(), &[old, new, "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif_text).unwrap();
    let errors = sarif::errors(&sarif);
    assert!(errors.is_empty(), "{errors:#?}");
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(sarif.clone()).unwrap();
    assert_eq!(typed.runs[0].results.as_ref().map(Vec::len), Some(3));
    let levels: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "warning", "note"]);
}

/// Directories of specs, and a rename `xano.toml` already maps is not reported.
#[test]
fn directories_and_mapped_renames() {
    let dir = tempfile::tempdir().unwrap();
    for side in ["before", "after"] {
        std::fs::create_dir(dir.path().join(side)).unwrap();
    }
    let old = bookstore();
    let mut new = old.clone();
    let item = new["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/books/count")
        .unwrap();
    new["paths"]["/books/total"] = item;
    std::fs::write(dir.path().join("before/shop.json"), old.to_string()).unwrap();
    std::fs::write(dir.path().join("after/shop.json"), new.to_string()).unwrap();
    let (code, text, _) = run(dir.path(), &["before", "after", "--fail-on", "breaking"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("[endpoint-removed]"), "{text}");
    std::fs::write(
        dir.path().join("xano.toml"),
        "[xano]\n\n[xano.rename]\nget_books_total = \"get_books_count\"\n",
    )
    .unwrap();
    let (code, text, _) = run(dir.path(), &["before", "after", "--fail-on", "breaking"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("[endpoint-moved]"), "{text}");
}
