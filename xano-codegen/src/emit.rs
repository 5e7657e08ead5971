//! Stage 5 — emit: the IR becomes Rust tokens.
//!
//! No decisions are made here beyond spelling: every name, type and encoding was
//! chosen by `model`. The output is identical for the CLI, build.rs and the macro.

use crate::model::naming::serde_name;
use crate::model::{
    ApiGroup, BodyKind, Endpoint, EnumDef, Field, HttpMethod, Location, Role, StructDef, TypeDef,
    TypeKind, TypeRef, TypeSpace,
};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

/// The whole module of one API group: `pub mod <group> { … }`.
pub fn group_module(group: &ApiGroup) -> TokenStream {
    let module = ident(&group.module);
    let body = group_items(group);
    let allow = module_attribute();
    quote! {
        #allow
        pub mod #module {
            #body
        }
    }
}

/// The attribute on every group module, as `write` prints it: a binary crate calls
/// some endpoints, not all, and must not get a dead-code warning for the rest
/// (the macro's output never gets one, so the three modes agree).
pub const MODULE_ATTRIBUTE: &str =
    "#[allow(dead_code, reason = \"an app calls only the endpoints it needs\")]";

/// [`MODULE_ATTRIBUTE`] as tokens.
pub fn module_attribute() -> TokenStream {
    MODULE_ATTRIBUTE
        .parse()
        .expect("MODULE_ATTRIBUTE is a valid attribute")
}

/// The items of one API group's module (a file's content in directory mode).
pub fn group_items(group: &ApiGroup) -> TokenStream {
    let layout = Layout::new(group);
    let head = head(group);
    let client_impl = client_impl(group, 0..group.endpoints.len(), true);
    let items = layout.items(group, 0..layout.item_count());
    quote! {
        #head
        #client_impl
        #items
    }
}

/// The order of a group module's type items (definitions and Input/Output aliases,
/// sorted by name so checked-in diffs stay small), computed once so that parts of
/// the module can be emitted separately: `write` formats them on several threads.
#[derive(Debug, Clone)]
pub struct Layout {
    items: Vec<TypeItem>,
}

/// One type item of a group module.
#[derive(Debug, Clone, Copy)]
enum TypeItem {
    /// `group.types.defs()[i]`.
    Def(usize),
    /// The Output alias of `group.endpoints[i]`.
    OutputAlias(usize),
    /// The Input alias of `group.endpoints[i]`.
    InputAlias(usize),
}

impl Layout {
    /// Orders `group`'s type items.
    pub fn new(group: &ApiGroup) -> Self {
        let types = &group.types;
        let mut named: Vec<(&str, TypeItem)> = types
            .defs()
            .iter()
            .enumerate()
            .filter(|(_, def)| def.replaced_by.is_none())
            .map(|(i, def)| (def.name.as_str(), TypeItem::Def(i)))
            .collect();
        for (i, endpoint) in group.endpoints.iter().enumerate() {
            if needs_alias(&endpoint.output_name, &endpoint.output, types) {
                named.push((&endpoint.output_name, TypeItem::OutputAlias(i)));
            }
            if let Some(input) = &endpoint.input
                && needs_alias(&input.name, &input.ty, types)
            {
                named.push((&input.name, TypeItem::InputAlias(i)));
            }
        }
        // Stable: equal names keep definition order, as before the split.
        named.sort_by(|a, b| a.0.cmp(b.0));
        Layout {
            items: named.into_iter().map(|(_, item)| item).collect(),
        }
    }

    /// How many type items the module has.
    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// The type items in `range`, in module order.
    pub fn items(&self, group: &ApiGroup, range: std::ops::Range<usize>) -> TokenStream {
        let defs = group.types.defs();
        let items = self.items[range].iter().map(|item| match *item {
            TypeItem::Def(i) => type_def(&defs[i], &group.types),
            TypeItem::OutputAlias(i) => {
                let endpoint = &group.endpoints[i];
                alias(
                    &endpoint.output_name,
                    &endpoint.output,
                    &group.types,
                    endpoint,
                    "Output",
                )
            }
            TypeItem::InputAlias(i) => {
                let endpoint = &group.endpoints[i];
                match &endpoint.input {
                    Some(input) => alias(&input.name, &input.ty, &group.types, endpoint, "Input"),
                    None => quote!(),
                }
            }
        });
        quote!(#(#items)*)
    }
}

/// What comes before the client's methods: the module doc, the serde import, the
/// constants and the `Client` struct.
pub fn head(group: &ApiGroup) -> TokenStream {
    let mut module_doc = format!("The `{}` API group.", group.title);
    if let Some(description) = &group.description {
        module_doc.push_str("\n\n");
        module_doc.push_str(description);
    }
    let module_doc = inner_doc(&module_doc);

    let defs: Vec<&TypeDef> = group
        .types
        .defs()
        .iter()
        .filter(|def| def.replaced_by.is_none())
        .collect();
    let needs_serialize = defs.iter().any(|def| derives_serialize(def));
    let needs_deserialize = defs.iter().any(|def| match &def.kind {
        TypeKind::Struct(s) => s.role == Role::Response,
        TypeKind::Enum(_) => true,
    });
    let needs_deserializer = defs
        .iter()
        .any(|def| matches!(&def.kind, TypeKind::Struct(s) if s.role == Role::Response));
    let mut serde_names = Vec::new();
    if needs_deserialize {
        serde_names.push(quote!(Deserialize));
    }
    if needs_deserializer {
        serde_names.push(quote!(Deserializer));
    }
    if needs_serialize {
        serde_names.push(quote!(Serialize));
    }
    let serde_use = match serde_names.len() {
        0 => quote!(),
        1 => quote!(use xano_runtime::serde::#(#serde_names)*;),
        _ => quote!(use xano_runtime::serde::{#(#serde_names),*};),
    };

    let base_path = &group.base_path;
    let base_doc = doc(&format!(
        "The path of the `{}` API group on its Xano instance.",
        group.title
    ));
    let origin = group.origin.as_ref().map(|origin| {
        let origin_doc = doc(
            "The instance origin the spec was published from: pass it (or your custom \
             domain) to `xano_runtime::Client::builder`.",
        );
        quote! {
            #origin_doc
            pub const ORIGIN: &str = #origin;
        }
    });
    let client_doc = doc(&format!(
        "Typed calls to the `{}` API group: one async method per endpoint.",
        group.title
    ));
    quote! {
        #module_doc
        #serde_use

        #base_doc
        pub const API_GROUP: &str = #base_path;
        #origin

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            client: xano_runtime::Client,
        }
    }
}

/// `impl Client { … }` with the methods of `endpoints` (a range of
/// `group.endpoints`), led by `Client::new` when `with_constructor`.
pub fn client_impl(
    group: &ApiGroup,
    endpoints: std::ops::Range<usize>,
    with_constructor: bool,
) -> TokenStream {
    let constructor = with_constructor.then(|| {
        quote! {
            /// A client for this API group on `client`'s instance, sharing its
            /// session and settings.
            pub fn new(client: &xano_runtime::Client) -> Self {
                Self {
                    client: client.with_api_group(API_GROUP),
                }
            }
        }
    });
    let methods = group.endpoints[endpoints].iter().map(|e| {
        let call = endpoint_fn(e, &group.types);
        let streams = paging_fns(e, &group.types);
        quote!(#call #streams)
    });
    quote! {
        impl Client {
            #constructor
            #(#methods)*
        }
    }
}

/// Whether an endpoint's Input or Output needs a `pub type` alias: not when the
/// type already carries the name.
fn needs_alias(name: &str, ty: &TypeRef, types: &TypeSpace) -> bool {
    !matches!(ty, TypeRef::Named(id) if types.name(*id) == name && types.get(*id).replaced_by.is_none())
}

/// `pub type <Name> = <type>;`, documented with the endpoint it belongs to.
fn alias(
    name: &str,
    ty: &TypeRef,
    types: &TypeSpace,
    endpoint: &Endpoint,
    what: &str,
) -> TokenStream {
    let alias_doc = doc(&format!(
        "{what} of `{} {}`.",
        endpoint.method.as_str(),
        endpoint.path
    ));
    let alias_ident = ident(name);
    let target = type_tokens(ty, types);
    quote! {
        #alias_doc
        pub type #alias_ident = #target;
    }
}

fn endpoint_fn(endpoint: &Endpoint, types: &TypeSpace) -> TokenStream {
    let mut text = endpoint.doc.join("\n\n");
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "`{} {}` — {}.",
        endpoint.method.as_str(),
        endpoint.path,
        if endpoint.auth {
            "requires authentication"
        } else {
            "public"
        }
    ));
    let fn_doc = doc(&text);
    let fn_name = ident(&endpoint.fn_name);
    let method = format_ident!("{}", endpoint.method.as_str());

    let args: Vec<TokenStream> = endpoint
        .path_params
        .iter()
        .map(|param| {
            let name = ident(&param.ident);
            let ty = match param.ty {
                TypeRef::String => quote!(&str),
                _ => type_tokens(&param.ty, types),
            };
            quote!(#name: #ty)
        })
        .collect();
    let input_arg = endpoint.input.as_ref().map(|input| {
        let ty = ident(&input.name);
        quote!(input: &#ty)
    });
    let output = ident(&endpoint.output_name);

    let mut calls = Vec::new();
    if endpoint.auth {
        calls.push(quote!(.auth()));
    }
    if let Some(input) = &endpoint.input {
        let fields = match &input.ty {
            TypeRef::Named(id) => match &types.get(*id).kind {
                TypeKind::Struct(def) => Some(def),
                TypeKind::Enum(_) => None,
            },
            _ => None,
        };
        match fields {
            Some(def) => calls.extend(input_calls(def, input.body, input.media_type.as_deref())),
            None => match input.body {
                BodyKind::Multipart => calls.push(quote!(.field("body", input))),
                _ => calls.push(quote!(.json(input))),
            },
        }
    }

    let path = &endpoint.path;
    calls.splice(0..0, path_param_calls(endpoint));
    let start = match endpoint.method {
        HttpMethod::Get
        | HttpMethod::Post
        | HttpMethod::Put
        | HttpMethod::Patch
        | HttpMethod::Delete => {
            let verb = format_ident!("{}", endpoint.method.as_str().to_ascii_lowercase());
            quote!(#verb(#path))
        }
        _ => quote!(request(xano_runtime::Method::#method, #path)),
    };
    let stream = endpoint.stream_fn.as_ref().map(|stream_fn| {
        let stream_fn = ident(stream_fn);
        let stream_doc = doc(&format!(
            "`{} {}` as a stream of events, read as they arrive: Server-Sent Events,\nJSON Lines, or the whole body as one event (decode with `Event::json`).",
            endpoint.method.as_str(),
            endpoint.path
        ));
        quote! {
            #stream_doc
            pub async fn #stream_fn(&self, #(#args,)* #input_arg) -> Result<xano_runtime::EventStream, xano_runtime::Error> {
                self.client
                    .#start
                    #(#calls)*
                    .stream()
                    .await
            }
        }
    });
    quote! {
        #fn_doc
        pub async fn #fn_name(&self, #(#args,)* #input_arg) -> Result<#output, xano_runtime::Error> {
            self.client
                .#start
                #(#calls)*
                .send()
                .await
        }

        #stream
    }
}

/// `…_pages` and `…_items` for a paged endpoint: streams that follow `nextPage`.
fn paging_fns(endpoint: &Endpoint, types: &TypeSpace) -> TokenStream {
    let (Some(paging), Some(input), TypeRef::Page(item)) =
        (&endpoint.paging, &endpoint.input, &endpoint.output)
    else {
        return quote!();
    };
    let call = ident(&endpoint.fn_name);
    let pages_fn = ident(&paging.pages_fn);
    let items_fn = ident(&paging.items_fn);
    let input_ty = ident(&input.name);
    let output = ident(&endpoint.output_name);
    let item = type_tokens(item, types);
    let page_field = ident(&paging.page_field);
    let params: Vec<Ident> = endpoint
        .path_params
        .iter()
        .map(|p| ident(&p.ident))
        .collect();
    let param_args: Vec<TokenStream> = endpoint
        .path_params
        .iter()
        .map(|param| {
            let name = ident(&param.ident);
            let ty = match param.ty {
                TypeRef::String => quote!(&'a str),
                _ => type_tokens(&param.ty, types),
            };
            quote!(#name: #ty,)
        })
        .collect();
    let (first, page_init) = match (paging.page_optional, paging.page_field == "page") {
        (true, _) => (quote!(input.#page_field), quote!(#page_field: Some(page))),
        (false, true) => (quote!(Some(input.#page_field)), quote!(page)),
        (false, false) => (quote!(Some(input.#page_field)), quote!(#page_field: page)),
    };
    let rest = paging.other_fields.then(|| quote!(..input.clone()));
    let endpoint_line = format!("`{} {}`", endpoint.method.as_str(), endpoint.path);
    let pages_doc = doc(&format!(
        "Every page of {endpoint_line}: from `input.{}` (or 1), following `nextPage`\nuntil it is null. Pages are fetched as the stream is polled.",
        serde_name(&paging.page_field)
    ));
    let items_doc = doc(&format!(
        "Every item of every page of {endpoint_line}, in order."
    ));
    quote! {
        #pages_doc
        pub fn #pages_fn<'a>(&'a self, #(#param_args)* input: #input_ty) -> xano_runtime::BoxStream<'a, #output> {
            Box::pin(xano_runtime::paging::pages(#first, move |page| {
                let input = #input_ty { #page_init, #rest };
                async move { self.#call(#(#params,)* &input).await }
            }))
        }

        #items_doc
        pub fn #items_fn<'a>(&'a self, #(#param_args)* input: #input_ty) -> xano_runtime::BoxStream<'a, #item> {
            Box::pin(xano_runtime::paging::items(self.#pages_fn(#(#params,)* input)))
        }
    }
}

/// The calls that put an Input struct's fields where they belong.
fn input_calls(def: &StructDef, body: BodyKind, media_type: Option<&str>) -> Vec<TokenStream> {
    let media_type = media_type.unwrap_or("application/octet-stream");
    let mut calls = Vec::new();
    let has_body_fields = def.fields.iter().any(|f| f.location == Location::Body);
    for field in &def.fields {
        let name = &field.name;
        let value = ident(&field.ident);
        match field.location {
            Location::Query => calls.push(quote!(.query(#name, &input.#value))),
            Location::Header => calls.push(quote!(.header(#name, &input.#value))),
            Location::WholeBody => calls.push(match body {
                BodyKind::Multipart => quote!(.field(#name, &input.#value)),
                BodyKind::Text => quote!(.text(#media_type, &input.#value)),
                BodyKind::Bytes => quote!(.bytes(#media_type, &input.#value)),
                _ => quote!(.json(&input.#value)),
            }),
            Location::Body if body == BodyKind::Form => {
                calls.push(quote!(.form(#name, &input.#value)));
            }
            Location::Body if body == BodyKind::Multipart => {
                if field.ty.holds_file() {
                    let part = if is_list(&field.ty) {
                        format!("{name}[]")
                    } else {
                        name.clone()
                    };
                    calls.push(quote!(.file(#part, &input.#value)));
                } else {
                    calls.push(quote!(.field(#name, &input.#value)));
                }
            }
            Location::Body => {}
        }
    }
    if has_body_fields && body == BodyKind::Json {
        calls.push(quote!(.json(input)));
    }
    calls
}

fn is_list(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Vec(_) => true,
        TypeRef::Option(inner) => is_list(inner),
        _ => false,
    }
}

/// `.path_param("user_id", user_id)` for each path parameter: the runtime fills
/// in (and percent-encodes) the route template, which is what logs and errors show.
fn path_param_calls(endpoint: &Endpoint) -> Vec<TokenStream> {
    endpoint
        .path_params
        .iter()
        .map(|param| {
            let name = &param.name;
            let value = ident(&param.ident);
            quote!(.path_param(#name, #value))
        })
        .collect()
}

fn derives_serialize(def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::Struct(s) => !(s.role == Role::Request && s.sent_by_hand()),
        TypeKind::Enum(_) => true,
    }
}

/// The extra derives a type gets (chosen by `model`), as `, Path` tokens.
fn extra_derives(def: &TypeDef) -> Vec<TokenStream> {
    def.derives
        .iter()
        .filter_map(|d| syn::parse_str::<syn::Path>(d).ok())
        .map(|path| quote!(, #path))
        .collect()
}

fn type_def(def: &TypeDef, types: &TypeSpace) -> TokenStream {
    let extra = extra_derives(def);
    match &def.kind {
        TypeKind::Struct(s) => struct_def(def, s, types, &extra),
        TypeKind::Enum(e) => enum_def(def, e, &extra),
    }
}

/// A type's rustdoc: the spec's description, then which endpoints use it.
fn type_doc(def: &TypeDef) -> TokenStream {
    let mut text = String::new();
    if let Some(description) = &def.doc {
        text.push_str(description);
        text.push_str("\n\n");
    }
    let what = match &def.kind {
        TypeKind::Struct(s) if s.role == Role::Request => "Sent to",
        TypeKind::Struct(_) => "Returned by",
        TypeKind::Enum(_) => "Used by",
    };
    text.push_str(&format!("{what} {}.", endpoint_list(&def.used_by)));
    if let TypeKind::Enum(e) = &def.kind {
        text.push_str(&format!(
            " A value the spec does not list arrives as `{}(…)`.",
            e.catch_all
        ));
    }
    doc(&text)
}

/// `` `GET /a` ``, `` `GET /a` and `POST /b` ``, `` `GET /a`, `POST /b` and 4 more ``.
fn endpoint_list(endpoints: &[String]) -> String {
    match endpoints {
        [] => "no endpoint".to_owned(),
        [one] => one.clone(),
        [first, second] => format!("{first} and {second}"),
        [first, second, third] => format!("{first}, {second} and {third}"),
        [first, second, rest @ ..] => format!("{first}, {second} and {} more", rest.len()),
    }
}

fn struct_def(
    def: &TypeDef,
    s: &StructDef,
    types: &TypeSpace,
    extra: &[TokenStream],
) -> TokenStream {
    let name = ident(&def.name);
    let type_doc = type_doc(def);
    let has_body = s
        .fields
        .iter()
        .any(|f| matches!(f.location, Location::Body | Location::WholeBody));
    let serde = derives_serialize(def) || s.role == Role::Response;
    let fields = s
        .fields
        .iter()
        .map(|field| struct_field(field, s.role, has_body, serde, types));
    match s.role {
        Role::Response => {
            // Deserialize is written out over `xano_runtime::Fields` rather than
            // derived: a derived visitor per type made `cargo check` of generated
            // code about 3× slower (see xano-runtime's `Fields`).
            let takes = s.fields.iter().map(|field| {
                let ident = ident(&field.ident);
                let wire = &field.name;
                quote!(#ident: fields.take(#wire)?,)
            });
            quote! {
                #type_doc
                #[derive(Debug, Clone, Default, PartialEq, Serialize #(#extra)*)]
                #[serde(crate = "xano_runtime::serde")]
                pub struct #name {
                    #(#fields)*
                    /// Fields the spec does not list.
                    #[serde(flatten)]
                    pub extra: xano_runtime::JsonMap,
                }

                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let mut fields = xano_runtime::Fields::deserialize(deserializer)?;
                        Ok(Self {
                            #(#takes)*
                            extra: fields.into_rest(),
                        })
                    }
                }
            }
        }
        Role::Request => {
            let all_optional = s.fields.iter().all(|f| matches!(f.ty, TypeRef::Option(_)));
            let default = all_optional.then(|| quote!(Default,));
            let (serialize, serde_crate) = if serde {
                (
                    quote!(, Serialize),
                    quote!(#[serde(crate = "xano_runtime::serde")]),
                )
            } else {
                (quote!(), quote!())
            };
            quote! {
                #type_doc
                #[derive(Debug, Clone, #default PartialEq #serialize #(#extra)*)]
                #serde_crate
                pub struct #name {
                    #(#fields)*
                }
            }
        }
    }
}

fn struct_field(
    field: &Field,
    role: Role,
    struct_has_body: bool,
    serde: bool,
    types: &TypeSpace,
) -> TokenStream {
    let field_doc = doc(&field_doc_text(field, role));
    let name = ident(&field.ident);
    let ty = type_tokens(&field.ty, types);
    if !serde {
        // A multipart input (it holds files) is sent field by field, not derived.
        return quote! {
            #field_doc
            pub #name: #ty,
        };
    }
    let mut serde_args = Vec::new();
    if crate::model::naming::serde_name(&field.ident) != field.name {
        let wire = &field.name;
        serde_args.push(quote!(rename = #wire));
    }
    if role == Role::Request {
        if struct_has_body && matches!(field.location, Location::Query | Location::Header) {
            // Sent by `.query(..)`/`.header(..)`, not in the JSON body.
            serde_args.push(quote!(skip));
        } else if field.skip_if_none {
            serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
        }
    }
    let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
    quote! {
        #field_doc
        #serde_attr
        pub #name: #ty,
    }
}

/// A field's rustdoc: the spec's description (and Xano's default), or else
/// which wire field it is and how an input is sent.
fn field_doc_text(field: &Field, role: Role) -> String {
    let wire = field.name.replace('`', "'");
    let generated = match (role, field.location) {
        (Role::Response, _) => format!("The `{wire}` field."),
        (Role::Request, Location::WholeBody) => "The request body.".to_owned(),
        (Role::Request, location) => {
            let kind = match location {
                Location::Query => "query input",
                Location::Header => "header",
                _ => "input",
            };
            let optional = matches!(field.ty, TypeRef::Option(_));
            let how = match (field.skip_if_none, optional) {
                (true, _) => "optional: left out when `None`",
                (false, true) => "required: `None` is sent as `null`",
                (false, false) => "required",
            };
            format!("The `{wire}` {kind} ({how}).")
        }
    };
    match &field.doc {
        // A description that is only Xano's default note still needs the field.
        Some(text) if text.starts_with("Xano default:") => format!("{generated}\n\n{text}"),
        Some(text) => text.clone(),
        None => generated,
    }
}

fn enum_def(def: &TypeDef, e: &EnumDef, extra: &[TokenStream]) -> TokenStream {
    let name = ident(&def.name);
    let type_doc = type_doc(def);
    let variant_docs: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|v| doc(&format!("`{}`.", v.value.replace('`', "'"))))
        .collect();
    let variants: Vec<Ident> = e.variants.iter().map(|v| ident(&v.ident)).collect();
    let values: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let other = ident(&e.catch_all);
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize #(#extra)*)]
        #[serde(crate = "xano_runtime::serde", from = "String", into = "String")]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this client does not know (yet).
            #other(String),
        }

        impl #name {
            /// The value as Xano sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#other(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#values => Self::#variants,)*
                    _ => Self::#other(value),
                }
            }
        }

        impl From<#name> for String {
            fn from(value: #name) -> Self {
                match value {
                    #name::#other(value) => value,
                    known => known.as_str().to_owned(),
                }
            }
        }
    }
}

fn type_tokens(ty: &TypeRef, types: &TypeSpace) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::Json => quote!(xano_runtime::Json),
        TypeRef::File => quote!(xano_runtime::File),
        TypeRef::Bytes => quote!(xano_runtime::Bytes),
        TypeRef::Secret => quote!(xano_runtime::Secret),
        TypeRef::Timestamp => quote!(xano_runtime::Timestamp),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, types);
            quote!(Vec<#inner>)
        }
        TypeRef::Option(inner) => {
            let inner = type_tokens(inner, types);
            quote!(Option<#inner>)
        }
        TypeRef::Page(inner) => {
            let inner = type_tokens(inner, types);
            quote!(xano_runtime::Page<#inner>)
        }
        TypeRef::Named(id) => match &types.get(*id).replaced_by {
            Some(path) => syn::parse_str::<syn::Type>(path)
                .map(|ty| quote!(#ty))
                .unwrap_or_else(|_| quote!(xano_runtime::Json)),
            None => {
                let name = ident(types.name(*id));
                quote!(#name)
            }
        },
    }
}

/// An identifier, raw when it is spelled `r#…`.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "…"]` lines; prettyplease prints them as `///`.
fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        let literal = Literal::string(&line);
        quote!(#[doc = #literal])
    });
    quote!(#(#lines)*)
}

/// `#![doc = "…"]` lines for a module.
fn inner_doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        let literal = Literal::string(&line);
        quote!(#![doc = #literal])
    });
    quote!(#(#lines)*)
}
