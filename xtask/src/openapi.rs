//! The typed OpenAPI layer that every stage shares.
//!
//! The stages read and rewrite OpenAPI 3.0 documents as `serde_json::Value`
//! (a typed model would drop what it does not know, and the bundle must stay
//! faithful to GitHub). What they all need to know about that JSON lives
//! here, once, one concern a child module, lowest first: where in which file
//! a JSON text starts and which OpenAPI version is read ([`json`]);
//! which media types are JSON ([`media`]); how a
//! `$ref` is written and followed ([`reference`]); which path item keys are
//! operations and how operations are found ([`operations`]); a JSON value
//! that borrows from its text ([`borrowed`]); and where schemas stand
//! ([`walk`]).

mod json;

mod media;

mod reference;

mod operations;

mod borrowed;

mod walk;

pub use borrowed::BorrowedJson;
pub use json::{Origin, array, check_version, from_json, object, read_description};
pub use media::{is_json, is_plain_json, json_content};
pub use operations::{
    Method, Operation, OperationMut, WEBHOOKS, operations, operations_mut, path_item_operations,
    webhooks,
};
pub use reference::{
    ComponentKind, ComponentRef, MAX_REF_DEPTH, escape, for_each_ref, lookup, resolve, resolve_at,
    unescape,
};
pub use walk::{walk_borrowed_schemas, walk_schemas, walk_schemas_mut};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn malformed_json_names_file_line_and_column() {
        let text = b"{\n  \"a\": 1,,\n}";
        let err = from_json::<Value>(text, &Origin::new("spec/x.md", 10))
            .unwrap_err()
            .to_string();
        // Line 2 of the text is line 11 of the file; serde_json's own
        // position inside the text is left out.
        assert_eq!(err, "spec/x.md:11:10: malformed JSON: key must be a string");
        let yaml = from_json::<Value>(b"openapi: 3.0.3\n", &Origin::new("api.yaml", 1))
            .unwrap_err()
            .to_string();
        assert!(yaml.starts_with("api.yaml:1:1: malformed JSON"), "{yaml}");
        assert!(yaml.contains("convert YAML"), "{yaml}");
    }

    #[test]
    fn only_openapi_3_0_is_read() {
        assert!(check_version(Some("3.0.3"), "d.json").is_ok());
        let err = check_version(Some("3.1.0"), "d.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.json: `openapi` must be 3.0.x, found Some(\"3.1.0\")"
        );
        assert!(check_version(None, "d.json").is_err());
    }

    #[test]
    fn methods_are_the_path_item_keys_that_hold_operations() {
        assert_eq!(Method::from_key("patch"), Some(Method::Patch));
        assert_eq!(Method::from_key("parameters"), None);
        assert_eq!(Method::from_key("GET"), None);
        // In the specification's order, which bundles list a path item's operations in.
        let keys = [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ];
        let methods: Vec<Method> = keys.iter().filter_map(|k| Method::from_key(k)).collect();
        assert!(methods.is_sorted() && methods.len() == keys.len());
        assert_eq!(Method::Delete.to_string(), "delete");
        assert_eq!(ComponentKind::RequestBodies.to_string(), "requestBodies");
    }

    /// A document with a little of everything the layer reads.
    pub(super) fn document() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {
                "/a/{id}": {
                    "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                    "get": {"operationId": "a/get", "responses": {"200": {"$ref": "#/components/responses/ok"}}},
                    "post": {"summary": "no operationId"},
                    "x-other": {"operationId": "not/an/operation"}
                },
                "/b": {"delete": {"operationId": "b/delete"}}
            },
            "components": {
                "responses": {
                    "ok": {"$ref": "#/components/responses/also-ok"},
                    "also-ok": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/a~1b"}}}},
                    "loop": {"$ref": "#/components/responses/loop"}
                },
                "schemas": {
                    "a/b": {
                        "type": "object",
                        "example": {"properties": {"x": {"type": "string"}}},
                        "properties": {
                            "list": {"type": "array", "items": {"type": "integer", "default": {"not": {}}}},
                            "either": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/c"}]},
                            "map": {"type": "object", "additionalProperties": {"type": "boolean"}}
                        }
                    },
                    "c": {"type": "object", "additionalProperties": true}
                },
                "examples": {"e": {"value": {"schema": {"type": "string"}}}}
            }
        })
    }

    #[test]
    fn operations_are_found_in_document_order_by_id() {
        let mut doc = document();
        let found: Vec<_> = operations(&doc).map(|o| (o.path, o.method, o.id)).collect();
        assert_eq!(
            found,
            [
                ("/a/{id}", Method::Get, "a/get"),
                ("/b", Method::Delete, "b/delete")
            ]
        );
        for op in operations_mut(&mut doc) {
            op.object.insert("x-seen".into(), json!(op.id));
        }
        assert_eq!(doc.pointer("/paths/~1b/delete/x-seen").unwrap(), "b/delete");
    }

    #[test]
    fn component_references_are_escaped_json_pointers() {
        let r = ComponentRef::parse("#/components/schemas/a~1b~0c").unwrap();
        assert_eq!((r.kind, r.name.as_str()), (ComponentKind::Schemas, "a/b~c"));
        assert_eq!(r.to_string(), "#/components/schemas/a~1b~0c");
        assert_eq!(ComponentRef::parse("#/components/schemas/a/b"), None);
        assert_eq!(ComponentRef::parse("#/components/things/a"), None);
        assert_eq!(
            ComponentRef::parse("other.json#/components/schemas/a"),
            None
        );
        assert_eq!(unescape("~01"), "~1");
    }

    #[test]
    fn references_are_followed_through_chains_and_never_forever() {
        let doc = document();
        let response = doc.pointer("/paths/~1a~1{id}/get/responses/200").unwrap();
        assert_eq!(resolve(&doc, response).unwrap()["description"], "ok");
        let schema = json!({"$ref": "#/components/schemas/a~1b"});
        assert_eq!(resolve(&doc, &schema).unwrap()["type"], "object");
        let plain = json!({"type": "string"});
        assert_eq!(resolve(&doc, &plain), Some(&plain));
        for dead in [
            "#/components/responses/loop",
            "#/components/schemas/none",
            "other.json#/x",
            "#",
        ] {
            assert_eq!(resolve(&doc, &json!({ "$ref": dead })), None, "{dead}");
        }
        let mut refs = Vec::new();
        for_each_ref(&doc, &mut |r| refs.push(r));
        assert_eq!(refs.len(), 5);
    }
}
