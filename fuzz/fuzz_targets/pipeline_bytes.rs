//! The whole pipeline from arbitrary bytes: load, normalize, parse, model, emit,
//! format. Any panic (or a stack overflow, or generated code that does not parse)
//! is a crash; errors are expected and fine.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xano_codegen::synthetic::check_pipeline("fuzz.json", data);
});
