//! Endpoints: names, path parameters, the Input (query, header and body fields,
//! and how the body is encoded), the Output, and the paging streams.

use super::docs::plain_text;
use super::naming::{Candidate, UniqueNames, pascal_ident, resolve_collisions, snake_ident};
use super::types::{
    Field, Location, NameHint, Role, StructDef, TypeKind, TypeRef, TypeSpace, UseId,
};
use super::{
    BodyKind, Builder, Ctx, Endpoint, HttpMethod, Input, Paging, PathParam, nested_hint,
    pointer_join, request_field,
};
use crate::error::{Result, pointer};
use openapiv3::{
    Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, Schema,
    SchemaKind, StatusCode, Type,
};

impl<'a> Builder<'a> {
    pub(super) fn endpoint(
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
                super::schemas::secret_by_name(&data.name, ty),
                data.required,
                nullable,
                location,
                data.description.as_deref(),
            ));
        }

        let mut body_kind = BodyKind::None;
        let mut media_type = None;
        let mut whole_body = None;
        if let Some(body) = &operation.request_body {
            let at = format!("{op_pointer}/requestBody");
            let body = self.resolve_request_body(body, &at)?;
            if let Some((kind, media, schema, schema_at)) = self.pick_body(body, &at) {
                match kind {
                    BodyKind::Text | BodyKind::Bytes => {
                        // The body is the input itself, whatever the schema says.
                        body_kind = kind;
                        media_type = Some(media.to_owned());
                        let ty = if kind == BodyKind::Text {
                            TypeRef::String
                        } else {
                            TypeRef::Bytes
                        };
                        let what = if kind == BodyKind::Text {
                            "text"
                        } else {
                            "bytes"
                        };
                        fields.push(Field {
                            name: "body".into(),
                            ident: "body".into(),
                            ty,
                            location: Location::WholeBody,
                            skip_if_none: false,
                            doc: Some(format!("The request body: {what} sent as `{media}`.")),
                        });
                    }
                    _ => match self.body_fields(schema, &schema_at, input_use)? {
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
                    },
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
                media_type,
            }),
            _ if fields.is_empty() => None,
            whole => {
                if let Some(ty) = whole {
                    fields.push(Field {
                        name: "body".into(),
                        ident: "body".into(),
                        ty,
                        location: Location::WholeBody,
                        skip_if_none: false,
                        doc: Some("The request body.".into()),
                    });
                }
                super::settle_idents(&mut fields, &[]);
                let kind = TypeKind::Struct(StructDef {
                    role: Role::Request,
                    fields,
                });
                let hint = NameHint::Shared {
                    segments: literal_segments(path),
                    fallback: input_name.clone(),
                    suffix: "Input",
                };
                let id = self.types.intern(input_use, kind, None, hint);
                Some(Input {
                    name: input_name,
                    ty: TypeRef::Named(id),
                    body: body_kind,
                    media_type,
                })
            }
        };

        let output_name = format!("{type_prefix}Output");
        let output = self.output(operation, &op_pointer, &output_name)?;
        // An output several endpoints return is named for the path they share.
        if let TypeRef::Named(id) = &output
            && matches!(self.types.get(*id).kind, TypeKind::Struct(_))
        {
            self.types.add_hint(
                *id,
                NameHint::Shared {
                    segments: literal_segments(path),
                    fallback: output_name.clone(),
                    suffix: "Output",
                },
            );
        }
        if let Some((entity, weight)) = entity_of(method, path, &output) {
            let item = match &output {
                TypeRef::Page(item) | TypeRef::Vec(item) => item.as_ref(),
                other => other,
            };
            let item = match item {
                TypeRef::Option(inner) => inner.as_ref(),
                other => other,
            };
            if let TypeRef::Named(id) = item
                && matches!(self.types.get(*id).kind, TypeKind::Struct(_))
            {
                self.types.add_hint(
                    *id,
                    NameHint::Entity {
                        name: entity,
                        weight,
                    },
                );
            }
        }

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
        super::requires_auth(self.spec, operation)
    }

    fn path_params(
        &mut self,
        path: &str,
        parameters: &[(&Parameter, String)],
        op_pointer: &str,
    ) -> Result<Vec<PathParam>> {
        let mut params = Vec::new();
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
                ident: snake_ident(name, "param"),
                name: name.to_owned(),
                ty,
            });
        }
        let candidates: Vec<Candidate> = params
            .iter()
            .map(|p| Candidate::of(&p.name, p.ident.clone(), p.name.clone()))
            .collect();
        let idents = resolve_collisions(&candidates, &["input", "self_"], "_");
        for (param, ident) in params.iter_mut().zip(idents) {
            param.ident = ident;
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

    /// Chooses the body encoding among the media types the spec offers: JSON
    /// (typed fields), then multipart (Xano offers only multipart when a file
    /// input exists), a form, text, and raw bytes, in that order.
    fn pick_body(
        &mut self,
        body: &'a RequestBody,
        at: &str,
    ) -> Option<(BodyKind, &'a str, &'a ReferenceOr<Schema>, String)> {
        let kind_of = |media: &str| {
            let essence = media
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            if essence == "application/json" || essence.ends_with("+json") {
                BodyKind::Json
            } else if essence == "multipart/form-data" {
                BodyKind::Multipart
            } else if essence == "application/x-www-form-urlencoded" {
                BodyKind::Form
            } else if essence.starts_with("text/")
                || essence.ends_with("+xml")
                || essence == "application/xml"
            {
                BodyKind::Text
            } else {
                BodyKind::Bytes
            }
        };
        let rank = |kind: BodyKind| match kind {
            BodyKind::Json => 0,
            BodyKind::Multipart => 1,
            BodyKind::Form => 2,
            BodyKind::Text => 3,
            BodyKind::Bytes | BodyKind::None => 4,
        };
        let (media, content) = body
            .content
            .iter()
            .filter(|(media, content)| {
                content.schema.is_some()
                    || matches!(kind_of(media), BodyKind::Text | BodyKind::Bytes)
            })
            .min_by_key(|(media, _)| rank(kind_of(media)))?;
        let kind = kind_of(media);
        let media_at = pointer_join(at, &["content", media]);
        let schema = match &content.schema {
            Some(schema) => schema,
            // Text and bytes need no schema; any stands in.
            None => body.content.values().find_map(|c| c.schema.as_ref())?,
        };
        Some((kind, media.as_str(), schema, format!("{media_at}/schema")))
    }

    fn body_fields(
        &mut self,
        schema: &ReferenceOr<Schema>,
        at: &str,
        input_use: UseId,
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
        // Read in name order (nested types are met the same way whatever the
        // spec's key order), kept in the spec's order.
        let mut fields = Vec::new();
        for (index, name, property) in super::by_name(properties) {
            let prop_at = pointer_join(at, &["properties", name]);
            let ctx = Ctx {
                role: Role::Request,
                hint: nested_hint(input_use, name),
            };
            let (ty, nullable) = self.schema_ref(property, &prop_at, ctx)?;
            let ty = super::schemas::secret_by_name(name, ty);
            let doc = self.property_doc(property, Role::Request);
            // Xano marks every file input nullable, required or not.
            let file = ty == TypeRef::File;
            let required = required.contains(name);
            let nullable = nullable && !file;
            let mut field = request_field(name, ty, required, nullable, Location::Body, None);
            field.doc = doc;
            fields.push((index, field));
        }
        fields.sort_by_key(|(index, _)| *index);
        Ok(BodyShape::Fields(
            fields.into_iter().map(|(_, field)| field).collect(),
        ))
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
}

/// The literal (non-parameter) segments of a path, snake_cased.
fn literal_segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .map(super::naming::ascii_snake)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The entity an endpoint's output is, by its path, and how sure that is:
/// `GET /books/{book_id}` and a list from `GET /books` are `Book` (3); what
/// `POST /books` returns is likely `Book` (2); `GET /auth/me` is Xano's `User`
/// record (3). Action endpoints (`/auth/login`, `/chat`) name nothing.
fn entity_of(method: HttpMethod, path: &str, output: &TypeRef) -> Option<(String, u8)> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let last = *segments.last()?;
    if last.starts_with('{') {
        let resource = segments.iter().rev().find(|s| !s.starts_with('{'))?;
        return Some((super::naming::singular_word(resource)?, 3));
    }
    let resource = super::naming::ascii_snake(last);
    if resource == "me" {
        return Some(("User".into(), 3));
    }
    let list = matches!(output, TypeRef::Page(_) | TypeRef::Vec(_));
    let plural = |segment: &str| {
        let snake = super::naming::ascii_snake(segment);
        super::naming::singular_word(segment)
            .filter(|singular| super::naming::ascii_snake(singular) != snake)
    };
    match method {
        // A list names its items by the last plural word of the path:
        // `/books` → `Book`, `/agents/all` → `Agent`.
        HttpMethod::Get if list => segments
            .iter()
            .rev()
            .take_while(|s| !s.starts_with('{'))
            .find_map(|s| plural(s))
            .map(|name| (name, 3)),
        HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch if !list => {
            plural(last).map(|name| (name, 2))
        }
        _ => None,
    }
}

/// The streams of an endpoint that returns a page and takes an integer `page`.
pub(super) fn paging(
    endpoint: &Endpoint,
    types: &TypeSpace,
    fn_names: &mut UniqueNames,
) -> Option<Paging> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_params_in_order() {
        assert_eq!(template_params("/a/{x}/b/{y_id}/"), ["x", "y_id"]);
    }
}
