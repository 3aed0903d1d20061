//! Type names that are unique and do not depend on which operations were
//! imported.
//!
//! typify names a component schema after its key (`simple-user` is
//! `SimpleUser`) and an inline schema after where it stands: the parent's
//! name and the property (`code-scanning-variant-analysis` → `status` is
//! `CodeScanningVariantAnalysisStatus`), `Item` for array items, `Value`
//! for map values, `Inner` for what a nullable component holds. Two things
//! break that:
//!
//! - an inline name can equal a component's name (GitHub also has a
//!   component `code-scanning-variant-analysis-status`), and typify then
//!   emits two types of one name;
//! - typify names what a nullable `oneOf`/`anyOf` holds like the wrapper
//!   itself, so the type refers to itself.
//!
//! [`name_types`] predicts typify's names and moves each schema that would
//! collide into `components/schemas` under a name of its own (the predicted
//! one with `Inline` appended), and the body of each nullable composition
//! likewise. Component names are *reserved* as a whole: every schema name of
//! the description the operations were imported from (kept in spec/ by
//! `cargo xtask import`), not only those present. So an inline type's name
//! is decided by the description, never by which other operations happen to
//! be imported, and importing one more operation renames nothing.
//!
//! A nullable twin (`nullable-simple-user`, equal to `simple-user` but
//! nullable) is referred to as `Option<SimpleUser>`, not as a second struct.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::{Map, Value, json};

use crate::openapi::{self, escape};

/// The name typify gives a component schema (its `sanitize` in Pascal case).
pub fn type_name(component: &str) -> String {
    sanitize(component, |s| s.to_pascal_case(), "X")
}

/// A name progenitor would use for a parameter or method (`sanitize` in snake case).
pub fn snake(name: &str) -> String {
    sanitize(name, |s| s.to_snake_case(), "x")
}

/// typify's and progenitor's `sanitize`: quotes dropped, any other
/// character that cannot be in an identifier a word break, then `case`; a
/// name that does not start with a letter (or `_`) gets `prefix`, and one
/// that is still no identifier (a keyword) a trailing `_`.
fn sanitize(raw: &str, case: fn(&str) -> String, prefix: &str) -> String {
    let cleaned: String = raw
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = case(&cleaned);
    let name = match name.chars().next() {
        None => prefix.to_string(),
        Some(c) if c.is_alphabetic() || c == '_' => name,
        Some(_) => format!("{prefix}{name}"),
    };
    if syn::parse_str::<syn::Ident>(&name).is_ok() {
        name
    } else {
        format!("{name}_")
    }
}

/// Applies the naming rules; returns one log line per change.
pub fn name_types(document: &mut Value, reserved: &BTreeSet<String>) -> Vec<String> {
    let mut log = nullable_twins(document);
    let mut namer = Namer {
        used: reserved.clone(),
        moves: Vec::new(),
    };
    namer
        .used
        .extend(component_keys(document).iter().map(|k| type_name(k)));
    for key in component_keys(document) {
        let pointer = format!("/components/schemas/{}", escape(&key));
        if let Some(schema) = document.pointer(&pointer) {
            namer.walk(schema, &pointer, &type_name(&key), Position::Component);
        }
    }
    for (pointer, name) in operation_schemas(document) {
        if let Some(schema) = document.pointer(&pointer) {
            namer.walk(schema, &pointer, &name, Position::Inline);
        }
    }
    let mut moves = namer.moves;
    // Inner schemas first, so that each pointer is still valid when its turn comes.
    moves.sort_by(|a, b| {
        b.pointer
            .len()
            .cmp(&a.pointer.len())
            .then(a.pointer.cmp(&b.pointer))
    });
    for m in moves {
        apply(document, &m);
        log.push(match m.kind {
            MoveKind::Collision => format!(
                "#{}: named `{}`: its name from where it stands is a component's",
                m.pointer, m.name
            ),
            MoveKind::NullableBody => format!(
                "#{}: what the nullable composition holds is named `{}`",
                m.pointer, m.name
            ),
        });
    }
    log
}

fn component_keys(document: &Value) -> Vec<String> {
    let schemas = openapi::object(document.pointer("/components/schemas"));
    schemas.map(|(key, _)| key.clone()).collect()
}

/// Where a schema stands, for how typify names what it holds.
#[derive(Clone, Copy, PartialEq)]
enum Position {
    /// A component: named after its key, whatever its shape.
    Component,
    /// Anywhere else: named after its parent, if it is a named type at all.
    Inline,
    /// A member of an `allOf`: merged into its parent, never named itself.
    Merged,
}

#[derive(Debug, PartialEq)]
enum MoveKind {
    Collision,
    NullableBody,
}

/// A schema to move into `components/schemas`.
#[derive(Debug)]
struct Move {
    /// A JSON pointer (without `#`).
    pointer: String,
    /// The new component's key, which is also its type name.
    name: String,
    kind: MoveKind,
}

/// Whether typify makes a named type of a schema (rather than a `String`,
/// a `Vec`, a map, or the type of the one schema an `allOf` refers to).
fn is_named_type(schema: &Map<String, Value>) -> bool {
    if schema.contains_key("$ref") {
        return false;
    }
    if schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
        || ["enum", "oneOf", "anyOf"]
            .iter()
            .any(|k| schema.contains_key(*k))
    {
        return true;
    }
    match schema.get("allOf").and_then(Value::as_array) {
        Some(members) => !(members.len() == 1 && members[0].get("$ref").is_some()),
        None => false,
    }
}

fn is_nullable_composition(schema: &Map<String, Value>) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        && (schema.contains_key("oneOf") || schema.contains_key("anyOf"))
}

/// The first of `base`, `base2`, `base3`, ... that is not `taken`.
pub fn numbered(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut candidate = base.to_string();
    let mut n = 2;
    while taken(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    candidate
}

/// The first of `nameInline`, `nameInline2`, ... that nothing has taken.
fn unused(name: &str, used: &BTreeSet<String>) -> String {
    numbered(&format!("{name}Inline"), |c| used.contains(c))
}

/// The walk that predicts typify's names: the names taken so far, and the
/// schemas to move.
struct Namer {
    used: BTreeSet<String>,
    moves: Vec<Move>,
}

impl Namer {
    /// Names `schema`, standing at `pointer` with the name typify would give
    /// it, and the schemas inside it.
    fn walk(&mut self, schema: &Value, pointer: &str, name: &str, position: Position) {
        let Some(map) = schema.as_object() else {
            return;
        };
        if map.contains_key("$ref") {
            return;
        }
        let mut name = name.to_string();
        if position == Position::Inline && is_named_type(map) {
            name = self.inline(pointer, name);
        }
        if position != Position::Merged && is_nullable_composition(map) {
            name = self.nullable_body(pointer, name, position);
        }
        self.children(map, pointer, &name);
    }

    /// An inline named type keeps its name unless something has taken it.
    fn inline(&mut self, pointer: &str, mut name: String) -> String {
        if self.used.contains(&name) {
            name = unused(&name, &self.used);
            self.moves.push(Move {
                pointer: pointer.to_string(),
                name: name.clone(),
                kind: MoveKind::Collision,
            });
        }
        self.used.insert(name.clone());
        name
    }

    /// What a nullable composition holds gets a name of its own.
    ///
    /// A component keeps its name for the wrapper and names the body
    /// `Inner`, as typify does for other nullable components; an inline
    /// wrapper becomes `Option<T>` and the body takes the wrapper's name.
    fn nullable_body(&mut self, pointer: &str, name: String, position: Position) -> String {
        let body = if position == Position::Component {
            let inner = format!("{name}Inner");
            if self.used.contains(&inner) {
                unused(&inner, &self.used)
            } else {
                inner
            }
        } else {
            name
        };
        self.used.insert(body.clone());
        self.moves.retain(|m| m.pointer != pointer);
        self.moves.push(Move {
            pointer: pointer.to_string(),
            name: body.clone(),
            kind: MoveKind::NullableBody,
        });
        body
    }

    /// The schemas inside one named `name`: properties, items, map values
    /// and `allOf` members.
    fn children(&mut self, map: &Map<String, Value>, pointer: &str, name: &str) {
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            for (prop, child) in props {
                let child_name = format!("{name}_{}", prop.to_snake_case()).to_pascal_case();
                let at = format!("{pointer}/properties/{}", escape(prop));
                self.walk(child, &at, &child_name, Position::Inline);
            }
        }
        if let Some(items) = map.get("items") {
            let at = format!("{pointer}/items");
            self.walk(items, &at, &format!("{name}Item"), Position::Inline);
        }
        if let Some(values @ Value::Object(_)) = map.get("additionalProperties") {
            let at = format!("{pointer}/additionalProperties");
            self.walk(values, &at, &format!("{name}Value"), Position::Inline);
        }
        // The members of an `allOf` merge into this type. typify names the
        // members of a `oneOf`/`anyOf` by rules of its own, not predicted here.
        for (i, member) in openapi::array(map.get("allOf")).enumerate() {
            let at = format!("{pointer}/allOf/{i}");
            self.walk(member, &at, name, Position::Merged);
        }
    }
}

/// The schemas of operations and the names progenitor gives them:
/// `{operationId}-{parameter}`, `{operationId}-body`, `{operationId}-response`.
fn operation_schemas(document: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for operation in openapi::operations(document) {
        let (id, op) = (operation.id, operation.object);
        let at = format!("/paths/{}/{}", escape(operation.path), operation.method);
        let named = |suffix: &str| format!("{id}-{suffix}").replace('/', "-").to_pascal_case();
        for (i, p) in openapi::array(op.get("parameters")).enumerate() {
            if let Some(param) = p["name"].as_str() {
                found.push((format!("{at}/parameters/{i}/schema"), named(param)));
            }
        }
        let body = op.get("requestBody").and_then(|b| b.get("content"));
        for (media, _) in openapi::object(body) {
            let at = format!("{at}/requestBody/content/{}/schema", escape(media));
            found.push((at, named("body")));
        }
        for (status, response) in openapi::object(op.get("responses")) {
            for (media, _) in openapi::object(response.get("content")) {
                let at = format!("{at}/responses/{status}/content/{}/schema", escape(media));
                found.push((at, named("response")));
            }
        }
    }
    found
}

fn apply(document: &mut Value, m: &Move) {
    let Some(slot) = document.pointer_mut(&m.pointer) else {
        return;
    };
    let mut schema = std::mem::take(slot);
    let reference = json!({ "$ref": format!("#/components/schemas/{}", m.name) });
    *slot = match m.kind {
        // The field keeps its documentation: a `$ref` alone would lose it.
        MoveKind::Collision => match schema.get("description") {
            Some(d) => json!({ "description": d, "allOf": [reference] }),
            None => reference,
        },
        MoveKind::NullableBody => {
            let mut wrapper = Map::new();
            if let Some(map) = schema.as_object_mut() {
                map.remove("nullable");
                if let Some(d) = map.get("description") {
                    wrapper.insert("description".into(), d.clone());
                }
            }
            wrapper.insert("nullable".into(), Value::Bool(true));
            wrapper.insert("allOf".into(), json!([reference]));
            Value::Object(wrapper)
        }
    };
    if let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") {
        schemas.insert(m.name.clone(), schema);
    }
}

/// Refers to each nullable twin as its non-nullable original, made optional.
///
/// GitHub defines `nullable-simple-user` as `simple-user` with
/// `nullable: true`; typify would make `NullableSimpleUser` a second copy of
/// the struct. Each reference to the twin becomes `Option<SimpleUser>`; the
/// twin itself stays, as `Option<SimpleUser>` under its own name.
fn nullable_twins(document: &mut Value) -> Vec<String> {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let twins: Vec<(String, String)> = schemas
        .iter()
        .filter_map(|(key, schema)| {
            let original = key.strip_prefix("nullable-")?;
            let same = schemas
                .get(original)
                .is_some_and(|o| is_nullable_twin(schema, o));
            same.then(|| (key.clone(), original.to_string()))
        })
        .collect();
    let mut log = Vec::new();
    for (twin, original) in &twins {
        let optional = json!({
            "nullable": true,
            "allOf": [{ "$ref": format!("#/components/schemas/{original}") }]
        });
        let twin_ref = format!("#/components/schemas/{twin}");
        let count = replace_refs(document, &twin_ref, &optional);
        if let Some(slot) = document.pointer_mut(&format!("/components/schemas/{}", escape(twin))) {
            let description = slot.get("description").cloned();
            *slot = optional.clone();
            if let Some(d) = description {
                slot["description"] = d;
            }
        }
        log.push(format!(
            "#/components/schemas/{twin}: `Option<{}>` ({count} references)",
            type_name(original)
        ));
    }
    log
}

/// Whether `twin` is `original` made nullable: the same schema but for
/// `nullable: true`, its title and its description.
pub fn is_nullable_twin(twin: &Value, original: &Value) -> bool {
    let strip = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            for key in ["title", "description", "nullable"] {
                m.remove(key);
            }
        }
        v
    };
    twin.get("nullable") == Some(&Value::Bool(true)) && strip(twin) == strip(original)
}

/// Replaces every `{"$ref": target}` with `with`; returns how many.
fn replace_refs(value: &mut Value, target: &str, with: &Value) -> usize {
    match value {
        Value::Object(map) => {
            if map.get("$ref").and_then(Value::as_str) == Some(target) {
                *value = with.clone();
                return 1;
            }
            map.iter_mut()
                .filter(|(k, _)| !matches!(k.as_str(), "example" | "examples"))
                .map(|(_, v)| replace_refs(v, target, with))
                .sum()
        }
        Value::Array(items) => items
            .iter_mut()
            .map(|v| replace_refs(v, target, with))
            .sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_typify_and_progenitor() {
        assert_eq!(type_name("simple-user"), "SimpleUser");
        assert_eq!(type_name("code-of-conduct"), "CodeOfConduct");
        assert_eq!(type_name("2fa"), "X2fa");
        assert_eq!(snake("list-pat-grants"), "list_pat_grants");
        assert_eq!(snake("pat_request_id"), "pat_request_id");
        assert_eq!(snake("move"), "move_");
        assert_eq!(snake("code-scanning"), "code_scanning");
    }

    fn doc() -> Value {
        json!({
            "paths": {},
            "components": {"schemas": {
                "analysis": {"type": "object", "properties": {
                    "status": {"type": "string", "enum": ["a", "b"]},
                    "conditions": {"nullable": true, "anyOf": [
                        {"$ref": "#/components/schemas/user"}, {"type": "object", "properties": {"x": {"type": "string"}}}
                    ]},
                    "plain": {"type": "string"}
                }},
                "user": {"title": "User", "type": "object", "properties": {"login": {"type": "string"}}},
                "nullable-user": {"title": "User", "nullable": true, "type": "object", "properties": {"login": {"type": "string"}}},
                "holder": {"type": "object", "properties": {"who": {"$ref": "#/components/schemas/nullable-user"}}}
            }}
        })
    }

    #[test]
    fn inline_names_avoid_reserved_component_names() {
        let mut d = doc();
        let reserved = BTreeSet::from(["AnalysisStatus".to_string()]);
        let log = name_types(&mut d, &reserved);
        let schemas = &d["components"]["schemas"];
        assert_eq!(
            schemas["analysis"]["properties"]["status"],
            json!({"$ref": "#/components/schemas/AnalysisStatusInline"})
        );
        // A documented property keeps its documentation beside the reference.
        let mut d = doc();
        d["components"]["schemas"]["analysis"]["properties"]["status"]["description"] =
            json!("What it is.");
        name_types(&mut d, &reserved);
        assert_eq!(
            d["components"]["schemas"]["analysis"]["properties"]["status"],
            json!({"description": "What it is.", "allOf": [{"$ref": "#/components/schemas/AnalysisStatusInline"}]})
        );
        assert_eq!(schemas["AnalysisStatusInline"]["enum"], json!(["a", "b"]));
        assert_eq!(
            schemas["analysis"]["properties"]["plain"],
            json!({"type": "string"})
        );
        assert_eq!(log.len(), 3, "{log:#?}");
    }

    #[test]
    fn without_the_reserved_name_the_inline_type_keeps_its_own() {
        let mut d = doc();
        name_types(&mut d, &BTreeSet::new());
        assert_eq!(
            d["components"]["schemas"]["analysis"]["properties"]["status"]["enum"],
            json!(["a", "b"])
        );
    }

    #[test]
    fn a_nullable_composition_holds_a_named_body() {
        let mut d = doc();
        name_types(&mut d, &BTreeSet::new());
        let schemas = &d["components"]["schemas"];
        assert_eq!(
            schemas["analysis"]["properties"]["conditions"],
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/AnalysisConditions"}]})
        );
        assert!(schemas["AnalysisConditions"]["anyOf"].is_array());
        assert!(schemas["AnalysisConditions"].get("nullable").is_none());
    }

    #[test]
    fn nullable_twins_are_optional_originals() {
        let mut d = doc();
        name_types(&mut d, &BTreeSet::new());
        let optional = json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/user"}]});
        assert_eq!(
            d["components"]["schemas"]["holder"]["properties"]["who"],
            optional
        );
        assert_eq!(d["components"]["schemas"]["nullable-user"], optional);
    }
}
