//! Operation and webhook documents in GitHub's layout, rendered from a
//! description, with where they came from.

use std::collections::BTreeSet;

use anyhow::{Result, anyhow};
use serde_json::Value;

use crate::descriptions::Provenance;
use crate::import::index::{Index, Operation, strip_foreign};
use crate::import::outside;
use crate::openapi::{self, Method};
use crate::output::json4;

/// The `$ref`s a value names directly, in order of first appearance.
pub fn direct_refs(value: &Value) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut refs = Vec::new();
    openapi::for_each_ref(value, &mut |r| {
        if seen.insert(r.to_string()) {
            refs.push(r.to_string());
        }
    });
    refs
}

/// One rendered operation or webhook document, and what was left out of it.
pub struct Rendered {
    pub text: String,
    /// One line per example left out because it refers outside the description.
    pub warnings: Vec<String>,
}

/// Renders one operation or webhook document in GitHub's layout (a
/// webhook's method line names it: `post personal-access-token-request-created`);
/// `found_in` lists every description known to hold it.
pub fn render(
    index: &Index<'_>,
    operation: Operation<'_>,
    found_in: &[String],
) -> Result<Rendered> {
    let Operation {
        method,
        path,
        object: mut op,
    } = operation;
    strip_foreign(&mut op);
    let id = op["operationId"].as_str().unwrap_or_default().to_string();
    let warnings = outside::leave_out_examples(&mut op, &id, index)?;
    let mut parts = preamble(&op, &id, method, path)?;
    parts.push("## Operation Object".into());
    parts.push(format!("```json\n{}\n```", json4(&op)));
    let refs = direct_refs(&op);
    if !refs.is_empty() {
        parts.push("## References".into());
        for r in refs {
            let value = outside::component(index, &id, &r)?;
            parts.push(format!("### `{r}`"));
            parts.push(format!("```json\n{}\n```", json4(&value)));
        }
    }
    let provenance = Provenance {
        description: index.description.clone(),
        version: index.version.clone(),
        found_in: found_in.to_vec(),
    };
    parts.push(provenance.section());
    Ok(Rendered {
        text: parts.join("\n\n"),
        warnings,
    })
}

/// The title, the method line and the description of a document.
fn preamble(op: &Value, id: &str, method: Method, path: &str) -> Result<Vec<String>> {
    // A webhook's summary is a paragraph; its description is the one-line title.
    let (title, text) = match path.starts_with('/') {
        true => ("summary", "description"),
        false => ("description", "summary"),
    };
    let title = op[title]
        .as_str()
        .ok_or_else(|| anyhow!("operation `{id}` has no summary"))?;
    let mut parts = vec![format!("# {title}"), format!("`{method} {path}`")];
    if let Some(description) = op[text].as_str().filter(|d| !d.is_empty()) {
        parts.push(description.to_string());
    }
    Ok(parts)
}

/// The file name of an operation document: the operationId with `/` as `-`.
pub fn document_name(id: &str) -> String {
    format!("{}.md", id.replace('/', "-"))
}
