//! Adapts the bundled document for code generation.
//!
//! `spec/openapi.json` stays faithful to GitHub; these rules are applied to a
//! copy of it just before progenitor sees it. Each rule holds for all of
//! GitHub's REST API and is applied to every operation, so that an operation
//! added to spec/ needs no new entry here. Each rule says why it exists.

mod requests;
mod responses;
mod schemas;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use serde_json::Value;

use crate::enums;
use crate::naming;
use crate::openapi;

pub use requests::SentAs;
pub use responses::Success;

/// What the rules changed and what the generator needs to know about it.
#[derive(Debug, Default)]
pub struct Facts {
    /// One line per change, for review in the generated file's header.
    pub log: Vec<String>,
    /// The success of operations with more than one kind of success, by operationId.
    pub successes: BTreeMap<String, Success>,
    /// The real values of string enums, by placeholder.
    pub enums: enums::Table,
    /// The request bodies whose media type the SDK sends differently from
    /// the one generated, by operationId.
    pub request_bodies: BTreeMap<String, SentAs>,
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
    responses::collapse_error_responses(document, log);
    responses::json_responses(document, log);
    facts.successes = responses::one_success_body(document, log)?;
    facts.request_bodies = requests::request_bodies(document, log)?;
    requests::bracket_array_query_parameters(document, log);
    schemas::timestamps(document, log);
    schemas::untitled_schemas(document, log);
    schemas::unvalidated_patterns(document, log);
    schemas::foreign_formats(document, log);
    schemas::presence_constraints(document, log);
    schemas::unions_as_one_of(document, log);
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
    if facts.enums.enums > 0 {
        log.push(format!(
            "{} string enums named from their values and open to new ones, but for {} that tell the members of a union apart (xtask/src/enums.rs)",
            facts.enums.enums,
            facts.enums.closed.len()
        ));
    }
    Ok(facts)
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
                    "name": {"type": "string"},
                    "id": {"type": "string", "format": "uuid"}
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
        assert!(props["id"].get("format").is_none(), "a uuid is a string");
        // Examples are payloads and stay untouched.
        assert!(
            d.pointer("/components/examples/e/value/properties/x_at/format")
                .is_none()
        );
        assert_eq!(log.len(), 6, "{log:#?}");
    }

    #[test]
    fn rules_are_idempotent() {
        let mut once = doc();
        apply(&mut once, &BTreeSet::new(), &BTreeSet::new()).unwrap();
        let mut twice = once.clone();
        apply(&mut twice, &BTreeSet::new(), &BTreeSet::new()).unwrap();
        assert_eq!(once, twice);
    }

    /// GHES's `license-info` in small: `expire_at` is a plain string, and
    /// the examples (a named one through `#/components/examples`, and an
    /// object schema's own) send something that is not RFC 3339, through a
    /// `$ref`, an array and an `allOf`. `renewed_at` has no example against
    /// it and still becomes a timestamp.
    #[test]
    fn a_timestamp_an_example_contradicts_stays_a_string() {
        let mut d = json!({
            "openapi": "3.0.3",
            "paths": {"/license": {"get": {"operationId": "license", "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/license-info"}},
                    "examples": {"default": {"$ref": "#/components/examples/license-info"}}
                }}
            }}}}},
            "components": {
                "schemas": {
                    "license-info": {"type": "object", "properties": {
                        "expire_at": {"type": "string"},
                        "renewed_at": {"type": "string"}
                    }},
                    "seat": {
                        "allOf": [{"type": "object", "properties": {"claimed_at": {"type": "string"}}}],
                        "example": {"claimed_at": "yesterday"}
                    }
                },
                "examples": {"license-info": {"value": [
                    {"expire_at": "2016/02/06 12:41:52 -0600", "renewed_at": "2015-02-06T12:41:52Z"}
                ]}}
            }
        });
        let log = apply(&mut d, &BTreeSet::new(), &BTreeSet::new())
            .unwrap()
            .log;
        let license = d
            .pointer("/components/schemas/license-info/properties")
            .unwrap();
        assert!(license["expire_at"].get("format").is_none(), "{log:#?}");
        assert_eq!(license["renewed_at"]["format"], "date-time");
        let seat = d
            .pointer("/components/schemas/seat/allOf/0/properties/claimed_at")
            .unwrap();
        assert!(seat.get("format").is_none(), "{log:#?}");
        assert!(
            log.iter().any(|l| l.starts_with(
                "#/components/schemas/license-info/properties/expire_at: left a string"
            )),
            "{log:#?}"
        );
    }
}
