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

/// What holds a schema: the keyword or field it stands under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot<'a> {
    /// `#/components/schemas/<name>`.
    Component(&'a str),
    /// The `schema` of a parameter, with the parameter's `name` (empty for a
    /// `$ref` or when it has none).
    Parameter(&'a str),
    /// The `schema` of a header, with the header's name.
    Header(&'a str),
    /// `content/<media type>/schema` of a request body, response, parameter or header.
    MediaType(&'a str),
    /// `properties/<name>` of the schema that holds it.
    Property(&'a str),
    /// `items` of an array schema.
    Items,
    /// `additionalProperties` of a map schema.
    AdditionalProperties,
    /// `not`.
    Not,
    /// `allOf/<index>`.
    AllOf(usize),
    /// `anyOf/<index>`.
    AnyOf(usize),
    /// `oneOf/<index>`.
    OneOf(usize),
}

/// Where one schema stands in a document.
#[derive(Clone, Copy, Debug)]
pub struct SchemaPlace<'a> {
    /// The schema's JSON pointer as a local reference, e.g.
    /// `#/paths/~1orgs~1{org}/get/responses/200/content/application~1json/schema`.
    pub pointer: &'a str,
    /// What holds it.
    pub slot: Slot<'a>,
    /// The schema it stands in (for `Property`, `Items` and the other
    /// keywords of a schema); `None` where a component, parameter, header or
    /// media type holds it.
    pub parent: Option<&'a SchemaPlace<'a>>,
}

/// When a walk's visitor sees a schema, relative to the schemas inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Before the schemas inside it; the walk then goes into the schema as
    /// the visitor left it.
    Pre,
    /// After every schema inside it, so that a visitor can replace an inline
    /// schema whose own inline schemas it has already replaced.
    Post,
}

/// Calls `visit` with every schema object of a document and where it stands.
///
/// Schemas are found where OpenAPI 3.0 puts them, in document order: the
/// components under `components/schemas`; the `schema` of parameters
/// (`components/parameters`, path items and operations) and headers
/// (`components/headers`, responses, encodings); `content/<media
/// type>/schema` of parameters, headers, request bodies and responses; the
/// same inside callbacks; and inside each schema, `properties`, `items`,
/// `additionalProperties`, `not`, `allOf`, `anyOf` and `oneOf`. A `$ref` is
/// visited as it stands and not followed. The walk never goes into
/// `example`, `examples` or `default`: they hold payloads, not schemas.
pub fn walk_schemas(
    document: &Value,
    order: Order,
    visit: &mut dyn FnMut(&SchemaPlace<'_>, &Value),
) {
    Walk::<Shared> {
        pointer: String::from("#"),
        order,
        visit,
    }
    .document(document);
}

/// [`walk_schemas`] with each schema lent out to be changed in place.
pub fn walk_schemas_mut(
    document: &mut Value,
    order: Order,
    visit: &mut dyn FnMut(&SchemaPlace<'_>, &mut Value),
) {
    Walk::<Exclusive> {
        pointer: String::from("#"),
        order,
        visit,
    }
    .document(document);
}

/// Shared or exclusive access to a document's values, so that the schema
/// walk is written once for [`walk_schemas`] and [`walk_schemas_mut`].
trait Access: 'static {
    /// `&Value` or `&mut Value`.
    type Node<'n>;
    fn view<'s>(node: &'s Self::Node<'_>) -> &'s Value;
    /// Lends the node out for a shorter time, keeping it for later.
    fn reborrow<'s>(node: &'s mut Self::Node<'_>) -> Self::Node<'s>;
    /// An object's entries in document order; none for anything else.
    fn entries<'n>(node: Self::Node<'n>) -> impl Iterator<Item = (&'n str, Self::Node<'n>)>;
    /// An array's elements; none for anything else.
    fn elements<'n>(node: Self::Node<'n>) -> impl Iterator<Item = Self::Node<'n>>;
}

struct Shared;
struct Exclusive;

impl Access for Shared {
    type Node<'n> = &'n Value;
    fn view<'s>(node: &'s &Value) -> &'s Value {
        node
    }
    fn reborrow<'s>(node: &'s mut &Value) -> &'s Value {
        node
    }
    fn entries<'n>(node: Self::Node<'n>) -> impl Iterator<Item = (&'n str, Self::Node<'n>)> {
        node.as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
    }
    fn elements<'n>(node: Self::Node<'n>) -> impl Iterator<Item = Self::Node<'n>> {
        node.as_array().into_iter().flatten()
    }
}

impl Access for Exclusive {
    type Node<'n> = &'n mut Value;
    fn view<'s>(node: &'s &mut Value) -> &'s Value {
        node
    }
    fn reborrow<'s>(node: &'s mut &mut Value) -> &'s mut Value {
        node
    }
    fn entries<'n>(node: Self::Node<'n>) -> impl Iterator<Item = (&'n str, Self::Node<'n>)> {
        node.as_object_mut()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
    }
    fn elements<'n>(node: Self::Node<'n>) -> impl Iterator<Item = Self::Node<'n>> {
        node.as_array_mut().into_iter().flatten()
    }
}

/// The state of one schema walk: the pointer of the object being read.
struct Walk<'v, A: Access> {
    pointer: String,
    order: Order,
    visit: &'v mut dyn for<'n> FnMut(&SchemaPlace<'_>, A::Node<'n>),
}

impl<A: Access> Walk<'_, A> {
    /// Runs `f` with `token` appended to the pointer.
    fn within(&mut self, token: &str, f: impl FnOnce(&mut Self)) {
        let len = self.pointer.len();
        self.pointer.push('/');
        self.pointer.push_str(&escape(token));
        f(self);
        self.pointer.truncate(len);
    }

    fn document(&mut self, document: A::Node<'_>) {
        for (key, value) in A::entries(document) {
            match key {
                "paths" => self.within(key, |w| {
                    for (path, item) in A::entries(value) {
                        w.within(path, |w| w.path_item(item));
                    }
                }),
                "components" => self.within(key, |w| w.components(value)),
                _ => {}
            }
        }
    }

    fn components(&mut self, components: A::Node<'_>) {
        for (key, section) in A::entries(components) {
            let Some(kind) = ComponentKind::from_key(key) else {
                continue;
            };
            self.within(key, |w| {
                for (name, value) in A::entries(section) {
                    w.within(name, |w| match kind {
                        ComponentKind::Schemas => w.schema(value, Slot::Component(name), None),
                        ComponentKind::Responses => w.response(value),
                        ComponentKind::Parameters => w.parameter(value),
                        ComponentKind::RequestBodies => w.content_holder(value),
                        ComponentKind::Headers => w.header(name, value),
                        ComponentKind::Callbacks => w.callback(value),
                        ComponentKind::Examples
                        | ComponentKind::SecuritySchemes
                        | ComponentKind::Links => {}
                    });
                }
            });
        }
    }

    fn path_item(&mut self, item: A::Node<'_>) {
        for (key, value) in A::entries(item) {
            if key == "parameters" {
                self.within(key, |w| w.parameters(value));
            } else if Method::from_key(key).is_some() {
                self.within(key, |w| w.operation(value));
            }
        }
    }

    fn operation(&mut self, operation: A::Node<'_>) {
        for (key, value) in A::entries(operation) {
            match key {
                "parameters" => self.within(key, |w| w.parameters(value)),
                "requestBody" => self.within(key, |w| w.content_holder(value)),
                "responses" => self.within(key, |w| {
                    for (status, response) in A::entries(value) {
                        w.within(status, |w| w.response(response));
                    }
                }),
                "callbacks" => self.within(key, |w| {
                    for (name, callback) in A::entries(value) {
                        w.within(name, |w| w.callback(callback));
                    }
                }),
                _ => {}
            }
        }
    }

    fn callback(&mut self, callback: A::Node<'_>) {
        for (expression, item) in A::entries(callback) {
            self.within(expression, |w| w.path_item(item));
        }
    }

    fn parameters(&mut self, parameters: A::Node<'_>) {
        for (index, parameter) in A::elements(parameters).enumerate() {
            self.within(&index.to_string(), |w| w.parameter(parameter));
        }
    }

    fn parameter(&mut self, parameter: A::Node<'_>) {
        // Copied, since the parameter object is lent out entry by entry.
        let name = A::view(&parameter)
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        self.schema_holder(parameter, Slot::Parameter(&name));
    }

    fn header(&mut self, name: &str, header: A::Node<'_>) {
        self.schema_holder(header, Slot::Header(name));
    }

    /// A parameter or header: a `schema`, or `content` with media types.
    fn schema_holder(&mut self, holder: A::Node<'_>, slot: Slot<'_>) {
        for (key, value) in A::entries(holder) {
            match key {
                "schema" => self.within(key, |w| w.schema(value, slot, None)),
                "content" => self.within(key, |w| w.content(value)),
                _ => {}
            }
        }
    }

    fn response(&mut self, response: A::Node<'_>) {
        for (key, value) in A::entries(response) {
            match key {
                "headers" => self.within(key, |w| w.headers(value)),
                "content" => self.within(key, |w| w.content(value)),
                _ => {}
            }
        }
    }

    fn headers(&mut self, headers: A::Node<'_>) {
        for (name, header) in A::entries(headers) {
            self.within(name, |w| w.header(name, header));
        }
    }

    /// A request body: only `content`.
    fn content_holder(&mut self, holder: A::Node<'_>) {
        for (key, value) in A::entries(holder) {
            if key == "content" {
                self.within(key, |w| w.content(value));
            }
        }
    }

    fn content(&mut self, content: A::Node<'_>) {
        for (media_type, media) in A::entries(content) {
            self.within(media_type, |w| {
                for (key, value) in A::entries(media) {
                    match key {
                        "schema" => {
                            w.within(key, |w| w.schema(value, Slot::MediaType(media_type), None))
                        }
                        "encoding" => w.within(key, |w| {
                            for (property, encoding) in A::entries(value) {
                                w.within(property, |w| {
                                    for (key, value) in A::entries(encoding) {
                                        if key == "headers" {
                                            w.within(key, |w| w.headers(value));
                                        }
                                    }
                                });
                            }
                        }),
                        _ => {}
                    }
                }
            });
        }
    }

    fn schema(
        &mut self,
        mut schema: A::Node<'_>,
        slot: Slot<'_>,
        parent: Option<&SchemaPlace<'_>>,
    ) {
        if !A::view(&schema).is_object() {
            return;
        }
        // Copied, since the walk appends to `self.pointer` below this schema.
        let pointer = self.pointer.clone();
        let place = SchemaPlace {
            pointer: &pointer,
            slot,
            parent,
        };
        if self.order == Order::Pre {
            (self.visit)(&place, A::reborrow(&mut schema));
        }
        for (key, value) in A::entries(A::reborrow(&mut schema)) {
            let parent = Some(&place);
            match key {
                "properties" => self.within(key, |w| {
                    for (name, property) in A::entries(value) {
                        w.within(name, |w| w.schema(property, Slot::Property(name), parent));
                    }
                }),
                "items" => self.within(key, |w| w.schema(value, Slot::Items, parent)),
                "additionalProperties" => {
                    self.within(key, |w| w.schema(value, Slot::AdditionalProperties, parent))
                }
                "not" => self.within(key, |w| w.schema(value, Slot::Not, parent)),
                "allOf" | "anyOf" | "oneOf" => self.within(key, |w| {
                    for (index, member) in A::elements(value).enumerate() {
                        let slot = match key {
                            "allOf" => Slot::AllOf(index),
                            "anyOf" => Slot::AnyOf(index),
                            _ => Slot::OneOf(index),
                        };
                        w.within(&index.to_string(), |w| w.schema(member, slot, parent));
                    }
                }),
                _ => {}
            }
        }
        if self.order == Order::Post {
            (self.visit)(&place, schema);
        }
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

    fn document() -> Value {
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

    #[test]
    fn every_schema_position_is_walked_with_its_pointer() {
        let doc = document();
        let mut seen = Vec::new();
        walk_schemas(&doc, Order::Pre, &mut |place, _| {
            seen.push((place.pointer.to_string(), format!("{:?}", place.slot)))
        });
        let pointers: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/paths/~1a~1{id}/parameters/0/schema",
                "#/components/responses/also-ok/content/application~1json/schema",
                "#/components/schemas/a~1b",
                "#/components/schemas/a~1b/properties/list",
                "#/components/schemas/a~1b/properties/list/items",
                "#/components/schemas/a~1b/properties/either",
                "#/components/schemas/a~1b/properties/either/oneOf/0",
                "#/components/schemas/a~1b/properties/either/oneOf/1",
                "#/components/schemas/a~1b/properties/map",
                "#/components/schemas/a~1b/properties/map/additionalProperties",
                "#/components/schemas/c",
            ]
        );
        assert_eq!(seen[0].1, "Parameter(\"id\")");
        assert_eq!(seen[1].1, "MediaType(\"application/json\")");
        assert_eq!(seen[2].1, "Component(\"a/b\")");
        assert_eq!(seen[7].1, "OneOf(1)");
    }

    #[test]
    fn the_walk_knows_parents_and_visits_them_after_their_schemas_in_post_order() {
        let mut doc = document();
        let mut order = Vec::new();
        walk_schemas_mut(&mut doc, Order::Post, &mut |place, schema| {
            let chain = std::iter::successors(Some(place), |p| p.parent)
                .map(|p| format!("{:?}", p.slot))
                .collect::<Vec<_>>()
                .join(" < ");
            order.push(chain);
            schema
                .as_object_mut()
                .unwrap()
                .insert("x-visited".into(), true.into());
        });
        assert_eq!(order[2], "Items < Property(\"list\") < Component(\"a/b\")");
        assert_eq!(order[3], "Property(\"list\") < Component(\"a/b\")");
        assert_eq!(
            doc.pointer("/components/schemas/a~1b/properties/list/items/x-visited"),
            Some(&json!(true))
        );
        // Payloads are never taken for schemas.
        assert!(
            doc.pointer("/components/schemas/a~1b/example/properties/x/x-visited")
                .is_none()
        );
        assert!(
            doc.pointer("/components/examples/e/value/schema/x-visited")
                .is_none()
        );
    }
}
