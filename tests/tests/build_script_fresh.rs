//! `Builder::generate_to_out_dir` watches only files that exist: a second build
//! of `examples/build-script` finds its build script fresh (cargo treats a
//! watched file that is missing as changed, which reran the script and
//! rechecked all generated code on every build).

use std::process::Command;

fn build_verbose() -> String {
    let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut cargo = Command::new(env!("CARGO"));
    // What cargo sets for this test process is not the user's environment: a
    // build script that watches `CARGO_MANIFEST_DIR` (ring's does) would see it
    // change, and this build and the user's next one would rebuild each other.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_for_tests = name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_BIN_EXE_")
            || [
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
                "OUT_DIR",
            ]
            .contains(&name.as_ref());
        if set_for_tests {
            cargo.env_remove(name.as_ref());
        }
    }
    let output = cargo
        .args(["build", "-v", "-p", "example-build-script"])
        // A cargo that inherits a terminal's stdin can cache a failed probe of rustc.
        .stdin(std::process::Stdio::null())
        .current_dir(workspace)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

#[test]
fn a_second_build_finds_the_build_script_fresh() {
    build_verbose();
    let second = build_verbose();
    let lines: Vec<&str> = second
        .lines()
        .filter(|line| line.contains("example-build-script") || line.contains("build-script-build"))
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line.contains("Fresh example-build-script")),
        "{second}"
    );
    assert!(
        !lines
            .iter()
            .any(|line| line.contains("Dirty") || line.contains("Running")),
        "the build script ran again:\n{}",
        lines.join("\n")
    );
}
