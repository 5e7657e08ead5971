//! `xano.lock`: what `fetch` downloaded, so `generate` and build.rs work offline and
//! reproducibly, and `fetch --check` can tell when the backend changed.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The lock file's name, inside the specs directory.
pub const LOCK_FILE: &str = "xano.lock";

/// The contents of `xano.lock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// Format version.
    pub version: u32,
    /// The instance origin the specs came from.
    pub origin: String,
    /// The workspace id.
    pub workspace_id: u64,
    /// The workspace name.
    pub workspace: String,
    /// The branch (`None`: live).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Which API the specs were fetched through: `metadata` (a Meta API
    /// token), `developer` (a legacy Developer API key) or `public` (the
    /// groups' public `apispec:` URLs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// Whether the specs are the workspace's combined spec (one file holding
    /// every group) rather than one per group.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub combined: bool,
    /// One entry per API group, sorted by file name.
    #[serde(default, rename = "group")]
    pub groups: Vec<LockedGroup>,
}

/// One fetched API group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedGroup {
    /// The group's id in the workspace.
    pub id: u64,
    /// The group's name.
    pub name: String,
    /// The group's canonical (`api:<canonical>`).
    pub canonical: String,
    /// The spec file, relative to the specs directory.
    pub file: String,
    /// SHA-256 of the spec bytes.
    pub sha256: String,
    /// Read from the public `apispec:` URL without a token (its docs are public).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
    /// Endpoints left out: the group's spec could not be had or read whole, so
    /// it was put together endpoint by endpoint, and these could not be.
    #[serde(default, rename = "left_out", skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<LeftOut>,
}

/// An endpoint a fetch left out of its group, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The method (`GET`).
    pub method: String,
    /// The path under the group (`/auth/login`).
    pub path: String,
    /// Why it was left out.
    pub reason: String,
    /// The JSON pointer of what could not be read, in the endpoint's spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl std::fmt::Display for LeftOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.method, self.path, self.reason)?;
        if let Some(pointer) = &self.pointer {
            write!(f, " (at {pointer})")?;
        }
        Ok(())
    }
}

impl Lock {
    /// Reads `<dir>/xano.lock`, if it exists.
    pub fn read(dir: &Path) -> Result<Option<Lock>> {
        let path = dir.join(LOCK_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Read { path, source }),
        };
        toml::from_str(&text)
            .map(Some)
            .map_err(|err| Error::Config {
                file: path.display().to_string(),
                message: format!(
                    "{} (delete it and run `xano-codegen fetch` again)",
                    err.message()
                ),
            })
    }

    /// The lock as TOML, with a header.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).unwrap_or_default();
        format!(
            "# Written by `xano-codegen fetch`: the specs in this directory and their hashes.\n# Do not edit; commit it with the specs.\n{body}"
        )
    }

    /// The spec files it lists, in `dir`.
    pub fn files(&self, dir: &Path) -> Vec<PathBuf> {
        self.groups.iter().map(|g| dir.join(&g.file)).collect()
    }
}

/// A spec file name for a group: its name in snake case (`Public API` →
/// `public_api.json`), or its canonical when the name has nothing usable.
pub fn file_name(name: &str, canonical: &str) -> String {
    let stem = crate::model::naming::ascii_snake(name);
    let stem = if stem.is_empty() {
        crate::model::naming::ascii_snake(canonical)
    } else {
        stem
    };
    format!("{}.json", if stem.is_empty() { "api" } else { &stem })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_names_files() {
        let lock = Lock {
            version: 1,
            origin: "https://x.n7.xano.io".into(),
            workspace_id: 2,
            workspace: "Main".into(),
            branch: Some("dev".into()),
            api: Some("metadata".into()),
            combined: false,
            groups: vec![LockedGroup {
                id: 5,
                name: "🚀 Public API".into(),
                canonical: "Ab-1".into(),
                file: file_name("🚀 Public API", "Ab-1"),
                sha256: "00".into(),
                public: false,
                left_out: vec![LeftOut {
                    method: "GET".into(),
                    path: "/broken".into(),
                    reason: "HTTP 500".into(),
                    pointer: None,
                }],
            }],
        };
        assert_eq!(lock.groups[0].file, "public_api.json");
        let dir = std::env::temp_dir().join(format!("xano-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(LOCK_FILE), lock.to_toml()).unwrap();
        assert_eq!(Lock::read(&dir).unwrap(), Some(lock));
        std::fs::write(dir.join(LOCK_FILE), "version = ").unwrap();
        assert!(
            Lock::read(&dir)
                .unwrap_err()
                .to_string()
                .contains("xano.lock")
        );
        std::fs::remove_dir_all(dir).unwrap();
        assert_eq!(file_name("🚀", "🙂"), "api.json");
    }
}
