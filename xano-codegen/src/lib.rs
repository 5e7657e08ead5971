//! # xano-codegen
//!
//! Turns the OpenAPI specs that Xano publishes for each API group into typed async
//! Rust clients built on [`xano-runtime`](https://docs.rs/xano-runtime).
//!
//! One pipeline serves `build.rs` ([`Builder`]), the `generate!` macro
//! (`xano-codegen-macros`) and the `xano-codegen` command (`xano-codegen-cli`), so
//! all three produce the same code for the same input:
//!
//! ```text
//! source ─▶ normalize ─▶ parse ─▶ model ─▶ emit ─▶ write
//! bytes     Xano quirks   openapiv3  IR       text in rustfmt's layout, written atomically
//! ```
//!
//! The public API is small: [`Builder`] for build scripts; [`generate`] with
//! [`Settings`] and [`Generation`] for everything else; [`RawSpec`] and
//! [`Limits`] to load specs; [`Error`]; [`config`] (`xano.toml`), [`lock`]
//! (`xano.lock`) and [`audit`] (the pre-launch report). Modules marked hidden
//! are the pipeline's own, shared with the sibling crates and tests: not API.
//!
//! # Examples
//!
//! ```no_run
//! let spec = xano_codegen::RawSpec::from_path("specs/auth.json".as_ref())?;
//! let generation = xano_codegen::generate(vec![spec], &xano_codegen::Settings::default())?;
//! for (origin, warning) in generation.warnings() {
//!     eprintln!("warning: {}", warning.located(origin));
//! }
//! let source = generation.to_file_source(xano_codegen::Formatting::Builtin)?;
//! xano_codegen::write_atomic("src/xano.rs".as_ref(), source.as_bytes())?;
//! # Ok::<(), xano_codegen::Error>(())
//! ```

#![deny(missing_docs)]

pub mod audit;
mod builder;
#[doc(hidden)]
pub mod combined;
pub mod config;
pub mod diff;
#[doc(hidden)]
pub mod emit;
mod error;
pub mod lock;
#[doc(hidden)]
pub mod macro_input;
#[doc(hidden)]
pub mod model;
#[doc(hidden)]
pub mod normalize;
#[doc(hidden)]
pub mod parse;
#[doc(hidden)]
pub mod source;
#[doc(hidden)]
pub mod synthetic;
#[doc(hidden)]
pub mod write;

pub use builder::Builder;
pub use error::{Error, Result};
pub use normalize::Note;
pub use source::{Limits, RawSpec};
pub use write::{Drift, Formatting, check, write_atomic};

use proc_macro2::TokenStream;

/// Generator settings shared by every entry point; every default is what the CLI
/// does without flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    module_names: Vec<(String, String)>,
    derives: Vec<String>,
    stream: Vec<String>,
    renames: Vec<model::customize::Rename>,
    replacements: Vec<(String, String)>,
    fake: bool,
}

impl Settings {
    /// Names the module of the group whose spec `origin` (path or URL, as given) is,
    /// instead of deriving it from the group's title. Default: from the title.
    pub fn with_module_name(
        &mut self,
        origin: impl Into<String>,
        module: impl Into<String>,
    ) -> &mut Self {
        self.module_names.push((origin.into(), module.into()));
        self
    }

    /// Adds a derive (a path such as `Eq`, `Hash` or `schemars::JsonSchema`) to the
    /// generated structs and enums. Default: none beyond `Debug`, `Clone`,
    /// `PartialEq` (enums: `Eq`, `Hash`) and serde's. A standard derive goes only
    /// where it can hold (no `Eq` on a type holding an `f64`, no `Hash` on one
    /// holding JSON); the others are listed in a warning. Other derives go on
    /// every type.
    pub fn with_derive(&mut self, derive: impl Into<String>) -> &mut Self {
        self.derives.push(derive.into());
        self
    }

    /// Renames a generated function (`get_books_by_book_id` → `book`) or type
    /// (`Book` → `Novel`; an alias such as `PostBooksOutput` renames the alias).
    /// A name that matches nothing is an error.
    pub fn with_rename(&mut self, from: impl Into<String>, to: impl Into<String>) -> &mut Self {
        self.renames.push(model::customize::Rename {
            from: from.into(),
            to: to.into(),
        });
        self
    }

    /// Uses your own type (a path such as `crate::model::Book`) instead of the
    /// generated type `name` (or the type an alias such as `GetBooksByBookIdOutput`
    /// names): it is not generated, and everything that used it uses yours. Your
    /// type must serialize and deserialize as the generated one would.
    pub fn with_replace(&mut self, name: impl Into<String>, path: impl Into<String>) -> &mut Self {
        self.replacements.push((name.into(), path.into()));
        self
    }

    /// Gives the endpoint `"<METHOD> <path>"` (e.g. `"POST /chat"`) a streaming
    /// variant, `<fn>_stream`, beside the plain call: Xano specs do not say which
    /// endpoints stream. Default: none.
    pub fn with_stream(&mut self, endpoint: impl Into<String>) -> &mut Self {
        self.stream.push(endpoint.into());
        self
    }

    /// Also generates, per group, a typed fake of the API group for tests: a
    /// `fake` module compiled under `cfg(any(test, feature = "xano-fake"))`
    /// (declare the `xano-fake` feature as `["xano-runtime/fake"]`; see
    /// `xano_runtime::fake`). Default: off.
    pub fn with_fake(&mut self, fake: bool) -> &mut Self {
        self.fake = fake;
        self
    }

    /// These settings, then `later`'s (module names, derives, streams, renames and
    /// replacements of both).
    pub fn merged_with(&self, later: &Settings) -> Settings {
        let mut merged = self.clone();
        merged
            .module_names
            .extend(later.module_names.iter().cloned());
        merged.derives.extend(later.derives.iter().cloned());
        merged.stream.extend(later.stream.iter().cloned());
        merged.fake |= later.fake;
        merged.renames.extend(later.renames.iter().cloned());
        merged
            .replacements
            .extend(later.replacements.iter().cloned());
        merged
    }

    /// The streaming endpoints as (method, path).
    fn stream_endpoints(&self) -> Result<Vec<(model::HttpMethod, String)>> {
        self.stream
            .iter()
            .map(|entry| {
                let parsed = entry
                    .trim()
                    .split_once(char::is_whitespace)
                    .and_then(|(method, path)| {
                        Some((model::HttpMethod::parse(method)?, path.trim()))
                    })
                    .filter(|(_, path)| path.starts_with('/'));
                parsed
                    .map(|(method, path)| (method, path.to_owned()))
                    .ok_or_else(|| Error::Config {
                        file: "stream".into(),
                        message: format!(
                            "`{entry}` is not an endpoint: write it as \"POST /chat\""
                        ),
                    })
            })
            .collect()
    }

    fn validate(&self) -> Result<()> {
        for derive in &self.derives {
            if syn::parse_str::<syn::Path>(derive).is_err() {
                return Err(Error::Config {
                    file: "settings".into(),
                    message: format!(
                        "`{derive}` is not a derive path (like `Eq` or `schemars::JsonSchema`)"
                    ),
                });
            }
        }
        Ok(())
    }
}

/// One spec after `normalize` and `parse`.
#[derive(Debug)]
pub struct ParsedSpec {
    /// Where it came from (a path or URL).
    pub origin: String,
    /// SHA-256 of the bytes as loaded.
    pub sha256: String,
    /// The repaired document (what `xano-codegen normalize` writes).
    pub normalized: serde_json::Value,
    /// The repairs made.
    pub notes: Vec<Note>,
    /// The typed document (openapiv3's: not API).
    #[doc(hidden)]
    pub openapi: openapiv3::OpenAPI,
}

/// Runs `normalize` and `parse` on one spec (the loaded JSON is left as it was:
/// the repairs are made on one copy).
///
/// # Errors
///
/// [`Error::Spec`] or [`Error::Unsupported`], with the JSON pointer, when the
/// repaired document is not OpenAPI 3.0.
pub fn parse_spec(raw: &RawSpec) -> Result<ParsedSpec> {
    source::on_stack_for(raw.depth, || parse_spec_here(raw))
}

fn parse_spec_here(raw: &RawSpec) -> Result<ParsedSpec> {
    let mut normalized = raw.json.clone();
    let notes = normalize::normalize(&mut normalized);
    let openapi = parse::parse(&raw.origin, &normalized)?;
    Ok(ParsedSpec {
        origin: raw.origin.clone(),
        sha256: raw.sha256.clone(),
        normalized,
        notes,
        openapi,
    })
}

/// The result of generating one or more specs: one module each, as source text
/// ([`Generation::to_file_source`], [`Generation::to_dir_sources`]) or tokens
/// ([`Generation::tokens`]), with what the generator has to say about them
/// ([`Generation::warnings`], [`Generation::notes`]).
#[derive(Debug)]
pub struct Generation {
    /// The groups' IR, ordered by title; module names are unique. Not API.
    #[doc(hidden)]
    pub groups: Vec<model::ApiGroup>,
    /// Per spec (by origin), the repairs `normalize` made.
    notes: Vec<(String, Vec<Note>)>,
}

/// Generates clients for `specs` (each its own module; a combined workspace
/// spec gives one module per group).
///
/// The specs are consumed: each one's JSON becomes its typed document in place, so a
/// large spec never exists twice in memory.
///
/// # Errors
///
/// [`Error::Spec`], [`Error::Unsupported`] or [`Error::Json`] (with the file and
/// JSON pointer, or line and column) when a spec cannot be read at all; an
/// operation that cannot be read is left out with a warning instead.
/// [`Error::Config`] for a setting that is wrong: a derive that is not a path,
/// a stream endpoint or rename that names nothing, a rename onto another
/// endpoint's name.
///
/// # Examples
///
/// ```
/// let spec = br#"{"openapi": "3.0.0", "info": {"title": "Shop", "version": "1"},
///   "servers": [{"url": "https://x.n7.xano.io/api:abc"}],
///   "paths": {"/books": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#;
/// let raw = xano_codegen::RawSpec::from_bytes("shop.json", spec)?;
/// let generation = xano_codegen::generate(vec![raw], &xano_codegen::Settings::default())?;
/// let code = generation.to_file_source(xano_codegen::Formatting::Builtin)?;
/// assert!(code.contains("pub async fn get_books("));
/// # Ok::<(), xano_codegen::Error>(())
/// ```
pub fn generate(specs: Vec<RawSpec>, settings: &Settings) -> Result<Generation> {
    let deepest = specs.iter().map(|spec| spec.depth).max().unwrap_or(0);
    source::on_stack_for(deepest, move || generate_here(specs, settings))
}

fn generate_here(specs: Vec<RawSpec>, settings: &Settings) -> Result<Generation> {
    settings.validate()?;
    // A combined workspace spec is one spec per API group from here on.
    let mut specs: Vec<RawSpec> = specs
        .into_iter()
        .map(combined::split)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    // Groups come out ordered by their title (then server and content), whatever
    // the order of the arguments: swapping two specs changes nothing, not even
    // which of two same-named groups gets the `_2` module.
    specs.sort_by_cached_key(|raw| {
        let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_owned();
        (
            text(&raw.json["info"]["title"]),
            text(&raw.json["servers"][0]["url"]),
            raw.sha256.clone(),
        )
    });
    let streams = settings.stream_endpoints()?;
    let mut groups = Vec::with_capacity(specs.len());
    let mut notes = Vec::with_capacity(specs.len());
    let mut customized = std::collections::HashSet::new();
    for mut raw in specs {
        let mut json = std::mem::take(&mut raw.json);
        let spec_notes = normalize::normalize(&mut json);
        let openapi = parse::parse_owned(&raw.origin, json, || {
            let mut again = raw.reload()?;
            normalize::normalize(&mut again);
            Some(again)
        })?;
        let options = model::ModelOptions {
            streams: streams.clone(),
            module_name: settings
                .module_names
                .iter()
                .find(|(origin, _)| *origin == raw.origin)
                .map(|(_, module)| module.clone()),
        };
        let mut group = model::build(&raw.origin, &openapi, &raw.sha256, &options)?;
        drop(openapi);
        // Repairs that change the code (a schema cut to JSON) are warnings too.
        let lossy: Vec<Note> = spec_notes.iter().filter(|n| n.warning).cloned().collect();
        group.warnings.splice(0..0, lossy);
        let found = model::customize::apply(&mut group, &settings.renames, &settings.replacements)
            .map_err(|message| Error::Config {
                file: raw.origin.clone(),
                message,
            })?;
        customized.extend(found);
        model::apply_derives(&mut group, &settings.derives);
        group.fake = settings.fake;

        notes.push((raw.origin.clone(), spec_notes));
        groups.push(group);
    }
    settle_modules(&mut groups);
    let wanted = settings
        .renames
        .iter()
        .map(|r| r.from.as_str())
        .chain(settings.replacements.iter().map(|(name, _)| name.as_str()));
    for name in wanted {
        if !customized.contains(name) {
            return Err(Error::Config {
                file: "rename/replace".into(),
                message: unknown_name(name, &groups),
            });
        }
    }
    for (method, path) in &streams {
        let found = groups
            .iter()
            .flat_map(|g| &g.endpoints)
            .any(|e| e.method == *method && model::same_path(path, &e.path));
        if !found {
            return Err(Error::Config {
                file: "stream".into(),
                message: format!("no endpoint `{} {path}` in the specs", method.as_str()),
            });
        }
    }
    Ok(Generation { groups, notes })
}

/// Makes module names unique by the rule every name follows
/// ([`model::naming::resolve_collisions`]), and warns where two groups wanted the
/// same module: a `_2` nobody asked for should not go unnoticed.
fn settle_modules(groups: &mut [model::ApiGroup]) {
    let candidates: Vec<model::naming::Candidate> = groups
        .iter()
        .enumerate()
        .map(|(index, group)| {
            let key = format!("{}\n{}\n{index:09}", group.title, group.server_url());
            model::naming::Candidate::of(&group.title, group.module.clone(), key)
        })
        .collect();
    let modules = model::naming::resolve_collisions(&candidates, &[], "_");
    for (index, module) in modules.into_iter().enumerate() {
        let wanted = candidates[index].name.clone();
        if module != wanted {
            let others: Vec<String> = groups
                .iter()
                .enumerate()
                .filter(|(other, g)| *other != index && g.module == wanted)
                .map(|(_, g)| format!("`{}` ({})", g.title, g.server_url()))
                .collect();
            groups[index].warnings.push(Note::warning(
                "/info/title",
                format!(
                    "module `{wanted}` is also wanted by {}: this group's module is `{module}` \
                     (name it yourself: `module` in the macro, `with_module_name` in build.rs)",
                    others.join(", ")
                ),
            ));
        }
        groups[index].module = module;
    }
}

/// Why a rename or replacement matched nothing, with the nearest names.
fn unknown_name(name: &str, groups: &[model::ApiGroup]) -> String {
    let functions = groups
        .iter()
        .flat_map(|g| g.endpoints.iter().map(|e| e.fn_name.clone()));
    let types = groups
        .iter()
        .flat_map(|g| g.types.defs().iter().map(|d| d.name.clone()));
    let aliases = groups.iter().flat_map(|g| {
        g.endpoints.iter().flat_map(|e| {
            std::iter::once(e.output_name.clone()).chain(e.input.iter().map(|i| i.name.clone()))
        })
    });
    let lower = name.to_ascii_lowercase();
    let mut near: Vec<String> = functions
        .chain(types)
        .chain(aliases)
        .filter(|candidate| {
            let candidate = candidate.to_ascii_lowercase();
            candidate.contains(&lower)
                || lower.contains(&candidate)
                || edit_distance(&candidate, &lower) <= 2
        })
        .collect();
    near.sort();
    near.dedup();
    near.truncate(6);
    if near.is_empty() {
        format!("`{name}` is not a generated function, type or alias")
    } else {
        format!(
            "`{name}` is not a generated function, type or alias; did you mean {}?",
            near.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// Levenshtein distance, for "did you mean".
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

impl Generation {
    /// Per spec (by origin, as given), the repairs made to Xano's quirks: what
    /// `--verbose` lists.
    pub fn notes(&self) -> &[(String, Vec<Note>)] {
        &self.notes
    }

    /// How many groups (modules) were generated.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// How many endpoint functions were generated, over every group.
    pub fn endpoint_count(&self) -> usize {
        self.groups.iter().map(|g| g.endpoints.len()).sum()
    }

    /// Every warning, as `(spec origin, warning)`: where a shape degraded (to
    /// JSON), a derive was left off, a schema was cut, or a name was changed to
    /// keep it unique. The CLI prints them, build.rs passes them to cargo
    /// (`cargo:warning`); the macro cannot show them (see `generate!`).
    pub fn warnings(&self) -> impl Iterator<Item = (&str, &Note)> {
        // `notes` holds one entry per spec, in the order of `groups`.
        self.notes
            .iter()
            .zip(&self.groups)
            .flat_map(|((origin, _), group)| {
                group.warnings.iter().map(move |w| (origin.as_str(), w))
            })
    }

    /// Every group as `pub mod <group> { … }`: what the macro expands to (the
    /// same text the CLI writes, as tokens).
    pub fn tokens(&self) -> TokenStream {
        self.groups.iter().map(emit::group_tokens).collect()
    }

    /// One file holding every group's module, with the header.
    pub fn to_file_source(&self, formatting: write::Formatting) -> Result<String> {
        let specs: Vec<(&str, &str)> = self
            .groups
            .iter()
            .map(|g| (g.title.as_str(), g.sha256.as_str()))
            .collect();
        let modules: Vec<String> = self.groups.iter().map(emit::group_module).collect();
        write::finish(&write::header(&specs), modules.join("\n"), formatting)
    }

    /// One file per group (`<module>.rs`) plus a `mod.rs` declaring them.
    pub fn to_dir_sources(&self, formatting: write::Formatting) -> Result<Vec<(String, String)>> {
        let mut files = Vec::with_capacity(self.groups.len() + 1);
        let mut mods = String::new();
        for group in &self.groups {
            let header = write::header(&[(group.title.as_str(), group.sha256.as_str())]);
            files.push((
                format!("{}.rs", model::naming::serde_name(&group.module)),
                write::finish(&header, emit::group_items(group), formatting)?,
            ));
            mods.push_str(emit::MODULE_ATTRIBUTE);
            mods.push('\n');
            mods.push_str(&format!("pub mod {};\n", group.module));
        }
        let specs: Vec<(&str, &str)> = self
            .groups
            .iter()
            .map(|g| (g.title.as_str(), g.sha256.as_str()))
            .collect();
        files.push((
            "mod.rs".to_owned(),
            write::finish(&write::header(&specs), mods, formatting)?,
        ));
        Ok(files)
    }
}
