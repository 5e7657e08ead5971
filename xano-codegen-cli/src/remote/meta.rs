//! The Xano Metadata API: instances → workspaces → API groups → each group's spec,
//! and the public `apispec:` URLs for when there is no Meta token.
//!
//! Shapes follow docs/XANO.md §1: instance lists are bare arrays; workspace lists are a
//! bare array or a paged `{items, …}` object depending on the source; API groups are
//! paged with `page`/`per_page` until `nextPage` is null.

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use xano_codegen::{Error, Result};

/// The account-level ("master") Meta API origin.
pub const MASTER_ORIGIN: &str = "https://app.xano.com";

/// An instance, from the master API's `/instance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// The instance name, e.g. `x1234-4567-8901`.
    pub name: String,
    /// Its display name.
    #[serde(default)]
    pub display: Option<String>,
    /// The Xano domain.
    #[serde(default)]
    pub xano_domain: Option<String>,
    /// A custom domain, if set.
    #[serde(default)]
    pub custom_domain: Option<String>,
    /// The instance's Meta API base, e.g. `https://x1234.n7.xano.com/api:meta`.
    #[serde(default)]
    pub meta_api: Option<String>,
}

impl Instance {
    /// The instance origin (taken from `meta_api`, as the official CLI does).
    pub fn origin(&self) -> Option<String> {
        if let Some(meta) = &self.meta_api {
            let url = reqwest::Url::parse(meta).ok()?;
            return Some(url.origin().ascii_serialization());
        }
        self.xano_domain
            .as_ref()
            .map(|domain| format!("https://{domain}"))
    }
}

/// A workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
}

/// One endpoint of an API group, as the group's API list gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiInfo {
    /// Its id in the group.
    pub id: u64,
    /// Its name: the path under the group, without the leading `/`
    /// (`auth/login`).
    pub name: String,
    /// Its method (`GET`, `POST`, …).
    #[serde(default)]
    pub verb: String,
}

/// An API group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiGroupInfo {
    /// Its id in the workspace.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its canonical: the group lives at `https://<host>/api:<canonical>`.
    pub canonical: String,
    /// The branch it was listed for.
    #[serde(default)]
    pub branch: Option<String>,
}

/// Called before each retry with what failed and how long the wait is, so
/// the CLI can say why it is waiting rather than hang silently.
#[derive(Clone)]
pub struct RetryHook(pub std::sync::Arc<RetryFn>);

/// What a [`RetryHook`] calls: what failed, and the wait before the next try.
pub type RetryFn = dyn Fn(&str, Duration) + Send + Sync;

impl std::fmt::Debug for RetryHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RetryHook")
    }
}

/// How the Meta API client behaves.
#[derive(Debug, Clone)]
pub struct MetaOptions {
    /// The master API origin (default `https://app.xano.com`; tests point it at a fake).
    pub master_origin: String,
    /// Allow `http://` to non-loopback hosts (default: refused).
    pub allow_insecure: bool,
    /// Attempts per request for 429, 5xx and timeouts.
    pub max_attempts: u32,
    /// The first wait after a 429 without `Retry-After` (Xano's lower plans allow
    /// about 10 calls per 20 s); doubles per retry.
    pub base_delay: Duration,
    /// Told about each retry before its wait.
    pub on_retry: Option<RetryHook>,
    /// Where the token came from (`--token`, `XANO_META_TOKEN`, a profile), for
    /// the message when Xano refuses it; never the token.
    pub token_source: String,
}

impl Default for MetaOptions {
    fn default() -> Self {
        MetaOptions {
            master_origin: MASTER_ORIGIN.to_owned(),
            allow_insecure: false,
            max_attempts: 4,
            base_delay: Duration::from_secs(2),
            on_retry: None,
            token_source: "the settings".into(),
        }
    }
}

/// A reqwest error with its causes (`error sending request: client error
/// (Connect): tcp connect error: Connection refused`), never its URL.
fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// A failure no wait will fix: the name does not resolve (offline, or a typo).
fn is_dns_failure(description: &str) -> bool {
    let lower = description.to_ascii_lowercase();
    lower.contains("dns error") || lower.contains("failed to lookup address")
}

/// A Metadata API client. The token is never printed, logged or put in an error.
pub struct MetaClient {
    http: reqwest::Client,
    token: Option<SecretString>,
    options: MetaOptions,
}

impl std::fmt::Debug for MetaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetaClient")
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("options", &self.options)
            .finish()
    }
}

/// A list that is a bare array or a paged object.
#[derive(Deserialize)]
#[serde(untagged)]
enum ListShape<T> {
    Bare(Vec<T>),
    Paged {
        items: Vec<T>,
        #[serde(default, rename = "nextPage")]
        next_page: Option<u64>,
    },
    Named {
        workspaces: Vec<T>,
    },
}

impl MetaClient {
    /// A client with a Meta API token (`None`: public spec URLs only).
    pub fn new(token: Option<SecretString>, options: MetaOptions) -> Result<Self> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(concat!("xano-codegen/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|err| Error::Fetch {
                url: "(client)".into(),
                message: err.without_url().to_string(),
            })?;
        Ok(MetaClient {
            http,
            token,
            options,
        })
    }

    /// Whether a Meta API token is set.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// The account's instances (master API).
    pub async fn instances(&self) -> Result<Vec<Instance>> {
        let url = format!("{}/api:meta/instance", trim(&self.options.master_origin));
        self.get_json(&url, "the instance list").await
    }

    /// An instance origin for `instance`: a URL or host is used as it is (self-hosted
    /// and custom domains have no master API entry); a bare name is looked up.
    pub async fn resolve_instance(&self, instance: &str) -> Result<String> {
        let instance = instance.trim();
        if instance.contains("://") {
            return Ok(trim(instance).to_owned());
        }
        if instance.contains('.') || instance.contains(':') {
            return Ok(format!("https://{}", trim(instance)));
        }
        let all = self.instances().await?;
        all.iter()
            .find(|i| i.name == instance || i.display.as_deref() == Some(instance))
            .and_then(Instance::origin)
            .ok_or_else(|| Error::Config {
                file: "--instance".into(),
                message: format!(
                    "no instance named `{instance}` (found: {})",
                    all.iter()
                        .map(|i| i.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// The workspaces of an instance (either list shape).
    pub async fn workspaces(&self, origin: &str) -> Result<Vec<Workspace>> {
        let url = format!("{}/api:meta/workspace", trim(origin));
        let list: ListShape<Workspace> = self.get_json(&url, "the workspace list").await?;
        Ok(match list {
            ListShape::Bare(items)
            | ListShape::Paged { items, .. }
            | ListShape::Named { workspaces: items } => items,
        })
    }

    /// A workspace by id or name.
    pub async fn resolve_workspace(&self, origin: &str, workspace: &str) -> Result<Workspace> {
        let all = self.workspaces(origin).await?;
        let wanted = workspace.trim();
        all.iter()
            .find(|w| w.id.to_string() == wanted || w.name.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| Error::Config {
                file: "--workspace".into(),
                message: format!(
                    "no workspace `{wanted}` (found: {})",
                    all.iter()
                        .map(|w| format!("{} ({})", w.name, w.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// Every API group of a workspace (all pages).
    pub async fn api_groups(
        &self,
        origin: &str,
        workspace: u64,
        branch: Option<&str>,
    ) -> Result<Vec<ApiGroupInfo>> {
        let branch = branch
            .map(|branch| format!("&branch={}", encode(branch)))
            .unwrap_or_default();
        let base = format!("{}/api:meta/workspace/{workspace}/apigroup", trim(origin));
        self.all_pages(
            |page| format!("{base}?page={page}&per_page=100{branch}"),
            "the API group list",
        )
        .await
    }

    /// The OpenAPI spec of one API group, as Xano sends it (checked to be JSON).
    /// Xano's published Meta API declares no query parameters here: a branch's
    /// spec is the spec of that branch's copy of the group, which the group list
    /// (taken with `branch`) names by its own id.
    pub async fn group_openapi(
        &self,
        origin: &str,
        workspace: u64,
        group: &ApiGroupInfo,
    ) -> Result<Vec<u8>> {
        let url = format!(
            "{}/api:meta/workspace/{workspace}/apigroup/{}/openapi",
            trim(origin),
            group.id
        );
        self.get_spec(&url, &format!("API group `{}`", group.name))
            .await
    }

    /// The combined spec of a whole workspace (every group whose docs are on),
    /// of `branch` (default: live).
    pub async fn workspace_openapi(
        &self,
        origin: &str,
        workspace: u64,
        branch: Option<&str>,
    ) -> Result<Vec<u8>> {
        let mut url = format!("{}/api:meta/workspace/{workspace}/openapi", trim(origin));
        if let Some(branch) = branch {
            url.push_str(&format!("?branch={}", encode(branch)));
        }
        self.get_spec(&url, &format!("workspace {workspace}'s combined spec"))
            .await
    }

    /// Every endpoint of an API group (all pages): what to fetch one by one when
    /// the group's own spec cannot be had.
    pub async fn group_apis(
        &self,
        origin: &str,
        workspace: u64,
        group: &ApiGroupInfo,
    ) -> Result<Vec<ApiInfo>> {
        let base = format!(
            "{}/api:meta/workspace/{workspace}/apigroup/{}/api",
            trim(origin),
            group.id
        );
        let what = format!("the endpoints of API group `{}`", group.name);
        self.all_pages(|page| format!("{base}?page={page}&per_page=100"), &what)
            .await
    }

    /// Every item of a list the Meta API pages unevenly: the paging envelope
    /// (followed through `nextPage`), a bare array, or `{workspaces: […]}`.
    async fn all_pages<T: DeserializeOwned>(
        &self,
        url_of_page: impl Fn(u64) -> String,
        what: &str,
    ) -> Result<Vec<T>> {
        let mut all = Vec::new();
        let mut page = 1;
        // A bound on pages keeps a misbehaving server from looping us forever.
        for _ in 0..1000 {
            let list: ListShape<T> = self.get_json(&url_of_page(page), what).await?;
            match list {
                ListShape::Paged { items, next_page } => {
                    all.extend(items);
                    match next_page {
                        Some(next) if next > page => page = next,
                        _ => break,
                    }
                }
                ListShape::Bare(items) | ListShape::Named { workspaces: items } => {
                    all.extend(items);
                    break;
                }
            }
        }
        Ok(all)
    }

    /// The OpenAPI spec of one endpoint of a group.
    pub async fn api_openapi(
        &self,
        origin: &str,
        workspace: u64,
        group: &ApiGroupInfo,
        api: &ApiInfo,
    ) -> Result<Vec<u8>> {
        let url = format!(
            "{}/api:meta/workspace/{workspace}/apigroup/{}/api/{}/openapi",
            trim(origin),
            group.id,
            api.id
        );
        self.get_spec(&url, &format!("`{} /{}`", api.verb, api.name))
            .await
    }

    /// A workspace's public combined spec: `https://<host>/apispec:workspace:<id>?type=json`
    /// (with `&token=` for token-protected documentation). No Meta token needed.
    pub async fn public_workspace_spec(
        &self,
        origin: &str,
        workspace: &str,
        swagger_token: Option<&SecretString>,
    ) -> Result<Vec<u8>> {
        let mut url = format!(
            "{}/apispec:workspace:{}?type=json",
            trim(origin),
            encode(workspace)
        );
        if let Some(token) = swagger_token {
            url.push_str("&token=");
            url.push_str(&encode(token.expose_secret()));
        }
        let what = format!("workspace `{workspace}`'s combined spec");
        let bytes = self.get_bytes(&url, &what, false).await?;
        check_json(&url, &what, bytes)
    }

    /// A group's public spec: `https://<host>/apispec:<canonical>[:<branch>]?type=json`
    /// (with `&token=` for token-protected documentation). No Meta token needed.
    pub async fn public_spec(
        &self,
        origin: &str,
        canonical: &str,
        branch: Option<&str>,
        swagger_token: Option<&SecretString>,
    ) -> Result<Vec<u8>> {
        let mut url = format!("{}/apispec:{canonical}", trim(origin));
        if let Some(branch) = branch {
            url.push(':');
            url.push_str(&encode(branch));
        }
        url.push_str("?type=json");
        if let Some(token) = swagger_token {
            url.push_str("&token=");
            url.push_str(&encode(token.expose_secret()));
        }
        let what = format!("API group `{canonical}`");
        match self.get_bytes(&url, &what, false).await {
            Err(Error::Fetch { url, message }) if message.starts_with("HTTP 404") => {
                Err(Error::Fetch {
                    url,
                    message: format!(
                        "{what} has no public spec (HTTP 404): enable Swagger documentation for the group in Xano, or fetch with a Meta API token"
                    ),
                })
            }
            Err(Error::Fetch { url, message })
                if message.starts_with("HTTP 401") || message.starts_with("HTTP 403") =>
            {
                Err(Error::Fetch {
                    url,
                    message: format!(
                        "{what}'s documentation is private ({}): pass its token with --swagger-token, or fetch with a Meta API token",
                        &message[..8]
                    ),
                })
            }
            Ok(bytes) => check_json(&url, &what, bytes),
            Err(other) => Err(other),
        }
    }

    async fn get_json<T: DeserializeOwned>(&self, url: &str, what: &str) -> Result<T> {
        let bytes = self.get_bytes(url, what, true).await?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|err| Error::Fetch {
            url: xano_codegen::source::redact_url(url),
            message: format!(
                "{what}: unexpected answer at `{}`: {}",
                err.path(),
                err.inner()
            ),
        })
    }

    async fn get_spec(&self, url: &str, what: &str) -> Result<Vec<u8>> {
        let bytes = self.get_bytes(url, what, true).await?;
        check_json(url, what, bytes)
    }

    /// GET with bearer auth (when `auth`), retrying 429 (honouring `Retry-After`),
    /// 5xx and timeouts a bounded number of times.
    async fn get_bytes(&self, url: &str, what: &str, auth: bool) -> Result<Vec<u8>> {
        let shown = xano_codegen::source::redact_url(url);
        if auth && self.token.is_none() {
            return Err(Error::Fetch {
                url: shown,
                message: format!(
                    "{what} needs a Meta API token: pass --token, set XANO_META_TOKEN, or sign in with the Xano CLI"
                ),
            });
        }
        let refused = format!(
            " (the Meta API token from {} is invalid or expired; a Developer API key goes in --developer-key)",
            self.options.token_source
        );
        let bearer = if auth { self.token.as_ref() } else { None };
        self.fetch_bytes(url, &shown, what, bearer, &refused).await
    }

    /// GET `url` (named `shown` in every message: a URL whose query holds a
    /// secret is never shown) with `bearer`, retrying 429 (honouring
    /// `Retry-After`), 5xx and timeouts a bounded number of times; `refused`
    /// is what a 401 means here.
    pub(crate) async fn fetch_bytes(
        &self,
        url: &str,
        shown: &str,
        what: &str,
        bearer: Option<&SecretString>,
        refused: &str,
    ) -> Result<Vec<u8>> {
        let fail = |message: String| Error::Fetch {
            url: shown.to_owned(),
            message,
        };
        let parsed = reqwest::Url::parse(url).map_err(|err| {
            // reqwest's message can quote the URL: say only what kind of problem.
            fail(format!("not a URL ({err})").replace(url, shown))
        })?;
        if parsed.scheme() == "http" && !self.options.allow_insecure && !is_loopback(&parsed) {
            return Err(fail("refusing plain http:// to a non-loopback host (the token would travel in clear); use https:// or --allow-insecure".into()));
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self.http.get(parsed.clone());
            if let Some(token) = bearer {
                request = request.bearer_auth(token.expose_secret());
            }
            let outcome = request.send().await;
            let (retry_after, reason) = match outcome {
                Err(err) => {
                    let retryable = err.is_timeout() || err.is_connect();
                    let description = describe(err);
                    if !retryable
                        || is_dns_failure(&description)
                        || attempt >= self.options.max_attempts
                    {
                        let tries = if attempt > 1 {
                            format!(" (after {attempt} attempts)")
                        } else {
                            String::new()
                        };
                        return Err(fail(format!("{what}: {description}{tries}")));
                    }
                    (None, description)
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let retryable = status.as_u16() == 429 || status.is_server_error();
                    if retryable && attempt < self.options.max_attempts {
                        (retry_after, format!("HTTP {status}"))
                    } else if !status.is_success() {
                        let hint = match status.as_u16() {
                            401 => refused,
                            403 => {
                                " (the token lacks a scope: Workspace API Groups: Read and Workspace Content: Read are needed)"
                            }
                            429 => {
                                " (rate limited: Xano's lower plans allow about 10 calls per 20 s; try again shortly)"
                            }
                            _ => "",
                        };
                        return Err(fail(format!("HTTP {status}{hint}: {what}")));
                    } else {
                        let body = response.bytes().await.map_err(|err| {
                            fail(format!(
                                "{what}: the body was cut off: {}",
                                err.without_url()
                            ))
                        })?;
                        return Ok(body.to_vec());
                    }
                }
            };
            let backoff = self
                .options
                .base_delay
                .saturating_mul(1 << (attempt - 1).min(6));
            let wait = retry_after.unwrap_or(backoff);
            if let Some(RetryHook(hook)) = &self.options.on_retry {
                hook(&format!("{what}: {reason}"), wait);
            }
            tokio::time::sleep(wait).await;
        }
    }
}

fn check_json(url: &str, what: &str, bytes: Vec<u8>) -> Result<Vec<u8>> {
    match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
        Ok(_) => Ok(bytes),
        Err(err) => Err(Error::Fetch {
            url: xano_codegen::source::redact_url(url),
            message: format!("{what}: the spec is not valid JSON (truncated?): {err}"),
        }),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain == "localhost",
        None => false,
    }
}

fn trim(origin: &str) -> &str {
    origin.trim().trim_end_matches('/')
}

/// Percent-encodes a query or path value.
pub(crate) fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
