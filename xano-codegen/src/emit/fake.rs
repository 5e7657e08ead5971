//! The `fake` module of a group (setting `fake`): a typed fake of the API
//! group for users' own tests, over `xano_runtime::fake`.
//!
//! Per endpoint it writes a reader that turns a recorded request back into the
//! endpoint's arguments (path parameters, then the Input), the mirror of the
//! request chain `emit` writes for the client; a `Server` method registering a
//! typed handler; and a `Calls` method returning the typed recorded calls. The
//! module is compiled only under `cfg(any(test, feature = "xano-fake"))`, so a
//! release build never sees it.

use super::layout::{self, Chain, Link, Out, Ret, string_literal};
use super::type_text;
use crate::model::{ApiGroup, BodyKind, Endpoint, Location, StructDef, TypeKind, TypeRef};

/// The condition the fake module and its derives are compiled under.
pub const FAKE_CFG: &str = "any(test, feature = \"xano-fake\")";

/// Names the fake module declares or imports: a group type spelled the same is
/// reached through `super::`.
const OWN_NAMES: &[&str] = &[
    "Calls",
    "FakeCall",
    "FakeRequest",
    "FakeServer",
    "Handler",
    "Reply",
    "Route",
    "Server",
    "XanoError",
];

/// `pub mod fake { … }` for `group`, at `indent`.
pub fn module(out: &mut Out, group: &ApiGroup, indent: usize) {
    let title = group.title.replace('`', "'");
    out.doc(
        indent,
        &format!(
            "A fake `{title}` API group for tests: a server on 127.0.0.1 that answers\neach endpoint with the typed handler a test registers, the way Xano would\n(base path, bearer checks, error bodies, query and multipart conventions),\nand records every call. Compiled for `cfg(test)` and the `xano-fake` feature\nonly: declare `xano-fake = [\"xano-runtime/fake\"]` under `[features]`, and\nfor integration tests (`tests/*.rs`) list your crate as its own dev-dependency\nwith that feature (`my-crate = {{ path = \".\", features = [\"xano-fake\"] }}`)."
        ),
        false,
    );
    out.line(indent, &format!("#[cfg({FAKE_CFG})]"));
    out.line(indent, "pub mod fake {");
    let inner = indent + 1;
    out.line(inner, "use super::*;");
    out.blank();
    let streams = group.endpoints.iter().any(|e| e.stream_fn.is_some());
    let mut imports = vec!["FakeServer", "Route"];
    if !group.endpoints.is_empty() {
        imports.extend(["FakeCall", "FakeRequest", "Handler", "XanoError"]);
    }
    if streams {
        imports.push("Reply");
    }
    imports.sort_unstable();
    let list = imports.join(", ");
    let one_line = format!("use xano_runtime::fake::{{{list}}};");
    // rustfmt keeps a `use` list on one line up to two columns short of the width.
    if inner * 4 + layout::width(&one_line) <= layout::MAX_WIDTH - 2 {
        out.line(inner, &one_line);
    } else {
        out.line(inner, "use xano_runtime::fake::{");
        out.line(inner + 1, &format!("{list},"));
        out.line(inner, "};");
    }

    out.blank();
    out.doc(
        inner,
        "The group's endpoints, as the fake serves them.",
        false,
    );
    if group.endpoints.is_empty() {
        out.line(inner, "const ROUTES: &[Route] = &[];");
    } else if let [endpoint] = group.endpoints.as_slice() {
        // rustfmt lets a lone element overflow the brackets.
        route(out, inner, "const ROUTES: &[Route] = &[", endpoint, "];");
    } else {
        out.line(inner, "const ROUTES: &[Route] = &[");
        for endpoint in &group.endpoints {
            route(out, inner + 1, "", endpoint, ",");
        }
        out.line(inner, "];");
    }

    out.blank();
    out.doc(
        inner,
        &format!(
            "A fake `{title}` API group on 127.0.0.1. Register a handler for each\nendpoint the code under test calls; any other call gets Xano's 404 and\nfails the test when the server is dropped, naming the method to register."
        ),
        false,
    );
    out.line(inner, "pub struct Server {");
    out.line(inner + 1, "server: FakeServer,");
    out.line(inner, "}");
    out.blank();
    server_impl(out, group, inner);

    out.blank();
    out.doc(
        inner,
        "The calls a [`Server`] received, read back into each endpoint's arguments.",
        false,
    );
    out.line(inner, "pub struct Calls<'a> {");
    out.line(inner + 1, "server: &'a FakeServer,");
    out.line(inner, "}");
    if !group.endpoints.is_empty() {
        out.blank();
        calls_impl(out, group, inner);
    }

    for endpoint in &group.endpoints {
        out.blank();
        reader(out, endpoint, group, inner);
    }
    out.line(indent, "}");
}

/// `impl Calls<'_> { … }`: one accessor per endpoint, returning its recorded
/// calls read back into its arguments.
fn calls_impl(out: &mut Out, group: &ApiGroup, indent: usize) {
    let inner = indent + 1;
    out.line(indent, "impl Calls<'_> {");
    for (i, endpoint) in group.endpoints.iter().enumerate() {
        if i > 0 {
            out.blank();
        }
        out.doc(
            inner,
            &format!(
                "The calls to {}, in order, with their arguments.\n\nCalls whose inputs could not be read (answered 400) are left out.",
                endpoint_line(endpoint)
            ),
            false,
        );
        let args = args_type(endpoint, group);
        let head = format!("pub fn {}", endpoint.fn_name);
        // The return type broken over lines, when rustfmt would break it: a
        // wide tuple one element per line, else `FakeCall<…>`'s argument alone.
        let broken = match wide_tuple(&args) {
            Some(parts) => Some(("FakeCall<(", parts, ")>,")),
            None if (inner + 1) * 4 + layout::width(&args) + 11 > layout::MAX_WIDTH => {
                Some(("FakeCall<", vec![args.as_str()], ">,"))
            }
            None => None,
        };
        match broken {
            Some((open, parts, close_line)) => {
                out.line(inner, &format!("{head}("));
                out.line(inner + 1, "&self,");
                out.line(inner, ") -> Vec<");
                out.line(inner + 1, open);
                for part in &parts {
                    out.line(inner + 2, &format!("{part},"));
                }
                out.line(inner + 1, close_line);
                out.line(inner, close(&parts, inner + 2));
            }
            None => {
                let ret = Ret {
                    path: "Vec".into(),
                    args: vec![format!("FakeCall<{args}>")],
                };
                layout::signature(out, inner, &head, &["&self".to_owned()], &ret);
            }
        }
        server_call(
            out,
            inner + 1,
            "calls",
            &[
                string_literal(endpoint.method.as_str()),
                string_literal(&endpoint.path),
                reader_name(endpoint),
            ],
            "",
        );
        out.line(inner, "}");
    }
    out.line(indent, "}");
}

/// `Route::new("GET", "/books", false, "get_books")` for an endpoint, after
/// `prefix` and before `suffix`: on one line when its arguments are within
/// rustfmt's 60-column `fn_call_width` and the line fits, else one argument
/// per line. (A path too long for any line is then left as it is by rustfmt
/// in both style editions, where a struct field's value is not.)
fn route(out: &mut Out, indent: usize, prefix: &str, endpoint: &Endpoint, suffix: &str) {
    let args = [
        string_literal(endpoint.method.as_str()),
        string_literal(&endpoint.path),
        endpoint.auth.to_string(),
        string_literal(&register_name(&endpoint.fn_name)),
    ];
    let inline = args.join(", ");
    let one_line = format!("{prefix}Route::new({inline}){suffix}");
    if layout::width(&inline) <= 60 && indent * 4 + layout::width(&one_line) <= layout::MAX_WIDTH {
        out.line(indent, &one_line);
        return;
    }
    out.line(indent, &format!("{prefix}Route::new("));
    for arg in &args {
        out.line(indent + 1, &format!("{arg},"));
    }
    out.line(indent, &format!("){suffix}"));
}

/// One of `Server`'s own methods.
struct OwnMethod {
    /// Its name: an endpoint spelled the same registers through `<name>_endpoint`.
    name: &'static str,
    doc: &'static str,
    signature: &'static str,
    /// Body lines, with their depth inside the method.
    body: &'static [(usize, &'static str)],
}

/// The methods every `Server` has, before the per-endpoint registrations.
const SERVER_OWN_METHODS: &[OwnMethod] = &[
    OwnMethod {
        name: "start",
        doc: "Starts the fake on an ephemeral port of 127.0.0.1.",
        signature: "pub async fn start() -> Self {",
        body: &[
            (0, "Self {"),
            (1, "server: FakeServer::start(API_GROUP, ROUTES).await,"),
            (0, "}"),
        ],
    },
    OwnMethod {
        name: "origin",
        doc: "`http://127.0.0.1:<port>`: the origin to give `xano_runtime::Client::builder`.",
        signature: "pub fn origin(&self) -> &str {",
        body: &[(0, "self.server.origin()")],
    },
    OwnMethod {
        name: "client",
        doc: "A client of this group on the fake, with default settings.",
        signature: "pub fn client(&self) -> Result<Client, xano_runtime::Error> {",
        body: &[(0, "Ok(Client::new(&self.server.client()?))")],
    },
    OwnMethod {
        name: "server",
        doc: "The untyped server: every request, raw replies, rate limits, a required\ntoken, unhandled calls allowed.",
        signature: "pub fn server(&self) -> &FakeServer {",
        body: &[(0, "&self.server")],
    },
    OwnMethod {
        name: "calls",
        doc: "The calls received so far, read back per endpoint.",
        signature: "pub fn calls(&self) -> Calls<'_> {",
        body: &[(0, "Calls {"), (1, "server: &self.server,"), (0, "}")],
    },
];

/// `impl Server { … }`: start, origin, client, server, calls, then one
/// registration per endpoint (and per streaming variant).
fn server_impl(out: &mut Out, group: &ApiGroup, indent: usize) {
    let inner = indent + 1;
    out.line(indent, "impl Server {");
    for (i, method) in SERVER_OWN_METHODS.iter().enumerate() {
        if i > 0 {
            out.blank();
        }
        out.doc(inner, method.doc, false);
        out.line(inner, method.signature);
        for (depth, line) in method.body {
            out.line(inner + 1 + depth, line);
        }
        out.line(inner, "}");
    }
    for endpoint in &group.endpoints {
        let args = args_type(endpoint, group);
        out.blank();
        out.doc(
            inner,
            &format!(
                "Answers {} with `handler`.\n\nThe handler gets {} and returns the output or a Xano error.{}",
                endpoint_line(endpoint),
                args_description(endpoint),
                if endpoint.auth {
                    "\nA call without a bearer token gets Xano's 401 first."
                } else {
                    ""
                }
            ),
            false,
        );
        registration(
            out,
            inner,
            &register_name(&endpoint.fn_name),
            &args,
            &own(&endpoint.output_name),
            "answer",
            endpoint,
        );
        if let Some(stream_fn) = &endpoint.stream_fn {
            out.blank();
            out.doc(
                inner,
                &format!(
                    "Answers {} with the reply `handler` builds.\n\nFor the streaming call: build it with `Reply::sse` or `Reply::json_lines`.",
                    endpoint_line(endpoint)
                ),
                false,
            );
            registration(
                out,
                inner,
                &register_name(stream_fn),
                &args,
                "Reply",
                "answer_with",
                endpoint,
            );
        }
    }
    out.line(indent, "}");
}

/// One `pub fn <name>(&self, handler: impl Handler<Args, Output>) -> &Self`.
fn registration(
    out: &mut Out,
    indent: usize,
    name: &str,
    args: &str,
    output: &str,
    answer: &str,
    endpoint: &Endpoint,
) {
    let handler = format!("handler: impl Handler<{args}, {output}>");
    let self_ret = Ret {
        path: "&Self".into(),
        args: Vec::new(),
    };
    let head = format!("pub fn {name}");
    let one_line = format!("{head}(&self, {handler}) -> &Self {{");
    let wide = wide_tuple(args);
    if indent * 4 + layout::width(&one_line) <= layout::MAX_WIDTH && wide.is_none() {
        out.line(indent, &one_line);
    } else if (indent + 1) * 4 + layout::width(&handler) < layout::MAX_WIDTH + 5 && wide.is_none() {
        // rustfmt keeps an `impl Handler<…>` parameter up to five columns past
        // the width (measured at 12 and 16 columns of indent) before breaking
        // its generic arguments.
        layout::signature(
            out,
            indent,
            &head,
            &["&self".to_owned(), handler],
            &self_ret,
        );
    } else {
        out.line(indent, &format!("{head}("));
        out.line(indent + 1, "&self,");
        out.line(indent + 1, "handler: impl Handler<");
        match wide {
            Some(parts) => {
                out.line(indent + 2, "(");
                for part in &parts {
                    out.line(indent + 3, &format!("{part},"));
                }
                out.line(indent + 2, "),");
            }
            None => out.line(indent + 2, &format!("{args},")),
        }
        out.line(indent + 2, &format!("{output},"));
        out.line(indent + 1, ">,");
        out.line(indent, ") -> &Self {");
    }
    server_call(
        out,
        indent + 1,
        answer,
        &[
            string_literal(endpoint.method.as_str()),
            string_literal(&endpoint.path),
            reader_name(endpoint),
            "handler".to_owned(),
        ],
        ";",
    );
    out.line(indent + 1, "self");
    out.line(indent, "}");
}

/// `self.server.<method>(args)<suffix>` as rustfmt lays out a chain of one
/// call: on one line when it fits, else the call on the next line when it fits
/// there, else the call kept on the first line with its arguments one per line.
fn server_call(out: &mut Out, indent: usize, method: &str, args: &[String], suffix: &str) {
    let links = [Link::call(method, args)];
    let chain = Chain {
        indent,
        root: "self.server",
        links: &links,
        suffix,
    };
    let call = format!(".{method}({})", args.join(", "));
    let fits_below = (indent + 1) * 4 + layout::width(&call) + layout::width(suffix)
        <= layout::MAX_WIDTH
        && layout::width(&args.join(", ")) <= 60;
    let one_line = format!("self.server{call}");
    if layout::width(&one_line) <= 60
        && indent * 4 + layout::width(&one_line) + layout::width(suffix) <= layout::MAX_WIDTH
        || fits_below
    {
        chain.write(out);
        return;
    }
    out.line(indent, &format!("self.server.{method}("));
    for arg in args {
        out.line(indent + 1, &format!("{arg},"));
    }
    out.line(indent, &format!("){suffix}"));
}

/// The function reading an endpoint's arguments back from a request.
fn reader(out: &mut Out, endpoint: &Endpoint, group: &ApiGroup, indent: usize) {
    let args = args_type(endpoint, group);
    out.doc(
        indent,
        &format!(
            "Reads the arguments of {} back from a request.",
            endpoint_line(endpoint)
        ),
        false,
    );
    let unused = endpoint.path_params.is_empty() && endpoint.input.is_none();
    let param = format!(
        "{}: &FakeRequest",
        if unused { "_request" } else { "request" }
    );
    let head = format!("fn {}", reader_name(endpoint));
    match wide_tuple(&args) {
        Some(parts) => {
            out.line(indent, &format!("{head}("));
            out.line(indent + 1, &format!("{param},"));
            out.line(indent, ") -> Result<");
            out.line(indent + 1, "(");
            for part in &parts {
                out.line(indent + 2, &format!("{part},"));
            }
            out.line(indent + 1, "),");
            out.line(indent + 1, "XanoError,");
            out.line(indent, close(&parts, indent + 2));
        }
        None => layout::signature(
            out,
            indent,
            &head,
            &[param],
            &Ret {
                path: "Result".into(),
                args: vec![args, "XanoError".into()],
            },
        ),
    }
    let body = indent + 1;
    let params: Vec<(String, String)> = endpoint
        .path_params
        .iter()
        .map(|p| {
            let local = match p.ident.as_str() {
                "request" | "input" => format!("{}_param", p.ident),
                other => other.to_owned(),
            };
            (
                local,
                format!("request.path_param({})?", string_literal(&p.name)),
            )
        })
        .collect();
    let input = endpoint
        .input
        .as_ref()
        .map(|input| input_value(input, group));
    match (params.as_slice(), input) {
        ([], None) => out.line(body, "Ok(())"),
        ([(_, read)], None) => out.line(body, read.trim_end_matches('?')),
        ([], Some(value)) => value.write(out, body, "Ok(", ")"),
        (params, input) => {
            let mut names = Vec::new();
            for (local, read) in params {
                let line = format!("let {local} = {read};");
                if body * 4 + layout::width(&line) <= layout::MAX_WIDTH - 2 {
                    out.line(body, &line);
                } else {
                    out.line(body, &format!("let {local} ="));
                    out.line(body + 1, &format!("{read};"));
                }
                names.push(local.clone());
            }
            if let Some(value) = input {
                value.write(out, body, "let input = ", ";");
                names.push("input".to_owned());
            }
            let tuple = format!("Ok(({}))", names.join(", "));
            if body * 4 + layout::width(&tuple) <= layout::MAX_WIDTH
                && layout::width(&names.join(", ")) <= 60
            {
                out.line(body, &tuple);
            } else {
                out.line(body, "Ok((");
                for name in &names {
                    out.line(body + 1, &format!("{name},"));
                }
                out.line(body, "))");
            }
        }
    }
    out.line(indent, "}");
}

/// How the Input is read: a struct literal of its fields, or one read call.
enum InputValue {
    Struct {
        name: String,
        fields: Vec<(String, String)>,
    },
    Read(String),
}

impl InputValue {
    fn write(&self, out: &mut Out, indent: usize, prefix: &str, suffix: &str) {
        match self {
            InputValue::Struct { name, fields } if fields.is_empty() => {
                out.line(indent, &format!("{prefix}{name} {{}}{suffix}"))
            }
            InputValue::Struct { name, fields } => {
                input_literal(out, indent, prefix, name, fields, suffix)
            }
            InputValue::Read(read) => {
                // `Ok(request.input("x")?)` is just the read.
                if prefix == "Ok(" {
                    out.line(indent, read.trim_end_matches('?'));
                } else {
                    out.line(indent, &format!("{prefix}{read}{suffix}"));
                }
            }
        }
    }
}

/// `Name { field: request.input("…")?, … }` one field per line (every field is
/// wider than rustfmt's 18-column `struct_lit_width`); a field too wide for its
/// line breaks before the `.input(…)` call, as rustfmt breaks a chain.
fn input_literal(
    out: &mut Out,
    indent: usize,
    prefix: &str,
    name: &str,
    fields: &[(String, String)],
    suffix: &str,
) {
    let mut indent = indent;
    let mut prefix = prefix.to_owned();
    if let Some(lead) = prefix.strip_suffix(" = ")
        && indent * 4 + layout::width(&prefix) + layout::width(name) + 2 >= layout::MAX_WIDTH
    {
        out.line(indent, &format!("{lead} ="));
        indent += 1;
        prefix.clear();
    }
    // `Ok(Name {` overflows the call only while `Name {` is within
    // `fn_call_width`; else the literal goes inside `Ok(` on lines of its own.
    if prefix == "Ok(" && layout::width(name) + 2 > 60 {
        out.line(indent, "Ok(");
        input_literal(out, indent + 1, "", name, fields, ",");
        out.line(indent, &format!("){}", suffix.trim_start_matches(')')));
        return;
    }
    out.line(indent, &format!("{prefix}{name} {{"));
    for (ident, read) in fields {
        let line = format!("{ident}: {read},");
        // A value ending in `?` costs rustfmt's budget two more columns.
        if (indent + 1) * 4 + layout::width(&line) <= layout::MAX_WIDTH - 2 {
            out.line(indent + 1, &line);
        } else {
            let call = read.strip_prefix("request").unwrap_or(read);
            out.line(indent + 1, &format!("{ident}: request"));
            out.line(indent + 2, &format!("{call},"));
        }
    }
    out.line(indent, &format!("}}{suffix}"));
}

/// The mirror of `request_links`: where each Input field was put, it is read
/// back from.
fn input_value(input: &crate::model::Input, group: &ApiGroup) -> InputValue {
    let def = match &input.ty {
        TypeRef::Named(id) => match &group.types.get(*id).kind {
            TypeKind::Struct(def) => Some(def),
            TypeKind::Enum(_) => None,
        },
        _ => None,
    };
    match def {
        Some(def) => InputValue::Struct {
            name: own(&input.name),
            fields: struct_fields(def, input.body),
        },
        None => InputValue::Read(match input.body {
            BodyKind::Multipart => "request.input(\"body\")?".to_owned(),
            _ => "request.json_body()?".to_owned(),
        }),
    }
}

fn struct_fields(def: &StructDef, body: BodyKind) -> Vec<(String, String)> {
    def.fields
        .iter()
        .map(|field| {
            let name = string_literal(&field.name);
            let read = match field.location {
                Location::Header => format!("request.header_input({name})?"),
                Location::WholeBody => match body {
                    BodyKind::Multipart => format!("request.input({name})?"),
                    BodyKind::Text => "request.text_body()?".to_owned(),
                    BodyKind::Bytes => "request.bytes_body()?".to_owned(),
                    _ => "request.json_body()?".to_owned(),
                },
                Location::Body if field.ty.is_nullable_input() => {
                    format!("request.nullable_input({name})?")
                }
                Location::Query | Location::Body => format!("request.input({name})?"),
            };
            (field.ident.clone(), read)
        })
        .collect()
}

/// The handler's argument type: the path parameters, then the Input; a tuple
/// of them when there are several, `()` when there are none.
fn args_type(endpoint: &Endpoint, group: &ApiGroup) -> String {
    let mut parts: Vec<String> = endpoint
        .path_params
        .iter()
        .map(|p| own(&type_text(&p.ty, &group.types)))
        .collect();
    if let Some(input) = &endpoint.input {
        parts.push(own(&input.name));
    }
    match parts.as_slice() {
        [one] => one.clone(),
        _ => format!("({})", parts.join(", ")),
    }
}

fn args_description(endpoint: &Endpoint) -> String {
    let mut parts: Vec<String> = endpoint
        .path_params
        .iter()
        .map(|p| format!("`{}`", p.ident.trim_start_matches("r#")))
        .collect();
    if endpoint.input.is_some() {
        parts.push("the input".to_owned());
    }
    match parts.as_slice() {
        [] => "`()`".to_owned(),
        [one] => one.clone(),
        _ => format!("the tuple ({})", parts.join(", ")),
    }
}

/// The `> {` closing a broken return type: `>{` when an element could not fit
/// its line (rustfmt then keeps its own output and drops the space).
fn close(parts: &[&str], indent: usize) -> &'static str {
    if parts
        .iter()
        .any(|part| indent * 4 + layout::width(part) + 1 > layout::MAX_WIDTH)
    {
        ">{"
    } else {
        "> {"
    }
}

/// The elements of a tuple type too wide for rustfmt to keep on one line
/// (more than its 60-column `fn_call_width` inside the parentheses).
fn wide_tuple(ty: &str) -> Option<Vec<&str>> {
    let inner = ty.strip_prefix('(')?.strip_suffix(')')?;
    (layout::width(inner) > 60).then(|| inner.split(", ").collect())
}

/// A group type's name as the fake module spells it.
fn own(name: &str) -> String {
    if OWN_NAMES.contains(&name) {
        format!("super::{name}")
    } else {
        name.to_owned()
    }
}

fn register_name(fn_name: &str) -> String {
    if SERVER_OWN_METHODS
        .iter()
        .any(|method| method.name == fn_name)
    {
        format!("{fn_name}_endpoint")
    } else {
        fn_name.to_owned()
    }
}

fn reader_name(endpoint: &Endpoint) -> String {
    format!("{}_args", endpoint.fn_name.trim_start_matches("r#"))
}

fn endpoint_line(endpoint: &Endpoint) -> String {
    format!("`{} {}`", endpoint.method.as_str(), endpoint.path)
}
