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
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
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

/// The section the parser is in, decided by the last `##` heading.
#[derive(Clone, Copy, PartialEq)]
enum Section {
    Preamble,
    Operation,
    References,
    SchemaNames,
    UnionTags,
    Provenance,
    Other,
}

/// The heading of the section with a description's schema names.
pub const SCHEMA_NAMES: &str = "Schema names";

/// The heading of the section with a description's union tags.
pub const UNION_TAGS: &str = "Union tags";

/// The heading of the section that says where a document came from.
pub const PROVENANCE: &str = "Provenance";

impl Section {
    fn named(title: &str) -> Section {
        match title {
            "Operation Object" => Section::Operation,
            "References" => Section::References,
            SCHEMA_NAMES => Section::SchemaNames,
            UNION_TAGS => Section::UnionTags,
            PROVENANCE => Section::Provenance,
            _ => Section::Other,
        }
    }
}

/// A heading being read: its level, its text so far and where it starts.
struct Heading {
    level: HeadingLevel,
    text: String,
    start: usize,
}

/// A paragraph of the preamble being read: its inline code spans and its
/// plain text, apart, since the method line is one code span alone.
struct Paragraph {
    codes: Vec<String>,
    plain: String,
    start: usize,
}

impl Paragraph {
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

/// A fenced or indented code block being read.
struct CodeBlock {
    body: String,
    start: usize,
    is_json: bool,
}

/// A `### `#/components/...`` heading that still waits for its JSON block.
struct PendingComponent {
    pointer: String,
    start: usize,
}

/// The parser between two of pulldown-cmark's events.
struct Reader<'t> {
    text: &'t str,
    display: &'t Path,
    doc: Document,
    section: Section,
    heading: Option<Heading>,
    paragraph: Option<Paragraph>,
    code: Option<CodeBlock>,
    pending: Option<PendingComponent>,
    /// The last offset [`Reader::line_of`] was asked for, and its line.
    lines: (usize, usize),
}

/// Parses one document. `display` is the path used in error messages.
pub fn parse(text: &str, display: &Path) -> Result<Document> {
    let mut reader = Reader {
        text,
        display,
        doc: Document::default(),
        section: Section::Preamble,
        heading: None,
        paragraph: None,
        code: None,
        pending: None,
        lines: (0, 1),
    };
    for (event, range) in Parser::new(text).into_offset_iter() {
        reader.event(event, range)?;
    }
    reader.finish()
}

impl Reader<'_> {
    fn event(&mut self, event: Event<'_>, range: Range<usize>) -> Result<()> {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some(Heading {
                    level,
                    text: String::new(),
                    start: range.start,
                });
            }
            Event::End(TagEnd::Heading(_)) => self.heading_ended()?,
            Event::Start(Tag::Paragraph) if self.section == Section::Preamble => {
                self.paragraph = Some(Paragraph {
                    codes: Vec::new(),
                    plain: String::new(),
                    start: range.start,
                });
            }
            Event::End(TagEnd::Paragraph) => self.paragraph_ended(range),
            Event::Start(Tag::CodeBlock(kind)) => {
                let is_json = match &kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next() == Some("json"),
                    CodeBlockKind::Indented => false,
                };
                self.code = Some(CodeBlock {
                    body: String::new(),
                    start: range.start,
                    is_json,
                });
            }
            Event::End(TagEnd::CodeBlock) => self.code_block_ended()?,
            Event::Code(code) => self.inline_code(&code),
            Event::Text(text) => self.text(&text),
            Event::SoftBreak | Event::HardBreak => {
                if let Some(paragraph) = &mut self.paragraph {
                    paragraph.plain.push('\n');
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Inline code belongs to the heading or the paragraph being read.
    fn inline_code(&mut self, code: &str) {
        if let Some(heading) = &mut self.heading {
            heading.text.push('`');
            heading.text.push_str(code);
            heading.text.push('`');
        } else if let Some(paragraph) = &mut self.paragraph {
            paragraph.codes.push(code.to_string());
        }
    }

    /// Text belongs to the heading, the paragraph or the code block being read.
    fn text(&mut self, text: &str) {
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(text);
        } else if let Some(paragraph) = &mut self.paragraph {
            paragraph.plain.push_str(text);
        } else if let Some(code) = &mut self.code {
            code.body.push_str(text);
        }
    }

    /// A `#` heading is the title, a `##` heading starts a section and a
    /// `###` heading under `## References` names a component.
    fn heading_ended(&mut self) -> Result<()> {
        let Heading { level, text, start } =
            self.heading.take().expect("heading end without start");
        let title = text.trim().to_string();
        match level {
            HeadingLevel::H1 if self.doc.title.is_empty() => self.doc.title = title,
            HeadingLevel::H2 => {
                self.no_pending_component()?;
                self.section = Section::named(&title);
            }
            HeadingLevel::H3 if self.section == Section::References => {
                self.no_pending_component()?;
                let pointer = title.trim_matches('`').to_string();
                if !pointer.starts_with("#/components/") {
                    bail!(
                        "{}: a heading under `## References` must name a component as `#/components/<kind>/<name>`, found `{title}`",
                        self.origin(start)
                    );
                }
                self.pending = Some(PendingComponent { pointer, start });
            }
            _ => {}
        }
        Ok(())
    }

    /// A preamble paragraph is the method line (the first one only) or description.
    fn paragraph_ended(&mut self, range: Range<usize>) {
        let Some(paragraph) = self.paragraph.take() else {
            return;
        };
        if self.doc.method_line.is_none()
            && let Some((method, path)) = paragraph.method_line()
        {
            self.doc.method_line = Some(MethodLine {
                method,
                path,
                origin: self.origin(paragraph.start),
            });
        } else {
            if !self.doc.description.is_empty() {
                self.doc.description.push_str("\n\n");
            }
            self.doc.description.push_str(self.text[range].trim());
        }
    }

    /// A JSON block is the operation object or the pending component;
    /// other code blocks are prose.
    fn code_block_ended(&mut self) -> Result<()> {
        let CodeBlock {
            body,
            start,
            is_json,
        } = self.code.take().expect("code block end without start");
        let wanted = match self.section {
            Section::Operation
            | Section::SchemaNames
            | Section::UnionTags
            | Section::Provenance => true,
            Section::References => self.pending.is_some(),
            Section::Preamble | Section::Other => false,
        };
        if !wanted {
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
        let origin = self.origin(start);
        if self.section == Section::Operation {
            only_block(&mut self.doc.operation, block, "Operation Object", origin)?;
        } else if self.section == Section::SchemaNames {
            only_block(&mut self.doc.schema_names, block, SCHEMA_NAMES, origin)?;
        } else if self.section == Section::UnionTags {
            only_block(&mut self.doc.union_tags, block, UNION_TAGS, origin)?;
        } else if self.section == Section::Provenance {
            only_block(&mut self.doc.provenance, block, PROVENANCE, origin)?;
        } else {
            let pending = self.pending.take().expect("wanted only when pending");
            self.doc.components.push(Component {
                pointer: pending.pointer,
                block,
            });
        }
        Ok(())
    }

    fn no_pending_component(&mut self) -> Result<()> {
        match self.pending.take() {
            Some(PendingComponent { pointer, start }) => {
                bail!("{}: `{pointer}` has no JSON block", self.origin(start))
            }
            None => Ok(()),
        }
    }

    fn finish(mut self) -> Result<Document> {
        self.no_pending_component()?;
        Ok(self.doc)
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
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Keeps the JSON block of a section that holds exactly one.
fn only_block(slot: &mut Option<Block>, block: Block, heading: &str, at: Origin) -> Result<()> {
    if slot.is_some() {
        bail!("{at}: a second JSON block under `## {heading}`");
    }
    *slot = Some(block);
    Ok(())
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
}
