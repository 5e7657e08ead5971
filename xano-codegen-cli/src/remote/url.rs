//! A spec fetched from a URL given on the command line.

use xano_codegen::{Error, Limits, RawSpec, Result};

/// Fetches a spec over http(s), e.g. `https://<host>/apispec:<canonical>?type=json`,
/// within `limits`.
pub(crate) async fn spec_from_url(url: &str, limits: Limits) -> Result<RawSpec> {
    let shown = xano_codegen::source::redact_url(url);
    let fail = |message: String| Error::Fetch {
        url: shown.clone(),
        message,
    };
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
    if let Some(length) = response.content_length() {
        xano_codegen::source::check_size(&shown, length, limits)?;
    }
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
    RawSpec::from_bytes_within(shown.clone(), &bytes, limits)
}
