//! rustfmt's layout (default configuration) for the constructs generated code
//! uses, so the text `emit` writes is already what `rustfmt` would make of it:
//! no formatter runs, and the bytes are the same on every machine.
//!
//! The rules are rustfmt's own widths: lines of at most 100 columns, method
//! chains on one line only when shorter than 60, struct literals inline only up
//! to 18, call arguments inline up to 60; past those, one element per line.
//! `tests/rustfmt_stable.rs` checks every fixture, real spec and a sweep of
//! synthetic ones against `rustfmt --check`.

/// rustfmt's `max_width`.
pub const MAX_WIDTH: usize = 100;
/// rustfmt's `chain_width`: a chain this wide or wider goes one call per line.
const CHAIN_WIDTH: usize = 60;
/// rustfmt's `struct_lit_width`.
const STRUCT_LIT_WIDTH: usize = 18;
/// rustfmt's `fn_call_width`.
const FN_CALL_WIDTH: usize = 60;
/// rustfmt's `attr_fn_like_width` (for attributes other than `derive`).
const ATTR_FN_LIKE_WIDTH: usize = 70;

/// Display width of `text` (what rustfmt measures lines by).
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// Generated source being written, line by line.
#[derive(Debug, Default)]
pub struct Out {
    text: String,
}

impl Out {
    /// An empty buffer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Out {
            text: String::with_capacity(capacity),
        }
    }

    /// One line at `indent` levels.
    pub fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.text.push_str("    ");
        }
        self.text.push_str(text);
        self.text.push('\n');
    }

    /// An empty line.
    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    /// `///` lines (or `//!` when `inner`) for `text`, one per line of it.
    pub fn doc(&mut self, indent: usize, text: &str, inner: bool) {
        let marker = if inner { "//!" } else { "///" };
        for line in text.lines() {
            let line = clean_doc_line(line);
            if line.is_empty() {
                self.line(indent, marker);
            } else {
                self.line(indent, &format!("{marker} {line}"));
            }
        }
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.text
    }

    /// The text written so far, for appending.
    pub fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }
}

/// A doc line a comment can hold: no carriage returns or other control
/// characters (a bare CR in a doc comment is a compile error).
fn clean_doc_line(line: &str) -> String {
    line.trim_end()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// `#[name(args)]`: on one line when it fits (and, but for `derive`, when the
/// arguments are within `attr_fn_like_width`), else one argument per line
/// (derive lists with a trailing comma, as rustfmt writes them).
pub fn attribute(out: &mut Out, indent: usize, name: &str, args: &[String]) {
    let inner = args.join(", ");
    let one_line = format!("#[{name}({inner})]");
    let narrow = name == "derive" || width(&inner) <= ATTR_FN_LIKE_WIDTH;
    if narrow && indent * 4 + width(&one_line) <= MAX_WIDTH {
        out.line(indent, &one_line);
        return;
    }
    out.line(indent, &format!("#[{name}("));
    let trailing = name == "derive";
    for (i, arg) in args.iter().enumerate() {
        let comma = if trailing || i + 1 < args.len() {
            ","
        } else {
            ""
        };
        out.line(indent + 1, &format!("{arg}{comma}"));
    }
    out.line(indent, ")]");
}

/// A return type: a path and, when generic, its arguments
/// (`Result` + [`Output`, `xano_runtime::Error`]).
pub struct Ret {
    /// The type path (`Result`, `xano_runtime::ResultStream`).
    pub path: String,
    /// The generic arguments.
    pub args: Vec<String>,
}

impl Ret {
    fn inline(&self) -> String {
        if self.args.is_empty() {
            self.path.clone()
        } else {
            format!("{}<{}>", self.path, self.args.join(", "))
        }
    }
}

/// A function signature `head(params) -> ret {`: on one line when it fits, else
/// one parameter per line, then the brace on a line of its own, then the return
/// type's generic arguments one per line, as far as rustfmt needs to go.
pub fn signature(out: &mut Out, indent: usize, head: &str, params: &[String], ret: &Ret) {
    let inline = ret.inline();
    let one_line = format!("{head}({}) -> {inline} {{", params.join(", "));
    if indent * 4 + width(&one_line) <= MAX_WIDTH {
        out.line(indent, &one_line);
        return;
    }
    // rustfmt keeps generics on the name's line when `head() {` would fit.
    match head.strip_suffix('>').and_then(|h| h.split_once('<')) {
        Some((name, generics)) if indent * 4 + width(head) + 4 > MAX_WIDTH => {
            out.line(indent, &format!("{name}<"));
            for generic in generics.split(", ") {
                out.line(indent + 1, &format!("{generic},"));
            }
            out.line(indent, ">(");
        }
        _ => out.line(indent, &format!("{head}(")),
    }
    for param in params {
        out.line(indent + 1, &format!("{param},"));
    }
    let close = format!(") -> {inline} {{");
    // rustfmt keeps the brace on this line only within the width minus the
    // indent counted twice (measured: 92 columns at 8 spaces, 96 at 4).
    if 2 * indent * 4 + width(&close) <= MAX_WIDTH {
        out.line(indent, &close);
    } else if indent * 4 + width(&close) - 4 <= MAX_WIDTH || ret.args.is_empty() {
        // (rustfmt measures the return type's room after `-> ` only, so this
        // line may be two columns wider than the others.)
        // The brace moves to a line of its own.
        out.line(indent, &format!(") -> {inline}"));
        out.line(indent, "{");
    } else {
        out.line(indent, &format!(") -> {}<", ret.path));
        for arg in &ret.args {
            out.line(indent + 1, &format!("{arg},"));
        }
        // When an argument cannot fit either, rustfmt keeps its own output
        // of the type and drops the space before the brace.
        let overflow = ret
            .args
            .iter()
            .any(|arg| (indent + 1) * 4 + width(arg) + 1 > MAX_WIDTH);
        out.line(indent, if overflow { ">{" } else { "> {" });
    }
}

/// A call's argument list: `(a, b)`, or `None` when it must go one argument
/// per line (several arguments wider than rustfmt's `fn_call_width`; a single
/// argument stays as long as the line fits).
fn inline_args(args: &[String]) -> Option<String> {
    let inner = args.join(", ");
    (args.len() <= 1 || width(&inner) <= FN_CALL_WIDTH).then(|| format!("({inner})"))
}

/// rustfmt's `short_array_element_width_threshold`.
const SHORT_ITEM_WIDTH: usize = 10;

/// The arguments of a call broken over lines: one per line, or, when every
/// one is a short simple expression (as all generated arguments are simple),
/// as many per line as fit (rustfmt's "mixed" tactic).
fn call_arguments(out: &mut Out, indent: usize, args: &[String]) {
    if args.len() > 1 && args.iter().all(|arg| width(arg) <= SHORT_ITEM_WIDTH) {
        let mut line = String::new();
        for arg in args {
            let item = format!("{arg},");
            if !line.is_empty() && indent * 4 + width(&line) + 1 + width(&item) > MAX_WIDTH {
                out.line(indent, &line);
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&item);
        }
        out.line(indent, &line);
        return;
    }
    for arg in args {
        out.line(indent, &format!("{arg},"));
    }
}

/// One link of a method chain: `.name(args)`, `.name()` or `.await`.
pub struct Link {
    /// The method (or `await`).
    pub name: String,
    /// The arguments; `None` for `.await` and field accesses.
    pub args: Option<Vec<String>>,
}

impl Link {
    /// `.name(args…)`.
    pub fn call(name: &str, args: &[String]) -> Link {
        Link {
            name: name.to_owned(),
            args: Some(args.to_vec()),
        }
    }

    /// `.await`.
    pub fn awaited() -> Link {
        Link {
            name: "await".to_owned(),
            args: None,
        }
    }

    fn inline(&self) -> String {
        match &self.args {
            None => format!(".{}", self.name),
            Some(args) => format!(".{}({})", self.name, args.join(", ")),
        }
    }
}

/// A method chain `root.link.link…` as the tail expression of a block at
/// `indent`, closed by `suffix`.
pub struct Chain<'a> {
    /// Block indent of the chain's first line.
    pub indent: usize,
    /// The receiver (`self.client`, `self`).
    pub root: &'a str,
    /// The calls, in order.
    pub links: &'a [Link],
    /// Text after the last link (`;`, ``).
    pub suffix: &'a str,
}

impl Chain<'_> {
    fn one_line(&self) -> String {
        std::iter::once(self.root.to_owned())
            .chain(self.links.iter().map(Link::inline))
            .collect()
    }

    /// Whether a root of at most an indent's width (`self`) keeps its first link.
    fn joined(&self) -> bool {
        width(self.root) <= 4 && !self.links.is_empty()
    }

    /// rustfmt gives up on a chain one of whose lines cannot fit, and keeps it
    /// as written (here: on one line).
    fn kept_as_written(&self) -> bool {
        let one_line = self.one_line();
        let indent = self.indent;
        if width(&one_line) <= CHAIN_WIDTH
            && indent * 4 + width(&one_line) + width(self.suffix) <= MAX_WIDTH
        {
            return false;
        }
        let rest = if self.joined() {
            &self.links[1..]
        } else {
            self.links
        };
        let too_wide = |link: &Link| {
            (indent + 1) * 4 + width(&link.inline()) > MAX_WIDTH
                && link.args.as_ref().is_none_or(|args| {
                    args.iter()
                        .any(|arg| (indent + 2) * 4 + width(arg) + 1 > MAX_WIDTH)
                })
        };
        if rest.iter().any(too_wide) {
            return true;
        }
        if !self.joined() {
            return indent * 4 + width(self.root) > MAX_WIDTH;
        }
        let first = format!("{}{}", self.root, self.links[0].inline());
        if indent * 4 + width(&first) <= MAX_WIDTH {
            return false;
        }
        // The joined first call can break its arguments one per line.
        self.links[0].args.as_ref().is_none_or(|args| {
            args.iter()
                .any(|arg| (indent + 1) * 4 + width(arg) + 1 > MAX_WIDTH)
        })
    }

    /// Writes the chain: on one line when narrower than rustfmt's
    /// `chain_width`, else the root (with the first link when joined) and then
    /// one link per line, a link's arguments one per line when they must.
    pub fn write(&self, out: &mut Out) {
        let (indent, suffix) = (self.indent, self.suffix);
        let one_line = self.one_line();
        if width(&one_line) <= CHAIN_WIDTH
            && indent * 4 + width(&one_line) + width(suffix) <= MAX_WIDTH
            || self.kept_as_written()
        {
            out.line(indent, &format!("{one_line}{suffix}"));
            return;
        }
        let mut rest = self.links;
        // Links after a first call whose arguments were broken stay at the
        // chain's own indent (`)` / `.await`).
        let mut link_indent = indent + 1;
        if self.joined() {
            let first = &self.links[0];
            rest = &self.links[1..];
            let line = format!("{}{}", self.root, first.inline());
            match &first.args {
                Some(args) if indent * 4 + width(&line) > MAX_WIDTH => {
                    out.line(indent, &format!("{}.{}(", self.root, first.name));
                    call_arguments(out, indent + 1, args);
                    out.line(indent, ")");
                    link_indent = indent;
                }
                _ => out.line(indent, &line),
            }
        } else {
            out.line(indent, self.root);
        }
        for (i, link) in rest.iter().enumerate() {
            let end = if i + 1 == rest.len() { suffix } else { "" };
            let inline = link.inline();
            let line_fits = link_indent * 4 + width(&inline) + width(end) <= MAX_WIDTH;
            match &link.args {
                Some(args) if !line_fits || inline_args(args).is_none() => {
                    out.line(link_indent, &format!(".{}(", link.name));
                    call_arguments(out, link_indent + 1, args);
                    out.line(link_indent, &format!("){end}"));
                }
                _ => out.line(link_indent, &format!("{inline}{end}")),
            }
        }
    }
}

/// A struct literal `Name { fields }` after `prefix` (`let input = `, `Ok(`),
/// closed by `suffix` (`;`, `)`): inline when the fields are no wider than
/// rustfmt's `struct_lit_width` and the line fits, else one field per line.
pub fn struct_literal(
    out: &mut Out,
    indent: usize,
    prefix: &str,
    name: &str,
    fields: &[String],
    suffix: &str,
) {
    let body = fields.join(", ");
    let one_line = format!("{prefix}{name} {{ {body} }}{suffix}");
    if width(&body) <= STRUCT_LIT_WIDTH && indent * 4 + width(&one_line) <= MAX_WIDTH {
        out.line(indent, &one_line);
        return;
    }
    // A `let` moves the literal under the `=` when it then fits on one line, or
    // when even `let x = Name {` is too wide (rustfmt moves it at exactly the
    // width, too).
    if let Some(lead) = prefix.strip_suffix(" = ") {
        let next_line = format!("{name} {{ {body} }}{suffix}");
        let fits_below =
            width(&body) <= STRUCT_LIT_WIDTH && (indent + 1) * 4 + width(&next_line) <= MAX_WIDTH;
        if fits_below || indent * 4 + width(prefix) + width(name) + 2 >= MAX_WIDTH {
            out.line(indent, &format!("{lead} ="));
            return struct_literal(out, indent + 1, "", name, fields, suffix);
        }
    }
    out.line(indent, &format!("{prefix}{name} {{"));
    for field in fields {
        // The base expression (`..input.clone()`) takes no comma.
        let comma = if field.starts_with("..") { "" } else { "," };
        out.line(indent + 1, &format!("{field}{comma}"));
    }
    out.line(indent, &format!("}}{suffix}"));
}

/// A struct field `pub name: Type,`, the type on its own line when the line
/// does not fit.
/// `let name = value;`, with the value on the next line when the whole does
/// not fit, as rustfmt breaks a long `let`.
pub fn let_statement(out: &mut Out, indent: usize, name: &str, value: &str) {
    let one_line = format!("let {name} = {value};");
    if indent * 4 + width(&one_line) <= MAX_WIDTH {
        out.line(indent, &one_line);
    } else {
        out.line(indent, &format!("let {name} ="));
        out.line(indent + 1, &format!("{value};"));
    }
}

pub fn field(out: &mut Out, indent: usize, name: &str, ty: &str) {
    let one_line = format!("pub {name}: {ty},");
    if indent * 4 + width(&one_line) <= MAX_WIDTH {
        out.line(indent, &one_line);
        return;
    }
    out.line(indent, &format!("pub {name}:"));
    out.line(indent + 1, &format!("{ty},"));
}

/// A match arm `pattern => value,`: a block when it does not fit on a line.
pub fn match_arm(out: &mut Out, indent: usize, pattern: &str, value: &str) {
    let one_line = format!("{pattern} => {value},");
    // A value ending in `?` costs rustfmt's budget two more columns (measured:
    // 98 fits, 99 does not).
    let limit = if value.ends_with('?') {
        MAX_WIDTH - 2
    } else {
        MAX_WIDTH
    };
    if indent * 4 + width(&one_line) <= limit {
        out.line(indent, &one_line);
        return;
    }
    out.line(indent, &format!("{pattern} => {{"));
    out.line(indent + 1, value);
    out.line(indent, "}");
}

/// `pub type Name = Target;`, the target on its own line when it does not fit.
pub fn type_alias(out: &mut Out, indent: usize, name: &str, target: &str) {
    let one_line = format!("pub type {name} = {target};");
    if indent * 4 + width(&one_line) <= MAX_WIDTH {
        out.line(indent, &one_line);
        return;
    }
    out.line(indent, &format!("pub type {name} ="));
    match generic_parts(target) {
        Some((path, args)) if (indent + 1) * 4 + width(target) + 1 > MAX_WIDTH => {
            out.line(indent + 1, &format!("{path}<"));
            for arg in args {
                out.line(indent + 2, &format!("{arg},"));
            }
            out.line(indent + 1, ">;");
        }
        _ => out.line(indent + 1, &format!("{target};")),
    }
}

/// `outer(inner(callee(args)))` as the tail of a block (the callers are the
/// wrapping calls, outermost first): on one line when the innermost call is
/// within `fn_call_width` and the line fits, else the wrappers on the first
/// line, the innermost call on its own (rustfmt overflows the last argument),
/// its arguments one per line when that line does not fit either.
pub fn nested_call(
    out: &mut Out,
    indent: usize,
    wrappers: [&str; 2],
    callee: &str,
    args: &[String],
) {
    let [outer, inner] = wrappers;
    let call = format!("{callee}({})", args.join(", "));
    let one_line = format!("{outer}({inner}({call}))");
    if width(&format!("{inner}({call})")) <= FN_CALL_WIDTH
        && indent * 4 + width(&one_line) <= MAX_WIDTH
    {
        out.line(indent, &one_line);
        return;
    }
    out.line(indent, &format!("{outer}({inner}("));
    if (indent + 1) * 4 + width(&call) < MAX_WIDTH && inline_args(args).is_some() {
        out.line(indent + 1, &format!("{call},"));
    } else {
        out.line(indent + 1, &format!("{callee}("));
        call_arguments(out, indent + 2, args);
        out.line(indent + 1, "),");
    }
    out.line(indent, "))");
}

/// `pub struct Name {` (or enum): the brace on a line of its own when the
/// line would be too wide. (rustfmt leaves the indent out of this measure for
/// structs without generics.)
pub fn item_header(out: &mut Out, indent: usize, head: &str) {
    let indent_counted = if head.starts_with("pub struct ") {
        0
    } else {
        indent * 4
    };
    if indent_counted + width(head) + 2 <= MAX_WIDTH {
        out.line(indent, &format!("{head} {{"));
    } else {
        out.line(indent, head);
        out.line(indent, "{");
    }
}

/// `impl Trait for Type {`, or when too wide, `for Type` on the next line
/// and the brace on its own.
/// (rustfmt leaves the indent out of this measure.)
pub fn impl_header(out: &mut Out, indent: usize, head: &str, ty: &str) {
    let one_line = format!("{head} for {ty} {{");
    if width(&one_line) <= MAX_WIDTH {
        out.line(indent, &one_line);
        return;
    }
    out.line(indent, head);
    out.line(indent + 1, &format!("for {ty}"));
    out.line(indent, "{");
}

/// Splits `Path<A, B<C>>` into `Path` and its top-level arguments.
fn generic_parts(ty: &str) -> Option<(&str, Vec<&str>)> {
    let (path, rest) = ty.split_once('<')?;
    let inner = rest.strip_suffix('>')?;
    let mut args = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    args.push(inner[start..].trim());
    Some((path, args))
}

/// A Rust string literal of `value` (escaped as `quote` would).
pub fn string_literal(value: &str) -> String {
    proc_macro2::Literal::string(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(write: impl FnOnce(&mut Out)) -> String {
        let mut out = Out::default();
        write(&mut out);
        out.finish()
    }

    #[test]
    fn chains_break_at_rustfmts_width() {
        let links = |path: &str| {
            vec![
                Link::call("get", &[format!("\"{path}\"")]),
                Link::call("auth", &[]),
                Link::call("send", &[]),
                Link::awaited(),
            ]
        };
        // 60 columns: one line; 61: one call per line.
        let short = lines(|out| {
            Chain {
                indent: 2,
                root: "self.client",
                links: &links(&"x".repeat(21)),
                suffix: "",
            }
            .write(out)
        });
        assert_eq!(short.lines().count(), 1, "{short}");
        let long = lines(|out| {
            Chain {
                indent: 2,
                root: "self.client",
                links: &links(&"x".repeat(22)),
                suffix: "",
            }
            .write(out)
        });
        assert_eq!(long.lines().count(), 5, "{long}");
        assert!(long.starts_with("        self.client\n            .get("));
    }

    #[test]
    fn struct_literals_inline_up_to_eighteen_columns() {
        let inline = lines(|out| {
            struct_literal(out, 1, "let x = ", "X", &["p18: Some(page123)".into()], ";")
        });
        assert_eq!(inline, "    let x = X { p18: Some(page123) };\n");
        let tall = lines(|out| {
            struct_literal(
                out,
                1,
                "let x = ",
                "X",
                &["p19: Some(page1234)".into()],
                ";",
            )
        });
        assert_eq!(
            tall,
            "    let x = X {\n        p19: Some(page1234),\n    };\n"
        );
    }

    #[test]
    fn doc_lines_never_hold_control_characters() {
        let text = lines(|out| out.doc(0, "a\rb\tc\n\nd", false));
        assert_eq!(text, "/// a b c\n///\n/// d\n");
    }
}
