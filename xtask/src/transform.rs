//! Adapts the bundled document for code generation.
//!
//! `spec/openapi.json` stays faithful to GitHub; these rules are applied to a
//! copy of it just before progenitor sees it. Each rule holds for all of
//! GitHub's REST API and is applied to every operation, so that an operation
//! added to spec/ needs no new entry here. Each rule says why it exists.

use serde_json::{Map, Value};

use crate::openapi::{self, ComponentKind, ComponentRef, OperationMut, Order};

/// Applies every rule, in a fixed order, and returns what was changed (for review).
pub fn apply(document: &mut Value) -> Vec<String> {
    let mut log = Vec::new();
    collapse_error_responses(document, &mut log);
    bracket_array_query_parameters(document, &mut log);
    timestamps(document, &mut log);
    untitled_schemas(document, &mut log);
    log
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
        let log = apply(&mut d);
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
        assert_eq!(log.len(), 4, "{log:#?}");
    }

    #[test]
    fn rules_are_idempotent() {
        let mut once = doc();
        apply(&mut once);
        let mut twice = once.clone();
        apply(&mut twice);
        assert_eq!(once, twice);
    }
}
