//! Every comment that cites the project's Xano facts (`docs/XANO.md §n`) points at
//! a document in the repository and a section it has.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() && name != "target" && name != "node_modules" && name != ".git" {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_citation_of_the_xano_facts_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let facts = std::fs::read_to_string(root.join("docs/XANO.md")).expect("docs/XANO.md");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut cited = 0;
    for file in files {
        if file.ends_with("docs_cited.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (at, _) in text.match_indices("XANO.md") {
            let before = &text[at.saturating_sub(5)..at];
            assert!(
                before.ends_with("docs/"),
                "{}: cites XANO.md, which is docs/XANO.md in this repository",
                file.display()
            );
            let after = &text[at + "XANO.md".len()..];
            // `§6, §9` right after the name: the sections cited.
            let cited_here = &after[..after.find([')', '\n']).unwrap_or(after.len())];
            for section in cited_here
                .split('§')
                .skip(1)
                .filter_map(|s| s.split(|c: char| !c.is_ascii_digit()).next())
                .filter(|s| !s.is_empty())
            {
                cited += 1;
                assert!(
                    facts.contains(&format!("\n## {section}.")),
                    "{}: cites docs/XANO.md §{section}, which it does not have",
                    file.display()
                );
            }
        }
    }
    assert!(cited > 0);
}
