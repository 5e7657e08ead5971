//! The `xano-codegen` command: argument parsing, messages and exit codes only; the
//! work is done by the library.

mod args;
mod audit;
mod diff;
mod generate;
mod list_fetch;
mod remote;

use args::{Cli, Command};
use clap::Parser as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use xano_codegen::Error;

// Generation allocates many small strings; mimalloc makes the whole command
// markedly faster than the system allocator (see the benches).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // An application chooses its TLS provider for the process; the libraries
    // below take it from here.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate::generate(args),
        Command::Normalize(args) => generate::normalize(args),
        Command::Audit(args) => audit::audit(args),
        Command::List(args) => list_fetch::block_on(list_fetch::list(args)),
        Command::Fetch(args) => list_fetch::block_on(list_fetch::fetch(args)),
        Command::Diff(args) => diff::diff(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", err.with_causes());
            ExitCode::from(2)
        }
    }
}

/// The current directory, as an error that says so when it cannot be read.
fn current_dir() -> Result<PathBuf, Error> {
    std::env::current_dir().map_err(|source| Error::Read {
        path: PathBuf::from("."),
        source,
    })
}

/// Writes `text` to standard output. A reader that went away (`| head`) is not
/// an error: the rest is dropped quietly, as other Unix tools do.
fn print(text: &str) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: PathBuf::from("<stdout>"),
            source: err,
        }),
        _ => Ok(()),
    }
}
