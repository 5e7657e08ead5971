//! `xano-codegen fetch`: every chosen API group's spec plus `xano.lock`, fetched in
//! full before anything is written, then written file by file atomically.

use crate::remote::meta::{ApiGroupInfo, ApiInfo, MetaClient};
use secrecy::SecretString;
use std::path::Path;
use xano_codegen::lock::{LOCK_FILE, LeftOut, Lock, LockedGroup, file_name};
use xano_codegen::source::sha256_hex;
use xano_codegen::write_atomic;
use xano_codegen::{Error, Result};

/// What to fetch.
#[derive(Debug, Clone, Default)]
pub struct FetchPlan {
    /// The instance origin.
    pub origin: String,
    /// A workspace id or name (Meta API mode).
    pub workspace: Option<String>,
    /// The branch (`None`: live).
    pub branch: Option<String>,
    /// Group names or canonicals to fetch (empty: all).
    pub groups: Vec<String>,
    /// The token of private Swagger docs (public mode).
    pub swagger_token: Option<SecretString>,
    /// Fetch the workspace's combined spec (one file, every group) instead of
    /// one spec per group.
    pub combined: bool,
}

/// The fetched specs, not yet written.
#[derive(Debug)]
pub struct Fetched {
    /// The lock describing them.
    pub lock: Lock,
    /// `(file name, bytes)` per group, in lock order.
    pub specs: Vec<(String, Vec<u8>)>,
}

/// Fetches the specs of `plan`. With a Meta token: the groups of the workspace
/// (filtered by `plan.groups`). Without: each `plan.groups` entry is taken as a
/// canonical and read from its public `apispec:` URL. `progress` is told each
/// group's name as it starts.
pub async fn fetch(
    client: &MetaClient,
    plan: &FetchPlan,
    mut progress: impl FnMut(&str, usize, usize),
) -> Result<Fetched> {
    if plan.combined {
        return fetch_combined(client, plan).await;
    }
    let (workspace_id, workspace_name, groups) = if client.has_token() {
        let workspace = plan.workspace.as_deref().ok_or_else(|| Error::Config {
            file: "--workspace".into(),
            message: "which workspace? pass --workspace <id|name> (`xano-codegen list --instance …` lists them)".into(),
        })?;
        let workspace = client.resolve_workspace(&plan.origin, workspace).await?;
        let all = client
            .api_groups(&plan.origin, workspace.id, plan.branch.as_deref())
            .await?;
        let chosen = choose(all, &plan.groups)?;
        (workspace.id, workspace.name, chosen)
    } else {
        if plan.groups.is_empty() {
            return Err(Error::Config {
                file: "--group".into(),
                message: "without a Meta API token, name each group's canonical with --group (from https://<host>/api:<canonical>)".into(),
            });
        }
        let groups = plan
            .groups
            .iter()
            .map(|canonical| ApiGroupInfo {
                id: 0,
                name: canonical.clone(),
                canonical: canonical.trim_start_matches("api:").to_owned(),
                branch: plan.branch.clone(),
            })
            .collect();
        (0, String::new(), groups)
    };

    let mut specs = Vec::with_capacity(groups.len());
    let mut locked = Vec::with_capacity(groups.len());
    let mut files = std::collections::HashSet::new();
    for (index, group) in groups.iter().enumerate() {
        progress(&group.name, index, groups.len());
        let mut left_out = Vec::new();
        let bytes = if client.has_token() {
            let whole = client
                .group_openapi(&plan.origin, workspace_id, group)
                .await
                .and_then(|bytes| readable(&group.name, &bytes).map(|()| bytes));
            match whole {
                Ok(bytes) => bytes,
                // One bad endpoint breaks a whole group's spec in Xano: put the
                // group together endpoint by endpoint, keeping every one that reads.
                Err(err) if recoverable(&err) => {
                    let (bytes, missing) =
                        by_endpoint(client, &plan.origin, workspace_id, group, &err).await?;
                    left_out = missing;
                    bytes
                }
                Err(err) => return Err(err),
            }
        } else {
            client
                .public_spec(
                    &plan.origin,
                    &group.canonical,
                    plan.branch.as_deref(),
                    plan.swagger_token.as_ref(),
                )
                .await?
        };
        // Public specs carry the group's real name in `info.title`.
        let name = if client.has_token() {
            group.name.clone()
        } else {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|spec| spec["info"]["title"].as_str().map(str::to_owned))
                .unwrap_or_else(|| group.name.clone())
        };
        let file = unique_file(&mut files, &name, &group.canonical);
        locked.push(LockedGroup {
            id: group.id,
            name,
            canonical: group.canonical.clone(),
            file: file.clone(),
            sha256: sha256_hex(&bytes),
            public: !client.has_token() && plan.swagger_token.is_none(),
            left_out,
        });
        specs.push((file, bytes));
    }
    Ok(Fetched {
        lock: Lock {
            version: 1,
            origin: plan.origin.clone(),
            workspace_id,
            workspace: workspace_name,
            branch: plan.branch.clone(),
            api: Some(
                if client.has_token() {
                    "metadata"
                } else {
                    "public"
                }
                .into(),
            ),
            combined: false,
            groups: locked,
        },
        specs,
    })
}

/// The workspace's combined spec: with a Meta token from
/// `GET /workspace/{id}/openapi` (of the branch), else from the public
/// `apispec:workspace:<id>` URL.
async fn fetch_combined(client: &MetaClient, plan: &FetchPlan) -> Result<Fetched> {
    let workspace = plan.workspace.as_deref().ok_or_else(|| Error::Config {
        file: "--workspace".into(),
        message: "which workspace? pass --workspace <id|name> (without a token: the id or canonical in its apispec:workspace:<id> URL)".into(),
    })?;
    let (id, name, bytes, public) = if client.has_token() {
        let found = client.resolve_workspace(&plan.origin, workspace).await?;
        let bytes = client
            .workspace_openapi(&plan.origin, found.id, plan.branch.as_deref())
            .await?;
        (found.id, found.name, bytes, false)
    } else {
        let bytes = client
            .public_workspace_spec(&plan.origin, workspace, plan.swagger_token.as_ref())
            .await?;
        let id = workspace.parse().unwrap_or(0);
        (
            id,
            workspace.to_owned(),
            bytes,
            plan.swagger_token.is_none(),
        )
    };
    readable(&name, &bytes)?;
    let file = file_name(&name, "workspace");
    Ok(Fetched {
        lock: Lock {
            version: 1,
            origin: plan.origin.clone(),
            workspace_id: id,
            workspace: name.clone(),
            branch: plan.branch.clone(),
            api: Some(
                if client.has_token() {
                    "metadata"
                } else {
                    "public"
                }
                .into(),
            ),
            combined: true,
            groups: vec![LockedGroup {
                id,
                name,
                canonical: format!("workspace:{workspace}"),
                file: file.clone(),
                sha256: sha256_hex(&bytes),
                public,
                left_out: Vec::new(),
            }],
        },
        specs: vec![(file, bytes)],
    })
}

/// Whether `bytes` is a spec the generator reads whole: every operation of it.
fn readable(name: &str, bytes: &[u8]) -> Result<()> {
    let raw = xano_codegen::RawSpec::from_bytes(name, bytes)?;
    let generation = xano_codegen::generate(vec![raw], &xano_codegen::Settings::default())?;
    match generation.groups.iter().find_map(|g| g.skipped.first()) {
        None => Ok(()),
        Some(skipped) => Err(Error::Spec {
            file: name.to_owned(),
            pointer: skipped.pointer.clone(),
            message: format!(
                "`{} {}` cannot be read: {}",
                skipped.method.as_str(),
                skipped.path,
                skipped.reason
            ),
        }),
    }
}

/// Whether fetching the group endpoint by endpoint may get what the group's
/// spec did not: Xano failed to build it (a 5xx, a 400, a 404), it came back
/// cut off, or part of it cannot be read. Not for a refused token, a missing
/// scope, a rate limit that did not clear, or a network that is down: those
/// would fail the same way for every endpoint.
fn recoverable(err: &Error) -> bool {
    match err {
        Error::Fetch { message, .. } => {
            message.starts_with("HTTP 5")
                || message.starts_with("HTTP 400")
                || message.starts_with("HTTP 404")
                || message.contains("not valid JSON")
                || message.contains("cut off")
        }
        Error::Json { .. }
        | Error::Spec { .. }
        | Error::Unsupported { .. }
        | Error::Yaml { .. } => true,
        _ => false,
    }
}

/// The group put together from its endpoints' own specs, and the endpoints
/// that could not be had or read. Fails with `why` (the group's own failure)
/// when no endpoint can be had at all.
async fn by_endpoint(
    client: &MetaClient,
    origin: &str,
    workspace: u64,
    group: &ApiGroupInfo,
    why: &Error,
) -> Result<(Vec<u8>, Vec<LeftOut>)> {
    let Ok(apis) = client.group_apis(origin, workspace, group).await else {
        return Err(clone_error(why));
    };
    let mut merged: Option<serde_json::Value> = None;
    let mut left_out = Vec::new();
    for api in &apis {
        let path = format!("/{}", api.name.trim_start_matches('/'));
        let outcome = client
            .api_openapi(origin, workspace, group, api)
            .await
            .and_then(|bytes| readable(&format!("{} {path}", api.verb), &bytes).map(|()| bytes));
        match outcome {
            Ok(bytes) => {
                let spec: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
                merge(&mut merged, spec);
            }
            Err(err) => left_out.push(left_out_entry(api, &path, &err)),
        }
    }
    let Some(merged) = merged else {
        return Err(clone_error(why));
    };
    let mut bytes = serde_json::to_vec_pretty(&merged).unwrap_or_default();
    bytes.push(b'\n');
    Ok((bytes, left_out))
}

/// Adds one endpoint's spec to the group's: the first gives the document, the
/// others their paths (method by method) and component entries.
fn merge(merged: &mut Option<serde_json::Value>, spec: serde_json::Value) {
    let Some(into) = merged else {
        *merged = Some(spec);
        return;
    };
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        let target = into["paths"].as_object_mut().map(|paths| {
            paths
                .entry(path.clone())
                .or_insert_with(|| serde_json::json!({}))
        });
        if let (Some(target), Some(item)) =
            (target.and_then(|t| t.as_object_mut()), item.as_object())
        {
            for (key, value) in item {
                target.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    for (kind, entries) in spec["components"].as_object().into_iter().flatten() {
        if let Some(target) = into["components"][kind].as_object_mut() {
            for (name, value) in entries.as_object().into_iter().flatten() {
                target.entry(name.clone()).or_insert_with(|| value.clone());
            }
        }
    }
}

fn left_out_entry(api: &ApiInfo, path: &str, err: &Error) -> LeftOut {
    let (reason, pointer) = match err {
        Error::Spec {
            pointer, message, ..
        }
        | Error::Unsupported {
            pointer, message, ..
        } => (message.clone(), Some(pointer.clone())),
        Error::Fetch { message, .. } => (message.clone(), None),
        other => (other.to_string(), None),
    };
    LeftOut {
        method: api.verb.clone(),
        path: path.to_owned(),
        reason,
        pointer,
    }
}

/// The group's own failure again (errors are not `Clone`: their I/O sources
/// are not).
fn clone_error(err: &Error) -> Error {
    match err {
        Error::Fetch { url, message } => Error::Fetch {
            url: url.clone(),
            message: message.clone(),
        },
        other => Error::Fetch {
            url: String::new(),
            message: other.to_string(),
        },
    }
}

/// The group's spec file name, `_2`, `_3`… when another group already has it.
fn unique_file(
    taken: &mut std::collections::HashSet<String>,
    name: &str,
    canonical: &str,
) -> String {
    let stem = file_name(name, canonical)
        .trim_end_matches(".json")
        .to_owned();
    std::iter::once(stem.clone())
        .chain((2..).map(|n| format!("{stem}_{n}")))
        .map(|stem| format!("{stem}.json"))
        .find(|file| taken.insert(file.clone()))
        .unwrap_or_default()
}

fn choose(all: Vec<ApiGroupInfo>, wanted: &[String]) -> Result<Vec<ApiGroupInfo>> {
    if wanted.is_empty() {
        return Ok(all);
    }
    let mut chosen = Vec::new();
    for name in wanted {
        let found = all
            .iter()
            .find(|g| {
                g.name.eq_ignore_ascii_case(name)
                    || g.canonical == *name
                    || format!("api:{}", g.canonical) == *name
            })
            .ok_or_else(|| Error::Config {
                file: "--group".into(),
                message: format!(
                    "no API group `{name}` (found: {})",
                    all.iter()
                        .map(|g| format!("{} ({})", g.name, g.canonical))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        chosen.push(found.clone());
    }
    Ok(chosen)
}

/// Writes the specs, then the lock, each atomically; then removes spec files the
/// previous lock listed that are gone. Nothing is written if `fetched` is
/// incomplete: [`fetch`] fails before returning one.
pub fn write(dir: &Path, fetched: &Fetched) -> Result<()> {
    let previous = Lock::read(dir)?;
    for (file, bytes) in &fetched.specs {
        write_atomic(&dir.join(file), bytes)?;
    }
    write_atomic(&dir.join(LOCK_FILE), fetched.lock.to_toml().as_bytes())?;
    if let Some(previous) = previous {
        for old in previous.groups {
            if !fetched.lock.groups.iter().any(|g| g.file == old.file) {
                let _ = std::fs::remove_file(dir.join(&old.file));
            }
        }
    }
    Ok(())
}

/// How the remote specs differ from the lock in `dir`: one line per change; empty
/// when up to date.
pub fn changes(dir: &Path, fetched: &Fetched) -> Result<Vec<String>> {
    let Some(previous) = Lock::read(dir)? else {
        return Ok(vec![format!(
            "{} does not exist",
            dir.join(LOCK_FILE).display()
        )]);
    };
    let mut changes = Vec::new();
    for group in &fetched.lock.groups {
        match previous
            .groups
            .iter()
            .find(|g| g.canonical == group.canonical)
        {
            None => changes.push(format!("new group `{}` ({})", group.name, group.canonical)),
            Some(old) if old.sha256 != group.sha256 || old.left_out != group.left_out => {
                changes.push(format!(
                    "`{}` changed (sha256 {} → {})",
                    group.name,
                    &old.sha256[..12.min(old.sha256.len())],
                    &group.sha256[..12.min(group.sha256.len())]
                ));
                for gone in old.left_out.iter().filter(|e| !group.left_out.contains(e)) {
                    changes.push(format!("  `{} {}` reads again", gone.method, gone.path));
                }
                for new in group.left_out.iter().filter(|e| !old.left_out.contains(e)) {
                    changes.push(format!("  left out: {new}"));
                }
            }
            Some(_) => {}
        }
    }
    for old in &previous.groups {
        if !fetched
            .lock
            .groups
            .iter()
            .any(|g| g.canonical == old.canonical)
        {
            changes.push(format!("group `{}` ({}) is gone", old.name, old.canonical));
        }
    }
    Ok(changes)
}

/// Fetches through the legacy Developer API: the instance named, the workspace
/// named (by id or name), its groups (all, or those named), each group's spec
/// from its `swaggerspec` URL, every one checked to read before anything is
/// written; locked with `api = "developer"`.
pub async fn fetch_developer(
    developer: &crate::remote::developer::DeveloperApi<'_>,
    plan: &FetchPlan,
    instance: &str,
    mut progress: impl FnMut(&str, usize, usize),
) -> Result<Fetched> {
    if plan.branch.is_some() || plan.combined {
        return Err(Error::Config {
            file: "--developer-key".into(),
            message: "the Developer API has no branches and no combined spec: use a Metadata API token (--token) for those".into(),
        });
    }
    let found = developer.instance(instance).await?;
    let session = developer.sign_in(&found).await?;
    let workspaces = developer.workspaces(&session).await?;
    let wanted = plan.workspace.as_deref().ok_or_else(|| Error::Config {
        file: "--workspace".into(),
        message: "which workspace? pass --workspace <id|name> (`xano-codegen list --developer-key … --instance …` lists them)".into(),
    })?;
    let workspace = workspaces
        .iter()
        .find(|w| w.id.to_string() == wanted || w.name.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| Error::Config {
            file: "--workspace".into(),
            message: format!(
                "no workspace `{wanted}` (found: {})",
                workspaces
                    .iter()
                    .map(|w| format!("{} ({})", w.name, w.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?;
    let as_meta: Vec<ApiGroupInfo> = workspace
        .apigroups
        .iter()
        .map(|g| ApiGroupInfo {
            id: g.id,
            name: g.name.clone(),
            canonical: g.canonical(),
            branch: None,
        })
        .collect();
    let chosen = choose(as_meta, &plan.groups)?;
    let mut specs = Vec::with_capacity(chosen.len());
    let mut locked = Vec::with_capacity(chosen.len());
    let mut files = std::collections::HashSet::new();
    for (index, group) in chosen.iter().enumerate() {
        progress(&group.name, index, chosen.len());
        let Some(listed) = workspace.apigroups.iter().find(|g| g.id == group.id) else {
            continue;
        };
        let bytes = developer.spec(listed).await?;
        readable(&group.name, &bytes)?;
        let file = unique_file(&mut files, &group.name, &group.canonical);
        locked.push(LockedGroup {
            id: group.id,
            name: group.name.clone(),
            canonical: group.canonical.clone(),
            file: file.clone(),
            sha256: sha256_hex(&bytes),
            public: false,
            left_out: Vec::new(),
        });
        specs.push((file, bytes));
    }
    Ok(Fetched {
        lock: Lock {
            version: 1,
            origin: session.origin.clone(),
            workspace_id: workspace.id,
            workspace: workspace.name.clone(),
            branch: None,
            api: Some("developer".into()),
            combined: false,
            groups: locked,
        },
        specs,
    })
}
