//! `xano-codegen audit`: every rule on fixtures that trigger it and on one that
//! must stay quiet, the three output formats (SARIF validated against the SARIF
//! 2.1.0 schema), `--fail-on` exit codes and `[audit] allow`.

#[path = "support/sarif.rs"]
mod sarif;

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use xano_codegen::audit::{self, AuditInput, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../xano-codegen/tests/audit")
        .join(name)
}

fn findings(name: &str, public: bool) -> Vec<audit::Finding> {
    let raw = xano_codegen::RawSpec::from_path(&fixture(name)).unwrap();
    let parsed = xano_codegen::parse_spec(&raw).unwrap();
    audit::audit(&AuditInput {
        spec: &parsed.openapi,
        file: name,
        fetched_publicly: public,
    })
}

fn audit_cmd(args: &[&str], dir: Option<&Path>) -> (Option<i32>, String) {
    let mut cmd = Command::cargo_bin("xano-codegen").unwrap();
    cmd.arg("audit").args(args);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let output = cmd.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn every_rule_fires_where_it_should() {
    let found: Vec<(String, String, String, Severity)> = findings("risky.json", true)
        .into_iter()
        .map(|f| (f.rule.to_owned(), f.method, f.path, f.severity))
        .collect();
    let expected = [
        ("secret-in-query", "GET", "/export", Severity::Error),
        ("public-write", "POST", "/orders", Severity::Error),
        ("ghost-crud", "GET", "/products", Severity::Error),
        ("public-user-data", "GET", "/users", Severity::Error),
        (
            "webhook-signature",
            "POST",
            "/webhooks/stripe",
            Severity::Error,
        ),
        ("id-from-input", "GET", "/orders/history", Severity::Warn),
        ("unbounded-list", "GET", "/products", Severity::Warn),
        ("unbounded-list", "GET", "/users", Severity::Warn),
        ("swagger-public", "", "", Severity::Info),
    ];
    let expected: Vec<(String, String, String, Severity)> = expected
        .iter()
        .map(|(r, m, p, s)| (r.to_string(), m.to_string(), p.to_string(), *s))
        .collect();
    assert_eq!(found, expected);
    for rule in audit::RULES {
        assert!(
            found.iter().any(|f| f.0 == rule.id),
            "{} never fires",
            rule.id
        );
    }
}

#[test]
fn no_false_positives_on_a_careful_group() {
    // Login/signup pair, /auth/me, a paged list, /me routes, a signed webhook.
    assert_eq!(findings("clean.json", false), []);
}

#[test]
fn text_report() {
    let (code, text) = audit_cmd(&[fixture("risky.json").to_str().unwrap()], None);
    assert_eq!(code, Some(0), "no --fail-on: exit 0");
    let text = text.replace(fixture("risky.json").to_str().unwrap(), "risky.json");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("audit_risky_text", text);
    });
}

#[test]
fn json_report() {
    let (_, json) = audit_cmd(
        &["--format", "json", fixture("risky.json").to_str().unwrap()],
        None,
    );
    let findings: serde_json::Value = serde_json::from_str(&json).unwrap();
    let first = &findings[0];
    assert_eq!(first["rule"], "secret-in-query");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["group"], "Risky App");
    assert_eq!(first["pointer"], "/paths/~1export/get/parameters/0");
    assert!(first["fix"].as_str().unwrap().contains("header"));
}

#[test]
fn sarif_validates_against_the_schema() {
    let spec = fixture("risky.json");
    let (_, sarif) = audit_cmd(&["--format", "sarif", spec.to_str().unwrap()], None);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    // The official schema's `language` patterns have a stray `]` that the
    // meta-schema check rejects as a regex; use the pattern they mean.
    let errors = sarif::errors(&sarif);
    assert!(errors.is_empty(), "{errors:#?}");
    // And it reads as serde-sarif's typed model.
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(sarif.clone()).unwrap();
    assert_eq!(typed.runs[0].results.as_ref().map(Vec::len), Some(8));
    // Regions point at the operation's line in the (pretty-printed) spec.
    let text = std::fs::read_to_string(&spec).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    let line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .unwrap() as usize;
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .contains("\"parameters\""),
        "line {line}"
    );
    assert_eq!(result["level"], "error");
}

#[test]
fn fail_on_and_allow() {
    let risky = fixture("risky.json");
    let risky = risky.to_str().unwrap();
    assert_eq!(audit_cmd(&["--fail-on", "error", risky], None).0, Some(1));
    assert_eq!(
        audit_cmd(
            &["--fail-on", "warn", fixture("clean.json").to_str().unwrap()],
            None
        )
        .0,
        Some(0)
    );

    // xano.toml: accept the errors deliberately; warnings remain.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("specs")).unwrap();
    std::fs::copy(risky, dir.path().join("specs/risky.json")).unwrap();
    std::fs::write(
        dir.path().join("xano.toml"),
        "[xano]\nspecs = \"specs\"\n\n[audit]\nallow = [\n  \"secret-in-query GET /export\",\n  \"public-write /orders\",\n  \"ghost-crud\",\n  \"public-user-data GET /users\",\n  \"webhook-signature POST /webhooks/stripe\",\n]\n",
    )
    .unwrap();
    let (code, text) = audit_cmd(&["--fail-on", "error"], Some(dir.path()));
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.ends_with("0 error, 3 warn, 0 info (5 allowed by xano.toml)\n"),
        "{text}"
    );
    assert_eq!(
        audit_cmd(&["--fail-on", "warn"], Some(dir.path())).0,
        Some(1)
    );
}
