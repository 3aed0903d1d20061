//! Resolves the spec/ sources into one self-contained OpenAPI 3.0.3 document.
//!
//! Inputs: `spec/document.json` (the document-level fields the operation
//! documents lack), every `spec/operations/*.md` and every
//! `spec/components/*.md`. Output: the operations plus the transitive closure
//! of the components they reference, and nothing else. Content is carried over
//! unchanged; only the order of keys at the top of `paths` and `components` is
//! chosen here, so that the output is deterministic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use crate::markdown::{self, Block};
use crate::naming;
use crate::openapi::{self, ComponentKind, ComponentRef, Method, Origin};
use crate::output::{self, Output};
use crate::overlay;

/// The bundled document, relative to the project root.
pub const OPENAPI_JSON: &str = "spec/openapi.json";

/// One operation read from an operation document.
#[derive(Debug)]
pub struct Operation {
    pub id: String,
    pub method: Method,
    pub path: String,
    pub value: Value,
    pub origin: Origin,
}

/// Everything spec/ holds, parsed but not yet bundled.
#[derive(Debug)]
pub struct Sources {
    /// `openapi`, `info`, `servers` and whatever else the document-level file sets.
    pub document: Map<String, Value>,
    pub operations: Vec<Operation>,
    /// The webhooks (`spec/webhooks/`): operations GitHub sends, whose `path`
    /// is the webhook's name; bundled into `x-webhooks`.
    pub webhooks: Vec<Operation>,
    /// Component definitions by pointer (`#/components/schemas/x`).
    pub components: BTreeMap<String, Block>,
    /// Every schema name of the descriptions spec/ was imported from (the
    /// `## Schema names` of component documents), whether imported or not.
    /// The generator keeps their type names for them (see `naming`).
    pub schema_names: BTreeSet<String>,
    /// Where the enums stand that tell a union's members apart anywhere in
    /// those descriptions (`## Union tags`); the generator keeps them closed.
    pub union_tags: BTreeSet<String>,
    /// Corrections to GitHub's description (`spec/overlays/`), applied by [`bundle`].
    pub overlays: Vec<overlay::Overlay>,
}

/// The file that holds the document-level fields.
pub const DOCUMENT_FILE: &str = "document.json";

/// Reads spec/. `root` is the folder paths in error messages are relative to.
pub fn load(spec_dir: &Path, root: &Path) -> Result<Sources> {
    let mut sources = Sources {
        document: read_document(&spec_dir.join(DOCUMENT_FILE), root)?,
        operations: Vec::new(),
        webhooks: Vec::new(),
        components: BTreeMap::new(),
        schema_names: BTreeSet::new(),
        union_tags: BTreeSet::new(),
        overlays: overlay::load(&spec_dir.join("overlays"), root)?,
    };
    let operations_dir = spec_dir.join("operations");
    for file in markdown::files_in(&operations_dir)? {
        let mut doc = markdown::parse_file(&file, root)?;
        let components = std::mem::take(&mut doc.components);
        let op = operation_of(doc, &shown(&file, root))?;
        if !op.path.starts_with('/') {
            bail!(
                "{}: an operation's path starts with `/`, found `{}`",
                op.origin,
                op.path
            );
        }
        sources.add_operation(op)?;
        sources.add_components(components)?;
    }
    for file in markdown::files_in(&spec_dir.join("webhooks"))? {
        let mut doc = markdown::parse_file(&file, root)?;
        let components = std::mem::take(&mut doc.components);
        let webhook = operation_of(doc, &shown(&file, root))?;
        if webhook.path.starts_with('/') {
            bail!(
                "{}: a webhook document names the webhook (`post personal-access-token-request-created`), not a path",
                webhook.origin
            );
        }
        sources.add_webhook(webhook)?;
        sources.add_components(components)?;
    }
    for file in markdown::files_in(&spec_dir.join("components"))? {
        let mut doc = markdown::parse_file(&file, root)?;
        if let Some(block) = doc.schema_names.take() {
            sources.schema_names.extend(schema_names(block)?);
        }
        if let Some(block) = doc.union_tags.take() {
            sources
                .union_tags
                .extend(strings(block, markdown::UNION_TAGS)?);
        }
        sources.add_components(components_of(doc)?)?;
    }
    if sources.operations.is_empty() {
        bail!("no operation documents in {}", shown(&operations_dir, root));
    }
    Ok(sources)
}

/// A path as error messages show it: relative to `root` when inside it.
fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Reads the document-level fields, and checks the OpenAPI version they declare.
fn read_document(path: &Path, root: &Path) -> Result<Map<String, Value>> {
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let document: Map<String, Value> =
        openapi::from_json(&text, &Origin::new(shown(path, root), 1))?;
    openapi::check_version(
        document.get("openapi").and_then(Value::as_str),
        shown(path, root),
    )?;
    Ok(document)
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
    Ok(Operation {
        id: id.to_string(),
        method,
        path,
        value: block.value,
        origin: block.origin,
    })
}

/// A JSON array of strings under the heading `## {heading}`.
fn strings(block: Block, heading: &str) -> Result<Vec<String>> {
    serde_json::from_value(block.value).map_err(|e| {
        anyhow::anyhow!(
            "{}: `## {heading}` must hold a JSON array of strings: {e}",
            block.origin
        )
    })
}

/// The names in a `## Schema names` block: a JSON array of strings.
fn schema_names(block: Block) -> Result<Vec<String>> {
    serde_json::from_value(block.value).map_err(|e| {
        anyhow::anyhow!(
            "{}: `## {}` must hold a JSON array of schema names: {e}",
            block.origin,
            markdown::SCHEMA_NAMES
        )
    })
}

/// The components a component document carries; it must hold no operation.
fn components_of(doc: markdown::Document) -> Result<Vec<markdown::Component>> {
    if let Some(block) = doc.operation {
        bail!(
            "{}: a component document must not hold an operation object",
            block.origin
        );
    }
    Ok(doc.components)
}

impl Sources {
    /// Adds an operation unless another has its operationId or its method and path.
    fn add_operation(&mut self, op: Operation) -> Result<()> {
        if let Some(other) = self.operations.iter().find(|o| o.id == op.id) {
            bail!(
                "duplicate operationId `{}`: {} and {}",
                op.id,
                other.origin,
                op.origin
            );
        }
        if let Some(other) = self
            .operations
            .iter()
            .find(|o| o.method == op.method && o.path == op.path)
        {
            bail!(
                "duplicate operation `{} {}`: `{}` at {} and `{}` at {}",
                op.method,
                op.path,
                other.id,
                other.origin,
                op.id,
                op.origin
            );
        }
        self.operations.push(op);
        Ok(())
    }

    /// Adds a webhook unless another has its operationId or its name.
    fn add_webhook(&mut self, webhook: Operation) -> Result<()> {
        if let Some(other) = self
            .webhooks
            .iter()
            .find(|w| w.id == webhook.id || w.path == webhook.path)
        {
            bail!(
                "webhook `{}` ({}) is defined twice: {} and {}",
                webhook.path,
                webhook.id,
                other.origin,
                webhook.origin
            );
        }
        self.webhooks.push(webhook);
        Ok(())
    }

    /// Adds components; one may be defined in several documents only when
    /// every definition is the same.
    fn add_components(&mut self, components: Vec<markdown::Component>) -> Result<()> {
        for markdown::Component { pointer, block } in components {
            check_pointer(&pointer, &block.origin)?;
            match self.components.get(&pointer) {
                Some(existing) if existing.value != block.value => bail!(
                    "`{pointer}` is defined differently in two places: {} and {}",
                    existing.origin,
                    block.origin
                ),
                Some(_) => {}
                None => {
                    self.components.insert(pointer, block);
                }
            }
        }
        Ok(())
    }
}

fn check_pointer(pointer: &str, origin: &Origin) -> Result<()> {
    if ComponentRef::parse(pointer).is_none() {
        bail!("{origin}: `{pointer}` is not of the form `#/components/<kind>/<name>`");
    }
    Ok(())
}

/// Explains why a `$ref` cannot be followed, or returns `None` if it is local.
fn refuse_external(reference: &str) -> Option<String> {
    if reference.starts_with("#/") {
        return None;
    }
    Some(if reference.contains("://") {
        format!(
            "`$ref: {reference}` points to a URL; the bundler reads nothing outside spec/, so copy the component into spec/components/"
        )
    } else {
        format!(
            "`$ref: {reference}` points to another file; the bundler reads nothing outside spec/, so copy the component into spec/components/"
        )
    })
}

/// Collects the transitive closure of the components reachable from `roots`.
///
/// `trail` names where the walk started; an unresolvable reference is
/// reported with the chain of references that led to it.
pub fn closure(
    roots: &Value,
    trail: &str,
    lookup: &dyn Fn(&str) -> Option<Value>,
    found: &mut BTreeMap<String, Value>,
) -> Result<()> {
    let mut stack: Vec<(String, Vec<String>)> = Vec::new();
    let mut direct = Vec::new();
    openapi::for_each_ref(roots, &mut |r| direct.push(r.to_string()));
    for r in direct.into_iter().rev() {
        stack.push((r, vec![trail.to_string()]));
    }
    let mut seen = BTreeSet::new();
    while let Some((pointer, chain)) = stack.pop() {
        let chain_text = || {
            let mut c = chain.join(" -> ");
            c.push_str(" -> ");
            c.push_str(&pointer);
            c
        };
        if let Some(why) = refuse_external(&pointer) {
            bail!("{why} (reached via {})", chain_text());
        }
        if !seen.insert(pointer.clone()) {
            continue;
        }
        if ComponentRef::parse(&pointer).is_none() {
            bail!(
                "`$ref: {pointer}` is not of the form `#/components/<kind>/<name>` (reached via {})",
                chain_text()
            );
        }
        let Some(value) = lookup(&pointer) else {
            bail!(
                "`$ref: {pointer}` resolves nowhere in spec/ (reached via {})",
                chain_text()
            );
        };
        let mut inner = Vec::new();
        openapi::for_each_ref(&value, &mut |r| inner.push(r.to_string()));
        let mut next_chain = chain.clone();
        next_chain.push(pointer.clone());
        for r in inner.into_iter().rev() {
            stack.push((r, next_chain.clone()));
        }
        found.insert(pointer, value);
    }
    Ok(())
}

/// Builds the document's `components` object from pointers and values, in a stable order.
pub fn components_object(found: &BTreeMap<String, Value>) -> Map<String, Value> {
    let mut components = Map::new();
    for kind in ComponentKind::ALL {
        let mut section = Map::new();
        // BTreeMap order is pointer order, which within one kind is name order.
        for (pointer, value) in found {
            if let Some(component) = ComponentRef::parse(pointer)
                && component.kind == kind
            {
                section.insert(component.name, value.clone());
            }
        }
        if !section.is_empty() {
            components.insert(kind.to_string(), Value::Object(section));
        }
    }
    components
}

/// The spec/ under `root`, bundled.
pub fn spec(root: &Path) -> Result<Value> {
    bundle(&load(&root.join("spec"), root)?)
}

/// The spec/ under `root`, bundled as GitHub publishes it (without overlays).
pub fn published(root: &Path) -> Result<Value> {
    bundle_as_published(&load(&root.join("spec"), root)?)
}

/// Renders `spec/openapi.json` from the spec/ under `root`.
pub fn render(root: &Path) -> Result<Output> {
    Ok(Output {
        path: OPENAPI_JSON.into(),
        contents: output::to_pretty_json(&spec(root)?),
    })
}

/// Adds to `found` the original of each nullable twin in it, with the
/// original's closure. A twin (`nullable-simple-user`) is generated as its
/// original made optional (`Option<SimpleUser>`, see naming.rs), so the
/// original must be there, whether or not an operation refers to it: the
/// twin's type is then the same however many operations are imported.
pub fn twin_originals(
    lookup: &dyn Fn(&str) -> Option<Value>,
    found: &mut BTreeMap<String, Value>,
) -> Result<()> {
    let originals: Vec<(String, String)> = found
        .iter()
        .filter_map(|(pointer, twin)| {
            let name = pointer.strip_prefix("#/components/schemas/nullable-")?;
            let original = format!("#/components/schemas/{name}");
            let value = lookup(&original)?;
            (!found.contains_key(&original) && naming::is_nullable_twin(twin, &value))
                .then(|| (original, pointer.clone()))
        })
        .collect();
    for (original, twin) in originals {
        let root = serde_json::json!({ "$ref": original });
        closure(&root, &format!("`{twin}`'s original"), lookup, found)?;
    }
    Ok(())
}

/// Bundles the sources into one OpenAPI document.
pub fn bundle(sources: &Sources) -> Result<Value> {
    let published = bundle_as_published(sources)?;
    if sources.overlays.is_empty() {
        return Ok(published);
    }
    // An overlay may refer to a component no operation needed before, or
    // drop the last reference to one: apply it with every component at
    // hand, then take the closure again.
    let mut document = published;
    let all: BTreeMap<String, Value> = sources
        .components
        .iter()
        .map(|(pointer, block)| (pointer.clone(), block.value.clone()))
        .collect();
    document["components"] = Value::Object(components_object(&all));
    overlay::apply(&mut document, &sources.overlays)?;
    let mut found = BTreeMap::new();
    let lookup = |p: &str| openapi::lookup(&document, p).cloned();
    for op in openapi::operations(&document).chain(openapi::webhooks(&document)) {
        let trail = format!("operation `{}` (after spec/overlays)", op.id);
        closure(
            &Value::Object(op.object.clone()),
            &trail,
            &lookup,
            &mut found,
        )?;
    }
    twin_originals(&lookup, &mut found)?;
    document["components"] = Value::Object(components_object(&found));
    verify(&document)?;
    Ok(document)
}

/// The spec/ bundled as GitHub publishes it, without `spec/overlays/`:
/// what `cargo xtask drift` compares with a newer description.
pub fn bundle_as_published(sources: &Sources) -> Result<Value> {
    let mut found = BTreeMap::new();
    let lookup = |p: &str| sources.components.get(p).map(|b| b.value.clone());
    for op in sources.operations.iter().chain(&sources.webhooks) {
        let trail = format!("operation `{}` ({})", op.id, op.origin);
        closure(&op.value, &trail, &lookup, &mut found)?;
    }
    twin_originals(&lookup, &mut found)?;

    let mut document = sources.document.clone();
    document.insert(
        "paths".into(),
        Value::Object(path_items(&sources.operations)),
    );
    if !sources.webhooks.is_empty() {
        document.insert(
            openapi::WEBHOOKS.into(),
            Value::Object(path_items(&sources.webhooks)),
        );
    }
    document.insert(
        "components".into(),
        Value::Object(components_object(&found)),
    );
    let document = Value::Object(document);
    verify(&document)?;
    Ok(document)
}

/// Path items by path (or webhook name) in order; within one, methods in
/// the specification's order.
fn path_items(operations: &[Operation]) -> Map<String, Value> {
    let mut items: BTreeMap<&str, BTreeMap<Method, Value>> = BTreeMap::new();
    for op in operations {
        items
            .entry(&op.path)
            .or_default()
            .insert(op.method, op.value.clone());
    }
    items
        .into_iter()
        .map(|(path, item)| {
            let item = item
                .into_iter()
                .map(|(method, op)| (method.to_string(), op))
                .collect();
            (path.to_string(), Value::Object(item))
        })
        .collect()
}

/// Checks that the bundled document is self-contained and a valid OpenAPI 3.0 document.
///
/// The version was checked where it was read, in `spec/document.json`.
pub fn verify(document: &Value) -> Result<()> {
    let mut dangling = Vec::new();
    openapi::for_each_ref(document, &mut |r| {
        if openapi::lookup(document, r).is_none() {
            dangling.push(r.to_string());
        }
    });
    if !dangling.is_empty() {
        bail!(
            "the bundled document has references that resolve nowhere: {}",
            dangling.join(", ")
        );
    }
    serde_json::from_value::<openapiv3::OpenAPI>(document.clone())
        .context("the bundled document is not valid OpenAPI 3.0 (openapiv3 rejects it)")?;
    Ok(())
}
