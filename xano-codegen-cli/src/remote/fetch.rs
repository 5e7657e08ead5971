//! `xano-codegen fetch`: every chosen API group's spec plus `xano.lock`, fetched in
//! full before anything is written, then written file by file atomically.

use crate::remote::meta::{ApiGroupInfo, MetaClient};
use secrecy::SecretString;
use std::path::Path;
use xano_codegen::lock::{LOCK_FILE, Lock, LockedGroup, file_name};
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
        let bytes = if client.has_token() {
            client
                .group_openapi(&plan.origin, workspace_id, group)
                .await?
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
        let stem = file_name(&name, &group.canonical)
            .trim_end_matches(".json")
            .to_owned();
        let file = std::iter::once(stem.clone())
            .chain((2..).map(|n| format!("{stem}_{n}")))
            .map(|stem| format!("{stem}.json"))
            .find(|file| files.insert(file.clone()))
            .unwrap_or_default();
        locked.push(LockedGroup {
            id: group.id,
            name,
            canonical: group.canonical.clone(),
            file: file.clone(),
            sha256: sha256_hex(&bytes),
            public: !client.has_token() && plan.swagger_token.is_none(),
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
            groups: locked,
        },
        specs,
    })
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
            Some(old) if old.sha256 != group.sha256 => changes.push(format!(
                "`{}` changed (sha256 {} → {})",
                group.name,
                &old.sha256[..12.min(old.sha256.len())],
                &group.sha256[..12]
            )),
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
