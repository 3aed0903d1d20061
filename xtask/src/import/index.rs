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
use crate::import::cache::{self, Layout, Place, Span};
use crate::openapi::{self, BorrowedJson, ComponentRef, Method, Origin};

/// Extensions that are not GitHub's: the `@octokit/openapi` package adds
/// `x-octokit` to every operation; GitHub's own documents do not carry it.
const FOREIGN_EXTENSIONS: &[&str] = &["x-octokit"];

/// A description indexed without being parsed whole: the operations are
/// found by operationId and only what an import uses is parsed into values.
///
/// Building a `serde_json::Value` of GitHub's 13 MB description costs more
/// than all the rest of an import; slicing its text does not, and where the
/// slices are is kept between runs (see `cache`).
pub struct Index<'a> {
    /// `info.version`.
    pub version: String,
    /// The file name, for errors.
    pub source: String,
    /// The description's name (`api.github.com`, `ghec`, `ghes-3.17`), from the file name.
    pub description: String,
    /// The description's text.
    text: &'a str,
    /// Where everything stands in it, and its union tags (every import
    /// needs them, so they are found with the layout).
    layout: Layout,
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
    /// Indexes a description's bytes; `source` (its file name) names it in
    /// errors, and it is named after it.
    pub fn parse(bytes: &'a [u8], source: &str) -> Result<Self> {
        let text = utf8(bytes, source)?;
        let mut index = Index::with_layout(text, source, layout_of(text, source)?);
        index.layout.union_tags = index.find_union_tags()?;
        Ok(index)
    }

    /// [`Index::parse`], with the layout kept in `dir` between runs (see `cache`).
    pub fn load(bytes: &'a [u8], source: &str, dir: &Path) -> Result<Self> {
        let kept = cache::path(dir, bytes);
        let text = utf8(bytes, source)?;
        if let Some(layout) = cache::read(&kept).filter(|l| fits(l, text)) {
            return Ok(Index::with_layout(text, source, layout));
        }
        let index = Index::parse(bytes, source)?;
        cache::write(&kept, &index.layout);
        Ok(index)
    }

    fn with_layout(text: &'a str, source: &str, layout: Layout) -> Self {
        Index {
            version: layout.version.clone(),
            source: source.to_string(),
            description: descriptions::name_of(Path::new(source)),
            text,
            layout,
        }
    }

    /// The text of a part of the description.
    fn raw(&self, span: Span) -> Result<&'a str> {
        self.text
            .get(span.0..span.1)
            .ok_or_else(|| anyhow!("{}: a part of it is not where its index says", self.source))
    }

    /// `id` when the description holds that operation, or an error naming the closest ones.
    pub fn operation_id_of(&self, id: &str) -> Result<String> {
        match self.layout.operations.contains_key(id) {
            true => Ok(id.to_string()),
            false => Err(unknown("operation", id, &self.layout.operations)),
        }
    }

    /// Every operationId of the description, sorted.
    pub fn operation_ids(&self) -> impl Iterator<Item = &str> {
        self.layout.operations.keys().map(String::as_str)
    }

    /// An operation by operationId, or an error naming the closest ones.
    pub fn operation(&self, id: &str) -> Result<Operation<'_>> {
        self.parsed("operation", &self.layout.operations, id)
    }

    /// A webhook by name (`personal-access-token-request-created`), or an
    /// error naming the closest ones.
    pub fn webhook(&self, name: &str) -> Result<Operation<'_>> {
        self.parsed("webhook", &self.layout.webhooks, name)
    }

    /// The operation or webhook `key` of `places`, parsed, or an error
    /// naming the closest keys; `what` names the kind in it.
    fn parsed<'i>(
        &self,
        what: &str,
        places: &'i BTreeMap<String, Place>,
        key: &str,
    ) -> Result<Operation<'i>> {
        let place = places.get(key);
        let Some((method, path, span)) =
            place.and_then(|(m, path, span)| Some((Method::from_key(m)?, path, *span)))
        else {
            return Err(unknown(what, key, places));
        };
        Ok(Operation {
            method,
            path,
            object: serde_json::from_str(self.raw(span)?)?,
        })
    }

    /// Where the description's enums stand that tell the members of a union
    /// apart, anywhere in it (see `enums::variant_tags`).
    pub fn union_tags(&self) -> &[String] {
        &self.layout.union_tags
    }

    /// [`Index::union_tags`], found in the description.
    fn find_union_tags(&self) -> Result<Vec<String>> {
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
        Ok(enums::variant_tags_with(&part, &outside)
            .into_iter()
            .collect())
    }

    /// The operations and components that hold a `oneOf` or `anyOf`, as a
    /// document of `paths` and `components`: the rest cannot hold a union,
    /// so a text search saves reading it (about 88% of GitHub's description).
    ///
    /// They are read as [`BorrowedJson`], not `Value`: this runs on every
    /// import, and what the union tags need of these parts is their keys and
    /// strings in place.
    fn union_part(&self) -> Result<BorrowedJson<'a>> {
        let has_union = |text: &str| {
            memchr::memmem::find(text.as_bytes(), b"\"oneOf\"").is_some()
                || memchr::memmem::find(text.as_bytes(), b"\"anyOf\"").is_some()
        };
        let read = |text: &'a str| -> Result<BorrowedJson<'a>> {
            serde_json::from_str(text).with_context(|| format!("{}: not JSON", self.source))
        };
        let mut items: BTreeMap<&str, Vec<_>> = BTreeMap::new();
        for (method, path, span) in self.layout.operations.values() {
            let text = self.raw(*span)?;
            if has_union(text) {
                let method = Cow::Owned(method.clone());
                items.entry(path).or_default().push((method, read(text)?));
            }
        }
        let paths = items
            .into_iter()
            .map(|(path, item)| (Cow::Owned(path.to_string()), BorrowedJson::Object(item)))
            .collect();
        let mut components = Vec::new();
        for (kind, items) in &self.layout.components {
            let mut found = Vec::new();
            for (name, span) in items {
                let text = self.raw(*span)?;
                if has_union(text) {
                    found.push((Cow::Owned(name.clone()), read(text)?));
                }
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
        let mut value: BorrowedJson<'a> =
            serde_json::from_str(self.component_text(pointer)?).ok()?;
        for ext in FOREIGN_EXTENSIONS {
            value.remove_everywhere(ext);
        }
        Some(value)
    }

    /// The names of every schema in `components/schemas`, sorted.
    pub fn schema_names(&self) -> Vec<&str> {
        self.layout
            .components
            .get("schemas")
            .into_iter()
            .flat_map(|schemas| schemas.keys().map(String::as_str))
            .collect()
    }

    /// A component by pointer, without foreign extensions.
    pub fn component(&self, pointer: &str) -> Option<Value> {
        let mut value: Value = serde_json::from_str(self.component_text(pointer)?).ok()?;
        strip_foreign(&mut value);
        Some(value)
    }

    /// The text of a component, by pointer.
    fn component_text(&self, pointer: &str) -> Option<&'a str> {
        let component = ComponentRef::parse(pointer)?;
        let span = self
            .layout
            .components
            .get(<&str>::from(component.kind))?
            .get(&component.name)?;
        self.raw(*span).ok()
    }
}

/// The description's text, or an error naming where it is not UTF-8.
fn utf8<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str> {
    std::str::from_utf8(bytes)
        .map_err(|e| anyhow!("{source}: not UTF-8 (at byte {})", e.valid_up_to()))
}

/// Where everything an import reads stands in a description's text.
fn layout_of(text: &str, source: &str) -> Result<Layout> {
    let raw: RawDocument<'_> = openapi::from_json(text.as_bytes(), &Origin::new(source, 1))?;
    openapi::check_version(raw.openapi.as_deref(), source)?;
    let version = raw.info.and_then(|i| i.version);
    let mut layout = Layout::new(version.unwrap_or_else(|| "unknown".into()));
    let span = |raw: &RawValue| {
        let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
        (start, start + raw.get().len())
    };
    for (path, item) in &raw.paths {
        for (method, op) in openapi::path_item_operations(item) {
            let id: OperationId = serde_json::from_str(op.get()).with_context(|| {
                format!("{source}: `{method} {path}` is not an operation object")
            })?;
            if let Some(id) = id.id {
                let place = (method.to_string(), path.to_string(), span(op));
                layout.operations.insert(id, place);
            }
        }
    }
    for (name, item) in &raw.webhooks {
        if let Some((method, object)) = openapi::path_item_operations(item).next() {
            let place = (method.to_string(), name.to_string(), span(object));
            layout.webhooks.insert(name.to_string(), place);
        }
    }
    for (kind, items) in &raw.components {
        let items = items
            .iter()
            .map(|(k, v)| (k.to_string(), span(v)))
            .collect();
        layout.components.insert(kind.to_string(), items);
    }
    Ok(layout)
}

/// Whether a layout read back fits the text: every part lies inside it.
fn fits(layout: &Layout, text: &str) -> bool {
    let inside = |(a, b): Span| a <= b && text.get(a..b).is_some();
    let mut places = layout.operations.values().chain(layout.webhooks.values());
    places.all(|(_, _, s)| inside(*s))
        && layout
            .components
            .values()
            .flat_map(|m| m.values())
            .all(|s| inside(*s))
}

/// The error for an unknown operationId or webhook, naming the closest ones.
fn unknown(what: &str, id: &str, known: &BTreeMap<String, Place>) -> anyhow::Error {
    let mut close: Vec<(f64, &str)> = known
        .keys()
        .map(|k| (strsim::jaro_winkler(id, k), k.as_str()))
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
