//! `xano-codegen audit`: Xano's pre-launch security checklist, checked from the specs.
//!
//! Most launch-day incidents Xano describes are "ghost endpoints": live,
//! unauthenticated endpoints nobody remembers (often auto-generated CRUD), and
//! endpoints that require auth but trust an id from the request. A spec cannot prove
//! an endpoint safe or unsafe, so every finding is a place to look, with a reason and
//! a fix; accepted findings go in `[audit] allow` of `xano.toml`.

use crate::error::escape_pointer_token;
use crate::model::HttpMethod;
use openapiv3::{OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, Type};
use serde::Serialize;
use std::collections::BTreeMap;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Worth checking before launch.
    Warn,
    /// Likely a hole.
    Error,
}

impl Severity {
    /// `info`, `warn`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }

    /// Parses `info`, `warn`/`warning`, `error`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "warn" | "warning" => Some(Severity::Warn),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A rule: stable id, default severity, one-line description.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// Stable id, used in `[audit] allow` and SARIF.
    pub id: &'static str,
    /// What it looks for.
    pub description: &'static str,
    /// The usual fix.
    pub fix: &'static str,
}

/// Every rule, in report order.
pub const RULES: [Rule; 8] = [
    Rule {
        id: "public-write",
        description: "A public endpoint that creates, changes or deletes data.",
        fix: "Require authentication, or check a secret or signature in the function stack.",
    },
    Rule {
        id: "public-user-data",
        description: "A public endpoint whose path or response holds user data.",
        fix: "Require authentication, or return only the fields the public may see.",
    },
    Rule {
        id: "ghost-crud",
        description: "The auto-generated CRUD family of a table is still live.",
        fix: "Delete the endpoints you do not use; protect the rest.",
    },
    Rule {
        id: "id-from-input",
        description: "An authenticated endpoint takes a user id as input.",
        fix: "Filter by auth.id instead of trusting the input (or check the input against auth.id).",
    },
    Rule {
        id: "secret-in-query",
        description: "A password, token or key travels in the query string.",
        fix: "Move it to the body or a header: query strings land in logs and Request History.",
    },
    Rule {
        id: "unbounded-list",
        description: "A list endpoint returns an array with no paging input.",
        fix: "Add paging (page/per_page) and a rate limit.",
    },
    Rule {
        id: "webhook-signature",
        description: "A webhook endpoint has no signature input.",
        fix: "Verify the sender's signature (e.g. Stripe-Signature) before acting.",
    },
    Rule {
        id: "swagger-public",
        description: "The group's API documentation is public.",
        fix: "Set the group's Swagger documentation to Private or Disabled before launch.",
    },
];

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule id.
    pub rule: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// The API group (the spec's title).
    pub group: String,
    /// The spec file or URL.
    pub file: String,
    /// `GET`, `POST`, … (empty for group-level findings).
    pub method: String,
    /// The endpoint path (empty for group-level findings).
    pub path: String,
    /// JSON pointer of the node in the spec.
    pub pointer: String,
    /// Why, in one line.
    pub reason: String,
    /// What to do, in one line.
    pub fix: String,
}

impl Finding {
    /// `rule METHOD /path` (or `rule` for group-level findings): the form
    /// `[audit] allow` entries take.
    pub fn key(&self) -> String {
        if self.path.is_empty() {
            self.rule.to_owned()
        } else {
            format!("{} {} {}", self.rule, self.method, self.path)
        }
    }

    /// Whether an `allow` entry (`rule`, `rule /path`, or `rule METHOD /path`)
    /// accepts this finding.
    pub fn allowed_by(&self, entry: &str) -> bool {
        let parts: Vec<&str> = entry.split_whitespace().collect();
        match parts.as_slice() {
            [rule] => *rule == self.rule,
            [rule, path] => *rule == self.rule && *path == self.path,
            [rule, method, path] => {
                *rule == self.rule
                    && method.eq_ignore_ascii_case(&self.method)
                    && *path == self.path
            }
            _ => false,
        }
    }
}

/// What is wrong with an `[audit] allow` entry, if anything: a rule that does
/// not exist (with the closest one), a shape that is not `rule`, `rule /path` or
/// `rule METHOD /path`, or an entry that matches no finding (stale, or a typo in
/// the path).
pub fn allow_problem(entry: &str, findings: &[Finding]) -> Option<String> {
    let parts: Vec<&str> = entry.split_whitespace().collect();
    let Some(rule) = parts.first() else {
        return Some("empty entry".into());
    };
    let known: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    if !known.contains(rule) {
        let closest = known
            .iter()
            .min_by_key(|id| crate::edit_distance(id, rule))
            .map(|id| format!(" (did you mean `{id}`?)"))
            .unwrap_or_default();
        return Some(format!(
            "no rule `{rule}`{closest}; the rules are: {}",
            known.join(", ")
        ));
    }
    if parts.len() > 3 {
        return Some("expected `rule`, `rule /path` or `rule METHOD /path`".into());
    }
    if !findings.iter().any(|f| f.allowed_by(entry)) {
        return Some("matches no finding (fixed already, or a different path?)".into());
    }
    None
}

/// One spec to audit.
#[derive(Debug)]
pub struct AuditInput<'a> {
    /// The spec.
    pub spec: &'a OpenAPI,
    /// Its file or URL, for findings.
    pub file: &'a str,
    /// Whether it was read from a public `apispec:` URL without a token.
    pub fetched_publicly: bool,
}

/// Runs every rule on `input`; findings sorted by severity (worst first), then path.
pub fn audit(input: &AuditInput<'_>) -> Vec<Finding> {
    let group = input.spec.info.title.trim().to_owned();
    let mut findings = Vec::new();
    let mut push = |rule: &'static str,
                    severity: Severity,
                    op: Option<&Op<'_>>,
                    pointer: String,
                    reason: String| {
        let fix = RULES
            .iter()
            .find(|r| r.id == rule)
            .map(|r| r.fix)
            .unwrap_or_default();
        findings.push(Finding {
            rule,
            severity,
            group: group.clone(),
            file: input.file.to_owned(),
            method: op.map(|o| o.method.as_str().to_owned()).unwrap_or_default(),
            path: op.map(|o| o.path.to_owned()).unwrap_or_default(),
            pointer,
            reason,
            fix: fix.to_owned(),
        });
    };

    let ops = operations(input.spec);
    for op in &ops {
        let public = !op.auth;
        let words = path_words(op.path);
        // Xano's Authentication group lives under /auth (sign-in, SSO, 2FA codes).
        let is_auth_flow = op.path.starts_with("/auth/")
            || AUTH_FLOW
                .iter()
                .any(|w| words.iter().any(|p| p.contains(w)));
        let is_webhook = WEBHOOK.iter().any(|w| words.iter().any(|p| p.contains(w)));
        let inputs = op.input_names();

        if public
            && op.method != HttpMethod::Get
            && op.method != HttpMethod::Head
            && !is_auth_flow
            && !is_webhook
        {
            push(
                "public-write",
                Severity::Error,
                Some(op),
                op.pointer.clone(),
                format!(
                    "anyone can call {} {} without signing in",
                    op.method.as_str(),
                    op.path
                ),
            );
        }

        if public && !is_auth_flow {
            let response_fields = op.response_field_names();
            let secret = response_fields
                .iter()
                .find(|f| crate::model::naming::is_secret_name(f));
            let personal = words
                .iter()
                .chain(response_fields.iter())
                .find(|w| USER_DATA.iter().any(|u| w.to_ascii_lowercase().contains(u)));
            if let Some(secret) = secret {
                push(
                    "public-user-data",
                    Severity::Error,
                    Some(op),
                    op.pointer.clone(),
                    format!("public response includes `{secret}`"),
                );
            } else if let Some(word) = personal {
                push(
                    "public-user-data",
                    Severity::Warn,
                    Some(op),
                    op.pointer.clone(),
                    format!("public endpoint exposes user data (`{word}`)"),
                );
            }
        }

        if op.auth
            && !op.path.starts_with("/me")
            && !op.path.starts_with("/auth")
            && let Some(name) = inputs.iter().find(|(name, _)| is_owner_id(name))
        {
            push(
                "id-from-input",
                Severity::Warn,
                Some(op),
                name.1.clone(),
                format!(
                    "takes `{}` from the request while the caller is known from the token",
                    name.0
                ),
            );
        }

        for (name, pointer, in_query) in op.parameters() {
            if in_query && crate::model::naming::is_secret_name(&name.to_ascii_lowercase()) {
                push(
                    "secret-in-query",
                    Severity::Error,
                    Some(op),
                    pointer,
                    format!("`{name}` is sent in the query string"),
                );
            }
        }

        if op.method == HttpMethod::Get
            && op.returns_array()
            && !inputs
                .iter()
                .any(|(n, _)| PAGING.contains(&n.to_ascii_lowercase().as_str()))
        {
            let severity = if public {
                Severity::Warn
            } else {
                Severity::Info
            };
            push(
                "unbounded-list",
                severity,
                Some(op),
                op.pointer.clone(),
                "returns a whole array: every record in one call".into(),
            );
        }

        if is_webhook && op.method != HttpMethod::Get {
            let signed = inputs
                .iter()
                .any(|(n, _)| SIGNATURE.iter().any(|s| n.to_ascii_lowercase().contains(s)));
            if !signed {
                let severity = if public {
                    Severity::Error
                } else {
                    Severity::Warn
                };
                push(
                    "webhook-signature",
                    severity,
                    Some(op),
                    op.pointer.clone(),
                    "looks like a webhook but takes no signature input".into(),
                );
            }
        }
    }

    // ghost-crud: GET /t, GET /t/{id}, POST /t, PATCH|PUT /t/{id}, DELETE /t/{id}.
    let mut tables: BTreeMap<&str, Vec<&Op<'_>>> = BTreeMap::new();
    for op in &ops {
        if let Some(table) = crud_table(op.path) {
            tables.entry(table).or_default().push(op);
        }
    }
    for (table, members) in tables {
        let has = |method: HttpMethod, item: bool| {
            members
                .iter()
                .any(|o| o.method == method && o.path.contains('{') == item)
        };
        let family = has(HttpMethod::Get, false)
            && has(HttpMethod::Get, true)
            && has(HttpMethod::Post, false)
            && (has(HttpMethod::Patch, true) || has(HttpMethod::Put, true))
            && has(HttpMethod::Delete, true);
        if family {
            let public: Vec<String> = members
                .iter()
                .filter(|o| !o.auth)
                .map(|o| format!("{} {}", o.method.as_str(), o.path))
                .collect();
            let severity = if public.is_empty() {
                Severity::Warn
            } else {
                Severity::Error
            };
            let first = members[0];
            let reason = if public.is_empty() {
                format!("the full CRUD family of `{table}` is live")
            } else {
                format!(
                    "the full CRUD family of `{table}` is live, {} of it public ({})",
                    public.len(),
                    public.join(", ")
                )
            };
            push(
                "ghost-crud",
                severity,
                Some(first),
                first.pointer.clone(),
                reason,
            );
        }
    }

    if input.fetched_publicly {
        push(
            "swagger-public",
            Severity::Info,
            None,
            "/info".into(),
            format!("the documentation of `{group}` was readable without a token"),
        );
    }

    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.method.cmp(&b.method))
            .then_with(|| a.rule.cmp(b.rule))
    });
    findings
}

/// Path words that mark sign-up, login and password flows (public by design).
const AUTH_FLOW: [&str; 12] = [
    "login", "signup", "sign_up", "register", "password", "forgot", "reset", "magic", "verify",
    "otp", "oauth", "logout",
];
const WEBHOOK: [&str; 4] = ["webhook", "stripe", "callback", "hook"];
const USER_DATA: [&str; 11] = [
    "user", "account", "email", "phone", "address", "password", "token", "payment", "card",
    "birth", "ssn",
];
const PAGING: [&str; 7] = [
    "page", "per_page", "perpage", "offset", "limit", "cursor", "external",
];
const SIGNATURE: [&str; 5] = ["signature", "sig", "hmac", "secret", "token"];

fn is_owner_id(name: &str) -> bool {
    let snake = crate::model::naming::ascii_snake(name);
    [
        "user_id",
        "users_id",
        "owner_id",
        "account_id",
        "customer_id",
        "member_id",
        "profile_id",
    ]
    .iter()
    .any(|suffix| snake == *suffix || snake.ends_with(&format!("_{suffix}")))
}

/// Lower-case words of a path's literal segments.
fn path_words(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// `users` for `/users` and `/users/{users_id}`: single-segment CRUD paths.
fn crud_table(path: &str) -> Option<&str> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        [table] if !table.starts_with('{') => Some(table),
        [table, id] if !table.starts_with('{') && id.starts_with('{') => Some(table),
        _ => None,
    }
}

struct Op<'a> {
    method: HttpMethod,
    path: &'a str,
    operation: &'a openapiv3::Operation,
    auth: bool,
    pointer: String,
}

fn operations(spec: &OpenAPI) -> Vec<Op<'_>> {
    let mut ops = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for method in HttpMethod::ALL {
            let operation = method.operation(item);
            let Some(operation) = operation else { continue };
            let auth = crate::model::requires_auth(spec, operation);
            ops.push(Op {
                method,
                path,
                operation,
                auth,
                pointer: format!(
                    "/paths/{}/{}",
                    escape_pointer_token(path),
                    method.as_str().to_ascii_lowercase()
                ),
            });
        }
    }
    ops
}

impl Op<'_> {
    /// `(name, pointer, in query)` of every inline parameter.
    fn parameters(&self) -> Vec<(String, String, bool)> {
        self.operation
            .parameters
            .iter()
            .enumerate()
            .filter_map(|(index, param)| {
                let ReferenceOr::Item(param) = param else {
                    return None;
                };
                let in_query = matches!(param, Parameter::Query { .. });
                Some((
                    param.parameter_data_ref().name.clone(),
                    format!("{}/parameters/{index}", self.pointer),
                    in_query,
                ))
            })
            .collect()
    }

    /// Every input name (parameters and top-level body properties) with its pointer.
    fn input_names(&self) -> Vec<(String, String)> {
        let mut names: Vec<(String, String)> = self
            .parameters()
            .into_iter()
            .map(|(n, p, _)| (n, p))
            .collect();
        if let Some(ReferenceOr::Item(body)) = &self.operation.request_body {
            for (media_type, media) in &body.content {
                if let Some(ReferenceOr::Item(schema)) = &media.schema {
                    for name in object_properties(schema) {
                        let pointer = format!(
                            "{}/requestBody/content/{}/schema/properties/{}",
                            self.pointer,
                            escape_pointer_token(media_type),
                            escape_pointer_token(&name)
                        );
                        if !names.iter().any(|(n, _)| *n == name) {
                            names.push((name, pointer));
                        }
                    }
                }
            }
        }
        names
    }

    fn success_schema(&self) -> Option<&Schema> {
        let (_, response) = self
            .operation
            .responses
            .responses
            .iter()
            .find(|(code, _)| code.to_string().starts_with('2'))?;
        let ReferenceOr::Item(response) = response else {
            return None;
        };
        let media = response
            .content
            .get("application/json")
            .or_else(|| response.content.values().next())?;
        match media.schema.as_ref()? {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { .. } => None,
        }
    }

    fn returns_array(&self) -> bool {
        matches!(
            self.success_schema().map(|s| &s.schema_kind),
            Some(SchemaKind::Type(Type::Array(_)))
        )
    }

    /// Property names anywhere in the success response.
    fn response_field_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        if let Some(schema) = self.success_schema() {
            collect_names(schema, &mut names, 0);
        }
        names
    }
}

fn object_properties(schema: &Schema) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => object.properties.keys().cloned().collect(),
        SchemaKind::Any(any) => any.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

fn collect_names(schema: &Schema, names: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    let nested: Vec<&ReferenceOr<Box<Schema>>> = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            names.extend(object.properties.keys().cloned());
            object.properties.values().collect()
        }
        SchemaKind::Type(Type::Array(array)) => array.items.iter().collect(),
        _ => Vec::new(),
    };
    for child in nested {
        if let ReferenceOr::Item(child) = child {
            collect_names(child, names, depth + 1);
        }
    }
}

/// The findings as a table grouped by severity (ANSI colours when `color`).
pub fn to_text(findings: &[Finding], allowed: usize, color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    for severity in [Severity::Error, Severity::Warn, Severity::Info] {
        let group: Vec<&Finding> = findings.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let (code, title) = match severity {
            Severity::Error => ("1;31", "ERROR"),
            Severity::Warn => ("1;33", "WARN"),
            Severity::Info => ("1;36", "INFO"),
        };
        out.push_str(&paint(code, &format!("{title} ({})", group.len())));
        out.push('\n');
        for finding in group {
            let endpoint = if finding.path.is_empty() {
                finding.group.clone()
            } else {
                format!("{} {}", finding.method, finding.path)
            };
            out.push_str(&format!(
                "  {:<18} {endpoint}  [{}]\n",
                finding.rule, finding.group
            ));
            out.push_str(&format!("  {:<18} {}\n", "", finding.reason));
            out.push_str(&format!("  {:<18} fix: {}\n", "", finding.fix));
        }
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    out.push_str(&format!(
        "{} error, {} warn, {} info{}\n",
        count(Severity::Error),
        count(Severity::Warn),
        count(Severity::Info),
        if allowed > 0 {
            format!(" ({allowed} allowed by xano.toml)")
        } else {
            String::new()
        }
    ));
    out
}

/// SARIF 2.1.0, as GitHub code scanning reads it. `line_of(file, pointer)` gives the
/// 1-based line of a JSON pointer in a spec file.
pub fn to_sarif(findings: &[Finding], line_of: impl Fn(&str, &str) -> usize) -> serde_json::Value {
    use serde_json::json;
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    };
    let default_level = |id: &str| match id {
        "public-write" | "secret-in-query" => "error",
        "swagger-public" => "note",
        _ => "warning",
    };
    let rules: Vec<serde_json::Value> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule.id,
                "shortDescription": {"text": rule.description},
                "fullDescription": {"text": format!("{} {}", rule.description, rule.fix)},
                "help": {"text": rule.fix},
                "defaultConfiguration": {"level": default_level(rule.id)}
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let rule_index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let name = if f.path.is_empty() { f.group.clone() } else { format!("{} {}", f.method, f.path) };
            json!({
                "ruleId": f.rule,
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": {"text": format!("{} ({}). Fix: {}", f.reason, name, f.fix)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file.trim_start_matches("./")},
                        "region": {"startLine": line_of(&f.file, &f.pointer).max(1)}
                    },
                    "logicalLocations": [{"fullyQualifiedName": format!("{}::{name}", f.group), "kind": "function"}]
                }],
                "partialFingerprints": {"xanoFinding/v1": crate::source::sha256_hex(format!("{}|{}", f.group, f.key()).as_bytes())},
                "properties": {"pointer": f.pointer, "group": f.group}
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "xano-codegen",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/xano-codegen/xano-codegen",
                "rules": rules
            }},
            "results": results
        }]
    })
}

/// The 1-based line where the node at `pointer` starts in JSON `text`
/// (approximate: each key is searched after the previous one; array indices are
/// skipped). Minified specs are all line 1.
pub fn pointer_line(text: &str, pointer: &str) -> usize {
    let mut offset = 0;
    for token in pointer.split('/').skip(1) {
        if token.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let key = token.replace("~1", "/").replace("~0", "~");
        let needle = serde_json::to_string(&key).unwrap_or_default();
        match text[offset..].find(&needle) {
            Some(found) => offset += found + needle.len(),
            None => break,
        }
    }
    text[..offset].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_by_word() {
        for secret in [
            "password",
            "authToken",
            "refresh_token",
            "apiKey",
            "client_secret",
            "stripe_secret_key",
            "pin",
        ] {
            assert!(crate::model::naming::is_secret_name(secret), "{secret}");
        }
        for plain in [
            "tokens",
            "token_count",
            "spinner",
            "keyword",
            "passwords_changed_at",
        ] {
            assert!(!crate::model::naming::is_secret_name(plain), "{plain}");
        }
        assert!(is_owner_id("user_id") && is_owner_id("ownerId") && is_owner_id("pairs_user_id"));
        assert!(!is_owner_id("book_id") && !is_owner_id("user_idx"));
    }

    #[test]
    fn allow_entries() {
        let finding = Finding {
            rule: "public-write",
            severity: Severity::Error,
            group: "g".into(),
            file: "f".into(),
            method: "POST".into(),
            path: "/auth/signup".into(),
            pointer: String::new(),
            reason: String::new(),
            fix: String::new(),
        };
        assert!(finding.allowed_by("public-write POST /auth/signup"));
        assert!(finding.allowed_by("public-write /auth/signup"));
        assert!(finding.allowed_by("public-write"));
        assert!(!finding.allowed_by("public-write GET /auth/signup"));
        assert!(!finding.allowed_by("ghost-crud"));
        assert_eq!(finding.key(), "public-write POST /auth/signup");
    }

    #[test]
    fn pointers_map_to_lines() {
        let text = "{\n  \"paths\": {\n    \"/a\": {},\n    \"/b/{id}\": {\n      \"get\": {}\n    }\n  }\n}";
        assert_eq!(pointer_line(text, "/paths/~1b~1{id}/get"), 5);
        assert_eq!(pointer_line(text, "/paths/~1a"), 3);
        assert_eq!(pointer_line(text, "/nowhere"), 1);
    }
}
