//! What a newcomer sees: each message the CLI gives for a common mistake or
//! situation, and the quiet paths (`--quiet`, a closed pipe). One test per
//! message, run on the real binary.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Output;

fn bookstore() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/specs/bookstore.json")
}

fn quirks() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../xano-codegen/tests/fixtures/quirks.json")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("xano-codegen")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .env_remove("XANO_META_TOKEN")
        .env_remove("XANO_META_ORIGIN")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn workspace_true_in_xano_toml_says_what_to_write() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("xano.toml"), "[xano]\nworkspace = true\n").unwrap();
    let output = run_in(dir.path(), &["generate"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("xano.toml:2"), "{message}");
    assert!(
        message.contains("expected a workspace id (a number, `workspace = 2`) or name"),
        "{message}"
    );
    assert!(!message.contains("untagged enum"), "{message}");
}

#[test]
fn audit_without_xano_toml_gives_the_hint_generate_gives() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["audit", "generate"] {
        let output = run_in(dir.path(), &[command]);
        assert_eq!(output.status.code(), Some(2));
        let message = stderr(&output);
        assert!(
            message.contains("no SPEC given and no xano.toml in the current directory"),
            "{command}: {message}"
        );
        assert!(
            message.contains(&format!("try `xano-codegen {command} specs/api.json")),
            "{message}"
        );
    }
}

#[test]
fn offline_list_says_why_it_waits_and_what_failed() {
    // A port nothing listens on: connection refused, as when offline.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("xano-codegen")
        .unwrap()
        .current_dir(dir.path())
        .args(["list", "--retry-delay-ms", "10"])
        .env("XANO_META_ORIGIN", &origin)
        .env("XANO_META_TOKEN", "secret-meta-token")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    let retries = message
        .lines()
        .filter(|l| l.contains("retrying in"))
        .count();
    assert_eq!(retries, 3, "{message}");
    let last = message.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: "), "{message}");
    assert!(
        last.to_ascii_lowercase().contains("connection refused"),
        "the cause is named: {last}"
    );
    assert!(last.contains("(after 4 attempts)"), "{last}");
    assert!(!message.contains("secret-meta-token"));
}

#[test]
fn audit_warns_about_unknown_and_stale_allow_entries() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("specs")).unwrap();
    std::fs::copy(bookstore(), dir.path().join("specs/bookstore.json")).unwrap();
    std::fs::write(
        dir.path().join("xano.toml"),
        "[audit]\nallow = [\"public-wrte\", \"unbounded-list GET /nowhere\", \"unbounded-list\"]\n",
    )
    .unwrap();
    let output = run_in(dir.path(), &["audit"]);
    let message = stderr(&output);
    assert!(
        message.contains(
            "warning: xano.toml [audit] allow `public-wrte`: no rule `public-wrte` (did you mean `public-write`?)"
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "warning: xano.toml [audit] allow `unbounded-list GET /nowhere`: matches no finding"
        ),
        "{message}"
    );
    // An entry that does allow something is not warned about.
    assert!(!message.contains("allow `unbounded-list`:"), "{message}");
}

#[test]
fn a_yaml_spec_is_named_as_yaml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("api.yaml"),
        "# exported\nopenapi: 3.0.0\ninfo:\n  title: api\npaths: {}\n",
    )
    .unwrap();
    let output = run_in(dir.path(), &["generate", "api.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("api.yaml: this is a YAML spec"),
        "{message}"
    );
    assert!(!message.contains("not valid JSON"), "{message}");
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    // Output far larger than a pipe's buffer, read for a few bytes only.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("big.json");
    let big = serde_json::to_vec(&xano_codegen::synthetic::spec(400)).unwrap();
    std::fs::write(&spec, big).unwrap();
    for command in ["normalize", "generate"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xano-codegen"))
            .args(
                [command, "--quiet"]
                    .iter()
                    .filter(|a| command == "generate" || **a != "--quiet"),
            )
            .arg(&spec)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 16];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut head).unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let message = stderr(&output);
        assert!(output.status.success(), "{command}: {message}");
        assert!(
            !message.contains("Broken pipe") && !message.contains("error"),
            "{command}: {message}"
        );
    }
}

#[test]
fn quiet_prints_nothing_and_verbose_lists_every_repair() {
    // (The bookstore has repairs to report but nothing to warn about.)
    let quiet = run_in(
        Path::new("."),
        &["generate", "--quiet", bookstore().to_str().unwrap()],
    );
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "", "--quiet");
    let quiet = run_in(
        Path::new("."),
        &["generate", "--quiet", quirks().to_str().unwrap()],
    );
    assert!(
        stderr(&quiet).lines().all(|l| l.starts_with("warning: ")),
        "--quiet keeps warnings only:\n{}",
        stderr(&quiet)
    );
    let default = run_in(Path::new("."), &["generate", quirks().to_str().unwrap()]);
    let summary = stderr(&default);
    assert_eq!(
        summary.lines().filter(|l| l.starts_with("note: ")).count(),
        1,
        "one summary line per spec by default:\n{summary}"
    );
    let verbose = run_in(
        Path::new("."),
        &["generate", "-v", quirks().to_str().unwrap()],
    );
    assert!(
        stderr(&verbose)
            .lines()
            .filter(|l| l.starts_with("note: "))
            .count()
            > 5,
        "{}",
        stderr(&verbose)
    );
}

#[test]
fn the_order_of_the_specs_does_not_change_the_output() {
    let (a, b) = (bookstore(), quirks());
    let forward = run_in(
        Path::new("."),
        &[
            "generate",
            "--quiet",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
    );
    let backward = run_in(
        Path::new("."),
        &[
            "generate",
            "--quiet",
            b.to_str().unwrap(),
            a.to_str().unwrap(),
        ],
    );
    assert!(forward.status.success() && backward.status.success());
    assert!(
        forward.stdout == backward.stdout,
        "swapping two specs changed the generated code"
    );
}

#[test]
fn xano_toml_derives_reach_the_generated_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("specs")).unwrap();
    std::fs::copy(bookstore(), dir.path().join("specs/bookstore.json")).unwrap();
    std::fs::write(
        dir.path().join("xano.toml"),
        "[xano]\nout = \"xano.rs\"\nderive = [\"Eq\", \"Hash\"]\n",
    )
    .unwrap();
    let output = run_in(dir.path(), &["generate", "--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let code = std::fs::read_to_string(dir.path().join("xano.rs")).unwrap();
    assert!(
        code.contains("#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]")
            || code.contains("Eq, Hash"),
        "derives from xano.toml are missing"
    );
}

/// A spec with one output object nested `depth` levels deep.
fn nested_spec(depth: usize) -> String {
    let mut schema = serde_json::json!({"type": "string"});
    for _ in 0..depth {
        schema = serde_json::json!({"type": "object", "properties": {"inner": schema}});
    }
    serde_json::json!({
        "openapi": "3.0.0",
        "info": {"title": "Deep", "version": "0.0.1"},
        "servers": [{"url": "https://x.n7.xano.io/api:deep"}],
        "paths": {"/deep": {"get": {"responses": {"200": {
            "description": "Success!",
            "content": {"application/json": {"schema": schema}}
        }}}}}
    })
    .to_string()
}

#[test]
fn rustfmt_asked_for_and_missing_or_failing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let failing = dir.path().join("failing-rustfmt");
    std::fs::write(
        &failing,
        "#!/bin/sh\necho 'error: the stand-in fails' >&2\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = dir.path().join("xano.rs");
    for (rustfmt, says) in [
        (Path::new("/nonexistent/rustfmt"), "could not be run"),
        (failing.as_path(), "the stand-in fails"),
    ] {
        let output = Command::cargo_bin("xano-codegen")
            .unwrap()
            .args(["generate", "--rustfmt", "-o"])
            .arg(&out)
            .arg(bookstore())
            .env("RUSTFMT", rustfmt)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let message = stderr(&output);
        assert!(message.contains("error: rustfmt: "), "{message}");
        assert!(message.contains(says), "{message}");
        assert!(!out.exists(), "nothing written");
    }
    // `--edition` only means something to rustfmt.
    let output = run_in(
        dir.path(),
        &[
            "generate",
            "--edition",
            "2024",
            bookstore().to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--rustfmt"), "{}", stderr(&output));
}

#[test]
fn a_schema_cut_to_json_is_a_warning_without_verbose() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deep.json"), nested_spec(40)).unwrap();
    let output = run_in(dir.path(), &["generate", "deep.json", "-o", "xano.rs"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("warning: deep.json#/paths/~1deep/get/responses/200/content/application~1json/schema/properties/inner/"),
        "{message}"
    );
    assert!(
        message.contains("nested deeper than 32 levels"),
        "{message}"
    );
}

#[test]
fn two_groups_with_one_title_are_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for canonical in ["one", "two"] {
        let spec = nested_spec(1).replace("api:deep", &format!("api:{canonical}"));
        std::fs::write(dir.path().join(format!("{canonical}.json")), spec).unwrap();
    }
    let output = run_in(
        dir.path(),
        &["generate", "one.json", "two.json", "-o", "xano.rs"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("warning: two.json#/info/title: module `deep` is also wanted by `Deep` (https://x.n7.xano.io/api:one): this group's module is `deep_2`"),
        "{message}"
    );
}

#[test]
fn an_unknown_type_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let spec = nested_spec(1).replace("\"type\":\"string\"", "\"type\":\"strin\"");
    assert!(spec.contains("strin\""));
    std::fs::write(dir.path().join("typo.json"), spec).unwrap();
    let output = run_in(dir.path(), &["generate", "typo.json", "-o", "xano.rs"]);
    let message = stderr(&output);
    assert!(
        message
            .contains("`type` is `strin`, which is not an OpenAPI type (did you mean `string`?)"),
        "{message}"
    );
    assert!(!message.contains("mixing keywords"), "{message}");
}

#[cfg(unix)]
#[test]
fn written_files_keep_their_mode_or_get_the_usual_one() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let probe = dir.path().join("probe");
    std::fs::write(&probe, b"").unwrap();
    let spec = bookstore();
    let spec = spec.to_str().unwrap();
    for command in [
        vec!["generate", spec, "-o", "new.rs"],
        vec!["normalize", spec, "-o", "new.json"],
    ] {
        let output = run_in(dir.path(), &command);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let written = dir.path().join(command[3]);
        assert_eq!(
            mode(&written),
            mode(&probe),
            "{command:?}: not the umask's mode"
        );
        // Over an existing file, its mode stays.
        std::fs::set_permissions(&written, std::fs::Permissions::from_mode(0o664)).unwrap();
        let output = run_in(dir.path(), &command);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(mode(&written), 0o664, "{command:?}");
    }
}
