//! Rust identifiers from Xano names: operation names from method + path, field and
//! type names from property names, with keywords and odd characters handled.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of every edition; `gen` is reserved since 2024.
const KEYWORDS: [&str; 52] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: [&str; 5] = ["crate", "self", "Self", "super", "_"];

/// The operation name DESIGN.md fixes: snake_case of method and path, path
/// parameters as `by_<param>`, other characters dropped, trailing slash ignored.
/// `GET /user/{user_id}` → `get_user_by_user_id`.
pub fn operation_name(method: &str, path: &str) -> String {
    let mut name = method.to_ascii_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let words = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                let param = ascii_snake(param);
                if param.is_empty() {
                    continue;
                }
                format!("by_{param}")
            }
            None => ascii_snake(segment),
        };
        if !words.is_empty() {
            name.push('_');
            name.push_str(&words);
        }
    }
    name
}

/// The shorter name a user reads more easily: a path parameter that is not the
/// last segment and only repeats the segment before it (`/workspace/{workspace_id}/table`,
/// `/books/{book_id}/cover`) is left out, since it is a positional argument
/// anyway. `POST /workspace/{workspace_id}/table/{table_id}/content/search` →
/// `post_workspace_table_content_search`. A final parameter stays
/// (`get_books_by_book_id` is not `get_books`).
pub fn short_operation_name(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut name = method.to_ascii_lowercase();
    for (index, segment) in segments.iter().enumerate() {
        let words = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                let param = ascii_snake(param);
                let last = index + 1 == segments.len();
                let previous = index
                    .checked_sub(1)
                    .map(|i| segments[i])
                    .filter(|s| !s.starts_with('{'))
                    .map(ascii_snake);
                let repeats = previous.is_some_and(|previous| {
                    let singular = singular_word(&previous)
                        .map(|s| ascii_snake(&s))
                        .unwrap_or_default();
                    param == "id"
                        || param == format!("{previous}_id")
                        || param == format!("{singular}_id")
                });
                if param.is_empty() || (repeats && !last) {
                    continue;
                }
                format!("by_{param}")
            }
            None => ascii_snake(segment),
        };
        if !words.is_empty() {
            name.push('_');
            name.push_str(&words);
        }
    }
    name
}

/// The function names of a group's operations (method, path): the short name
/// where no other operation would have it, else the full method-and-path name;
/// what still collides is settled by [`resolve_collisions`]; never `new` (the
/// client's constructor). The result does not depend on the order given.
pub fn operation_names(operations: &[(&str, &str)]) -> Vec<String> {
    let long: Vec<String> = operations
        .iter()
        .map(|(method, path)| operation_name(method, path))
        .collect();
    let short: Vec<String> = operations
        .iter()
        .map(|(method, path)| short_operation_name(method, path))
        .collect();
    let mut wanted: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (long, short) in long.iter().zip(&short) {
        *wanted.entry(long.as_str()).or_default() += 1;
        if short != long {
            *wanted.entry(short.as_str()).or_default() += 1;
        }
    }
    let candidates: Vec<Candidate> = operations
        .iter()
        .zip(long.iter().zip(&short))
        .map(|((method, path), (long, short))| {
            let name = if short != long && wanted[short.as_str()] == 1 {
                short.clone()
            } else {
                long.clone()
            };
            // The name spells the path as written: `/search_books`, not `/search-books`.
            let verbatim = format!(
                "{}{}",
                method.to_ascii_lowercase(),
                path.trim_end_matches('/').replace('/', "_")
            );
            Candidate {
                exact: verbatim == name,
                key: format!("{path} {method}"),
                name,
            }
        })
        .collect();
    resolve_collisions(&candidates, &["new"], "_")
}

/// One item's wish for a name, for [`resolve_collisions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The identifier the item would like.
    pub name: String,
    /// Whether the identifier is the item's own name unchanged (a property
    /// `user_id` wanting `user_id`; `userId` wanting it is not exact).
    pub exact: bool,
    /// What tells the item from the others wanting the same name (its wire name,
    /// its method and path): distinct items have distinct keys.
    pub key: String,
}

impl Candidate {
    /// The candidate of a field, variant or module named `source` on the wire or
    /// in the spec, wanting `ident`: exact when `ident` spells `source`.
    pub fn of(source: &str, ident: String, key: impl Into<String>) -> Candidate {
        Candidate {
            exact: serde_name(&ident) == source,
            name: ident,
            key: key.into(),
        }
    }
}

/// Gives every candidate a distinct name, by one rule for every kind of name
/// (fields, variants, functions, types, modules) that does not depend on the
/// order the candidates come in: among those wanting the same name, one that is
/// an exact spelling of its own name keeps it, else the smallest key; the others
/// get `{name}{sep}2`, `{name}{sep}3`… in the order of their keys. `reserved`
/// names go to no one.
pub fn resolve_collisions(candidates: &[Candidate], reserved: &[&str], sep: &str) -> Vec<String> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&candidates[a], &candidates[b]);
        (&a.name, !a.exact, &a.key).cmp(&(&b.name, !b.exact, &b.key))
    });
    let mut names = UniqueNames::default();
    names.reserve(reserved.iter().copied());
    let mut resolved: Vec<Option<String>> = vec![None; candidates.len()];
    // Plain names first, so that no suffixed name can take one.
    let mut previous: Option<&str> = None;
    for &index in &order {
        let name = candidates[index].name.as_str();
        if previous != Some(name) && !names.is_taken(name) {
            names.taken.insert(name.to_owned());
            resolved[index] = Some(name.to_owned());
        }
        previous = Some(name);
    }
    for &index in &order {
        if resolved[index].is_none() {
            resolved[index] = Some(names.claim(&candidates[index].name, sep));
        }
    }
    resolved.into_iter().flatten().collect()
}

/// snake_case over ASCII letters and digits only (emoji and other symbols split words
/// and are dropped).
pub fn ascii_snake(text: &str) -> String {
    cleaned(text).to_snake_case()
}

/// UpperCamelCase over ASCII letters and digits only.
pub fn ascii_pascal(text: &str) -> String {
    cleaned(text).to_upper_camel_case()
}

/// `text` with every character but ASCII letters and digits made a space, and
/// plural acronyms made one word (`IDs` → `Ids`, `URLs` → `Urls`): case
/// conversion would otherwise split them (`pairUserIDs` → `pair_user_i_ds`).
fn cleaned(text: &str) -> String {
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        let plural = run >= 2
            && chars.get(i + run) == Some(&'s')
            && !chars
                .get(i + run + 1)
                .is_some_and(|c| c.is_ascii_lowercase());
        if plural {
            out.push(chars[i]);
            out.extend(chars[i + 1..i + run].iter().map(|c| c.to_ascii_lowercase()));
            i += run;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// A field, parameter or module identifier for `name`; `fallback` is used when
/// nothing identifier-like is left. Keywords become raw identifiers (`r#type`).
pub fn snake_ident(name: &str, fallback: &str) -> String {
    let mut ident = ascii_snake(name);
    if ident.is_empty() {
        ident = fallback.to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    escape_keyword(ident)
}

/// A type or variant identifier for `name`; `prefix` goes before a leading digit
/// and `fallback` is used when nothing identifier-like is left.
pub fn pascal_ident(name: &str, prefix: &str, fallback: &str) -> String {
    let mut ident = ascii_pascal(name);
    if ident.is_empty() {
        ident = fallback.to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, prefix);
    }
    escape_keyword(ident)
}

fn escape_keyword(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// The wire name a field identifier stands for when serde derives it (raw
/// identifiers lose their `r#`).
pub fn serde_name(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// A rough English singular, for naming the item type of an array property:
/// `books` → `Book`, `categories` → `Category`, `people` → `Person`, `data` →
/// `DataItem` (a word that is not plural gets `Item`).
pub fn singular_pascal(prop: &str) -> String {
    if let Some(singular) = singular_word(prop)
        && singular != ascii_pascal(prop)
    {
        return singular;
    }
    singular_pascal_rough(prop)
}

fn singular_pascal_rough(prop: &str) -> String {
    let pascal = ascii_pascal(prop);
    let lower = pascal.to_ascii_lowercase();
    if lower.ends_with("ies") && pascal.len() > 3 {
        format!("{}y", &pascal[..pascal.len() - 3])
    } else if (lower.ends_with("sses") || lower.ends_with("xes") || lower.ends_with("ches"))
        && pascal.len() > 4
    {
        pascal[..pascal.len() - 2].to_owned()
    } else if lower.ends_with('s') && !lower.ends_with("ss") && pascal.len() > 1 {
        pascal[..pascal.len() - 1].to_owned()
    } else {
        format!("{pascal}Item")
    }
}

/// A password, token, secret or key by its name's words: `password`, `auth_token`,
/// `apiKey`, `client_secret`; not `tokens` or `token_count` (LLM usage counters).
/// Generated string fields so named are `xano_runtime::Secret`, and audit
/// reports them; the runtime hides them in error excerpts by the same rule,
/// which both take from `xano-names`.
pub fn is_secret_name(name: &str) -> bool {
    xano_names::is_credential_name(name)
}

/// The singular of a resource word, PascalCase, for naming what a path holds:
/// `books` → `Book`, `categories` → `Category`, `people` → `Person`, `post` →
/// `Post` (already singular). `None` when nothing identifier-like is left.
pub fn singular_word(word: &str) -> Option<String> {
    const IRREGULAR: [(&str, &str); 8] = [
        ("people", "person"),
        ("children", "child"),
        ("men", "man"),
        ("women", "woman"),
        ("data", "data"),
        ("media", "media"),
        ("criteria", "criterion"),
        ("status", "status"),
    ];
    let snake = ascii_snake(word);
    if snake.is_empty() {
        return None;
    }
    let (head, last) = match snake.rsplit_once('_') {
        Some((head, last)) => (Some(head), last),
        None => (None, snake.as_str()),
    };
    let singular = if let Some((_, one)) = IRREGULAR.iter().find(|(many, _)| *many == last) {
        (*one).to_owned()
    } else if let Some(stem) = last.strip_suffix("ies").filter(|s| !s.is_empty()) {
        format!("{stem}y")
    } else if ["sses", "xes", "ches", "shes", "zzes"]
        .iter()
        .any(|suffix| last.ends_with(suffix))
    {
        last[..last.len() - 2].to_owned()
    } else if last.ends_with('s') && !["ss", "us", "is"].iter().any(|s| last.ends_with(s)) {
        last[..last.len() - 1].to_owned()
    } else {
        last.to_owned()
    };
    let full = match head {
        Some(head) => format!("{head}_{singular}"),
        None => singular,
    };
    let pascal = pascal_ident(&full, "T", "Type");
    (!pascal.starts_with("r#")).then_some(pascal)
}

/// Makes names unique in order of arrival: the second `x` becomes `x_2` (or `X2`
/// for type-like names), the third `x_3`.
#[derive(Debug, Default)]
pub struct UniqueNames {
    taken: std::collections::HashSet<String>,
}

impl UniqueNames {
    /// Reserves names nothing generated may take.
    pub fn reserve<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        self.taken.extend(names.into_iter().map(str::to_owned));
    }

    /// Whether `name` is taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims `name`, or the first free `name{sep}N` from 2 up.
    pub fn claim(&mut self, name: &str, sep: &str) -> String {
        if self.taken.insert(name.to_owned()) {
            return name.to_owned();
        }
        // `r#type` must not become `r#type_2`.
        let base = serde_name(name);
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_follow_the_design() {
        assert_eq!(
            operation_name("GET", "/user/{user_id}"),
            "get_user_by_user_id"
        );
        assert_eq!(operation_name("post", "/auth/login"), "post_auth_login");
        assert_eq!(
            operation_name("GET", "/kpi-goals/list"),
            "get_kpi_goals_list"
        );
        assert_eq!(
            operation_name("GET", "/kpi_goals/list"),
            "get_kpi_goals_list"
        );
        assert_eq!(
            operation_name("GET", "/group/get_running_stats/{group_running_stats_id}/"),
            "get_group_get_running_stats_by_group_running_stats_id"
        );
        assert_eq!(
            operation_name("GET", "/owner/{ownerId}"),
            "get_owner_by_owner_id"
        );
        assert_eq!(operation_name("GET", "/🚀/x"), "get_x");
        assert_eq!(operation_name("GET", "/"), "get");
    }

    #[test]
    fn short_names_drop_parameters_that_repeat_their_segment() {
        assert_eq!(
            short_operation_name(
                "POST",
                "/workspace/{workspace_id}/table/{table_id}/content/search/delete"
            ),
            "post_workspace_table_content_search_delete"
        );
        assert_eq!(
            short_operation_name("POST", "/books/{book_id}/cover"),
            "post_books_cover"
        );
        assert_eq!(
            short_operation_name("GET", "/books/{book_id}"),
            "get_books_by_book_id"
        );
        assert_eq!(
            short_operation_name("GET", "/categories/{category_id}/posts"),
            "get_categories_posts"
        );
        assert_eq!(
            short_operation_name("GET", "/authors/{author_slug}/books/"),
            "get_authors_by_author_slug_books",
            "a parameter that says something else stays"
        );
        // `/books/cover` would take the short name: both keep their full names.
        let names = operation_names(&[
            ("POST", "/books/cover"),
            ("POST", "/books/{book_id}/cover"),
            ("GET", "/books/{book_id}/reviews"),
        ]);
        assert_eq!(
            names,
            [
                "post_books_cover",
                "post_books_by_book_id_cover",
                "get_books_reviews"
            ]
        );
    }

    #[test]
    fn identifiers_are_always_valid() {
        assert_eq!(snake_ident("type", "f"), "r#type");
        assert_eq!(snake_ident("self", "f"), "self_");
        assert_eq!(snake_ident("openai_threadID", "f"), "openai_thread_id");
        assert_eq!(snake_ident("Profile_Pic_File", "f"), "profile_pic_file");
        assert_eq!(snake_ident("1st place", "f"), "_1st_place");
        assert_eq!(snake_ident("pairUserIDs", "f"), "pair_user_ids");
        assert_eq!(snake_ident("imageURLs", "f"), "image_urls");
        assert_eq!(snake_ident("userID", "f"), "user_id");
        assert_eq!(snake_ident("IDsOfUsers", "f"), "ids_of_users");
        assert_eq!(pascal_ident("pairUserIDs", "T", "T"), "PairUserIds");
        assert_eq!(snake_ident("🚀", "field"), "field");
        assert_eq!(pascal_ident("pair_check-in", "V", "Empty"), "PairCheckIn");
        assert_eq!(pascal_ident("Bi-Weekly", "V", "Empty"), "BiWeekly");
        assert_eq!(pascal_ident("30", "V", "Empty"), "V30");
        assert_eq!(pascal_ident("", "V", "Empty"), "Empty");
        assert_eq!(pascal_ident("self", "V", "Empty"), "Self_");
    }

    #[test]
    fn singulars_and_uniqueness() {
        assert_eq!(singular_pascal("books"), "Book");
        assert_eq!(singular_pascal("categories"), "Category");
        assert_eq!(singular_pascal("addresses"), "Address");
        assert_eq!(singular_pascal("data"), "DataItem");
        assert_eq!(singular_pascal("class"), "ClassItem");
        let mut names = UniqueNames::default();
        assert_eq!(names.claim("get_x", "_"), "get_x");
        assert_eq!(names.claim("get_x", "_"), "get_x_2");
        assert_eq!(names.claim("get_x", "_"), "get_x_3");
        assert_eq!(names.claim("r#type", "_"), "r#type");
        assert_eq!(names.claim("r#type", "_"), "type_2");
    }
}
