//! Per-environment settings: `xano.toml` and `XANO_*` environment variables, so one
//! binary can target the editor's branch and data source or production unchanged.

use crate::{ClientBuilder, Error};
use serde::Deserialize;
use std::path::Path;

/// The environment variable that replaces the origin.
pub const ENV_ORIGIN: &str = "XANO_ORIGIN";
/// The environment variable that sets the branch.
pub const ENV_BRANCH: &str = "XANO_BRANCH";
/// The environment variable that sets the data source.
pub const ENV_DATA_SOURCE: &str = "XANO_DATA_SOURCE";

#[derive(Deserialize, Default)]
struct File {
    #[serde(default)]
    xano: Section,
}

/// The keys of `[xano]` the runtime reads; the generator's keys are ignored here.
#[derive(Deserialize, Default)]
pub(crate) struct Section {
    pub(crate) instance: Option<String>,
    branch: Option<String>,
    data_source: Option<String>,
    #[cfg(feature = "realtime")]
    pub(crate) realtime: Option<String>,
    #[cfg(feature = "realtime")]
    pub(crate) realtime_version: Option<u8>,
}

impl Section {
    /// Reads `[xano]` of a `xano.toml`.
    pub(crate) fn read(path: &Path) -> Result<Section, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let file: File = toml::from_str(&text)
            .map_err(|err| Error::Config(format!("{}: {}", path.display(), err.message())))?;
        Ok(file.xano)
    }

    /// `instance` as an origin (`https://` added to a bare host).
    pub(crate) fn origin(&self) -> Option<String> {
        self.instance.as_ref().map(|instance| {
            if instance.contains("://") {
                instance.clone()
            } else {
                format!("https://{instance}")
            }
        })
    }
}

impl ClientBuilder {
    /// Applies `[xano]` of a `xano.toml`: `instance` (host or origin) replaces the
    /// origin, `branch` and `data_source` set those.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read, [`Error::Config`] when it is
    /// not valid TOML.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let xano = xano_runtime::Client::builder("https://fallback.xano.io")
    ///     .config_file("xano.toml")?
    ///     .env()
    ///     .build()?;
    /// # Ok::<(), xano_runtime::Error>(())
    /// ```
    pub fn config_file(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        let section = Section::read(path.as_ref())?;
        let mut builder = self;
        if let Some(origin) = section.origin() {
            builder.origin = origin;
        }
        if let Some(branch) = section.branch {
            builder.branch = Some(branch);
        }
        if let Some(source) = section.data_source {
            builder.data_source = Some(source);
        }
        Ok(builder)
    }

    /// Applies `XANO_ORIGIN`, `XANO_BRANCH` and `XANO_DATA_SOURCE` when they are set
    /// (and not empty); they win over code and `xano.toml`.
    pub fn env(self) -> Self {
        self.env_from(|name| std::env::var(name).ok())
    }

    /// [`ClientBuilder::env`] with another source of variables (tests, secrets
    /// managers).
    pub fn env_from(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name| lookup(name).filter(|v: &String| !v.trim().is_empty());
        if let Some(origin) = get(ENV_ORIGIN) {
            self.origin = origin;
        }
        if let Some(branch) = get(ENV_BRANCH) {
            self.branch = Some(branch);
        }
        if let Some(source) = get(ENV_DATA_SOURCE) {
            self.data_source = Some(source);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use crate::Client;

    #[test]
    fn toml_then_env() {
        let dir = std::env::temp_dir().join(format!("xano-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("xano.toml");
        std::fs::write(
            &path,
            "[xano]\ninstance = \"x1.n7.xano.io\"\nbranch = \"dev\"\ndata_source = \"test\"\nspecs = \"specs\"\n",
        )
        .unwrap();
        let client = Client::builder("https://prod.example")
            .config_file(&path)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.origin(), "https://x1.n7.xano.io");
        assert_eq!(client.branch(), Some("dev"));

        let client = Client::builder("https://prod.example")
            .config_file(&path)
            .unwrap()
            .env_from(|name| match name {
                "XANO_ORIGIN" => Some("https://custom.example.com".into()),
                "XANO_BRANCH" => Some(String::new()),
                _ => None,
            })
            .build()
            .unwrap();
        assert_eq!(client.origin(), "https://custom.example.com");
        assert_eq!(
            client.branch(),
            Some("dev"),
            "an empty variable changes nothing"
        );

        std::fs::write(&path, "[xano\n").unwrap();
        let err = Client::builder("https://x.io")
            .config_file(&path)
            .unwrap_err();
        assert!(err.to_string().contains("xano.toml"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
