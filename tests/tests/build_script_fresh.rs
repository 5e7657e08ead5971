//! `Builder::generate_to_out_dir` watches only files that exist: a second build
//! of `examples/build-script` finds its build script fresh (cargo treats a
//! watched file that is missing as changed, which reran the script and
//! rechecked all generated code on every build).

use std::process::Command;

fn build_verbose() -> String {
    let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let output = Command::new(env!("CARGO"))
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
