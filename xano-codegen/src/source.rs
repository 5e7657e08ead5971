//! Stage 1 — source: a spec file or URL becomes raw JSON plus its SHA-256.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::path::Path;

/// One loaded spec, before any repair.
#[derive(Debug, Clone)]
pub struct RawSpec {
    /// Where it came from (a path or URL), used in every message about it.
    pub origin: String,
    /// The document as Xano published it.
    pub json: serde_json::Value,
    /// Lower-case hex SHA-256 of the exact bytes read, recorded in generated headers.
    pub sha256: String,
    /// The bytes read: a spec that fails to parse is re-read from them to locate the
    /// failure after its JSON was consumed (a fraction of the size of `json`).
    bytes: std::sync::Arc<[u8]>,
}

impl RawSpec {
    /// Parses spec bytes; `origin` names them in errors.
    pub fn from_bytes(origin: impl Into<String>, bytes: &[u8]) -> Result<Self> {
        let origin = origin.into();
        let json = serde_json::from_slice(bytes).map_err(|err| json_error(&origin, bytes, &err))?;
        Ok(RawSpec {
            origin,
            json,
            sha256: sha256_hex(bytes),
            bytes: bytes.into(),
        })
    }

    /// The document as loaded, read again from the bytes: for a caller that took
    /// `json` (e.g. with `std::mem::take`) and needs it once more.
    pub fn reload(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.bytes).ok()
    }

    /// Reads and parses a spec file.
    pub fn from_path(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_bytes(path.display().to_string(), &bytes)
    }

    /// Fetches a spec over http(s), e.g. `https://<host>/apispec:<canonical>?type=json`.
    #[cfg(feature = "cli")]
    pub async fn from_url(url: &str) -> Result<Self> {
        let shown = redact_url(url);
        let fail = |message: String| Error::Fetch {
            url: shown.clone(),
            message,
        };
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(concat!("xano-codegen/", env!("CARGO_PKG_VERSION")))
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|err| fail(err.without_url().to_string()))?;
        let response = http
            .get(url)
            .send()
            .await
            .map_err(|err| fail(err.without_url().to_string()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|err| fail(err.without_url().to_string()))?;
        if !status.is_success() {
            let hint = match status.as_u16() {
                404 => " (is Swagger documentation enabled for this API group?)",
                401 | 403 => " (the group's documentation is private: add its swagger token)",
                429 => " (rate limited: wait a few seconds and try again)",
                _ => "",
            };
            return Err(fail(format!("HTTP {status}{hint}")));
        }
        Self::from_bytes(shown.clone(), &bytes)
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
    Error::Json {
        file: origin.to_owned(),
        line: err.line(),
        column: err.column(),
        message: strip_position(&err.to_string()),
        excerpt: excerpt_at(bytes, err.line(), err.column()),
    }
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
