//! Stage 4 — model: an `openapiv3::OpenAPI` becomes the IR that `emit` prints.
//!
//! Everything Rust-specific is decided here: endpoint names, argument types, which
//! body encoding a call uses, and the deduplicated, named types. `emit` only
//! spells these decisions as tokens.

pub mod naming;
pub mod types;

use crate::error::{Error, Result, pointer};
use crate::normalize::{Note, XANO_FORMAT};
use naming::{UniqueNames, operation_name, pascal_ident, singular_pascal, snake_ident};
use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response,
    Schema, SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::collections::HashSet;
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
    /// Extra derives for every generated struct and enum (see
    /// [`crate::Settings::with_derive`]).
    pub derives: Vec<String>,
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

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// `application/json`.
    Json,
    /// `multipart/form-data` (a file input is present, or the spec offers nothing else).
    Multipart,
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
}

/// Options of the model stage.
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    /// The module name to use instead of one derived from `info.title`.
    pub module_name: Option<String>,
    /// Endpoints that also get a `…_stream` function.
    pub streams: Vec<(HttpMethod, String)>,
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
    let mut endpoints = Vec::new();
    let mut fn_names = UniqueNames::default();
    // `new` is the group client's constructor.
    fn_names.reserve(["new"]);

    let mut paths: Vec<(&String, &ReferenceOr<openapiv3::PathItem>)> =
        spec.paths.paths.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    for (path, item) in paths {
        let item_pointer = pointer(["paths", path.as_str()]);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(builder.unsupported(&item_pointer, "a `$ref` as a path item"));
            }
        };
        for method in HttpMethod::ALL {
            if let Some(operation) = method.operation(item) {
                let op_pointer = format!("{item_pointer}/{}", method.as_str().to_ascii_lowercase());
                let fn_name = fn_names.claim(&operation_name(method.as_str(), path), "_");
                endpoints
                    .push(builder.endpoint(fn_name, method, path, item, operation, op_pointer)?);
            }
        }
    }
    // Stream functions are named after every endpoint has its name, so they never
    // take one that an endpoint (say `GET /books/pages`) needs.
    for endpoint in &mut endpoints {
        endpoint.paging = paging(endpoint, &builder.types, &mut fn_names);
        let streamed = options
            .streams
            .iter()
            .any(|(method, path)| *method == endpoint.method && same_path(path, &endpoint.path));
        if streamed {
            endpoint.stream_fn = Some(fn_names.claim(&format!("{}_stream", endpoint.fn_name), "_"));
        }
    }
    let mut types = builder.types;
    types.assign_names();

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
        derives: Vec::new(),
    })
}

struct Builder<'a> {
    file: &'a str,
    spec: &'a OpenAPI,
    types: TypeSpace,
    warnings: Vec<Note>,
    /// Component schemas being expanded, to stop on recursive `$ref`s.
    ref_stack: Vec<String>,
}

/// What a schema is being read for.
#[derive(Clone)]
struct Ctx {
    role: Role,
    hint: NameHint,
}

impl<'a> Builder<'a> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        let note = Note {
            pointer: pointer.to_owned(),
            message: message.into(),
        };
        // A shared component is read once per use; say it once.
        if !self.warnings.contains(&note) {
            self.warnings.push(note);
        }
    }

    fn unsupported(&self, pointer: &str, what: &str) -> Error {
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

    fn endpoint(
        &mut self,
        fn_name: String,
        method: HttpMethod,
        path: &str,
        item: &'a openapiv3::PathItem,
        operation: &'a Operation,
        op_pointer: String,
    ) -> Result<Endpoint> {
        let type_prefix = pascal_ident(&fn_name, "Op", "Op");
        let auth = self.requires_auth(operation);

        // Path-level parameters apply unless the operation redefines them.
        let mut parameters: Vec<(&'a Parameter, String)> = Vec::new();
        for (index, param) in operation.parameters.iter().enumerate() {
            let at = format!("{op_pointer}/parameters/{index}");
            parameters.push((self.resolve_parameter(param, &at)?, at));
        }
        for (index, param) in item.parameters.iter().enumerate() {
            let at = pointer(["paths", path, "parameters", &index.to_string()]);
            let param = self.resolve_parameter(param, &at)?;
            let data = param.parameter_data_ref();
            let redefined = parameters.iter().any(|(p, _)| {
                p.parameter_data_ref().name == data.name
                    && std::mem::discriminant(*p) == std::mem::discriminant(param)
            });
            if !redefined {
                parameters.push((param, at));
            }
        }
        let path_params = self.path_params(path, &parameters, &op_pointer)?;

        // The Input struct's use exists before its fields are read, so that nested
        // types can name themselves after it.
        let input_use = self.types.begin_use();
        let input_name = format!("{type_prefix}Input");
        let mut fields = Vec::new();
        let mut idents = UniqueNames::default();
        for (param, at) in &parameters {
            let location = match param {
                Parameter::Query { .. } => Location::Query,
                Parameter::Header { .. } => Location::Header,
                Parameter::Path { .. } => continue,
                Parameter::Cookie { .. } => {
                    self.warn(at, "cookie parameters are not supported: left out");
                    continue;
                }
            };
            let data = param.parameter_data_ref();
            let (ty, nullable) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let ctx = Ctx {
                        role: Role::Request,
                        hint: nested_hint(input_use, &data.name),
                    };
                    self.schema_ref(schema, &format!("{at}/schema"), ctx)?
                }
                ParameterSchemaOrContent::Content(_) => {
                    self.warn(at, "a parameter described by `content`: typed as JSON");
                    (TypeRef::Json, false)
                }
            };
            fields.push(request_field(
                &data.name,
                ty,
                data.required && !nullable,
                location,
                data.description.as_deref(),
                &mut idents,
            ));
        }

        let mut body_kind = BodyKind::None;
        let mut whole_body = None;
        if let Some(body) = &operation.request_body {
            let at = format!("{op_pointer}/requestBody");
            let body = self.resolve_request_body(body, &at)?;
            if let Some((kind, schema, schema_at)) = self.pick_body(body, &at) {
                match self.body_fields(schema, &schema_at, input_use, &mut idents)? {
                    BodyShape::Fields(body_fields) => {
                        if !body_fields.is_empty() {
                            body_kind = kind;
                        }
                        fields.extend(body_fields);
                    }
                    BodyShape::Whole(ty) => {
                        body_kind = kind;
                        whole_body = Some(ty);
                    }
                }
            }
        }
        if fields
            .iter()
            .any(|f| f.location == Location::Body && f.ty.holds_file())
        {
            body_kind = BodyKind::Multipart;
        }

        let input = match whole_body {
            Some(ty) if fields.is_empty() => Some(Input {
                name: input_name,
                ty,
                body: body_kind,
            }),
            _ if fields.is_empty() => None,
            whole => {
                if let Some(ty) = whole {
                    let ident = idents.claim("body", "_");
                    fields.push(Field {
                        name: "body".into(),
                        ident,
                        ty,
                        location: Location::WholeBody,
                        skip_if_none: false,
                        doc: Some("The request body.".into()),
                    });
                }
                let kind = TypeKind::Struct(StructDef {
                    role: Role::Request,
                    fields,
                });
                let hint = NameHint::Root {
                    name: input_name.clone(),
                    primary: true,
                };
                let id = self.types.intern(input_use, kind, None, hint);
                Some(Input {
                    name: input_name,
                    ty: TypeRef::Named(id),
                    body: body_kind,
                })
            }
        };

        let output_name = format!("{type_prefix}Output");
        let output = self.output(operation, &op_pointer, &output_name)?;

        Ok(Endpoint {
            doc: endpoint_doc(operation),
            fn_name,
            type_prefix,
            method,
            path: path.to_owned(),
            auth,
            path_params,
            input,
            output,
            output_name,
            paging: None,
            stream_fn: None,
            pointer: op_pointer,
        })
    }

    fn requires_auth(&self, operation: &Operation) -> bool {
        requires_auth(self.spec, operation)
    }

    fn path_params(
        &mut self,
        path: &str,
        parameters: &[(&Parameter, String)],
        op_pointer: &str,
    ) -> Result<Vec<PathParam>> {
        let mut params = Vec::new();
        let mut idents = UniqueNames::default();
        idents.reserve(["input", "self_"]);
        for name in template_params(path) {
            let declared = parameters.iter().find(|(p, _)| {
                matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name
            });
            let ty = match declared {
                Some((param, at)) => match &param.parameter_data_ref().format {
                    ParameterSchemaOrContent::Schema(schema) => {
                        let schema = self.resolve_schema(schema, &format!("{at}/schema"))?;
                        match &schema.schema_kind {
                            SchemaKind::Type(Type::Integer(_)) => TypeRef::I64,
                            SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
                            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
                            _ => TypeRef::String,
                        }
                    }
                    ParameterSchemaOrContent::Content(_) => TypeRef::String,
                },
                None => {
                    self.warn(
                        op_pointer,
                        format!("path parameter `{{{name}}}` is not declared: taken as a string"),
                    );
                    TypeRef::String
                }
            };
            params.push(PathParam {
                ident: idents.claim(&snake_ident(name, "param"), "_"),
                name: name.to_owned(),
                ty,
            });
        }
        for (param, at) in parameters {
            if let Parameter::Path { parameter_data, .. } = param
                && !params.iter().any(|p| p.name == parameter_data.name)
            {
                self.warn(
                    at,
                    format!(
                        "path parameter `{}` is not in the path: ignored",
                        parameter_data.name
                    ),
                );
            }
        }
        Ok(params)
    }

    /// Chooses the body encoding: multipart when the body holds a file (Xano then
    /// offers only multipart), JSON otherwise.
    fn pick_body(
        &mut self,
        body: &'a RequestBody,
        at: &str,
    ) -> Option<(BodyKind, &'a ReferenceOr<Schema>, String)> {
        let media = |name: &str| {
            body.content
                .get_key_value(name)
                .and_then(|(key, media)| media.schema.as_ref().map(|schema| (key, schema)))
        };
        let schema_at = |key: &str| format!("{}/schema", pointer_join(at, &["content", key]));
        if let Some((key, schema)) = media("application/json") {
            return Some((BodyKind::Json, schema, schema_at(key)));
        }
        if let Some((key, schema)) = media("multipart/form-data") {
            return Some((BodyKind::Multipart, schema, schema_at(key)));
        }
        let (key, media) = body
            .content
            .iter()
            .find(|(_, media)| media.schema.is_some())?;
        let schema = media.schema.as_ref()?;
        if !key.contains("json") {
            self.warn(
                &pointer_join(at, &["content", key]),
                format!("media type `{key}` is sent as JSON"),
            );
        }
        Some((BodyKind::Json, schema, schema_at(key)))
    }

    fn body_fields(
        &mut self,
        schema: &ReferenceOr<Schema>,
        at: &str,
        input_use: UseId,
        idents: &mut UniqueNames,
    ) -> Result<BodyShape> {
        let resolved = self.resolve_schema(schema, at)?;
        let properties = match &resolved.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Some((&object.properties, &object.required)),
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                Some((&any.properties, &any.required))
            }
            _ => None,
        };
        let Some((properties, required)) = properties else {
            let ctx = Ctx {
                role: Role::Request,
                hint: nested_hint(input_use, "body"),
            };
            let (ty, _) = self.schema_ref(schema, at, ctx)?;
            return Ok(BodyShape::Whole(ty));
        };
        let mut fields = Vec::new();
        for (name, property) in properties {
            let prop_at = pointer_join(at, &["properties", name]);
            let ctx = Ctx {
                role: Role::Request,
                hint: nested_hint(input_use, name),
            };
            let (ty, nullable) = self.schema_ref(property, &prop_at, ctx)?;
            let doc = self.property_doc(property, Role::Request);
            // Xano marks every file input nullable, required or not.
            let required = required.contains(name) && (!nullable || ty == TypeRef::File);
            let mut field = request_field(name, ty, required, Location::Body, None, idents);
            field.doc = doc;
            fields.push(field);
        }
        Ok(BodyShape::Fields(fields))
    }

    fn output(
        &mut self,
        operation: &Operation,
        op_pointer: &str,
        output_name: &str,
    ) -> Result<TypeRef> {
        let mut chosen: Option<(&ReferenceOr<Response>, String)> = None;
        let mut codes: Vec<(&StatusCode, &ReferenceOr<Response>)> =
            operation.responses.responses.iter().collect();
        codes.sort_by_key(|(code, _)| match code {
            StatusCode::Code(c) => *c,
            StatusCode::Range(r) => *r * 100,
        });
        for (code, response) in codes {
            let success = match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            };
            if success {
                chosen = Some((
                    response,
                    pointer_join(op_pointer, &["responses", &code.to_string()]),
                ));
                break;
            }
        }
        if chosen.is_none()
            && let Some(default) = &operation.responses.default
        {
            chosen = Some((default, format!("{op_pointer}/responses/default")));
        }
        let Some((response, at)) = chosen else {
            return Ok(TypeRef::Json);
        };
        let response = self.resolve_response(response, &at)?;
        let media = response
            .content
            .get_key_value("application/json")
            .or_else(|| {
                response
                    .content
                    .iter()
                    .find(|(key, _)| key.contains("json"))
            })
            .or_else(|| response.content.first());
        let Some((key, media)) = media else {
            return Ok(TypeRef::Json);
        };
        let Some(schema) = &media.schema else {
            return Ok(TypeRef::Json);
        };
        let at = format!("{}/schema", pointer_join(&at, &["content", key]));
        // A nullable root becomes `Option<…>`: the Output name then belongs to the
        // alias, and the type inside gets its own name.
        let nullable_root = self.resolve_schema(schema, &at)?.schema_data.nullable;
        let hint = if nullable_root {
            NameHint::Root {
                name: format!("{output_name}Data"),
                primary: false,
            }
        } else {
            NameHint::Root {
                name: output_name.to_owned(),
                primary: true,
            }
        };
        let ctx = Ctx {
            role: Role::Response,
            hint,
        };
        let (ty, nullable) = self.schema_ref(schema, &at, ctx)?;
        Ok(if nullable { ty.optional() } else { ty })
    }

    // ---- schemas -------------------------------------------------------------

    /// The type of a schema or a `$ref` to one (`S` is `Schema` or `Box<Schema>`,
    /// as openapiv3 uses both).
    fn schema_ref<S: std::borrow::Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        at: &str,
        ctx: Ctx,
    ) -> Result<(TypeRef, bool)> {
        match schema {
            ReferenceOr::Item(schema) => self.schema(schema.borrow(), at, ctx),
            ReferenceOr::Reference { reference } => self.reference(reference, at, ctx),
        }
    }

    fn reference(&mut self, reference: &str, at: &str, ctx: Ctx) -> Result<(TypeRef, bool)> {
        let name = self.component_schema_name(reference, at)?;
        if self.ref_stack.iter().any(|n| n == name) {
            self.warn(at, format!("recursive `$ref` to `{name}`: typed as JSON"));
            return Ok((TypeRef::Json, false));
        }
        let schema = self.component_schema(name, at)?;
        self.ref_stack.push(name.to_owned());
        // A component is named by its author: that name beats an endpoint's
        // Output/Input name (which then becomes an alias) and property names.
        let ctx = Ctx {
            role: ctx.role,
            hint: NameHint::Root {
                name: match ctx.role {
                    Role::Response => pascal_ident(name, "T", "Type"),
                    // The same component sent in a request is a different type.
                    Role::Request => format!("{}Input", pascal_ident(name, "T", "Type")),
                },
                primary: true,
            },
        };
        let at = pointer(["components", "schemas", name]);
        let result = self.schema_ref(schema, &at, ctx);
        self.ref_stack.pop();
        result
    }

    fn component_schema_name<'r>(&self, reference: &'r str, at: &str) -> Result<&'r str> {
        reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| self.unsupported(&format!("{at}/$ref"), &format!("`$ref: {reference}`: only local `#/components/schemas/…` references are supported")))
    }

    fn component_schema(&self, name: &str, at: &str) -> Result<&'a ReferenceOr<Schema>> {
        self.spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
            .ok_or_else(|| Error::Spec {
                file: self.file.to_owned(),
                pointer: format!("{at}/$ref"),
                message: format!("`$ref` to `#/components/schemas/{name}`, which does not exist"),
            })
    }

    /// Follows `$ref`s to the schema itself (for shape checks that need no type).
    fn resolve_schema(&self, schema: &'a ReferenceOr<Schema>, at: &str) -> Result<&'a Schema> {
        let mut current = schema;
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(schema) => return Ok(schema),
                ReferenceOr::Reference { reference } => {
                    let name = self.component_schema_name(reference, at)?;
                    current = self.component_schema(name, at)?;
                }
            }
        }
        Err(self.unsupported(at, "a `$ref` chain longer than 32 links"))
    }

    fn resolve_parameter(
        &self,
        param: &'a ReferenceOr<Parameter>,
        at: &str,
    ) -> Result<&'a Parameter> {
        resolve_component(param, at, self.file, "parameters", |name| {
            self.spec
                .components
                .as_ref()
                .and_then(|c| c.parameters.get(name))
        })
    }

    fn resolve_request_body(
        &self,
        body: &'a ReferenceOr<RequestBody>,
        at: &str,
    ) -> Result<&'a RequestBody> {
        resolve_component(body, at, self.file, "requestBodies", |name| {
            self.spec
                .components
                .as_ref()
                .and_then(|c| c.request_bodies.get(name))
        })
    }

    fn resolve_response(
        &self,
        response: &'a ReferenceOr<Response>,
        at: &str,
    ) -> Result<&'a Response> {
        resolve_component(response, at, self.file, "responses", |name| {
            self.spec
                .components
                .as_ref()
                .and_then(|c| c.responses.get(name))
        })
    }

    /// The Rust type of a schema, and whether it is nullable.
    fn schema(&mut self, schema: &Schema, at: &str, ctx: Ctx) -> Result<(TypeRef, bool)> {
        let nullable = schema.schema_data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let binary = matches!(
                    string.format,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
                );
                let values: Vec<&str> = string
                    .enumeration
                    .iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                if binary {
                    match ctx.role {
                        Role::Request => TypeRef::File,
                        Role::Response => TypeRef::String,
                    }
                } else if !values.is_empty() {
                    self.enumeration(&values, schema, ctx)
                } else {
                    TypeRef::String
                }
            }
            SchemaKind::Type(Type::Integer(_)) => TypeRef::I64,
            SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Object(object)) => {
                if object.properties.is_empty() {
                    TypeRef::Json
                } else {
                    self.object(&object.properties, &object.required, schema, at, ctx)?
                }
            }
            SchemaKind::Type(Type::Array(array)) => self.array(array.items.as_ref(), at, ctx)?,
            SchemaKind::Any(any) => {
                if !any.properties.is_empty() {
                    self.object(&any.properties, &any.required, schema, at, ctx)?
                } else if any.items.is_some() {
                    self.array(any.items.as_ref(), at, ctx)?
                } else {
                    if any.typ.is_some()
                        || !any.one_of.is_empty()
                        || !any.any_of.is_empty()
                        || !any.all_of.is_empty()
                    {
                        self.warn(
                            at,
                            "a schema mixing keywords of several types: typed as JSON",
                        );
                    }
                    TypeRef::Json
                }
            }
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. } => {
                self.warn(
                    at,
                    "oneOf/anyOf/allOf/not are not generated as types: typed as JSON",
                );
                TypeRef::Json
            }
        };
        Ok((ty, nullable))
    }

    fn array(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        at: &str,
        ctx: Ctx,
    ) -> Result<TypeRef> {
        let Some(items) = items else {
            return Ok(TypeRef::Vec(Box::new(TypeRef::Json)));
        };
        let item_hint = match ctx.hint {
            NameHint::Root { name, .. } => NameHint::Root {
                name: format!("{name}Item"),
                primary: false,
            },
            NameHint::Nested { parent, short } => NameHint::Nested {
                parent,
                short: singular_pascal(&short),
            },
        };
        let ctx = Ctx {
            role: ctx.role,
            hint: item_hint,
        };
        let (item, nullable) = self.schema_ref(items, &format!("{at}/items"), ctx)?;
        let item = if nullable { item.optional() } else { item };
        Ok(TypeRef::Vec(Box::new(item)))
    }

    fn object(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        schema: &Schema,
        at: &str,
        ctx: Ctx,
    ) -> Result<TypeRef> {
        if ctx.role == Role::Response
            && is_paging_envelope(properties)
            && let Some(items) = properties.get("items")
        {
            let items_at = pointer_join(at, &["properties", "items"]);
            let (items, _) = self.schema_ref(items, &items_at, ctx.clone())?;
            if let TypeRef::Vec(item) = items {
                return Ok(TypeRef::Page(item));
            }
        }
        let this = self.types.begin_use();
        let mut idents = UniqueNames::default();
        if ctx.role == Role::Response {
            // The catch-all for fields the spec does not list.
            idents.reserve(["extra"]);
        }
        let mut fields = Vec::with_capacity(properties.len());
        for (name, property) in properties {
            let prop_at = pointer_join(at, &["properties", name]);
            let child = Ctx {
                role: ctx.role,
                hint: nested_hint(this, name),
            };
            let (mut ty, nullable) = self.schema_ref(property, &prop_at, child)?;
            if ctx.role == Role::Request && ty.holds_file() {
                // Only top-level body fields become multipart file parts; a nested
                // object is sent as JSON text, where a file cannot go.
                self.warn(
                    &prop_at,
                    "a file inside a nested object cannot be uploaded: typed as a string",
                );
                ty = ty.without_files();
            }
            let doc = self.property_doc(property, ctx.role);
            let field = match ctx.role {
                Role::Response => {
                    let ident = idents.claim(&snake_ident(name, "field"), "_");
                    Field {
                        name: name.clone(),
                        ident,
                        ty: ty.optional(),
                        location: Location::Body,
                        skip_if_none: false,
                        doc,
                    }
                }
                Role::Request => {
                    let mut field = request_field(
                        name,
                        ty,
                        required.contains(name) && !nullable,
                        Location::Body,
                        None,
                        &mut idents,
                    );
                    field.doc = doc;
                    field
                }
            };
            fields.push(field);
        }
        let kind = TypeKind::Struct(StructDef {
            role: ctx.role,
            fields,
        });
        let doc = schema
            .schema_data
            .description
            .as_deref()
            .map(plain_text)
            .filter(|d| !d.is_empty());
        Ok(TypeRef::Named(self.types.intern(this, kind, doc, ctx.hint)))
    }

    fn enumeration(&mut self, values: &[&str], schema: &Schema, ctx: Ctx) -> TypeRef {
        let mut idents = UniqueNames::default();
        // `Other(String)` carries unknown values.
        idents.reserve(["Other"]);
        let mut seen = HashSet::new();
        let variants = values
            .iter()
            .filter(|value| seen.insert(**value))
            .map(|value| Variant {
                ident: idents.claim(&pascal_ident(value, "V", "Empty"), ""),
                value: (*value).to_owned(),
            })
            .collect();
        let this = self.types.begin_use();
        let doc = schema
            .schema_data
            .description
            .as_deref()
            .map(plain_text)
            .filter(|d| !d.is_empty());
        TypeRef::Named(
            self.types
                .intern(this, TypeKind::Enum(EnumDef { variants }), doc, ctx.hint),
        )
    }

    /// A field's rustdoc: its description, plus what Xano's types mean.
    fn property_doc(&self, property: &ReferenceOr<Box<Schema>>, role: Role) -> Option<String> {
        let ReferenceOr::Item(schema) = property else {
            return None;
        };
        let data = &schema.schema_data;
        let mut parts = Vec::new();
        if let Some(description) = data
            .description
            .as_deref()
            .map(plain_text)
            .filter(|d| !d.is_empty())
        {
            parts.push(description);
        }
        if data.extensions.get(XANO_FORMAT).and_then(|v| v.as_str()) == Some("timestamptz") {
            parts.push("Unix time in milliseconds.".to_owned());
        }
        if role == Role::Request
            && let Some(default) = &data.default
        {
            let shown = match default {
                serde_json::Value::String(s) if s.is_empty() => None,
                serde_json::Value::String(s) => Some(format!("`{}`", s.replace('`', "'"))),
                other => Some(format!("`{other}`")),
            };
            if let Some(shown) = shown {
                parts.push(format!("Xano default: {shown}."));
            }
        }
        (!parts.is_empty()).then(|| parts.join("\n\n"))
    }
}

/// Xano's paging envelope: `items` plus the paging counters, and nothing else.
fn is_paging_envelope(properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>) -> bool {
    const ENVELOPE: [&str; 9] = [
        "itemsReceived",
        "curPage",
        "nextPage",
        "prevPage",
        "offset",
        "perPage",
        "itemsTotal",
        "pageTotal",
        "items",
    ];
    ["items", "curPage", "nextPage"]
        .iter()
        .all(|key| properties.contains_key(*key))
        && properties
            .keys()
            .all(|key| ENVELOPE.contains(&key.as_str()))
}

/// The streams of an endpoint that returns a page and takes an integer `page`.
fn paging(endpoint: &Endpoint, types: &TypeSpace, fn_names: &mut UniqueNames) -> Option<Paging> {
    if !matches!(endpoint.output, TypeRef::Page(_)) {
        return None;
    }
    let TypeRef::Named(input) = &endpoint.input.as_ref()?.ty else {
        return None;
    };
    let TypeKind::Struct(def) = &types.get(*input).kind else {
        return None;
    };
    let page = def.fields.iter().find(|f| {
        f.name == "page"
            && matches!(f.location, Location::Query | Location::Body)
            && (f.ty == TypeRef::I64 || f.ty == TypeRef::I64.optional())
    })?;
    Some(Paging {
        pages_fn: fn_names.claim(&format!("{}_pages", endpoint.fn_name), "_"),
        items_fn: fn_names.claim(&format!("{}_items", endpoint.fn_name), "_"),
        page_field: page.ident.clone(),
        page_optional: matches!(page.ty, TypeRef::Option(_)),
        other_fields: def.fields.len() > 1,
    })
}

enum BodyShape {
    /// An object body: its properties become Input fields.
    Fields(Vec<Field>),
    /// Any other body: sent whole.
    Whole(TypeRef),
}

fn nested_hint(parent: UseId, property: &str) -> NameHint {
    NameHint::Nested {
        parent,
        short: pascal_ident(property, "T", "Value"),
    }
}

/// An input field: required ones are plain, optional ones `Option` and left out of
/// the request when `None`.
fn request_field(
    name: &str,
    ty: TypeRef,
    required: bool,
    location: Location,
    description: Option<&str>,
    idents: &mut UniqueNames,
) -> Field {
    let ident = idents.claim(&snake_ident(name, "field"), "_");
    let optional = !required || matches!(ty, TypeRef::Option(_));
    Field {
        name: name.to_owned(),
        ident,
        ty: if optional { ty.optional() } else { ty },
        location,
        skip_if_none: !required,
        doc: description.map(plain_text).filter(|d| !d.is_empty()),
    }
}

fn resolve_component<'a, T>(
    item: &'a ReferenceOr<T>,
    at: &str,
    file: &str,
    section: &str,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Result<&'a T> {
    let mut current = item;
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => {
                let prefix = format!("#/components/{section}/");
                let found = reference.strip_prefix(&prefix).and_then(&lookup);
                current = found.ok_or_else(|| Error::Spec {
                    file: file.to_owned(),
                    pointer: format!("{at}/$ref"),
                    message: format!("`$ref` to `{reference}`, which does not exist"),
                })?;
            }
        }
    }
    Err(Error::Unsupported {
        file: file.to_owned(),
        pointer: at.to_owned(),
        message: "a `$ref` chain longer than 32 links".into(),
    })
}

fn pointer_join(base: &str, tokens: &[&str]) -> String {
    let mut out = base.to_owned();
    out.push_str(&pointer(tokens));
    out
}

/// `{name}` placeholders of a path template, in order.
fn template_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// The endpoint's rustdoc paragraphs: the summary, then whatever the description
/// adds, without Xano's "Authentication: required" trailer (the generated doc says
/// that itself).
fn endpoint_doc(operation: &Operation) -> Vec<String> {
    let summary = operation
        .summary
        .as_deref()
        .map(plain_text)
        .unwrap_or_default();
    let description = operation
        .description
        .as_deref()
        .map(plain_text)
        .unwrap_or_default();
    let description = strip_auth_trailer(&description);
    let mut paragraphs: Vec<String> = Vec::new();
    for text in [summary.as_str(), description] {
        for paragraph in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
            if !paragraphs.iter().any(|p| p == paragraph) {
                paragraphs.push(paragraph.to_owned());
            }
        }
    }
    paragraphs
}

fn strip_auth_trailer(text: &str) -> &str {
    match text.rfind("Authentication:") {
        Some(at) => text[..at].trim_end(),
        None => text,
    }
}

/// Text without HTML: `<br>` becomes a line break, other tags go, the common
/// entities are decoded, and characters rustdoc would misread are escaped.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        match rest[start..].find('>') {
            Some(end) => {
                let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
                if tag.starts_with("br") || tag.starts_with("/p") || tag == "p" {
                    out.push('\n');
                }
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let lines: Vec<String> = decoded
        .lines()
        .map(|line| {
            line.trim()
                .replace('\t', " ")
                .replace("```", "'''")
                .replace('[', "\\[")
                .replace(']', "\\]")
                .replace('<', "\\<")
                .replace('>', "\\>")
        })
        .collect();
    // Collapse runs of blank lines left by `<br /><br />`.
    let mut text = String::new();
    for line in lines {
        if line.is_empty() && (text.is_empty() || text.ends_with("\n\n")) {
            continue;
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        if line.is_empty() {
            text.push('\n');
        } else {
            text.push_str(&line);
        }
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_stripped_from_docs() {
        assert_eq!(
            plain_text("Login and get a token\n<br /><br />\n<b>Authentication:</b> not required"),
            "Login and get a token\n\nAuthentication: not required"
        );
        assert_eq!(plain_text("a &amp; b [x] <3"), "a & b \\[x\\] \\<3");
        assert_eq!(
            plain_text("    indented\n```rust\ncode"),
            "indented\n'''rust\ncode"
        );
    }

    #[test]
    fn template_params_in_order() {
        assert_eq!(template_params("/a/{x}/b/{y_id}/"), ["x", "y_id"]);
    }
}
