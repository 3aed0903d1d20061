//! `cargo xtask drift`: what changed between the operations in spec/ and a
//! newer description, classified for a consumer of this SDK.
//!
//! Requests and responses are judged in opposite directions: a new required
//! request parameter breaks callers, a new optional one does not; a new
//! required response field breaks decoding of payloads that lack it (older
//! GitHub Enterprise Server versions), a new optional one does not.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use anyhow::Result;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{bundle, openapi};

/// One difference.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub breaking: bool,
    pub what: What,
    /// Where, e.g. `query owner` or `200 [].token_id`.
    #[serde(rename = "where")]
    pub location: String,
    pub detail: String,
}

/// What a change is about; serialized as the words `as_str` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Operation,
    Parameter,
    RequestBody,
    Response,
    ResponseHeader,
    ResponseField,
    /// A field of a webhook's payload, which GitHub sends and the SDK decodes.
    WebhookField,
}

impl What {
    /// `operation`, `parameter`, `request body`, `response`, `response header`,
    /// `response field`, `webhook field`.
    pub fn as_str(self) -> &'static str {
        match self {
            What::Operation => "operation",
            What::Parameter => "parameter",
            What::RequestBody => "request body",
            What::Response => "response",
            What::ResponseHeader => "response header",
            What::ResponseField => "response field",
            What::WebhookField => "webhook field",
        }
    }

    /// Which way a schema of this kind travels: parameters and request
    /// bodies are sent, so their compatibility is judged for callers;
    /// everything else is received, and judged for decoding.
    fn direction(self) -> Direction {
        match self {
            What::Parameter | What::RequestBody => Direction::Request,
            What::Operation
            | What::Response
            | What::ResponseHeader
            | What::ResponseField
            | What::WebhookField => Direction::Response,
        }
    }
}

/// What happened to an operation; serialized as the word `as_str` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Changed,
    Unchanged,
    Added,
    Removed,
}

impl Status {
    /// `changed`, `unchanged`, `added` or `removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::Added => "added",
            Status::Removed => "removed",
        }
    }
}

// Both kinds are written as their words, in the JSON report as in the text one.
macro_rules! as_words {
    ($($ty:ty),*) => {$(
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
as_words!(What, Status);

/// The differences of one operation.
#[derive(Debug, Serialize)]
pub struct OperationReport {
    #[serde(rename = "operationId")]
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub status: Status,
    pub changes: Vec<Change>,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub operations: Vec<OperationReport>,
    pub total: usize,
    pub breaking: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Request,
    Response,
}

/// How deep `Differ::schema` follows nested schemas: cyclic references
/// would otherwise never end.
const MAX_SCHEMA_DEPTH: usize = 12;

/// A parameter as an operation tells it from the others: where it goes and its name.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct ParameterKey {
    location: String,
    name: String,
}

impl fmt::Display for ParameterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.location, self.name)
    }
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    changes: Vec<Change>,
}

/// What `v` stands for in `doc`; a reference that cannot be followed reads
/// as `null`, which compares as a schema without type or properties.
fn resolve<'v>(doc: &'v Value, v: &'v Value) -> &'v Value {
    static NULL: Value = Value::Null;
    openapi::resolve(doc, v).unwrap_or(&NULL)
}

/// An operation object's field, or `null`.
fn field<'v>(op: &'v Map<String, Value>, key: &str) -> &'v Value {
    static NULL: Value = Value::Null;
    op.get(key).unwrap_or(&NULL)
}

fn type_of(schema: &Value) -> String {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None if schema.get("oneOf").is_some() => "oneOf".into(),
        None if schema.get("anyOf").is_some() => "anyOf".into(),
        None if schema.get("allOf").is_some() => "allOf".into(),
        None => "any".into(),
    }
}

fn enum_values(schema: &Value) -> Option<BTreeSet<String>> {
    schema
        .get("enum")?
        .as_array()
        .map(|vs| vs.iter().map(|v| v.to_string()).collect())
}

fn required_set(schema: &Value) -> BTreeSet<String> {
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

impl Differ<'_> {
    fn push(
        &mut self,
        breaking: bool,
        what: What,
        location: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.changes.push(Change {
            breaking,
            what,
            location: location.into(),
            detail: detail.into(),
        });
    }

    /// Compares two schemas at `at`: type, nullability, enum and `maxItems`,
    /// then what they hold. `depth` stops recursion through cyclic references.
    fn schema(&mut self, what: What, at: &str, old: &Value, new: &Value, depth: usize) {
        if depth > MAX_SCHEMA_DEPTH {
            return;
        }
        let (old, new) = (resolve(self.old, old), resolve(self.new, new));
        let (ot, nt) = (type_of(old), type_of(new));
        if ot != nt {
            self.push(true, what, at, format!("type changed from {ot} to {nt}"));
            return;
        }
        self.nullability(what, at, old, new);
        self.enumeration(what, at, old, new);
        self.max_items(what, at, old, new);
        match ot.as_str() {
            "array" => self.schema(
                what,
                &format!("{at}[]"),
                &old["items"],
                &new["items"],
                depth + 1,
            ),
            "object" | "any" => self.properties(what, at, old, new, depth),
            _ => {}
        }
    }

    fn nullability(&mut self, what: What, at: &str, old: &Value, new: &Value) {
        let on = old.get("nullable") == Some(&Value::Bool(true));
        let nn = new.get("nullable") == Some(&Value::Bool(true));
        if on == nn {
            return;
        }
        let (breaking, why) = match (what.direction(), nn) {
            (Direction::Response, true) => (
                true,
                "became nullable: a null fails to decode into a non-optional field",
            ),
            (Direction::Response, false) => (false, "is no longer nullable"),
            (Direction::Request, true) => (false, "became nullable"),
            (Direction::Request, false) => (true, "is no longer nullable: sending null fails"),
        };
        self.push(breaking, what, at, why);
    }

    fn enumeration(&mut self, what: What, at: &str, old: &Value, new: &Value) {
        let dir = what.direction();
        let (Some(oe), Some(ne)) = (enum_values(old), enum_values(new)) else {
            if enum_values(old).is_some() != enum_values(new).is_some() {
                let breaking = (dir == Direction::Request) == enum_values(new).is_some();
                let detail = if enum_values(new).is_some() {
                    "now restricted to an enum"
                } else {
                    "no longer an enum"
                };
                self.push(breaking, what, at, detail);
            }
            return;
        };
        let added: Vec<_> = ne.difference(&oe).cloned().collect();
        let removed: Vec<_> = oe.difference(&ne).cloned().collect();
        if !added.is_empty() {
            let note = match dir {
                Direction::Request => "",
                Direction::Response => " (decoded as `Unknown(..)` by this SDK's open enums)",
            };
            let detail = format!("enum values added: {}{note}", added.join(", "));
            self.push(false, what, at, detail);
        }
        if !removed.is_empty() {
            let detail = format!("enum values removed: {}", removed.join(", "));
            self.push(dir == Direction::Request, what, at, detail);
        }
    }

    fn max_items(&mut self, what: What, at: &str, old: &Value, new: &Value) {
        let max = |s: &Value| s.get("maxItems").and_then(Value::as_u64);
        let (om, nm) = (max(old), max(new));
        if om == nm {
            return;
        }
        let breaking = what.direction() == Direction::Request
            && match (om, nm) {
                (Some(o), Some(n)) => n < o,
                (None, Some(_)) => true,
                _ => false,
            };
        let detail = format!("maxItems changed from {om:?} to {nm:?}");
        self.push(breaking, what, at, detail);
    }

    fn properties(&mut self, what: What, at: &str, old: &Value, new: &Value, depth: usize) {
        let dir = what.direction();
        let empty = serde_json::Map::new();
        let op = old["properties"].as_object().unwrap_or(&empty);
        let np = new["properties"].as_object().unwrap_or(&empty);
        let (or, nr) = (required_set(old), required_set(new));
        let field = |name: &str| {
            if at.is_empty() {
                name.to_string()
            } else {
                format!("{at}.{name}")
            }
        };
        for (name, schema) in np {
            let required = nr.contains(name);
            match op.get(name) {
                None => {
                    let (breaking, why) = match (dir, required) {
                        (Direction::Response, true) => (
                            true,
                            "added, required: payloads without it (older servers) fail to decode",
                        ),
                        (Direction::Response, false) => (false, "added, optional"),
                        (Direction::Request, true) => {
                            (true, "added, required: existing calls lack it")
                        }
                        (Direction::Request, false) => (false, "added, optional"),
                    };
                    let ty = type_of(resolve(self.new, schema));
                    self.push(breaking, what, field(name), format!("{why} ({ty})"));
                }
                Some(old_schema) => {
                    let was = or.contains(name);
                    if was != required {
                        let (breaking, why) = match (dir, required) {
                            (Direction::Response, false) => (
                                true,
                                "no longer required: payloads without it fail to decode",
                            ),
                            (Direction::Response, true) => (false, "now required"),
                            (Direction::Request, true) => {
                                (true, "now required: existing calls lack it")
                            }
                            (Direction::Request, false) => (false, "no longer required"),
                        };
                        self.push(breaking, what, field(name), why);
                    }
                    self.schema(what, &field(name), old_schema, schema, depth + 1);
                }
            }
        }
        for name in op.keys().filter(|k| !np.contains_key(*k)) {
            let breaking = dir == Direction::Request || or.contains(name);
            let why = match dir {
                Direction::Request => "removed: the SDK would still send it",
                Direction::Response if breaking => {
                    "removed, was required: new payloads fail to decode"
                }
                Direction::Response => "removed, was optional",
            };
            self.push(breaking, what, field(name), why);
        }
    }

    fn parameters(&mut self, old_op: &Map<String, Value>, new_op: &Map<String, Value>) {
        let collect = |doc: &Value, op: &Map<String, Value>| -> BTreeMap<ParameterKey, Value> {
            field(op, "parameters")
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| resolve(doc, p).clone())
                .map(|p| {
                    let key = ParameterKey {
                        location: p["in"].as_str().unwrap_or("").to_string(),
                        name: p["name"].as_str().unwrap_or("").to_string(),
                    };
                    (key, p)
                })
                .collect()
        };
        let (old, new) = (collect(self.old, old_op), collect(self.new, new_op));
        for (key, p) in &new {
            let at = key.to_string();
            let required = p["required"] == Value::Bool(true);
            match old.get(key) {
                None => {
                    let ty = type_of(resolve(self.new, &p["schema"]));
                    let detail = if required {
                        format!("added, required ({ty}): existing calls lack it")
                    } else {
                        format!("added, optional ({ty})")
                    };
                    self.push(required, What::Parameter, at, detail);
                }
                Some(o) => {
                    let was = o["required"] == Value::Bool(true);
                    if was != required {
                        let detail = if required {
                            "now required"
                        } else {
                            "no longer required"
                        };
                        self.push(required, What::Parameter, at.clone(), detail);
                    }
                    self.schema(What::Parameter, &at, &o["schema"], &p["schema"], 0);
                }
            }
        }
        for key in old.keys().filter(|k| !new.contains_key(*k)) {
            let detail = "removed: the builder method goes away";
            self.push(true, What::Parameter, key.to_string(), detail);
        }
    }

    fn json_schema<'v>(doc: &'v Value, holder: &'v Value) -> Option<&'v Value> {
        let content = resolve(doc, holder).get("content")?;
        content
            .get("application/json")
            .or_else(|| content.as_object()?.values().next())?
            .get("schema")
    }

    fn operation(&mut self, old_op: &Map<String, Value>, new_op: &Map<String, Value>) {
        self.parameters(old_op, new_op);
        self.request_body(old_op.get("requestBody"), new_op.get("requestBody"));
        self.responses(old_op, new_op);
    }

    /// A webhook's payload travels the other way from a request body: GitHub
    /// sends it and the SDK decodes it, so it is judged like a response.
    fn webhook(&mut self, old_op: &Map<String, Value>, new_op: &Map<String, Value>) {
        let (old, new) = (field(old_op, "requestBody"), field(new_op, "requestBody"));
        match (
            Self::json_schema(self.old, old),
            Self::json_schema(self.new, new),
        ) {
            (Some(os), Some(ns)) => self.schema(What::WebhookField, "payload", os, ns, 0),
            (Some(_), None) => self.push(true, What::WebhookField, "payload", "removed"),
            _ => {}
        }
    }

    fn request_body(&mut self, old: Option<&Value>, new: Option<&Value>) {
        match (old, new) {
            (None, Some(b)) => {
                let required = resolve(self.new, b)["required"] == Value::Bool(true);
                let detail = if required {
                    "added, required"
                } else {
                    "added, optional"
                };
                self.push(required, What::RequestBody, "", detail);
            }
            (Some(_), None) => self.push(true, What::RequestBody, "", "removed"),
            (Some(o), Some(n)) => {
                if let (Some(os), Some(ns)) = (
                    Self::json_schema(self.old, o),
                    Self::json_schema(self.new, n),
                ) {
                    self.schema(What::RequestBody, "", os, ns, 0);
                }
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self, old_op: &Map<String, Value>, new_op: &Map<String, Value>) {
        let empty = serde_json::Map::new();
        let or = field(old_op, "responses").as_object().unwrap_or(&empty);
        let nr = field(new_op, "responses").as_object().unwrap_or(&empty);
        for (status, n) in nr {
            let Some(o) = or.get(status) else {
                self.push(false, What::Response, status.clone(), "added");
                continue;
            };
            self.response_headers(status, resolve(self.old, o), resolve(self.new, n));
            if let (Some(os), Some(ns)) = (
                Self::json_schema(self.old, o),
                Self::json_schema(self.new, n),
            ) {
                self.schema(What::ResponseField, &format!("{status} "), os, ns, 0);
            }
        }
        for status in or.keys().filter(|s| !nr.contains_key(*s)) {
            let breaking = status.starts_with('2');
            self.push(breaking, What::Response, status.clone(), "removed");
        }
    }

    fn response_headers(&mut self, status: &str, old: &Value, new: &Value) {
        let headers = |r: &Value| -> BTreeSet<String> {
            r["headers"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.to_ascii_lowercase())
                .collect()
        };
        let (ho, hn) = (headers(old), headers(new));
        for h in hn.difference(&ho) {
            self.push(
                false,
                What::ResponseHeader,
                format!("{status} {h}"),
                "added",
            );
        }
        for h in ho.difference(&hn) {
            let breaking = h == "link";
            let why = if breaking {
                "removed: pagination stops after the first page"
            } else {
                "removed"
            };
            self.push(breaking, What::ResponseHeader, format!("{status} {h}"), why);
        }
    }
}

/// Compares the operations of the spec/ under `root` with those of the description at `from`.
pub fn run(root: &Path, from: &Path) -> Result<Report> {
    // GitHub's changes, not ours: spec/ as GitHub published it, without spec/overlays/.
    let old = bundle::published(root)?;
    let new = openapi::read_description(from)?;
    Ok(compare(&old, &new))
}

/// GitHub's docs subcategory of an operation, e.g. `personal-access-tokens`.
/// Operations (`paths`) or webhooks (`x-webhooks`), compared alike.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Operation,
    Webhook,
}

impl Kind {
    fn of(self, document: &Value) -> BTreeMap<&str, openapi::Operation<'_>> {
        match self {
            Kind::Operation => openapi::operations(document).map(|o| (o.id, o)).collect(),
            Kind::Webhook => openapi::webhooks(document).map(|o| (o.id, o)).collect(),
        }
    }

    /// How the report names where it is: `GET /path`, or `webhook name`.
    fn place(self, op: &openapi::Operation<'_>) -> (String, String) {
        match self {
            Kind::Operation => (op.method.as_str().to_uppercase(), op.path.to_string()),
            Kind::Webhook => ("WEBHOOK".into(), op.path.to_string()),
        }
    }
}

/// The report of each operation (or webhook) spec/ has, and of those new in
/// the subcategories spec/ covers; by operationId, so that the order is stable.
fn compare_kind(old: &Value, new: &Value, kind: Kind) -> Vec<OperationReport> {
    let (old_ops, new_ops) = (kind.of(old), kind.of(new));
    let mut operations = Vec::new();
    let mut subcategories = BTreeSet::new();
    for (id, o) in &old_ops {
        if let Some(sub) = subcategory(o) {
            subcategories.insert(sub.to_string());
        }
        let (method, path) = kind.place(o);
        let mut report = OperationReport {
            operation_id: id.to_string(),
            method,
            path,
            status: Status::Unchanged,
            changes: Vec::new(),
        };
        match new_ops.get(id) {
            None => {
                report.status = Status::Removed;
                report.changes.push(Change {
                    breaking: true,
                    what: What::Operation,
                    location: String::new(),
                    detail: "removed from the new description".into(),
                });
            }
            Some(n) => {
                if (n.method, n.path) != (o.method, o.path) {
                    let (method, path) = kind.place(n);
                    report.changes.push(Change {
                        breaking: true,
                        what: What::Operation,
                        location: String::new(),
                        detail: format!("moved to {method} {path}"),
                    });
                }
                let mut differ = Differ {
                    old,
                    new,
                    changes: Vec::new(),
                };
                match kind {
                    Kind::Operation => differ.operation(o.object, n.object),
                    Kind::Webhook => differ.webhook(o.object, n.object),
                }
                report.changes.extend(differ.changes);
                if !report.changes.is_empty() {
                    report.status = Status::Changed;
                }
            }
        }
        operations.push(report);
    }
    for (id, n) in &new_ops {
        let sub = subcategory(n).unwrap_or("");
        if !old_ops.contains_key(id) && subcategories.contains(sub) {
            let (method, path) = kind.place(n);
            operations.push(OperationReport {
                operation_id: id.to_string(),
                method,
                path: path.clone(),
                status: Status::Added,
                changes: vec![Change {
                    breaking: false,
                    what: What::Operation,
                    location: String::new(),
                    detail: match kind {
                        Kind::Operation => format!(
                            "added in subcategory `{sub}` (import it with `cargo xtask import --operation {id}`)"
                        ),
                        Kind::Webhook => format!(
                            "added in subcategory `{sub}` (import it with `cargo xtask import --webhook {path}`)"
                        ),
                    },
                }],
            });
        }
    }
    operations
}

fn subcategory<'d>(op: &openapi::Operation<'d>) -> Option<&'d str> {
    op.object.get("x-github")?.get("subcategory")?.as_str()
}

/// Compares the operations of `old` (spec/'s bundle) with those of `new`.
pub fn compare(old: &Value, new: &Value) -> Report {
    let mut operations = compare_kind(old, new, Kind::Operation);
    operations.extend(compare_kind(old, new, Kind::Webhook));
    let total = operations.iter().map(|o| o.changes.len()).sum();
    let breaking = operations
        .iter()
        .flat_map(|o| &o.changes)
        .filter(|c| c.breaking)
        .count();
    let version = |d: &Value| {
        d.pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string()
    };
    Report {
        from: version(old),
        to: version(new),
        operations,
        total,
        breaking,
    }
}

/// The report for people.
pub fn render_text(report: &Report) -> String {
    let mut out = format!(
        "Drift from spec/ (info.version {}) to {}\n",
        report.from, report.to
    );
    for op in &report.operations {
        out.push_str(&format!(
            "\n{} ({} {}): {}\n",
            op.operation_id, op.method, op.path, op.status
        ));
        for c in &op.changes {
            let tag = if c.breaking { "BREAKING " } else { "ok       " };
            let place = if c.location.is_empty() {
                String::new()
            } else {
                format!(" `{}`", c.location.trim())
            };
            out.push_str(&format!("  {tag} {}{place}: {}\n", c.what, c.detail));
        }
    }
    out.push_str(&format!(
        "\n{} changes, {} breaking\n",
        report.total, report.breaking
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = crate::project::project_root()
            .join("xtask/tests/fixtures")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn find<'r>(report: &'r Report, id: &str, location: &str) -> Vec<&'r Change> {
        let op = report
            .operations
            .iter()
            .find(|o| o.operation_id == id)
            .unwrap();
        op.changes
            .iter()
            .filter(|c| c.location.trim() == location)
            .collect()
    }

    /// The report from `drift-old.json` to `drift-new.json`.
    fn fixture_report() -> Report {
        compare(&fixture("drift-old.json"), &fixture("drift-new.json"))
    }

    /// The one change of `id` at `at`.
    fn one<'r>(report: &'r Report, id: &str, at: &str) -> &'r Change {
        let found = find(report, id, at);
        assert_eq!(
            found.len(),
            1,
            "{id} {at}: {found:#?}\n{}",
            render_text(report)
        );
        found[0]
    }

    #[test]
    fn classifies_parameter_changes() {
        let report = fixture_report();
        let one = |id: &str, at: &str| one(&report, id, at).breaking;
        assert!(!one("things/list", "query token_id"));
        assert!(one("things/list", "query mode"), "new required parameter");
        assert!(one("things/list", "query owner"), "maxItems lowered");
        assert!(
            one("things/list", "query sort"),
            "enum value removed from a request"
        );
        assert!(one("things/list", "query gone"), "parameter removed");
    }

    #[test]
    fn classifies_response_changes() {
        let report = fixture_report();
        let one = |id: &str, at: &str| one(&report, id, at).breaking;
        assert!(
            one("things/list", "200 [].token_id"),
            "new required response field"
        );
        assert!(
            !one("things/list", "200 [].token_name"),
            "new optional response field"
        );
        assert!(one("things/list", "200 [].expires_at"), "became nullable");
        assert!(
            !one("things/list", "200 [].selection"),
            "enum value added to a response"
        );
        assert!(one("things/list", "200 [].id"), "type change");
        assert!(one("things/list", "200 [].label"), "no longer required");
        assert!(!one("things/list", "429"));
        assert!(one("things/list", "200 link"), "Link header removed");
    }

    #[test]
    fn classifies_request_body_and_operation_changes() {
        let report = fixture_report();
        assert!(
            one(&report, "things/update", "action").breaking,
            "request enum value removed"
        );
        assert!(!one(&report, "things/update", "reason").breaking);
        let status = |id: &str| {
            report
                .operations
                .iter()
                .find(|o| o.operation_id == id)
                .map(|o| o.status)
        };
        assert_eq!(status("things/delete"), Some(Status::Removed));
        assert_eq!(status("things/create"), Some(Status::Added));
        assert_eq!(status("unrelated/op"), None);
        assert_eq!(
            report.breaking,
            report
                .operations
                .iter()
                .flat_map(|o| &o.changes)
                .filter(|c| c.breaking)
                .count()
        );
    }

    #[test]
    fn webhook_payloads_are_judged_like_responses() {
        use serde_json::json;
        let doc = |props: Value, required: Value| {
            json!({
                "openapi": "3.0.3", "info": {"version": "1"}, "paths": {},
                "x-webhooks": {"thing-created": {"post": {
                    "operationId": "thing/created",
                    "x-github": {"subcategory": "thing"},
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/payload"}}}}
                }}},
                "components": {"schemas": {"payload": {"type": "object", "properties": props, "required": required}}}
            })
        };
        let old = doc(json!({"action": {"type": "string"}}), json!(["action"]));
        let mut new = doc(
            json!({"action": {"type": "string"}, "sender": {"type": "string"}, "note": {"type": "string"}}),
            json!(["action", "sender"]),
        );
        new["x-webhooks"]["thing-deleted"] =
            json!({"post": {"operationId": "thing/deleted", "x-github": {"subcategory": "thing"}}});
        let report = compare(&old, &new);
        let created = report
            .operations
            .iter()
            .find(|o| o.operation_id == "thing/created")
            .unwrap();
        assert_eq!(
            (created.method.as_str(), created.path.as_str()),
            ("WEBHOOK", "thing-created")
        );
        let by_field = |f: &str| {
            created
                .changes
                .iter()
                .find(|c| c.location.ends_with(f))
                .unwrap()
        };
        // A new required field breaks decoding of older payloads; a new optional one does not.
        assert!(by_field("sender").breaking && by_field("sender").what == What::WebhookField);
        assert!(!by_field("note").breaking);
        let deleted = report
            .operations
            .iter()
            .find(|o| o.operation_id == "thing/deleted")
            .unwrap();
        assert_eq!(deleted.status, Status::Added);
        assert!(
            deleted.changes[0]
                .detail
                .contains("--webhook thing-deleted")
        );
    }

    #[test]
    fn identical_descriptions_have_no_drift() {
        let old = fixture("drift-old.json");
        let report = compare(&old, &old);
        assert_eq!((report.total, report.breaking), (0, 0));
        assert!(
            report
                .operations
                .iter()
                .all(|o| o.status == Status::Unchanged)
        );
    }
}
