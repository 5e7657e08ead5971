//! Replays the fuzz corpus kept in `fuzz/corpus/` (inputs the fuzzers found that
//! reach new code) through the same check the fuzz targets make, so that every
//! `cargo test` guards what fuzzing covered without needing cargo-fuzz.

use std::path::{Path, PathBuf};
use xano_codegen::synthetic::{Outcome, check_pipeline, mutated_from_bytes};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    files.sort();
    assert!(
        files.len() > 100,
        "{}: the corpus is missing",
        dir.display()
    );
    files
}

fn replay(files: &[PathBuf], input: impl Fn(&[u8]) -> Vec<u8>) -> (usize, usize) {
    let (mut generated, mut rejected) = (0, 0);
    for file in files {
        let bytes = input(&std::fs::read(file).unwrap());
        match check_pipeline(&file.display().to_string(), &bytes) {
            Outcome::Generated(_) => generated += 1,
            Outcome::Rejected => rejected += 1,
        }
    }
    (generated, rejected)
}

#[test]
fn the_bytes_corpus_never_panics() {
    let (generated, rejected) = replay(&corpus("pipeline_bytes"), <[u8]>::to_vec);
    println!("pipeline_bytes: {generated} generated, {rejected} rejected with a location");
    assert!(generated > 0);
}

#[test]
fn the_mutations_corpus_never_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // Same seeds, same order as fuzz/fuzz_targets/pipeline_mutations.rs.
    let seeds: Vec<serde_json::Value> = [
        "examples/specs/bookstore.json",
        "xano-codegen/tests/fixtures/quirks.json",
        "xano-codegen/tests/audit/risky.json",
        "xano-codegen/tests/audit/clean.json",
    ]
    .iter()
    .map(|path| serde_json::from_slice(&std::fs::read(root.join(path)).unwrap()).unwrap())
    .collect();
    let (generated, rejected) = replay(&corpus("pipeline_mutations"), |data| {
        mutated_from_bytes(&seeds, data)
    });
    println!("pipeline_mutations: {generated} generated, {rejected} rejected with a location");
    assert!(generated > 0);
}
