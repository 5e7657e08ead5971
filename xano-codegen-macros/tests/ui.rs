//! Compile-time behaviour of `generate!`: generated clients used in real code
//! compile, and every kind of mistake is a clear, located compile error.

#[test]
fn ui() {
    // SAFETY: set before trybuild starts any thread; the macro (running inside the
    // rustc processes trybuild spawns) reads it to find the specs of this crate.
    unsafe { std::env::set_var("XANO_CODEGEN_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR")) };
    // trybuild runs cargo with this process's stdin; a cargo that inherits a
    // terminal can cache a failed probe of rustc, so give it nothing to read.
    #[cfg(unix)]
    null_stdin();
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}

#[cfg(unix)]
fn null_stdin() {
    let null = std::fs::File::open("/dev/null").expect("/dev/null");
    // SAFETY: dup2 onto fd 0 with a valid open descriptor; nothing in this test
    // process reads stdin.
    let done = unsafe { libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&null), 0) };
    assert_eq!(done, 0, "stdin not replaced");
}
