//! Schemas: the Rust type of every schema, `$ref`s resolved, objects and enums
//! interned in the type space, paging envelopes recognised.

use super::docs::plain_text;
use super::naming::{
    Candidate, UniqueNames, pascal_ident, resolve_collisions, singular_pascal, snake_ident,
};
use super::types::{
    EnumDef, Field, Location, NameHint, Role, StructDef, TypeKind, TypeRef, Variant,
};
use super::{Builder, Ctx, nested_hint, pointer_join, request_field};
use crate::error::{Error, Result, pointer};
use crate::normalize::XANO_FORMAT;
use openapiv3::{
    Parameter, ReferenceOr, RequestBody, Response, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::HashSet;

impl<'a> Builder<'a> {
    /// as openapiv3 uses both).
    pub(super) fn schema_ref<S: std::borrow::Borrow<Schema>>(
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

    pub(super) fn reference(
        &mut self,
        reference: &str,
        at: &str,
        ctx: Ctx,
    ) -> Result<(TypeRef, bool)> {
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
            hint: NameHint::Component {
                name: match ctx.role {
                    Role::Response => pascal_ident(name, "T", "Type"),
                    // The same component sent in a request is a different type.
                    Role::Request => format!("{}Input", pascal_ident(name, "T", "Type")),
                },
            },
        };
        let at = pointer(["components", "schemas", name]);
        let result = self.schema_ref(schema, &at, ctx);
        self.ref_stack.pop();
        result
    }

    pub(super) fn component_schema_name<'r>(
        &self,
        reference: &'r str,
        at: &str,
    ) -> Result<&'r str> {
        reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| self.unsupported(&format!("{at}/$ref"), &format!("`$ref: {reference}`: only local `#/components/schemas/…` references are supported")))
    }

    pub(super) fn component_schema(&self, name: &str, at: &str) -> Result<&'a ReferenceOr<Schema>> {
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
    pub(super) fn resolve_schema(
        &self,
        schema: &'a ReferenceOr<Schema>,
        at: &str,
    ) -> Result<&'a Schema> {
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

    pub(super) fn resolve_parameter(
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

    pub(super) fn resolve_request_body(
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

    pub(super) fn resolve_response(
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
    pub(super) fn schema(
        &mut self,
        schema: &Schema,
        at: &str,
        ctx: Ctx,
    ) -> Result<(TypeRef, bool)> {
        let nullable = schema.schema_data.nullable;
        // Xano's `timestamptz` (epoch milliseconds or text; `normalize` keeps the
        // format in an extension).
        let xano_format = schema.schema_data.extensions.get(XANO_FORMAT);
        if xano_format.and_then(|f| f.as_str()) == Some("timestamptz") {
            return Ok((TypeRef::Timestamp, nullable));
        }
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
                let password = matches!(
                    string.format,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Password)
                );
                if binary {
                    match ctx.role {
                        Role::Request => TypeRef::File,
                        Role::Response => TypeRef::String,
                    }
                } else if password && values.is_empty() {
                    TypeRef::Secret
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
                    const TYPES: [&str; 6] =
                        ["string", "number", "integer", "boolean", "array", "object"];
                    if let Some(typ) = any.typ.as_deref().filter(|t| !TYPES.contains(t)) {
                        let near = TYPES
                            .iter()
                            .find(|known| {
                                crate::edit_distance(known, &typ.to_ascii_lowercase()) <= 2
                            })
                            .map(|known| format!(" (did you mean `{known}`?)"))
                            .unwrap_or_default();
                        self.warn(
                            at,
                            format!(
                                "`type` is `{typ}`, which is not an OpenAPI type{near}: typed as JSON"
                            ),
                        );
                    } else if any.typ.is_some()
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

    pub(super) fn array(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        at: &str,
        ctx: Ctx,
    ) -> Result<TypeRef> {
        let Some(items) = items else {
            return Ok(TypeRef::Vec(Box::new(TypeRef::Json)));
        };
        let item_hint = match ctx.hint {
            NameHint::Root { name, .. } | NameHint::Component { name } => NameHint::Root {
                name: format!("{name}Item"),
                primary: false,
            },
            NameHint::Shared { fallback, .. } => NameHint::Root {
                name: format!("{fallback}Item"),
                primary: false,
            },
            NameHint::Entity { name, .. } => NameHint::Root {
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

    pub(super) fn object(
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
        // Properties are read in name order, so that the nested types are met (and
        // named) in the same order however the spec orders its keys; the fields
        // keep the spec's order.
        let mut fields = Vec::with_capacity(properties.len());
        for (index, name, property) in super::by_name(properties) {
            let prop_at = pointer_join(at, &["properties", name]);
            let child = Ctx {
                role: ctx.role,
                hint: nested_hint(this, name),
            };
            let (ty, nullable) = self.schema_ref(property, &prop_at, child)?;
            let mut ty = secret_by_name(name, ty);
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
                Role::Response => Field {
                    name: name.clone(),
                    ident: snake_ident(name, "field"),
                    ty: ty.optional(),
                    location: Location::Body,
                    skip_if_none: false,
                    doc,
                },
                Role::Request => {
                    let mut field = request_field(
                        name,
                        ty,
                        required.contains(name),
                        nullable,
                        Location::Body,
                        None,
                    );
                    field.doc = doc;
                    field
                }
            };
            fields.push((index, field));
        }
        fields.sort_by_key(|(index, _)| *index);
        let mut fields: Vec<Field> = fields.into_iter().map(|(_, field)| field).collect();
        // The catch-all for fields the spec does not list.
        let reserved: &[&str] = match ctx.role {
            Role::Response => &["extra"],
            Role::Request => &[],
        };
        super::settle_idents(&mut fields, reserved);
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

    pub(super) fn enumeration(&mut self, values: &[&str], schema: &Schema, ctx: Ctx) -> TypeRef {
        let mut seen = HashSet::new();
        let values: Vec<&str> = values
            .iter()
            .copied()
            .filter(|value| seen.insert(*value))
            .collect();
        let candidates: Vec<Candidate> = values
            .iter()
            .map(|value| Candidate::of(value, pascal_ident(value, "V", "Empty"), *value))
            .collect();
        let idents = resolve_collisions(&candidates, &[], "");
        // The catch-all takes a name no known value has: `Other`, unless a value
        // is itself `other`.
        let catch_all = ["Other", "Unknown", "Unrecognized", "OtherValue"]
            .into_iter()
            .find(|name| !idents.iter().any(|ident| ident == name))
            .map_or_else(
                || {
                    let mut names = UniqueNames::default();
                    names.reserve(idents.iter().map(String::as_str));
                    names.claim("Other", "")
                },
                str::to_owned,
            );
        let variants: Vec<Variant> = values
            .iter()
            .zip(idents)
            .map(|(value, ident)| Variant {
                ident,
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
        TypeRef::Named(self.types.intern(
            this,
            TypeKind::Enum(EnumDef {
                variants,
                catch_all,
            }),
            doc,
            ctx.hint,
        ))
    }

    /// A field's rustdoc: its description, plus what Xano's types mean.
    pub(super) fn property_doc(
        &self,
        property: &ReferenceOr<Box<Schema>>,
        role: Role,
    ) -> Option<String> {
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

/// A string named like a credential (`authToken`, `refresh_token`, `api_key`)
/// is a [`TypeRef::Secret`].
pub(super) fn secret_by_name(name: &str, ty: TypeRef) -> TypeRef {
    if !super::naming::is_secret_name(name) {
        return ty;
    }
    match ty {
        TypeRef::String => TypeRef::Secret,
        TypeRef::Option(inner) if *inner == TypeRef::String => TypeRef::Secret.optional(),
        other => other,
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
