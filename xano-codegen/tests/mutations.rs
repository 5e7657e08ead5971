//! The generator never panics on spec shape: 2,000 seeded mutations of the bundled
//! and fixture specs (and the real ones when `../shared/xano-specs` exists) — keys
//! dropped, types swapped, numbers as strings, unicode and emoji names, empty
//! objects, huge enums, deep nesting. Every run ends in formatted code (which
//! parses as Rust) or in an error that names a JSON pointer (or a line and column).

use serde_json::Value;
use std::path::Path;
use xano_codegen::synthetic::{Choices, Outcome, SplitMix64, check_pipeline, mutate};

fn specs() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs = vec![
        root.join("examples/specs"),
        root.join("xano-codegen/tests/fixtures"),
        root.join("xano-codegen/tests/audit"),
    ];
    let shared = root.join("../shared/xano-specs");
    if shared.is_dir() {
        dirs.push(shared);
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {} is missing",
            shared.display()
        );
    }
    let mut specs = Vec::new();
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for file in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "json"))
        {
            let value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            specs.push((file.display().to_string(), value));
        }
    }
    specs
}

#[test]
fn two_thousand_mutations_never_panic() {
    let specs = specs();
    let mut rng = SplitMix64(0x5EED_2026);
    let (mut generated, mut rejected) = (0, 0);
    for round in 0..2000 {
        // Large real specs are mutated less often: they are slow to generate in debug.
        // The large real specs are slow to generate in a debug build: 1 round in 250.
        let small = specs.len().min(5);
        let (name, base) = &specs[if round % 250 == 0 {
            rng.below(specs.len())
        } else {
            rng.below(small)
        }];
        let mut doc = base.clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut doc, &mut rng);
        }
        let bytes = serde_json::to_vec(&doc).unwrap();
        let origin = format!("{name}#mutation{round}");
        // Code that parses as Rust, or an error with a pointer or line and column;
        // anything else (a panic included) fails the test with the mutation named.
        let outcome = std::panic::catch_unwind(|| check_pipeline(&origin, &bytes));
        match outcome {
            Err(_) => panic!("the generator panicked on mutation {round} of {name}"),
            Ok(Outcome::Generated(_)) => generated += 1,
            Ok(Outcome::Rejected) => rejected += 1,
        }
    }
    println!("{generated} mutated specs generated, {rejected} rejected with a located error");
    assert!(
        generated > 1000,
        "most mutations should still generate ({generated})"
    );
}

/// A spec whose one response schema nests `levels` object schemas, with an
/// `example` of arrays nested as deep, written as text (building it as a `Value`
/// would itself recurse that deep).
fn deep_spec(levels: usize) -> String {
    let mut text = String::from(
        r#"{"openapi": "3.0.0", "info": {"title": "deep", "version": "1"}, "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"example": "#,
    );
    text.push_str(&"[".repeat(levels));
    text.push_str(&"]".repeat(levels));
    text.push_str(r#", "schema": "#);
    text.push_str(&r#"{"type": "object", "properties": {"next": "#.repeat(levels));
    text.push_str(r#"{"type": "string"}"#);
    text.push_str(&"}}".repeat(levels));
    text.push_str("}}}}}}}}");
    text
}

#[test]
fn deep_nesting_fails_cleanly_within_a_limit_the_user_can_raise() {
    let levels = 10_000;
    let text = deep_spec(levels);
    let err = xano_codegen::RawSpec::from_bytes("deep.json", text.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            xano_codegen::Error::Limit {
                position: Some((1, _)),
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.starts_with("deep.json:1:"), "{message}");
    assert!(message.contains("more than 128 levels") && message.contains("--max-depth"));

    // Raised, the same document loads and generates: the deep schema is cut to
    // free-form JSON by `normalize`, and nothing overflows the stack.
    let limits = xano_codegen::Limits {
        max_depth: 3 * levels,
        ..Default::default()
    };
    let raw = xano_codegen::RawSpec::from_bytes_within("deep.json", text.as_bytes(), limits)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(raw.depth, 2 * levels + 9);
    let generation = xano_codegen::generate(vec![raw], &Default::default()).unwrap();
    let source = generation
        .to_file_source(xano_codegen::write::Formatting::Builtin)
        .unwrap();
    assert!(source.contains("pub async fn get_x("), "{source}");
}

#[test]
fn oversized_specs_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    // A 50 MB file (sparse: the refusal comes before any byte is read).
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(50_000_000).unwrap();
    let err = xano_codegen::RawSpec::from_path(&path).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("huge.json: the spec is 47.7 MiB, over the 32.0 MiB limit"),
        "{message}"
    );
    assert!(message.contains("--max-spec-size"), "{message}");
}
