//! The user's extra derives, on the types that can have them.
//!
//! Generated types already derive `Debug`, `Clone`, `PartialEq` (and enums `Eq`
//! and `Hash`); a requested derive is added only where it is not there yet and
//! where it can hold: `Eq` not on a type holding an `f64`, `Hash` not on one
//! holding JSON (output types keep unknown fields in a JSON map). Derives the
//! generator does not know (`schemars::JsonSchema`) go on every type.

use super::types::{Role, TypeId, TypeKind, TypeRef, TypeSpace};
use super::{ApiGroup, Note};
use std::collections::HashMap;

/// A standard derive whose requirements the generator can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Known {
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Copy,
}

fn known(derive: &str) -> Option<Known> {
    let last = derive.rsplit("::").next().unwrap_or(derive).trim();
    let std_path = !derive.contains("::")
        || ["std::", "core::", "::std::", "::core::"]
            .iter()
            .any(|prefix| derive.starts_with(prefix));
    if !std_path {
        return None;
    }
    Some(match last {
        "Eq" => Known::Eq,
        "Hash" => Known::Hash,
        "PartialOrd" => Known::PartialOrd,
        "Ord" => Known::Ord,
        "Default" => Known::Default,
        "Copy" => Known::Copy,
        _ => return None,
    })
}

/// Derives generated code always writes, which a request must not repeat.
fn built_in(derive: &str) -> bool {
    let last = derive.rsplit("::").next().unwrap_or(derive).trim();
    ["Debug", "Clone", "PartialEq", "Serialize", "Deserialize"].contains(&last)
}

/// Gives every type of `group` the requested derives it can have; returns one
/// note per derive that some types could not take, naming them.
pub fn apply(group: &mut ApiGroup, requested: &[String]) -> Vec<Note> {
    let mut skipped: Vec<(String, Vec<String>)> = Vec::new();
    let count = group.types.defs().len();
    let mut memo: HashMap<(Known, usize), bool> = HashMap::new();
    let mut per_type: Vec<Vec<String>> = vec![Vec::new(); count];
    for derive in requested {
        if built_in(derive) {
            continue;
        }
        let Some(trait_) = known(derive) else {
            for derives in &mut per_type {
                derives.push(derive.clone());
            }
            continue;
        };
        let mut left_off = Vec::new();
        for (id, derives) in per_type.iter_mut().enumerate() {
            let def = group.types.get(TypeId(id));
            if def.replaced_by.is_some() || already_has(&def.kind, trait_) {
                continue;
            }
            // `Ord` also needs `Eq` and `PartialOrd` on the same type.
            let needs_also = match trait_ {
                Known::Ord => [Known::Eq, Known::PartialOrd].iter().all(|t| {
                    already_has(&def.kind, *t) || requested.iter().any(|r| known(r) == Some(*t))
                }),
                _ => true,
            };
            if needs_also && can_named(trait_, id, &group.types, &mut memo) {
                derives.push(derive.clone());
            } else {
                left_off.push(def.name.clone());
            }
        }
        if !left_off.is_empty() {
            skipped.push((derive.clone(), left_off));
        }
    }
    for (id, derives) in per_type.into_iter().enumerate() {
        group.types.defs_mut()[id].derives = derives;
    }
    skipped
        .into_iter()
        .map(|(derive, names)| {
            let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
            let more = names.len().saturating_sub(shown.len());
            Note::warning(
                String::new(),
                format!(
                    "derive `{derive}` left off {} type(s) that cannot have it (they hold a float, JSON or a file): {}{}",
                    names.len(),
                    shown.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() }
                ),
            )
        })
        .collect()
}

/// Whether the generated code already derives (or implements) it.
fn already_has(kind: &TypeKind, trait_: Known) -> bool {
    match kind {
        TypeKind::Enum(_) => matches!(trait_, Known::Eq | Known::Hash),
        TypeKind::Struct(def) => {
            trait_ == Known::Default
                && (def.role == Role::Response
                    || def
                        .fields
                        .iter()
                        .all(|f| matches!(f.ty, TypeRef::Option(_))))
        }
    }
}

fn can_named(
    trait_: Known,
    id: usize,
    types: &TypeSpace,
    memo: &mut HashMap<(Known, usize), bool>,
) -> bool {
    if let Some(known) = memo.get(&(trait_, id)) {
        return *known;
    }
    // Types form a tree (recursive `$ref`s became JSON); assume no while deciding.
    memo.insert((trait_, id), false);
    let def = types.get(TypeId(id));
    let can = match &def.kind {
        TypeKind::Enum(_) => !matches!(trait_, Known::Default | Known::Copy),
        TypeKind::Struct(s) => {
            // Output types keep unknown fields in a JSON map.
            let extra_map_ok =
                s.role == Role::Request || can_ref(trait_, &TypeRef::Json, types, memo);
            extra_map_ok && s.fields.iter().all(|f| can_ref(trait_, &f.ty, types, memo))
        }
    };
    memo.insert((trait_, id), can);
    can
}

fn can_ref(
    trait_: Known,
    ty: &TypeRef,
    types: &TypeSpace,
    memo: &mut HashMap<(Known, usize), bool>,
) -> bool {
    use Known::*;
    match ty {
        TypeRef::String => trait_ != Copy,
        TypeRef::I64 | TypeRef::Bool | TypeRef::Timestamp => true,
        TypeRef::F64 => matches!(trait_, PartialOrd | Default | Copy),
        // `serde_json::Value` is `Eq` and `Default`, nothing else here.
        TypeRef::Json => matches!(trait_, Eq | Default),
        TypeRef::File => matches!(trait_, Eq | Hash),
        TypeRef::Bytes => trait_ != Copy,
        TypeRef::Secret => matches!(trait_, Eq | Hash | Default),
        TypeRef::Vec(inner) => {
            trait_ == Default || (trait_ != Copy && can_ref(trait_, inner, types, memo))
        }
        TypeRef::Option(inner) => trait_ == Default || can_ref(trait_, inner, types, memo),
        // `Page<T>` is `Eq` when `T` is, and `Default`; its `extra` map rules out the rest.
        TypeRef::Page(inner) => {
            trait_ == Default || (trait_ == Eq && can_ref(Eq, inner, types, memo))
        }
        TypeRef::Named(id) => {
            types.get(*id).replaced_by.is_some() || can_named(trait_, id.0, types, memo)
        }
    }
}
