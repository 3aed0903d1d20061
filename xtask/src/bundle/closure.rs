//! The closure of the components that operations reach, and the
//! document's `components` object built from it.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use serde_json::{Map, Value};
use strum::VariantArray;

use crate::naming;
use crate::openapi::{self, ComponentKind, ComponentRef};

/// Says where a `$ref` that cannot be followed points, or returns `None`
/// if it is local. Callers say what is read and what is not.
fn refuse_external(reference: &str) -> Option<String> {
    if reference.starts_with("#/") {
        return None;
    }
    let place = if reference.contains("://") {
        "a URL"
    } else {
        "another file"
    };
    Some(format!("`$ref: {reference}` points to {place}"))
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
    // The references of `value` to follow, each reached via `chain`, in
    // the order they stand (the stack is popped from its end).
    let push_refs = |stack: &mut Vec<(String, Vec<String>)>, value: &Value, chain: Vec<String>| {
        let mut refs = Vec::new();
        openapi::for_each_ref(value, &mut |r| refs.push(r.to_string()));
        stack.extend(refs.into_iter().rev().map(|r| (r, chain.clone())));
    };
    let mut stack = Vec::new();
    push_refs(&mut stack, roots, vec![trail.to_string()]);
    let mut seen = BTreeSet::new();
    while let Some((pointer, chain)) = stack.pop() {
        let chain_text = || format!("{} -> {pointer}", chain.join(" -> "));
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
        let mut next_chain = chain.clone();
        next_chain.push(pointer.clone());
        push_refs(&mut stack, &value, next_chain);
        found.insert(pointer, value);
    }
    Ok(())
}

/// Builds the document's `components` object from pointers and values, in a stable order.
pub fn components_object(found: &BTreeMap<String, Value>) -> Map<String, Value> {
    let mut components = Map::new();
    for &kind in ComponentKind::VARIANTS {
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
