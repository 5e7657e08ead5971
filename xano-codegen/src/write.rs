//! Stage 6 — write: tokens become formatted source, written atomically or compared
//! with what is on disk (`--check`).

use crate::emit;
use crate::error::{Error, Result};
use crate::model::ApiGroup;
use proc_macro2::TokenStream;
use std::io::Write as _;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How generated source is formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formatting {
    /// prettyplease only: fast and needs no tools (build.rs output, which nobody
    /// reads or formats).
    Prettyplease,
    /// prettyplease, then `rustfmt` when it is installed, so checked-in code passes
    /// `cargo fmt --check`. The value is the rustfmt style edition (`2021`, `2024`).
    Rustfmt(&'static str),
}

/// Formats generated tokens and prefixes `header`.
pub fn format_source(header: &str, tokens: TokenStream, formatting: Formatting) -> Result<String> {
    let body = space_items(&unparse(tokens)?);
    Ok(finish(header, body, formatting))
}

/// Formats the modules of `groups` into one file, `pub mod <group> { … }` each, or,
/// with [`Wrapping::Items`], one group's items as a file of their own (directory
/// mode). The text is the same as [`format_source`] of [`emit::group_module`]'s
/// tokens, but made in parts on every core: tokens and syntax trees of a large spec
/// take far more memory than its source, and one part at a time keeps them small.
pub fn format_groups(
    header: &str,
    groups: &[ApiGroup],
    wrapping: Wrapping,
    formatting: Formatting,
) -> Result<String> {
    let plans: Vec<GroupPlan> = groups.iter().map(GroupPlan::new).collect();
    // Every part of every group, in file order, with its group's index.
    let parts: Vec<(usize, Part)> = plans
        .iter()
        .enumerate()
        .flat_map(|(g, plan)| plan.parts.iter().map(move |part| (g, part.clone())))
        .collect();
    let texts = run_parallel(parts.len(), |i| {
        let (g, part) = &parts[i];
        format_part(&groups[*g], &plans[*g], part, wrapping)
    })?;

    let mut body = String::with_capacity(texts.iter().map(String::len).sum::<usize>() + 64);
    let mut texts = texts.iter();
    for (group, plan) in groups.iter().zip(&plans) {
        if wrapping == Wrapping::Module {
            body.push_str(emit::MODULE_ATTRIBUTE);
            body.push('\n');
            body.push_str(&format!("pub mod {} {{\n", emit::ident(&group.module)));
        }
        for text in texts.by_ref().take(plan.parts.len()) {
            body.push_str(text);
        }
        if wrapping == Wrapping::Module {
            body.push_str("}\n");
        }
    }
    Ok(finish(header, space_items(&body), formatting))
}

/// How [`format_groups`] lays out each group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapping {
    /// `pub mod <group> { … }` per group: one file for every group.
    Module,
    /// The group's items at the top level: its own file.
    Items,
}

/// Endpoints and type items per part: small enough to keep memory flat on huge
/// specs, large enough that the per-part overhead does not show.
const ENDPOINTS_PER_PART: usize = 24;
const TYPES_PER_PART: usize = 48;

/// One independently formatted piece of a group module, in module order.
#[derive(Debug, Clone)]
enum Part {
    /// Module doc, imports, constants, the `Client` struct.
    Head,
    /// Methods of `impl Client`; the first part opens the block (and holds
    /// `Client::new`), the last closes it.
    Methods {
        endpoints: Range<usize>,
        first: bool,
        last: bool,
    },
    /// Type definitions and aliases.
    Types(Range<usize>),
}

/// A group's type order and its parts.
struct GroupPlan {
    layout: emit::Layout,
    parts: Vec<Part>,
}

impl GroupPlan {
    fn new(group: &ApiGroup) -> Self {
        let layout = emit::Layout::new(group);
        let endpoints = group.endpoints.len();
        let mut parts = vec![Part::Head];
        let method_chunks = endpoints.div_ceil(ENDPOINTS_PER_PART).max(1);
        for chunk in 0..method_chunks {
            let start = chunk * ENDPOINTS_PER_PART;
            parts.push(Part::Methods {
                endpoints: start..(start + ENDPOINTS_PER_PART).min(endpoints),
                first: chunk == 0,
                last: chunk + 1 == method_chunks,
            });
        }
        let items = layout.item_count();
        for start in (0..items).step_by(TYPES_PER_PART) {
            parts.push(Part::Types(start..(start + TYPES_PER_PART).min(items)));
        }
        GroupPlan { layout, parts }
    }
}

/// The text of one part, as it reads inside the whole module.
fn format_part(
    group: &ApiGroup,
    plan: &GroupPlan,
    part: &Part,
    wrapping: Wrapping,
) -> Result<String> {
    let tokens = match part {
        Part::Head => emit::head(group),
        Part::Methods {
            endpoints, first, ..
        } => emit::client_impl(group, endpoints.clone(), *first),
        Part::Types(range) => plan.layout.items(group, range.clone()),
    };
    // Formatted inside the same module as in the whole file, so line widths and
    // indentation match; the wrapper lines are then cut off.
    let (tokens, indent) = match wrapping {
        Wrapping::Module => {
            let module = emit::ident(&group.module);
            (quote::quote!(pub mod #module { #tokens }), "    ")
        }
        Wrapping::Items => (tokens, ""),
    };
    let text = unparse(tokens)?;
    let mut text = match wrapping {
        Wrapping::Module => cut(
            &text,
            &format!("pub mod {} {{\n", emit::ident(&group.module)),
            "}\n",
        )?,
        Wrapping::Items => text.as_str(),
    };
    if let Part::Methods { first, last, .. } = part {
        let open = format!("{indent}impl Client {{\n");
        let close = format!("{indent}}}\n");
        let inner = cut(text, &open, &close)?;
        let start = if *first { 0 } else { open.len() };
        let end = if *last {
            text.len()
        } else {
            open.len() + inner.len()
        };
        text = &text[start..end];
    }
    Ok(text.to_owned())
}

/// `text` without `prefix` and `suffix`, which must be there.
fn cut<'a>(text: &'a str, prefix: &str, suffix: &str) -> Result<&'a str> {
    text.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .ok_or_else(|| {
            internal(format!(
                "unexpected formatting of a part: {:?}",
                text.get(..80)
            ))
        })
}

/// Runs `job(0..count)` on up to one thread per core; results in index order.
fn run_parallel<F>(count: usize, job: F) -> Result<Vec<String>>
where
    F: Fn(usize) -> Result<String> + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count);
    if threads <= 1 {
        return (0..count).map(job).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Result<String>>> = (0..count).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            break done;
                        }
                        done.push((i, job(i)));
                    }
                })
            })
            .collect();
        for worker in workers {
            // A panic in a worker is a generator bug: let it surface as one.
            let done = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, result) in done {
                results[i] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(internal("a part was not formatted".into()))))
        .collect()
}

/// prettyplease's text of `tokens`, which must be a file's worth of items.
fn unparse(tokens: TokenStream) -> Result<String> {
    let file: syn::File = syn::parse2(tokens).map_err(|err| {
        internal(format!(
            "the generated code does not parse ({err}); please report this with the spec"
        ))
    })?;
    Ok(prettyplease::unparse(&file))
}

fn internal(message: String) -> Error {
    Error::Config {
        file: "generator".into(),
        message: format!("internal error: {message}"),
    }
}

/// The header, then `body`, through rustfmt when asked.
fn finish(header: &str, body: String, formatting: Formatting) -> String {
    let body = match formatting {
        Formatting::Prettyplease => body,
        Formatting::Rustfmt(edition) => rustfmt(&body, edition).unwrap_or(body),
    };
    format!("{header}{body}")
}

/// Runs `rustfmt` on `source`; `None` when rustfmt is missing or fails (the
/// prettyplease output is then kept).
pub fn rustfmt(source: &str, edition: &str) -> Option<String> {
    use std::process::{Command, Stdio};
    let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(rustfmt)
        .args(["--edition", edition, "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    // Write from another thread: rustfmt may fill its stdout pipe before reading
    // all of its input.
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// prettyplease puts items back to back; a blank line between items (and after a
/// module's doc comment) reads like hand-written code.
fn space_items(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 20);
    let mut previous: Option<&str> = None;
    for line in source.lines() {
        if let Some(prev) = previous {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let trimmed = line.trim_start();
            let starts_item = trimmed.starts_with("///")
                || trimmed.starts_with("#[")
                || trimmed.starts_with("pub ")
                || trimmed.starts_with("impl ")
                || trimmed.starts_with("use ");
            let prev_trimmed = prev.trim_start();
            let ends_item = prev_trimmed == "}"
                || (prev_trimmed.ends_with(';')
                    && (prev_trimmed.starts_with("pub ") || prev_trimmed.starts_with("use ")))
                || (prev_trimmed.starts_with("//!") && !trimmed.starts_with("//!"));
            if starts_item && ends_item && indent(line) == indent(prev) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

/// The comment every generated file starts with: generator version and the SHA-256
/// of each input spec, so a reader knows what produced it and from which bytes.
pub fn header(specs: &[(&str, &str)]) -> String {
    let mut out = format!(
        "// @generated by xano-codegen {} — do not edit by hand; regenerate instead.\n",
        env!("CARGO_PKG_VERSION")
    );
    for (title, sha256) in specs {
        out.push_str(&format!("// spec `{title}` sha256:{sha256}\n"));
    }
    out.push('\n');
    out
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory,
/// then a rename. Readers see the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let fail = |source: std::io::Error| Error::Write {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".xano-codegen-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    temp.write_all(contents).map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    temp.persist(path).map_err(|err| fail(err.error))?;
    Ok(())
}

/// What `--check` found for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The file holds exactly what would be generated.
    Fresh,
    /// The file does not exist.
    Missing,
    /// The file differs; a short unified diff.
    Changed(String),
}

/// Compares `expected` with the file at `path`.
pub fn check(path: &Path, expected: &str) -> Result<Drift> {
    let actual = match std::fs::read_to_string(path) {
        Ok(actual) => actual,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Drift::Missing),
        Err(source) => {
            return Err(Error::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    if actual == expected {
        return Ok(Drift::Fresh);
    }
    Ok(Drift::Changed(short_diff(&actual, expected, 40)))
}

/// A unified diff cut to `max_lines` lines, with a count of what was cut.
pub fn short_diff(old: &str, new: &str, max_lines: usize) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let stats = diff
        .iter_all_changes()
        .fold((0usize, 0usize), |(del, ins), change| match change.tag() {
            similar::ChangeTag::Delete => (del + 1, ins),
            similar::ChangeTag::Insert => (del, ins + 1),
            similar::ChangeTag::Equal => (del, ins),
        });
    let unified = diff
        .unified_diff()
        .context_radius(2)
        .header("on disk", "generated")
        .to_string();
    let total = unified.lines().count();
    let mut out: String = unified
        .lines()
        .take(max_lines)
        .map(|line| format!("{line}\n"))
        .collect();
    if total > max_lines {
        out.push_str(&format!("… {} more diff lines\n", total - max_lines));
    }
    out.push_str(&format!(
        "{} lines removed, {} lines added\n",
        stats.0, stats.1
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/out.rs");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn items_get_blank_lines_between_them() {
        let spaced = space_items(
            "mod a {\n    //! Doc.\n    use x::Y;\n    pub const A: u8 = 1;\n    /// B.\n    pub struct B {\n        f: u8,\n    }\n    impl B {}\n}\n",
        );
        assert_eq!(
            spaced,
            "mod a {\n    //! Doc.\n\n    use x::Y;\n\n    pub const A: u8 = 1;\n\n    /// B.\n    pub struct B {\n        f: u8,\n    }\n\n    impl B {}\n}\n"
        );
    }

    #[test]
    fn check_reports_drift() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.rs");
        assert_eq!(check(&path, "a\n").unwrap(), Drift::Missing);
        std::fs::write(&path, "a\nb\n").unwrap();
        assert_eq!(check(&path, "a\nb\n").unwrap(), Drift::Fresh);
        match check(&path, "a\nc\n").unwrap() {
            Drift::Changed(diff) => {
                assert!(diff.contains("-b") && diff.contains("+c"), "{diff}");
                assert!(diff.ends_with("1 lines removed, 1 lines added\n"), "{diff}");
            }
            other => panic!("{other:?}"),
        }
    }
}
