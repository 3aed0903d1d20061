//! Reading spec/: the document-level fields, the operation, webhook and
//! components documents with where each came from, and the overlays.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, bail};
use serde_json::{Map, Value};

use crate::bundle::components::Wordings;
use crate::descriptions::{self, Provenance};
use crate::markdown::{self, Block};
use crate::openapi::{self, Method, Origin};
use crate::overlay;

/// One operation read from an operation document.
#[derive(Debug)]
pub struct Operation {
    pub id: String,
    pub method: Method,
    pub path: String,
    pub value: Value,
    pub origin: Origin,
    /// Where the document came from; `None` for one written by hand, which
    /// counts as the primary description's.
    pub provenance: Option<Provenance>,
}

impl Operation {
    /// The description the operation came from.
    pub fn description<'s>(&'s self, sources: &'s Sources) -> &'s str {
        self.provenance
            .as_ref()
            .map_or(sources.primary.as_str(), |p| p.description.as_str())
    }
}

/// Everything spec/ holds, parsed but not yet bundled.
#[derive(Debug, Default)]
pub struct Sources {
    /// `openapi`, `info`, `servers` and whatever else the document-level file sets.
    pub document: Map<String, Value>,
    pub operations: Vec<Operation>,
    /// The webhooks (`spec/webhooks/`): operations GitHub sends, whose `path`
    /// is the webhook's name; bundled into `x-webhooks`.
    pub webhooks: Vec<Operation>,
    /// Component definitions by pointer (`#/components/schemas/x`), one
    /// per component, reconciled across descriptions (see `components`).
    pub components: BTreeMap<String, Block>,
    /// The description whose wording of a shared component wins.
    pub primary: String,
    /// Every schema name of the descriptions spec/ was imported from (the
    /// `## Schema names` of component documents), whether imported or not.
    /// The generator keeps their type names for them (see `naming`).
    pub schema_names: BTreeSet<String>,
    /// Where the enums stand that tell a union's members apart (`## Union
    /// tags`), each as the description that words it says: the tags of a
    /// description about a component it words, or an operation it holds.
    /// The generator keeps them closed.
    pub union_tags: BTreeSet<String>,
    /// Corrections to GitHub's description (`spec/overlays/`), applied by [`bundle`].
    pub overlays: Vec<overlay::Overlay>,
}

/// The file that holds the document-level fields.
pub const DOCUMENT_FILE: &str = "document.json";

/// Reads spec/. `root` is the folder paths in error messages are relative to.
pub fn load(spec_dir: &Path, root: &Path) -> Result<Sources> {
    let (document, primary) = read_document(spec_dir, root)?;
    let mut sources = Sources {
        document,
        primary,
        overlays: overlay::load(&spec_dir.join("overlays"), root)?,
        ..Sources::default()
    };
    let mut wordings = Wordings::default();
    let mut tags = BTreeMap::new();
    let operations_dir = spec_dir.join("operations");
    for (dir, webhook) in [(&operations_dir, false), (&spec_dir.join("webhooks"), true)] {
        for file in markdown::files_in(dir)? {
            sources.read_operation(&file, root, &mut wordings, webhook)?;
        }
    }
    for file in markdown::files_in(&spec_dir.join("components"))? {
        sources.read_components(&file, root, &mut wordings, &mut tags)?;
    }
    if sources.operations.is_empty() {
        bail!("no operation documents in {}", shown(&operations_dir, root));
    }
    let chosen = wordings.reconcile(&sources.primary)?;
    sources.union_tags = sources.tags_in_force(&chosen, tags);
    sources.components = chosen
        .into_iter()
        .map(|(p, (block, _))| (p, block))
        .collect();
    Ok(sources)
}

/// The component a pointer stands in: `#/components/<kind>/<name>`.
fn component_of(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("#/components/")?;
    let mut tokens = rest.splitn(3, '/');
    let (kind, name) = (tokens.next()?, tokens.next()?);
    Some(format!("#/components/{kind}/{name}"))
}

/// A path as error messages show it: relative to `root` when inside it.
fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Reads the document-level fields of the spec/ in `spec_dir` (checking
/// the OpenAPI version they declare), and the primary description they name.
pub fn read_document(spec_dir: &Path, root: &Path) -> Result<(Map<String, Value>, String)> {
    let path = spec_dir.join(DOCUMENT_FILE);
    let document = openapi::read_description(&path, root)?;
    let primary = descriptions::primary_of(&document, &shown(&path, root))?;
    Ok((document, primary))
}

/// The operation an operation document describes; `file` names it in errors.
fn operation_of(doc: markdown::Document, file: &str) -> Result<Operation> {
    let Some(markdown::MethodLine { method, path, .. }) = doc.method_line else {
        bail!(
            "{file}: no `method path` line (e.g. `get /orgs/{{org}}/personal-access-tokens`) before the first section"
        );
    };
    let Some(block) = doc.operation else {
        bail!("{file}: no `## Operation Object` section with a JSON block");
    };
    let Some(id) = block.value.get("operationId").and_then(Value::as_str) else {
        bail!(
            "{}: the operation object has no string `operationId`",
            block.origin
        );
    };
    let provenance = doc
        .provenance
        .as_ref()
        .map(Provenance::from_block)
        .transpose()?;
    Ok(Operation {
        id: id.to_string(),
        method,
        path,
        value: block.value,
        origin: block.origin,
        provenance,
    })
}

/// A JSON array of strings under the heading `## {heading}`; `what` names
/// the strings in the error.
fn strings(block: Block, heading: &str, what: &str) -> Result<Vec<String>> {
    serde_json::from_value(block.value).map_err(|e| {
        anyhow::anyhow!(
            "{}: `## {heading}` must hold a JSON array of {what}: {e}",
            block.origin
        )
    })
}

/// Adds an operation (a webhook when `webhook`) to `list` unless another
/// there has its operationId, or its method and path (a webhook: its name,
/// whatever the method).
fn add(list: &mut Vec<Operation>, op: Operation, webhook: bool) -> Result<()> {
    if let Some(other) = list.iter().find(|o| o.id == op.id) {
        bail!(
            "duplicate operationId `{}`: {} and {}",
            op.id,
            other.origin,
            op.origin
        );
    }
    let what = if webhook { "webhook" } else { "operation" };
    let same = |o: &&Operation| o.path == op.path && (webhook || o.method == op.method);
    if let Some(other) = list.iter().find(same) {
        bail!(
            "duplicate {what} `{} {}`: `{}` at {} and `{}` at {}",
            op.method,
            op.path,
            other.id,
            other.origin,
            op.id,
            op.origin
        );
    }
    list.push(op);
    Ok(())
}

impl Sources {
    /// Reads an operation document, or a webhook document when `webhook`:
    /// the two differ in what their method line names (a path or a webhook).
    fn read_operation(
        &mut self,
        file: &Path,
        root: &Path,
        wordings: &mut Wordings,
        webhook: bool,
    ) -> Result<()> {
        let mut doc = markdown::parse_file(file, root)?;
        let components = std::mem::take(&mut doc.components);
        let op = operation_of(doc, &shown(file, root))?;
        match (webhook, op.path.starts_with('/')) {
            (false, false) => bail!(
                "{}: an operation's path starts with `/`, found `{}`",
                op.origin,
                op.path
            ),
            (true, true) => bail!(
                "{}: a webhook document names the webhook (`post personal-access-token-request-created`), not a path",
                op.origin
            ),
            _ => {}
        }
        wordings.add(components, op.description(self))?;
        let list = match webhook {
            true => &mut self.webhooks,
            false => &mut self.operations,
        };
        add(list, op, webhook)
    }

    fn read_components(
        &mut self,
        file: &Path,
        root: &Path,
        wordings: &mut Wordings,
        tags: &mut BTreeMap<String, Vec<String>>,
    ) -> Result<()> {
        let mut doc = markdown::parse_file(file, root)?;
        if let Some(block) = doc.schema_names.take() {
            self.schema_names
                .extend(strings(block, markdown::SCHEMA_NAMES, "schema names")?);
        }
        let description = descriptions::description_of(&doc, &self.primary)?;
        if let Some(block) = doc.union_tags.take() {
            let found = strings(block, markdown::UNION_TAGS, "strings")?;
            tags.entry(description.clone()).or_default().extend(found);
        }
        // A components document carries components only.
        if let Some(block) = doc.operation {
            bail!(
                "{}: a component document must not hold an operation object",
                block.origin
            );
        }
        wordings.add(doc.components, &description)
    }

    /// The union tags in force: each description's tags about a component
    /// whose wording is that description's, or about an operation (or a
    /// webhook) that came from it.
    ///
    /// Why: a tag is a fact of one description (its unions tell members
    /// apart by that enum), and a component a description words has that
    /// description's shape; so a model is closed or open as the description
    /// it comes from says, whatever other descriptions are imported.
    fn tags_in_force(
        &self,
        chosen: &BTreeMap<String, (Block, String)>,
        tags: BTreeMap<String, Vec<String>>,
    ) -> BTreeSet<String> {
        let mut in_force = BTreeSet::new();
        for (description, pointers) in tags {
            for pointer in pointers {
                let words = match component_of(&pointer) {
                    Some(component) => chosen.get(&component).map(|(_, d)| d.as_str()),
                    None => self.description_at(&pointer),
                };
                if words == Some(description.as_str()) {
                    in_force.insert(pointer);
                }
            }
        }
        in_force
    }

    /// The description of the operation or webhook a pointer into `paths`
    /// (or `x-webhooks`) stands in.
    fn description_at(&self, pointer: &str) -> Option<&str> {
        let mut tokens = pointer.strip_prefix("#/")?.split('/');
        let (list, at) = match tokens.next()? {
            "paths" => (&self.operations, openapi::unescape(tokens.next()?)),
            "x-webhooks" => (&self.webhooks, openapi::unescape(tokens.next()?)),
            _ => return None,
        };
        let method = Method::from_key(tokens.next()?)?;
        let op = list
            .iter()
            .find(|op| op.path == at && op.method == method)?;
        Some(op.description(self))
    }
}
