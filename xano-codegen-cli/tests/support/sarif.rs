//! The SARIF 2.1.0 schema that serde-sarif ships, as the judge of our SARIF.

use std::path::Path;

/// The SARIF 2.1.0 JSON schema that serde-sarif ships (found through cargo metadata).
fn schema() -> serde_json::Value {
    // Only this platform's packages: all of them are already downloaded.
    let rustc = std::process::Command::new("rustc")
        .arg("-vV")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .unwrap();
    let metadata = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--filter-platform",
            &host,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // A cargo that inherits a terminal's stdin can cache a failed probe of rustc.
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        metadata.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&metadata.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout).unwrap();
    let manifest = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif is a dev-dependency");
    let schema = Path::new(manifest)
        .parent()
        .unwrap()
        .join("src/schema.json");
    serde_json::from_slice(&std::fs::read(schema).unwrap()).unwrap()
}

/// What the official SARIF 2.1.0 schema finds wrong with `sarif`.
pub fn errors(sarif: &serde_json::Value) -> Vec<String> {
    // The official schema's `language` patterns have a stray `]` that the
    // meta-schema check rejects as a regex; use the pattern they mean.
    let mut schema = schema();
    for definition in ["run", "toolComponent"] {
        schema["definitions"][definition]["properties"]["language"]["pattern"] =
            serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    }
    let validator = jsonschema::validator_for(&schema).unwrap();
    validator
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}
