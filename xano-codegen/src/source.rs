//! Stage 1 — source: a spec file or URL becomes raw JSON plus its SHA-256.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::path::Path;

/// How large and how deeply nested a spec may be. Past either limit, loading fails
/// with [`Error::Limit`] instead of using unbounded memory or overflowing the stack.
///
/// The defaults are far above any real Xano spec (the largest seen is 0.9 MB and 21
/// levels deep; 5,000 endpoints are 6 MB); raise them for a bigger one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest spec, in bytes. Default 32 MiB.
    pub max_bytes: usize,
    /// Deepest nesting of JSON arrays and objects. Default 128. Above that, the
    /// document is read on a heap-grown stack, and generation runs on a stack sized
    /// for the depth.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 32 << 20,
            max_depth: SERDE_JSON_DEPTH,
        }
    }
}

/// serde_json's own nesting limit; deeper documents need `serde_stacker`.
const SERDE_JSON_DEPTH: usize = 128;

/// One loaded spec, before any repair.
#[derive(Debug, Clone)]
pub struct RawSpec {
    /// Where it came from (a path or URL), used in every message about it.
    pub origin: String,
    /// The document as Xano published it.
    pub json: serde_json::Value,
    /// Lower-case hex SHA-256 of the exact bytes read, recorded in generated headers.
    pub sha256: String,
    /// How deeply the document nests arrays and objects.
    pub depth: usize,
    /// The bytes read: a spec that fails to parse is re-read from them to locate the
    /// failure after its JSON was consumed (a fraction of the size of `json`).
    bytes: std::sync::Arc<[u8]>,
}

impl RawSpec {
    /// Parses spec bytes within the default [`Limits`]; `origin` names them in errors.
    pub fn from_bytes(origin: impl Into<String>, bytes: &[u8]) -> Result<Self> {
        Self::from_bytes_within(origin, bytes, Limits::default())
    }

    /// Parses spec bytes within `limits`; `origin` names them in errors.
    pub fn from_bytes_within(
        origin: impl Into<String>,
        bytes: &[u8],
        limits: Limits,
    ) -> Result<Self> {
        let origin = origin.into();
        check_size(&origin, bytes.len() as u64, limits)?;
        let depth =
            nesting_depth(bytes, limits.max_depth).map_err(|(line, column, _)| Error::Limit {
                file: origin.clone(),
                position: Some((line, column)),
                message: format!(
                    "the spec nests arrays and objects more than {} levels deep here; \
                     raise the limit (--max-depth, `max_depth` in generate!, Limits::max_depth) if it is \
                     meant to",
                    limits.max_depth
                ),
            })?;
        let json = if depth <= SERDE_JSON_DEPTH {
            serde_json::from_slice(bytes)
        } else {
            // serde_json stops at 128 levels to protect the stack; past that, read on
            // a stack that grows on the heap.
            let mut de = serde_json::Deserializer::from_slice(bytes);
            de.disable_recursion_limit();
            let value = serde::Deserialize::deserialize(serde_stacker::Deserializer::new(&mut de));
            value.and_then(|value| de.end().map(|()| value))
        }
        .map_err(|err| json_error(&origin, bytes, &err))?;
        Ok(RawSpec {
            origin,
            json,
            sha256: sha256_hex(bytes),
            depth,
            bytes: bytes.into(),
        })
    }

    /// The document as loaded, read again from the bytes: for a caller that took
    /// `json` (e.g. with `std::mem::take`) and needs it once more.
    pub fn reload(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.bytes).ok()
    }

    /// A spec made from a document already in memory (one group of a combined
    /// spec), hashed as its JSON text.
    ///
    /// # Errors
    ///
    /// When the document cannot be serialized (it always can) or read back.
    pub fn from_value(origin: impl Into<String>, document: serde_json::Value) -> Result<Self> {
        let origin = origin.into();
        let bytes = serde_json::to_vec(&document).map_err(|err| Error::Spec {
            file: origin.clone(),
            pointer: String::new(),
            message: err.to_string(),
        })?;
        Self::from_bytes_within(
            origin,
            &bytes,
            Limits {
                max_bytes: usize::MAX,
                max_depth: usize::MAX,
            },
        )
    }

    /// Reads and parses a spec file within the default [`Limits`].
    ///
    /// # Errors
    ///
    /// [`Error::Read`] when the file cannot be read, [`Error::Json`] (line and
    /// column) when it is not JSON, [`Error::Yaml`] for a YAML spec,
    /// [`Error::Limit`] past the size or depth limit.
    pub fn from_path(path: &Path) -> Result<Self> {
        Self::from_path_within(path, Limits::default())
    }

    /// Reads and parses a spec file within `limits` (a file over the size limit is
    /// not read at all).
    pub fn from_path_within(path: &Path, limits: Limits) -> Result<Self> {
        let read_error = |source| Error::Read {
            path: path.to_owned(),
            source,
        };
        let size = std::fs::metadata(path).map_err(read_error)?.len();
        check_size(&path.display().to_string(), size, limits)?;
        let bytes = std::fs::read(path).map_err(read_error)?;
        Self::from_bytes_within(path.display().to_string(), &bytes, limits)
    }
}

/// A size as users write it: `1048576`, `512K`, `32M`, `1G` (binary multiples), for
/// `--max-spec-size` and the macro's `max_spec_size`.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (digits, multiplier) = match text.char_indices().last() {
        Some((at, unit)) if unit.is_ascii_alphabetic() => {
            let shift = match unit.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                _ => return Err(format!("`{unit}` is not a size unit: use K, M or G")),
            };
            (&text[..at], 1usize << shift)
        }
        _ => (text, 1),
    };
    digits
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| format!("`{text}` is not a size: write e.g. 64M or 1048576"))
}

/// An error when a spec of `size` bytes is over `limits` (checked before it is
/// read or downloaded).
pub fn check_size(origin: &str, size: u64, limits: Limits) -> Result<()> {
    if size <= limits.max_bytes as u64 {
        return Ok(());
    }
    Err(Error::Limit {
        file: origin.to_owned(),
        position: None,
        message: format!(
            "the spec is {}, over the {} limit; raise it (--max-spec-size, `max_spec_size` in \
             generate!, Limits::max_bytes) if it is meant to be this large",
            human_size(size),
            human_size(limits.max_bytes as u64)
        ),
    })
}

/// `512 bytes`, `70.5 KiB`, `47.7 MiB`.
fn human_size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

/// The deepest nesting of arrays and objects in JSON text, found without recursion;
/// past `limit`, the 1-based line and column where it was passed (and the depth).
/// Brackets inside strings do not count; syntax is left to the parser.
fn nesting_depth(bytes: &[u8], limit: usize) -> std::result::Result<usize, (usize, usize, usize)> {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for (at, &byte) in bytes.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
                    let line_start = bytes[..at]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |newline| newline + 1);
                    let column = 1 + String::from_utf8_lossy(&bytes[line_start..at])
                        .chars()
                        .count();
                    return Err((line, column, depth));
                }
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(deepest)
}

/// Runs `work` on a stack deep enough for documents nested `depth` levels: the
/// thread's own for ordinary specs, a heap-allocated one past serde_json's default
/// depth (only reachable when the user raised [`Limits::max_depth`]).
pub(crate) fn on_stack_for<T>(depth: usize, work: impl FnOnce() -> T) -> T {
    // Measured on the mutation test's 20,000-level document in a debug build:
    // generation needs between 512 B and 1 KiB of stack per level; 8 KiB leaves room.
    const PER_LEVEL: usize = 8 << 10;
    if depth <= SERDE_JSON_DEPTH {
        return work();
    }
    stacker::grow((1 << 20) + depth.saturating_mul(PER_LEVEL), work)
}

impl Drop for RawSpec {
    fn drop(&mut self) {
        // Dropping a `Value` recurses once per level, like reading it did.
        if self.depth > SERDE_JSON_DEPTH {
            let json = std::mem::take(&mut self.json);
            on_stack_for(self.depth, move || drop(json));
        }
    }
}

/// Whether a SPEC argument is a URL rather than a path.
pub fn is_url(spec: &str) -> bool {
    spec.starts_with("http://") || spec.starts_with("https://")
}

/// Hides secrets in a URL's query (`token=…`) so it can be shown in messages.
pub fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let redacted: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("token") => format!("{key}=[redacted]"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", redacted.join("&"))
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

fn json_error(origin: &str, bytes: &[u8], err: &serde_json::Error) -> Error {
    if looks_like_yaml(bytes) {
        return Error::Yaml {
            file: origin.to_owned(),
        };
    }
    Error::Json {
        file: origin.to_owned(),
        line: err.line(),
        column: err.column(),
        message: strip_position(&err.to_string()),
        excerpt: excerpt_at(bytes, err.line(), err.column()),
    }
}

/// A YAML OpenAPI document: its first line that is not blank or a comment is a
/// `openapi:`/`swagger:` key or a `---` marker (JSON starts with `{`).
fn looks_like_yaml(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let text = text.trim_start_matches('\u{feff}');
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .is_some_and(|line| {
            line == "---" || line.starts_with("openapi:") || line.starts_with("swagger:")
        })
}

/// serde_json appends " at line X column Y"; the error already carries both.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Up to 30 characters either side of a line/column position, on one line.
fn excerpt_at(bytes: &[u8], line: usize, column: usize) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let line_text = text.lines().nth(line.checked_sub(1)?)?;
    let chars: Vec<char> = line_text.chars().collect();
    if chars.is_empty() {
        return None;
    }
    let at = column.saturating_sub(1).min(chars.len() - 1);
    let start = at.saturating_sub(30);
    let end = (at + 30).min(chars.len());
    let snippet: String = chars[start..end].iter().collect();
    let snippet = snippet.trim();
    (!snippet.is_empty()).then(|| snippet.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_give_line_column_and_context() {
        let bytes = br#"{"openapi": "3.0.0", "paths": {"/a": ]}"#;
        let err = RawSpec::from_bytes("spec.json", bytes).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("spec.json:1:"), "{text}");
        assert!(text.contains("near `"), "{text}");
    }

    #[test]
    fn nesting_is_measured_outside_strings() {
        assert_eq!(nesting_depth(br#"{"a": [1, {"b": "[[[{{"}]}"#, 10), Ok(3));
        assert_eq!(nesting_depth(br#"{"a": "\"[[["}"#, 10), Ok(1));
        assert_eq!(nesting_depth(b"{\n  [[[\n", 3), Err((2, 5, 4)));
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert!(parse_size("12X").unwrap_err().contains("not a size unit"));
        assert!(parse_size("M").unwrap_err().contains("not a size"));
    }

    #[test]
    fn limits_name_the_file_and_the_place() {
        let limits = Limits {
            max_bytes: 10,
            max_depth: 2,
        };
        let big = RawSpec::from_bytes_within("big.json", &[b' '; 11], limits).unwrap_err();
        assert!(
            big.to_string().starts_with("big.json: the spec is"),
            "{big}"
        );
        assert!(big.to_string().contains("--max-spec-size"), "{big}");
        let deep = RawSpec::from_bytes_within("deep.json", b"[[[]]]", limits).unwrap_err();
        assert!(deep.to_string().starts_with("deep.json:1:3: "), "{deep}");
        assert!(deep.to_string().contains("--max-depth"), "{deep}");
        assert_eq!(
            RawSpec::from_bytes_within("ok.json", b"[[]]", limits)
                .unwrap()
                .depth,
            2
        );
    }

    #[test]
    fn hashes_and_redaction() {
        let spec = RawSpec::from_bytes("x", b"{}").unwrap();
        assert_eq!(
            spec.sha256,
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(
            redact_url("https://h/apispec:abc?type=json&token=s3cret"),
            "https://h/apispec:abc?type=json&token=[redacted]"
        );
        assert!(is_url("https://h/x") && !is_url("specs/a.json"));
    }
}
