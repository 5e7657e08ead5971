//! Stage 4 — model: an `openapiv3::OpenAPI` becomes the IR that `emit` prints.
//!
//! Everything Rust-specific is decided here: endpoint names, argument types, which
//! body encoding a call uses, and the deduplicated, named types. `emit` only
//! spells these decisions as tokens.

pub mod customize;
mod derives;
mod docs;
mod endpoints;
pub mod naming;
mod schemas;
mod type_names;
pub mod types;

use crate::error::{Error, Result, pointer};
use crate::normalize::Note;
pub use docs::plain_text;
use naming::{UniqueNames, pascal_ident, snake_ident};
use openapiv3::{OpenAPI, Operation, ReferenceOr};
pub use types::{
    EnumDef, Field, Location, NameHint, Role, StructDef, TypeDef, TypeId, TypeKind, TypeRef,
    TypeSpace, UseId, Variant,
};

/// One API group: the unit that becomes one generated module.
#[derive(Debug)]
pub struct ApiGroup {
    /// The group's name (`info.title`), e.g. `Mobile Native`.
    pub title: String,
    /// The module identifier, e.g. `mobile_native`.
    pub module: String,
    /// The group's description.
    pub description: Option<String>,
    /// The instance origin from `servers`, e.g. `https://xdny-scc5-yag9.a2.xano.io`.
    pub origin: Option<String>,
    /// The group's base path on the instance, e.g. `api:LmTnxskw`.
    pub base_path: String,
    /// Endpoints in path order, then method order.
    pub endpoints: Vec<Endpoint>,
    /// The named types.
    pub types: TypeSpace,
    /// SHA-256 of the spec bytes.
    pub sha256: String,
    /// Where the model degraded a shape (to `Json`) or ignored something.
    pub warnings: Vec<Note>,
    /// The operations left out because the model cannot read them.
    pub skipped: Vec<Skipped>,
    /// Extra derives for every generated struct and enum (see
    /// [`crate::Settings::with_derive`]).
    pub derives: Vec<String>,
    /// Whether a typed `fake` module is generated too (see
    /// [`crate::Settings::with_fake`]).
    pub fake: bool,
}

/// An operation left out of a group: the rest of the group still generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The method.
    pub method: HttpMethod,
    /// The path template.
    pub path: String,
    /// The JSON pointer of what could not be read.
    pub pointer: String,
    /// Why.
    pub reason: String,
}

impl ApiGroup {
    /// The group's base URL as its spec gives it (`https://<host>/api:<canonical>`),
    /// or only its base path when the spec names no origin.
    pub fn server_url(&self) -> String {
        match &self.origin {
            Some(origin) if self.base_path.is_empty() => origin.clone(),
            Some(origin) => format!("{origin}/{}", self.base_path),
            None => self.base_path.clone(),
        }
    }
}

/// One HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
    /// TRACE
    Trace,
}

impl HttpMethod {
    /// All methods, in the order endpoints of one path are generated.
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
        HttpMethod::Head,
        HttpMethod::Options,
        HttpMethod::Trace,
    ];

    /// Upper case, as on the wire and in `xano_runtime::Method`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// Parses `GET`, `get`, ….
    pub fn parse(text: &str) -> Option<HttpMethod> {
        HttpMethod::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The operation of this method in a path item.
    pub fn operation(self, item: &openapiv3::PathItem) -> Option<&Operation> {
        match self {
            HttpMethod::Get => item.get.as_ref(),
            HttpMethod::Post => item.post.as_ref(),
            HttpMethod::Put => item.put.as_ref(),
            HttpMethod::Patch => item.patch.as_ref(),
            HttpMethod::Delete => item.delete.as_ref(),
            HttpMethod::Head => item.head.as_ref(),
            HttpMethod::Options => item.options.as_ref(),
            HttpMethod::Trace => item.trace.as_ref(),
        }
    }
}

/// One endpoint: one generated async function.
#[derive(Debug)]
pub struct Endpoint {
    /// The function name, e.g. `get_user_by_user_id`.
    pub fn_name: String,
    /// The PascalCase prefix of its Input/Output names, e.g. `GetUserByUserId`.
    pub type_prefix: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path as published, e.g. `/user/{user_id}`.
    pub path: String,
    /// Rustdoc paragraphs from the summary and description, HTML stripped.
    pub doc: Vec<String>,
    /// Whether the spec requires a bearer token.
    pub auth: bool,
    /// Path parameters in path order: positional arguments.
    pub path_params: Vec<PathParam>,
    /// The `&Input` argument, when there are query or body inputs.
    pub input: Option<Input>,
    /// The 200 response type.
    pub output: TypeRef,
    /// `<TypePrefix>Output`: always exists in generated code (a struct or an alias).
    pub output_name: String,
    /// Set when the endpoint returns Xano's paging envelope and takes a `page`
    /// input: it also gets `…_pages` and `…_items` streams.
    pub paging: Option<Paging>,
    /// The name of its streaming variant, when asked for (`…_stream`).
    pub stream_fn: Option<String>,
    /// The JSON pointer of the operation, for messages.
    pub pointer: String,
}

/// A path parameter.
#[derive(Debug, Clone)]
pub struct PathParam {
    /// The name in the path template.
    pub name: String,
    /// The argument identifier.
    pub ident: String,
    /// `String` (taken as `&str`), `I64`, `F64` or `Bool`.
    pub ty: TypeRef,
}

/// The streams of a paged endpoint.
#[derive(Debug, Clone)]
pub struct Paging {
    /// The function yielding every page, e.g. `get_books_pages`.
    pub pages_fn: String,
    /// The function yielding every item, e.g. `get_books_items`.
    pub items_fn: String,
    /// The identifier of the Input's `page` field.
    pub page_field: String,
    /// Whether that field is an `Option`.
    pub page_optional: bool,
    /// Whether the Input has fields besides `page`.
    pub other_fields: bool,
}

/// How a request body is encoded: the media type the spec declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// `application/json`.
    Json,
    /// `multipart/form-data` (a file input is present, or the spec offers nothing else).
    Multipart,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// A text media type (`text/*`, e.g. XanoScript's `text/x-xanoscript`): the
    /// `body` string goes as it is.
    Text,
    /// `application/octet-stream` or another binary type: the `body` bytes go as
    /// they are.
    Bytes,
}

/// The `&Input` argument of an endpoint.
#[derive(Debug, Clone)]
pub struct Input {
    /// `<TypePrefix>Input`: always exists in generated code (a struct or an alias).
    pub name: String,
    /// The type: usually a `Request` struct holding query and body fields.
    pub ty: TypeRef,
    /// How the body fields are sent.
    pub body: BodyKind,
    /// The declared media type, for text and binary bodies (sent as the
    /// `Content-Type`).
    pub media_type: Option<String>,
}

/// Options of the model stage.
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    /// The module name to use instead of one derived from `info.title`.
    pub module_name: Option<String>,
    /// Endpoints that also get a `…_stream` function.
    pub streams: Vec<(HttpMethod, String)>,
}

/// Records, on every type, the endpoints that take or return it.
fn record_usage(endpoints: &[Endpoint], types: &mut TypeSpace) {
    fn reach(ty: &TypeRef, types: &TypeSpace, seen: &mut Vec<TypeId>) {
        match ty {
            TypeRef::Vec(inner) | TypeRef::Option(inner) | TypeRef::Page(inner) => {
                reach(inner, types, seen)
            }
            TypeRef::Named(id) if !seen.contains(id) => {
                seen.push(*id);
                if let TypeKind::Struct(def) = &types.get(*id).kind {
                    for field in &def.fields {
                        reach(&field.ty, types, seen);
                    }
                }
            }
            _ => {}
        }
    }
    for endpoint in endpoints {
        let label = format!("`{} {}`", endpoint.method.as_str(), endpoint.path);
        let mut seen = Vec::new();
        reach(&endpoint.output, types, &mut seen);
        if let Some(input) = &endpoint.input {
            reach(&input.ty, types, &mut seen);
        }
        for id in seen {
            let used_by = &mut types.defs_mut()[id.0].used_by;
            if !used_by.contains(&label) {
                used_by.push(label.clone());
            }
        }
    }
}

/// Gives the types of `group` the requested derives they can have (see
/// `derives`), noting the types that cannot.
pub fn apply_derives(group: &mut ApiGroup, requested: &[String]) {
    let notes = derives::apply(group, requested);
    group.warnings.extend(notes);
}

/// Xano marks protected endpoints `security: [{"bearerAuth": []}]` and public ones
/// `security: []`; `[{}]` (auth optional) counts as public.
pub fn requires_auth(spec: &OpenAPI, operation: &Operation) -> bool {
    let requirements = operation.security.as_ref().or(spec.security.as_ref());
    requirements.is_some_and(|list| !list.is_empty() && list.iter().all(|req| !req.is_empty()))
}

/// Whether two endpoint paths are the same, ignoring a trailing slash.
pub fn same_path(a: &str, b: &str) -> bool {
    let trim = |p: &str| {
        if p.len() > 1 {
            p.trim_end_matches('/').to_owned()
        } else {
            p.to_owned()
        }
    };
    trim(a) == trim(b)
}

/// Builds the IR of one spec.
pub fn build(file: &str, spec: &OpenAPI, sha256: &str, options: &ModelOptions) -> Result<ApiGroup> {
    let mut builder = Builder {
        file,
        spec,
        types: TypeSpace::default(),
        warnings: Vec::new(),
        ref_stack: Vec::new(),
    };
    let (origin, base_path) = builder.server();
    let mut paths: Vec<(&String, &ReferenceOr<openapiv3::PathItem>)> =
        spec.paths.paths.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    let mut operations = Vec::new();
    for (path, item) in &paths {
        let item_pointer = pointer(["paths", path.as_str()]);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(builder.unsupported(&item_pointer, "a `$ref` as a path item"));
            }
        };
        for method in HttpMethod::ALL {
            if let Some(operation) = method.operation(item) {
                operations.push((method, path.as_str(), item, operation, item_pointer.clone()));
            }
        }
    }
    let names = naming::operation_names(
        &operations
            .iter()
            .map(|(method, path, ..)| (method.as_str(), *path))
            .collect::<Vec<_>>(),
    );
    let mut fn_names = UniqueNames::default();
    fn_names.reserve(["new"]);
    fn_names.reserve(names.iter().map(String::as_str));
    let mut endpoints = Vec::with_capacity(operations.len());
    let mut skipped = Vec::new();
    for ((method, path, item, operation, item_pointer), fn_name) in
        operations.into_iter().zip(names)
    {
        let op_pointer = format!("{item_pointer}/{}", method.as_str().to_ascii_lowercase());
        let checkpoint = builder.types.checkpoint();
        let warned = builder.warnings.len();
        match builder.endpoint(fn_name, method, path, item, operation, op_pointer) {
            Ok(endpoint) => endpoints.push(endpoint),
            // One operation the model cannot read does not sink the group (one bad
            // input breaks a whole group's Swagger in Xano too): it is left out,
            // with a warning that names it, and leaves no type behind.
            Err(Error::Spec {
                pointer, message, ..
            })
            | Err(Error::Unsupported {
                pointer, message, ..
            }) => {
                builder.types.rollback(checkpoint);
                builder.warnings.truncate(warned);
                builder.warn(
                    &pointer,
                    format!("`{} {path}` left out: {message}", method.as_str()),
                );
                skipped.push(Skipped {
                    method,
                    path: path.to_owned(),
                    pointer,
                    reason: message,
                });
            }
            Err(other) => return Err(other),
        }
    }
    // Stream functions are named after every endpoint has its name, so they never
    // take one that an endpoint (say `GET /books/pages`) needs.
    for endpoint in &mut endpoints {
        endpoint.paging = endpoints::paging(endpoint, &builder.types, &mut fn_names);
        let streamed = options
            .streams
            .iter()
            .any(|(method, path)| *method == endpoint.method && same_path(path, &endpoint.path));
        if streamed {
            endpoint.stream_fn = Some(fn_names.claim(&format!("{}_stream", endpoint.fn_name), "_"));
        }
    }
    let mut types = builder.types;
    let aliases: std::collections::HashSet<String> = endpoints
        .iter()
        .flat_map(|e| {
            std::iter::once(e.output_name.clone()).chain(e.input.as_ref().map(|i| i.name.clone()))
        })
        .collect();
    type_names::assign_names(&mut types, &aliases);
    record_usage(&endpoints, &mut types);

    let title = spec.info.title.trim().to_owned();
    let module = match &options.module_name {
        Some(name) => snake_ident(name, "api"),
        None => snake_ident(&title, "api"),
    };
    Ok(ApiGroup {
        description: spec
            .info
            .description
            .as_deref()
            .map(plain_text)
            .filter(|d| !d.is_empty()),
        title,
        module,
        origin,
        base_path,
        endpoints,
        types,
        sha256: sha256.to_owned(),
        warnings: builder.warnings,
        skipped,
        derives: Vec::new(),
        fake: false,
    })
}

pub(super) struct Builder<'a> {
    pub(super) file: &'a str,
    pub(super) spec: &'a OpenAPI,
    pub(super) types: TypeSpace,
    pub(super) warnings: Vec<Note>,
    /// Component schemas being expanded, to stop on recursive `$ref`s.
    pub(super) ref_stack: Vec<String>,
}

/// What a schema is being read for.
#[derive(Clone)]
pub(super) struct Ctx {
    pub(super) role: Role,
    pub(super) hint: NameHint,
}

impl<'a> Builder<'a> {
    pub(super) fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        let note = Note::warning(pointer, message);
        // A shared component is read once per use; say it once.
        if !self.warnings.contains(&note) {
            self.warnings.push(note);
        }
    }

    pub(super) fn unsupported(&self, pointer: &str, what: &str) -> Error {
        Error::Unsupported {
            file: self.file.to_owned(),
            pointer: pointer.to_owned(),
            message: what.to_owned(),
        }
    }

    /// Splits `servers[0].url` (`https://<host>/api:<canonical>`) into the origin and
    /// the group's base path.
    fn server(&mut self) -> (Option<String>, String) {
        let Some(server) = self.spec.servers.first() else {
            self.warn("/servers", "no server: calls go to the origin's root path");
            return (None, String::new());
        };
        let url = server.url.trim();
        match url.split_once("://") {
            Some((scheme, rest)) => {
                let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
                (
                    Some(format!("{scheme}://{host}")),
                    path.trim_matches('/').to_owned(),
                )
            }
            // A relative server URL: the path is the base path.
            None => (None, url.trim_matches('/').to_owned()),
        }
    }
}

pub(super) fn nested_hint(parent: UseId, property: &str) -> NameHint {
    NameHint::Nested {
        parent,
        short: pascal_ident(property, "T", "Value"),
    }
}

/// An input field: required ones are plain, optional ones `Option` and left out of
/// the request when `None`. A required input that is also nullable is an
/// `Option` sent as `null` when `None`: Xano answers 400 when it is missing.
/// Its identifier is the one it wants; [`settle_idents`] makes them unique.
pub(super) fn request_field(
    name: &str,
    ty: TypeRef,
    required: bool,
    nullable: bool,
    location: Location,
    description: Option<&str>,
) -> Field {
    let optional = !required || nullable || matches!(ty, TypeRef::Option(_));
    // An optional body input that may be null has three states: left out,
    // `null`, a value (a PATCH that clears a field sends `null`). A query
    // string cannot carry `null` (the official SDK leaves it out), so query and
    // header inputs keep two.
    let three_states = !required
        && nullable
        && location == Location::Body
        && !matches!(ty, TypeRef::Option(_) | TypeRef::File);
    let ty = if three_states {
        TypeRef::Option(Box::new(TypeRef::Option(Box::new(ty))))
    } else if optional {
        ty.optional()
    } else {
        ty
    };
    Field {
        name: name.to_owned(),
        ident: snake_ident(name, "field"),
        ty,
        location,
        skip_if_none: !required,
        doc: description.map(plain_text).filter(|d| !d.is_empty()),
    }
}

/// Makes the identifiers of one struct's fields unique by
/// [`naming::resolve_collisions`]: `user_id` keeps `user_id` and `userId` becomes
/// `user_id_2`, whichever comes first in the spec.
pub(super) fn settle_idents(fields: &mut [Field], reserved: &[&str]) {
    let candidates: Vec<naming::Candidate> = fields
        .iter()
        .map(|field| {
            let rank = match field.location {
                Location::Query => 0,
                Location::Header => 1,
                Location::Body => 2,
                Location::WholeBody => 3,
            };
            naming::Candidate::of(
                &field.name,
                field.ident.clone(),
                format!("{rank}{}", field.name),
            )
        })
        .collect();
    let idents = naming::resolve_collisions(&candidates, reserved, "_");
    for (field, ident) in fields.iter_mut().zip(idents) {
        field.ident = ident;
    }
}

/// An object's properties in name order, each with its place in the spec:
/// reading them so meets nested types (and names them) the same way whatever
/// order the spec's keys come in; fields are put back in spec order after.
pub(super) fn by_name<T>(properties: &indexmap::IndexMap<String, T>) -> Vec<(usize, &String, &T)> {
    let mut sorted: Vec<(usize, &String, &T)> = properties
        .iter()
        .enumerate()
        .map(|(index, (name, property))| (index, name, property))
        .collect();
    sorted.sort_by(|a, b| a.1.cmp(b.1));
    sorted
}

pub(super) fn pointer_join(base: &str, tokens: &[&str]) -> String {
    let mut out = base.to_owned();
    out.push_str(&pointer(tokens));
    out
}
