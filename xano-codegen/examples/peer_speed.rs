//! Whole-process generation time, ours against a peer generator, measured in one
//! run: for each spec the two processes alternate (so machine noise hits both),
//! and the table gives each side's median and the ratio.
//!
//! `scripts/peer-speed` installs the peer (oas3-gen 0.29.0) into a scratch
//! directory and runs this; by hand:
//! `cargo run --release -p xano-codegen --example peer_speed -- --peer PATH [--runs N] SPEC...`
//!
//! The peer reads OpenAPI it can parse, so it is fed the copy our `normalize`
//! writes (made once, before timing); ours reads the spec as Xano published it.
//! Ours runs with default settings: the builtin layout, no rustfmt.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut peer = None;
    let mut runs = 15usize;
    let mut specs = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--peer" => peer = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            _ => specs.push(PathBuf::from(arg)),
        }
    }
    let peer = peer.expect("--peer PATH (the oas3-gen binary)");
    let ours = std::env::current_exe()
        .expect("own path")
        .parent()
        .and_then(Path::parent)
        .map(|release| release.join("xano-codegen"))
        .expect("target/release");
    assert!(
        ours.exists(),
        "{} is missing: cargo build --release -p xano-codegen",
        ours.display()
    );
    let scratch = tempfile::tempdir().expect("scratch dir");

    println!("| spec | operations | ours (median of {runs}) | oas3-gen 0.29.0 | ours ÷ oas3-gen |");
    println!("|---|---|---|---|---|");
    let mut ratios = Vec::new();
    for spec in &specs {
        let name = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(spec).expect("read spec");
        let raw = xano_codegen::RawSpec::from_bytes(name.clone(), &bytes).expect("spec");
        let mut normalized = raw.json.clone();
        xano_codegen::normalize::normalize(&mut normalized);
        let operations = count_operations(&normalized);
        let repaired = scratch.path().join(format!("{name}.json"));
        std::fs::write(&repaired, serde_json::to_vec(&normalized).unwrap()).unwrap();

        let our_out = scratch.path().join(format!("{name}.rs"));
        let peer_out = scratch.path().join(format!("{name}-peer"));
        let mut our_command = Command::new(&ours);
        our_command
            .arg("generate")
            .arg("--quiet")
            .arg(spec)
            .arg("-o")
            .arg(&our_out);
        let mut peer_command = Command::new(&peer);
        peer_command
            .args(["generate", "client-mod", "-i"])
            .arg(&repaired)
            .arg("-o")
            .arg(&peer_out);

        // One untimed run each (page cache, and proof both succeed).
        time(&mut our_command);
        time(&mut peer_command);
        let mut our_times = Vec::new();
        let mut peer_times = Vec::new();
        for _ in 0..runs {
            our_times.push(time(&mut our_command));
            peer_times.push(time(&mut peer_command));
        }
        let (our, theirs) = (median(our_times), median(peer_times));
        let ratio = our.as_secs_f64() / theirs.as_secs_f64();
        ratios.push(ratio);
        println!(
            "| {name} | {operations} | {:.1} ms | {:.1} ms | **{ratio:.2}×** |",
            ms(our),
            ms(theirs)
        );
    }
    if !ratios.is_empty() {
        let geometric = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        println!("| geometric mean | | | | **{geometric:.2}×** |");
    }
}

/// Wall time of one process run; panics (with its stderr) when it fails.
fn time(command: &mut Command) -> Duration {
    let started = Instant::now();
    let output = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("spawn");
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn count_operations(spec: &serde_json::Value) -> usize {
    spec.get("paths")
        .and_then(|paths| paths.as_object())
        .map(|paths| {
            paths
                .values()
                .filter_map(|item| item.as_object())
                .map(|item| {
                    item.keys()
                        .filter(|k| {
                            ["get", "put", "post", "delete", "patch", "head", "options"]
                                .contains(&k.as_str())
                        })
                        .count()
                })
                .sum()
        })
        .unwrap_or(0)
}
