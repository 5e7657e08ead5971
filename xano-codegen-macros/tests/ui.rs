//! Compile-time behaviour of `generate!`: generated clients used in real code
//! compile, and every kind of mistake is a clear, located compile error.

#[test]
fn ui() {
    // SAFETY: set before trybuild starts any thread; the macro (running inside the
    // rustc processes trybuild spawns) reads it to find the specs of this crate.
    unsafe { std::env::set_var("XANO_CODEGEN_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR")) };
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
