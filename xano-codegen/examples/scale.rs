//! Time and peak memory of generating synthetic specs of growing size, one size per
//! process so peak memory is that size's own (release build):
//! `cargo run --release -p xano-codegen --example scale -- 100 1000 5000`

use std::time::Instant;

fn peak_rss_mib() -> f64 {
    // Linux: the high-water mark of resident memory.
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

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.len() > 1 {
        // Re-run ourselves once per size.
        let exe = std::env::current_exe().expect("own path");
        for size in sizes {
            let status = std::process::Command::new(&exe)
                .arg(size.to_string())
                .status()
                .expect("run");
            assert!(status.success());
        }
        return;
    }
    let endpoints = sizes.first().copied().unwrap_or(1000);
    let bytes = serde_json::to_vec(&xano_codegen::synthetic::spec(endpoints)).expect("spec");
    let started = Instant::now();
    let raw = xano_codegen::RawSpec::from_bytes("synthetic.json", &bytes).expect("load");
    let generation =
        xano_codegen::generate(&[raw], &xano_codegen::Settings::default()).expect("generate");
    let source = generation
        .to_file_source(xano_codegen::write::Formatting::Prettyplease)
        .expect("format");
    let elapsed = started.elapsed();
    println!(
        "{endpoints:>6} endpoints: {:>5} KiB spec → {:>7} lines in {:>7.1} ms, peak RSS {:.0} MiB",
        bytes.len() / 1024,
        source.lines().count(),
        elapsed.as_secs_f64() * 1000.0,
        peak_rss_mib()
    );
}
