//! Where the Meta API token comes from: `--token`, else `XANO_META_TOKEN`, else a
//! profile of the official Xano CLI (`~/.xano/credentials.yaml`, or `XANO_CONFIG`;
//! profile `XANO_PROFILE`, else the file's `default`). We never write it anywhere.

use secrecy::SecretString;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use xano_codegen::{Error, Result};

/// A token and the defaults that came with it.
#[derive(Debug, Default)]
pub struct Credentials {
    /// The Meta API token.
    pub token: Option<SecretString>,
    /// Where it came from, for messages (never the token itself).
    pub source: String,
    /// The profile's instance origin, used when `--instance` is not given.
    pub instance_origin: Option<String>,
    /// The profile's workspace.
    pub workspace: Option<String>,
    /// The profile's branch.
    pub branch: Option<String>,
}

#[derive(Deserialize)]
struct CredentialsFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
    default: Option<String>,
}

#[derive(Deserialize)]
struct Profile {
    access_token: Option<String>,
    instance_origin: Option<String>,
    workspace: Option<serde_yaml_ng::Value>,
    branch: Option<String>,
}

/// Resolves the token; `env` reads environment variables (tests pass a map).
pub fn resolve(flag: Option<String>, env: impl Fn(&str) -> Option<String>) -> Result<Credentials> {
    if let Some(token) = flag.filter(|t| !t.trim().is_empty()) {
        return Ok(Credentials {
            token: Some(SecretString::from(token)),
            source: "--token".into(),
            ..Credentials::default()
        });
    }
    if let Some(token) = env("XANO_META_TOKEN").filter(|t| !t.trim().is_empty()) {
        return Ok(Credentials {
            token: Some(SecretString::from(token)),
            source: "XANO_META_TOKEN".into(),
            ..Credentials::default()
        });
    }
    let path = match env("XANO_CONFIG") {
        Some(path) => PathBuf::from(path),
        None => match env("HOME") {
            Some(home) => PathBuf::from(home).join(".xano/credentials.yaml"),
            None => return Ok(Credentials::default()),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Credentials::default()),
        Err(source) => return Err(Error::Read { path, source }),
    };
    let file: CredentialsFile = serde_yaml_ng::from_str(&text).map_err(|err| Error::Config {
        file: path.display().to_string(),
        // serde_yaml's message can quote the offending line, which may hold a token.
        message: format!(
            "not a Xano CLI credentials file{}",
            err.location()
                .map(|l| format!(" (line {})", l.line()))
                .unwrap_or_default()
        ),
    })?;
    let wanted = env("XANO_PROFILE")
        .or(file.default)
        .unwrap_or_else(|| "default".into());
    let Some(profile) = file.profiles.get(&wanted) else {
        return Err(Error::Config {
            file: path.display().to_string(),
            message: format!(
                "no profile `{wanted}` (found: {}); set XANO_PROFILE",
                file.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        });
    };
    Ok(Credentials {
        token: profile.access_token.clone().map(SecretString::from),
        source: format!("profile `{wanted}` of {}", path.display()),
        instance_origin: profile.instance_origin.clone(),
        workspace: profile.workspace.as_ref().and_then(|w| match w {
            serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
            serde_yaml_ng::Value::String(s) => Some(s.clone()),
            _ => None,
        }),
        branch: profile.branch.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn flag_then_env_then_profile() {
        let dir = std::env::temp_dir().join(format!("xano-creds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("credentials.yaml");
        std::fs::write(
            &file,
            "profiles:\n  default:\n    access_token: tok-default\n    instance_origin: https://a.xano.io\n  work:\n    access_token: tok-work\n    workspace: 7\n    branch: dev\ndefault: default\n",
        )
        .unwrap();
        let env = |profile: Option<&'static str>, token: Option<&'static str>| {
            let file = file.display().to_string();
            move |name: &str| match name {
                "XANO_CONFIG" => Some(file.clone()),
                "XANO_PROFILE" => profile.map(str::to_owned),
                "XANO_META_TOKEN" => token.map(str::to_owned),
                _ => None,
            }
        };
        let flag = resolve(Some("tok-flag".into()), env(None, Some("tok-env"))).unwrap();
        assert_eq!(flag.token.unwrap().expose_secret(), "tok-flag");
        let from_env = resolve(None, env(None, Some("tok-env"))).unwrap();
        assert_eq!(from_env.token.unwrap().expose_secret(), "tok-env");
        let default = resolve(None, env(None, None)).unwrap();
        assert_eq!(default.token.unwrap().expose_secret(), "tok-default");
        assert_eq!(
            default.instance_origin.as_deref(),
            Some("https://a.xano.io")
        );
        let work = resolve(None, env(Some("work"), None)).unwrap();
        assert_eq!(work.token.as_ref().unwrap().expose_secret(), "tok-work");
        assert_eq!(
            (work.workspace.as_deref(), work.branch.as_deref()),
            (Some("7"), Some("dev"))
        );
        assert!(!format!("{work:?}").contains("tok-work"));
        let missing = resolve(None, env(Some("nope"), None)).unwrap_err();
        assert!(
            missing.to_string().contains("no profile `nope`"),
            "{missing}"
        );
        std::fs::write(&file, "profiles: [access_token: leaked-secret").unwrap();
        let broken = resolve(None, env(None, None)).unwrap_err();
        assert!(!broken.to_string().contains("leaked-secret"), "{broken}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
