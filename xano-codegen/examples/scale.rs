//! Time and peak memory of generating synthetic Xano-style specs of growing size,
//! as the CLI does it (read the file, generate, format; mimalloc), one process per
//! run so that peak memory is that run's own (release build):
//! `cargo run --release -p xano-codegen --example scale -- 100 1000 5000`
//!
//! Each size runs three times; the line shows the median time and the largest peak.
//! `-- --write N FILE` only writes the synthetic spec of N endpoints, to time the
//! CLI itself (`hyperfine 'xano-codegen generate FILE -o out.rs'`).

use std::path::Path;
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Linux: the high-water mark of resident memory, in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// One measured run (the child process): prints `<ms> <peak MiB> <lines>`.
fn run_once(spec: &Path) {
    let started = Instant::now();
    let raw = xano_codegen::RawSpec::from_path(spec).expect("load");
    let generation =
        xano_codegen::generate(vec![raw], &xano_codegen::Settings::default()).expect("generate");
    let source = generation
        .to_file_source(xano_codegen::write::Formatting::Builtin)
        .expect("format");
    let elapsed = started.elapsed();
    println!(
        "{} {} {}",
        elapsed.as_secs_f64() * 1000.0,
        peak_rss_mib(),
        source.lines().count()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, spec] if flag == "--run" => return run_once(Path::new(spec)),
        [flag, endpoints, file] if flag == "--write" => {
            let endpoints = endpoints.parse().expect("N endpoints");
            let bytes =
                serde_json::to_vec(&xano_codegen::synthetic::spec(endpoints)).expect("spec");
            return std::fs::write(file, bytes).expect("write");
        }
        _ => {}
    }
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![100, 1000, 5000]
    } else {
        sizes
    };
    let exe = std::env::current_exe().expect("own path");
    let dir = tempfile::tempdir().expect("temp dir");
    for endpoints in sizes {
        let spec = dir.path().join(format!("synthetic-{endpoints}.json"));
        let bytes = serde_json::to_vec(&xano_codegen::synthetic::spec(endpoints)).expect("spec");
        std::fs::write(&spec, &bytes).expect("write spec");
        let mut runs: Vec<(f64, f64, usize)> = (0..3)
            .map(|_| {
                let output = std::process::Command::new(&exe)
                    .arg("--run")
                    .arg(&spec)
                    .output()
                    .expect("run");
                assert!(output.status.success(), "{output:?}");
                let text = String::from_utf8_lossy(&output.stdout);
                let mut fields = text.split_whitespace();
                let mut next = || fields.next().expect("a figure").to_owned();
                (
                    next().parse().expect("ms"),
                    next().parse().expect("MiB"),
                    next().parse().expect("lines"),
                )
            })
            .collect();
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let peak = runs.iter().map(|r| r.1).fold(0.0, f64::max);
        let (ms, _, lines) = runs[1];
        println!(
            "{endpoints:>6} endpoints: {:>5} KiB spec → {lines:>7} lines in {ms:>7.1} ms (median of 3), peak RSS {peak:.0} MiB",
            bytes.len() / 1024,
        );
    }
}
