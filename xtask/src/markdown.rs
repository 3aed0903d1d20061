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

use std::path::Path;

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
#[derive(Debug)]
pub struct Document {
    pub title: String,
    pub method_line: Option<MethodLine>,
    /// Free text between the method line and the first `##` heading.
    pub description: String,
    pub operation: Option<Block>,
    /// The components under `## References`, in order.
    pub components: Vec<Component>,
}

/// The section the parser is in, decided by the last `##` heading.
#[derive(PartialEq)]
enum Section {
    Preamble,
    Operation,
    References,
    Other,
}

/// Parses one document. `display` is the path used in error messages.
pub fn parse(text: &str, display: &Path) -> Result<Document> {
    let line_of = |offset: usize| text[..offset].bytes().filter(|&b| b == b'\n').count() + 1;
    let origin = |offset: usize| Origin::new(display, line_of(offset));

    let mut doc = Document {
        title: String::new(),
        method_line: None,
        description: String::new(),
        operation: None,
        components: Vec::new(),
    };
    let mut section = Section::Preamble;
    // Text of the heading being read, with its level and start offset.
    let mut heading: Option<(HeadingLevel, String, usize)> = None;
    // The pointer named by the last `###` heading that still waits for its block.
    let mut pending_ref: Option<(String, usize)> = None;
    // Inline code and plain text of the paragraph being read in the preamble.
    let mut paragraph: Option<(Vec<String>, String, usize)> = None;
    let mut code: Option<(String, usize, bool)> = None;

    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, String::new(), range.start))
            }
            Event::End(TagEnd::Heading(_)) => {
                let (level, title, start) = heading.take().expect("heading end without start");
                let title = title.trim().to_string();
                match level {
                    HeadingLevel::H1 if doc.title.is_empty() => doc.title = title,
                    HeadingLevel::H2 => {
                        if let Some((pointer, at)) = pending_ref.take() {
                            bail!("{}: `{pointer}` has no JSON block", origin(at));
                        }
                        section = match title.as_str() {
                            "Operation Object" => Section::Operation,
                            "References" => Section::References,
                            _ => Section::Other,
                        };
                    }
                    HeadingLevel::H3 if section == Section::References => {
                        if let Some((pointer, at)) = pending_ref.take() {
                            bail!("{}: `{pointer}` has no JSON block", origin(at));
                        }
                        let pointer = title.trim_matches('`').to_string();
                        if !pointer.starts_with("#/components/") {
                            bail!(
                                "{}: a heading under `## References` must name a component as `#/components/<kind>/<name>`, found `{title}`",
                                origin(start)
                            );
                        }
                        pending_ref = Some((pointer, start));
                    }
                    _ => {}
                }
            }
            Event::Code(t) if heading.is_some() => {
                let (_, title, _) = heading.as_mut().unwrap();
                title.push('`');
                title.push_str(&t);
                title.push('`');
            }
            Event::Text(t) if heading.is_some() => heading.as_mut().unwrap().1.push_str(&t),
            Event::Start(Tag::Paragraph) if section == Section::Preamble => {
                paragraph = Some((Vec::new(), String::new(), range.start));
            }
            Event::Code(t) if paragraph.is_some() => {
                paragraph.as_mut().unwrap().0.push(t.to_string())
            }
            Event::Text(t) if paragraph.is_some() => paragraph.as_mut().unwrap().1.push_str(&t),
            Event::SoftBreak | Event::HardBreak if paragraph.is_some() => {
                paragraph.as_mut().unwrap().1.push('\n')
            }
            Event::End(TagEnd::Paragraph) if paragraph.is_some() => {
                let (codes, plain, start) = paragraph.take().unwrap();
                // The method line is a paragraph made of one inline code span and nothing else.
                let method_line = match codes.as_slice() {
                    [only] if plain.trim().is_empty() && doc.method_line.is_none() => {
                        only.split_once(' ').and_then(|(m, p)| {
                            let method = Method::from_key(&m.to_ascii_lowercase())?;
                            p.starts_with('/').then_some((method, p))
                        })
                    }
                    _ => None,
                };
                if let Some((method, path)) = method_line {
                    doc.method_line = Some(MethodLine {
                        method,
                        path: path.trim().to_string(),
                        origin: origin(start),
                    });
                } else {
                    if !doc.description.is_empty() {
                        doc.description.push_str("\n\n");
                    }
                    doc.description.push_str(text[range.clone()].trim());
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let is_json = match &kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next() == Some("json"),
                    CodeBlockKind::Indented => false,
                };
                code = Some((String::new(), range.start, is_json));
            }
            Event::Text(t) if code.is_some() => code.as_mut().unwrap().0.push_str(&t),
            Event::End(TagEnd::CodeBlock) => {
                let (body, start, is_json) = code.take().expect("code block end without start");
                // The JSON starts on the line after the opening fence.
                let first_line = line_of(start) + 1;
                let wants_block = match section {
                    Section::Operation => true,
                    Section::References => pending_ref.is_some(),
                    _ => false,
                };
                if !wants_block {
                    continue;
                }
                if !is_json {
                    bail!("{}: expected a ```json block", origin(start));
                }
                let at = Origin::new(display, first_line);
                let block = Block {
                    value: openapi::from_json(body.as_bytes(), &at)?,
                    origin: at,
                };
                match section {
                    Section::Operation => {
                        if doc.operation.is_some() {
                            bail!(
                                "{}: a second JSON block under `## Operation Object`",
                                origin(start)
                            );
                        }
                        doc.operation = Some(block);
                    }
                    _ => {
                        let (pointer, _) = pending_ref.take().unwrap();
                        doc.components.push(Component { pointer, block });
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((pointer, at)) = pending_ref {
        bail!("{}: `{pointer}` has no JSON block", origin(at));
    }
    Ok(doc)
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
