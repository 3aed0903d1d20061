//! The components documents in `spec/components/`, one per description:
//! the components its operation and webhook documents reach without
//! carrying them, every schema name and union tag of the description, and
//! where it came from.
//!
//! An import writes the document of the description it reads, and keeps
//! every other description's document to what that description's documents
//! still reach: a component an import took over from another description is
//! no longer worded twice, so two descriptions' wordings meet only where
//! both are used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::bundle;
use crate::descriptions::{self, Provenance};
use crate::import::index::Index;
use crate::markdown;
use crate::output::{Output, json4};

/// One description's components document, in parts.
struct Document {
    title: String,
    preamble: String,
    components: BTreeMap<String, Value>,
    schema_names: Value,
    union_tags: Value,
    provenance: Provenance,
}

impl Document {
    /// The document of the description `index` reads, with `components`.
    fn of(index: &Index<'_>, components: BTreeMap<String, Value>) -> Result<Document> {
        Ok(Document {
            title: "Components from GitHub's published REST description".into(),
            preamble: format!(
                "Copied from `{}` (`{}`, `info.version` {}) by `cargo xtask import`.\n\n\
                 The operation and webhook documents in `spec/` that came from that description refer to these \
                 components without carrying them. Each block is copied unchanged from `components` of that \
                 description.",
                index.source, index.description, index.version
            ),
            components,
            schema_names: Value::from(index.schema_names()),
            union_tags: Value::from(index.union_tags()),
            provenance: Provenance {
                description: index.description.clone(),
                version: index.version.clone(),
                found_in: Vec::new(),
            },
        })
    }

    /// Where the document goes, relative to the project root.
    fn path(&self) -> PathBuf {
        let Provenance {
            description,
            version,
            ..
        } = &self.provenance;
        PathBuf::from("spec/components").join(format!("{description}-{version}.md"))
    }

    fn render(&self) -> String {
        let mut text = format!("# {}\n\n{}\n\n## References\n", self.title, self.preamble);
        for (pointer, value) in &self.components {
            text.push_str(&format!(
                "\n### `{pointer}`\n\n```json\n{}\n```\n",
                json4(value)
            ));
        }
        // Kept so that a type's name does not depend on which operations were
        // imported: the generator does not give an inline type a name that one
        // of these schemas has, imported or not (see xtask/src/naming.rs).
        text.push_str(&format!(
            "\n## {}\n\nEvery schema in `components/schemas` of that description, imported or not. \
             The generator keeps their type names for them.\n\n```json\n{}\n```\n",
            markdown::SCHEMA_NAMES,
            json4(&self.schema_names)
        ));
        // Kept so that whether an enum is closed does not depend on which
        // operations were imported: the generator closes the enums that tell a
        // union's members apart anywhere in the description (see enums.rs).
        text.push_str(&format!(
            "\n## {}\n\nThe enums that tell the members of a union apart anywhere in that description, \
             imported or not. The generator keeps them closed.\n\n```json\n{}\n```\n",
            markdown::UNION_TAGS,
            json4(&self.union_tags)
        ));
        text.push_str(&format!("\n{}\n", self.provenance.section()));
        text
    }
}

/// What an import does to `spec/components/`.
pub struct Plan {
    /// The imported description's document, and the others', kept to what
    /// their documents reach.
    pub outputs: Vec<Output>,
    /// The documents of earlier imports of the same description (another
    /// version, or one from before provenance was recorded, which counts as
    /// the primary's) and of descriptions no document comes from any more.
    pub superseded: Vec<PathBuf>,
}

/// The operation and webhook documents of spec/ after the import, with the
/// description each came from (one written by hand counts as the primary's).
pub type Documents = [(String, markdown::Document)];

/// What the import of `index` into the spec/ under `root` does to its
/// components documents, once `documents` are the operation and webhook
/// documents.
pub fn plan(root: &Path, index: &Index<'_>, documents: &Documents, primary: &str) -> Result<Plan> {
    let own = needed(documents, &index.description, &|p| index.component(p))
        .with_context(|| outside(index))?;
    let imported = Document::of(index, own)?;
    let mut plan = Plan {
        outputs: vec![Output {
            path: imported.path(),
            contents: imported.render(),
        }],
        superseded: Vec::new(),
    };
    for path in markdown::files_in(&root.join("spec/components"))? {
        let shown = path.strip_prefix(root).unwrap_or(&path);
        if shown == imported.path() {
            continue;
        }
        let doc = markdown::parse_file(&path, root)?;
        let description = descriptions::description_of(&doc, primary)?;
        let used = documents.iter().any(|(d, _)| *d == description);
        if description == index.description || !used {
            plan.superseded.push(path);
        } else if let Some(kept) = kept(doc, documents, &description) {
            plan.outputs.push(Output {
                path: shown.to_path_buf(),
                contents: kept.render(),
            });
        }
    }
    Ok(plan)
}

/// Another description's document, with only the components its
/// operations still reach; `None` when it has no provenance (one from
/// before provenance was recorded) or those operations reach what it lacks
/// (the bundle then says what).
fn kept(doc: markdown::Document, documents: &Documents, description: &str) -> Option<Document> {
    let provenance = Provenance::from_block(doc.provenance.as_ref()?).ok()?;
    let had: BTreeMap<String, Value> = doc
        .components
        .into_iter()
        .map(|c| (c.pointer, c.block.value))
        .collect();
    let components = needed(documents, description, &|p| had.get(p).cloned()).ok()?;
    Some(Document {
        title: doc.title,
        preamble: doc.description,
        components,
        schema_names: doc.schema_names?.value,
        union_tags: doc.union_tags?.value,
        provenance,
    })
}

/// The components that the documents of `description` reach, directly or
/// through other components, and that none of them carries; `lookup` finds
/// those that none carries.
fn needed(
    documents: &Documents,
    description: &str,
    lookup: &dyn Fn(&str) -> Option<Value>,
) -> Result<BTreeMap<String, Value>> {
    let mut carried: BTreeMap<String, Value> = BTreeMap::new();
    let mut operations = Vec::new();
    for (_, doc) in documents.iter().filter(|(d, _)| d == description) {
        operations.extend(doc.operation.as_ref().map(|op| &op.value));
        for component in &doc.components {
            carried.insert(component.pointer.clone(), component.block.value.clone());
        }
    }
    let mut needed = BTreeMap::new();
    let resolve = |p: &str| carried.get(p).cloned().or_else(|| lookup(p));
    for op in operations {
        let id = op["operationId"].as_str().unwrap_or_default();
        let trail = format!("operation `{id}` of {description}");
        bundle::closure(op, &trail, &resolve, &mut needed)?;
    }
    bundle::twin_originals(&resolve, &mut needed)?;
    needed.retain(|pointer, _| !carried.contains_key(pointer));
    Ok(needed)
}

/// What a reference outside the description, or nowhere in it, is told.
fn outside(index: &Index<'_>) -> String {
    format!(
        "{} is not self-contained: a schema the SDK is generated from must be in the description",
        index.source
    )
}
