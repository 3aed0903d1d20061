//! `cargo xtask drift`: what changed between the operations in spec/ and a
//! newer description, classified for a consumer of this SDK.
//!
//! Requests and responses are judged in opposite directions: a new required
//! request parameter breaks callers, a new optional one does not; a new
//! required response field breaks decoding of payloads that lack it (older
//! GitHub Enterprise Server versions), a new optional one does not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Result;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{bundle, openapi};

/// One difference.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub breaking: bool,
    /// `operation`, `parameter`, `request body`, `response`, `response header`, `response field`.
    pub what: &'static str,
    /// Where, e.g. `query owner` or `200 [].token_id`.
    #[serde(rename = "where")]
    pub location: String,
    pub detail: String,
}

/// The differences of one operation.
#[derive(Debug, Serialize)]
pub struct OperationReport {
    #[serde(rename = "operationId")]
    pub operation_id: String,
    pub method: String,
    pub path: String,
    /// `changed`, `unchanged`, `added` or `removed`.
    pub status: &'static str,
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
        what: &'static str,
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

    /// Compares two schemas at `at`; `seen` stops recursion through cyclic references.
    fn schema(
        &mut self,
        what: &'static str,
        at: &str,
        old: &Value,
        new: &Value,
        dir: Direction,
        depth: usize,
    ) {
        if depth > 12 {
            return;
        }
        let (old, new) = (resolve(self.old, old), resolve(self.new, new));
        let (ot, nt) = (type_of(old), type_of(new));
        if ot != nt {
            self.push(true, what, at, format!("type changed from {ot} to {nt}"));
            return;
        }
        let on = old.get("nullable") == Some(&Value::Bool(true));
        let nn = new.get("nullable") == Some(&Value::Bool(true));
        if on != nn {
            let (breaking, why) = match (dir, nn) {
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
        if let (Some(oe), Some(ne)) = (enum_values(old), enum_values(new)) {
            let added: Vec<_> = ne.difference(&oe).cloned().collect();
            let removed: Vec<_> = oe.difference(&ne).cloned().collect();
            if !added.is_empty() {
                let (breaking, note) = match dir {
                    Direction::Request => (false, ""),
                    Direction::Response => (
                        false,
                        " (decoded as `Unknown(..)` by this SDK's open enums)",
                    ),
                };
                self.push(
                    breaking,
                    what,
                    at,
                    format!("enum values added: {}{note}", added.join(", ")),
                );
            }
            if !removed.is_empty() {
                let breaking = dir == Direction::Request;
                self.push(
                    breaking,
                    what,
                    at,
                    format!("enum values removed: {}", removed.join(", ")),
                );
            }
        } else if enum_values(old).is_some() != enum_values(new).is_some() {
            let breaking = (dir == Direction::Request) == enum_values(new).is_some();
            let detail = if enum_values(new).is_some() {
                "now restricted to an enum"
            } else {
                "no longer an enum"
            };
            self.push(breaking, what, at, detail);
        }
        let max = |s: &Value| s.get("maxItems").and_then(Value::as_u64);
        if max(old) != max(new) {
            let breaking = dir == Direction::Request
                && match (max(old), max(new)) {
                    (Some(o), Some(n)) => n < o,
                    (None, Some(_)) => true,
                    _ => false,
                };
            self.push(
                breaking,
                what,
                at,
                format!("maxItems changed from {:?} to {:?}", max(old), max(new)),
            );
        }
        match ot.as_str() {
            "array" => self.schema(
                what,
                &format!("{at}[]"),
                &old["items"],
                &new["items"],
                dir,
                depth + 1,
            ),
            "object" | "any" => self.properties(what, at, old, new, dir, depth),
            _ => {}
        }
    }

    fn properties(
        &mut self,
        what: &'static str,
        at: &str,
        old: &Value,
        new: &Value,
        dir: Direction,
        depth: usize,
    ) {
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
                    self.schema(what, &field(name), old_schema, schema, dir, depth + 1);
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
        let collect = |doc: &Value, op: &Map<String, Value>| -> BTreeMap<(String, String), Value> {
            field(op, "parameters")
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| resolve(doc, p).clone())
                .map(|p| {
                    (
                        (
                            p["in"].as_str().unwrap_or("").to_string(),
                            p["name"].as_str().unwrap_or("").to_string(),
                        ),
                        p,
                    )
                })
                .collect()
        };
        let (old, new) = (collect(self.old, old_op), collect(self.new, new_op));
        for ((loc, name), p) in &new {
            let at = format!("{loc} {name}");
            let required = p["required"] == Value::Bool(true);
            match old.get(&(loc.clone(), name.clone())) {
                None => {
                    let ty = type_of(resolve(self.new, &p["schema"]));
                    if required {
                        self.push(
                            true,
                            "parameter",
                            at,
                            format!("added, required ({ty}): existing calls lack it"),
                        );
                    } else {
                        self.push(false, "parameter", at, format!("added, optional ({ty})"));
                    }
                }
                Some(o) => {
                    let was = o["required"] == Value::Bool(true);
                    if was != required {
                        let detail = if required {
                            "now required"
                        } else {
                            "no longer required"
                        };
                        self.push(required, "parameter", at.clone(), detail);
                    }
                    self.schema(
                        "parameter",
                        &at,
                        &o["schema"],
                        &p["schema"],
                        Direction::Request,
                        0,
                    );
                }
            }
        }
        for (loc, name) in old.keys().filter(|k| !new.contains_key(*k)) {
            self.push(
                true,
                "parameter",
                format!("{loc} {name}"),
                "removed: the builder method goes away",
            );
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
        match (old_op.get("requestBody"), new_op.get("requestBody")) {
            (None, Some(b)) => {
                let required = resolve(self.new, b)["required"] == Value::Bool(true);
                self.push(
                    required,
                    "request body",
                    "",
                    if required {
                        "added, required"
                    } else {
                        "added, optional"
                    },
                );
            }
            (Some(_), None) => self.push(true, "request body", "", "removed"),
            (Some(o), Some(n)) => {
                if let (Some(os), Some(ns)) = (
                    Self::json_schema(self.old, o),
                    Self::json_schema(self.new, n),
                ) {
                    self.schema("request body", "", os, ns, Direction::Request, 0);
                }
            }
            (None, None) => {}
        }
        let empty = serde_json::Map::new();
        let or = field(old_op, "responses").as_object().unwrap_or(&empty);
        let nr = field(new_op, "responses").as_object().unwrap_or(&empty);
        for (status, n) in nr {
            let Some(o) = or.get(status) else {
                self.push(false, "response", status.clone(), "added");
                continue;
            };
            let (ro, rn) = (resolve(self.old, o), resolve(self.new, n));
            let headers = |r: &Value| -> BTreeSet<String> {
                r["headers"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k.to_ascii_lowercase())
                    .collect()
            };
            let (ho, hn) = (headers(ro), headers(rn));
            for h in hn.difference(&ho) {
                self.push(false, "response header", format!("{status} {h}"), "added");
            }
            for h in ho.difference(&hn) {
                let breaking = h == "link";
                let why = if breaking {
                    "removed: pagination stops after the first page"
                } else {
                    "removed"
                };
                self.push(breaking, "response header", format!("{status} {h}"), why);
            }
            if let (Some(os), Some(ns)) = (
                Self::json_schema(self.old, o),
                Self::json_schema(self.new, n),
            ) {
                self.schema(
                    "response field",
                    &format!("{status} "),
                    os,
                    ns,
                    Direction::Response,
                    0,
                );
            }
        }
        for status in or.keys().filter(|s| !nr.contains_key(*s)) {
            let breaking = status.starts_with('2');
            self.push(breaking, "response", status.clone(), "removed");
        }
    }
}

/// Compares the operations of the spec/ under `root` with those of the description at `from`.
pub fn run(root: &Path, from: &Path) -> Result<Report> {
    let old = bundle::spec(root)?;
    let new = openapi::read_description(from)?;
    Ok(compare(&old, &new))
}

/// GitHub's docs subcategory of an operation, e.g. `personal-access-tokens`.
fn subcategory<'d>(op: &openapi::Operation<'d>) -> Option<&'d str> {
    op.object.get("x-github")?.get("subcategory")?.as_str()
}

/// Compares the operations of `old` (spec/'s bundle) with those of `new`.
pub fn compare(old: &Value, new: &Value) -> Report {
    // By operationId, so that the report lists them in a stable order.
    let by_id = |doc| -> BTreeMap<&str, openapi::Operation<'_>> {
        openapi::operations(doc).map(|o| (o.id, o)).collect()
    };
    let (old_ops, new_ops) = (by_id(old), by_id(new));
    let mut operations = Vec::new();
    let mut subcategories = BTreeSet::new();
    for (id, o) in &old_ops {
        if let Some(sub) = subcategory(o) {
            subcategories.insert(sub.to_string());
        }
        let mut report = OperationReport {
            operation_id: id.to_string(),
            method: o.method.as_str().to_uppercase(),
            path: o.path.to_string(),
            status: "unchanged",
            changes: Vec::new(),
        };
        match new_ops.get(id) {
            None => {
                report.status = "removed";
                report.changes.push(Change {
                    breaking: true,
                    what: "operation",
                    location: String::new(),
                    detail: "removed from the new description".into(),
                });
            }
            Some(n) => {
                if (n.method, n.path) != (o.method, o.path) {
                    report.changes.push(Change {
                        breaking: true,
                        what: "operation",
                        location: String::new(),
                        detail: format!("moved to {} {}", n.method.as_str().to_uppercase(), n.path),
                    });
                }
                let mut differ = Differ {
                    old,
                    new,
                    changes: Vec::new(),
                };
                differ.operation(o.object, n.object);
                report.changes.extend(differ.changes);
                if !report.changes.is_empty() {
                    report.status = "changed";
                }
            }
        }
        operations.push(report);
    }
    // Operations new in the subcategories spec/ covers.
    for (id, n) in &new_ops {
        let sub = subcategory(n).unwrap_or("");
        if !old_ops.contains_key(id) && subcategories.contains(sub) {
            operations.push(OperationReport {
                operation_id: id.to_string(),
                method: n.method.as_str().to_uppercase(),
                path: n.path.to_string(),
                status: "added",
                changes: vec![Change {
                    breaking: false,
                    what: "operation",
                    location: String::new(),
                    detail: format!(
                        "added in subcategory `{sub}` (import it with `cargo xtask import`)"
                    ),
                }],
            });
        }
    }
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
        let path = crate::project_root()
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

    #[test]
    fn classifies_each_kind_of_change() {
        let report = compare(&fixture("drift-old.json"), &fixture("drift-new.json"));
        let one = |id: &str, at: &str| -> &Change {
            let found = find(&report, id, at);
            assert_eq!(
                found.len(),
                1,
                "{id} {at}: {found:#?}\n{}",
                render_text(&report)
            );
            found[0]
        };
        // Parameters.
        assert!(!one("things/list", "query token_id").breaking);
        assert!(
            one("things/list", "query mode").breaking,
            "new required parameter"
        );
        assert!(
            one("things/list", "query owner").breaking,
            "maxItems lowered"
        );
        assert!(
            one("things/list", "query sort").breaking,
            "enum value removed from a request"
        );
        assert!(
            one("things/list", "query gone").breaking,
            "parameter removed"
        );
        // Response fields.
        assert!(
            one("things/list", "200 [].token_id").breaking,
            "new required response field"
        );
        assert!(
            !one("things/list", "200 [].token_name").breaking,
            "new optional response field"
        );
        assert!(
            one("things/list", "200 [].expires_at").breaking,
            "became nullable"
        );
        assert!(
            !one("things/list", "200 [].selection").breaking,
            "enum value added to a response"
        );
        assert!(one("things/list", "200 [].id").breaking, "type change");
        assert!(
            one("things/list", "200 [].label").breaking,
            "no longer required"
        );
        // Responses and headers.
        assert!(!one("things/list", "429").breaking);
        assert!(
            one("things/list", "200 link").breaking,
            "Link header removed"
        );
        // Request body.
        assert!(
            one("things/update", "action").breaking,
            "request enum value removed"
        );
        assert!(!one("things/update", "reason").breaking);
        // Operations.
        assert_eq!(
            report
                .operations
                .iter()
                .find(|o| o.operation_id == "things/delete")
                .unwrap()
                .status,
            "removed"
        );
        assert_eq!(
            report
                .operations
                .iter()
                .find(|o| o.operation_id == "things/create")
                .unwrap()
                .status,
            "added"
        );
        assert!(
            !report
                .operations
                .iter()
                .any(|o| o.operation_id == "unrelated/op")
        );
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
    fn identical_descriptions_have_no_drift() {
        let old = fixture("drift-old.json");
        let report = compare(&old, &old);
        assert_eq!((report.total, report.breaking), (0, 0));
        assert!(report.operations.iter().all(|o| o.status == "unchanged"));
    }
}
