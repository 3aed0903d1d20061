#![forbid(unsafe_code)]
//! Golden tests: every example in spec/openapi.json against the generated models.
//!
//! For each example (named examples of media types, and inline `example`s of
//! schemas, parameters and headers):
//! - it validates against its JSON schema (OpenAPI 3.0 converted to JSON
//!   Schema 2020-12), independently of the generated code;
//! - where its schema has a generated type, it deserializes into that type
//!   and serializes back to an equal JSON value (timestamps compare as instants).
//!
//! All failures are collected and reported together.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeZone, Utc};
use github_pat_grants::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

type RoundTrip = fn(&Value) -> Result<Value, String>;
type BoxedRoundTrip = Box<dyn Fn(&Value) -> Result<Value, String>>;

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let typed: T =
        serde_json::from_value(value.clone()).map_err(|e| format!("deserialize: {e}"))?;
    serde_json::to_value(&typed).map_err(|e| format!("serialize: {e}"))
}

// `types()`: where each schema with a generated type stands (component
// schemas, request bodies, typed success bodies), and its round trip, or
// `None` where a Cargo feature that is off leaves the type out (its examples
// are still validated against the schema). The generator writes it, so an
// imported operation is covered without edits.
include!("../generated/golden.rs");

fn spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

struct Example {
    /// A JSON pointer (with `#`) to the example value.
    at: String,
    value: Value,
    schema: Value,
    /// Where the schema stands, for inline schemas without a `$ref`.
    schema_at: String,
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every example in the document with the schema it illustrates.
fn examples(doc: &Value) -> Vec<Example> {
    fn walk(doc: &Value, v: &Value, at: &str, out: &mut Vec<Example>) {
        let Value::Object(map) = v else {
            if let Value::Array(items) = v {
                for (i, item) in items.iter().enumerate() {
                    walk(doc, item, &format!("{at}/{i}"), out);
                }
            }
            return;
        };
        // Named examples of a media type (or parameter), possibly by $ref.
        if let (Some(Value::Object(named)), Some(schema)) = (map.get("examples"), map.get("schema"))
        {
            for (name, ex) in named {
                let (ex, ex_at) = match ex.get("$ref").and_then(Value::as_str) {
                    Some(r) => (doc.pointer(&r[1..]).unwrap_or(&Value::Null), r.to_string()),
                    None => (ex, format!("{at}/examples/{}", escape(name))),
                };
                out.push(Example {
                    at: format!("{ex_at}/value"),
                    value: ex["value"].clone(),
                    schema: schema.clone(),
                    schema_at: format!("{at}/schema"),
                });
            }
        }
        if let Some(example) = map.get("example") {
            // On a parameter, header or media type the example is of its `schema`;
            // anywhere else this object is the schema.
            let (schema, schema_at) = match map.get("schema") {
                Some(s) => (s.clone(), format!("{at}/schema")),
                None => {
                    let mut s = map.clone();
                    s.remove("example");
                    (Value::Object(s), at.to_string())
                }
            };
            out.push(Example {
                at: format!("{at}/example"),
                value: example.clone(),
                schema,
                schema_at,
            });
        }
        for (key, child) in map {
            // Example payloads are data, not more schemas; named examples were
            // taken above with the schema of the object that names them.
            if key == "example" || key == "examples" {
                continue;
            }
            walk(doc, child, &format!("{at}/{}", escape(key)), out);
        }
    }
    let mut out = Vec::new();
    walk(doc, doc, "#", &mut out);
    out
}

/// OpenAPI 3.0 schema -> JSON Schema: `nullable` becomes a `null` type (and enum value).
fn to_json_schema(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out: serde_json::Map<String, Value> = map
                .iter()
                .filter(|(k, _)| *k != "nullable")
                .map(|(k, v)| (k.clone(), to_json_schema(v)))
                .collect();
            if map.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(t)) = map.get("type") {
                    out.insert("type".into(), json!([t, "null"]));
                }
                if let Some(Value::Array(values)) = out.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// Where the converted description is registered for `$ref`s to reach it.
const SPEC_URI: &str = "https://spec.invalid/openapi.json";

/// The description, converted to JSON Schema once, in a registry every
/// example's validator resolves its schema from (converting and indexing the
/// whole description per example is what would cost, with 1,000 operations).
fn registry(doc: &Value) -> jsonschema::Registry<'static> {
    let resource = jsonschema::Draft::Draft202012.create_resource(to_json_schema(doc));
    jsonschema::Registry::new()
        .add(SPEC_URI, resource)
        .unwrap()
        .prepare()
        .unwrap()
}

/// A JSON pointer as a URI fragment: `{`, `}` and the like percent-encoded.
fn fragment(pointer: &str) -> String {
    let mut out = String::new();
    for b in pointer.trim_start_matches('#').bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Validates an example against the schema where it stands.
fn validate(doc: &Value, registry: &jsonschema::Registry<'_>, ex: &Example) -> Result<(), String> {
    // OpenAPI 3.0 allows `null` only where a schema says `nullable`; JSON
    // Schema allows it wherever no `type` forbids it.
    if ex.value.is_null() && resolve(doc, &ex.schema).get("nullable") != Some(&json!(true)) {
        return Err("null, but the schema is not nullable".into());
    }
    let root = json!({ "$ref": format!("{SPEC_URI}#{}", fragment(&ex.schema_at)) });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(registry)
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| format!("schema does not compile: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(&ex.value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// The generated type's round trip for a schema, if it has one: by where
/// the schema stands, else by the component it refers to, else (for an
/// array of a component) item by item.
fn typed(
    types: &BTreeMap<&str, RoundTrip>,
    schema: &Value,
    schema_at: &str,
) -> Option<BoxedRoundTrip> {
    let by_ref = |s: &Value| -> Option<RoundTrip> { types.get(s.get("$ref")?.as_str()?).copied() };
    if let Some(f) = types.get(schema_at).copied().or_else(|| by_ref(schema)) {
        return Some(Box::new(f));
    }
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        let f = by_ref(schema.get("items")?)?;
        return Some(Box::new(move |v: &Value| {
            let items = v.as_array().ok_or("not an array")?;
            items
                .iter()
                .map(f)
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }));
    }
    None
}

/// Follows `$ref`s to the schema they name.
fn resolve<'d>(doc: &'d Value, mut schema: &'d Value) -> &'d Value {
    while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        schema = doc.pointer(&r[1..]).unwrap_or(&Value::Null);
    }
    schema
}

/// What an object schema declares (see [`declared`]).
#[derive(Default)]
struct Declared<'d> {
    properties: BTreeMap<&'d str, &'d Value>,
    required: BTreeSet<&'d str>,
    /// A map type (`additionalProperties`) keeps keys it does not declare.
    keeps_unknown: bool,
    /// The schema of the values of undeclared keys, for a map type.
    values: Option<&'d Value>,
}

/// What an object schema declares, with `allOf` merged. Of the members of
/// an `anyOf`/`oneOf`, the one the model decoded is taken: the member that
/// declares every key of the round-tripped object `back` and most of them.
fn declared<'d>(doc: &'d Value, schema: &'d Value, back: &Map<String, Value>) -> Declared<'d> {
    let schema = resolve(doc, schema);
    let mut out = Declared::default();
    for (name, prop) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        out.properties.entry(name.as_str()).or_insert(prop);
    }
    out.required.extend(
        schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str),
    );
    match schema.get("additionalProperties") {
        Some(Value::Bool(false)) | None => {}
        Some(values) => {
            out.keeps_unknown = true;
            out.values = values.is_object().then_some(values);
        }
    }
    let merge = |out: &mut Declared<'d>, other: Declared<'d>| {
        for (k, v) in other.properties {
            out.properties.entry(k).or_insert(v);
        }
        out.required.extend(other.required);
        out.keeps_unknown |= other.keeps_unknown;
        out.values = out.values.or(other.values);
    };
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let d = declared(doc, member, back);
        merge(&mut out, d);
    }
    let members: Vec<Declared<'d>> = ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .flatten()
        .map(|member| declared(doc, member, back))
        .collect();
    let covers = |d: &Declared<'_>| {
        back.keys()
            .filter(|k| {
                d.properties.contains_key(k.as_str()) || out.properties.contains_key(k.as_str())
            })
            .count()
    };
    let chosen = members.into_iter().max_by_key(|d| {
        (
            covers(d) == back.len(),
            covers(d),
            std::cmp::Reverse(d.properties.len()),
        )
    });
    if let Some(d) = chosen {
        merge(&mut out, d);
    }
    out
}

/// A timestamp by GitHub's naming (`*_at`) or its format.
fn is_timestamp(name: &str, schema: Option<&Value>) -> bool {
    name.ends_with("_at") || schema.and_then(|s| s.get("format")) == Some(&json!("date-time"))
}

/// Equal JSON, up to what decoding into a model may normalize, judged by the
/// schema at each level:
/// - two RFC 3339 strings for the same instant are equal, and so are two
///   numbers of the same value (`1` and `1.0`: a `number` is an `f64`);
/// - a property the schema does not declare may be dropped (models ignore
///   unknown fields, as a client of a growing API must); of a union, the
///   member that decoded is the one that declares;
/// - an absent property may come back as the schema's `default`;
/// - a `null` of an optional nullable property may come back absent, and an
///   absent nullable property may come back `null`: `Option<T>` cannot tell
///   `null` from absent, and a double `Option` would burden every user for a
///   distinction GitHub's clients do not draw;
/// - an empty list or map of an optional property may come back absent
///   (`Vec` and `BTreeMap` cannot tell empty from absent);
/// - an optional timestamp GitHub sends as `""` comes back absent or `null`.
fn same(
    doc: &Value,
    schema: Option<&Value>,
    a: &Value,
    b: &Value,
    at: &str,
    diffs: &mut Vec<String>,
) {
    let schema = schema.map(|s| resolve(doc, s));
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let decl = schema.map(|s| declared(doc, s, y)).unwrap_or_default();
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let prop = decl.properties.get(key.as_str()).copied();
                let prop_schema = prop.map(|p| resolve(doc, p));
                let optional = !decl.required.contains(key.as_str());
                let nullable =
                    prop_schema.is_some_and(|p| p.get("nullable") == Some(&Value::Bool(true)));
                match (x.get(key), y.get(key)) {
                    (Some(Value::String(e)), None | Some(Value::Null))
                        if e.is_empty()
                            && (optional || nullable)
                            && is_timestamp(key, prop_schema) => {}
                    (Some(p), Some(q)) => {
                        let inner = prop.or(decl.values);
                        same(doc, inner, p, q, &format!("{at}/{key}"), diffs)
                    }
                    (Some(_), None)
                        if schema.is_some() && prop.is_none() && !decl.keeps_unknown => {}
                    (Some(Value::Null), None) if nullable && optional => {}
                    (None, Some(Value::Null)) if nullable => {}
                    (Some(Value::Array(v)), None) if v.is_empty() && optional => {}
                    (Some(Value::Object(m)), None) if m.is_empty() && optional => {}
                    (None, Some(q)) if prop_schema.and_then(|p| p.get("default")) == Some(q) => {}
                    (p, q) => diffs.push(format!("{at}/{key}: {p:?} became {q:?}")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            // Of a union of arrays, the member whose items declare most of
            // what came back is the one that decoded (the first on a tie).
            let covered = |items: &&Value| match y.first() {
                Some(Value::Object(back)) => {
                    let d = declared(doc, items, back);
                    back.keys()
                        .filter(|k| d.properties.contains_key(k.as_str()))
                        .count()
                }
                _ => 0,
            };
            let items = schema.and_then(|s| {
                s.get("items").or_else(|| {
                    let members: Vec<&Value> = ["oneOf", "anyOf"]
                        .iter()
                        .filter_map(|k| s.get(*k).and_then(Value::as_array))
                        .flatten()
                        .filter_map(|m| resolve(doc, m).get("items"))
                        .collect();
                    let best = members.iter().map(covered).max()?;
                    members.into_iter().find(|m| covered(m) == best)
                })
            });
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                same(doc, items, p, q, &format!("{at}/{i}"), diffs);
            }
        }
        (Value::String(x), Value::String(y)) if x != y => {
            match (
                DateTime::parse_from_rfc3339(x),
                DateTime::parse_from_rfc3339(y),
            ) {
                (Ok(p), Ok(q)) if p == q => {}
                _ => diffs.push(format!("{at}: {x:?} became {y:?}")),
            }
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => {}
        (x, y) if x != y => diffs.push(format!("{at}: {x} became {y}")),
        _ => {}
    }
}

#[test]
fn every_example_validates_and_round_trips() {
    let doc = spec();
    let all = examples(&doc);
    let mut failures = Vec::new();
    let mut typed_count = 0;
    let types: BTreeMap<&str, RoundTrip> = types()
        .into_iter()
        .filter_map(|(at, f)| Some((at, f?)))
        .collect();
    let registry = registry(&doc);
    let mut invalid = Vec::new();
    for ex in &all {
        // An example that does not match its own schema is GitHub's mistake
        // and says nothing about the models; it is listed, not held against them.
        if let Err(e) = validate(&doc, &registry, ex) {
            invalid.push(format!("{}: {e}", ex.at));
            continue;
        }
        let Some(f) = typed(&types, &ex.schema, &ex.schema_at) else {
            continue;
        };
        typed_count += 1;
        match f(&ex.value) {
            Err(e) => failures.push(format!("{}: {e}", ex.at)),
            Ok(back) => {
                let mut diffs = Vec::new();
                same(&doc, Some(&ex.schema), &ex.value, &back, &ex.at, &mut diffs);
                failures.extend(diffs.into_iter().map(|d| format!("round trip changed {d}")));
            }
        }
    }
    if !invalid.is_empty() {
        eprintln!(
            "{} of GitHub's examples do not match their own schemas (not held against the models):\n{}",
            invalid.len(),
            invalid.join("\n")
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} examples checked, {typed_count} through generated types",
        all.len()
    );
    // The spec has one named example with a generated type and many inline ones.
    assert!(typed_count >= 1, "no example reached a generated type");
    assert!(
        all.len() >= 20,
        "only {} examples found; the walk is broken",
        all.len()
    );
}

#[test]
fn every_component_schema_has_a_generated_type() {
    let doc = spec();
    let table = types();
    let listed: Vec<&str> = table
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("#/components/schemas/"))
        .collect();
    let missing: Vec<&String> = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| !listed.contains(&k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "generated/golden.rs has no type for these schemas (run `cargo xtask generate`): {missing:?}"
    );
}

#[test]
fn the_list_example_decodes_to_the_expected_fields() {
    let doc = spec();
    let value = &doc["components"]["examples"]["org-pat-grant-paginated"]["value"];
    let grants: Vec<types::OrganizationProgrammaticAccessGrant> =
        serde_json::from_value(value.clone()).unwrap();
    assert_eq!(grants.len(), 1);
    let g = &grants[0];
    assert_eq!(g.id, 25381);
    assert_eq!(g.owner.login, "octocat");
    assert_eq!((g.token_id, g.token_name.as_str()), (98716, "Some Token"));
    assert_eq!(g.owner.id, 1);
    assert_eq!(
        g.repository_selection,
        types::OrganizationProgrammaticAccessGrantRepositorySelection::All
    );
    assert_eq!(
        g.access_granted_at,
        Utc.with_ymd_and_hms(2023, 5, 16, 15, 47, 9).unwrap()
    );
    assert_eq!(
        g.token_expires_at,
        Some(Utc.with_ymd_and_hms(2023, 11, 16, 15, 47, 9).unwrap())
    );
    assert_eq!(g.token_last_used_at, None);
    assert!(!g.token_expired);
    assert_eq!(
        g.permissions.organization,
        BTreeMap::from([("members".to_string(), "read".to_string())])
    );
    assert_eq!(
        g.permissions.repository,
        BTreeMap::from([("metadata".to_string(), "read".to_string())])
    );
    assert!(g.permissions.other.is_empty());
    // Re-serialized, the instant is kept and the null stays a null.
    let back = serde_json::to_value(g).unwrap();
    assert_eq!(back["token_expires_at"], "2023-11-16T15:47:09Z");
    assert_eq!(back["token_last_used_at"], Value::Null);
}

/// What the golden comparison finds between what GitHub sent and what came
/// back, by `schema` when given.
fn differences(schema: Option<&Value>, sent: Value, back: Value) -> Vec<String> {
    let mut diffs = Vec::new();
    same(&spec(), schema, &sent, &back, "#", &mut diffs);
    diffs
}

#[test]
fn the_comparison_catches_a_changed_value_a_dropped_field_and_another_instant() {
    let sent = json!({"a": 1, "t": "2023-05-16T08:47:09.000-07:00"});
    assert_eq!(differences(None, sent, json!({"a": 2})).len(), 2);
    // The same instant in another offset is equal; a second later is not.
    let pacific = json!("2023-05-16T08:47:09.000-07:00");
    assert!(differences(None, pacific.clone(), json!("2023-05-16T15:47:09Z")).is_empty());
    assert_eq!(
        differences(None, pacific, json!("2023-05-16T15:47:10Z")).len(),
        1
    );
}

#[test]
fn the_comparison_drops_and_defaults_only_what_the_schema_allows() {
    // An undeclared property may be dropped, a declared one may not; a null
    // may come back absent only for an optional nullable property; an absent
    // property may come back only as its default.
    let schema = json!({
        "type": "object",
        "required": ["kept"],
        "properties": {
            "language": {"type": "string", "nullable": true},
            "kept": {"type": "string", "nullable": true},
            "name": {"type": "string"},
            "flag": {"type": "boolean", "default": false}
        }
    });
    let sent = json!({"language": null, "kept": null, "name": "x", "extra": 1});
    assert_eq!(
        differences(Some(&schema), sent, json!({"flag": false})),
        [
            "#/kept: Some(Null) became None",
            "#/name: Some(String(\"x\")) became None"
        ]
    );
    assert_eq!(
        differences(Some(&schema), json!({}), json!({"flag": true})),
        ["#/flag: None became Some(Bool(true))"]
    );
}

#[test]
fn the_comparison_reads_numbers_by_value_and_lets_empty_optionals_go() {
    // An empty optional list and an empty optional timestamp may come back
    // absent, a non-empty list or a required field not.
    let schema = json!({
        "type": "object",
        "required": ["name"],
        "properties": {
            "n": {"type": "number"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "failed_at": {"type": "string", "nullable": true},
            "name": {"type": "string"}
        }
    });
    let sent = json!({"n": 1, "tags": [], "failed_at": "", "name": "x"});
    let diffs = differences(Some(&schema), sent, json!({"n": 1.0, "name": "x"}));
    assert!(diffs.is_empty(), "{diffs:?}");
    let sent = json!({"n": 1, "tags": ["a"], "name": ""});
    assert_eq!(differences(Some(&schema), sent, json!({"n": 2})).len(), 3);
}

#[test]
fn the_comparison_of_a_union_follows_the_member_that_decoded() {
    // A key only the other member has may go, a key of the decoded member
    // may not.
    let union = json!({"anyOf": [
        {"type": "object", "properties": {"login": {"type": "string"}, "html_url": {"type": "string"}}},
        {"type": "object", "properties": {"login": {"type": "string"}, "hooks_url": {"type": "string"}}}
    ]});
    let sent = json!({"login": "o", "hooks_url": "h", "html_url": "x"});
    let diffs = differences(Some(&union), sent, json!({"login": "o", "hooks_url": "h"}));
    assert!(diffs.is_empty(), "{diffs:?}");
    let sent = json!({"login": "o", "hooks_url": "h"});
    assert_eq!(
        differences(Some(&union), sent, json!({"login": "o"})),
        ["#/hooks_url: Some(String(\"h\")) became None"]
    );
}

#[test]
fn validation_rejects_a_grant_with_a_wrong_type() {
    let doc = spec();
    let mut bad = doc["components"]["examples"]["org-pat-grant-paginated"]["value"].clone();
    bad[0]["id"] = json!("25381");
    let ex = Example {
        at: "#".into(),
        value: bad,
        schema: doc.pointer("/paths/~1orgs~1{org}~1personal-access-tokens/get/responses/200/content/application~1json/schema").unwrap().clone(),
        schema_at: "#/paths/~1orgs~1{org}~1personal-access-tokens/get/responses/200/content/application~1json/schema".into(),
    };
    assert!(
        validate(&doc, &registry(&doc), &ex)
            .unwrap_err()
            .contains("/0/id")
    );
}

#[test]
fn the_generated_code_was_made_from_this_spec() {
    // build.rs hashes spec/openapi.json and reads the hash in generated/'s header.
    assert_eq!(
        github_pat_grants::spec::GENERATED_FROM_SHA256,
        github_pat_grants::spec::OPENAPI_SHA256,
        "generated/ is stale; run `cargo xtask generate`"
    );
    assert_eq!(github_pat_grants::spec::API_VERSION, "2022-11-28");
}
