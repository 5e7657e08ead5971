//! Combined (workspace-level) specs: one OpenAPI document for several API groups,
//! which Xano's docs call the recommended way to document a workspace
//! (docs/XANO.md §11). Each group becomes the spec it would be on its own, so it
//! generates the module its own spec gives: same module name, functions, types
//! and `API_GROUP`.
//!
//! The layout Xano writes is not documented, so every form the OpenAPI rules
//! allow for several groups in one document is read:
//! - paths under `/api:<canonical>` or `/api:<canonical>:<branch>`, with the
//!   instance origin as the server;
//! - per-path or per-operation `servers` naming a group's base URL
//!   (`https://<host>/api:<canonical>`), paths relative to it;
//! - in either, the group's name from its tag when all its operations carry one
//!   tag of their own (else the canonical), and its description from the
//!   top-level `tags` entry.
//!
//! A spec whose paths name no group is one group, as it always was.

use crate::error::Result;
use crate::source::RawSpec;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One API group found in a combined spec.
#[derive(Debug, Default)]
struct Group {
    /// `https://<host>`, from the operation's server or the document's.
    origin: String,
    /// Path under the group → path item (servers removed).
    paths: Map<String, Value>,
    /// The tags its operations carry, by how many operations carry each.
    tags: BTreeMap<String, usize>,
    /// Operations counted.
    operations: usize,
}

/// Splits a combined spec into one spec per API group; any other spec comes back
/// as it is, alone.
///
/// # Errors
///
/// Only when a group's document cannot be serialized again (it always can).
pub fn split(raw: RawSpec) -> Result<Vec<RawSpec>> {
    let Some(paths) = raw.json.get("paths").and_then(Value::as_object) else {
        return Ok(vec![raw]);
    };
    let (top_origin, top_base) = split_url(
        raw.json["servers"][0]["url"]
            .as_str()
            .unwrap_or_default()
            .trim(),
    );
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut grouped_any = false;
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let item_server = server_of(item);
        for (key, value) in item {
            if !METHODS.contains(&key.as_str()) {
                continue;
            }
            let op_server = value.as_object().and_then(server_of);
            let (origin, base, rest) = if let Some((group, rest)) = group_in_path(path) {
                (top_origin.clone(), group, rest)
            } else if let Some((origin, base)) = op_server.clone().or(item_server.clone())
                && base.starts_with("api:")
            {
                (origin, base, path.clone())
            } else {
                (top_origin.clone(), top_base.clone(), path.clone())
            };
            if base != top_base {
                grouped_any = true;
            }
            let group = groups.entry(base).or_default();
            if group.origin.is_empty() {
                group.origin = origin;
            }
            let mut operation = value.clone();
            if let Some(operation) = operation.as_object_mut() {
                operation.remove("servers");
            }
            for tag in value["tags"].as_array().into_iter().flatten() {
                if let Some(tag) = tag.as_str() {
                    *group.tags.entry(tag.to_owned()).or_default() += 1;
                }
            }
            group.operations += 1;
            let entry = group
                .paths
                .entry(rest)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(entry) = entry.as_object_mut() {
                entry.insert(key.clone(), operation);
                // Path-level parameters and descriptions travel with the path.
                for (name, shared) in item {
                    if !METHODS.contains(&name.as_str()) && name != "servers" {
                        entry.entry(name.clone()).or_insert_with(|| shared.clone());
                    }
                }
            }
        }
    }
    if !grouped_any {
        return Ok(vec![raw]);
    }
    let described: BTreeMap<&str, &Value> = raw.json["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tag| Some((tag["name"].as_str()?, tag)))
        .collect();
    // A tag names a group when all its operations carry it and no other group's do.
    let owners = |tag: &str| groups.values().filter(|g| g.tags.contains_key(tag)).count();
    let mut specs = Vec::with_capacity(groups.len());
    for (base, group) in &groups {
        let own_tag = (group.tags.len() == 1)
            .then(|| group.tags.iter().next())
            .flatten()
            .filter(|(tag, count)| **count == group.operations && owners(tag) == 1)
            .map(|(tag, _)| tag.clone());
        let canonical = base
            .trim_start_matches("api:")
            .split(':')
            .next()
            .unwrap_or_default();
        let title = match (&own_tag, base.is_empty()) {
            (Some(tag), _) => tag.clone(),
            (None, true) => raw.json["info"]["title"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            (None, false) => canonical.to_owned(),
        };
        let mut info = json!({
            "title": title,
            "version": raw.json["info"]["version"].clone(),
        });
        if let Some(description) = own_tag
            .as_deref()
            .and_then(|tag| described.get(tag))
            .and_then(|tag| tag["description"].as_str())
        {
            info["description"] = json!(description);
        }
        let server = if base.is_empty() {
            group.origin.clone()
        } else {
            format!("{}/{base}", group.origin)
        };
        let mut document = Map::new();
        document.insert("openapi".into(), raw.json["openapi"].clone());
        document.insert("info".into(), info);
        document.insert("servers".into(), json!([{ "url": server }]));
        document.insert("paths".into(), Value::Object(group.paths.clone()));
        for shared in ["components", "security"] {
            if let Some(value) = raw.json.get(shared) {
                document.insert(shared.into(), value.clone());
            }
        }
        let origin = if base.is_empty() {
            raw.origin.clone()
        } else {
            format!("{} (group {base})", raw.origin)
        };
        specs.push(RawSpec::from_value(origin, Value::Object(document))?);
    }
    Ok(specs)
}

/// `https://host/api:abc/x` → (`https://host`, `api:abc`): the origin and the
/// first path segment.
fn split_url(url: &str) -> (String, String) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (String::new(), url.trim_matches('/').to_owned());
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let first = path.trim_matches('/').split('/').next().unwrap_or_default();
    (format!("{scheme}://{host}"), first.to_owned())
}

/// The group a path names in its first segment: `/api:abc/auth/login` →
/// (`api:abc`, `/auth/login`).
fn group_in_path(path: &str) -> Option<(String, String)> {
    let trimmed = path.strip_prefix('/')?;
    let (first, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    first
        .starts_with("api:")
        .then(|| (first.to_owned(), format!("/{rest}")))
}

/// The first `servers` URL of a path item or operation, split.
fn server_of(node: &Map<String, Value>) -> Option<(String, String)> {
    let url = node.get("servers")?.get(0)?.get("url")?.as_str()?;
    Some(split_url(url.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths_name_their_group() {
        assert_eq!(
            split_url("https://x.n7.xano.io/api:abc"),
            ("https://x.n7.xano.io".into(), "api:abc".into())
        );
        assert_eq!(
            group_in_path("/api:abc:dev/auth/login"),
            Some(("api:abc:dev".into(), "/auth/login".into()))
        );
        assert_eq!(group_in_path("/auth/login"), None);
        assert_eq!(
            group_in_path("/api:abc"),
            Some(("api:abc".into(), "/".into()))
        );
    }
}
