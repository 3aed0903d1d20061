//! `cargo xtask drift`: what changed between the operations in spec/ and a
//! newer description, classified for a consumer of this SDK.
//!
//! Requests and responses are judged in opposite directions: a new required
//! request parameter breaks callers, a new optional one does not; a new
//! required response field breaks decoding of payloads that lack it (older
//! GitHub Enterprise Server versions), a new optional one does not.

mod report;

mod differ;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, bail};
use serde_json::Value;

use crate::descriptions;
use crate::{bundle, openapi};

use differ::Differ;
pub use report::{Change, OperationReport, Report, Status, What};

/// Compares the operations of the spec/ under `root` that came from the
/// description at `from` (named after its file) with that description.
///
/// Operations from other descriptions are neither compared nor reported as
/// removed; a new operation is reported only when spec/ holds it from no
/// description.
pub fn run(root: &Path, from: &Path) -> Result<Report> {
    let sources = bundle::load(&root.join("spec"), root)?;
    // GitHub's changes, not ours: spec/ as GitHub published it, without spec/overlays/.
    let old = bundle::bundle_as_published(&sources)?;
    let description = descriptions::name_of(from);
    let scope = Scope::of(&sources, &description)?;
    let new = Value::Object(openapi::read_description(from, root)?);
    let mut report = compare_in(&old, &new, &scope);
    report.description = Some(description);
    Ok(report)
}

/// Which operations and webhooks of spec/ a comparison is about.
pub struct Scope {
    /// The operationIds compared; `None` for every one.
    ours: Option<BTreeSet<String>>,
    /// Every operationId spec/ holds, from whichever description.
    held: BTreeSet<String>,
}

impl Scope {
    /// The operations and webhooks of `sources` that came from `description`,
    /// or an error saying which descriptions spec/ holds operations from.
    fn of(sources: &bundle::Sources, description: &str) -> Result<Scope> {
        let all = || sources.operations.iter().chain(&sources.webhooks);
        let ours: BTreeSet<String> = all()
            .filter(|op| op.description(sources) == description)
            .map(|op| op.id.clone())
            .collect();
        if ours.is_empty() {
            let mut held: Vec<String> = all()
                .map(|op| op.description(sources).to_string())
                .collect();
            held.sort_by(|a, b| descriptions::compare(a, b));
            held.dedup();
            bail!(
                "spec/ holds no operation from `{description}` (the description is named after its file); \
                 it holds operations from {}",
                descriptions::list(&held)
            );
        }
        Ok(Scope {
            ours: Some(ours),
            held: all().map(|op| op.id.clone()).collect(),
        })
    }

    fn compares(&self, id: &str) -> bool {
        self.ours.as_ref().is_none_or(|ours| ours.contains(id))
    }
}

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

    /// How the report names where it is: `GET /path`, or `WEBHOOK name`.
    fn place(self, op: &openapi::Operation<'_>) -> (String, String) {
        match self {
            Kind::Operation => (op.method.as_str().to_uppercase(), op.path.to_string()),
            Kind::Webhook => ("WEBHOOK".into(), op.path.to_string()),
        }
    }

    /// The report of one operation (or webhook).
    fn report(
        self,
        op: &openapi::Operation<'_>,
        status: Status,
        changes: Vec<Change>,
    ) -> OperationReport {
        let (method, path) = self.place(op);
        OperationReport {
            operation_id: op.id.to_string(),
            method,
            path,
            status,
            changes,
        }
    }

    /// How the report tells to import a new one.
    fn import_hint(self, id: &str, path: &str) -> String {
        match self {
            Kind::Operation => format!("`cargo xtask import --operation {id}`"),
            Kind::Webhook => format!("`cargo xtask import --webhook {path}`"),
        }
    }
}

/// The report of each operation (or webhook) in scope, and of those new in
/// the subcategories they cover; by operationId, so that the order is stable.
fn compare_kind(old: &Value, new: &Value, kind: Kind, scope: &Scope) -> Vec<OperationReport> {
    let (old_ops, new_ops) = (kind.of(old), kind.of(new));
    let mut operations = Vec::new();
    let mut subcategories = BTreeSet::new();
    for (id, o) in old_ops.iter().filter(|(id, _)| scope.compares(id)) {
        subcategories.extend(subcategory(o));
        operations.push(compare_one(old, new, kind, o, new_ops.get(id)));
    }
    for (id, n) in &new_ops {
        let sub = subcategory(n).unwrap_or("");
        if !old_ops.contains_key(id) && !scope.held.contains(*id) && subcategories.contains(sub) {
            let hint = kind.import_hint(id, n.path);
            let detail = format!("added in subcategory `{sub}` (import it with {hint})");
            let added = Change::new(false, What::Operation, "", detail);
            operations.push(kind.report(n, Status::Added, vec![added]));
        }
    }
    operations
}

/// The report of one operation spec/ has, against the new description's.
fn compare_one(
    old: &Value,
    new: &Value,
    kind: Kind,
    o: &openapi::Operation<'_>,
    n: Option<&openapi::Operation<'_>>,
) -> OperationReport {
    let Some(n) = n else {
        let detail = "removed from the new description";
        let removed = Change::new(true, What::Operation, "", detail);
        return kind.report(o, Status::Removed, vec![removed]);
    };
    let mut differ = Differ::new(old, new);
    if (n.method, n.path) != (o.method, o.path) {
        let (method, path) = kind.place(n);
        let detail = format!("moved to {method} {path}");
        differ.push(true, What::Operation, "", detail);
    }
    match kind {
        Kind::Operation => differ.operation(o.object, n.object),
        Kind::Webhook => differ.webhook(o.object, n.object),
    }
    let status = if differ.changes.is_empty() {
        Status::Unchanged
    } else {
        Status::Changed
    };
    kind.report(o, status, differ.changes)
}

/// GitHub's docs subcategory of an operation, e.g. `personal-access-tokens`.
fn subcategory<'d>(op: &openapi::Operation<'d>) -> Option<&'d str> {
    op.object.get("x-github")?.get("subcategory")?.as_str()
}

/// Compares every operation of `old` (spec/'s bundle) with `new`.
pub fn compare(old: &Value, new: &Value) -> Report {
    let held = Kind::Operation
        .of(old)
        .into_keys()
        .chain(Kind::Webhook.of(old).into_keys())
        .map(str::to_string)
        .collect();
    compare_in(old, new, &Scope { ours: None, held })
}

/// Compares the operations of `old` that `scope` names with `new`.
fn compare_in(old: &Value, new: &Value, scope: &Scope) -> Report {
    let mut operations = compare_kind(old, new, Kind::Operation, scope);
    operations.extend(compare_kind(old, new, Kind::Webhook, scope));
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
        description: None,
        from: version(old),
        to: version(new),
        operations,
        total,
        breaking,
    }
}

/// The report for people.
pub fn render_text(report: &Report) -> String {
    let of = match &report.description {
        Some(d) => format!(" of the operations from {d}"),
        None => String::new(),
    };
    let mut out = format!(
        "Drift{of} from spec/ (info.version {}) to {}\n",
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
