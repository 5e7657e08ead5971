//! `audit`: the pre-launch security report, as text, JSON or SARIF.

use crate::args::AuditArgs;
use crate::generate::load_all;
use crate::{current_dir, print};
use std::process::ExitCode;
use xano_codegen::Error;
use xano_codegen::config::Project;
use xano_codegen::source;

pub(crate) fn audit(args: AuditArgs) -> Result<ExitCode, Error> {
    use xano_codegen::audit::{self, AuditInput, Severity};
    let mut allow = Vec::new();
    // (spec, fetched publicly)
    let specs: Vec<(String, bool)> = if args.specs.is_empty() {
        let cwd = current_dir()?;
        if !cwd.join(xano_codegen::config::FILE_NAME).exists() {
            return Err(Error::Config {
                file: xano_codegen::config::FILE_NAME.into(),
                message: "no SPEC given and no xano.toml in the current directory \
                          (try `xano-codegen audit specs/api.json`)"
                    .into(),
            });
        }
        let project = Project::load(&cwd)?;
        allow = project.config.audit.allow.clone();
        let dir = project.specs_dir();
        let lock = xano_codegen::lock::Lock::read(&dir)?;
        project
            .spec_files()?
            .into_iter()
            .map(|path| {
                let public = lock.as_ref().is_some_and(|lock| {
                    lock.groups
                        .iter()
                        .any(|g| g.public && dir.join(&g.file) == path)
                });
                (path.display().to_string(), public)
            })
            .collect()
    } else {
        args.specs
            .iter()
            .map(|spec| {
                let public =
                    source::is_url(spec) && spec.contains("/apispec:") && !spec.contains("token=");
                (spec.clone(), public)
            })
            .collect()
    };
    let names: Vec<String> = specs.iter().map(|(s, _)| s.clone()).collect();
    let raws = load_all(&names, args.limits.limits())?;
    let mut findings = Vec::new();
    let mut texts = std::collections::HashMap::new();
    for (raw, (_, public)) in raws.into_iter().zip(&specs) {
        texts.insert(raw.origin.clone(), raw.json.to_string());
        if let Ok(text) = std::fs::read_to_string(&raw.origin) {
            texts.insert(raw.origin.clone(), text);
        }
        let parsed = xano_codegen::parse_spec(&raw)?;
        findings.extend(audit::audit(&AuditInput {
            spec: &parsed.openapi,
            file: &parsed.origin,
            fetched_publicly: *public,
        }));
    }
    for entry in &allow {
        if let Some(problem) = audit::allow_problem(entry, &findings) {
            eprintln!("warning: xano.toml [audit] allow `{entry}`: {problem}");
        }
    }
    let before = findings.len();
    findings.retain(|f| !allow.iter().any(|entry| f.allowed_by(entry)));
    let allowed = before - findings.len();

    let out = match args.format.as_str() {
        "json" => serde_json::to_string_pretty(&findings).unwrap_or_default() + "\n",
        "sarif" => {
            let sarif = audit::to_sarif(&findings, |file, pointer| {
                texts
                    .get(file)
                    .map_or(1, |text| audit::pointer_line(text, pointer))
            });
            serde_json::to_string_pretty(&sarif).unwrap_or_default() + "\n"
        }
        _ => {
            use std::io::IsTerminal as _;
            audit::to_text(&findings, allowed, std::io::stdout().is_terminal())
        }
    };
    print(&out)?;
    let threshold = args.fail_on.as_deref().and_then(Severity::parse);
    let failing = threshold.is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
