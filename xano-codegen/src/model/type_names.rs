//! Naming the types of a group, after every endpoint has been read.
//!
//! A type is named for what it is, by the strongest evidence it has:
//! 1. a component schema's name (`$ref`): its author chose it;
//! 2. the entity the endpoints' paths say it is (`Book` for what `GET /books`
//!    lists and `GET /books/{book_id}` returns), the most certain one winning;
//! 3. for an Input or Output shared by several endpoints, the path they share
//!    (`SyncInput` for `POST /sync/accounts` and `POST /sync/people`,
//!    `AuthOutput` for what `/auth/login` and `/auth/signup` return);
//! 4. an endpoint's own `<Fn>Input` / `<Fn>Output`;
//! 5. the property it sits in (`Cover`, `Genre`), qualified by its parent's name
//!    (`BookGenre`) when several types want the same short name;
//! 6. the secondary names of a root (`GetBooksOutputItem`).
//!
//! The `<Fn>Input` / `<Fn>Output` names of every endpoint are kept as aliases
//! (`emit` writes `pub type GetBooksOutput = Page<Book>;`), so code written
//! against them keeps compiling; no chosen name may take one of them.

use super::naming::UniqueNames;
use super::types::{NameHint, RESERVED_TYPE_NAMES, TypeSpace};
use std::collections::{HashMap, HashSet};

/// Names every type of `types`. `aliases` are the `<Fn>Input` / `<Fn>Output`
/// names of every endpoint: a type may take only its own.
pub fn assign_names(types: &mut TypeSpace, aliases: &HashSet<String>) {
    let count = types.defs().len();
    let hints = types.hints().to_vec();
    let plans: Vec<Plan> = hints.iter().map(|h| plan(h)).collect();

    // How many types would like each short property name: a name two types want
    // goes to neither (each is qualified by its parent).
    let mut short_demand: HashMap<&str, usize> = HashMap::new();
    let mut strong_names: HashSet<&str> = HashSet::new();
    for plan in &plans {
        match &plan.best {
            Best::Nested { short, .. } => *short_demand.entry(short.as_str()).or_default() += 1,
            Best::Named(candidates) => strong_names.extend(candidates.iter().map(String::as_str)),
            Best::Secondary(_) => {}
        }
    }

    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_key(|&id| (plans[id].class, std::cmp::Reverse(plans[id].weight), id));
    let mut taken = UniqueNames::default();
    taken.reserve(RESERVED_TYPE_NAMES);
    let mut names: Vec<Option<String>> = vec![None; count];
    let mut state = State {
        types,
        plans: &plans,
        short_demand: &short_demand,
        strong_names: &strong_names,
        aliases,
        taken,
        names: &mut names,
    };
    for id in order {
        state.resolve(id, 0);
    }
    let resolved: Vec<String> = names
        .into_iter()
        .map(|name| name.unwrap_or_else(|| "Type".into()))
        .collect();
    for (def, name) in types.defs_mut().iter_mut().zip(resolved) {
        def.name = name;
    }
}

/// The order types are named in: stronger evidence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Component,
    Entity,
    Shared,
    Endpoint,
    Nested,
    Secondary,
}

struct Plan {
    class: Class,
    /// The entity evidence's total weight (to order entities among themselves).
    weight: u32,
    best: Best,
}

enum Best {
    /// Names to try in order.
    Named(Vec<String>),
    /// A property-derived short name, or qualified by the parent.
    Nested {
        parent: super::types::UseId,
        short: String,
        fallback: Vec<String>,
    },
    /// Only secondary names.
    Secondary(Vec<String>),
}

fn plan(hints: &[NameHint]) -> Plan {
    let mut component = None;
    let mut entities: Vec<(String, u32)> = Vec::new();
    let mut shared: Vec<(&[String], &str, &str)> = Vec::new();
    let mut endpoint = None;
    let mut nested = None;
    let mut secondary = Vec::new();
    for hint in hints {
        match hint {
            NameHint::Component { name } => {
                component.get_or_insert(name.clone());
            }
            NameHint::Entity { name, weight } => {
                match entities.iter_mut().find(|(n, _)| n == name) {
                    Some((_, total)) => *total += u32::from(*weight),
                    None => entities.push((name.clone(), u32::from(*weight))),
                }
            }
            NameHint::Shared {
                segments,
                fallback,
                suffix,
            } => {
                if !shared.iter().any(|(_, f, _)| *f == fallback.as_str()) {
                    shared.push((segments, fallback, suffix));
                }
            }
            NameHint::Root {
                name,
                primary: true,
            } => {
                endpoint.get_or_insert(name.clone());
            }
            NameHint::Root {
                name,
                primary: false,
            } => secondary.push(name.clone()),
            NameHint::Nested { parent, short } => {
                nested.get_or_insert((*parent, short.clone()));
            }
        }
    }
    // Fallbacks every named type carries, weakest last.
    let mut tail: Vec<String> = Vec::new();
    if let Some((_, fallback, _)) = shared.first() {
        tail.push((*fallback).to_owned());
    }
    tail.extend(endpoint.clone());
    tail.extend(secondary.iter().cloned());
    if let Some(name) = component {
        let mut names = vec![name];
        names.extend(tail);
        return Plan {
            class: Class::Component,
            weight: 0,
            best: Best::Named(names),
        };
    }
    if !entities.is_empty() {
        // Most certain first; equal weights keep the order they were read in.
        let mut ranked = entities.clone();
        ranked.sort_by_key(|(_, weight)| std::cmp::Reverse(*weight));
        let weight = ranked[0].1;
        let mut names: Vec<String> = ranked.into_iter().map(|(name, _)| name).collect();
        names.extend(tail);
        return Plan {
            class: Class::Entity,
            weight,
            best: Best::Named(names),
        };
    }
    if shared.len() > 1 {
        let first = shared[0].0;
        let common = (0..first.len())
            .take_while(|&i| {
                shared
                    .iter()
                    .all(|(segments, _, _)| segments.get(i) == first.get(i))
            })
            .count();
        if common > 0 {
            let base: String = first[..common]
                .iter()
                .map(|s| super::naming::ascii_pascal(s))
                .collect();
            let mut names = vec![format!("{base}{}", shared[0].2)];
            names.extend(tail);
            return Plan {
                class: Class::Shared,
                weight: 0,
                best: Best::Named(names),
            };
        }
    }
    if !tail.is_empty() && (endpoint.is_some() || !shared.is_empty()) {
        return Plan {
            class: Class::Endpoint,
            weight: 0,
            best: Best::Named(tail),
        };
    }
    if let Some((parent, short)) = nested {
        return Plan {
            class: Class::Nested,
            weight: 0,
            best: Best::Nested {
                parent,
                short,
                fallback: secondary,
            },
        };
    }
    Plan {
        class: Class::Secondary,
        weight: 0,
        best: Best::Secondary(secondary),
    }
}

struct State<'a> {
    types: &'a TypeSpace,
    plans: &'a [Plan],
    short_demand: &'a HashMap<&'a str, usize>,
    strong_names: &'a HashSet<&'a str>,
    aliases: &'a HashSet<String>,
    taken: UniqueNames,
    names: &'a mut Vec<Option<String>>,
}

impl State<'_> {
    /// The name of type `id`, choosing it (and its parent's, if it needs that)
    /// the first time.
    fn resolve(&mut self, id: usize, depth: usize) -> String {
        if let Some(name) = &self.names[id] {
            return name.clone();
        }
        let plans = self.plans;
        let mut candidates: Vec<String> = Vec::new();
        let mut own_aliases: HashSet<&str> = HashSet::new();
        match &plans[id].best {
            Best::Named(names) | Best::Secondary(names) => {
                candidates.extend(names.iter().cloned());
                // An endpoint's own Output/Input names are this type's to take.
                for hint in &self.types.hints()[id] {
                    match hint {
                        NameHint::Root { name, .. } => {
                            own_aliases.insert(name.as_str());
                        }
                        NameHint::Shared { fallback, .. } => {
                            own_aliases.insert(fallback.as_str());
                        }
                        _ => {}
                    }
                }
            }
            Best::Nested {
                parent,
                short,
                fallback,
            } => {
                let wanted = self.short_demand.get(short.as_str()).copied().unwrap_or(0);
                let clashes = wanted > 1
                    || self.strong_names.contains(short.as_str())
                    || RESERVED_TYPE_NAMES.contains(&short.as_str());
                if !clashes {
                    candidates.push(short.clone());
                }
                // A containing type is interned after its children, so its name
                // is resolved on demand; the depth bound only guards bad input.
                if let Some(parent) = self.types.use_type(*parent)
                    && depth < 64
                {
                    let parent_name = self.resolve(parent.0, depth + 1);
                    candidates.push(format!("{parent_name}{short}"));
                }
                candidates.push(short.clone());
                candidates.extend(fallback.iter().cloned());
            }
        }
        let free = candidates.iter().find(|name| {
            !self.taken.is_taken(name)
                && (!self.aliases.contains(name.as_str()) || own_aliases.contains(name.as_str()))
        });
        let base = free
            .or(candidates.first())
            .cloned()
            .unwrap_or_else(|| "Type".to_owned());
        let name = self.taken.claim(&base, "");
        self.names[id] = Some(name.clone());
        name
    }
}
