//! The build.rs entry point: [`Builder`].

use crate::config::Project;
use crate::error::{Error, Result};
use crate::write::{Formatting, write_atomic};
use crate::{Generation, RawSpec, Settings, source};
use std::path::{Path, PathBuf};

/// Generates clients from a build script into `$OUT_DIR`.
///
/// ```no_run
/// // build.rs: fn main() { … }
/// xano_codegen::Builder::new()
///     .with_spec("specs/bookstore.json")
///     .generate_to_out_dir()
///     .unwrap_or_else(|err| panic!("{err}"));
/// ```
///
/// ```ignore
/// // src/lib.rs
/// include!(concat!(env!("OUT_DIR"), "/xano.rs"));
/// ```
///
/// It never touches the network: specs are read from disk (fetching them is an
/// explicit `xano-codegen fetch`). Relative paths are relative to the crate
/// (`CARGO_MANIFEST_DIR`). It prints `cargo:rerun-if-changed` for every spec and
/// for `xano.toml` and `xano.lock` when they exist, so editing them rebuilds and
/// nothing else does.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    specs: Vec<PathBuf>,
    config: Option<PathBuf>,
    out_name: Option<String>,
    settings: Settings,
    streams_given: bool,
    limits: crate::Limits,
}

impl Builder {
    /// A builder with the defaults: the specs of `xano.toml` (its `specs` directory)
    /// when no spec is given, written to `$OUT_DIR/xano.rs`.
    pub fn new() -> Self {
        Builder::default()
    }

    /// Adds a spec file.
    pub fn with_spec(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.specs.push(path.into());
        self
    }

    /// Reads the specs of this `xano.toml` (default: `xano.toml` in the crate, when
    /// no spec is given).
    pub fn with_config(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.config = Some(path.into());
        self
    }

    /// The output file name in `$OUT_DIR` (default `xano.rs`).
    pub fn with_out_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.out_name = Some(name.into());
        self
    }

    /// See [`Settings::with_module_name`]; `spec` is the path as given to
    /// [`Builder::with_spec`].
    pub fn with_module_name(
        &mut self,
        spec: impl AsRef<Path>,
        module: impl Into<String>,
    ) -> &mut Self {
        let spec = self.resolve(spec.as_ref());
        self.settings
            .with_module_name(spec.display().to_string(), module);
        self
    }

    /// See [`Settings::with_stream`] (default: `stream` of `xano.toml` when the specs
    /// come from it).
    pub fn with_stream(&mut self, endpoint: impl Into<String>) -> &mut Self {
        self.settings.with_stream(endpoint);
        self.streams_given = true;
        self
    }

    /// See [`Settings::with_fake`] (on when this or `fake` of `xano.toml` says so).
    pub fn with_fake(&mut self, fake: bool) -> &mut Self {
        self.settings.with_fake(fake);
        self
    }

    /// See [`Settings::with_derive`] (added to `derive` of `xano.toml`).
    pub fn with_derive(&mut self, derive: impl Into<String>) -> &mut Self {
        self.settings.with_derive(derive);
        self
    }

    /// See [`Settings::with_rename`] (added to `[xano.rename]` of `xano.toml`).
    pub fn with_rename(&mut self, from: impl Into<String>, to: impl Into<String>) -> &mut Self {
        self.settings.with_rename(from, to);
        self
    }

    /// See [`Settings::with_replace`] (added to `[xano.replace]` of `xano.toml`).
    pub fn with_replace(&mut self, name: impl Into<String>, path: impl Into<String>) -> &mut Self {
        self.settings.with_replace(name, path);
        self
    }

    /// How large and deep the specs may be. Default: [`Limits::default`](crate::Limits).
    pub fn with_limits(&mut self, limits: crate::Limits) -> &mut Self {
        self.limits = limits;
        self
    }

    /// The spec files this builder reads, resolved against the crate directory.
    pub fn spec_files(&self) -> Result<Vec<PathBuf>> {
        if !self.specs.is_empty() {
            let mut files = Vec::new();
            for spec in &self.specs {
                let text = spec.to_string_lossy();
                if source::is_url(&text) {
                    return Err(Error::Config {
                        file: text.into_owned(),
                        message: "build.rs does not fetch specs: run `xano-codegen fetch` and point at the file".into(),
                    });
                }
                files.push(self.resolve(spec));
            }
            return Ok(files);
        }
        let config = self.config_path();
        let root = config.parent().map(Path::to_owned).unwrap_or_default();
        if !config.exists() {
            return Err(Error::Config {
                file: config.display().to_string(),
                message: "no spec given and no xano.toml: call `with_spec(\"specs/<group>.json\")`"
                    .into(),
            });
        }
        Project::load(&root)?.spec_files()
    }

    /// Runs the generator (no files written).
    pub fn generate(&self) -> Result<Generation> {
        let raws = self
            .spec_files()?
            .iter()
            .map(|path| RawSpec::from_path_within(path, self.limits))
            .collect::<Result<Vec<_>>>()?;
        let mut settings = self.settings.clone();
        let config = self.config_path();
        if let Some(root) = config.parent().filter(|_| config.exists()) {
            // xano.toml's derives, renames and replacements, then the builder's;
            // its streams only when the builder names none.
            let mut section = Project::load(root)?.config.xano;
            if !self.specs.is_empty() || self.streams_given {
                section.stream.clear();
            }
            let mut from_config = Settings::default();
            section.apply_to(&mut from_config);
            settings = from_config.merged_with(&settings);
        }
        crate::generate(raws, &settings)
    }

    /// The `cargo:rerun-if-changed` lines for this build: every spec, and
    /// `xano.toml` and the specs' `xano.lock` when they exist. (A `xano.toml`
    /// created later is picked up on the next change to a spec or `build.rs`.)
    pub fn rerun_if_changed(&self) -> Result<Vec<String>> {
        let mut watched = Vec::new();
        let config = self.config_path();
        if config.is_file() {
            watched.push(config);
        }
        let files = self.spec_files()?;
        if let Some(lock) = files
            .first()
            .and_then(|f| f.parent())
            .map(|dir| dir.join("xano.lock"))
            .filter(|lock| lock.is_file())
        {
            watched.push(lock);
        }
        watched.extend(files);
        Ok(watched
            .iter()
            .map(|path| format!("cargo:rerun-if-changed={}", path.display()))
            .collect())
    }

    /// Generates and writes `$OUT_DIR/<out name>` atomically, returning its path,
    /// and prints the `cargo:rerun-if-changed` lines and every warning as
    /// `cargo:warning`.
    ///
    /// # Errors
    ///
    /// What [`crate::generate`] fails with; [`Error::Config`] outside a build
    /// script (`OUT_DIR` unset) or with neither a spec nor a `xano.toml`;
    /// [`Error::Read`] or [`Error::Write`] for the files.
    pub fn generate_to_out_dir(&self) -> Result<PathBuf> {
        let out_dir = std::env::var_os("OUT_DIR")
            .map(PathBuf::from)
            .ok_or_else(|| Error::Config {
                file: "build.rs".into(),
                message: "OUT_DIR is not set: call generate_to_out_dir from a build script".into(),
            })?;
        // Printed first, so cargo re-runs the script after a spec is fixed even when
        // this run fails. Only files that exist: cargo treats a missing one as
        // always changed and would rerun the script (and recheck all generated
        // code) on every build.
        for line in self.rerun_if_changed()? {
            println!("{line}");
        }
        let generation = self.generate()?;
        for line in cargo_warnings(&generation) {
            println!("{line}");
        }
        let source = generation.to_file_source(Formatting::Builtin)?;
        let path = out_dir.join(self.out_name.as_deref().unwrap_or("xano.rs"));
        write_atomic(&path, source.as_bytes())?;
        Ok(path)
    }

    fn config_path(&self) -> PathBuf {
        self.resolve(
            self.config
                .as_deref()
                .unwrap_or(Path::new(crate::config::FILE_NAME)),
        )
    }

    fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return path.to_owned();
        }
        match std::env::var_os("CARGO_MANIFEST_DIR") {
            Some(dir) => PathBuf::from(dir).join(path),
            None => path.to_owned(),
        }
    }
}

/// What the CLI prints as warnings, as `cargo:warning=` lines: cargo shows them
/// when the build script runs.
fn cargo_warnings(generation: &Generation) -> Vec<String> {
    generation
        .warnings()
        .map(|(origin, warning)| {
            format!(
                "cargo:warning={}",
                warning.located(origin).replace('\n', " ")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_reach_cargo() {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/specs/bookstore.json");
        let generation = Builder::new()
            .with_spec(spec)
            .with_derive("Eq")
            .generate()
            .unwrap();
        let lines = cargo_warnings(&generation);
        assert!(
            lines.iter().any(|l| l.starts_with("cargo:warning=")
                && l.contains("bookstore.json")
                && l.contains("derive `Eq` left off")),
            "{lines:?}"
        );
    }
}
