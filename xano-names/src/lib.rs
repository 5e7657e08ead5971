//! Which Xano field names hold credentials.
//!
//! One rule for the whole project: `xano-codegen` types string fields so named
//! as `xano_runtime::Secret` (never in `Debug`), and `xano-runtime` blanks their
//! values in the body excerpts of its errors. Both call [`is_credential_name`],
//! so a field the generator types as a secret is always one the runtime hides.
//!
//! ```
//! use xano_names::is_credential_name;
//!
//! assert!(is_credential_name("authToken"));
//! assert!(is_credential_name("V2APIKey"));
//! assert!(!is_credential_name("token_count")); // an LLM usage counter
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// Whether a field name names a credential by its words (`password`,
/// `authToken`, `refresh_token`, `apiKey`, `client_secret`, `pin`), not merely
/// contains one (`tokens` and `token_count` are LLM usage counters). The words
/// are those of [`words`], so `authToken`, `auth_token`, `AUTH-TOKEN` and
/// `AuthToken` are all the same name to this rule.
pub fn is_credential_name(name: &str) -> bool {
    let words = words(name);
    let last = words.last().map(String::as_str).unwrap_or_default();
    if ["password", "passwd", "secret", "token", "pin", "ssn"].contains(&last) {
        return true;
    }
    // Two-word credentials at the end: `api_key`, `x_api_key`, `privateKey`;
    // `apikey` as one word too.
    let pair = words
        .len()
        .checked_sub(2)
        .map(|at| format!("{}_{}", words[at], words[at + 1]));
    last == "apikey"
        || pair.is_some_and(|pair| {
            ["api_key", "access_key", "private_key", "secret_key"].contains(&pair.as_str())
        })
}

/// The lower-case words of an identifier-like name: `authToken` → `auth`,
/// `token`; `APIKey` → `api`, `key`; `client-secret` → `client`, `secret`;
/// `V2APIKey` → `v2`, `api`, `key`; `2Pin` → `2`, `pin`.
///
/// A word starts at an upper-case letter that follows a lower-case letter or a
/// digit, or that begins a capitalised word after an acronym (`APIKey`); any
/// character that is not an ASCII letter or digit separates words.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = c.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_not() {
        for credential in [
            "password",
            "authToken",
            "PASSWORD",
            "refresh_token",
            "APIKey",
            "V2APIKey",
            "x-api-key",
            "apikey",
            "client-secret",
            "2Pin",
            "privateKey",
        ] {
            assert!(is_credential_name(credential), "{credential}");
        }
        for plain in [
            "author_id",
            "photo",
            "tokens",
            "token_count",
            "keyword",
            "api",
            "key",
            "pinned",
            "spin",
        ] {
            assert!(!is_credential_name(plain), "{plain}");
        }
    }

    /// SplitMix64, for a seeded sweep without a dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// The property the generator and the runtime rely on: a name is a
    /// credential or not whatever way it is written. 200,000 names made of
    /// words (credential words among them, digits, acronyms), each written in
    /// six styles, get one answer per name.
    #[test]
    fn the_rule_does_not_depend_on_how_a_name_is_written() {
        const WORDS: [&str; 24] = [
            "auth", "token", "api", "key", "user", "id", "pin", "secret", "password", "v2",
            "access", "private", "refresh", "client", "count", "name", "ssn", "2", "x", "apikey",
            "passwd", "tokens", "data", "url",
        ];
        let mut rng = Rng(2026);
        for _ in 0..200_000 {
            let count = 1 + rng.below(4);
            let parts: Vec<&str> = (0..count).map(|_| WORDS[rng.below(WORDS.len())]).collect();
            let capitalised = |w: &str| {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            };
            let styles = [
                parts.join("_"),
                parts.join("-").to_ascii_uppercase(),
                parts
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        if i == 0 {
                            w.to_string()
                        } else {
                            capitalised(w)
                        }
                    })
                    .collect::<String>(),
                parts.iter().map(|w| capitalised(w)).collect::<String>(),
                parts.join(" "),
                parts.join("."),
            ];
            let answers: Vec<bool> = styles.iter().map(|s| is_credential_name(s)).collect();
            // Words that run together when written in camel case (`2` then
            // `pin` is `2Pin`, one word to no reader) are the same name only
            // where the splitter can tell them apart again.
            let separable = styles[3] != styles[3].to_ascii_lowercase()
                && words(&styles[3]) == words(&styles[0]);
            if separable {
                assert!(
                    answers.iter().all(|a| *a == answers[0]),
                    "{styles:?} → {answers:?}"
                );
            } else {
                assert_eq!(answers[0], answers[1], "{styles:?}");
                assert_eq!(answers[0], answers[4], "{styles:?}");
                assert_eq!(answers[0], answers[5], "{styles:?}");
            }
        }
    }
}
