//! Rules about responses: errors are the SDK layer's, and one success
//! body per operation.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde_json::{Map, Value};

use crate::openapi::{self, OperationMut};

/// How the SDK returns an operation whose success statuses differ in body.
///
/// progenitor supports one body type for all success statuses, so the
/// first typed one is kept for it ([`one_success_body`]) and the SDK layer
/// turns the others, which progenitor reports as unexpected, into these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Success {
    /// The typed body, or `None` for these statuses without a body.
    OrNone(Vec<u16>),
    /// A list, empty for these statuses without a body.
    OrEmpty(Vec<u16>),
    /// The typed body, or one of these statuses with its raw body.
    OrOther(Vec<u16>),
}

/// The kind of body a response has, as progenitor tells them apart.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BodyKind {
    /// JSON, with its schema (serialized, to compare two of them).
    Json(String),
    /// Some other media type: progenitor hands it over as bytes.
    Raw,
    /// No content.
    None,
}

fn body_kind(response: &Value) -> BodyKind {
    let content = response.get("content").and_then(Value::as_object);
    let json = content.and_then(openapi::json_content);
    match (json, content) {
        (Some((_, media)), _) => BodyKind::Json(
            media
                .get("schema")
                .map(Value::to_string)
                .unwrap_or_default(),
        ),
        (None, Some(c)) if !c.is_empty() => BodyKind::Raw,
        _ => BodyKind::None,
    }
}

/// Keeps one success response per operation when GitHub documents success
/// statuses with different bodies, and says how the SDK returns the others.
///
/// Why: progenitor generates one success type per operation and panics
/// (`response_types.len() <= 1`) when, say, `repos/get-code-frequency-stats`
/// answers 200 with statistics, 202 while computing them and 204 for an
/// empty repository. The first status with a JSON body stays typed; the
/// others become [`Success`] variants that the SDK layer returns
/// (`Option<T>`, an empty list, or `Outcome::Other` with the raw body).
pub fn one_success_body(
    document: &mut Value,
    log: &mut Vec<String>,
) -> Result<BTreeMap<String, Success>> {
    let mut plans = BTreeMap::new();
    for op in openapi::operations(document) {
        let successes = success_bodies(document, op.object);
        if let Some(plan) = success_plan(document, op.id, &successes)? {
            plans.insert(op.id.to_string(), plan);
        }
    }
    let mut chosen = BTreeMap::new();
    for OperationMut { id, object, .. } in openapi::operations_mut(document) {
        let Some(plan) = plans.remove(&id) else {
            continue;
        };
        if let Some(responses) = object.get_mut("responses").and_then(Value::as_object_mut) {
            for status in &plan.removed {
                responses.remove(status);
            }
        }
        log.push(format!(
            "{id}: success {} typed; {} returned as {:?}",
            plan.kept,
            plan.removed.join(", "),
            plan.success
        ));
        chosen.insert(id, plan.success);
    }
    Ok(chosen)
}

/// The success statuses of an operation and the kind of body of each, by status.
fn success_bodies(document: &Value, operation: &Map<String, Value>) -> Vec<(String, BodyKind)> {
    let mut successes: Vec<(String, BodyKind)> = openapi::object(operation.get("responses"))
        .filter(|(status, _)| status.starts_with('2'))
        .map(|(status, r)| {
            let response = openapi::resolve(document, r).unwrap_or(&Value::Null);
            (status.clone(), body_kind(response))
        })
        .collect();
    successes.sort_by(|a, b| a.0.cmp(&b.0));
    successes
}

/// Which success of an operation stays typed and how the others are returned.
struct SuccessPlan {
    kept: String,
    removed: Vec<String>,
    success: Success,
}

/// The plan for an operation whose successes differ in body; `None` when
/// they all have the same kind of body.
fn success_plan(
    document: &Value,
    id: &str,
    successes: &[(String, BodyKind)],
) -> Result<Option<SuccessPlan>> {
    let Some((_, first)) = successes.first() else {
        return Ok(None);
    };
    if successes.iter().all(|(_, k)| k == first) {
        return Ok(None);
    }
    let typed = successes
        .iter()
        .position(|(_, k)| matches!(k, BodyKind::Json(_)))
        .or_else(|| successes.iter().position(|(_, k)| *k == BodyKind::Raw))
        .unwrap_or(0);
    let (kept, kind) = &successes[typed];
    let others: Vec<&(String, BodyKind)> = successes
        .iter()
        .filter(|(status, k)| status != kept && k != kind)
        .collect();
    let statuses = others
        .iter()
        .map(|(s, _)| {
            s.parse::<u16>()
                .map_err(|_| anyhow::anyhow!("operation `{id}`: `{s}` is not a status code"))
        })
        .collect::<Result<Vec<u16>>>()?;
    let success = match kind {
        BodyKind::Json(_) if others.iter().all(|(_, k)| *k == BodyKind::None) => {
            if is_array_body(document, kind) {
                Success::OrEmpty(statuses)
            } else {
                Success::OrNone(statuses)
            }
        }
        BodyKind::Json(_) => Success::OrOther(statuses),
        _ => bail!(
            "operation `{id}`: success statuses {} have different bodies, none of them JSON; the SDK cannot return them as one type",
            successes
                .iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Ok(Some(SuccessPlan {
        kept: kept.clone(),
        removed: others.iter().map(|(s, _)| s.clone()).collect(),
        success,
    }))
}

/// Whether a JSON body's schema is an array.
fn is_array_body(document: &Value, kind: &BodyKind) -> bool {
    let BodyKind::Json(schema) = kind else {
        return false;
    };
    let schema: Value = serde_json::from_str(schema).unwrap_or_default();
    openapi::resolve(document, &schema)
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        == Some("array")
}

/// Removes every non-2xx response from each operation.
///
/// Why: progenitor 0.15 supports one error body type per operation and panics
/// (`response_types.len() <= 1`) when GitHub documents `basic-error` for
/// 403/404/500 and `validation-error` for 422. GitHub's error bodies also carry
/// what the SDK needs from the headers (rate limits, request id), so the
/// hand-written layer decodes every error response itself (`src/error.rs`),
/// reading `message`, `documentation_url` and validation `errors`. Without
/// documented error responses progenitor hands the raw response over as
/// `Error::UnexpectedResponse`, which is exactly what that layer needs.
pub fn collapse_error_responses(document: &mut Value, log: &mut Vec<String>) {
    for OperationMut { id, object, .. } in openapi::operations_mut(document) {
        let Some(responses) = object.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let removed: Vec<String> = responses
            .keys()
            .filter(|s| !s.starts_with('2'))
            .cloned()
            .collect();
        for status in &removed {
            responses.remove(status);
        }
        if !removed.is_empty() {
            log.push(format!(
                "{id}: error responses {} left to the SDK's error layer",
                removed.join(", ")
            ));
        }
    }
}

/// Reads a response body of any JSON media type as JSON.
///
/// Why: progenitor types only an `application/json` body and hands any
/// other over as bytes, but `application/scim+json` (SCIM's answers) is
/// JSON: where a response has no `application/json`, its first
/// `application/*+json` is generated as that.
pub fn json_responses(document: &mut Value, log: &mut Vec<String>) {
    let mut rename = |place: &str, response: &mut Value| {
        let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
            return;
        };
        if content.keys().any(|k| openapi::is_plain_json(k)) {
            return;
        }
        let Some(json) = content.keys().find(|k| openapi::is_json(k)).cloned() else {
            return;
        };
        let media = content.remove(&json).expect("the key was just found");
        content.insert("application/json".into(), media);
        log.push(format!("{place}: `{json}` read as JSON"));
    };
    if let Some(responses) = document
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        for (name, response) in responses.iter_mut() {
            rename(&format!("#/components/responses/{name}"), response);
        }
    }
    for OperationMut { id, object, .. } in openapi::operations_mut(document) {
        let responses = object.get_mut("responses").and_then(Value::as_object_mut);
        for (status, response) in responses.into_iter().flatten() {
            rename(&format!("{id} {status}"), response);
        }
    }
}
