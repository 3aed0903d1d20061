//! `cargo xtask import`: pulls operations out of GitHub's full description
//! into spec/, in exactly the layout of GitHub's operation documents.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::bundle;
use crate::enums;
use crate::markdown;
use crate::openapi::{self, BorrowedJson, ComponentRef, Method, Origin};
use crate::output::{Output, write_all};

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
    /// The file name, for provenance and errors.
    pub source: String,
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
            operations,
            webhooks,
            components,
        })
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

fn strip_foreign(value: &mut Value) {
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

/// JSON the way GitHub's documents print it: four spaces, no escaping beyond JSON's own.
fn json4(value: &Value) -> String {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    serde::Serialize::serialize(value, &mut ser).expect("a Value always serializes");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The `$ref`s a value names directly, in order of first appearance.
pub fn direct_refs(value: &Value) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut refs = Vec::new();
    openapi::for_each_ref(value, &mut |r| {
        if seen.insert(r.to_string()) {
            refs.push(r.to_string());
        }
    });
    refs
}

/// Renders one operation document in GitHub's layout.
pub fn render_operation(index: &Index<'_>, id: &str) -> Result<String> {
    render_document(index, index.operation(id)?)
}

/// Renders one webhook document: an operation document whose method line
/// names the webhook (`post personal-access-token-request-created`).
pub fn render_webhook(index: &Index<'_>, name: &str) -> Result<String> {
    render_document(index, index.webhook(name)?)
}

fn render_document(index: &Index<'_>, operation: Operation<'_>) -> Result<String> {
    let Operation {
        method,
        path,
        object: mut op,
    } = operation;
    strip_foreign(&mut op);
    let id = op["operationId"].as_str().unwrap_or_default().to_string();
    // A webhook's summary is a paragraph; its description is the one-line title.
    let title = match path.starts_with('/') {
        true => op["summary"].as_str(),
        false => op["description"].as_str(),
    }
    .ok_or_else(|| anyhow!("operation `{id}` has no summary"))?;
    let mut parts = vec![format!("# {title}"), format!("`{method} {path}`")];
    let text = if path.starts_with('/') {
        "description"
    } else {
        "summary"
    };
    if let Some(description) = op[text].as_str().filter(|d| !d.is_empty()) {
        parts.push(description.to_string());
    }
    parts.push("## Operation Object".into());
    parts.push(format!("```json\n{}\n```", json4(&op)));
    let refs = direct_refs(&op);
    if !refs.is_empty() {
        parts.push("## References".into());
        for r in refs {
            let value = index.component(&r).ok_or_else(|| {
                anyhow!(
                    "operation `{id}`: `$ref: {r}` resolves nowhere in {}",
                    index.source
                )
            })?;
            parts.push(format!("### `{r}`"));
            parts.push(format!("```json\n{}\n```", json4(&value)));
        }
    }
    Ok(parts.join("\n\n"))
}

/// The file name of an operation document: the operationId with `/` as `-`.
pub fn document_name(id: &str) -> String {
    format!("{}.md", id.replace('/', "-"))
}

/// What an import writes and removes.
pub struct Plan {
    /// Operation documents and the components file, relative to the root.
    pub outputs: Vec<Output>,
    /// Components files of earlier imports that this one supersedes.
    pub superseded: Vec<PathBuf>,
}

/// Imports operations and webhooks into the spec/ under `root`; returns the files written.
pub fn run(root: &Path, from: &Path, ids: &[String], webhooks: &[String]) -> Result<Vec<PathBuf>> {
    let bytes = std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
    let source = from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let index = Index::parse(&bytes, &source)?;
    let plan = plan(root, &index, ids, webhooks)?;
    write_all(root, &plan.outputs)?;
    for path in plan.superseded {
        std::fs::remove_file(&path)
            .with_context(|| format!("removing superseded {}", path.display()))?;
    }
    Ok(plan.outputs.into_iter().map(|o| o.path).collect())
}

/// Renders everything an import writes, in memory. It reads the operation
/// and webhook documents in spec/ and lists spec/components/.
pub fn plan(root: &Path, index: &Index<'_>, ids: &[String], webhooks: &[String]) -> Result<Plan> {
    let mut outputs = ids
        .iter()
        .map(|id| operation_document(index, id))
        .chain(webhooks.iter().map(|name| webhook_document(index, name)))
        .collect::<Result<Vec<_>>>()?;
    let documents = operation_documents(root, &outputs)?;
    let needed = missing_components(index, documents)?;
    let components = components_document(index, &needed)?;
    let superseded = superseded(root, &components.path);
    outputs.push(components);
    Ok(Plan {
        outputs,
        superseded,
    })
}

/// The operation document of `id`, rendered from the description.
fn operation_document(index: &Index<'_>, id: &str) -> Result<Output> {
    Ok(Output {
        path: PathBuf::from("spec/operations").join(document_name(id)),
        contents: render_operation(index, id)?,
    })
}

/// The webhook document of `name`, rendered from the description.
fn webhook_document(index: &Index<'_>, name: &str) -> Result<Output> {
    Ok(Output {
        path: PathBuf::from("spec/webhooks").join(format!("{name}.md")),
        contents: render_webhook(index, name)?,
    })
}

/// Every operation and webhook document as it will be after the import:
/// the new ones, and the others as they are on disk.
fn operation_documents(root: &Path, new: &[Output]) -> Result<Vec<markdown::Document>> {
    let new: BTreeMap<&Path, &str> = new
        .iter()
        .map(|o| (o.path.as_path(), o.contents.as_str()))
        .collect();
    let mut documents = Vec::new();
    for dir in ["spec/operations", "spec/webhooks"] {
        for path in markdown::files_in(&root.join(dir))? {
            if !new.contains_key(path.strip_prefix(root).unwrap_or(&path)) {
                documents.push(markdown::parse_file(&path, root)?);
            }
        }
    }
    for (path, text) in new {
        documents.push(markdown::parse(text, path)?);
    }
    Ok(documents)
}

/// The components that the operations reach, directly or through other
/// components, and that no operation document carries: they come from the
/// description, into the components document.
fn missing_components(
    index: &Index<'_>,
    documents: Vec<markdown::Document>,
) -> Result<BTreeMap<String, Value>> {
    let mut carried: BTreeMap<String, Value> = BTreeMap::new();
    let mut operations = Vec::new();
    for doc in documents {
        operations.extend(doc.operation.map(|op| op.value));
        for component in doc.components {
            carried.insert(component.pointer, component.block.value);
        }
    }
    let mut needed = BTreeMap::new();
    let resolve = |p: &str| carried.get(p).cloned().or_else(|| index.component(p));
    for op in &operations {
        let id = op["operationId"].as_str().unwrap_or_default();
        bundle::closure(op, &format!("operation `{id}`"), &resolve, &mut needed)?;
    }
    bundle::twin_originals(&resolve, &mut needed)?;
    needed.retain(|pointer, _| !carried.contains_key(pointer));
    Ok(needed)
}

/// The components document: each component with where it was copied from.
fn components_document(index: &Index<'_>, components: &BTreeMap<String, Value>) -> Result<Output> {
    let mut text = format!(
        "# Components from GitHub's published REST description\n\n\
         Source: `{}`, `info.version` {}, imported by `cargo xtask import`.\n\n\
         The operation and webhook documents in `spec/` refer to these components without carrying them. \
         Each block is copied unchanged from `components` of that description.\n\n## References\n",
        index.source, index.version
    );
    for (pointer, value) in components {
        text.push_str(&format!(
            "\n### `{pointer}`\n\n```json\n{}\n```\n",
            json4(value)
        ));
    }
    // Kept so that a type's name does not depend on which operations were
    // imported: the generator does not give an inline type a name that one
    // of these schemas has, imported or not (see xtask/src/naming.rs).
    let names = Value::from(index.schema_names());
    text.push_str(&format!(
        "\n## {}\n\nEvery schema in `components/schemas` of that description, imported or not. \
         The generator keeps their type names for them.\n\n```json\n{}\n```\n",
        crate::markdown::SCHEMA_NAMES,
        json4(&names)
    ));
    // Kept so that whether an enum is closed does not depend on which
    // operations were imported: the generator closes the enums that tell a
    // union's members apart anywhere in the description (see transform.rs).
    let tags = Value::from(index.union_tags()?.to_vec());
    text.push_str(&format!(
        "\n## {}\n\nThe enums that tell the members of a union apart anywhere in that description, \
         imported or not. The generator keeps them closed.\n\n```json\n{}\n```\n",
        crate::markdown::UNION_TAGS,
        json4(&tags)
    ));
    Ok(Output {
        path: PathBuf::from("spec/components").join(format!("github-rest-{}.md", index.version)),
        contents: text,
    })
}

/// The components documents of earlier imports, which `components` supersedes.
fn superseded(root: &Path, components: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(root.join("spec/components"))
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = p.file_name().unwrap_or_default();
                    let text = name.to_string_lossy();
                    text.starts_with("github-rest-")
                        && text.ends_with(".md")
                        && Some(name) != components.file_name()
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The union tags of a description, read part by part, are those of the
    /// whole description parsed as one `Value`.
    #[test]
    fn union_tags_read_part_by_part_are_the_whole_description_s() {
        let description = json!({
            "openapi": "3.0.3",
            "info": {"version": "1"},
            "paths": {
                "/events": {"get": {
                    "operationId": "events/list",
                    "x-octokit": {},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"type": "array", "items": {"anyOf": [
                            // A member outside the part (no union of its own)
                            // whose tag is a `$ref` to an enum component.
                            {"$ref": "#/components/schemas/push-event"},
                            {"properties": {
                                "kind": {"type": "string", "enum": ["inline"]},
                                "a/b": {"enum": ["x"]}
                            }},
                            {"allOf": [
                                {"$ref": "#/components/schemas/base"},
                                {"properties": {"extra": {"enum": ["e"]}}}
                            ]}
                        ]}}
                    }}}}
                }},
                "/plain": {"get": {"operationId": "plain/get", "responses": {}}}
            },
            "components": {
                "schemas": {
                    "push-event": {"properties": {
                        "type": {"$ref": "#/components/schemas/event-type"},
                        "size": {"type": "integer"}
                    }},
                    "event-type": {"type": "string", "enum": ["push", "fork"]},
                    "base": {"properties": {
                        "state": {"enum": ["open"]},
                        "gone": {"$ref": "#/components/schemas/nowhere"}
                    }},
                    // A member inside the part: it holds a union itself.
                    "holder": {"properties": {
                        "either": {"oneOf": [
                            {"$ref": "#/components/schemas/holder"},
                            {"$ref": "#/components/schemas/nowhere"}
                        ]},
                        "mode": {"enum": ["m"]}
                    }},
                    "unused": {"properties": {"tag": {"enum": ["u"]}}}
                },
                // A payload, not a schema: its union is no union.
                "examples": {"e": {"value": {"oneOf": [{"properties": {"p": {"enum": ["no"]}}}]}}}
            }
        });
        let bytes = serde_json::to_vec_pretty(&description).unwrap();
        let index = Index::parse(&bytes, "test.json").unwrap();
        let schema = "#/paths/~1events/get/responses/200/content/application~1json/schema/items";
        let expected = [
            "#/components/schemas/base/properties/state".to_string(),
            "#/components/schemas/event-type".into(),
            "#/components/schemas/holder/properties/mode".into(),
            format!("{schema}/anyOf/1/properties/a~1b"),
            format!("{schema}/anyOf/1/properties/kind"),
            format!("{schema}/anyOf/2/allOf/1/properties/extra"),
        ];
        assert_eq!(index.union_tags().unwrap(), expected);
        let whole: Vec<String> = crate::enums::variant_tags(&description)
            .into_iter()
            .collect();
        assert_eq!(whole, expected);
    }
}
