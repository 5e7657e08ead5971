//! Xano's legacy Developer API (deprecated in favour of the Metadata API), for
//! accounts and scripts that only have a Developer API key. The documented flow
//! (docs/XANO.md §13): the master service lists instances; each instance's
//! `tokenUrl` gives an instance token and the instance's API; the API lists
//! workspaces with their groups, each with the URL of its spec.
//!
//! The key, the instance token and the `tokenUrl` (whose query holds a secret)
//! never appear in a message: requests go through [`MetaClient::fetch_bytes`]
//! with the URL shown as a name.

use crate::remote::meta::MetaClient;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use xano_codegen::{Error, Result};

/// The master service's origin unless `XANO_DEVELOPER_API` says otherwise.
pub const DEVELOPER_ORIGIN: &str = "https://app.xano.com";

/// An instance of the account (`GET /api:developer/instance`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DevInstance {
    /// Its id.
    pub id: u64,
    /// Its name (`x8ki-letl-twmt`).
    pub name: String,
    /// Its display name.
    #[serde(default)]
    pub display: Option<String>,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// Its host.
    #[serde(default)]
    pub host: Option<String>,
    /// Where its instance token comes from: a URL holding a secret. Never shown.
    #[serde(rename = "tokenUrl", skip_serializing)]
    token_url: String,
}

/// What an instance's `tokenUrl` answers.
#[derive(Deserialize)]
struct InstanceToken {
    #[serde(rename = "authToken")]
    auth_token: String,
    /// The instance's Developer API (`https://<host>/api:developer`).
    api: String,
    /// The origin apps call: the custom domain when there is one.
    #[serde(default)]
    origin: Option<String>,
}

/// A workspace of an instance, with its API groups.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DevWorkspace {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// Its API groups.
    #[serde(default)]
    pub apigroups: Vec<DevGroup>,
}

/// An API group as the Developer API lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DevGroup {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// Its base URL, `https://<host>/api:<canonical>`.
    pub api: String,
    /// The URL of its spec.
    pub swaggerspec: String,
}

impl DevGroup {
    /// The canonical in its base URL.
    pub fn canonical(&self) -> String {
        self.api
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim_start_matches("api:")
            .to_owned()
    }
}

/// A signed-in instance: its token and API, and the origin apps call.
pub struct DevSession {
    token: SecretString,
    api: String,
    /// The instance origin (its custom domain when it has one).
    pub origin: String,
}

/// The Developer API, over the Meta client's HTTP (retries, rate limits, the
/// http refusal).
pub struct DeveloperApi<'a> {
    http: &'a MetaClient,
    key: SecretString,
    master: String,
}

const REFUSED: &str = " (the Developer API key is invalid or revoked; a Metadata API token goes in --token or XANO_META_TOKEN)";

impl<'a> DeveloperApi<'a> {
    /// The Developer API of `master` (default [`DEVELOPER_ORIGIN`]) with `key`.
    pub fn new(http: &'a MetaClient, key: SecretString, master: Option<String>) -> Self {
        DeveloperApi {
            http,
            key,
            master: master
                .unwrap_or_else(|| DEVELOPER_ORIGIN.to_owned())
                .trim_end_matches('/')
                .to_owned(),
        }
    }

    /// The account's instances.
    pub async fn instances(&self) -> Result<Vec<DevInstance>> {
        let url = format!("{}/api:developer/instance", self.master);
        self.json(&url, &url, "the instance list", Some(&self.key), REFUSED)
            .await
    }

    /// The instance named, by id, name or display name.
    pub async fn instance(&self, wanted: &str) -> Result<DevInstance> {
        let all = self.instances().await?;
        let wanted = wanted.trim();
        // A host may come as an origin (`https://<host>`, as a lock records it).
        let host = wanted
            .split_once("://")
            .map_or(wanted, |(_, rest)| rest)
            .trim_end_matches('/');
        all.iter()
            .find(|i| {
                i.id.to_string() == wanted
                    || i.name == wanted
                    || i.display.as_deref() == Some(wanted)
                    || i.host.as_deref() == Some(host)
            })
            .cloned()
            .ok_or_else(|| Error::Config {
                file: "--instance".into(),
                message: format!(
                    "no instance `{wanted}` in the account (found: {})",
                    all.iter()
                        .map(|i| format!("{} ({})", i.name, i.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// Signs in to `instance` through its `tokenUrl`.
    pub async fn sign_in(&self, instance: &DevInstance) -> Result<DevSession> {
        let shown = format!("the token URL of instance `{}`", instance.name);
        let bytes = self
            .http
            .fetch_bytes(
                &instance.token_url,
                &shown,
                &shown,
                Some(&self.key),
                REFUSED,
            )
            .await?;
        // serde's message could quote the token: say only what was expected.
        let token: InstanceToken = serde_json::from_slice(&bytes).map_err(|_| Error::Fetch {
            url: shown.clone(),
            message: "the answer is not `{authToken, api, swaggerspec, origin}`".into(),
        })?;
        let origin = token
            .origin
            .filter(|o| !o.trim().is_empty())
            .or_else(|| instance.host.as_ref().map(|h| format!("https://{h}")))
            .unwrap_or_else(|| origin_of(&token.api));
        Ok(DevSession {
            token: SecretString::from(token.auth_token),
            api: token.api.trim_end_matches('/').to_owned(),
            origin: origin.trim_end_matches('/').to_owned(),
        })
    }

    /// The instance's workspaces with their API groups.
    pub async fn workspaces(&self, session: &DevSession) -> Result<Vec<DevWorkspace>> {
        let url = format!("{}/workspace", session.api);
        let refused =
            " (the instance token from the tokenUrl was refused: try again, it may have expired)";
        self.json(
            &url,
            &url,
            "the workspace list",
            Some(&session.token),
            refused,
        )
        .await
    }

    /// A group's spec, as JSON (`type=json`).
    pub async fn spec(&self, group: &DevGroup) -> Result<Vec<u8>> {
        let mut url = group.swaggerspec.clone();
        if !url.contains("type=json") {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("type=json");
        }
        let shown = xano_codegen::source::redact_url(&url);
        let what = format!("API group `{}`", group.name);
        let bytes = self
            .http
            .fetch_bytes(&url, &shown, &what, None, REFUSED)
            .await?;
        serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).map_err(|err| Error::Fetch {
            url: shown,
            message: format!("{what}: the spec is not valid JSON (truncated?): {err}"),
        })?;
        Ok(bytes)
    }

    async fn json<T: DeserializeOwned>(
        &self,
        url: &str,
        shown: &str,
        what: &str,
        bearer: Option<&SecretString>,
        refused: &str,
    ) -> Result<T> {
        let bytes = self
            .http
            .fetch_bytes(url, shown, what, bearer, refused)
            .await?;
        serde_json::from_slice(&bytes).map_err(|err| Error::Fetch {
            url: shown.to_owned(),
            message: format!("{what}: unexpected answer: {err}"),
        })
    }
}

/// `https://host/api:developer` → `https://host`.
fn origin_of(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            format!("{scheme}://{}", rest.split('/').next().unwrap_or_default())
        }
        None => url.to_owned(),
    }
}
