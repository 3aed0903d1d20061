//! A description indexed without being parsed whole.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::descriptions;
use crate::enums;
use crate::openapi::{self, BorrowedJson, ComponentRef, Method, Origin};

/// Extensions that are not GitHub's: the `@octokit/openapi` package adds
/// `x-octokit` to every operation; GitHub's own documents do not carry it.
const FOREIGN_EXTENSIONS: &[&str] = &["x-octokit"];

/// A description indexed without being parsed whole: the operations are
/// found by operationId and only what an import uses is parsed into values.
///
/// Building a `serde_json::Value` of GitHub's 13 MB description costs more
/// than all the rest of an import; borrowing raw JSON slices of it does not.
pub struct Index<'a> {
    /// `info.version`.
    pub version: String,
    /// The file name, for errors.
    pub source: String,
    /// The description's name (`api.github.com`, `ghec`, `ghes-3.17`), from the file name.
    pub description: String,
    /// The operations by operationId.
    operations: BTreeMap<String, RawOperation<'a>>,
    /// The webhooks (`x-webhooks`) by name; `path` is the name.
    webhooks: BTreeMap<String, RawOperation<'a>>,
    /// kind -> name -> raw component.
    components: BTreeMap<String, BTreeMap<String, &'a RawValue>>,
    /// [`Index::union_tags`], found once (`cargo xtask generality` imports
    /// a thousand times from one index).
    union_tags: std::sync::OnceLock<Vec<String>>,
}

/// An operation of the description, not yet parsed.
struct RawOperation<'a> {
    method: Method,
    path: String,
    object: &'a RawValue,
}

/// An operation of the description, parsed.
pub struct Operation<'i> {
    pub method: Method,
    /// The key in `paths`.
    pub path: &'i str,
    /// The operation object, as the description has it.
    pub object: Value,
}

#[derive(Deserialize)]
struct RawDocument<'a> {
    openapi: Option<String>,
    info: Option<RawInfo>,
    #[serde(borrow, default)]
    paths: BTreeMap<Cow<'a, str>, BTreeMap<Cow<'a, str>, &'a RawValue>>,
    #[serde(borrow, default)]
    components: BTreeMap<Cow<'a, str>, BTreeMap<Cow<'a, str>, &'a RawValue>>,
    #[serde(borrow, default, rename = "x-webhooks")]
    webhooks: BTreeMap<Cow<'a, str>, BTreeMap<Cow<'a, str>, &'a RawValue>>,
}

#[derive(Deserialize)]
struct RawInfo {
    version: Option<String>,
}

#[derive(Deserialize)]
struct OperationId {
    #[serde(rename = "operationId")]
    id: Option<String>,
}

impl<'a> Index<'a> {
    /// Indexes a description's bytes; `source` names it in errors and provenance.
    pub fn parse(bytes: &'a [u8], source: &str) -> Result<Self> {
        let raw: RawDocument<'a> = openapi::from_json(bytes, &Origin::new(source, 1))?;
        openapi::check_version(raw.openapi.as_deref(), source)?;
        let mut operations = BTreeMap::new();
        for (path, item) in &raw.paths {
            for (method, op) in openapi::path_item_operations(item) {
                let id: OperationId = serde_json::from_str(op.get()).with_context(|| {
                    format!("{source}: `{method} {path}` is not an operation object")
                })?;
                if let Some(id) = id.id {
                    let operation = RawOperation {
                        method,
                        path: path.to_string(),
                        object: op,
                    };
                    operations.insert(id, operation);
                }
            }
        }
        let mut webhooks = BTreeMap::new();
        for (name, item) in &raw.webhooks {
            if let Some((method, object)) = openapi::path_item_operations(item).next() {
                let webhook = RawOperation {
                    method,
                    path: name.to_string(),
                    object,
                };
                webhooks.insert(name.to_string(), webhook);
            }
        }
        let components = raw
            .components
            .into_iter()
            .map(|(kind, items)| {
                (
                    kind.into_owned(),
                    items
                        .into_iter()
                        .map(|(k, v)| (k.into_owned(), v))
                        .collect(),
                )
            })
            .collect();
        Ok(Index {
            union_tags: std::sync::OnceLock::new(),
            version: raw
                .info
                .and_then(|i| i.version)
                .unwrap_or_else(|| "unknown".into()),
            source: source.to_string(),
            description: descriptions::name_of(Path::new(source)),
            operations,
            webhooks,
            components,
        })
    }

    /// `id` when the description holds that operation, or an error naming the closest ones.
    pub fn operation_id_of(&self, id: &str) -> Result<String> {
        match self.operations.contains_key(id) {
            true => Ok(id.to_string()),
            false => Err(unknown(
                "operation",
                id,
                self.operations.keys().map(String::as_str),
            )),
        }
    }

    /// The operationId of a webhook (by name), or an error naming the closest webhooks.
    pub fn webhook_id(&self, name: &str) -> Result<String> {
        let webhook = self.webhook(name)?;
        Ok(webhook.object["operationId"]
            .as_str()
            .unwrap_or(name)
            .to_string())
    }

    /// Every operationId of the description, sorted.
    pub fn operation_ids(&self) -> impl Iterator<Item = &str> {
        self.operations.keys().map(String::as_str)
    }

    /// An operation by operationId, or an error naming the closest ones.
    pub fn operation(&self, id: &str) -> Result<Operation<'_>> {
        match self.operations.get(id) {
            Some(raw) => Ok(Operation {
                method: raw.method,
                path: &raw.path,
                object: serde_json::from_str(raw.object.get())?,
            }),
            None => Err(unknown(
                "operation",
                id,
                self.operations.keys().map(String::as_str),
            )),
        }
    }

    /// A webhook by name (`personal-access-token-request-created`), or an
    /// error naming the closest ones.
    pub fn webhook(&self, name: &str) -> Result<Operation<'_>> {
        match self.webhooks.get(name) {
            Some(raw) => Ok(Operation {
                method: raw.method,
                path: &raw.path,
                object: serde_json::from_str(raw.object.get())?,
            }),
            None => Err(unknown(
                "webhook",
                name,
                self.webhooks.keys().map(String::as_str),
            )),
        }
    }

    /// Where the description's enums stand that tell the members of a union
    /// apart, anywhere in it (see `enums::variant_tags`).
    pub fn union_tags(&self) -> Result<&[String]> {
        if let Some(tags) = self.union_tags.get() {
            return Ok(tags);
        }
        let part = self.union_part()?;
        // Members and their properties refer to the same components again
        // and again: each is read once.
        let read = RefCell::new(BTreeMap::new());
        let outside = |pointer: &str| {
            if let Some(found) = read.borrow().get(pointer) {
                return Option::clone(found);
            }
            let found = self.borrowed_component(pointer).map(Rc::new);
            read.borrow_mut().insert(pointer.to_string(), found.clone());
            found
        };
        let tags = enums::variant_tags_with(&part, &outside)
            .into_iter()
            .collect();
        Ok(self.union_tags.get_or_init(|| tags))
    }

    /// The operations and components that hold a `oneOf` or `anyOf`, as a
    /// document of `paths` and `components`: the rest cannot hold a union,
    /// so a text search saves reading it (about 88% of GitHub's description).
    ///
    /// They are read as [`BorrowedJson`], not `Value`: this runs on every
    /// import, and what the union tags need of these parts is their keys and
    /// strings in place.
    fn union_part(&self) -> Result<BorrowedJson<'a>> {
        let has_union = |raw: &RawValue| {
            let text = raw.get();
            text.contains("\"oneOf\"") || text.contains("\"anyOf\"")
        };
        let read = |raw: &'a RawValue| -> Result<BorrowedJson<'a>> {
            serde_json::from_str(raw.get()).with_context(|| format!("{}: not JSON", self.source))
        };
        let mut items: BTreeMap<&str, Vec<_>> = BTreeMap::new();
        for op in self.operations.values().filter(|op| has_union(op.object)) {
            let method = Cow::Borrowed(op.method.as_str());
            items
                .entry(&op.path)
                .or_default()
                .push((method, read(op.object)?));
        }
        let paths = items
            .into_iter()
            .map(|(path, item)| (Cow::Owned(path.to_string()), BorrowedJson::Object(item)))
            .collect();
        let mut components = Vec::new();
        for (kind, items) in &self.components {
            let mut found = Vec::new();
            for (name, raw) in items.iter().filter(|(_, raw)| has_union(raw)) {
                found.push((Cow::Owned(name.clone()), read(raw)?));
            }
            components.push((Cow::Owned(kind.clone()), BorrowedJson::Object(found)));
        }
        Ok(BorrowedJson::Object(vec![
            (Cow::Borrowed("paths"), BorrowedJson::Object(paths)),
            (
                Cow::Borrowed("components"),
                BorrowedJson::Object(components),
            ),
        ]))
    }

    /// [`Index::component`] as a [`BorrowedJson`].
    fn borrowed_component(&self, pointer: &str) -> Option<BorrowedJson<'a>> {
        let component = ComponentRef::parse(pointer)?;
        let raw = self
            .components
            .get(component.kind.as_str())?
            .get(&component.name)?;
        let mut value: BorrowedJson<'a> = serde_json::from_str(raw.get()).ok()?;
        for ext in FOREIGN_EXTENSIONS {
            value.remove_everywhere(ext);
        }
        Some(value)
    }

    /// The names of every schema in `components/schemas`, sorted.
    pub fn schema_names(&self) -> Vec<&str> {
        self.components
            .get("schemas")
            .into_iter()
            .flat_map(|schemas| schemas.keys().map(String::as_str))
            .collect()
    }

    /// A component by pointer, without foreign extensions.
    pub fn component(&self, pointer: &str) -> Option<Value> {
        let component = ComponentRef::parse(pointer)?;
        let raw = self
            .components
            .get(component.kind.as_str())?
            .get(&component.name)?;
        let mut value: Value = serde_json::from_str(raw.get()).ok()?;
        strip_foreign(&mut value);
        Some(value)
    }
}

/// The error for an unknown operationId or webhook, naming the closest ones.
fn unknown<'k>(what: &str, id: &str, known: impl Iterator<Item = &'k str>) -> anyhow::Error {
    let mut close: Vec<(f64, &str)> = known
        .map(|k| (strsim::jaro_winkler(id, k), k))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0));
    let names: Vec<&str> = close.iter().take(5).map(|(_, k)| *k).collect();
    if names.is_empty() {
        anyhow!("no {what} `{id}` in the description")
    } else {
        anyhow!(
            "no {what} `{id}` in the description; did you mean: {}?",
            names.join(", ")
        )
    }
}

pub fn strip_foreign(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for ext in FOREIGN_EXTENSIONS {
                map.remove(*ext);
            }
            map.values_mut().for_each(strip_foreign);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_foreign),
        _ => {}
    }
}
