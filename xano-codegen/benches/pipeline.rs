//! Each pipeline stage on the real Xano specs (when `../shared/xano-specs` exists),
//! the bundled example, and synthetic specs of 100, 1,000 and 5,000 endpoints.
//!
//! `cargo bench -p xano-codegen --bench pipeline`

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::path::Path;
use xano_codegen::{RawSpec, model, normalize, parse, write};

// The allocator the CLI uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn inputs() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut specs = vec![(
        "bookstore".to_owned(),
        std::fs::read(root.join("examples/specs/bookstore.json")).unwrap(),
    )];
    if let Ok(entries) = std::fs::read_dir(root.join("../shared/xano-specs")) {
        let mut real: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        real.sort();
        for path in real {
            let name = path
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .split("__")
                .last()
                .unwrap_or_default()
                .to_owned();
            specs.push((name, std::fs::read(&path).unwrap()));
        }
    }
    for endpoints in [100, 1000, 5000] {
        specs.push((
            format!("synthetic_{endpoints}"),
            serde_json::to_vec(&xano_codegen::synthetic::spec(endpoints)).unwrap(),
        ));
    }
    specs
}

fn stages(c: &mut Criterion) {
    for (name, bytes) in inputs() {
        let mut group = c.benchmark_group(format!("pipeline/{name}"));
        group.sample_size(10);
        let raw = RawSpec::from_bytes(name.clone(), &bytes).unwrap();
        let mut normalized = raw.json.clone();
        normalize::normalize(&mut normalized);
        let spec = parse::parse(&name, &normalized).unwrap();
        let group_ir = model::build(&name, &spec, &raw.sha256, &Default::default()).unwrap();
        group.bench_function(BenchmarkId::new("load", &name), |b| {
            b.iter(|| RawSpec::from_bytes("s", &bytes).unwrap())
        });
        group.bench_function(BenchmarkId::new("normalize", &name), |b| {
            b.iter_batched(
                || raw.json.clone(),
                |mut doc| normalize::normalize(&mut doc),
                criterion::BatchSize::LargeInput,
            )
        });
        group.bench_function(BenchmarkId::new("parse", &name), |b| {
            b.iter(|| parse::parse("s", &normalized).unwrap())
        });
        group.bench_function(BenchmarkId::new("model", &name), |b| {
            b.iter(|| model::build("s", &spec, &raw.sha256, &Default::default()).unwrap())
        });
        group.bench_function(BenchmarkId::new("emit", &name), |b| {
            b.iter(|| xano_codegen::emit::group_module(&group_ir))
        });
        // The baseline the builtin layout replaced: the same text through a
        // rustfmt process (skipped where rustfmt is not installed).
        let text = xano_codegen::emit::group_module(&group_ir);
        if write::rustfmt(&text, "2021").is_ok() {
            group.bench_function(BenchmarkId::new("rustfmt_process", &name), |b| {
                b.iter(|| write::rustfmt(&text, "2021").unwrap())
            });
        }
        group.bench_function(BenchmarkId::new("all", &name), |b| {
            b.iter(|| {
                let raw = RawSpec::from_bytes("s", &bytes).unwrap();
                xano_codegen::generate(vec![raw], &Default::default())
                    .unwrap()
                    .to_file_source(write::Formatting::Builtin)
                    .unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
