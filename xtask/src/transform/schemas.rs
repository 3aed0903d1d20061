//! Rules about schemas, wherever they stand.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::openapi;

/// Whether a member of `anyOf`/`oneOf` only constrains the object that
/// holds it: it says which properties must be present (`{"required":
/// ["state"]}`) or narrows properties the object already declares, and has
/// no type or properties of its own.
pub fn is_constraint(member: &Value, declared: &Map<String, Value>) -> bool {
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
pub fn presence_constraints(document: &mut Value, log: &mut Vec<String>) {
    openapi::walk_schemas_mut(document, &mut |pointer, schema| {
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
                    pointer
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
pub fn unions_as_one_of(document: &mut Value, log: &mut Vec<String>) {
    each_schema(document, log, "`anyOf`s read as `oneOf`s", |map| {
        if map.contains_key("oneOf") {
            return false;
        }
        let members = map.remove("anyOf");
        members.map(|m| map.insert("oneOf".into(), m)).is_some()
    });
}

/// Removes `pattern` from string schemas.
///
/// Why: typify checks a pattern with the `regress` crate, a dependency every
/// consumer would compile, and rejects a value GitHub itself sent (or would
/// accept) whenever GitHub's pattern is stricter than its data. The server
/// validates what it is sent; a value it refuses comes back as a 422.
pub fn unvalidated_patterns(document: &mut Value, log: &mut Vec<String>) {
    each_schema(
        document,
        log,
        "string patterns left to GitHub to check",
        |schema| {
            schema.get("pattern").is_some_and(Value::is_string)
                && schema.remove("pattern").is_some()
        },
    );
}

/// Applies `rule` to every schema object of the document and, when it
/// changed any (it says so), logs how many with `what` they became.
fn each_schema(
    document: &mut Value,
    log: &mut Vec<String>,
    what: &str,
    mut rule: impl FnMut(&mut Map<String, Value>) -> bool,
) {
    let mut count = 0;
    openapi::walk_schemas_mut(document, &mut |_, schema| {
        if let Some(map) = schema.as_object_mut()
            && rule(map)
        {
            count += 1;
        }
    });
    if count > 0 {
        log.push(format!("{count} {what}"));
    }
}

/// Gives `format: date-time` to string properties named `*_at` that have no format.
///
/// Why: GitHub names its timestamps `*_at` and sends them as RFC 3339 strings,
/// but some schemas (`access_granted_at`, `token_expires_at`, ...) omit the
/// format, so they would be generated as `String`. With the format they become
/// `chrono::DateTime<Utc>`, which keeps the instant exactly. A property whose
/// own `example` is not RFC 3339 (GitHub's `starred_at` example is quoted
/// twice) is left alone, as is anything with an `enum`, and so is a property
/// that one of the document's examples gives a value that is not RFC 3339:
/// Enterprise Server's `license-info` says only `expire_at: string`, and
/// its example, like the server, sends `2016/02/06 12:41:52 -0600`.
pub fn timestamps(document: &mut Value, log: &mut Vec<String>) {
    let contradicted = contradicted_timestamps(document);
    openapi::walk_schemas_mut(document, &mut |pointer, schema| {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            let Some(property) = property.as_object_mut() else {
                continue;
            };
            if !(name.ends_with("_at") && is_plain_string(property)) {
                continue;
            }
            let at = format!("{}/properties/{}", pointer, openapi::escape(name));
            if contradicted.contains(&at) {
                log.push(format!(
                    "{at}: left a string, an example sends a value that is not RFC 3339"
                ));
            } else {
                property.insert("format".into(), "date-time".into());
                log.push(format!("{at}: format date-time"));
            }
        }
    });
}

/// Where a property named `*_at` stands (as [`openapi::walk_schemas`] names
/// places) that an example of the document gives a string that is not
/// RFC 3339: the examples of request bodies and responses (`example`, and
/// `examples`, followed through `#/components/examples`), and an object
/// schema's own `example`, read alongside their schemas.
fn contradicted_timestamps(document: &Value) -> BTreeSet<String> {
    let mut examples = Examples {
        document,
        found: BTreeSet::new(),
    };
    openapi::walk_schemas(document, &mut |pointer, schema| {
        if let Some(example) = schema.get("example") {
            examples.read(pointer, schema, example, 0);
        }
    });
    let mut media = Vec::new();
    media_types(document, "#", &mut media);
    for (at, media_type) in media {
        let Some(schema) = media_type.get("schema") else {
            continue;
        };
        let named = openapi::object(media_type.get("examples"))
            .filter_map(|(_, example)| openapi::resolve(document, example)?.get("value"));
        let at = format!("{at}/schema");
        for example in media_type.get("example").into_iter().chain(named) {
            examples.read(&at, schema, example, 0);
        }
    }
    examples.found
}

/// Every media type object under a `content` of the document, with where it
/// stands (`$ref`s are not followed: what they name is found where it stands).
fn media_types<'d>(value: &'d Value, at: &str, out: &mut Vec<(String, &'d Value)>) {
    let Some(fields) = value.as_object() else {
        return;
    };
    for (key, child) in fields {
        let child_at = format!("{at}/{}", openapi::escape(key));
        if key == "content"
            && let Some(content) = child.as_object()
        {
            for (media, media_type) in content {
                out.push((format!("{child_at}/{}", openapi::escape(media)), media_type));
            }
        } else if !matches!(key.as_str(), "schema" | "example" | "examples" | "schemas") {
            media_types(child, &child_at, out);
        }
    }
}

/// The examples of a document read against their schemas: where the `*_at`
/// properties stand that one gives a string that is not RFC 3339.
struct Examples<'d> {
    document: &'d Value,
    found: BTreeSet<String>,
}

impl Examples<'_> {
    /// Reads `value` as an instance of `schema` (standing at `at`).
    fn read(&mut self, at: &str, schema: &Value, value: &Value, depth: usize) {
        // An example is finite, but a schema can refer to itself; GitHub's
        // nest a few levels.
        if depth > 32 {
            return;
        }
        let Some((schema, at)) = openapi::resolve_at(self.document, schema, at) else {
            return;
        };
        for keyword in ["allOf", "anyOf", "oneOf"] {
            for (i, member) in openapi::array(schema.get(keyword)).enumerate() {
                self.read(&format!("{at}/{keyword}/{i}"), member, value, depth + 1);
            }
        }
        match value {
            Value::Object(fields) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                for (name, field) in fields {
                    let Some(property) = properties.and_then(|p| p.get(name)) else {
                        continue;
                    };
                    let property_at = format!("{at}/properties/{}", openapi::escape(name));
                    // An empty string is no contradiction: the SDK reads it as no
                    // time (`tolerant::timestamp_or_empty`), and GitHub sends one
                    // for an invitation that has not failed (`failed_at: ""`).
                    if name.ends_with("_at")
                        && field
                            .as_str()
                            .is_some_and(|s| !s.is_empty() && !looks_like_rfc3339(s))
                    {
                        self.found.insert(property_at.clone());
                    }
                    self.read(&property_at, property, field, depth + 1);
                }
            }
            Value::Array(elements) => {
                if let Some(items) = schema.get("items") {
                    let at = format!("{at}/items");
                    for element in elements {
                        self.read(&at, items, element, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A string schema without format or enum whose own example, if any, looks like RFC 3339.
pub fn is_plain_string(schema: &Map<String, Value>) -> bool {
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
pub fn untitled_schemas(document: &mut Value, log: &mut Vec<String>) {
    let what = "schema titles moved into descriptions, so that types are named by where they stand";
    each_schema(document, log, what, |schema| {
        if !schema.get("title").is_some_and(Value::is_string) {
            return false;
        }
        let title = schema.remove("title").expect("checked above");
        if !schema.contains_key("description") {
            schema.insert("description".into(), title);
        }
        true
    });
}

/// A cheap shape check for `YYYY-MM-DDTHH:MM:SS...`; the full parse happens in the SDK.
pub fn looks_like_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b't')
        && b[13] == b':'
}

/// String formats whose types live in crates the SDK does not depend on.
const FOREIGN_FORMATS: &[&str] = &["uuid"];

/// Leaves out the `format` of strings that typify would give a type from a
/// crate the SDK does not depend on (`uuid` is `::uuid::Uuid`).
///
/// Why: every consumer would compile that crate for a handful of fields
/// (GHEC's usage report exports, GHES's cluster nodes), and the generated
/// code does not compile without it. The value stays the string GitHub
/// sends.
pub fn foreign_formats(document: &mut Value, log: &mut Vec<String>) {
    let what = format!(
        "string formats of types from crates the SDK does not use ({}) read as strings",
        FOREIGN_FORMATS.join(", ")
    );
    each_schema(document, log, &what, |schema| {
        let foreign = schema.get("type").and_then(Value::as_str) == Some("string")
            && schema
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| FOREIGN_FORMATS.contains(&f));
        foreign && schema.remove("format").is_some()
    });
}
