//! JSON texts as the stages read them: where a text starts in which file,
//! the one error for JSON that does not parse, and the OpenAPI version.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde_json::{Map, Value};

/// A position in a file, for error messages: `file:line`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file as it is shown to people (relative to the project root where it lies inside).
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
}

impl Origin {
    /// A position in `file` at `line` (1-based).
    pub fn new(file: impl Into<PathBuf>, line: usize) -> Self {
        Origin {
            file: file.into(),
            line,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// Parses a JSON text whose first line is `start`: line 1 of a file, or the
/// line after the fence of a markdown code block.
///
/// This is the one error for JSON that does not parse: it names the file,
/// line and column the way editors and compilers do, so that the position
/// can be opened directly. A text that does not start like JSON gets a hint,
/// since the usual cause is a YAML description.
pub fn from_json<'a, T: Deserialize<'a>>(text: &'a [u8], start: &Origin) -> Result<T> {
    serde_json::from_slice(text).map_err(|e| {
        let line = start.line + e.line().saturating_sub(1);
        // serde_json's message ends with the position inside `text`, which
        // is not the file's; the file's position leads the message instead.
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        let kind = match e.classify() {
            serde_json::error::Category::Data => "unexpected JSON",
            _ => "malformed JSON",
        };
        let starts_like_json = text
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| matches!(b, b'{' | b'['));
        let hint = if starts_like_json || text.is_empty() {
            ""
        } else {
            " (only JSON descriptions are read; convert YAML with e.g. `yq -o=json`)"
        };
        anyhow!(
            "{}:{line}:{}: {kind}: {message}{hint}",
            start.file.display(),
            e.column()
        )
    })
}

/// The elements of `value` when it is an array (`schema.get("allOf")`);
/// none otherwise, or when there is no value.
pub fn array(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

/// The entries of `value` when it is an object (`operation.get("responses")`);
/// none otherwise, or when there is no value.
pub fn object(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

/// Fails unless a document's `openapi` field is a 3.0.x version, the only
/// one this generator reads; `source` names the document in the error.
pub fn check_version(openapi: Option<&str>, source: impl fmt::Display) -> Result<()> {
    match openapi {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        other => bail!("{source}: `openapi` must be 3.0.x, found {other:?}"),
    }
}

/// Reads a whole OpenAPI description (JSON) from a file and checks its
/// version; errors name the file relative to `root` when it lies inside it.
pub fn read_description(path: &Path, root: &Path) -> Result<Map<String, Value>> {
    let shown = path.strip_prefix(root).unwrap_or(path);
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let document: Map<String, Value> = from_json(&bytes, &Origin::new(shown, 1))?;
    check_version(
        document.get("openapi").and_then(Value::as_str),
        shown.display(),
    )?;
    Ok(document)
}
