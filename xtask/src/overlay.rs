//! Corrections to GitHub's description, kept apart from it: the files in
//! `spec/overlays/` are OpenAPI Overlay 1.0 documents, each action with a
//! `target`, the reason in its `description`, and an `update` or `remove`.
//!
//! GitHub's description is sometimes wrong in a way no general rule can
//! tell (23.0.2 types the `account` of `GET /app/installations` as an
//! `allOf` of a user and an enterprise, which nothing satisfies, where the
//! `installation` component says `anyOf`). An overlay fixes one place, says
//! why, and fails loudly once its target is gone, so it does not outlive the
//! mistake: a fix upstream shows up as an error naming the overlay. An
//! action about an operation or component that spec/ does not hold (not
//! imported) is skipped.
//!
//! Targets are the JSONPath subset that names one place: `$`, then
//! `.name` or `['name']` steps, e.g.
//! `$.paths['/app/installations'].get.responses['200']`.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde_json::Value;

use crate::markdown;
use crate::openapi::{self, Origin};

/// One overlay file.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Where it was read, for errors.
    pub origin: Origin,
    pub actions: Vec<Action>,
}

/// One change.
#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    pub target: String,
    /// Why the change is needed.
    pub description: Option<String>,
    pub update: Option<Value>,
    #[serde(default)]
    pub remove: bool,
}

#[derive(Deserialize)]
struct File {
    overlay: String,
    actions: Vec<Action>,
}

/// Reads every `*.json` in `dir`, in name order; a missing folder has none.
pub fn load(dir: &Path, root: &Path) -> Result<Vec<Overlay>> {
    let mut overlays = Vec::new();
    for path in markdown::files_with(dir, "json")? {
        let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let origin = Origin::new(shown, 1);
        let text = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let file: File = openapi::from_json(&text, &origin)?;
        if !file.overlay.starts_with("1.") {
            bail!("{origin}: `overlay` must be 1.x, found `{}`", file.overlay);
        }
        for (i, action) in file.actions.iter().enumerate() {
            parse_target(&action.target)
                .with_context(|| format!("{origin}: action {i}: target `{}`", action.target))?;
            if action.update.is_some() == action.remove {
                bail!("{origin}: action {i}: give either `update` or `remove: true`");
            }
        }
        overlays.push(Overlay {
            origin,
            actions: file.actions,
        });
    }
    Ok(overlays)
}

/// The steps of a target: object keys from the root.
fn parse_target(target: &str) -> Result<Vec<String>> {
    let mut rest = target
        .strip_prefix('$')
        .ok_or_else(|| anyhow!("a target starts with `$`"))?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                bail!("an empty `.` step");
            }
            steps.push(after[..end].to_string());
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let quote = after
                .chars()
                .next()
                .filter(|c| *c == '\'' || *c == '"')
                .ok_or_else(|| anyhow!("a `[` step names a key in quotes, as in `['200']`"))?;
            let body = &after[1..];
            let end = body
                .find(quote)
                .ok_or_else(|| anyhow!("a `[` step is not closed"))?;
            steps.push(body[..end].to_string());
            rest = body[end + 1..]
                .strip_prefix(']')
                .ok_or_else(|| anyhow!("a `[` step is not closed with `]`"))?;
        } else {
            bail!("expected `.name` or `['name']` at `{rest}`");
        }
    }
    Ok(steps)
}

/// Applies every action of every overlay, in order.
pub fn apply(document: &mut Value, overlays: &[Overlay]) -> Result<()> {
    for overlay in overlays {
        for (i, action) in overlay.actions.iter().enumerate() {
            apply_action(document, action)
                .with_context(|| format!("{}: action {i} (`{}`)", overlay.origin, action.target))?;
        }
    }
    Ok(())
}

fn apply_action(document: &mut Value, action: &Action) -> Result<()> {
    let steps = parse_target(&action.target)?;
    // An action about an operation or component spec/ does not hold (it was
    // not imported) has nothing to correct; one whose operation or
    // component is there but whose place inside it is gone does.
    let owner = match steps.first().map(String::as_str) {
        Some("paths" | "components") => &steps[..steps.len().min(3)],
        _ => &steps[..0],
    };
    if walk(document, owner).is_none() {
        return Ok(());
    }
    let missing = || {
        anyhow!(
            "the target matches nothing: GitHub may have fixed its description; remove this action"
        )
    };
    if action.remove {
        let (last, parent) = steps
            .split_last()
            .ok_or_else(|| anyhow!("cannot remove `$`"))?;
        let parent = walk(document, parent).ok_or_else(missing)?;
        parent
            .as_object_mut()
            .and_then(|m| m.remove(last))
            .ok_or_else(missing)?;
    } else if let Some(update) = &action.update {
        merge(walk(document, &steps).ok_or_else(missing)?, update);
    }
    Ok(())
}

fn walk<'d>(value: &'d mut Value, steps: &[String]) -> Option<&'d mut Value> {
    steps
        .iter()
        .try_fold(value, |v, step| v.as_object_mut()?.get_mut(step))
}

/// Overlay 1.0's update: objects merge key by key, arrays are appended to,
/// anything else is replaced.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(t), Value::Object(u)) => {
            for (key, value) in u {
                match t.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        t.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(u)) => t.extend(u.iter().cloned()),
        (t, u) => *t = u.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Overlay {
        Overlay {
            origin: Origin::new("spec/overlays/o.json", 1),
            actions: serde_json::from_value(actions).unwrap(),
        }
    }

    #[test]
    fn targets_name_one_place() {
        assert_eq!(
            parse_target("$.paths['/a/{b}'].get.responses[\"200\"]").unwrap(),
            ["paths", "/a/{b}", "get", "responses", "200"]
        );
        for bad in ["paths", "$..x", "$[0]", "$['x'", "$.a[*]"] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn remove_then_update_replaces_a_schema() {
        let mut doc = json!({"paths": {"/x": {"get": {"schema": {"items": {"allOf": [1, 2]}, "type": "array"}}}}});
        let o = overlay(json!([
            {"target": "$.paths['/x'].get.schema.items", "remove": true},
            {"target": "$.paths['/x'].get.schema", "update": {"items": {"$ref": "#/c"}}, "description": "why"}
        ]));
        apply(&mut doc, &[o]).unwrap();
        assert_eq!(
            doc,
            json!({"paths": {"/x": {"get": {"schema": {"items": {"$ref": "#/c"}, "type": "array"}}}}})
        );
    }

    #[test]
    fn a_target_that_is_gone_is_an_error_naming_the_overlay() {
        let mut doc = json!({"paths": {"/x": {"get": {}}}});
        let o = overlay(json!([{"target": "$.paths['/x'].get.schema", "remove": true}]));
        let err = format!("{:#}", apply(&mut doc, &[o]).unwrap_err());
        assert!(err.contains("spec/overlays/o.json:1: action 0"), "{err}");
        assert!(err.contains("matches nothing"), "{err}");
    }

    #[test]
    fn an_operation_that_is_not_imported_has_nothing_to_correct() {
        let mut doc = json!({"paths": {"/y": {}}});
        let o = overlay(json!([{"target": "$.paths['/x'].get.schema", "remove": true}]));
        apply(&mut doc, &[o]).unwrap();
        assert_eq!(doc, json!({"paths": {"/y": {}}}));
    }

    #[test]
    fn update_merges_objects_and_appends_to_arrays() {
        let mut target = json!({"a": 1, "b": {"c": 2}, "l": [1]});
        merge(&mut target, &json!({"a": 3, "b": {"d": 4}, "l": [2]}));
        assert_eq!(target, json!({"a": 3, "b": {"c": 2, "d": 4}, "l": [1, 2]}));
    }
}
