//! The typed OpenAPI layer that every stage shares.
//!
//! The stages read and rewrite OpenAPI 3.0 documents as `serde_json::Value`
//! (a typed model would drop what it does not know, and the bundle must stay
//! faithful to GitHub). What they all need to know about that JSON lives
//! here, once: which path item keys are operations, how operations are
//! found, how a `$ref` is written and followed, where schemas stand, where
//! in which file a JSON text starts, and which OpenAPI version is read.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde_json::{Map, Value};

mod borrowed;
mod walk;

pub use borrowed::BorrowedJson;
pub use walk::{Order, SchemaPlace, Slot, walk_borrowed_schemas, walk_schemas, walk_schemas_mut};

/// A position in a file, for error messages: `file:line`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file as it is shown to people (relative to the project root where it lies inside).
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
}

impl Origin {
    /// A position in `file` at `line` (1-based).
    pub fn new(file: impl Into<PathBuf>, line: usize) -> Self {
        Origin {
            file: file.into(),
            line,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// Parses a JSON text whose first line is `start`: line 1 of a file, or the
/// line after the fence of a markdown code block.
///
/// This is the one error for JSON that does not parse: it names the file,
/// line and column the way editors and compilers do, so that the position
/// can be opened directly. A text that does not start like JSON gets a hint,
/// since the usual cause is a YAML description.
pub fn from_json<'a, T: Deserialize<'a>>(text: &'a [u8], start: &Origin) -> Result<T> {
    serde_json::from_slice(text).map_err(|e| {
        let line = start.line + e.line().saturating_sub(1);
        // serde_json's message ends with the position inside `text`, which
        // is not the file's; the file's position leads the message instead.
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        let kind = match e.classify() {
            serde_json::error::Category::Data => "unexpected JSON",
            _ => "malformed JSON",
        };
        let starts_like_json = text
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| matches!(b, b'{' | b'['));
        let hint = if starts_like_json || text.is_empty() {
            ""
        } else {
            " (only JSON descriptions are read; convert YAML with e.g. `yq -o=json`)"
        };
        anyhow!(
            "{}:{line}:{}: {kind}: {message}{hint}",
            start.file.display(),
            e.column()
        )
    })
}

/// Fails unless a document's `openapi` field is a 3.0.x version, the only
/// one this generator reads; `source` names the document in the error.
pub fn check_version(openapi: Option<&str>, source: impl fmt::Display) -> Result<()> {
    match openapi {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        other => bail!("{source}: `openapi` must be 3.0.x, found {other:?}"),
    }
}

/// Reads a whole OpenAPI description (JSON) from a file and checks its version.
pub fn read_description(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let document: Value = from_json(&bytes, &Origin::new(path, 1))?;
    check_version(
        document.get("openapi").and_then(Value::as_str),
        path.display(),
    )?;
    Ok(document)
}

/// An HTTP method: a key of a path item that holds an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Every method, in the order the OpenAPI specification lists a path
    /// item's operations (which is also the order `Ord` gives).
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The path item key: `get`, `put`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// The method a path item key names, or `None` for the keys that are no
    /// operation (`parameters`, `summary`, `servers`, `$ref`, ...).
    pub fn from_key(key: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == key)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The entries of one path item that are operations, in the item's order.
///
/// Generic over the map's entries so that the same rule serves parsed
/// documents (`&Map<String, Value>`, shared or mutable) and raw slices of a
/// description that is not parsed whole (`import::Index`).
pub fn path_item_operations<K: AsRef<str>, V>(
    item: impl IntoIterator<Item = (K, V)>,
) -> impl Iterator<Item = (Method, V)> {
    item.into_iter()
        .filter_map(|(key, value)| Some((Method::from_key(key.as_ref())?, value)))
}

/// One operation of a document.
#[derive(Clone, Copy, Debug)]
pub struct Operation<'d> {
    /// The key in `paths`, e.g. `/orgs/{org}/personal-access-tokens`.
    pub path: &'d str,
    pub method: Method,
    /// The `operationId`.
    pub id: &'d str,
    /// The operation object.
    pub object: &'d Map<String, Value>,
}

/// One operation of a document, to be changed in place.
#[derive(Debug)]
pub struct OperationMut<'d> {
    /// The key in `paths`.
    pub path: &'d str,
    pub method: Method,
    /// The `operationId`, copied, since the object it stands in is lent out.
    pub id: String,
    /// The operation object.
    pub object: &'d mut Map<String, Value>,
}

/// Every operation of a document, in document order.
///
/// Operations without a string `operationId` are left out: every stage names
/// operations by it, and GitHub gives one to each.
pub fn operations(document: &Value) -> impl Iterator<Item = Operation<'_>> {
    document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            path_item_operations(item.as_object().into_iter().flatten())
                .map(move |(method, op)| (path.as_str(), method, op))
        })
        .filter_map(|(path, method, op)| {
            let object = op.as_object()?;
            let id = object.get("operationId")?.as_str()?;
            Some(Operation {
                path,
                method,
                id,
                object,
            })
        })
}

/// The key of a document that holds its webhooks (OpenAPI 3.0 has no
/// `webhooks`; GitHub's description keeps them in this extension).
pub const WEBHOOKS: &str = "x-webhooks";

/// Every webhook of a document (`x-webhooks`), in document order, as
/// operations whose `path` is the webhook's name: GitHub sends the request,
/// the SDK receives it.
pub fn webhooks(document: &Value) -> impl Iterator<Item = Operation<'_>> {
    document
        .get(WEBHOOKS)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(name, item)| {
            path_item_operations(item.as_object().into_iter().flatten())
                .map(move |(method, op)| (name.as_str(), method, op))
        })
        .filter_map(|(path, method, op)| {
            let object = op.as_object()?;
            let id = object.get("operationId")?.as_str()?;
            Some(Operation {
                path,
                method,
                id,
                object,
            })
        })
}

/// Every operation of a document, in document order, to be changed in place;
/// as [`operations`], those without a string `operationId` are left out.
pub fn operations_mut(document: &mut Value) -> impl Iterator<Item = OperationMut<'_>> {
    document
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            path_item_operations(item.as_object_mut().into_iter().flatten())
                .map(move |(method, op)| (path.as_str(), method, op))
        })
        .filter_map(|(path, method, op)| {
            let object = op.as_object_mut()?;
            let id = object.get("operationId")?.as_str()?.to_string();
            Some(OperationMut {
                path,
                method,
                id,
                object,
            })
        })
}

/// The kinds of reusable components.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentKind {
    Schemas,
    Responses,
    Parameters,
    Examples,
    RequestBodies,
    Headers,
    SecuritySchemes,
    Links,
    Callbacks,
}

impl ComponentKind {
    /// Every kind, in the order the OpenAPI specification lists them.
    pub const ALL: [ComponentKind; 9] = [
        ComponentKind::Schemas,
        ComponentKind::Responses,
        ComponentKind::Parameters,
        ComponentKind::Examples,
        ComponentKind::RequestBodies,
        ComponentKind::Headers,
        ComponentKind::SecuritySchemes,
        ComponentKind::Links,
        ComponentKind::Callbacks,
    ];

    /// The key under `components`: `schemas`, `requestBodies`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Schemas => "schemas",
            ComponentKind::Responses => "responses",
            ComponentKind::Parameters => "parameters",
            ComponentKind::Examples => "examples",
            ComponentKind::RequestBodies => "requestBodies",
            ComponentKind::Headers => "headers",
            ComponentKind::SecuritySchemes => "securitySchemes",
            ComponentKind::Links => "links",
            ComponentKind::Callbacks => "callbacks",
        }
    }

    /// The kind a key under `components` names.
    pub fn from_key(key: &str) -> Option<ComponentKind> {
        ComponentKind::ALL.into_iter().find(|k| k.as_str() == key)
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One component as a `$ref` names it: `#/components/<kind>/<name>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ComponentRef {
    pub kind: ComponentKind,
    /// The name as it stands under `components/<kind>`, unescaped.
    pub name: String,
}

impl ComponentRef {
    /// The component `name` of `kind`.
    pub fn new(kind: ComponentKind, name: impl Into<String>) -> Self {
        ComponentRef {
            kind,
            name: name.into(),
        }
    }

    /// Parses `#/components/<kind>/<name>`, unescaping the name; `None` for
    /// anything else, including a name of more than one pointer token.
    pub fn parse(reference: &str) -> Option<Self> {
        let rest = reference.strip_prefix("#/components/")?;
        let (kind, name) = rest.split_once('/')?;
        if name.is_empty() || name.contains('/') {
            return None;
        }
        Some(ComponentRef {
            kind: ComponentKind::from_key(kind)?,
            name: unescape(name).into_owned(),
        })
    }
}

/// The reference, with the name escaped: `#/components/schemas/a~1b`.
impl fmt::Display for ComponentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#/components/{}/{}", self.kind, escape(&self.name))
    }
}

/// Escapes one reference token of a JSON pointer: `~` as `~0`, `/` as `~1`.
pub fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Undoes [`escape`]: `~1` is `/`, then `~0` is `~`.
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// The value a local reference (`#/...`) points to in `document`; `None`
/// for a reference into another file or a URL, and for one that resolves
/// nowhere.
pub fn lookup<'d>(document: &'d Value, reference: &str) -> Option<&'d Value> {
    let pointer = reference.strip_prefix('#').filter(|p| p.starts_with('/'))?;
    document.pointer(pointer)
}

/// How many references [`resolve`] follows in a row before it gives up: a
/// longer chain is a cycle in practice (GitHub's are one reference long).
pub const MAX_REF_DEPTH: usize = 8;

/// What `value` stands for in `document`: `value` itself, or, when it is a
/// `$ref`, what that refers to, followed through chains of references.
///
/// `None` when a reference in the chain is not local, resolves nowhere, or
/// the chain is longer than [`MAX_REF_DEPTH`].
pub fn resolve<'d>(document: &'d Value, value: &'d Value) -> Option<&'d Value> {
    let mut value = value;
    for _ in 0..=MAX_REF_DEPTH {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => value = lookup(document, reference)?,
            None => return Some(value),
        }
    }
    None
}

/// Like [`resolve`], also saying where the value stands: the last reference
/// followed, or `at` (where `value` itself stands) when it is no reference.
/// Examples and generated tables name schemas by where they stand.
pub fn resolve_at<'d>(
    document: &'d Value,
    value: &'d Value,
    at: &str,
) -> Option<(&'d Value, String)> {
    let mut value = value;
    let mut at = at.to_string();
    for _ in 0..=MAX_REF_DEPTH {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                value = lookup(document, reference)?;
                at = reference.to_string();
            }
            None => return Some((value, at)),
        }
    }
    None
}

/// Calls `f` with every `$ref` string found in `value`, depth first, in document order.
pub fn for_each_ref<'a>(value: &'a Value, f: &mut dyn FnMut(&'a str)) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(s)) => f(s),
                    _ => for_each_ref(v, f),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| for_each_ref(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        let mut sorted = Method::ALL;
        sorted.sort();
        assert_eq!(sorted, Method::ALL);
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
