//! The `xano-codegen` command: argument parsing, messages and exit codes only; the
//! work is done by the library.

use clap::{Args, Parser, Subcommand};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xano_codegen::config::Project;
use xano_codegen::fetch::FetchPlan;
use xano_codegen::meta::{MetaClient, MetaOptions};
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
    /// List instances, the workspaces of an instance, or the API groups of a
    /// workspace (Metadata API).
    List(ListArgs),
    /// Check the specs against Xano's pre-launch security checklist.
    ///
    /// Without SPEC, audits the specs of `xano.toml` and honours its `[audit] allow`.
    Audit(AuditArgs),
    /// Download every API group's spec into a directory, with `xano.lock`.
    ///
    /// With a Meta API token: the groups of `--workspace` (all, or those named by
    /// `--group`). Without one: the public `apispec:` URL of each `--group <canonical>`.
    Fetch(FetchArgs),
}

#[derive(Debug, Args)]
struct AuditArgs {
    /// Spec files or http(s) URLs.
    specs: Vec<String>,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["text", "json", "sarif"])]
    format: String,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_parser = ["info", "warn", "error"])]
    fail_on: Option<String>,
    #[command(flatten)]
    limits: LimitArgs,
}

/// How large and how deep a spec may be: far above any real Xano spec, so that a
/// wrong file fails fast instead of exhausting memory or the stack.
#[derive(Debug, Args)]
struct LimitArgs {
    /// Refuse specs larger than this many bytes (suffixes K, M, G: KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "32M", value_parser = xano_codegen::source::parse_size)]
    max_spec_size: usize,
    /// Refuse specs that nest arrays and objects deeper than this.
    #[arg(long, value_name = "LEVELS", default_value_t = 128)]
    max_depth: usize,
}

impl LimitArgs {
    fn limits(&self) -> xano_codegen::Limits {
        xano_codegen::Limits {
            max_bytes: self.max_spec_size,
            max_depth: self.max_depth,
        }
    }
}

/// Where the Meta API is and how to reach it.
#[derive(Debug, Args)]
struct MetaArgs {
    /// The instance: its name (looked up in your account), host, or origin URL
    /// (custom domains and self-hosted instances). Default: xano.toml, then the
    /// Xano CLI profile.
    #[arg(long)]
    instance: Option<String>,
    /// The workspace id or name. Default: xano.toml, then the profile.
    #[arg(long)]
    workspace: Option<String>,
    /// The branch label (default: live).
    #[arg(long)]
    branch: Option<String>,
    /// The Meta API token. Default: XANO_META_TOKEN, then the Xano CLI profile
    /// (~/.xano/credentials.yaml, XANO_CONFIG, XANO_PROFILE). Never printed.
    #[arg(long, hide_env_values = true)]
    token: Option<String>,
    /// Allow plain http:// to hosts other than localhost.
    #[arg(long)]
    allow_insecure: bool,
    /// The account-level Meta API origin.
    #[arg(long, env = "XANO_META_ORIGIN", default_value = xano_codegen::meta::MASTER_ORIGIN, hide = true)]
    master_origin: String,
    /// The first wait before retrying a 429/5xx, in milliseconds.
    #[arg(long, default_value_t = 2000, hide = true)]
    retry_delay_ms: u64,
}

#[derive(Debug, Args)]
struct ListArgs {
    #[command(flatten)]
    meta: MetaArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct FetchArgs {
    #[command(flatten)]
    meta: MetaArgs,
    /// An API group's name or canonical; repeatable (default: every group).
    #[arg(long = "group")]
    groups: Vec<String>,
    /// The directory for the specs and xano.lock (default: xano.toml's `specs`, else `specs`).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Do not write: exit 1 when the remote specs differ from xano.lock.
    #[arg(long)]
    check: bool,
    /// The token of a group's private Swagger documentation (public mode).
    #[arg(long, hide_env_values = true)]
    swagger_token: Option<String>,
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
    #[arg(short, long, conflicts_with = "quiet")]
    verbose: bool,
    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    quiet: bool,
    /// Also run the installed rustfmt (with your rustfmt.toml) over the output.
    /// Without it the code is laid out as rustfmt's defaults would, by the
    /// generator itself: the same bytes on every machine.
    #[arg(long)]
    rustfmt: bool,
    /// Accepted for compatibility: rustfmt is no longer run by default.
    #[arg(long, hide = true)]
    no_rustfmt: bool,
    /// Also generate a streaming variant (`<fn>_stream`) of this endpoint, e.g.
    /// "POST /chat"; repeatable. Default: xano.toml's `stream`.
    #[arg(long = "stream", value_name = "METHOD PATH")]
    streams: Vec<String>,
    /// Adds a derive (`Eq`, `Hash`, `schemars::JsonSchema`, …) to every generated
    /// type; repeatable.
    #[arg(long = "derive", value_name = "PATH")]
    derives: Vec<String>,
    /// The rustfmt style edition for `--rustfmt`.
    #[arg(long, default_value = "2021", value_parser = ["2015", "2018", "2021", "2024"])]
    edition: String,
    #[command(flatten)]
    limits: LimitArgs,
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
    #[command(flatten)]
    limits: LimitArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate(args),
        Command::Normalize(args) => normalize(args),
        Command::Audit(args) => audit(args),
        Command::List(args) => block_on(list(args)),
        Command::Fetch(args) => block_on(fetch(args)),
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
    let mut settings = Settings::default();
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
        Formatting::Rustfmt(match args.edition.as_str() {
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
    let generation = xano_codegen::generate(raws, &settings)?;
    for (origin, notes) in &generation.notes {
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
    // `notes` holds one entry per spec, in the order of `groups`.
    for ((origin, _), group) in generation.notes.iter().zip(&generation.groups) {
        for warning in &group.warnings {
            eprintln!("warning: {origin}#{}: {}", warning.pointer, warning.message);
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
    let endpoints: usize = generation.groups.iter().map(|g| g.endpoints.len()).sum();
    if !args.quiet {
        eprintln!(
            "generated {} group(s), {endpoints} endpoint(s) → {}",
            generation.groups.len(),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn normalize(args: NormalizeArgs) -> Result<ExitCode, Error> {
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

fn load_all(specs: &[String], limits: xano_codegen::Limits) -> Result<Vec<RawSpec>, Error> {
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
            runtime.block_on(RawSpec::from_url(spec, limits))?
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

fn block_on<F: std::future::Future<Output = Result<ExitCode, Error>>>(
    future: F,
) -> Result<ExitCode, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Read {
            path: PathBuf::from("<runtime>"),
            source,
        })?
        .block_on(future)
}

/// Settings for the Meta API commands, from flags, then xano.toml, then the Xano
/// CLI profile.
struct MetaContext {
    client: MetaClient,
    instance: Option<String>,
    workspace: Option<String>,
    branch: Option<String>,
    project: Option<Project>,
}

fn meta_context(args: MetaArgs) -> Result<MetaContext, Error> {
    let cwd = std::env::current_dir().map_err(|source| Error::Read {
        path: PathBuf::from("."),
        source,
    })?;
    let project = if cwd.join(xano_codegen::config::FILE_NAME).exists() {
        Some(Project::load(&cwd)?)
    } else {
        None
    };
    let credentials =
        xano_codegen::credentials::resolve(args.token, |name| std::env::var(name).ok())?;
    let from_toml = project.as_ref().map(|p| &p.config.xano);
    let instance = args
        .instance
        .or_else(|| from_toml.and_then(|x| x.instance.clone()))
        .or(credentials.instance_origin.clone());
    let workspace = args
        .workspace
        .or_else(|| {
            from_toml.and_then(|x| {
                x.workspace.as_ref().map(|w| match w {
                    xano_codegen::config::WorkspaceRef::Id(id) => id.to_string(),
                    xano_codegen::config::WorkspaceRef::Name(name) => name.clone(),
                })
            })
        })
        .or(credentials.workspace.clone());
    let branch = args
        .branch
        .or_else(|| from_toml.and_then(|x| x.branch.clone()))
        .or(credentials.branch.clone());
    let client = MetaClient::new(
        credentials.token,
        MetaOptions {
            master_origin: args.master_origin,
            allow_insecure: args.allow_insecure,
            base_delay: std::time::Duration::from_millis(args.retry_delay_ms),
            ..MetaOptions::default()
        },
    )?;
    Ok(MetaContext {
        client,
        instance,
        workspace,
        branch,
        project,
    })
}

async fn list(args: ListArgs) -> Result<ExitCode, Error> {
    let json = args.json;
    let context = meta_context(args.meta)?;
    let client = &context.client;
    let (headers, rows, value): (Vec<&str>, Vec<Vec<String>>, serde_json::Value) =
        match (&context.instance, &context.workspace) {
            (None, _) => {
                let instances = client.instances().await?;
                let rows = instances
                    .iter()
                    .map(|i| {
                        vec![
                            i.name.clone(),
                            i.display.clone().unwrap_or_default(),
                            i.origin().unwrap_or_default(),
                        ]
                    })
                    .collect();
                (
                    vec!["NAME", "DISPLAY", "ORIGIN"],
                    rows,
                    serde_json::to_value(&instances).unwrap_or_default(),
                )
            }
            (Some(instance), None) => {
                let origin = client.resolve_instance(instance).await?;
                let workspaces = client.workspaces(&origin).await?;
                let rows = workspaces
                    .iter()
                    .map(|w| vec![w.id.to_string(), w.name.clone()])
                    .collect();
                (
                    vec!["ID", "NAME"],
                    rows,
                    serde_json::to_value(&workspaces).unwrap_or_default(),
                )
            }
            (Some(instance), Some(workspace)) => {
                let origin = client.resolve_instance(instance).await?;
                let workspace = client.resolve_workspace(&origin, workspace).await?;
                let groups = client
                    .api_groups(&origin, workspace.id, context.branch.as_deref())
                    .await?;
                let rows = groups
                    .iter()
                    .map(|g| {
                        vec![
                            g.name.clone(),
                            g.canonical.clone(),
                            g.id.to_string(),
                            g.branch
                                .clone()
                                .filter(|b| !b.is_empty())
                                .unwrap_or_else(|| "live".into()),
                        ]
                    })
                    .collect();
                (
                    vec!["NAME", "CANONICAL", "ID", "BRANCH"],
                    rows,
                    serde_json::to_value(&groups).unwrap_or_default(),
                )
            }
        };
    let mut out = String::new();
    if json {
        out = serde_json::to_string_pretty(&value).unwrap_or_default();
        out.push('\n');
    } else {
        let widths: Vec<usize> = (0..headers.len())
            .map(|c| {
                rows.iter()
                    .map(|r| r[c].chars().count())
                    .chain([headers[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in
            std::iter::once(headers.iter().map(|h| h.to_string()).collect::<Vec<_>>()).chain(rows)
        {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
    }
    print(&out)?;
    Ok(ExitCode::SUCCESS)
}

async fn fetch(args: FetchArgs) -> Result<ExitCode, Error> {
    let context = meta_context(args.meta)?;
    let instance = context.instance.clone().ok_or_else(|| Error::Config {
        file: "--instance".into(),
        message: "which instance? pass --instance <name|host> or set `instance` in xano.toml"
            .into(),
    })?;
    let origin = context.client.resolve_instance(&instance).await?;
    let groups = if args.groups.is_empty() {
        context
            .project
            .as_ref()
            .map(|p| p.config.xano.groups.clone())
            .unwrap_or_default()
    } else {
        args.groups
    };
    let dir = match (args.out, &context.project) {
        (Some(out), _) => out,
        (None, Some(project)) => project.specs_dir(),
        (None, None) => PathBuf::from("specs"),
    };
    let plan = FetchPlan {
        origin,
        workspace: context.workspace.clone(),
        branch: context.branch.clone(),
        groups,
        swagger_token: args.swagger_token.map(secrecy::SecretString::from),
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} fetching {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let fetched = xano_codegen::fetch::fetch(&context.client, &plan, |name, index, total| {
        bar.set_length(total as u64);
        bar.set_position(index as u64);
        bar.set_message(name.to_owned());
    })
    .await;
    bar.finish_and_clear();
    let fetched = fetched?;

    if args.check {
        let changes = xano_codegen::fetch::changes(&dir, &fetched)?;
        if changes.is_empty() {
            eprintln!(
                "{} spec(s) match {}",
                fetched.specs.len(),
                dir.join(xano_codegen::lock::LOCK_FILE).display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for change in &changes {
            eprintln!("changed: {change}");
        }
        eprintln!("the remote specs changed: run `xano-codegen fetch` (then `generate`)");
        return Ok(ExitCode::from(1));
    }
    xano_codegen::fetch::write(&dir, &fetched)?;
    for group in &fetched.lock.groups {
        eprintln!(
            "fetched {} ({}) → {}",
            group.name,
            group.canonical,
            dir.join(&group.file).display()
        );
    }
    eprintln!(
        "{} spec(s) and {} written",
        fetched.specs.len(),
        xano_codegen::lock::LOCK_FILE
    );
    Ok(ExitCode::SUCCESS)
}

fn audit(args: AuditArgs) -> Result<ExitCode, Error> {
    use xano_codegen::audit::{self, AuditInput, Severity};
    let mut allow = Vec::new();
    // (spec, fetched publicly)
    let specs: Vec<(String, bool)> = if args.specs.is_empty() {
        let cwd = std::env::current_dir().map_err(|source| Error::Read {
            path: PathBuf::from("."),
            source,
        })?;
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

fn print(text: &str) -> Result<(), Error> {
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|source| Error::Write {
            path: PathBuf::from("<stdout>"),
            source,
        })
}
