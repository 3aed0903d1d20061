//! What a description refers to outside itself.
//!
//! GitHub's descriptions are meant to be self-contained, but some `$ref`s
//! point to files that were never bundled into them (GHEC's
//! `server-statistics` example names `server-statistics-actions.yaml`).
//! An example is a payload shown to people: one that refers outside is left
//! out of the operation document, with a one-line warning naming the
//! operation. A schema is what the SDK is generated from: one that refers
//! outside is an error naming the operation and the description's file.

use anyhow::{Result, anyhow, bail};
use serde_json::Value;

use crate::import::index::Index;
use crate::openapi;

/// Removes from an operation object the examples that refer outside the
/// description, directly or through an example component; returns a
/// warning for each.
pub fn leave_out_examples(op: &mut Value, id: &str, index: &Index<'_>) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    visit(op, &mut |key, holder| match key {
        "examples" => {
            let Some(examples) = holder.get_mut("examples").and_then(Value::as_object_mut) else {
                return;
            };
            examples.retain(|name, example| match outside_ref(index, example) {
                Some(target) => {
                    warnings.push(warning(index, id, &format!("example `{name}`"), &target));
                    false
                }
                None => true,
            });
            if examples.is_empty() {
                holder.remove("examples");
            }
        }
        _ => {
            let target = holder.get("example").and_then(|e| outside_ref(index, e));
            if let Some(target) = target {
                warnings.push(warning(index, id, "an `example`", &target));
                holder.remove("example");
            }
        }
    });
    Ok(warnings)
}

fn warning(index: &Index<'_>, id: &str, what: &str, target: &str) -> String {
    format!(
        "warning: operation `{id}`: {what} refers to `{target}` outside {}; left out",
        index.source
    )
}

/// Calls `f` with each object of `value` that holds `examples` or
/// `example`, and which of the two; never inside a payload, and never on a
/// property that is only named so.
fn visit(value: &mut Value, f: &mut dyn FnMut(&str, &mut serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            for key in ["examples", "example"] {
                if map.contains_key(key) {
                    f(key, map);
                }
            }
            for (key, child) in map.iter_mut() {
                if key == "properties" {
                    // Property names are not keywords: look inside each property.
                    child
                        .as_object_mut()
                        .into_iter()
                        .flatten()
                        .for_each(|(_, p)| visit(p, f));
                } else if key != "examples" && key != "example" {
                    visit(child, f);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| visit(v, f)),
        _ => {}
    }
}

/// The first `$ref` outside the description that a payload holds, itself
/// or through the example components it refers to.
fn outside_ref(index: &Index<'_>, payload: &Value) -> Option<String> {
    let mut found = None;
    let mut pending = vec![payload.clone()];
    let mut seen = Vec::new();
    while let Some(value) = pending.pop() {
        openapi::for_each_ref(&value, &mut |r| {
            if !r.starts_with("#/") {
                found.get_or_insert_with(|| r.to_string());
            } else if !seen.iter().any(|s: &String| s == r) {
                seen.push(r.to_string());
                pending.extend(index.component(r));
            }
        });
        if found.is_some() {
            break;
        }
    }
    found
}

/// A component an operation refers to directly: an error naming the
/// operation and the file when it is outside the description or nowhere in it.
pub fn component(index: &Index<'_>, id: &str, reference: &str) -> Result<Value> {
    if !reference.starts_with("#/") {
        bail!(
            "operation `{id}`: `$ref: {reference}` points outside {}; a schema the SDK is generated from must be in the description",
            index.source
        );
    }
    index.component(reference).ok_or_else(|| {
        anyhow!(
            "operation `{id}`: `$ref: {reference}` resolves nowhere in {}",
            index.source
        )
    })
}
