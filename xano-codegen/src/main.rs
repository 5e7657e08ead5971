//! The `xano-codegen` command: argument parsing, messages and exit codes only; the
//! work is done by the library.

use clap::{Args, Parser, Subcommand};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xano_codegen::config::Project;
use xano_codegen::write::{Drift, Formatting, check, write_atomic};
use xano_codegen::{Error, RawSpec, Settings, source};

// Generation allocates many small strings and token trees; mimalloc makes the
// whole command markedly faster than the system allocator (see the benches).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Typed Rust clients for Xano backends.
#[derive(Debug, Parser)]
#[command(name = "xano-codegen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a typed client from Xano API group specs.
    ///
    /// Without SPEC, reads `xano.toml` in the current directory: every spec in its
    /// `specs` directory, written to its `out` file.
    Generate(GenerateArgs),
    /// Write a spec with Xano's quirks repaired, as standard OpenAPI 3.0 JSON that
    /// other tools can read.
    Normalize(NormalizeArgs),
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// Spec files or http(s) URLs (`https://<host>/apispec:<canonical>?type=json`).
    specs: Vec<String>,
    /// Output: a `.rs` file (every group in one file) or a directory (one file per
    /// group plus `mod.rs`). Without it the code goes to standard output.
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Do not write: exit 1 with a diff summary if the output on disk differs.
    #[arg(long)]
    check: bool,
    /// Also list every repair made to the specs.
    #[arg(short, long)]
    verbose: bool,
    /// Skip rustfmt (by default the output is run through rustfmt when it is
    /// installed, so checked-in code passes `cargo fmt --check`).
    #[arg(long)]
    no_rustfmt: bool,
    /// Adds a derive (`Eq`, `Hash`, `schemars::JsonSchema`, …) to every generated
    /// type; repeatable.
    #[arg(long = "derive", value_name = "PATH")]
    derives: Vec<String>,
    /// The rustfmt style edition of the crate the code is checked into.
    #[arg(long, default_value = "2021", value_parser = ["2015", "2018", "2021", "2024"])]
    edition: String,
}

#[derive(Debug, Args)]
struct NormalizeArgs {
    /// A spec file or http(s) URL.
    spec: String,
    /// Where to write the repaired spec (default: standard output).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Also list every repair made.
    #[arg(short, long)]
    verbose: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate(args),
        Command::Normalize(args) => normalize(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

fn generate(args: GenerateArgs) -> Result<ExitCode, Error> {
    let (specs, out) = if args.specs.is_empty() {
        let cwd = std::env::current_dir().map_err(|source| Error::Read {
            path: PathBuf::from("."),
            source,
        })?;
        if !cwd.join(xano_codegen::config::FILE_NAME).exists() {
            return Err(Error::Config {
                file: xano_codegen::config::FILE_NAME.into(),
                message: "no SPEC given and no xano.toml in the current directory \
                          (try `xano-codegen generate specs/api.json -o src/xano.rs`)"
                    .into(),
            });
        }
        let project = Project::load(&cwd)?;
        let files = project
            .spec_files()?
            .into_iter()
            .map(|p| p.display().to_string())
            .collect();
        (files, Some(args.out.unwrap_or_else(|| project.out_path())))
    } else {
        (args.specs, args.out)
    };

    let formatting = if args.no_rustfmt {
        Formatting::Prettyplease
    } else {
        Formatting::Rustfmt(match args.edition.as_str() {
            "2015" => "2015",
            "2018" => "2018",
            "2024" => "2024",
            _ => "2021",
        })
    };
    let raws = load_all(&specs)?;
    let mut settings = Settings::default();
    for derive in &args.derives {
        settings.with_derive(derive);
    }
    let generation = xano_codegen::generate(&raws, &settings)?;
    for (origin, notes) in &generation.notes {
        if args.verbose {
            for note in notes {
                eprintln!("note: {origin}#{}: {}", note.pointer, note.message);
            }
        } else if !notes.is_empty() {
            eprintln!(
                "note: {origin}: {} Xano quirks repaired (--verbose lists them)",
                notes.len()
            );
        }
    }
    for group in &generation.groups {
        for warning in &group.warnings {
            eprintln!(
                "warning: {}#{}: {}",
                group_origin(&raws, group),
                warning.pointer,
                warning.message
            );
        }
    }

    let Some(out) = out else {
        if args.check {
            return Err(Error::Config {
                file: "arguments".into(),
                message: "--check needs -o/--out (or xano.toml) to know which file to compare"
                    .into(),
            });
        }
        let source = generation.to_file_source(formatting)?;
        std::io::stdout()
            .write_all(source.as_bytes())
            .map_err(|source| Error::Write {
                path: PathBuf::from("<stdout>"),
                source,
            })?;
        return Ok(ExitCode::SUCCESS);
    };

    // Everything is generated before anything is written, so an error leaves the
    // old output untouched.
    let files: Vec<(PathBuf, String)> = if is_dir_target(&out) {
        generation
            .to_dir_sources(formatting)?
            .into_iter()
            .map(|(name, source)| (out.join(name), source))
            .collect()
    } else {
        vec![(out.clone(), generation.to_file_source(formatting)?)]
    };

    if args.check {
        let mut drifted = 0;
        for (path, source) in &files {
            match check(path, source)? {
                Drift::Fresh => {}
                Drift::Missing => {
                    drifted += 1;
                    eprintln!("drift: {} does not exist", path.display());
                }
                Drift::Changed(diff) => {
                    drifted += 1;
                    eprintln!("drift: {} is out of date:\n{diff}", path.display());
                }
            }
        }
        if drifted > 0 {
            eprintln!(
                "{drifted} generated file(s) out of date: run the same command without --check"
            );
            return Ok(ExitCode::from(1));
        }
        eprintln!("{} generated file(s) up to date", files.len());
        return Ok(ExitCode::SUCCESS);
    }

    for (path, source) in &files {
        write_atomic(path, source.as_bytes())?;
    }
    let endpoints: usize = generation.groups.iter().map(|g| g.endpoints.len()).sum();
    eprintln!(
        "generated {} group(s), {endpoints} endpoint(s) → {}",
        generation.groups.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn normalize(args: NormalizeArgs) -> Result<ExitCode, Error> {
    let Some(raw) = load_all(std::slice::from_ref(&args.spec))?
        .into_iter()
        .next()
    else {
        return Ok(ExitCode::from(2));
    };
    let parsed = xano_codegen::parse_spec(raw)?;
    if args.verbose {
        for note in &parsed.notes {
            eprintln!(
                "note: {}#{}: {}",
                parsed.raw.origin, note.pointer, note.message
            );
        }
    }
    let mut json =
        serde_json::to_string_pretty(&parsed.normalized).map_err(|err| Error::Config {
            file: parsed.raw.origin.clone(),
            message: err.to_string(),
        })?;
    json.push('\n');
    match args.out {
        Some(out) => {
            write_atomic(&out, json.as_bytes())?;
            eprintln!("{} repairs → {}", parsed.notes.len(), out.display());
        }
        None => std::io::stdout()
            .write_all(json.as_bytes())
            .map_err(|source| Error::Write {
                path: PathBuf::from("<stdout>"),
                source,
            })?,
    }
    Ok(ExitCode::SUCCESS)
}

fn load_all(specs: &[String]) -> Result<Vec<RawSpec>, Error> {
    let mut raws = Vec::with_capacity(specs.len());
    let mut runtime = None;
    for spec in specs {
        let raw = if source::is_url(spec) {
            let runtime = match &mut runtime {
                Some(runtime) => runtime,
                None => runtime.insert(
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|err| Error::Fetch {
                            url: source::redact_url(spec),
                            message: err.to_string(),
                        })?,
                ),
            };
            runtime.block_on(RawSpec::from_url(spec))?
        } else {
            RawSpec::from_path(Path::new(spec))?
        };
        raws.push(raw);
    }
    Ok(raws)
}

fn group_origin<'a>(raws: &'a [RawSpec], group: &xano_codegen::ApiGroup) -> &'a str {
    raws.iter()
        .find(|raw| raw.sha256 == group.sha256)
        .map(|raw| raw.origin.as_str())
        .unwrap_or("spec")
}

/// A directory output: an existing directory, or a path ending in a separator.
fn is_dir_target(out: &Path) -> bool {
    out.is_dir() || out.as_os_str().to_string_lossy().ends_with(['/', '\\'])
}
