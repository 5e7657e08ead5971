//! The report as text for a terminal, JSON, Markdown for a pull request, and
//! SARIF for code scanning.

use super::{Change, Class, Report};

const CLASSES: [(Class, &str); 3] = [
    (Class::Breaking, "Breaking for Rust callers"),
    (
        Class::Wire,
        "Breaking on the wire (compiles, behaves differently)",
    ),
    (Class::Additive, "Additive"),
];

fn summary(report: &Report) -> String {
    format!(
        "{} breaking, {} on the wire, {} additive",
        report.count(Class::Breaking),
        report.count(Class::Wire),
        report.count(Class::Additive)
    )
}

fn pointers(change: &Change) -> String {
    match (&change.old_pointer, &change.new_pointer) {
        (Some(old), Some(new)) if old == new => format!("at {old}"),
        (Some(old), Some(new)) => format!("was at {old}, now at {new}"),
        (Some(old), None) => format!("was at {old}"),
        (None, Some(new)) => format!("at {new}"),
        (None, None) => String::new(),
    }
}

/// For a terminal: a summary line, then the changes by class, group and
/// endpoint, each with its pointers and Rust items.
pub fn to_text(report: &Report) -> String {
    if report.changes.is_empty() {
        return "no changes\n".into();
    }
    let mut out = format!("{}\n", summary(report));
    for (class, title) in CLASSES {
        let changes: Vec<&Change> = report.changes.iter().filter(|c| c.class == class).collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title} ({}):\n", changes.len()));
        for change in changes {
            out.push_str(&format!(
                "  [{}] {}: {}: {}\n",
                change.kind, change.group, change.endpoint, change.message
            ));
            let at = pointers(change);
            if !at.is_empty() {
                out.push_str(&format!("      {at}\n"));
            }
            if !change.rust.is_empty() {
                out.push_str(&format!("      rust: {}\n", change.rust.join(", ")));
            }
        }
    }
    out
}

/// The report as JSON: `{"summary": {…}, "changes": […]}`.
pub fn to_json(report: &Report) -> serde_json::Value {
    serde_json::json!({
        "summary": {
            "breaking": report.count(Class::Breaking),
            "wire": report.count(Class::Wire),
            "additive": report.count(Class::Additive),
        },
        "changes": report.changes,
    })
}

/// For a pull-request comment: a summary, then a table per class.
pub fn to_markdown(report: &Report) -> String {
    let mut out = String::from("### Xano API changes\n\n");
    if report.changes.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    out.push_str(&format!("**{}**\n", summary(report)));
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    for (class, title) in CLASSES {
        let changes: Vec<&Change> = report.changes.iter().filter(|c| c.class == class).collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n#### {title} ({})\n\n| group | endpoint | change | Rust |\n|---|---|---|---|\n",
            changes.len()
        ));
        for change in changes {
            let rust: Vec<String> = change
                .rust
                .iter()
                .map(|r| format!("`{}`", cell(r)))
                .collect();
            out.push_str(&format!(
                "| {} | `{}` | {} | {} |\n",
                cell(&change.group),
                cell(&change.endpoint),
                cell(&change.message),
                rust.join("<br>")
            ));
        }
    }
    out
}

/// SARIF 2.1.0: one result per change, its kind as the rule, breaking changes
/// as errors, wire changes as warnings, additive ones as notes; the location
/// is the new spec (or the old one for what was removed) and JSON pointer.
pub fn to_sarif(report: &Report, old_file: &str, new_file: &str) -> serde_json::Value {
    let mut rules: Vec<&str> = report.changes.iter().map(|c| c.kind).collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<serde_json::Value> = report
        .changes
        .iter()
        .map(|change| {
            let level = match change.class {
                Class::Breaking => "error",
                Class::Wire => "warning",
                Class::Additive => "note",
            };
            let (file, pointer) = match (&change.new_pointer, &change.old_pointer) {
                (Some(new), _) => (new_file, new.as_str()),
                (None, Some(old)) => (old_file, old.as_str()),
                (None, None) => (new_file, ""),
            };
            serde_json::json!({
                "ruleId": change.kind,
                "level": level,
                "message": {"text": format!("{}: {}: {} ({})", change.group, change.endpoint, change.message, change.rust.join(", "))},
                "locations": [{
                    "physicalLocation": {"artifactLocation": {"uri": file}},
                    "logicalLocations": [{"fullyQualifiedName": pointer, "kind": "member"}]
                }],
                "properties": {"class": change.class.as_str(), "rust": change.rust},
            })
        })
        .collect();
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "xano-codegen diff",
                "informationUri": "https://github.com/xano-codegen/xano-codegen",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|id| serde_json::json!({"id": id})).collect::<Vec<_>>(),
            }},
            "results": results,
        }]
    })
}
