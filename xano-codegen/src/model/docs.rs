//! Rustdoc text from the spec's HTML-ish descriptions.

/// Text without HTML: `<br>` becomes a line break, other tags go, the common
/// entities are decoded, and characters rustdoc would misread are escaped.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        match rest[start..].find('>') {
            Some(end) => {
                let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
                if tag.starts_with("br") || tag.starts_with("/p") || tag == "p" {
                    out.push('\n');
                }
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let lines: Vec<String> = decoded
        .lines()
        .map(|line| {
            line.trim()
                .replace('\t', " ")
                .replace("```", "'''")
                .replace('[', "\\[")
                .replace(']', "\\]")
                .replace('<', "\\<")
                .replace('>', "\\>")
        })
        .collect();
    // Collapse runs of blank lines left by `<br /><br />`.
    let mut text = String::new();
    for line in lines {
        if line.is_empty() && (text.is_empty() || text.ends_with("\n\n")) {
            continue;
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        if line.is_empty() {
            text.push('\n');
        } else {
            text.push_str(&line);
        }
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_stripped_from_docs() {
        assert_eq!(
            plain_text("Login and get a token\n<br /><br />\n<b>Authentication:</b> not required"),
            "Login and get a token\n\nAuthentication: not required"
        );
        assert_eq!(plain_text("a &amp; b [x] <3"), "a & b \\[x\\] \\<3");
        assert_eq!(
            plain_text("    indented\n```rust\ncode"),
            "indented\n'''rust\ncode"
        );
    }
}
