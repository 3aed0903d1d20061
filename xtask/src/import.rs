//! `cargo xtask import`: pulls operations out of GitHub's full description
//! into spec/, in exactly the layout of GitHub's operation documents.

mod cache;
mod index;

mod outside;

mod render;

mod components;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::bundle;
use crate::descriptions::{self, Provenance};
use crate::markdown;
use crate::output::{Output, write_all};
use anyhow::{Context, Result};

pub use cache::dir as cache_dir;
pub use index::{Index, Operation};
use render::{document_name, render};

/// What to import.
#[derive(Debug, Default)]
pub struct Request {
    /// operationIds.
    pub operations: Vec<String>,
    /// Webhooks of `x-webhooks`, by name.
    pub webhooks: Vec<String>,
    /// The descriptions beside the one imported from: looked in for where
    /// else each operation exists.
    pub beside: Vec<(String, PathBuf)>,
}

/// What an import writes and removes, and what it says about it.
pub struct Plan {
    /// Operation documents and the components file, relative to the root.
    pub outputs: Vec<Output>,
    /// Components files that this import supersedes: earlier imports of the
    /// same description, and descriptions no document comes from any more.
    pub superseded: Vec<PathBuf>,
    /// One line per operation or webhook: where it came from and where else
    /// it exists; and a warning for each example left out.
    pub notes: Vec<String>,
}

/// Imports operations and webhooks from the description at `from` into
/// the spec/ under `root`; returns the plan it carried out.
pub fn run(root: &Path, from: &Path, request: &Request) -> Result<Plan> {
    let bytes = std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
    let source = descriptions::file_name(from);
    let index = Index::load(&bytes, &source, &cache::dir(root))?;
    let plan = plan(root, &index, request)?;
    plan.carry_out(root)?;
    Ok(plan)
}

impl Plan {
    /// Writes the outputs under `root` and removes the superseded files.
    pub fn carry_out(&self, root: &Path) -> Result<()> {
        write_all(root, &self.outputs)?;
        for path in &self.superseded {
            std::fs::remove_file(path)
                .with_context(|| format!("removing superseded {}", path.display()))?;
        }
        Ok(())
    }
}

/// Renders everything an import writes, in memory. It reads the operation,
/// webhook and components documents in spec/.
pub fn plan(root: &Path, index: &Index<'_>, request: &Request) -> Result<Plan> {
    // Each document as (name asked for, where it goes, what it describes).
    let mut documents = Vec::new();
    for id in &request.operations {
        let path = PathBuf::from("spec/operations").join(document_name(id));
        documents.push((id, path, index.operation(id)?));
    }
    for name in &request.webhooks {
        let path = PathBuf::from("spec/webhooks").join(format!("{name}.md"));
        documents.push((name, path, index.webhook(name)?));
    }
    // A webhook is known by its operationId where it has one.
    let ids: Vec<String> = documents
        .iter()
        .map(|(name, _, op)| op.object["operationId"].as_str().unwrap_or(name).into())
        .collect();
    let found_in = found_in(index, &ids, &request.beside)?;
    let mut notes = Vec::new();
    let mut outputs = Vec::new();
    for ((name, path, operation), id) in documents.into_iter().zip(&ids) {
        let found_in = &found_in[id];
        let rendered = render(index, operation, found_in)?;
        notes.push(note(root, &path, name, index, found_in));
        notes.extend(rendered.warnings);
        outputs.push(Output {
            path,
            contents: rendered.text,
        });
    }
    let primary = primary_in(root)?;
    let documents = documents_after(root, &outputs, &primary)?;
    let components = components::plan(root, index, &documents, &primary)?;
    outputs.extend(components.outputs);
    Ok(Plan {
        outputs,
        superseded: components.superseded,
        notes,
    })
}

/// For each operationId of `ids`, every description that holds it: the one
/// imported from, and those `beside` it that do.
fn found_in(
    index: &Index<'_>,
    ids: &[String],
    beside: &[(String, PathBuf)],
) -> Result<BTreeMap<String, Vec<String>>> {
    let mut found: BTreeMap<String, Vec<String>> = ids
        .iter()
        .map(|id| (id.clone(), vec![index.description.clone()]))
        .collect();
    let wanted: Vec<&str> = ids.iter().map(String::as_str).collect();
    for (name, path) in beside {
        let held = descriptions::holding(path, &wanted)?;
        for (id, held) in wanted.iter().zip(held) {
            if held && let Some(list) = found.get_mut(*id) {
                list.push(name.clone());
            }
        }
    }
    for list in found.values_mut() {
        list.sort_by(|a, b| descriptions::compare(a, b));
        list.dedup();
    }
    Ok(found)
}

/// What the import says about one document: where it came from, where else
/// it exists, and which description's document it replaces.
fn note(root: &Path, path: &Path, name: &str, index: &Index<'_>, found_in: &[String]) -> String {
    let others: Vec<String> = found_in
        .iter()
        .filter(|d| **d != index.description)
        .cloned()
        .collect();
    let elsewhere = match others.as_slice() {
        [] => "in no other description beside it".to_string(),
        _ => format!("also in {}", descriptions::list(&others)),
    };
    let replaced = markdown::parse_file(&root.join(path), root)
        .ok()
        .and_then(|doc| doc.provenance)
        .and_then(|block| Provenance::from_block(&block).ok())
        .filter(|p| p.description != index.description)
        .map(|p| format!(" (replaces the document from {})", p.description))
        .unwrap_or_default();
    format!(
        "{name}: from {} {}; {elsewhere}{replaced}",
        index.description, index.version
    )
}

/// Every operation and webhook document as it will be after the import,
/// with the description it came from: the new ones, and the others as they
/// are on disk.
fn documents_after(
    root: &Path,
    new: &[Output],
    primary: &str,
) -> Result<Vec<(String, markdown::Document)>> {
    let new: BTreeMap<&Path, &str> = new
        .iter()
        .map(|o| (o.path.as_path(), o.contents.as_str()))
        .collect();
    let mut documents = Vec::new();
    for dir in ["spec/operations", "spec/webhooks"] {
        for path in markdown::files_in(&root.join(dir))? {
            if !new.contains_key(path.strip_prefix(root).unwrap_or(&path)) {
                documents.push(markdown::parse_file(&path, root)?);
            }
        }
    }
    for (path, text) in new {
        documents.push(markdown::parse(text, path)?);
    }
    documents
        .into_iter()
        .map(|doc| Ok((descriptions::description_of(&doc, primary)?, doc)))
        .collect()
}

/// The primary description of the spec/ under `root` (see `descriptions`).
fn primary_in(root: &Path) -> Result<String> {
    if !root.join("spec").join(bundle::DOCUMENT_FILE).exists() {
        return Ok(descriptions::DEFAULT_PRIMARY.to_string());
    }
    Ok(bundle::read_document(&root.join("spec"), root)?.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The union tags of a description, read part by part, are those of the
    /// whole description parsed as one `Value`.
    #[test]
    fn union_tags_read_part_by_part_are_the_whole_description_s() {
        let description = json!({
            "openapi": "3.0.3",
            "info": {"version": "1"},
            "paths": {
                "/events": {"get": {
                    "operationId": "events/list",
                    "x-octokit": {},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"type": "array", "items": {"anyOf": [
                            // A member outside the part (no union of its own)
                            // whose tag is a `$ref` to an enum component.
                            {"$ref": "#/components/schemas/push-event"},
                            {"properties": {
                                "kind": {"type": "string", "enum": ["inline"]},
                                "a/b": {"enum": ["x"]}
                            }},
                            {"allOf": [
                                {"$ref": "#/components/schemas/base"},
                                {"properties": {"extra": {"enum": ["e"]}}}
                            ]}
                        ]}}
                    }}}}
                }},
                "/plain": {"get": {"operationId": "plain/get", "responses": {}}}
            },
            "components": {
                "schemas": {
                    "push-event": {"properties": {
                        "type": {"$ref": "#/components/schemas/event-type"},
                        "size": {"type": "integer"}
                    }},
                    "event-type": {"type": "string", "enum": ["push", "fork"]},
                    "base": {"properties": {
                        "state": {"enum": ["open"]},
                        "gone": {"$ref": "#/components/schemas/nowhere"}
                    }},
                    // A member inside the part: it holds a union itself.
                    "holder": {"properties": {
                        "either": {"oneOf": [
                            {"$ref": "#/components/schemas/holder"},
                            {"$ref": "#/components/schemas/nowhere"}
                        ]},
                        "mode": {"enum": ["m"]}
                    }},
                    "unused": {"properties": {"tag": {"enum": ["u"]}}}
                },
                // A payload, not a schema: its union is no union.
                "examples": {"e": {"value": {"oneOf": [{"properties": {"p": {"enum": ["no"]}}}]}}}
            }
        });
        let bytes = serde_json::to_vec_pretty(&description).unwrap();
        let index = Index::parse(&bytes, "test.json").unwrap();
        let schema = "#/paths/~1events/get/responses/200/content/application~1json/schema/items";
        let expected = [
            "#/components/schemas/base/properties/state".to_string(),
            "#/components/schemas/event-type".into(),
            "#/components/schemas/holder/properties/mode".into(),
            format!("{schema}/anyOf/1/properties/a~1b"),
            format!("{schema}/anyOf/1/properties/kind"),
            format!("{schema}/anyOf/2/allOf/1/properties/extra"),
        ];
        assert_eq!(index.union_tags(), expected);
        let whole: Vec<String> = crate::enums::variant_tags(&description)
            .into_iter()
            .collect();
        assert_eq!(whole, expected);
    }
}
