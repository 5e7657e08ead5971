//! `diff`: what a change to a Xano backend breaks, in the terms of the generated
//! Rust API.
//!
//! Both sides go through the same pipeline as `generate` (combined specs split,
//! quirks repaired, the model built, the user's renames and replacements
//! applied), so every change is reported with the Rust items it touches, as
//! generated. Groups are matched by their base path (`api:<canonical>`),
//! endpoints by method and path template with parameter names blanked (a
//! renamed path parameter is a change of the same endpoint), inputs and output
//! fields by wire name: nothing depends on the order of a spec's keys, so a
//! spec against a reordered copy of itself reports nothing.
//!
//! Each change has a [`Class`]: breaking for Rust callers (the build fails or
//! the call means something else), breaking on the wire only (the code compiles
//! and behaves differently), or additive.

mod render;

pub use render::{to_json, to_markdown, to_sarif, to_text};

use crate::model::types::{Field, Location, Role, TypeKind, TypeRef, TypeSpace};
use crate::model::{ApiGroup, BodyKind, Endpoint};
use crate::source::RawSpec;
use crate::{Result, Settings, combined, model, parse_spec};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// How much a change matters to code built on the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Code written against the old client stops compiling, or a call no longer
    /// means what it did.
    Breaking,
    /// The code compiles, and the request or response on the wire changes.
    Wire,
    /// Something new; nothing that worked stops working.
    Additive,
}

impl Class {
    /// `breaking`, `wire` or `additive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Wire => "wire",
            Class::Additive => "additive",
        }
    }

    /// Reads `breaking`, `wire` or `any` (the lowest, for `--fail-on`).
    pub fn parse_threshold(text: &str) -> Option<Class> {
        match text {
            "breaking" => Some(Class::Breaking),
            "wire" => Some(Class::Wire),
            "any" | "additive" => Some(Class::Additive),
            _ => None,
        }
    }
}

/// One change between the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How much it matters.
    pub class: Class,
    /// A stable id for the kind of change (`input-removed`, `auth-required`…).
    pub kind: &'static str,
    /// The API group's name.
    pub group: String,
    /// The endpoint, as `GET /books` (the new side's path when it moved).
    pub endpoint: String,
    /// What changed, in words.
    pub message: String,
    /// Where it was, on the old side (JSON pointer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_pointer: Option<String>,
    /// Where it is, on the new side (JSON pointer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_pointer: Option<String>,
    /// The generated Rust items it touches (`fn bookstore::Client::get_books`,
    /// `field bookstore::GetBooksInput::per_page`).
    pub rust: Vec<String>,
}

/// Every change between two versions of a workspace's specs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The changes, by group, endpoint and kind.
    pub changes: Vec<Change>,
}

impl Report {
    /// How many changes of `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// Whether a change at `threshold` or above exists (`Breaking` above
    /// `Wire` above `Additive`).
    pub fn reaches(&self, threshold: Class) -> bool {
        self.changes.iter().any(|c| c.class <= threshold)
    }
}

/// The changes from `old` to `new` (each a list of group or combined specs),
/// with the Rust items as `settings` would generate them.
///
/// # Errors
///
/// When a spec cannot be read at all (not JSON, not OpenAPI 3.0).
pub fn diff(old: Vec<RawSpec>, new: Vec<RawSpec>, settings: &Settings) -> Result<Report> {
    let old = load(old, settings)?;
    let new = load(new, settings)?;
    let mut changes = Vec::new();
    let old_keys: BTreeMap<String, &Side> = old.iter().map(|s| (s.key(), s)).collect();
    let new_keys: BTreeMap<String, &Side> = new.iter().map(|s| (s.key(), s)).collect();
    for (key, before) in &old_keys {
        match new_keys.get(key) {
            Some(after) => compare_groups(before, after, &mut changes),
            None => {
                for endpoint in &before.group.endpoints {
                    changes.push(Change {
                        class: Class::Breaking,
                        kind: "endpoint-removed",
                        group: before.group.title.clone(),
                        endpoint: endpoint_name(endpoint),
                        message: format!("the API group `{}` is gone", before.group.title),
                        old_pointer: Some(endpoint.pointer.clone()),
                        new_pointer: None,
                        rust: vec![fn_item(&before.group, endpoint)],
                    });
                }
            }
        }
    }
    for (key, after) in &new_keys {
        if !old_keys.contains_key(key) {
            for endpoint in &after.group.endpoints {
                changes.push(added(after, endpoint, "a new API group"));
            }
        }
    }
    changes.sort_by(|a, b| {
        (&a.group, &a.endpoint, a.class, a.kind, &a.message).cmp(&(
            &b.group,
            &b.endpoint,
            b.class,
            b.kind,
            &b.message,
        ))
    });
    changes.dedup();
    Ok(Report { changes })
}

/// One group: its model, as generated, and its repaired spec (for what the
/// model does not keep: nullability of outputs, defaults).
struct Side {
    group: ApiGroup,
    spec: Value,
}

impl Side {
    /// What matches a group across versions: its base path, else its title.
    fn key(&self) -> String {
        if self.group.base_path.is_empty() {
            self.group.title.clone()
        } else {
            self.group.base_path.clone()
        }
    }
}

/// The group a spec is of, before it is read: its base path (`api:meta`), else
/// its title.
fn raw_key(raw: &RawSpec) -> String {
    let url = raw.json["servers"][0]["url"].as_str().unwrap_or_default();
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    match path.split_once('/') {
        Some((_, base)) if !base.trim_matches('/').is_empty() => base.trim_matches('/').to_owned(),
        _ => raw.json["info"]["title"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// Specs of one group given in parts (Xano's Metadata API docs come as one
/// spec per tag) become one spec: paths and components together.
fn merge_parts(specs: Vec<RawSpec>) -> Result<Vec<RawSpec>> {
    let mut by_key: BTreeMap<String, Vec<RawSpec>> = BTreeMap::new();
    for raw in specs {
        by_key.entry(raw_key(&raw)).or_default().push(raw);
    }
    let mut merged = Vec::new();
    for (_, mut parts) in by_key {
        if parts.len() == 1 {
            merged.append(&mut parts);
            continue;
        }
        let origins: Vec<String> = parts.iter().map(|p| p.origin.clone()).collect();
        let mut document = parts[0].json.clone();
        for part in &parts[1..] {
            for section in ["paths", "components"] {
                let Some(from) = part.json[section].as_object() else {
                    continue;
                };
                if !document[section].is_object() {
                    document[section] = Value::Object(Default::default());
                }
                let Some(into) = document[section].as_object_mut() else {
                    continue;
                };
                for (key, value) in from {
                    match (into.get_mut(key), value) {
                        (Some(Value::Object(existing)), Value::Object(more)) => {
                            for (k, v) in more {
                                existing.entry(k.clone()).or_insert_with(|| v.clone());
                            }
                        }
                        (None, _) => {
                            into.insert(key.clone(), value.clone());
                        }
                        _ => {}
                    }
                }
            }
        }
        merged.push(RawSpec::from_value(origins.join(" + "), document)?);
    }
    Ok(merged)
}

fn load(specs: Vec<RawSpec>, settings: &Settings) -> Result<Vec<Side>> {
    let mut split = Vec::new();
    for raw in specs {
        split.extend(combined::split(raw)?);
    }
    let mut sides = Vec::new();
    {
        for raw in merge_parts(split)? {
            let parsed = parse_spec(&raw)?;
            let options = model::ModelOptions {
                module_name: None,
                streams: Vec::new(),
            };
            let mut group = model::build(&raw.origin, &parsed.openapi, &raw.sha256, &options)?;
            // Renames the user already mapped are applied first: a Rust name
            // they keep is not a change.
            let _ = model::customize::apply(&mut group, &settings.renames, &settings.replacements);
            sides.push(Side {
                group,
                spec: parsed.normalized,
            });
        }
    }
    Ok(sides)
}

/// `GET /books/{book_id}` as a key that ignores parameter names and a trailing
/// slash: `GET /books/{}`.
fn endpoint_key(endpoint: &Endpoint) -> String {
    let path: Vec<&str> = endpoint
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect();
    format!("{} /{}", endpoint.method.as_str(), path.join("/"))
}

fn endpoint_name(endpoint: &Endpoint) -> String {
    format!("{} {}", endpoint.method.as_str(), endpoint.path)
}

fn fn_item(group: &ApiGroup, endpoint: &Endpoint) -> String {
    format!("fn {}::Client::{}", group.module, endpoint.fn_name)
}

fn added(side: &Side, endpoint: &Endpoint, why: &str) -> Change {
    Change {
        class: Class::Additive,
        kind: "endpoint-added",
        group: side.group.title.clone(),
        endpoint: endpoint_name(endpoint),
        message: format!("new endpoint ({why})"),
        old_pointer: None,
        new_pointer: Some(endpoint.pointer.clone()),
        rust: vec![fn_item(&side.group, endpoint)],
    }
}

fn compare_groups(before: &Side, after: &Side, changes: &mut Vec<Change>) {
    if before.group.module != after.group.module {
        changes.push(Change {
            class: Class::Breaking,
            kind: "group-renamed",
            group: after.group.title.clone(),
            endpoint: String::new(),
            message: format!(
                "the group is now titled `{}` (was `{}`): its module is `{}` (was `{}`)",
                after.group.title, before.group.title, after.group.module, before.group.module
            ),
            old_pointer: Some("/info/title".into()),
            new_pointer: Some("/info/title".into()),
            rust: vec![format!("mod {}", after.group.module)],
        });
    }
    let old: BTreeMap<String, &Endpoint> = before
        .group
        .endpoints
        .iter()
        .map(|e| (endpoint_key(e), e))
        .collect();
    let new: BTreeMap<String, &Endpoint> = after
        .group
        .endpoints
        .iter()
        .map(|e| (endpoint_key(e), e))
        .collect();
    let mut moved_to: BTreeSet<String> = BTreeSet::new();
    for (key, endpoint) in &old {
        if let Some(now) = new.get(key) {
            Pair {
                before,
                after,
                old: endpoint,
                new: now,
                changes: &mut *changes,
            }
            .compare();
            continue;
        }
        // The same Rust function elsewhere (the user's rename kept its name):
        // moved on the wire, unchanged in Rust.
        let same_fn = new.iter().find(|(k, e)| {
            !old.contains_key(*k) && e.method == endpoint.method && e.fn_name == endpoint.fn_name
        });
        match same_fn {
            Some((new_key, now)) => {
                moved_to.insert(new_key.clone());
                changes.push(Change {
                    class: Class::Wire,
                    kind: "endpoint-moved",
                    group: after.group.title.clone(),
                    endpoint: endpoint_name(now),
                    message: format!(
                        "moved from `{}` (the Rust function keeps its name)",
                        endpoint.path
                    ),
                    old_pointer: Some(endpoint.pointer.clone()),
                    new_pointer: Some(now.pointer.clone()),
                    rust: vec![fn_item(&after.group, now)],
                });
                Pair {
                    before,
                    after,
                    old: endpoint,
                    new: now,
                    changes: &mut *changes,
                }
                .compare();
            }
            None => changes.push(Change {
                class: Class::Breaking,
                kind: "endpoint-removed",
                group: before.group.title.clone(),
                endpoint: endpoint_name(endpoint),
                message: "endpoint removed (or moved to another path)".into(),
                old_pointer: Some(endpoint.pointer.clone()),
                new_pointer: None,
                rust: vec![fn_item(&before.group, endpoint)],
            }),
        }
    }
    for (key, endpoint) in &new {
        if !old.contains_key(key) && !moved_to.contains(key) {
            changes.push(added(after, endpoint, "not in the old spec"));
        }
    }
}

/// One endpoint on both sides.
struct Pair<'a> {
    before: &'a Side,
    after: &'a Side,
    old: &'a Endpoint,
    new: &'a Endpoint,
    changes: &'a mut Vec<Change>,
}

/// An input as the wire sees it.
#[derive(Clone)]
struct InputInfo<'a> {
    field: &'a Field,
    /// The Rust item.
    item: String,
}

impl Pair<'_> {
    fn push(
        &mut self,
        class: Class,
        kind: &'static str,
        message: String,
        pointers: (Option<String>, Option<String>),
        rust: Vec<String>,
    ) {
        self.changes.push(Change {
            class,
            kind,
            group: self.after.group.title.clone(),
            endpoint: endpoint_name(self.new),
            message,
            old_pointer: pointers.0,
            new_pointer: pointers.1,
            rust,
        });
    }

    fn fn_item(&self) -> String {
        fn_item(&self.after.group, self.new)
    }

    fn compare(&mut self) {
        let (old, new) = (self.old, self.new);
        let ops = (Some(old.pointer.clone()), Some(new.pointer.clone()));
        if old.auth != new.auth {
            if new.auth {
                self.push(
                    Class::Wire,
                    "auth-required",
                    "now requires authentication: a call without a signed-in session gets 401"
                        .into(),
                    ops.clone(),
                    vec![self.fn_item()],
                );
            } else {
                self.push(
                    Class::Additive,
                    "auth-dropped",
                    "no longer requires authentication (the token is no longer sent)".into(),
                    ops.clone(),
                    vec![self.fn_item()],
                );
            }
        }
        self.path_params();
        self.inputs();
        self.output();
    }

    fn path_params(&mut self) {
        let ops = (
            Some(self.old.pointer.clone()),
            Some(self.new.pointer.clone()),
        );
        for (before, after) in self.old.path_params.iter().zip(&self.new.path_params) {
            if before.ty != after.ty {
                self.push(
                    Class::Breaking,
                    "path-param-retyped",
                    format!(
                        "path parameter `{}` is now {} (was {})",
                        after.name,
                        shape(&after.ty, &self.after.group.types),
                        shape(&before.ty, &self.before.group.types)
                    ),
                    ops.clone(),
                    vec![format!("{} argument `{}`", self.fn_item(), after.ident)],
                );
            }
            if before.name != after.name {
                self.push(
                    Class::Additive,
                    "path-param-renamed",
                    format!(
                        "path parameter `{}` is now `{}` (positional: callers are unaffected)",
                        before.name, after.name
                    ),
                    ops.clone(),
                    vec![format!("{} argument `{}`", self.fn_item(), after.ident)],
                );
            }
        }
    }

    /// The top-level inputs of an endpoint by wire name.
    fn input_fields<'e>(
        endpoint: &'e Endpoint,
        group: &'e ApiGroup,
    ) -> BTreeMap<String, InputInfo<'e>> {
        let mut fields = BTreeMap::new();
        if let Some(input) = &endpoint.input
            && let TypeRef::Named(id) = &input.ty
            && let TypeKind::Struct(def) = &group.types.get(*id).kind
        {
            for field in &def.fields {
                fields.insert(
                    field.name.clone(),
                    InputInfo {
                        field,
                        item: format!("field {}::{}::{}", group.module, input.name, field.ident),
                    },
                );
            }
        }
        fields
    }

    fn inputs(&mut self) {
        let (old_group, new_group) = (&self.before.group, &self.after.group);
        let old_body = self.old.input.as_ref().map_or(BodyKind::None, |i| i.body);
        let new_body = self.new.input.as_ref().map_or(BodyKind::None, |i| i.body);
        let ops = (
            Some(self.old.pointer.clone()),
            Some(self.new.pointer.clone()),
        );
        let input_item = self
            .new
            .input
            .as_ref()
            .map(|i| format!("type {}::{}", new_group.module, i.name));
        if old_body != BodyKind::None && new_body != BodyKind::None && old_body != new_body {
            self.push(
                Class::Breaking,
                "media-type-changed",
                format!(
                    "the request body is now {} (was {})",
                    body_name(new_body),
                    body_name(old_body)
                ),
                ops.clone(),
                input_item.into_iter().collect(),
            );
        }
        let old_fields = Self::input_fields(self.old, old_group);
        let new_fields = Self::input_fields(self.new, new_group);
        for (name, before) in &old_fields {
            let old_at = input_pointer(&self.before.spec, self.old, before.field);
            let Some(after) = new_fields.get(name) else {
                self.push(
                    Class::Breaking,
                    "input-removed",
                    format!("input `{name}` removed (or renamed)"),
                    (old_at, None),
                    vec![before.item.clone()],
                );
                continue;
            };
            let new_at = input_pointer(&self.after.spec, self.new, after.field);
            let pointers = (old_at.clone(), new_at.clone());
            let (was, now) = (before.field, after.field);
            let was_required = !was.skip_if_none;
            let now_required = !now.skip_if_none;
            if !was_required && now_required {
                self.push(
                    Class::Breaking,
                    "input-now-required",
                    format!("input `{name}` is now required"),
                    pointers.clone(),
                    vec![after.item.clone()],
                );
            } else if was_required && !now_required {
                self.push(
                    Class::Breaking,
                    "input-now-optional",
                    format!("input `{name}` is now optional (its Rust type becomes an `Option`)"),
                    pointers.clone(),
                    vec![after.item.clone()],
                );
            }
            let old_shape = shape(&strip_option(&was.ty), &old_group.types);
            let new_shape = shape(&strip_option(&now.ty), &new_group.types);
            if old_shape != new_shape {
                self.push(
                    Class::Breaking,
                    if now.ty.holds_file() && !was.ty.holds_file() {
                        "file-input-added"
                    } else {
                        "input-retyped"
                    },
                    format!("input `{name}` is now {new_shape} (was {old_shape})"),
                    pointers.clone(),
                    vec![after.item.clone()],
                );
            } else if was.ty.is_nullable_input() != now.ty.is_nullable_input() {
                self.push(
                    Class::Breaking,
                    "input-retyped",
                    format!(
                        "input `{name}` {} be null (its Rust type is now `{}`)",
                        if now.ty.is_nullable_input() {
                            "may now"
                        } else {
                            "may no longer"
                        },
                        crate::emit::type_text(&now.ty, &new_group.types)
                    ),
                    pointers.clone(),
                    vec![after.item.clone()],
                );
            } else {
                self.compare_types(
                    &strip_option(&was.ty),
                    &strip_option(&now.ty),
                    &format!("input `{name}`"),
                    pointers.clone(),
                    Role::Request,
                );
            }
            if was.location != now.location {
                self.push(
                    Class::Wire,
                    "input-moved",
                    format!(
                        "input `{name}` now travels in the {} (was the {})",
                        location_name(now.location),
                        location_name(was.location)
                    ),
                    pointers.clone(),
                    vec![after.item.clone()],
                );
            }
            let old_default = default_at(&self.before.spec, old_at.as_deref());
            let new_default = default_at(&self.after.spec, new_at.as_deref());
            if old_default != new_default {
                let show = |d: &Option<Value>| {
                    d.as_ref()
                        .map_or_else(|| "none".to_owned(), |d| format!("`{d}`"))
                };
                self.push(
                    Class::Wire,
                    "default-changed",
                    format!(
                        "input `{name}`'s default is now {} (was {}): leaving it out means something else",
                        show(&new_default),
                        show(&old_default)
                    ),
                    pointers,
                    vec![after.item.clone()],
                );
            }
        }
        for (name, after) in &new_fields {
            if old_fields.contains_key(name) {
                continue;
            }
            let at = input_pointer(&self.after.spec, self.new, after.field);
            let (class, kind, message) = if after.field.ty.holds_file() {
                (
                    Class::Breaking,
                    "file-input-added",
                    format!("new file input `{name}`: the request becomes multipart"),
                )
            } else if !after.field.skip_if_none {
                (
                    Class::Breaking,
                    "input-added-required",
                    format!("new required input `{name}`"),
                )
            } else {
                (
                    Class::Additive,
                    "input-added-optional",
                    format!("new optional input `{name}`"),
                )
            };
            self.push(class, kind, message, (None, at), vec![after.item.clone()]);
        }
    }

    fn output(&mut self) {
        let (old_group, new_group) = (&self.before.group, &self.after.group);
        let pointers = (
            response_pointer(&self.before.spec, self.old),
            response_pointer(&self.after.spec, self.new),
        );
        let item = format!("type {}::{}", new_group.module, self.new.output_name);
        let was_page = matches!(self.old.output, TypeRef::Page(_));
        let now_page = matches!(self.new.output, TypeRef::Page(_));
        if was_page != now_page {
            self.push(
                Class::Wire,
                "paging-changed",
                if now_page {
                    "the output is now a paging envelope (`Page<…>`: items, curPage, nextPage)"
                        .into()
                } else {
                    "the output is no longer a paging envelope".into()
                },
                pointers.clone(),
                vec![item.clone()],
            );
            // The items are compared whatever wraps them.
            let inner = |ty: &TypeRef| match ty {
                TypeRef::Page(inner) => TypeRef::Vec(inner.clone()),
                other => other.clone(),
            };
            self.compare_types(
                &inner(&self.old.output),
                &inner(&self.new.output),
                "the output",
                pointers,
                Role::Response,
            );
            return;
        }
        let old_shape = shape(&self.old.output, &old_group.types);
        let new_shape = shape(&self.new.output, &new_group.types);
        if old_shape != new_shape {
            self.push(
                Class::Breaking,
                "output-retyped",
                format!("the output is now {new_shape} (was {old_shape})"),
                pointers,
                vec![item],
            );
            return;
        }
        let (old_output, new_output) = (self.old.output.clone(), self.new.output.clone());
        self.compare_types(
            &old_output,
            &new_output,
            "the output",
            pointers,
            Role::Response,
        );
    }

    /// Compares two types of the same shape, field by field and value by value.
    fn compare_types(
        &mut self,
        old: &TypeRef,
        new: &TypeRef,
        what: &str,
        pointers: (Option<String>, Option<String>),
        role: Role,
    ) {
        let mut seen = BTreeSet::new();
        self.compare_types_at(old, new, what, pointers, role, &mut seen, 0);
    }

    #[allow(clippy::too_many_arguments)]
    fn compare_types_at(
        &mut self,
        old: &TypeRef,
        new: &TypeRef,
        what: &str,
        pointers: (Option<String>, Option<String>),
        role: Role,
        seen: &mut BTreeSet<(usize, usize)>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        let (old_types, new_types) = (&self.before.group.types, &self.after.group.types);
        match (unwrap(old), unwrap(new)) {
            (TypeRef::Named(a), TypeRef::Named(b)) => {
                if !seen.insert((a.0, b.0)) {
                    return;
                }
                let type_item = |module: &str, types: &TypeSpace, id| {
                    format!("type {module}::{}", types.name(id))
                };
                match (&old_types.get(*a).kind, &new_types.get(*b).kind) {
                    (TypeKind::Enum(before), TypeKind::Enum(after)) => {
                        let owner = type_item(&self.after.group.module, new_types, *b);
                        let old_values: BTreeSet<&str> =
                            before.variants.iter().map(|v| v.value.as_str()).collect();
                        let new_values: BTreeSet<&str> =
                            after.variants.iter().map(|v| v.value.as_str()).collect();
                        for gone in old_values.difference(&new_values) {
                            self.push(
                                Class::Breaking,
                                "enum-value-removed",
                                format!("{what}: value `{gone}` is no longer accepted"),
                                pointers.clone(),
                                vec![format!("variant of {owner}")],
                            );
                        }
                        for new_value in new_values.difference(&old_values) {
                            self.push(
                                Class::Additive,
                                "enum-value-added",
                                format!(
                                    "{what}: new value `{new_value}` (no `match` breaks: it was `{}(\"{new_value}\")`)",
                                    after.catch_all
                                ),
                                pointers.clone(),
                                vec![format!("variant of {owner}")],
                            );
                        }
                    }
                    (TypeKind::Struct(before), TypeKind::Struct(after)) => {
                        let module = self.after.group.module.clone();
                        let owner = new_types.name(*b).to_owned();
                        let old_fields: BTreeMap<&str, &Field> =
                            before.fields.iter().map(|f| (f.name.as_str(), f)).collect();
                        let new_fields: BTreeMap<&str, &Field> =
                            after.fields.iter().map(|f| (f.name.as_str(), f)).collect();
                        for (name, was) in &old_fields {
                            let field_item =
                                |f: &Field| format!("field {module}::{owner}::{}", f.ident);
                            let (old_at, new_at) = (
                                pointers
                                    .0
                                    .as_ref()
                                    .map(|p| format!("{p}/properties/{}", token(name))),
                                pointers
                                    .1
                                    .as_ref()
                                    .map(|p| format!("{p}/properties/{}", token(name))),
                            );
                            let Some(now) = new_fields.get(name) else {
                                let kind = if role == Role::Response {
                                    "output-field-removed"
                                } else {
                                    "input-removed"
                                };
                                self.push(
                                    Class::Breaking,
                                    kind,
                                    format!("{what}: field `{name}` removed"),
                                    (old_at, None),
                                    vec![format!(
                                        "field {}::{owner}::{}",
                                        self.before.group.module, was.ident
                                    )],
                                );
                                continue;
                            };
                            let nested = format!("{what}: field `{name}`");
                            let old_shape = shape(&strip_option(&was.ty), old_types);
                            let new_shape = shape(&strip_option(&now.ty), new_types);
                            if old_shape != new_shape {
                                let kind = if role == Role::Response {
                                    "output-field-retyped"
                                } else {
                                    "input-retyped"
                                };
                                self.push(
                                    Class::Breaking,
                                    kind,
                                    format!("{nested} is now {new_shape} (was {old_shape})"),
                                    (old_at, new_at),
                                    vec![field_item(now)],
                                );
                                continue;
                            }
                            if role == Role::Response {
                                let was_null = nullable_at(&self.before.spec, old_at.as_deref());
                                let now_null = nullable_at(&self.after.spec, new_at.as_deref());
                                if was_null != now_null {
                                    self.push(
                                        Class::Wire,
                                        "output-nullable-changed",
                                        format!(
                                            "{nested} {} be null",
                                            if now_null { "may now" } else { "may no longer" }
                                        ),
                                        (old_at.clone(), new_at.clone()),
                                        vec![field_item(now)],
                                    );
                                }
                            } else if !was.skip_if_none && now.skip_if_none
                                || was.skip_if_none && !now.skip_if_none
                            {
                                self.push(
                                    Class::Breaking,
                                    if now.skip_if_none {
                                        "input-now-optional"
                                    } else {
                                        "input-now-required"
                                    },
                                    format!(
                                        "{nested} is now {}",
                                        if now.skip_if_none {
                                            "optional"
                                        } else {
                                            "required"
                                        }
                                    ),
                                    (old_at.clone(), new_at.clone()),
                                    vec![field_item(now)],
                                );
                            }
                            self.compare_types_at(
                                &strip_option(&was.ty),
                                &strip_option(&now.ty),
                                &nested,
                                (old_at, new_at),
                                role,
                                seen,
                                depth + 1,
                            );
                        }
                        for (name, now) in &new_fields {
                            if old_fields.contains_key(name) {
                                continue;
                            }
                            let new_at = pointers
                                .1
                                .as_ref()
                                .map(|p| format!("{p}/properties/{}", token(name)));
                            let (class, kind, message) = match role {
                                Role::Response => (
                                    Class::Additive,
                                    "output-field-added",
                                    format!("{what}: new field `{name}`"),
                                ),
                                Role::Request if !now.skip_if_none => (
                                    Class::Breaking,
                                    "input-added-required",
                                    format!("{what}: new required field `{name}`"),
                                ),
                                Role::Request => (
                                    Class::Additive,
                                    "input-added-optional",
                                    format!("{what}: new optional field `{name}`"),
                                ),
                            };
                            self.push(
                                class,
                                kind,
                                message,
                                (None, new_at),
                                vec![format!("field {module}::{owner}::{}", now.ident)],
                            );
                        }
                    }
                    _ => {}
                }
            }
            (TypeRef::Vec(a), TypeRef::Vec(b)) => {
                let pointers = (
                    pointers.0.map(|p| format!("{p}/items")),
                    pointers.1.map(|p| format!("{p}/items")),
                );
                self.compare_types_at(a, b, what, pointers, role, seen, depth + 1);
            }
            (TypeRef::Page(a), TypeRef::Page(b)) => {
                // The envelope's `items` list.
                let pointers = (
                    pointers.0.map(|p| format!("{p}/properties/items/items")),
                    pointers.1.map(|p| format!("{p}/properties/items/items")),
                );
                self.compare_types_at(a, b, what, pointers, role, seen, depth + 1);
            }
            _ => {}
        }
    }
}

/// A type with its `Option`s taken off.
fn unwrap(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Option(inner) => unwrap(inner),
        other => other,
    }
}

fn strip_option(ty: &TypeRef) -> TypeRef {
    unwrap(ty).clone()
}

/// What a type is, ignoring the names the generator gave its structs: `an
/// integer`, `a list of objects`…
fn shape(ty: &TypeRef, types: &TypeSpace) -> String {
    match ty {
        TypeRef::String => "a string".into(),
        TypeRef::I64 => "an integer".into(),
        TypeRef::F64 => "a number".into(),
        TypeRef::Bool => "a boolean".into(),
        TypeRef::Json => "free-form JSON".into(),
        TypeRef::File => "a file".into(),
        TypeRef::Bytes => "bytes".into(),
        TypeRef::Secret => "a secret string".into(),
        TypeRef::Timestamp => "a timestamp".into(),
        TypeRef::Vec(inner) => format!("a list of {}", plural(&shape(inner, types))),
        TypeRef::Option(inner) => shape(inner, types),
        TypeRef::Page(inner) => format!("a page of {}", plural(&shape(inner, types))),
        TypeRef::Named(id) => match types.get(*id).kind {
            TypeKind::Struct(_) => "an object".into(),
            TypeKind::Enum(_) => "one of a set of strings".into(),
        },
    }
}

fn plural(shape: &str) -> String {
    let bare = shape
        .strip_prefix("an ")
        .or_else(|| shape.strip_prefix("a "))
        .unwrap_or(shape);
    if bare.starts_with("list of") || bare.starts_with("page of") || bare.starts_with("one of") {
        bare.to_owned()
    } else {
        format!("{bare}s")
    }
}

fn body_name(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::None => "empty",
        BodyKind::Json => "JSON",
        BodyKind::Multipart => "multipart/form-data",
        BodyKind::Form => "a form (x-www-form-urlencoded)",
        BodyKind::Text => "text",
        BodyKind::Bytes => "raw bytes",
    }
}

fn location_name(location: Location) -> &'static str {
    match location {
        Location::Query => "query string",
        Location::Header => "headers",
        Location::Body | Location::WholeBody => "body",
    }
}

/// A JSON pointer token.
fn token(name: &str) -> String {
    crate::error::escape_pointer_token(name)
}

/// The JSON node at `pointer`, following local `$ref`s.
fn node<'a>(spec: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut at = spec.pointer(pointer)?;
    for _ in 0..8 {
        match at.get("$ref").and_then(Value::as_str) {
            Some(reference) => at = spec.pointer(reference.strip_prefix('#')?)?,
            None => break,
        }
    }
    Some(at)
}

/// Where an input is declared: the query parameter, or the body property.
fn input_pointer(spec: &Value, endpoint: &Endpoint, field: &Field) -> Option<String> {
    let op = &endpoint.pointer;
    match field.location {
        Location::Query | Location::Header => {
            let parameters = node(spec, &format!("{op}/parameters"))?.as_array()?;
            let index = parameters
                .iter()
                .position(|p| p["name"].as_str() == Some(field.name.as_str()))?;
            Some(format!("{op}/parameters/{index}/schema"))
        }
        Location::Body => {
            let content = node(spec, &format!("{op}/requestBody/content"))?.as_object()?;
            let media = ["application/json", "multipart/form-data"]
                .into_iter()
                .find(|m| content.contains_key(*m))
                .or_else(|| content.keys().next().map(String::as_str))?;
            Some(format!(
                "{op}/requestBody/content/{}/schema/properties/{}",
                token(media),
                token(&field.name)
            ))
        }
        Location::WholeBody => Some(format!("{op}/requestBody")),
    }
}

/// Where the success response's schema is.
fn response_pointer(spec: &Value, endpoint: &Endpoint) -> Option<String> {
    let op = &endpoint.pointer;
    let responses = node(spec, &format!("{op}/responses"))?.as_object()?;
    let code = responses
        .keys()
        .filter(|c| c.starts_with('2'))
        .min()
        .cloned()
        .unwrap_or_else(|| "200".into());
    let content = node(spec, &format!("{op}/responses/{code}/content"))?.as_object()?;
    let media = content
        .keys()
        .find(|m| m.contains("json"))
        .or_else(|| content.keys().next())?;
    Some(format!(
        "{op}/responses/{code}/content/{}/schema",
        token(media)
    ))
}

fn default_at(spec: &Value, pointer: Option<&str>) -> Option<Value> {
    node(spec, pointer?)?.get("default").cloned()
}

fn nullable_at(spec: &Value, pointer: Option<&str>) -> bool {
    pointer
        .and_then(|p| node(spec, p))
        .and_then(|n| n.get("nullable"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_read_as_words() {
        let types = TypeSpace::default();
        assert_eq!(
            shape(&TypeRef::Vec(Box::new(TypeRef::I64)), &types),
            "a list of integers"
        );
        assert_eq!(
            shape(&TypeRef::Option(Box::new(TypeRef::String)), &types),
            "a string"
        );
        assert_eq!(Class::parse_threshold("any"), Some(Class::Additive));
        assert!(Class::Breaking < Class::Wire);
    }
}
