//! The one error type of the generator library.

use std::path::PathBuf;

/// Why generation (or loading a spec, or writing the output) failed.
///
/// Every variant names the file or URL it is about; spec problems also carry the
/// JSON pointer (RFC 6901) of the offending node, and JSON syntax errors the line
/// and column. `Display` does not repeat the `source()` (the I/O error of
/// [`Error::Read`] and [`Error::Write`]): print the chain, as the CLI does.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A spec or output file could not be read.
    #[error("{}: cannot read", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The output could not be written (nothing was changed on disk).
    #[error("{}: cannot write", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A spec could not be fetched from a URL.
    #[error("{url}: cannot fetch: {message}")]
    Fetch {
        /// The URL (with any `token` query value redacted).
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The input is a YAML document: specs are read as JSON.
    #[error(
        "{file}: this is a YAML spec; xano-codegen reads specs as JSON. Xano serves the JSON \
         form at the API group's Swagger URL (…/apispec:<group>?type=json), which \
         `xano-codegen fetch` downloads; or convert the file (`yq -o json {file}`)"
    )]
    Yaml {
        /// The file or URL.
        file: String,
    },
    /// The input is not JSON.
    #[error("{file}:{line}:{column}: not valid JSON: {message}{}", excerpt.as_deref().map(|e| format!(" (near `{e}`)")).unwrap_or_default())]
    Json {
        /// The file or URL.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        message: String,
        /// The text around the error, for minified specs where the line is useless.
        excerpt: Option<String>,
    },
    /// The JSON is not a usable OpenAPI 3.0 document.
    #[error("{file}: {message} (at {})", display_pointer(pointer))]
    Spec {
        /// The file or URL.
        file: String,
        /// The JSON pointer of the offending node (`""` is the whole document).
        pointer: String,
        /// What is wrong, in words.
        message: String,
    },
    /// The spec uses something xano-codegen cannot generate code for.
    #[error("{file}: unsupported: {message} (at {})", display_pointer(pointer))]
    Unsupported {
        /// The file or URL.
        file: String,
        /// The JSON pointer of the offending node.
        pointer: String,
        /// What is unsupported and what to do instead.
        message: String,
    },
    /// A spec is larger, or nested deeper, than the [`Limits`](crate::source::Limits)
    /// allow; the message says how to raise them.
    #[error("{file}{}: {message}", position.map(|(line, column)| format!(":{line}:{column}")).unwrap_or_default())]
    Limit {
        /// The file or URL.
        file: String,
        /// Line and column (1-based) where the nesting limit was passed; `None` for
        /// the size limit, which is about the whole file.
        position: Option<(usize, usize)>,
        /// Which limit, the value found and how to raise it.
        message: String,
    },
    /// rustfmt was asked for (`--rustfmt`) and could not format the code.
    #[error("rustfmt: {message}")]
    Rustfmt {
        /// Why: missing, or what it said when it failed.
        message: String,
    },
    /// `xano.toml` or a generator setting is invalid.
    #[error("{file}: {message}")]
    Config {
        /// The config file, or `settings` for values given in code.
        file: String,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// The message and every cause below it on one line (`x.json: cannot read:
    /// No such file or directory`), as the CLI and the macro print errors;
    /// for a build script's `panic!("{}", err.with_causes())`.
    pub fn with_causes(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(inner) = cause {
            text.push_str(&format!(": {inner}"));
            cause = inner.source();
        }
        text
    }
}

fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "the document root"
    } else {
        pointer
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Escapes one JSON pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_owned()
    }
}

/// Joins reference tokens into a JSON pointer.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for token in tokens {
        out.push('/');
        out.push_str(&escape_pointer_token(token.as_ref()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(
            pointer(["paths", "/user/{id}", "get", "a~b"]),
            "/paths/~1user~1{id}/get/a~0b"
        );
        let err = Error::Spec {
            file: "a.json".into(),
            pointer: String::new(),
            message: "bad".into(),
        };
        assert_eq!(err.to_string(), "a.json: bad (at the document root)");
    }
}
