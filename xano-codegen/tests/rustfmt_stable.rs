//! Generated code is already what `rustfmt` (default configuration, style
//! editions 2021 and 2024) would write,
//! so its bytes do not depend on the machine: the builtin layout is compared with
//! rustfmt's output for every fixture, the bundled and the real specs, both file
//! and directory layouts, and a seeded sweep of synthetic specs whose names,
//! paths, values and types are of every length (where line-breaking rules
//! bite). Where rustfmt is not installed the test says so and skips that part.

use serde_json::{Value, json};
use std::path::PathBuf;
use xano_codegen::write::{Formatting, rustfmt};
use xano_codegen::{RawSpec, Settings};

fn rustfmt_installed() -> bool {
    let found = std::process::Command::new("rustfmt")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "rustfmt is not installed, and CI=true: the builtin layout must be compared with it"
        );
        eprintln!("SKIPPED: rustfmt is not installed; the builtin layout is not compared with it");
    }
    found
}

fn spec_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "examples/specs",
        "xano-codegen/tests/fixtures",
        "../shared/xano-specs",
        "../shared/xano-meta-api",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

/// Every line where `ours` and rustfmt's output differ, for the failure message.
fn first_difference(name: &str, ours: &str, theirs: &str) -> String {
    let line = ours
        .lines()
        .zip(theirs.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| ours.lines().count().min(theirs.lines().count()));
    let show = |text: &str| {
        text.lines()
            .skip(line.saturating_sub(2))
            .take(12)
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "{name}, line {}:\n--- ours\n{}\n--- rustfmt\n{}",
        line + 1,
        show(ours),
        show(theirs)
    )
}

/// Compares with rustfmt in both style editions users have (2021 and 2024,
/// whose sorting and some layouts differ): checked-in generated code passes
/// `cargo fmt --check` in either kind of crate.
fn compare(name: &str, source: &str, failures: &mut Vec<String>) {
    for edition in ["2021", "2024"] {
        match rustfmt(source, edition) {
            Ok(formatted) if formatted == source => {}
            Ok(formatted) => {
                // `XANO_DUMP_DIR=…` keeps both sides of each difference to diff.
                if let Some(dir) = std::env::var_os("XANO_DUMP_DIR") {
                    let stem = name.replace(['/', ' ', '→'], "_");
                    let dir = std::path::Path::new(&dir);
                    std::fs::write(dir.join(format!("{stem}.ours.rs")), source).unwrap();
                    std::fs::write(dir.join(format!("{stem}.rustfmt.rs")), &formatted).unwrap();
                }
                failures.push(format!(
                    "style edition {edition}: {}",
                    first_difference(name, source, &formatted)
                ))
            }
            Err(message) => failures.push(format!("{name}: {message}")),
        }
    }
}

#[test]
fn the_builtin_layout_is_rustfmts_for_every_spec() {
    if !rustfmt_installed() {
        return;
    }
    let mut failures = Vec::new();
    let files = spec_files();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let raw = RawSpec::from_path(path).unwrap();
        let mut settings = Settings::default();
        if name == "bookstore.json" {
            settings.with_stream("POST /chat");
        }
        // The typed fake adds a module and request-type derives: laid out too.
        settings.with_fake(true);
        let generation = xano_codegen::generate(vec![raw], &settings).unwrap();
        compare(
            &name,
            &generation.to_file_source(Formatting::Builtin).unwrap(),
            &mut failures,
        );
        for (file, source) in generation.to_dir_sources(Formatting::Builtin).unwrap() {
            compare(&format!("{name} → {file}"), &source, &mut failures);
        }
    }
    println!("{} specs compared with rustfmt", files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A small deterministic PRNG, so every run sees the same specs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// A word of `len` letters, camelCase or snake_case.
    fn word(&mut self, len: usize) -> String {
        const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
        let camel = self.below(3) == 0;
        let mut word = String::new();
        for i in 0..len.max(1) {
            let c = LETTERS[self.below(26)] as char;
            if i > 0 && i % 7 == 0 {
                if camel {
                    word.push(c.to_ascii_uppercase());
                    continue;
                }
                word.push('_');
            }
            word.push(c);
        }
        word
    }
    fn length(&mut self) -> usize {
        // Mostly ordinary, sometimes longer than names in real workspaces get
        // (in the specs we hold: fields up to 33 characters, path segments 32).
        // Past ~80-character identifiers rustfmt gives up on lines and keeps
        // them as written, which is not a layout to reproduce.
        match self.below(10) {
            0 => 24 + self.below(16),
            1..=3 => 12 + self.below(12),
            _ => 2 + self.below(10),
        }
    }
}

fn property(rng: &mut Rng, depth: usize) -> Value {
    let nullable = rng.below(3) == 0;
    match rng.below(if depth > 1 { 6 } else { 8 }) {
        0 => json!({"type": "string", "nullable": nullable}),
        1 => json!({"type": "integer", "format": "int64"}),
        2 => json!({"type": "number", "format": "timestamptz"}),
        3 => json!({"type": "boolean", "default": "false"}),
        4 => {
            let values: Vec<String> = (0..1 + rng.below(4))
                .map(|_| {
                    let len = rng.length();
                    rng.word(len)
                })
                .collect();
            json!({"type": "string", "enum": values})
        }
        5 => json!({"type": "array", "items": {"type": "string"}}),
        6 => object(rng, depth + 1),
        _ => json!({"type": "array", "items": object(rng, depth + 1)}),
    }
}

fn object(rng: &mut Rng, depth: usize) -> Value {
    let mut properties = serde_json::Map::new();
    for _ in 0..1 + rng.below(5) {
        let len = rng.length();
        properties.insert(rng.word(len), property(rng, depth));
    }
    json!({"type": "object", "properties": properties})
}

/// A Xano-style spec whose every name and value has a random length.
fn stress_spec(rng: &mut Rng) -> Value {
    let mut paths = serde_json::Map::new();
    for _ in 0..6 {
        let mut path = String::new();
        let mut parameters = Vec::new();
        for segment in 0..1 + rng.below(4) {
            let len = rng.length();
            let word = rng.word(len);
            path.push('/');
            path.push_str(&word);
            if rng.below(2) == 0 || segment == 0 && rng.below(3) == 0 {
                let param = format!("{word}_id");
                path.push_str(&format!("/{{{param}}}"));
                let kind = if rng.below(4) == 0 {
                    "string"
                } else {
                    "integer"
                };
                parameters.push(json!({"name": param, "in": "path", "required": true, "schema": {"type": kind}}));
            }
        }
        let method = ["get", "post", "put", "patch", "delete"][rng.below(5)];
        let mut operation = json!({
            "summary": "An endpoint",
            "security": if rng.below(2) == 0 { json!([{"bearerAuth": []}]) } else { json!([]) },
            "responses": {"200": {"description": "Success!", "content": {"application/json": {"schema":
                match rng.below(4) {
                    0 => json!({"type": "array", "items": object(rng, 0)}),
                    1 => json!({"type": "object", "properties": {
                        "itemsReceived": {"type": "integer"}, "curPage": {"type": "integer"},
                        "nextPage": {"type": "integer", "nullable": true}, "prevPage": {"type": "integer", "nullable": true},
                        "items": {"type": "array", "items": object(rng, 0)}}}),
                    _ => object(rng, 0),
                }}}}}
        });
        if method == "get" {
            for _ in 0..rng.below(4) {
                let len = rng.length();
                parameters.push(json!({"name": rng.word(len), "in": "query", "required": rng.below(2) == 0, "schema": property(rng, 2)}));
            }
            if rng.below(2) == 0 {
                parameters.push(json!({"name": "page", "in": "query", "required": false, "schema": {"type": "integer"}}));
            }
        } else {
            let mut body = object(rng, 1);
            if rng.below(4) == 0 {
                body["properties"]["upload"] =
                    json!({"type": "string", "format": "binary", "nullable": true});
            }
            let media = if rng.below(4) == 0 {
                "multipart/form-data"
            } else {
                "application/json"
            };
            operation["requestBody"] = json!({"content": {media: {"schema": body}}});
        }
        operation["parameters"] = Value::Array(parameters);
        paths
            .entry(path)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .unwrap()
            .insert(method.to_owned(), operation);
    }
    let len = rng.length();
    json!({
        "openapi": "3.0.0",
        "info": {"title": rng.word(len), "version": "0.0.1"},
        "servers": [{"url": "https://x8ki-letl-twmt.n7.xano.io/api:stress"}],
        "paths": paths,
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}, "schemas": {}}
    })
}

#[test]
fn the_builtin_layout_is_rustfmts_for_names_of_every_length() {
    if !rustfmt_installed() {
        return;
    }
    let mut rng = Rng(std::env::var("STRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x2026_1124_F0F0));
    let mut failures = Vec::new();
    let specs = std::env::var("STRESS_SPECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    for index in 0..specs {
        let spec = stress_spec(&mut rng);
        let bytes = serde_json::to_vec(&spec).unwrap();
        let raw = RawSpec::from_bytes(format!("stress-{index}.json"), &bytes).unwrap();
        let mut settings = Settings::default();
        // Long derive lists break lines too.
        if index % 3 == 0 {
            settings
                .with_derive("Eq")
                .with_derive("Hash")
                .with_derive("PartialOrd");
        }
        settings.with_fake(index % 2 == 0);
        let generation = xano_codegen::generate(vec![raw], &settings).unwrap();
        let source = generation.to_file_source(Formatting::Builtin).unwrap();
        compare(&format!("stress spec {index}"), &source, &mut failures);
    }
    println!("{specs} stress specs compared with rustfmt");
    assert!(
        failures.is_empty(),
        "{} of {specs} differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(12)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
