#![forbid(unsafe_code)]
//! The fenced code blocks of the README and `docs/*.md`, so that what they
//! show is checked like code: `cargo xtask snippets` hands their YAML blocks
//! to the workflow linters, and pat-audit's docs test parses their shell
//! blocks with its command line.

use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// A fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The first word of the fence's info string (`yaml`, `sh`, `rust,no_run`).
    pub lang: String,
    /// The line of the opening fence, from 1.
    pub line: usize,
    /// The block's text, without the fences or the indentation of a list item.
    pub text: String,
}

/// The fenced code blocks of a markdown text, in order.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut open: Option<Block> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                open = Some(Block {
                    lang: info.split_whitespace().next().unwrap_or("").to_string(),
                    line: markdown[..range.start].matches('\n').count() + 1,
                    text: String::new(),
                });
            }
            Event::Text(text) => {
                if let Some(block) = open.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => found.extend(open.take()),
            _ => {}
        }
    }
    found
}

/// The markdown files whose blocks are checked: README.md and docs/*.md,
/// relative to `root`, sorted.
///
/// # Errors
///
/// When `root/docs` cannot be read.
pub fn documents(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
        .collect();
    pages.sort();
    pages.insert(0, PathBuf::from("README.md"));
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_have_their_language_line_and_text_without_list_indentation() {
        let doc = "# Title\n\n```sh\npat-audit demo\n```\n\n1. In a list:\n\n   ```yaml\n   \
                   - run: echo hi\n     env: { A: b }\n   ```\n\n    indented, no fence\n";
        let found = blocks(doc);
        let summary: Vec<_> = found.iter().map(|b| (b.lang.as_str(), b.line)).collect();
        assert_eq!(summary, [("sh", 3), ("yaml", 9)]);
        assert_eq!(found[0].text, "pat-audit demo\n");
        assert_eq!(found[1].text, "- run: echo hi\n  env: { A: b }\n");
    }

    #[test]
    fn documents_are_the_readme_then_the_docs_pages_sorted() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("docs")).unwrap();
        for page in ["docs/b.md", "docs/a.md", "docs/notes.txt"] {
            std::fs::write(root.path().join(page), "").unwrap();
        }
        let found: Vec<String> = documents(root.path())
            .unwrap()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(found, ["README.md", "docs/a.md", "docs/b.md"]);
    }
}
