//! Resolves the spec/ sources into one self-contained OpenAPI 3.0.3 document.
//!
//! Inputs: `spec/document.json` (the document-level fields the operation
//! documents lack), every `spec/operations/*.md` and every
//! `spec/components/*.md`. Output: the operations plus the transitive closure
//! of the components they reference, and nothing else. Content is carried over
//! unchanged; only the order of keys at the top of `paths` and `components` is
//! chosen here, so that the output is deterministic.

mod closure;

mod components;

mod sources;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use crate::openapi::{self, Method};
use crate::output::{self, Output};
use crate::overlay;

pub use closure::{closure, components_object, twin_originals};
pub use sources::{DOCUMENT_FILE, Operation, Sources, load, read_document};

/// What a reference that spec/ cannot follow is told.
const OUTSIDE_SPEC: &str =
    "the bundler reads nothing outside spec/: copy what it refers to into spec/components/";

/// The bundled document, relative to the project root.
pub const OPENAPI_JSON: &str = "spec/openapi.json";

/// Renders `spec/openapi.json` from the spec/ under `root`.
pub fn render(root: &Path) -> Result<Output> {
    Ok(Output {
        path: OPENAPI_JSON.into(),
        contents: output::to_pretty_json(&bundle(&load(&root.join("spec"), root)?)?),
    })
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
        let object = Value::Object(op.object.clone());
        closure(&object, &trail, &lookup, &mut found)?;
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
        closure(&op.value, &trail, &lookup, &mut found).context(OUTSIDE_SPEC)?;
    }
    twin_originals(&lookup, &mut found).context(OUTSIDE_SPEC)?;

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
