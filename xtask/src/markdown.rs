//! Reads GitHub's operation documents: markdown with JSON blocks.
//!
//! The layout is the one GitHub's docs use for a single operation:
//!
//! ```text
//! # Title
//!
//! `get /orgs/{org}/personal-access-tokens`
//!
//! Description paragraphs.
//!
//! ## Operation Object
//! ```json { ... } ```
//!
//! ## References
//! ### `#/components/parameters/org`
//! ```json { ... } ```
//! ```
//!
//! Component documents in `spec/components/` use the same layout without the
//! method line and the operation object. The document is parsed with
//! pulldown-cmark so that headings, inline code and fenced blocks are found the
//! way any markdown reader would find them, not by line patterns.

use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag};
use serde_json::Value;

use crate::openapi::{self, Method, Origin};

/// A JSON block together with where it was found.
#[derive(Clone, Debug)]
pub struct Block {
    pub value: Value,
    pub origin: Origin,
}

/// The `method path` line of an operation document, e.g.
/// `` `get /orgs/{org}/personal-access-tokens` ``.
#[derive(Clone, Debug)]
pub struct MethodLine {
    pub method: Method,
    pub path: String,
    pub origin: Origin,
}

/// A component a document carries: a `### `#/components/...`` heading under
/// `## References` and the JSON block under it.
#[derive(Clone, Debug)]
pub struct Component {
    /// The heading's pointer, e.g. `#/components/schemas/simple-user`, as
    /// written (the bundler checks its form).
    pub pointer: String,
    pub block: Block,
}

/// One parsed document.
#[derive(Debug, Default)]
pub struct Document {
    pub title: String,
    pub method_line: Option<MethodLine>,
    /// Free text between the method line and the first `##` heading.
    pub description: String,
    pub operation: Option<Block>,
    /// The components under `## References`, in order.
    pub components: Vec<Component>,
    /// The JSON block under `## Schema names`: every schema name of the
    /// description a components document was imported from.
    pub schema_names: Option<Block>,
    /// The JSON block under `## Union tags`: where the enums stand that tell
    /// the members of a union apart, anywhere in that description.
    pub union_tags: Option<Block>,
    /// The JSON block under `## Provenance`: the description the document
    /// was imported from, its version, and the descriptions that hold the
    /// operation.
    pub provenance: Option<Block>,
}

/// The heading of the section with the operation object.
const OPERATION: &str = "Operation Object";

/// The heading of the section with the components a document carries.
const REFERENCES: &str = "References";

/// The heading of the section with a description's schema names.
pub const SCHEMA_NAMES: &str = "Schema names";

/// The heading of the section with a description's union tags.
pub const UNION_TAGS: &str = "Union tags";

/// The heading of the section that says where a document came from.
pub const PROVENANCE: &str = "Provenance";

/// The text of a heading, paragraph or code block: its code spans apart, and
/// its text with them (in backticks) and without them, since the method
/// line is one code span alone.
#[derive(Default)]
struct Inline {
    codes: Vec<String>,
    text: String,
    plain: String,
}

impl Inline {
    /// Reads the events of the element just started, up to its end.
    fn read<'t>(events: &mut impl Iterator<Item = (Event<'t>, Range<usize>)>) -> Inline {
        let mut inline = Inline::default();
        let mut depth = 0;
        for (event, _) in events {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => depth -= 1,
                Event::Code(code) => {
                    inline.text.push_str(&format!("`{code}`"));
                    inline.codes.push(code.to_string());
                }
                Event::Text(text) => {
                    inline.text.push_str(&text);
                    inline.plain.push_str(&text);
                }
                Event::SoftBreak | Event::HardBreak => inline.plain.push('\n'),
                _ => {}
            }
        }
        inline
    }

    /// The method and path when the paragraph is a `method path` line.
    fn method_line(&self) -> Option<(Method, String)> {
        let [only] = self.codes.as_slice() else {
            return None;
        };
        if !self.plain.trim().is_empty() {
            return None;
        }
        let (method, path) = only.split_once(' ')?;
        let method = Method::from_key(&method.to_ascii_lowercase())?;
        // A path, or the name of a webhook (`post personal-access-token-request-approved`).
        let path = path.trim();
        let is_name = !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        (path.starts_with('/') || is_name).then(|| (method, path.to_string()))
    }
}

/// The parser between two elements of the document.
struct Reader<'t> {
    text: &'t str,
    display: &'t Path,
    doc: Document,
    /// The title of the last `##` heading; `None` before the first.
    section: Option<String>,
    /// A `### `#/components/...`` heading that still waits for its JSON
    /// block, and where it starts.
    pending: Option<(String, usize)>,
    /// The last offset [`Reader::line_of`] was asked for, and its line.
    lines: (usize, usize),
}

/// Parses one document. `display` is the path used in error messages.
pub fn parse(text: &str, display: &Path) -> Result<Document> {
    let mut reader = Reader {
        text,
        display,
        doc: Document::default(),
        section: None,
        pending: None,
        lines: (0, 1),
    };
    let mut events = Parser::new(text).into_offset_iter();
    while let Some((event, range)) = events.next() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let title = Inline::read(&mut events).text;
                reader.heading(level, title.trim(), range.start)?;
            }
            Event::Start(Tag::Paragraph) if reader.section.is_none() => {
                let paragraph = Inline::read(&mut events);
                reader.paragraph(&paragraph, range);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let is_json = matches!(&kind, CodeBlockKind::Fenced(info) if info.split_whitespace().next() == Some("json"));
                let body = Inline::read(&mut events).plain;
                reader.code_block(&body, is_json, range.start)?;
            }
            _ => {}
        }
    }
    reader.no_pending_component()?;
    Ok(reader.doc)
}

impl Reader<'_> {
    /// A `#` heading is the title, a `##` heading starts a section and a
    /// `###` heading under `## References` names a component.
    fn heading(&mut self, level: HeadingLevel, title: &str, start: usize) -> Result<()> {
        match level {
            HeadingLevel::H1 if self.doc.title.is_empty() => self.doc.title = title.to_string(),
            HeadingLevel::H2 => {
                self.no_pending_component()?;
                self.section = Some(title.to_string());
            }
            HeadingLevel::H3 if self.section.as_deref() == Some(REFERENCES) => {
                self.no_pending_component()?;
                let pointer = title.trim_matches('`').to_string();
                if !pointer.starts_with("#/components/") {
                    bail!(
                        "{}: a heading under `## References` must name a component as `#/components/<kind>/<name>`, found `{title}`",
                        self.origin(start)
                    );
                }
                self.pending = Some((pointer, start));
            }
            _ => {}
        }
        Ok(())
    }

    /// A preamble paragraph is the method line (the first one only) or description.
    fn paragraph(&mut self, paragraph: &Inline, range: Range<usize>) {
        if self.doc.method_line.is_none()
            && let Some((method, path)) = paragraph.method_line()
        {
            let origin = self.origin(range.start);
            self.doc.method_line = Some(MethodLine {
                method,
                path,
                origin,
            });
        } else {
            if !self.doc.description.is_empty() {
                self.doc.description.push_str("\n\n");
            }
            self.doc.description.push_str(self.text[range].trim());
        }
    }

    /// A JSON block is the one of its section, or the pending component's;
    /// other code blocks are prose.
    fn code_block(&mut self, body: &str, is_json: bool, start: usize) -> Result<()> {
        let section = self.section.as_deref().unwrap_or_default();
        let single = [OPERATION, SCHEMA_NAMES, UNION_TAGS, PROVENANCE].contains(&section);
        if !(single || section == REFERENCES && self.pending.is_some()) {
            return Ok(());
        }
        if !is_json {
            bail!("{}: expected a ```json block", self.origin(start));
        }
        // The JSON starts on the line after the opening fence.
        let at = Origin::new(self.display, self.line_of(start) + 1);
        let block = Block {
            value: openapi::from_json(body.as_bytes(), &at)?,
            origin: at,
        };
        if !single {
            let (pointer, _) = self.pending.take().expect("wanted only when pending");
            self.doc.components.push(Component { pointer, block });
            return Ok(());
        }
        let origin = self.origin(start);
        let doc = &mut self.doc;
        let (slot, heading) = match self.section.as_deref().unwrap_or_default() {
            OPERATION => (&mut doc.operation, OPERATION),
            SCHEMA_NAMES => (&mut doc.schema_names, SCHEMA_NAMES),
            UNION_TAGS => (&mut doc.union_tags, UNION_TAGS),
            _ => (&mut doc.provenance, PROVENANCE),
        };
        if slot.is_some() {
            bail!("{origin}: a second JSON block under `## {heading}`");
        }
        *slot = Some(block);
        Ok(())
    }

    fn no_pending_component(&mut self) -> Result<()> {
        match self.pending.take() {
            Some((pointer, start)) => {
                bail!("{}: `{pointer}` has no JSON block", self.origin(start))
            }
            None => Ok(()),
        }
    }

    /// The 1-based line of a byte offset. Offsets come in document order,
    /// so the count goes on from the last one asked for.
    fn line_of(&mut self, offset: usize) -> usize {
        let (from, line) = match self.lines {
            (at, line) if at <= offset => (at, line),
            _ => (0, 1),
        };
        let newlines = memchr::memchr_iter(b'\n', &self.text.as_bytes()[from..offset]).count();
        self.lines = (offset, line + newlines);
        line + newlines
    }

    fn origin(&mut self, offset: usize) -> Origin {
        Origin::new(self.display, self.line_of(offset))
    }
}

/// Lists the documents `dir/*.md` in a stable order; a missing folder has none.
pub fn files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    files_with(dir, "md")
}

/// Lists the files `dir/*.{extension}` in a stable order; a missing folder has none.
pub fn files_with(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == extension) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads and parses a file; `root` is stripped from the path shown in errors.
pub fn parse_file(path: &Path, root: &Path) -> Result<Document> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text, path.strip_prefix(root).unwrap_or(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Title\n\n`get /a/{b}`\n\nSome text.\n\n## Operation Object\n\n```json\n{\"operationId\": \"x\"}\n```\n\n## References\n\n### `#/components/schemas/s`\n\n```json\n{\n    \"type\": \"string\"\n}\n```\n";

    #[test]
    fn parses_the_layout() {
        let doc = parse(DOC, Path::new("d.md")).unwrap();
        assert_eq!(doc.title, "Title");
        let line = doc.method_line.unwrap();
        assert_eq!(
            (line.method, line.path.as_str(), line.origin.line),
            (Method::Get, "/a/{b}", 3)
        );
        assert_eq!(doc.description, "Some text.");
        assert_eq!(doc.operation.unwrap().value["operationId"], "x");
        assert_eq!(doc.components.len(), 1);
        assert_eq!(doc.components[0].pointer, "#/components/schemas/s");
        assert_eq!(doc.components[0].block.origin.line, 18);
    }

    #[test]
    fn malformed_json_names_file_and_line() {
        let bad = DOC.replace("\"type\": \"string\"", "\"type\": \"string\",,");
        let err = parse(&bad, Path::new("spec/d.md")).unwrap_err().to_string();
        assert!(err.starts_with("spec/d.md:19:"), "{err}");
        assert!(err.contains("malformed JSON"), "{err}");
    }

    #[test]
    fn a_reference_heading_without_block_is_an_error() {
        let bad = DOC.replace("```json\n{\n    \"type\": \"string\"\n}\n```\n", "");
        let err = parse(&bad, Path::new("d.md")).unwrap_err().to_string();
        assert!(
            err.contains("`#/components/schemas/s` has no JSON block"),
            "{err}"
        );
    }

    #[test]
    fn sections_hold_one_json_block_and_references_name_components() {
        let second = DOC.replace(
            "## References",
            "```json\n{}\n```\n\n```text\nprose\n```\n\n## References",
        );
        let err = parse(&second, Path::new("d.md")).unwrap_err().to_string();
        assert_eq!(
            err,
            "d.md:13: a second JSON block under `## Operation Object`"
        );
        let prose = DOC.replace("```json\n{\"operationId", "```yaml\n{\"operationId");
        let err = parse(&prose, Path::new("d.md")).unwrap_err().to_string();
        assert_eq!(err, "d.md:9: expected a ```json block");
        let heading = DOC.replace("### `#/components/schemas/s`", "### `schemas/s`");
        let err = parse(&heading, Path::new("d.md")).unwrap_err().to_string();
        assert!(
            err.starts_with("d.md:15: a heading under `## References` must name"),
            "{err}"
        );
        // Prose blocks elsewhere, and paragraphs after the method line, are description.
        let more = DOC.replace(
            "Some text.",
            "Some *more* text.\n\n`post /x`\n\n```json\nnot json\n```\n\n## Notes\n\n```text\nx\n```",
        );
        let doc = parse(&more, Path::new("d.md")).unwrap();
        assert_eq!(doc.description, "Some *more* text.\n\n`post /x`");
        assert_eq!(doc.method_line.unwrap().path, "/a/{b}");
        assert_eq!(doc.operation.unwrap().origin.line, 22);
    }
}
