//! `list` and `fetch`: the Metadata API side, with settings from flags, then
//! `xano.toml`, then the Xano CLI profile.

use crate::args::{FetchArgs, ListArgs, MetaArgs};
use crate::remote::developer::DeveloperApi;
use crate::remote::fetch::FetchPlan;
use crate::remote::meta::{MetaClient, MetaOptions, RetryHook};
use crate::{current_dir, print};
use std::path::PathBuf;
use std::process::ExitCode;
use xano_codegen::Error;
use xano_codegen::config::Project;

/// Runs `future` on a runtime of its own.
pub(crate) fn block_on<T, F: std::future::Future<Output = Result<T, Error>>>(
    future: F,
) -> Result<T, Error> {
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
    /// A Developer API key and master origin, used when there is no Meta token.
    developer: Option<(secrecy::SecretString, Option<String>)>,
    instance: Option<String>,
    workspace: Option<String>,
    branch: Option<String>,
    project: Option<Project>,
}

/// `xano.toml` in the current directory, when there is one.
fn project() -> Result<Option<Project>, Error> {
    let cwd = current_dir()?;
    if cwd.join(xano_codegen::config::FILE_NAME).exists() {
        Ok(Some(Project::load(&cwd)?))
    } else {
        Ok(None)
    }
}

/// Settings from flags, then `xano.toml`, then the lock of earlier fetches (it
/// records the instance, workspace and branch), then the Xano CLI profile.
fn meta_context(
    args: MetaArgs,
    project: Option<Project>,
    lock: Option<&xano_codegen::lock::Lock>,
) -> Result<MetaContext, Error> {
    let credentials =
        crate::remote::credentials::resolve(args.token, |name| std::env::var(name).ok())?;
    let from_toml = project.as_ref().map(|p| &p.config.xano);
    let instance = args
        .instance
        .or_else(|| from_toml.and_then(|x| x.instance.clone()))
        .or_else(|| lock.map(|l| l.origin.clone()))
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
        .or_else(|| {
            lock.map(|l| {
                // A combined lock names the workspace as its URL did.
                l.groups
                    .iter()
                    .find_map(|g| g.canonical.strip_prefix("workspace:"))
                    .filter(|_| l.combined)
                    .map_or_else(|| l.workspace_id.to_string(), str::to_owned)
            })
        })
        .or(credentials.workspace.clone());
    let branch = args
        .branch
        .or_else(|| from_toml.and_then(|x| x.branch.clone()))
        .or_else(|| lock.and_then(|l| l.branch.clone()))
        .or(credentials.branch.clone());
    let developer = args
        .developer_key
        .filter(|key| !key.trim().is_empty())
        .map(|key| (secrecy::SecretString::from(key), args.developer_origin));
    let client = MetaClient::new(
        credentials.token,
        MetaOptions {
            token_source: credentials.source,
            master_origin: args.master_origin,
            allow_insecure: args.allow_insecure,
            base_delay: std::time::Duration::from_millis(args.retry_delay_ms),
            on_retry: Some(RetryHook(std::sync::Arc::new(|what, wait| {
                eprintln!("note: {what}; retrying in {:.1} s", wait.as_secs_f64());
            }))),
            ..MetaOptions::default()
        },
    )?;
    Ok(MetaContext {
        client,
        developer,
        instance,
        workspace,
        branch,
        project,
    })
}

pub(crate) async fn list(args: ListArgs) -> Result<ExitCode, Error> {
    let json = args.json;
    let context = meta_context(args.meta, project()?, None)?;
    let client = &context.client;
    let (headers, rows, value): (Vec<&str>, Vec<Vec<String>>, serde_json::Value) =
        if let Some(developer) = developer_api(&context) {
            list_developer(&developer, &context).await?
        } else {
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

/// The Developer API, when there is a Developer API key and no Meta token (the
/// Metadata API wins when both are given).
fn developer_api(context: &MetaContext) -> Option<DeveloperApi<'_>> {
    if context.client.has_token() {
        return None;
    }
    let (key, origin) = context.developer.clone()?;
    Some(DeveloperApi::new(&context.client, key, origin))
}

type Table = (Vec<&'static str>, Vec<Vec<String>>, serde_json::Value);

/// `list` through the Developer API: instances, an instance's workspaces, a
/// workspace's groups.
async fn list_developer(
    developer: &DeveloperApi<'_>,
    context: &MetaContext,
) -> Result<Table, Error> {
    let Some(instance) = &context.instance else {
        let instances = developer.instances().await?;
        let rows = instances
            .iter()
            .map(|i| {
                vec![
                    i.name.clone(),
                    i.display.clone().unwrap_or_default(),
                    i.host.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let value = serde_json::to_value(&instances).unwrap_or_default();
        return Ok((vec!["NAME", "DISPLAY", "HOST"], rows, value));
    };
    let found = developer.instance(instance).await?;
    let session = developer.sign_in(&found).await?;
    let workspaces = developer.workspaces(&session).await?;
    let Some(wanted) = &context.workspace else {
        let rows = workspaces
            .iter()
            .map(|w| vec![w.id.to_string(), w.name.clone()])
            .collect();
        let value = serde_json::to_value(&workspaces).unwrap_or_default();
        return Ok((vec!["ID", "NAME"], rows, value));
    };
    let workspace = workspaces
        .iter()
        .find(|w| w.id.to_string() == *wanted || w.name.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| Error::Config {
            file: "--workspace".into(),
            message: format!("no workspace `{wanted}` in instance `{}`", found.name),
        })?;
    let rows = workspace
        .apigroups
        .iter()
        .map(|g| {
            vec![
                g.name.clone(),
                g.canonical(),
                g.id.to_string(),
                g.api.clone(),
            ]
        })
        .collect();
    let value = serde_json::to_value(&workspace.apigroups).unwrap_or_default();
    Ok((vec!["NAME", "CANONICAL", "ID", "API"], rows, value))
}

/// What `fetch` fetched, where its lock is, and the lock it had.
struct Fetch {
    dir: PathBuf,
    fetched: crate::remote::fetch::Fetched,
}

/// Fetches what `fetch` (and `diff --remote`) would, in memory.
async fn fetch_now(
    meta: MetaArgs,
    groups: Vec<String>,
    out: Option<PathBuf>,
    combined: bool,
    check: bool,
    swagger_token: Option<String>,
) -> Result<Fetch, Error> {
    let project = project()?;
    let dir = match (out, &project) {
        (Some(out), _) => out,
        (None, Some(project)) => project.specs_dir(),
        (None, None) => PathBuf::from("specs"),
    };
    let lock = xano_codegen::lock::Lock::read(&dir)?;
    let context = meta_context(meta, project, lock.as_ref())?;
    let instance = context.instance.clone().ok_or_else(|| Error::Config {
        file: "--instance".into(),
        message: format!(
            "which instance? pass --instance <name|host> or set `instance` in xano.toml \
             (no {} records one either)",
            dir.join(xano_codegen::lock::LOCK_FILE).display()
        ),
    })?;
    let developer = developer_api(&context);
    let origin = match &developer {
        // The Developer API names its instances itself.
        Some(_) => String::new(),
        None => context.client.resolve_instance(&instance).await?,
    };
    let groups = if !groups.is_empty() {
        groups
    } else if let Some(project) = &context.project {
        project.config.xano.groups.clone()
    } else if check && let Some(lock) = &lock {
        // What was fetched is what is checked.
        lock.groups.iter().map(|g| g.canonical.clone()).collect()
    } else {
        Vec::new()
    };
    let combined = combined
        || context
            .project
            .as_ref()
            .is_some_and(|p| p.config.xano.combined)
        || (check && lock.as_ref().is_some_and(|l| l.combined));
    let plan = FetchPlan {
        combined,
        origin,
        workspace: context.workspace.clone(),
        branch: context.branch.clone(),
        groups,
        swagger_token: swagger_token.map(secrecy::SecretString::from),
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} fetching {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |name: &str, index: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(index as u64);
        bar.set_message(name.to_owned());
    };
    let fetched = match &developer {
        Some(developer) => {
            crate::remote::fetch::fetch_developer(developer, &plan, &instance, progress).await
        }
        None => crate::remote::fetch::fetch(&context.client, &plan, progress).await,
    };
    bar.finish_and_clear();
    Ok(Fetch {
        dir,
        fetched: fetched?,
    })
}

/// The locked specs in `dir` against `fetched`: the report `diff --remote`
/// and `fetch --check` give.
fn report_against_lock(
    dir: &std::path::Path,
    fetched: &crate::remote::fetch::Fetched,
    settings: &xano_codegen::Settings,
) -> Result<xano_codegen::diff::Report, Error> {
    let old = match xano_codegen::lock::Lock::read(dir)? {
        Some(lock) => lock
            .files(dir)
            .iter()
            .filter(|file| file.exists())
            .map(|file| xano_codegen::RawSpec::from_path(file))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let new = fetched
        .specs
        .iter()
        .map(|(file, bytes)| xano_codegen::RawSpec::from_bytes(format!("{file} (remote)"), bytes))
        .collect::<Result<Vec<_>, _>>()?;
    xano_codegen::diff::diff(old, new, settings)
}

/// `diff --remote`: the lock's specs against what Xano serves now.
pub(crate) async fn remote_report(
    meta: MetaArgs,
    settings: &xano_codegen::Settings,
) -> Result<(String, String, xano_codegen::diff::Report), Error> {
    let now = fetch_now(meta, Vec::new(), None, false, true, None).await?;
    let report = report_against_lock(&now.dir, &now.fetched, settings)?;
    Ok((now.dir.display().to_string(), "remote".to_owned(), report))
}

pub(crate) async fn fetch(args: FetchArgs) -> Result<ExitCode, Error> {
    let Fetch { dir, fetched } = fetch_now(
        args.meta,
        args.groups,
        args.out,
        args.combined,
        args.check,
        args.swagger_token,
    )
    .await?;

    if args.check {
        let changes = crate::remote::fetch::changes(&dir, &fetched)?;
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
        // What the change means for the generated client, in words.
        let settings = project()?
            .map(|p| {
                let mut settings = xano_codegen::Settings::default();
                let mut section = p.config.xano.clone();
                section.stream.clear();
                section.apply_to(&mut settings);
                settings
            })
            .unwrap_or_default();
        match report_against_lock(&dir, &fetched, &settings) {
            Ok(report) => eprint!("\n{}", xano_codegen::diff::to_text(&report)),
            Err(err) => eprintln!("note: the change report could not be made: {err}"),
        }
        eprintln!("the remote specs changed: run `xano-codegen fetch` (then `generate`)");
        return Ok(ExitCode::from(1));
    }
    crate::remote::fetch::write(&dir, &fetched)?;
    for group in &fetched.lock.groups {
        eprintln!(
            "fetched {} ({}) → {}",
            group.name,
            group.canonical,
            dir.join(&group.file).display()
        );
        if !group.left_out.is_empty() {
            eprintln!(
                "warning: {}: its spec could not be had whole; put together endpoint by endpoint, {} left out:",
                group.name,
                group.left_out.len()
            );
            for left_out in &group.left_out {
                eprintln!("  {left_out}");
            }
        }
    }
    eprintln!(
        "{} spec(s) and {} written",
        fetched.specs.len(),
        xano_codegen::lock::LOCK_FILE
    );
    Ok(ExitCode::SUCCESS)
}
