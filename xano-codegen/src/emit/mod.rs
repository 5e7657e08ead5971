//! Stage 5 — emit: the IR becomes Rust source.
//!
//! No decisions are made here beyond spelling: every name, type and encoding was
//! chosen by `model`. The text is written directly in rustfmt's layout
//! ([`layout`]), so no formatter runs and the output is the same bytes on every
//! machine; the macro gets the same text as tokens ([`group_tokens`]), so the
//! CLI, build.rs and the macro generate the same code.

mod fake;
pub mod layout;

use crate::model::naming::serde_name;
use crate::model::{
    ApiGroup, BodyKind, Endpoint, EnumDef, Field, HttpMethod, Location, Role, StructDef, TypeDef,
    TypeKind, TypeRef, TypeSpace,
};
use layout::{Chain, Link, Out, Ret, string_literal};
use proc_macro2::{Ident, Span, TokenStream};

/// The attribute on every group module: a binary crate calls some endpoints,
/// not all, and must not get a dead-code warning for the rest (the macro's
/// output never gets one, so the three modes agree).
pub const MODULE_ATTRIBUTE: &str =
    "#[allow(dead_code, reason = \"an app calls only the endpoints it needs\")]";

/// The whole module of one API group, `#[allow(…)] pub mod <group> { … }`, as
/// source text.
pub fn group_module(group: &ApiGroup) -> String {
    let mut out = Out::with_capacity(group.endpoints.len() * 1200 + 4096);
    out.line(0, MODULE_ATTRIBUTE);
    out.line(0, &format!("pub mod {} {{", group.module));
    write_group(&mut out, group, 1);
    out.line(0, "}");
    out.finish()
}

/// The items of one API group's module at the top level: a file of its own
/// (directory mode).
pub fn group_items(group: &ApiGroup) -> String {
    let mut out = Out::with_capacity(group.endpoints.len() * 1200 + 4096);
    write_group(&mut out, group, 0);
    out.finish()
}

/// The module of one group as tokens, for the macro: the same text, lexed.
pub fn group_tokens(group: &ApiGroup) -> TokenStream {
    group_module(group)
        .parse()
        .unwrap_or_else(|err| internal_error(&format!("generated code does not lex: {err}")))
}

/// A `compile_error!` in place of code the generator got wrong: never expected,
/// but a macro must not panic.
fn internal_error(message: &str) -> TokenStream {
    let message = format!("xano-codegen bug, please report: {message}");
    let literal = proc_macro2::Literal::string(&message);
    quote::quote!(compile_error!(#literal);)
}

/// An identifier token for a generated name (raw when spelled `r#…`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

fn write_group(out: &mut Out, group: &ApiGroup, indent: usize) {
    let deserialize_imported = head(out, group, indent);
    out.blank();
    client_impl(out, group, indent);
    // The fake reads request types back with serde. Derived outside the fake's
    // `cfg`: a crate that has not declared the `xano-fake` feature then gets one
    // `unexpected_cfgs` warning (on the fake module, whose docs say what to
    // declare), not one per request type.
    let fake_derive = group.fake.then_some(if deserialize_imported {
        "Deserialize"
    } else {
        "xano_runtime::serde::Deserialize"
    });
    for item in Layout::new(group).items {
        out.blank();
        match item {
            TypeItem::Def(i) => type_def(
                out,
                &group.types.defs()[i],
                &group.types,
                fake_derive,
                indent,
            ),
            TypeItem::OutputAlias(i) => {
                let endpoint = &group.endpoints[i];
                let target = type_text(&endpoint.output, &group.types);
                alias(
                    out,
                    indent,
                    &endpoint.output_name,
                    &target,
                    endpoint,
                    "Output",
                );
            }
            TypeItem::InputAlias(i) => {
                let endpoint = &group.endpoints[i];
                if let Some(input) = &endpoint.input {
                    let target = type_text(&input.ty, &group.types);
                    alias(out, indent, &input.name, &target, endpoint, "Input");
                }
            }
        }
    }
    if group.fake {
        out.blank();
        fake::module(out, group, indent);
    }
}

/// The order of a group module's type items (definitions and Input/Output
/// aliases), sorted by name so checked-in diffs stay small.
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
        // Stable: equal names keep definition order.
        named.sort_by(|a, b| a.0.cmp(b.0));
        Layout {
            items: named.into_iter().map(|(_, item)| item).collect(),
        }
    }

    /// How many type items the module has.
    pub fn item_count(&self) -> usize {
        self.items.len()
    }
}

/// The module doc, the serde import, the constants and the `Client` struct;
/// whether `Deserialize` is imported.
fn head(out: &mut Out, group: &ApiGroup, indent: usize) -> bool {
    let mut module_doc = format!("The `{}` API group.", group.title.replace('`', "'"));
    if let Some(description) = &group.description {
        module_doc.push_str("\n\n");
        module_doc.push_str(description);
    }
    out.doc(indent, &module_doc, true);

    let defs: Vec<&TypeDef> = group
        .types
        .defs()
        .iter()
        .filter(|def| def.replaced_by.is_none())
        .collect();
    let response =
        |def: &&TypeDef| matches!(&def.kind, TypeKind::Struct(s) if s.role == Role::Response);
    let mut serde_names = Vec::new();
    if defs
        .iter()
        .any(|def| response(def) || matches!(def.kind, TypeKind::Enum(_)))
    {
        serde_names.push("Deserialize");
    }
    if defs.iter().any(response) {
        serde_names.push("Deserializer");
    }
    if defs.iter().any(|def| derives_serialize(def)) {
        serde_names.push("Serialize");
    }
    match serde_names.as_slice() {
        [] => {}
        [one] => {
            out.blank();
            out.line(indent, &format!("use xano_runtime::serde::{one};"));
        }
        many => {
            out.blank();
            out.line(
                indent,
                &format!("use xano_runtime::serde::{{{}}};", many.join(", ")),
            );
        }
    }

    out.blank();
    out.doc(
        indent,
        &format!(
            "The path of the `{}` API group on its Xano instance.",
            group.title.replace('`', "'")
        ),
        false,
    );
    out.line(
        indent,
        &format!(
            "pub const API_GROUP: &str = {};",
            string_literal(&group.base_path)
        ),
    );
    if let Some(origin) = &group.origin {
        out.blank();
        out.doc(
            indent,
            "The instance origin the spec was published from: pass it (or your custom domain) to `xano_runtime::Client::builder`.",
            false,
        );
        out.line(
            indent,
            &format!("pub const ORIGIN: &str = {};", string_literal(origin)),
        );
    }
    out.blank();
    out.doc(
        indent,
        &format!(
            "Typed calls to the `{}` API group: one async method per endpoint.",
            group.title.replace('`', "'")
        ),
        false,
    );
    out.line(indent, "#[derive(Debug, Clone)]");
    out.line(indent, "pub struct Client {");
    out.line(indent + 1, "client: xano_runtime::Client,");
    out.line(indent, "}");
    serde_names.contains(&"Deserialize")
}

/// `impl Client { … }` with `Client::new` and every endpoint's methods.
fn client_impl(out: &mut Out, group: &ApiGroup, indent: usize) {
    let inner = indent + 1;
    out.line(indent, "impl Client {");
    out.doc(
        inner,
        "A client for this API group on `client`'s instance, sharing its\nsession and settings.",
        false,
    );
    out.line(inner, "pub fn new(client: &xano_runtime::Client) -> Self {");
    layout::struct_literal(
        out,
        inner + 1,
        "",
        "Self",
        &["client: client.with_api_group(API_GROUP)".to_owned()],
        "",
    );
    out.line(inner, "}");
    for endpoint in &group.endpoints {
        out.blank();
        endpoint_fn(out, endpoint, &group.types, inner);
        paging_fns(out, endpoint, &group.types, inner);
    }
    out.line(indent, "}");
}

/// Whether an endpoint's Input or Output needs a `pub type` alias: not when the
/// type already carries the name.
fn needs_alias(name: &str, ty: &TypeRef, types: &TypeSpace) -> bool {
    !matches!(ty, TypeRef::Named(id)
        if types.name(*id) == name && types.get(*id).replaced_by.is_none())
}

/// `pub type <Name> = <type>;`, documented with the endpoint it belongs to.
fn alias(out: &mut Out, indent: usize, name: &str, target: &str, endpoint: &Endpoint, what: &str) {
    out.doc(
        indent,
        &format!(
            "{what} of `{} {}`.",
            endpoint.method.as_str(),
            endpoint.path
        ),
        false,
    );
    layout::type_alias(out, indent, name, target);
}

/// The arguments of an endpoint's methods: `&self`, path parameters, the input.
/// The parameters of an endpoint's function: borrowed for a call, owned for a
/// paging stream (which owns what it needs, so it can be spawned).
fn params(endpoint: &Endpoint, types: &TypeSpace, owned: bool) -> Vec<String> {
    let mut params = vec!["&self".to_owned()];
    for param in &endpoint.path_params {
        let ty = match (&param.ty, owned) {
            (TypeRef::String, true) => "String".to_owned(),
            (TypeRef::String, false) => "&str".to_owned(),
            (other, _) => type_text(other, types),
        };
        params.push(format!("{}: {ty}", param.ident));
    }
    if let Some(input) = &endpoint.input {
        params.push(if owned {
            format!("input: {}", input.name)
        } else {
            format!("input: &{}", input.name)
        });
    }
    params
}

fn endpoint_fn(out: &mut Out, endpoint: &Endpoint, types: &TypeSpace, indent: usize) {
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
    out.doc(indent, &text, false);
    let params = params(endpoint, types, false);
    let links = request_links(endpoint, types);
    let head = format!("pub async fn {}", endpoint.fn_name);
    call_fn(
        out,
        indent,
        &head,
        &params,
        &links,
        "send",
        &endpoint.output_name,
    );

    if let Some(stream_fn) = &endpoint.stream_fn {
        out.blank();
        out.doc(
            indent,
            &format!(
                "`{} {}` as a stream of events, read as they arrive: Server-Sent Events,\nJSON Lines, or the whole body as one event (decode with `Event::json`).",
                endpoint.method.as_str(),
                endpoint.path
            ),
            false,
        );
        let head = format!("pub async fn {stream_fn}");
        call_fn(
            out,
            indent,
            &head,
            &params,
            &links,
            "stream",
            "xano_runtime::EventStream",
        );
    }
}

/// `head(params) -> Result<output, Error> { self.client…<finish>().await }`.
fn call_fn(
    out: &mut Out,
    indent: usize,
    head: &str,
    params: &[String],
    links: &Links,
    finish: &str,
    output: &str,
) {
    let mut chain = links.clone_links();
    chain.push(Link::call(finish, &[]));
    chain.push(Link::awaited());
    layout::signature(out, indent, head, params, &result(output));
    Chain {
        indent: indent + 1,
        root: "self.client",
        links: &chain,
        suffix: "",
    }
    .write(out);
    out.line(indent, "}");
}

fn result(output: &str) -> Ret {
    Ret {
        path: "Result".into(),
        args: vec![output.to_owned(), "xano_runtime::Error".into()],
    }
}

fn result_stream(item: &str) -> Ret {
    Ret {
        path: "xano_runtime::ResultStream".into(),
        args: vec![item.to_owned()],
    }
}

/// The links of a request chain up to (not including) `.send()`.
struct Links(Vec<Link>);

impl Links {
    fn clone_links(&self) -> Vec<Link> {
        self.0
            .iter()
            .map(|link| Link {
                name: link.name.clone(),
                args: link.args.clone(),
            })
            .collect()
    }
}

fn request_links(endpoint: &Endpoint, types: &TypeSpace) -> Links {
    let path = string_literal(&endpoint.path);
    let mut links = vec![match endpoint.method {
        HttpMethod::Get
        | HttpMethod::Post
        | HttpMethod::Put
        | HttpMethod::Patch
        | HttpMethod::Delete => Link::call(&endpoint.method.as_str().to_ascii_lowercase(), &[path]),
        other => Link::call(
            "request",
            &[format!("xano_runtime::Method::{}", other.as_str()), path],
        ),
    }];
    // The runtime fills in (and percent-encodes) the route template, which is
    // what logs and errors show.
    for param in &endpoint.path_params {
        links.push(Link::call(
            "path_param",
            &[string_literal(&param.name), param.ident.clone()],
        ));
    }
    if endpoint.auth {
        links.push(Link::call("auth", &[]));
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
            Some(def) => links.extend(input_links(def, input.body, input.media_type.as_deref())),
            None => links.push(match input.body {
                BodyKind::Multipart => Link::call("field", &["\"body\"".into(), "input".into()]),
                _ => Link::call("json", &["input".into()]),
            }),
        }
    }
    Links(links)
}

/// The calls that put an Input struct's fields where they belong.
fn input_links(def: &StructDef, body: BodyKind, media_type: Option<&str>) -> Vec<Link> {
    let media_type = string_literal(media_type.unwrap_or("application/octet-stream"));
    let mut links = Vec::new();
    let has_body_fields = def.fields.iter().any(|f| f.location == Location::Body);
    for field in &def.fields {
        let name = string_literal(&field.name);
        let value = format!("&input.{}", field.ident);
        let link =
            |method: &str, first: &str| Link::call(method, &[first.to_owned(), value.clone()]);
        match field.location {
            Location::Query => links.push(link("query", &name)),
            Location::Header => links.push(link("header", &name)),
            Location::WholeBody => links.push(match body {
                BodyKind::Multipart => link("field", &name),
                BodyKind::Text => link("text", &media_type),
                BodyKind::Bytes => link("bytes", &media_type),
                _ => Link::call("json", std::slice::from_ref(&value)),
            }),
            Location::Body if body == BodyKind::Form => {
                links.push(if field.ty.is_nullable_input() {
                    link("nullable_form", &name)
                } else {
                    link("form", &name)
                })
            }
            Location::Body if body == BodyKind::Multipart => {
                if field.ty.holds_file() {
                    let part = if is_list(&field.ty) {
                        string_literal(&format!("{}[]", field.name))
                    } else {
                        name.clone()
                    };
                    links.push(link("file", &part));
                } else if field.ty.is_nullable_input() {
                    links.push(link("nullable_field", &name));
                } else {
                    links.push(link("field", &name));
                }
            }
            Location::Body => {}
        }
    }
    if has_body_fields && body == BodyKind::Json {
        links.push(Link::call("json", &["input".into()]));
    }
    links
}

fn is_list(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Vec(_) => true,
        TypeRef::Option(inner) => is_list(inner),
        _ => false,
    }
}

/// `…_pages` and `…_items` for a paged endpoint: streams that follow `nextPage`.
fn paging_fns(out: &mut Out, endpoint: &Endpoint, types: &TypeSpace, indent: usize) {
    let (Some(paging), Some(input), TypeRef::Page(item)) =
        (&endpoint.paging, &endpoint.input, &endpoint.output)
    else {
        return;
    };
    let params = params(endpoint, types, true);
    let arguments: Vec<&str> = endpoint
        .path_params
        .iter()
        .map(|p| p.ident.as_str())
        .collect();
    // Owned by the stream, and cloned into each page's call.
    let owned_strings: Vec<&str> = endpoint
        .path_params
        .iter()
        .filter(|p| p.ty == TypeRef::String)
        .map(|p| p.ident.as_str())
        .collect();
    let page_field = &paging.page_field;
    let (first, page_init) = match (paging.page_optional, page_field == "page") {
        (true, _) => (
            format!("input.{page_field}"),
            format!("{page_field}: Some(page)"),
        ),
        (false, true) => (format!("Some(input.{page_field})"), "page".to_owned()),
        (false, false) => (
            format!("Some(input.{page_field})"),
            format!("{page_field}: page"),
        ),
    };
    let endpoint_line = format!("`{} {}`", endpoint.method.as_str(), endpoint.path);

    out.blank();
    out.doc(
        indent,
        &format!(
            "Every page of {endpoint_line}: from `input.{}` (or 1), following `nextPage`\nuntil it is null. Pages are fetched as the stream is polled.",
            serde_name(page_field)
        ),
        false,
    );
    layout::signature(
        out,
        indent,
        &format!("pub fn {}", paging.pages_fn),
        &params,
        &result_stream(&endpoint.output_name),
    );
    let body = indent + 1;
    out.line(body, "let api = self.clone();");
    out.line(
        body,
        &format!("Box::pin(xano_runtime::paging::pages({first}, move |page| {{"),
    );
    out.line(body + 1, "let api = api.clone();");
    for name in &owned_strings {
        layout::let_statement(out, body + 1, name, &format!("{name}.clone()"));
    }
    let mut fields = vec![page_init];
    if paging.other_fields {
        fields.push("..input.clone()".to_owned());
    }
    layout::struct_literal(out, body + 1, "let input = ", &input.name, &fields, ";");
    let call_args: Vec<String> = arguments
        .iter()
        .map(|a| {
            if owned_strings.contains(a) {
                format!("&{a}")
            } else {
                (*a).to_owned()
            }
        })
        .chain(std::iter::once("&input".to_owned()))
        .collect();
    let links = [Link::call(&endpoint.fn_name, &call_args), Link::awaited()];
    let inline = format!("api.{}({}).await", endpoint.fn_name, call_args.join(", "));
    let one_line = format!("async move {{ {inline} }}");
    if layout::width(&inline) <= 60
        && (body + 1) * 4 + layout::width(&one_line) <= layout::MAX_WIDTH
    {
        out.line(body + 1, &one_line);
    } else {
        out.line(body + 1, "async move {");
        Chain {
            indent: body + 2,
            root: "api",
            links: &links,
            suffix: "",
        }
        .write(out);
        out.line(body + 1, "}");
    }
    out.line(body, "}))");
    out.line(indent, "}");

    out.blank();
    out.doc(
        indent,
        &format!("Every item of every page of {endpoint_line}, in order."),
        false,
    );
    layout::signature(
        out,
        indent,
        &format!("pub fn {}", paging.items_fn),
        &params,
        &result_stream(&type_text(item, types)),
    );
    let pages_args: Vec<String> = arguments
        .iter()
        .map(|a| (*a).to_owned())
        .chain(["input".to_owned()])
        .collect();
    layout::nested_call(
        out,
        indent + 1,
        ["Box::pin", "xano_runtime::paging::items"],
        &format!("self.{}", paging.pages_fn),
        &pages_args,
    );
    out.line(indent, "}");
}

fn derives_serialize(def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::Struct(s) => !(s.role == Role::Request && s.sent_by_hand()),
        TypeKind::Enum(_) => true,
    }
}

/// `fake_derive`: the path of `Deserialize`, which request types derive for
/// the fake when one is generated.
fn type_def(
    out: &mut Out,
    def: &TypeDef,
    types: &TypeSpace,
    fake_derive: Option<&str>,
    indent: usize,
) {
    match &def.kind {
        TypeKind::Struct(s) => struct_def(out, def, s, types, fake_derive, indent),
        TypeKind::Enum(e) => enum_def(out, def, e, indent),
    }
}

/// A type's rustdoc: the spec's description, then which endpoints use it.
fn type_doc(def: &TypeDef) -> String {
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
    text
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

fn derive_list(base: &[&str], def: &TypeDef) -> Vec<String> {
    base.iter()
        .map(|d| (*d).to_owned())
        .chain(def.derives.iter().cloned())
        .collect()
}

fn struct_def(
    out: &mut Out,
    def: &TypeDef,
    s: &StructDef,
    types: &TypeSpace,
    fake_derive: Option<&str>,
    indent: usize,
) {
    let has_body = s
        .fields
        .iter()
        .any(|f| matches!(f.location, Location::Body | Location::WholeBody));
    let serde = derives_serialize(def) || s.role == Role::Response;
    out.doc(indent, &type_doc(def), false);
    match s.role {
        Role::Response => {
            layout::attribute(
                out,
                indent,
                "derive",
                &derive_list(
                    &["Debug", "Clone", "Default", "PartialEq", "Serialize"],
                    def,
                ),
            );
            out.line(indent, "#[serde(crate = \"xano_runtime::serde\")]");
            if s.fields.iter().any(|f| f.doc.is_none()) {
                out.line(
                    indent,
                    "#[allow(missing_docs, reason = \"fields the spec does not describe\")]",
                );
            }
            layout::item_header(out, indent, &format!("pub struct {}", def.name));
            for field in &s.fields {
                struct_field(out, field, s.role, has_body, serde, types, indent + 1);
            }
            out.line(indent + 1, "/// Fields the spec does not list.");
            out.line(indent + 1, "#[serde(flatten)]");
            out.line(indent + 1, "pub extra: xano_runtime::JsonMap,");
            out.line(indent, "}");
            // Deserialize is one call into the runtime over `ObjectFields` rather
            // than derived: a derived visitor per type made `cargo check` of
            // generated code about 3× slower (see xano-runtime's `object`).
            out.blank();
            layout::impl_header(out, indent, "impl xano_runtime::ObjectFields", &def.name);
            layout::signature(
                out,
                indent + 1,
                "fn read_field<'de, A: xano_runtime::serde::de::MapAccess<'de>>",
                &["&mut self".into(), "key: &str".into(), "map: &mut A".into()],
                &Ret {
                    path: "Result".into(),
                    args: vec!["bool".into(), "A::Error".into()],
                },
            );
            out.line(indent + 2, "match key {");
            for f in &s.fields {
                layout::match_arm(
                    out,
                    indent + 3,
                    &string_literal(&f.name),
                    &format!("self.{} = map.next_value()?", f.ident),
                );
            }
            out.line(indent + 3, "_ => return Ok(false),");
            out.line(indent + 2, "}");
            out.line(indent + 2, "Ok(true)");
            out.line(indent + 1, "}");
            out.blank();
            out.line(
                indent + 1,
                "fn extra_fields(&mut self) -> &mut xano_runtime::JsonMap {",
            );
            out.line(indent + 2, "&mut self.extra");
            out.line(indent + 1, "}");
            out.line(indent, "}");
            out.blank();
            layout::impl_header(out, indent, "impl<'de> Deserialize<'de>", &def.name);
            out.line(
                indent + 1,
                "fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {",
            );
            out.line(indent + 2, "xano_runtime::deserialize_object(deserializer)");
            out.line(indent + 1, "}");
            out.line(indent, "}");
        }
        Role::Request => {
            let all_optional = s.fields.iter().all(|f| matches!(f.ty, TypeRef::Option(_)));
            let mut base = vec!["Debug", "Clone"];
            if all_optional {
                base.push("Default");
            }
            base.push("PartialEq");
            if serde {
                base.push("Serialize");
            }
            // Not where a field is sent outside the body (`skip`): the fake
            // reads those inputs one by one.
            let skips = has_body
                && s.fields
                    .iter()
                    .any(|f| matches!(f.location, Location::Query | Location::Header));
            if let Some(deserialize) = fake_derive
                && serde
                && !skips
            {
                base.push(deserialize);
            }
            layout::attribute(out, indent, "derive", &derive_list(&base, def));
            if serde {
                out.line(indent, "#[serde(crate = \"xano_runtime::serde\")]");
            }
            layout::item_header(out, indent, &format!("pub struct {}", def.name));
            for field in &s.fields {
                struct_field(out, field, s.role, has_body, serde, types, indent + 1);
            }
            out.line(indent, "}");
        }
    }
}

fn struct_field(
    out: &mut Out,
    field: &Field,
    role: Role,
    struct_has_body: bool,
    serde: bool,
    types: &TypeSpace,
    indent: usize,
) {
    if let Some(doc) = field_doc_text(field, role) {
        out.doc(indent, &doc, false);
    }
    if serde {
        let mut args = Vec::new();
        if serde_name(&field.ident) != field.name {
            args.push(format!("rename = {}", string_literal(&field.name)));
        }
        if role == Role::Request {
            if struct_has_body && matches!(field.location, Location::Query | Location::Header) {
                // Sent by `.query(..)`/`.header(..)`, not in the JSON body.
                args.push("skip".to_owned());
            } else if field.ty.is_nullable_input() {
                // `None` left out, `Some(None)` sent as `null`, and read back so
                // (by the typed fake).
                args.push("default".to_owned());
                args.push("skip_serializing_if = \"Option::is_none\"".to_owned());
                args.push("deserialize_with = \"xano_runtime::deserialize_nullable\"".to_owned());
            } else if field.skip_if_none {
                args.push("skip_serializing_if = \"Option::is_none\"".to_owned());
            }
        }
        if !args.is_empty() {
            layout::attribute(out, indent, "serde", &args);
        }
    }
    layout::field(out, indent, &field.ident, &type_text(&field.ty, types));
}

/// A field's rustdoc: the spec's description (and Xano's default), or else
/// which wire field it is and how an input is sent.
/// A field's rustdoc: the spec's description, and for inputs how it is sent.
/// An output field the spec does not describe has none (its struct allows
/// `missing_docs` rather than carrying words that restate the name).
fn field_doc_text(field: &Field, role: Role) -> Option<String> {
    let wire = field.name.replace('`', "'");
    let generated = match (role, field.location) {
        (Role::Response, _) => return field.doc.clone(),
        (Role::Request, Location::WholeBody) => "The request body.".to_owned(),
        (Role::Request, location) => {
            let kind = match location {
                Location::Query => "query input",
                Location::Header => "header",
                _ => "input",
            };
            let optional = matches!(field.ty, TypeRef::Option(_));
            let how = match (field.skip_if_none, optional) {
                _ if field.ty.is_nullable_input() => {
                    "optional, may be null: `None` leaves it out, `Some(None)` sends `null`"
                }
                (true, _) => "optional: left out when `None`",
                (false, true) => "required: `None` is sent as `null`",
                (false, false) => "required",
            };
            format!("The `{wire}` {kind} ({how}).")
        }
    };
    Some(match &field.doc {
        // A description that is only Xano's default note still needs the field;
        // the three states of a nullable input are said whatever the spec says.
        Some(text) if text.starts_with("Xano default:") || field.ty.is_nullable_input() => {
            format!("{generated}\n\n{text}")
        }
        Some(text) => text.clone(),
        None => generated,
    })
}

fn enum_def(out: &mut Out, def: &TypeDef, e: &EnumDef, indent: usize) {
    let name = &def.name;
    let other = &e.catch_all;
    out.doc(indent, &type_doc(def), false);
    layout::attribute(
        out,
        indent,
        "derive",
        &derive_list(
            &[
                "Debug",
                "Clone",
                "PartialEq",
                "Eq",
                "Hash",
                "Serialize",
                "Deserialize",
            ],
            def,
        ),
    );
    out.line(
        indent,
        "#[serde(crate = \"xano_runtime::serde\", from = \"String\", into = \"String\")]",
    );
    if !e.variants.is_empty() {
        out.line(
            indent,
            "#[allow(missing_docs, reason = \"variants are the values they name\")]",
        );
    }
    layout::item_header(out, indent, &format!("pub enum {name}"));
    for variant in &e.variants {
        out.line(indent + 1, &format!("{},", variant.ident));
    }
    out.line(indent + 1, "/// A value this client does not know (yet).");
    out.line(indent + 1, &format!("{other}(String),"));
    out.line(indent, "}");

    out.blank();
    out.line(indent, &format!("impl {name} {{"));
    out.line(indent + 1, "/// The value as Xano sends it.");
    out.line(indent + 1, "pub fn as_str(&self) -> &str {");
    out.line(indent + 2, "match self {");
    for variant in &e.variants {
        layout::match_arm(
            out,
            indent + 3,
            &format!("Self::{}", variant.ident),
            &string_literal(&variant.value),
        );
    }
    layout::match_arm(out, indent + 3, &format!("Self::{other}(value)"), "value");
    out.line(indent + 2, "}");
    out.line(indent + 1, "}");
    out.line(indent, "}");

    out.blank();
    out.line(indent, &format!("impl From<String> for {name} {{"));
    out.line(indent + 1, "fn from(value: String) -> Self {");
    out.line(indent + 2, "match value.as_str() {");
    for variant in &e.variants {
        layout::match_arm(
            out,
            indent + 3,
            &string_literal(&variant.value),
            &format!("Self::{}", variant.ident),
        );
    }
    layout::match_arm(out, indent + 3, "_", &format!("Self::{other}(value)"));
    out.line(indent + 2, "}");
    out.line(indent + 1, "}");
    out.line(indent, "}");

    out.blank();
    out.line(indent, &format!("impl From<{name}> for String {{"));
    out.line(indent + 1, &format!("fn from(value: {name}) -> Self {{"));
    out.line(indent + 2, "match value {");
    layout::match_arm(out, indent + 3, &format!("{name}::{other}(value)"), "value");
    layout::match_arm(out, indent + 3, "known", "known.as_str().to_owned()");
    out.line(indent + 2, "}");
    out.line(indent + 1, "}");
    out.line(indent, "}");

    out.blank();
    out.line(indent, &format!("impl std::fmt::Display for {name} {{"));
    out.line(
        indent + 1,
        "fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {",
    );
    out.line(indent + 2, "f.write_str(self.as_str())");
    out.line(indent + 1, "}");
    out.line(indent, "}");

    out.blank();
    out.line(indent, &format!("impl std::str::FromStr for {name} {{"));
    out.line(indent + 1, "type Err = std::convert::Infallible;");
    out.blank();
    out.line(
        indent + 1,
        "fn from_str(value: &str) -> Result<Self, Self::Err> {",
    );
    out.line(indent + 2, "Ok(Self::from(value.to_owned()))");
    out.line(indent + 1, "}");
    out.line(indent, "}");
}

/// A type as generated code spells it.
pub(crate) fn type_text(ty: &TypeRef, types: &TypeSpace) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Json => "xano_runtime::Json".into(),
        TypeRef::File => "xano_runtime::File".into(),
        TypeRef::Bytes => "xano_runtime::Bytes".into(),
        TypeRef::Secret => "xano_runtime::Secret".into(),
        TypeRef::Timestamp => "xano_runtime::Timestamp".into(),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_text(inner, types)),
        TypeRef::Option(inner) => format!("Option<{}>", type_text(inner, types)),
        TypeRef::Page(inner) => format!("xano_runtime::Page<{}>", type_text(inner, types)),
        TypeRef::Named(id) => match &types.get(*id).replaced_by {
            Some(path) => path.clone(),
            None => types.name(*id).to_owned(),
        },
    }
}
