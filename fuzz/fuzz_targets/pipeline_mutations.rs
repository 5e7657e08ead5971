//! Structure-aware: the fuzzer's bytes choose a bundled spec and one to four
//! hostile edits of it (`xano_codegen::synthetic::mutate`), so every input is close
//! to a real Xano spec and reaches the later stages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

/// The specs the edits start from; `xano-codegen/tests/fuzz_corpus.rs` replays the
/// corpus with the same list, in the same order.
static SEEDS: LazyLock<Vec<serde_json::Value>> = LazyLock::new(|| {
    [
        include_str!("../../examples/specs/bookstore.json"),
        include_str!("../../xano-codegen/tests/fixtures/quirks.json"),
        include_str!("../../xano-codegen/tests/audit/risky.json"),
        include_str!("../../xano-codegen/tests/audit/clean.json"),
    ]
    .iter()
    .map(|text| serde_json::from_str(text).expect("bundled specs are JSON"))
    .collect()
});

fuzz_target!(|data: &[u8]| {
    let bytes = xano_codegen::synthetic::mutated_from_bytes(&SEEDS, data);
    xano_codegen::synthetic::check_pipeline("mutated.json", &bytes);
});
