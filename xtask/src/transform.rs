//! Adapts the bundled document for code generation.
//!
//! `spec/openapi.json` stays faithful to GitHub; these rules are applied to a
//! copy of it just before progenitor sees it. Each rule holds for all of
//! GitHub's REST API and is applied to every operation, so that an operation
//! added to spec/ needs no new entry here. Each rule says why it exists.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use serde_json::{Map, Value};

use crate::enums;
use crate::naming;
use crate::openapi::{self, ComponentKind, ComponentRef, OperationMut, Order};

/// What the rules changed and what the generator needs to know about it.
#[derive(Debug, Default)]
pub struct Facts {
    /// One line per change, for review in the generated file's header.
    pub log: Vec<String>,
    /// The success of operations with more than one kind of success, by operationId.
    pub successes: BTreeMap<String, Success>,
    /// The real values of string enums, by placeholder.
    pub enums: enums::Table,
}

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

/// Applies every rule, in a fixed order, and returns what was changed (for
/// review). `reserved` holds the type names of every component schema of
/// the description spec/ was imported from (see [`naming`]).
pub fn apply(
    document: &mut Value,
    reserved: &BTreeSet<String>,
    union_tags: &BTreeSet<String>,
) -> Result<Facts> {
    let mut facts = Facts::default();
    let log = &mut facts.log;
    collapse_error_responses(document, log);
    facts.successes = one_success_body(document, log)?;
    one_request_media_type(document, log);
    bracket_array_query_parameters(document, log);
    timestamps(document, log);
    untitled_schemas(document, log);
    unvalidated_patterns(document, log);
    presence_constraints(document, log);
    unions_as_one_of(document, log);
    log.extend(naming::name_types(document, reserved));
    // The tags of this document's unions, and those of the whole description
    // (`## Union tags`): an enum that is a tag anywhere is closed everywhere,
    // whichever operations are imported.
    let mut tags = enums::variant_tags(document);
    tags.extend(
        union_tags
            .iter()
            .filter(|p| openapi::lookup(document, p).is_some())
            .cloned(),
    );
    facts.enums = enums::placeholders(document, &tags);
    if !facts.enums.is_empty() {
        log.push(format!(
            "{} string enums named from their values and open to new ones, but for {} that tell the members of a union apart (xtask/src/enums.rs)",
            facts.enums.len(),
            facts.enums.closed()
        ));
    }
    Ok(facts)
}

/// Whether a member of `anyOf`/`oneOf` only constrains the object that
/// holds it: it says which properties must be present (`{"required":
/// ["state"]}`) or narrows properties the object already declares, and has
/// no type or properties of its own.
fn is_constraint(member: &Value, declared: &Map<String, Value>) -> bool {
    member.as_object().is_some_and(|m| {
        m.keys().all(|k| {
            matches!(
                k.as_str(),
                "required" | "properties" | "additionalProperties" | "description" | "title"
            )
        }) && m
            .get("properties")
            .and_then(Value::as_object)
            .is_none_or(|p| p.keys().all(|k| declared.contains_key(k)))
    })
}

/// Drops an `anyOf`/`oneOf` whose members only constrain the object's own
/// properties.
///
/// Why: GitHub writes "at least one of these fields" as
/// `anyOf: [{required: [state]}, {required: [languages]}, ...]` beside the
/// properties (`code-quality-setup-update`), and "a completed check run
/// needs a conclusion" as members that narrow `status` (`checks/update`).
/// typify reads either as a choice of types and generates variants that no
/// value decodes into, or that lose `status`. The server checks the
/// constraint; the model is the object with its properties.
fn presence_constraints(document: &mut Value, log: &mut Vec<String>) {
    openapi::walk_schemas_mut(document, Order::Pre, &mut |place, schema| {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        let declared = map
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for key in ["anyOf", "oneOf"] {
            let only_constraints = map
                .get(key)
                .and_then(Value::as_array)
                .is_some_and(|members| {
                    !members.is_empty() && members.iter().all(|m| is_constraint(m, &declared))
                });
            if only_constraints {
                map.remove(key);
                log.push(format!(
                    "{}: `{key}` that only constrains the object left to GitHub to check",
                    place.pointer
                ));
            }
        }
    });
}

/// Reads every `anyOf` as a `oneOf`.
///
/// Why: GitHub's `anyOf` means "one of these shapes" (a user or an
/// enterprise; one of 26 kinds of timeline event). Where typify cannot
/// prove the members apart it generates a struct holding each member
/// flattened and optional, which can only be decoded from an object (the
/// stargazers listing answers `anyOf` two kinds of array, and nothing
/// decoded) and loses fields on the way back (`node_id` of a timeline
/// event). As a `oneOf` it is an enum: the first member a value decodes
/// into is the one it is, and the enums that tag members stay closed
/// ([`enums::variant_tags`]) so that the tag decides.
fn unions_as_one_of(document: &mut Value, log: &mut Vec<String>) {
    let mut count = 0;
    openapi::walk_schemas_mut(document, Order::Pre, &mut |_, schema| {
        if let Some(map) = schema.as_object_mut()
            && !map.contains_key("oneOf")
            && let Some(members) = map.remove("anyOf")
        {
            map.insert("oneOf".into(), members);
            count += 1;
        }
    });
    if count > 0 {
        log.push(format!("{count} `anyOf`s read as `oneOf`s"));
    }
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
    let json = content.and_then(|c| {
        c.iter().find(|(media, _)| {
            *media == "application/json" || media.starts_with("application/json;")
        })
    });
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
fn one_success_body(
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
    let mut successes: Vec<(String, BodyKind)> = operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
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

/// The media types progenitor can send, in the order one is preferred.
const REQUEST_MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// Keeps one media type of a request body that GitHub documents with several.
///
/// Why: progenitor sends one media type per operation and panics on more
/// (`markdown/render-raw` takes `text/plain` or `text/x-markdown`, the same
/// text). JSON is kept if offered, else the first progenitor can send.
fn one_request_media_type(document: &mut Value, log: &mut Vec<String>) {
    let change = |place: String, body: &mut Value, log: &mut Vec<String>| {
        let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
            return;
        };
        if content.len() <= 1 {
            return;
        }
        let Some(keep) = REQUEST_MEDIA_TYPES.iter().find_map(|m| {
            content
                .keys()
                .find(|k| k.split(';').next() == Some(*m))
                .cloned()
        }) else {
            return;
        };
        let dropped: Vec<String> = content.keys().filter(|k| **k != keep).cloned().collect();
        content.retain(|k, _| *k == keep);
        log.push(format!(
            "{place}: request body sent as `{keep}` (not {})",
            dropped.join(", ")
        ));
    };
    if let Some(bodies) = document
        .pointer_mut("/components/requestBodies")
        .and_then(Value::as_object_mut)
    {
        for (name, body) in bodies.iter_mut() {
            change(format!("#/components/requestBodies/{name}"), body, log);
        }
    }
    for OperationMut { id, object, .. } in openapi::operations_mut(document) {
        if let Some(body) = object.get_mut("requestBody") {
            change(id, body, log);
        }
    }
}

/// Removes `pattern` from string schemas.
///
/// Why: typify checks a pattern with the `regress` crate, a dependency every
/// consumer would compile, and rejects a value GitHub itself sent (or would
/// accept) whenever GitHub's pattern is stricter than its data. The server
/// validates what it is sent; a value it refuses comes back as a 422.
fn unvalidated_patterns(document: &mut Value, log: &mut Vec<String>) {
    let mut count = 0;
    openapi::walk_schemas_mut(document, Order::Pre, &mut |_, schema| {
        if let Some(schema) = schema.as_object_mut()
            && schema.get("pattern").is_some_and(Value::is_string)
        {
            schema.remove("pattern");
            count += 1;
        }
    });
    if count > 0 {
        log.push(format!("{count} string patterns left to GitHub to check"));
    }
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
fn collapse_error_responses(document: &mut Value, log: &mut Vec<String>) {
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

/// Renames every array query parameter `x` to `x[]`.
///
/// Why: GitHub reads a list from a query string only in the bracket form,
/// `owner[]=a&owner[]=b`; it reads `owner=a&owner=b` as the last value alone.
/// progenitor repeats the parameter's name for each item, so the name itself
/// must carry the brackets. The builder method keeps the plain name (`owner`).
fn bracket_array_query_parameters(document: &mut Value, log: &mut Vec<String>) {
    let rename = |param: &mut Value, log: &mut Vec<String>, place: &str| {
        let is_array_query = param.get("in").and_then(Value::as_str) == Some("query")
            && param.pointer("/schema/type").and_then(Value::as_str) == Some("array");
        if !is_array_query {
            return;
        }
        if let Some(Value::String(name)) = param.get_mut("name")
            && !name.ends_with("[]")
        {
            log.push(format!(
                "{place}: query parameter `{name}` sent as `{name}[]`"
            ));
            name.push_str("[]");
        }
    };
    if let Some(params) = document
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        for (name, param) in params.iter_mut() {
            let place = ComponentRef::new(ComponentKind::Parameters, name.as_str());
            rename(param, log, &place.to_string());
        }
    }
    for OperationMut { id, object, .. } in openapi::operations_mut(document) {
        if let Some(Value::Array(params)) = object.get_mut("parameters") {
            for param in params {
                rename(param, log, &id);
            }
        }
    }
}

/// Gives `format: date-time` to string properties named `*_at` that have no format.
///
/// Why: GitHub names its timestamps `*_at` and sends them as RFC 3339 strings,
/// but some schemas (`access_granted_at`, `token_expires_at`, ...) omit the
/// format, so they would be generated as `String`. With the format they become
/// `chrono::DateTime<Utc>`, which keeps the instant exactly. A property whose
/// own `example` is not RFC 3339 (GitHub's `starred_at` example is quoted
/// twice) is left alone, as is anything with an `enum`.
fn timestamps(document: &mut Value, log: &mut Vec<String>) {
    openapi::walk_schemas_mut(document, Order::Pre, &mut |place, schema| {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            if let Some(property) = property.as_object_mut()
                && name.ends_with("_at")
                && is_plain_string(property)
            {
                property.insert("format".into(), "date-time".into());
                log.push(format!(
                    "{}/properties/{}: format date-time",
                    place.pointer,
                    openapi::escape(name)
                ));
            }
        }
    });
}

/// A string schema without format or enum whose own example, if any, looks like RFC 3339.
fn is_plain_string(schema: &Map<String, Value>) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && !schema.contains_key("format")
        && !schema.contains_key("enum")
        && schema
            .get("example")
            .is_none_or(|e| e.as_str().is_some_and(looks_like_rfc3339))
}

/// Moves each schema's `title` into its `description` (when it has none).
///
/// Why: typify names an inline schema after its `title` when it has one,
/// and GitHub's titles are labels, not unique names: `simple-user` and
/// `nullable-simple-user` are both "Simple User", so both became
/// `SimpleUser` and the code did not compile. Without titles every type is
/// named after where it stands (component name, parent type and property),
/// which is unique. The text stays in the documentation.
fn untitled_schemas(document: &mut Value, log: &mut Vec<String>) {
    let mut count = 0;
    openapi::walk_schemas_mut(document, Order::Pre, &mut |_, schema| {
        let Some(schema) = schema.as_object_mut() else {
            return;
        };
        if let Some(Value::String(_)) = schema.get("title") {
            let Some(Value::String(title)) = schema.remove("title") else {
                unreachable!("checked above")
            };
            if !schema.contains_key("description") {
                schema.insert("description".into(), Value::String(title));
            }
            count += 1;
        }
    });
    if count > 0 {
        log.push(format!(
            "{count} schema titles moved into descriptions, so that types are named by where they stand"
        ));
    }
}

/// A cheap shape check for `YYYY-MM-DDTHH:MM:SS...`; the full parse happens in the SDK.
fn looks_like_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b't')
        && b[13] == b':'
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {"/x": {"get": {
                "operationId": "a/b",
                "parameters": [
                    {"$ref": "#/components/parameters/owner"},
                    {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}},
                    {"name": "p", "in": "path", "schema": {"type": "array"}}
                ],
                "responses": {"200": {"description": "ok"}, "404": {"description": "nf"}, "422": {"description": "v"}}
            }}},
            "components": {
                "parameters": {"owner": {"name": "owner", "in": "query", "schema": {"type": "array"}}},
                "schemas": {"s": {"type": "object", "properties": {
                    "created_at": {"type": "string"},
                    "starred_at": {"type": "string", "example": "\"2020-07-09T00:17:55Z\""},
                    "state_at": {"type": "string", "enum": ["x"]},
                    "name": {"type": "string"}
                }}},
                "examples": {"e": {"value": {"properties": {"x_at": {"type": "string"}}}}}
            }
        })
    }

    #[test]
    fn rules_apply_to_every_operation_and_component() {
        let mut d = doc();
        let log = apply(&mut d, &BTreeSet::new(), &BTreeSet::new())
            .unwrap()
            .log;
        assert_eq!(
            d.pointer("/paths/~1x/get/responses").unwrap(),
            &json!({"200": {"description": "ok"}})
        );
        assert_eq!(
            d.pointer("/components/parameters/owner/name").unwrap(),
            "owner[]"
        );
        assert_eq!(
            d.pointer("/paths/~1x/get/parameters/1/name").unwrap(),
            "ids[]"
        );
        // A path parameter is never bracketed.
        assert_eq!(d.pointer("/paths/~1x/get/parameters/2/name").unwrap(), "p");
        let props = d.pointer("/components/schemas/s/properties").unwrap();
        assert_eq!(props["created_at"]["format"], "date-time");
        assert!(props["starred_at"].get("format").is_none());
        assert!(props["state_at"].get("format").is_none());
        assert!(props["name"].get("format").is_none());
        // Examples are payloads and stay untouched.
        assert!(
            d.pointer("/components/examples/e/value/properties/x_at/format")
                .is_none()
        );
        assert_eq!(log.len(), 5, "{log:#?}");
    }

    #[test]
    fn rules_are_idempotent() {
        let mut once = doc();
        apply(&mut once, &BTreeSet::new(), &BTreeSet::new()).unwrap();
        let mut twice = once.clone();
        apply(&mut twice, &BTreeSet::new(), &BTreeSet::new()).unwrap();
        assert_eq!(once, twice);
    }
}
