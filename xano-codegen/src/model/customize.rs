//! The user's renames and replacements (`xano.toml`'s `[xano.rename]` and
//! `[xano.replace]`, `Builder::with_rename` / `with_replace`, the macro's
//! `rename` and `replace`), applied once every name is chosen.

use super::ApiGroup;
use super::types::{TypeId, TypeRef};
use std::collections::{HashMap, HashSet};

/// A rename: a function (snake_case) or a type or alias (PascalCase) by its
/// generated name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// The generated name.
    pub from: String,
    /// The name wanted.
    pub to: String,
}

/// Applies `renames` and `replacements` (type name → path of the user's own
/// type) to `group`; returns the keys it found here (a key may belong to another
/// group of the same generation).
pub fn apply(
    group: &mut ApiGroup,
    renames: &[Rename],
    replacements: &[(String, String)],
) -> Result<HashSet<String>, String> {
    let mut found = HashSet::new();
    for (name, path) in replacements {
        let Some(id) = named_type(group, name) else {
            continue;
        };
        if syn::parse_str::<syn::Type>(path).is_err() {
            return Err(format!(
                "replace `{name}` = `{path}`: `{path}` is not a Rust type path (like `crate::model::Book`)"
            ));
        }
        group.types.defs_mut()[id.0].replaced_by = Some(path.clone());
        found.insert(name.clone());
    }
    // Every rename is matched against the names the generator chose, all before
    // any is applied: a rename never applies to the result of another
    // (`get_post` = `post_post` with `post_post` = `create_post` renames two
    // endpoints, not one twice).
    let mut targets: Vec<(&Rename, Target)> = Vec::new();
    for rename in renames {
        let from = rename.from.as_str();
        let target = if let Some(index) = group.endpoints.iter().position(|e| e.fn_name == from) {
            Target::Function(index)
        } else if let Some(index) = group.types.defs().iter().position(|d| d.name == from) {
            Target::Type(index)
        } else {
            let aliases: Vec<(usize, bool)> = group
                .endpoints
                .iter()
                .enumerate()
                .flat_map(|(index, e)| {
                    let output = (e.output_name == from).then_some((index, true));
                    let input = e
                        .input
                        .as_ref()
                        .filter(|input| input.name == from)
                        .map(|_| (index, false));
                    output.into_iter().chain(input)
                })
                .collect();
            if aliases.is_empty() {
                continue;
            }
            Target::Aliases(aliases)
        };
        check_ident(&rename.to, !matches!(target, Target::Function(_)), from)?;
        found.insert(rename.from.clone());
        targets.push((rename, target));
    }
    for (rename, target) in &targets {
        let to = &rename.to;
        match target {
            Target::Function(index) => {
                let endpoint = &mut group.endpoints[*index];
                endpoint.fn_name = to.clone();
                if let Some(paging) = &mut endpoint.paging {
                    paging.pages_fn = format!("{to}_pages");
                    paging.items_fn = format!("{to}_items");
                }
                if endpoint.stream_fn.is_some() {
                    endpoint.stream_fn = Some(format!("{to}_stream"));
                }
            }
            Target::Type(index) => group.types.defs_mut()[*index].name = to.clone(),
            Target::Aliases(aliases) => {
                for (index, output) in aliases {
                    let endpoint = &mut group.endpoints[*index];
                    if *output {
                        endpoint.output_name = to.clone();
                    } else if let Some(input) = &mut endpoint.input {
                        input.name = to.clone();
                    }
                }
            }
        }
    }
    check_unique(group, &targets)?;
    Ok(found)
}

/// What a rename renames, found by the generated name.
enum Target {
    /// The endpoint at this index.
    Function(usize),
    /// The type at this index.
    Type(usize),
    /// Output (`true`) or Input aliases of the endpoints at these indexes.
    Aliases(Vec<(usize, bool)>),
}

/// The generated type `name` names: a type, or an alias of one.
fn named_type(group: &ApiGroup, name: &str) -> Option<TypeId> {
    if let Some(id) = group.types.defs().iter().position(|def| def.name == name) {
        return Some(TypeId(id));
    }
    group.endpoints.iter().find_map(|endpoint| {
        let aliased = if endpoint.output_name == name {
            Some(&endpoint.output)
        } else {
            endpoint
                .input
                .as_ref()
                .filter(|input| input.name == name)
                .map(|input| &input.ty)
        };
        match aliased? {
            TypeRef::Named(id) => Some(*id),
            _ => None,
        }
    })
}

fn check_ident(name: &str, pascal: bool, from: &str) -> Result<(), String> {
    let valid = syn::parse_str::<syn::Ident>(name).is_ok()
        && name.chars().next().is_some_and(|c| {
            if pascal {
                c.is_ascii_uppercase()
            } else {
                c.is_ascii_lowercase() || c == '_'
            }
        });
    if valid {
        Ok(())
    } else {
        let kind = if pascal {
            "a type name (PascalCase)"
        } else {
            "a function name (snake_case)"
        };
        Err(format!(
            "rename `{from}` = `{name}`: `{name}` is not {kind}"
        ))
    }
}

/// No two functions, and no two types or aliases, may share a name; when a
/// rename made two meet, the error names both and the rename.
fn check_unique(group: &ApiGroup, targets: &[(&Rename, Target)]) -> Result<(), String> {
    let because = |name: &str| {
        targets
            .iter()
            .find(|(rename, _)| rename.to == name || name.starts_with(&format!("{}_", rename.to)))
            .map(|(rename, _)| format!(" (rename `{}` = `{}`)", rename.from, rename.to))
            .unwrap_or_default()
    };
    let mut functions: HashMap<&str, String> = HashMap::new();
    for endpoint in &group.endpoints {
        let what = format!("`{} {}`", endpoint.method.as_str(), endpoint.path);
        let names = std::iter::once(&endpoint.fn_name)
            .chain(endpoint.stream_fn.iter())
            .chain(
                endpoint
                    .paging
                    .iter()
                    .flat_map(|p| [&p.pages_fn, &p.items_fn]),
            );
        for name in names {
            if let Some(other) = functions.insert(name, what.clone()) {
                return Err(format!(
                    "after renaming, {other} and {what} would both have a function named `{name}`{}",
                    because(name)
                ));
            }
        }
    }
    let mut types: HashSet<&str> = HashSet::new();
    for def in group.types.defs() {
        if !types.insert(&def.name) {
            return Err(format!(
                "after renaming, two types are named `{}`{}",
                def.name,
                because(&def.name)
            ));
        }
    }
    for endpoint in &group.endpoints {
        for (alias, ty) in std::iter::once((&endpoint.output_name, &endpoint.output))
            .chain(endpoint.input.iter().map(|i| (&i.name, &i.ty)))
        {
            let own = matches!(ty, TypeRef::Named(id) if group.types.name(*id) == alias);
            if !own && group.types.defs().iter().any(|def| def.name == *alias) {
                return Err(format!(
                    "after renaming, `{alias}` names both a type and the alias of another{}",
                    because(alias)
                ));
            }
        }
    }
    Ok(())
}
