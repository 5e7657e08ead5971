//! Prints how long each pipeline stage takes on the given specs (release build):
//! `cargo run --release -p xano-codegen --example stage_times -- SPEC... [synthetic:N]`
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    for path in std::env::args().skip(1) {
        let t = Instant::now();
        // `synthetic:N` times a synthetic spec of N endpoints.
        let bytes = match path.strip_prefix("synthetic:") {
            Some(n) => serde_json::to_vec(&xano_codegen::synthetic::spec(n.parse().expect("N")))
                .expect("spec"),
            None => std::fs::read(&path).expect("read"),
        };
        let raw = xano_codegen::RawSpec::from_bytes(path.clone(), &bytes).expect("json");
        let t_load = t.elapsed();
        let t = Instant::now();
        let mut doc = raw.json.clone();
        let notes = xano_codegen::normalize::normalize(&mut doc);
        let t_norm = t.elapsed();
        let t = Instant::now();
        let spec = xano_codegen::parse::parse(&path, &doc).expect("parse");
        let t_parse = t.elapsed();
        let t = Instant::now();
        let mut group = xano_codegen::model::build(&path, &spec, &raw.sha256, &Default::default())
            .expect("model");
        group.module = group.module.clone();
        let t_model = t.elapsed();
        let t = Instant::now();
        let text = xano_codegen::emit::group_module(&group);
        let t_emit = t.elapsed();
        println!(
            "{path}: load {t_load:?} normalize {t_norm:?} ({} notes) parse {t_parse:?} model {t_model:?} emit {t_emit:?} -> {} lines",
            notes.len(),
            text.lines().count()
        );
    }
}
