//! `generate` and `normalize`: specs in, code (or repaired OpenAPI) out.

use crate::args::{GenerateArgs, NormalizeArgs};
use crate::{current_dir, print};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xano_codegen::config::Project;
use xano_codegen::write::{Drift, Formatting, check, write_atomic};
use xano_codegen::{Error, RawSpec, Settings, source};

pub(crate) fn generate(args: GenerateArgs) -> Result<ExitCode, Error> {
    let mut settings = Settings::default();
    let (specs, out) = if args.specs.is_empty() {
        let cwd = current_dir()?;
        if !cwd.join(xano_codegen::config::FILE_NAME).exists() {
            return Err(Error::Config {
                file: xano_codegen::config::FILE_NAME.into(),
                message: "no SPEC given and no xano.toml in the current directory \
                          (try `xano-codegen generate specs/api.json -o src/xano.rs`)"
                    .into(),
            });
        }
        let project = Project::load(&cwd)?;
        let mut section = project.config.xano.clone();
        if !args.streams.is_empty() {
            section.stream.clear();
        }
        section.apply_to(&mut settings);
        let files = project
            .spec_files()?
            .into_iter()
            .map(|p| p.display().to_string())
            .collect();
        (files, Some(args.out.unwrap_or_else(|| project.out_path())))
    } else {
        (args.specs, args.out)
    };

    let formatting = if !args.rustfmt {
        Formatting::Builtin
    } else {
        Formatting::Rustfmt(match args.edition.as_deref().unwrap_or("2021") {
            "2015" => "2015",
            "2018" => "2018",
            "2024" => "2024",
            _ => "2021",
        })
    };
    let raws = load_all(&specs, args.limits.limits())?;
    for derive in &args.derives {
        settings.with_derive(derive);
    }
    for stream in &args.streams {
        settings.with_stream(stream);
    }
    if args.fake {
        settings.with_fake(true);
    }
    let generation = xano_codegen::generate(raws, &settings)?;
    for (origin, notes) in generation.notes() {
        if args.quiet {
            continue;
        }
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
    for (origin, warning) in generation.warnings() {
        eprintln!("warning: {}", warning.located(origin));
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
        print(&source)?;
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
        if !args.quiet {
            eprintln!("{} generated file(s) up to date", files.len());
        }
        return Ok(ExitCode::SUCCESS);
    }

    for (path, source) in &files {
        write_atomic(path, source.as_bytes())?;
    }
    let endpoints = generation.endpoint_count();
    if !args.quiet {
        eprintln!(
            "generated {} group(s), {endpoints} endpoint(s) → {}",
            generation.group_count(),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn normalize(args: NormalizeArgs) -> Result<ExitCode, Error> {
    let Some(raw) = load_all(std::slice::from_ref(&args.spec), args.limits.limits())?
        .into_iter()
        .next()
    else {
        return Ok(ExitCode::from(2));
    };
    let parsed = xano_codegen::parse_spec(&raw)?;
    if args.verbose {
        for note in &parsed.notes {
            eprintln!("note: {}#{}: {}", parsed.origin, note.pointer, note.message);
        }
    }
    let mut json =
        serde_json::to_string_pretty(&parsed.normalized).map_err(|err| Error::Config {
            file: parsed.origin.clone(),
            message: err.to_string(),
        })?;
    json.push('\n');
    match args.out {
        Some(out) => {
            write_atomic(&out, json.as_bytes())?;
            eprintln!("{} repairs → {}", parsed.notes.len(), out.display());
        }
        None => print(&json)?,
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn load_all(
    specs: &[String],
    limits: xano_codegen::Limits,
) -> Result<Vec<RawSpec>, Error> {
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
            runtime.block_on(crate::remote::url::spec_from_url(spec, limits))?
        } else {
            RawSpec::from_path_within(Path::new(spec), limits)?
        };
        raws.push(raw);
    }
    Ok(raws)
}

/// A directory output: an existing directory, or a path ending in a separator.
fn is_dir_target(out: &Path) -> bool {
    out.is_dir() || out.as_os_str().to_string_lossy().ends_with(['/', '\\'])
}
