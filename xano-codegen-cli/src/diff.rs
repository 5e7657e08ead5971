//! `diff`: the report of what changed between two versions of the specs.

use crate::args::DiffArgs;
use crate::generate::load_all;
use crate::{current_dir, print};
use std::path::Path;
use std::process::ExitCode;
use xano_codegen::config::Project;
use xano_codegen::diff::{self, Class, Report};
use xano_codegen::{Error, Limits, RawSpec, Settings};

pub(crate) fn diff(args: DiffArgs) -> Result<ExitCode, Error> {
    let settings = project_settings()?;
    let limits = args.limits.limits();
    let (old_name, new_name, report) = if args.remote {
        crate::list_fetch::block_on(crate::list_fetch::remote_report(args.meta, &settings))?
    } else {
        let old = args.old.clone().unwrap_or_default();
        let new = args.new.clone().unwrap_or_default();
        let report = diff::diff(side(&old, limits)?, side(&new, limits)?, &settings)?;
        (old, new, report)
    };
    let threshold = args.fail_on.as_deref().and_then(Class::parse_threshold);
    print(&render(&report, &args.format, &old_name, &new_name))?;
    Ok(match threshold {
        Some(threshold) if report.reaches(threshold) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// The report in `format` (text, json, markdown or sarif).
pub(crate) fn render(report: &Report, format: &str, old: &str, new: &str) -> String {
    match format {
        "json" => pretty(&diff::to_json(report)),
        "markdown" => diff::to_markdown(report),
        "sarif" => pretty(&diff::to_sarif(report, old, new)),
        _ => diff::to_text(report),
    }
}

fn pretty(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// The renames and replacements of `xano.toml` in the current directory: a
/// rename the user already mapped is not a change of the Rust API.
fn project_settings() -> Result<Settings, Error> {
    let cwd = current_dir()?;
    let mut settings = Settings::default();
    if cwd.join(xano_codegen::config::FILE_NAME).exists() {
        let project = Project::load(&cwd)?;
        let mut section = project.config.xano.clone();
        section.stream.clear();
        section.apply_to(&mut settings);
    }
    Ok(settings)
}

/// One side: a file or URL, or a directory (its locked specs, else every
/// `*.json` in it).
fn side(given: &str, limits: Limits) -> Result<Vec<RawSpec>, Error> {
    let path = Path::new(given);
    if !path.is_dir() {
        return load_all(&[given.to_owned()], limits);
    }
    let files: Vec<String> = match xano_codegen::lock::Lock::read(path)? {
        Some(lock) => lock
            .files(path)
            .iter()
            .map(|f| f.display().to_string())
            .collect(),
        None => {
            let mut files: Vec<String> = std::fs::read_dir(path)
                .map_err(|source| Error::Read {
                    path: path.to_owned(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .map(|p| p.display().to_string())
                .collect();
            files.sort();
            files
        }
    };
    load_all(&files, limits)
}
