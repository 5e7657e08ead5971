//! `xano.toml`: the project settings shared by the CLI, build.rs and the macro.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file name looked for in the current directory.
pub const FILE_NAME: &str = "xano.toml";

/// The parsed `xano.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The `[xano]` table.
    #[serde(default)]
    pub xano: XanoSection,
    /// The `[audit]` table.
    #[serde(default)]
    pub audit: AuditSection,
}

/// The `[audit]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSection {
    /// Accepted findings: `"rule"`, `"rule /path"` or `"rule METHOD /path"`.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// The `[xano]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XanoSection {
    /// The instance host or custom domain.
    pub instance: Option<String>,
    /// The workspace id or name.
    pub workspace: Option<WorkspaceRef>,
    /// The branch label (default: live).
    pub branch: Option<String>,
    /// Which API groups (default: all).
    #[serde(default)]
    pub groups: Vec<String>,
    /// Where fetched specs and `xano.lock` live (default `specs`).
    pub specs: Option<PathBuf>,
    /// Where `generate` writes without `-o` (default `src/xano.rs`).
    pub out: Option<PathBuf>,
    /// Endpoints that also get a streaming variant, as `"POST /chat"`.
    #[serde(default)]
    pub stream: Vec<String>,
    /// The data source the runtime selects (`X-Data-Source`); read by
    /// `xano_runtime::ClientBuilder::config_file`.
    pub data_source: Option<String>,
    /// The realtime connection canonical (`wss://<instance>/rt/<canonical>`); read by
    /// `xano_runtime::realtime::RealtimeOptions::config_file`.
    pub realtime: Option<String>,
    /// The realtime protocol version, 1 (`/rt/`, default) or 2 (`/ws/`).
    pub realtime_version: Option<u8>,
    /// Extra derives for the generated types, as `["Eq", "Hash"]` (see
    /// [`crate::Settings::with_derive`]).
    #[serde(default)]
    pub derive: Vec<String>,
    /// `[xano.rename]`: generated function or type name → the name wanted
    /// (see [`crate::Settings::with_rename`]).
    #[serde(default)]
    pub rename: std::collections::BTreeMap<String, String>,
    /// `[xano.replace]`: generated type name → the path of your own type
    /// (see [`crate::Settings::with_replace`]).
    #[serde(default)]
    pub replace: std::collections::BTreeMap<String, String>,
    /// Also generate a typed fake of each group for tests (see
    /// [`crate::Settings::with_fake`]).
    #[serde(default)]
    pub fake: bool,
    /// `fetch` takes the workspace's combined spec (one file, every group)
    /// instead of one spec per group.
    #[serde(default)]
    pub combined: bool,
}

impl XanoSection {
    /// Adds what this section says about generation (streams, derives, renames,
    /// replacements) to `settings`.
    pub fn apply_to(&self, settings: &mut crate::Settings) {
        for stream in &self.stream {
            settings.with_stream(stream);
        }
        for derive in &self.derive {
            settings.with_derive(derive);
        }
        for (from, to) in &self.rename {
            settings.with_rename(from, to);
        }
        for (name, path) in &self.replace {
            settings.with_replace(name, path);
        }
        if self.fake {
            settings.with_fake(true);
        }
    }
}

/// A workspace given by id or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkspaceRef {
    /// The numeric id.
    Id(u64),
    /// The name.
    Name(String),
}

impl<'de> Deserialize<'de> for WorkspaceRef {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = WorkspaceRef;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a workspace id (a number, `workspace = 2`) or name (a string, `workspace = \"Bookstore\"`)")
            }
            fn visit_i64<E: serde::de::Error>(
                self,
                id: i64,
            ) -> std::result::Result<WorkspaceRef, E> {
                u64::try_from(id)
                    .map(WorkspaceRef::Id)
                    .map_err(|_| E::custom("a workspace id is a positive number"))
            }
            fn visit_u64<E: serde::de::Error>(
                self,
                id: u64,
            ) -> std::result::Result<WorkspaceRef, E> {
                Ok(WorkspaceRef::Id(id))
            }
            fn visit_str<E: serde::de::Error>(
                self,
                name: &str,
            ) -> std::result::Result<WorkspaceRef, E> {
                Ok(WorkspaceRef::Name(name.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A loaded config and the directory its relative paths are relative to.
#[derive(Debug, Clone)]
pub struct Project {
    /// The settings.
    pub config: Config,
    /// The directory holding `xano.toml`.
    pub root: PathBuf,
}

impl Project {
    /// Reads `xano.toml` from `dir`.
    pub fn load(dir: &Path) -> Result<Project> {
        let path = dir.join(FILE_NAME);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let config = Config::parse(&path.display().to_string(), &text)?;
        Ok(Project {
            config,
            root: dir.to_owned(),
        })
    }

    /// The specs directory.
    pub fn specs_dir(&self) -> PathBuf {
        self.root.join(
            self.config
                .xano
                .specs
                .as_deref()
                .unwrap_or(Path::new("specs")),
        )
    }

    /// The output file.
    pub fn out_path(&self) -> PathBuf {
        self.root.join(
            self.config
                .xano
                .out
                .as_deref()
                .unwrap_or(Path::new("src/xano.rs")),
        )
    }

    /// The spec files to generate from: those `xano.lock` lists when there is one,
    /// else every `*.json` in the specs directory, by name.
    pub fn spec_files(&self) -> Result<Vec<PathBuf>> {
        let dir = self.specs_dir();
        if let Some(lock) = crate::lock::Lock::read(&dir)? {
            return Ok(lock.files(&dir));
        }
        let entries = std::fs::read_dir(&dir).map_err(|source| Error::Read {
            path: dir.clone(),
            source,
        })?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| Error::Read {
                path: dir.clone(),
                source,
            })?;
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(Error::Config {
                file: dir.display().to_string(),
                message: "no *.json specs here: run `xano-codegen fetch` or copy a spec in".into(),
            });
        }
        Ok(files)
    }
}

impl Config {
    /// Parses `xano.toml` text; errors name the file and line.
    pub fn parse(file: &str, text: &str) -> Result<Config> {
        toml::from_str(text).map_err(|err| {
            let line = err
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            Error::Config {
                file: match line {
                    Some(line) => format!("{file}:{line}"),
                    None => file.to_owned(),
                },
                message: err.message().to_owned(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_design_example() {
        let config = Config::parse(
            "xano.toml",
            r#"
[xano]
instance = "x8d0-doy0-xx99.n0.xano.io"
workspace = 2
branch = "dev"
groups = ["Authentication", "Public API"]
specs = "specs"
out = "src/xano.rs"
stream = ["POST /chat"]
"#,
        )
        .unwrap();
        assert_eq!(config.xano.workspace, Some(WorkspaceRef::Id(2)));
        assert_eq!(config.xano.stream, ["POST /chat"]);
    }

    #[test]
    fn errors_name_the_line() {
        let err = Config::parse("xano.toml", "[xano]\ninstance = 1\n").unwrap_err();
        assert!(err.to_string().starts_with("xano.toml:2:"), "{err}");
        let err = Config::parse("xano.toml", "[xano]\nbogus = true\n").unwrap_err();
        assert!(err.to_string().contains("xano.toml:2"), "{err}");
        let err = Config::parse("xano.toml", "[xano]\nworkspace = true\n").unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("xano.toml:2") && shown.contains("a workspace id (a number"),
            "{shown}"
        );
        assert!(!shown.contains("untagged"), "{shown}");
    }

    #[test]
    fn derives_renames_and_replacements() {
        let config = Config::parse(
            "xano.toml",
            "[xano]\nderive = [\"Eq\"]\n[xano.rename]\nBook = \"Novel\"\nget_books = \"list_books\"\n[xano.replace]\nCover = \"crate::Cover\"\n",
        )
        .unwrap();
        assert_eq!(config.xano.derive, ["Eq"]);
        assert_eq!(config.xano.rename["get_books"], "list_books");
        assert_eq!(config.xano.replace["Cover"], "crate::Cover");
    }
}
