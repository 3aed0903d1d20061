//! The comparison of one operation's old and new descriptions: parameters,
//! request body, responses and their schemas, each judged in the direction
//! it travels.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::drift::report::{Change, Direction, What};
use crate::openapi;

/// How deep `Differ::schema` follows nested schemas: cyclic references
/// would otherwise never end.
const MAX_SCHEMA_DEPTH: usize = 12;

pub struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    /// What was found so far.
    pub changes: Vec<Change>,
}

static NULL: Value = Value::Null;

/// What `v` stands for in `doc`; a reference that cannot be followed reads
/// as `null`, which compares as a schema without type or properties.
fn resolve<'v>(doc: &'v Value, v: &'v Value) -> &'v Value {
    openapi::resolve(doc, v).unwrap_or(&NULL)
}

/// An operation object's field, or `null`.
fn field<'v>(op: &'v Map<String, Value>, key: &str) -> &'v Value {
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
    openapi::array(schema.get("required"))
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

impl<'a> Differ<'a> {
    /// A comparison of operations of `old` with those of `new`.
    pub fn new(old: &'a Value, new: &'a Value) -> Self {
        Differ {
            old,
            new,
            changes: Vec::new(),
        }
    }

    /// Records one change.
    pub fn push(
        &mut self,
        breaking: bool,
        what: What,
        location: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.changes
            .push(Change::new(breaking, what, location, detail));
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
                    // A new field breaks either way exactly when it is required.
                    let why = match (dir, required) {
                        (_, false) => "added, optional",
                        (Direction::Response, true) => {
                            "added, required: payloads without it (older servers) fail to decode"
                        }
                        (Direction::Request, true) => "added, required: existing calls lack it",
                    };
                    let ty = type_of(resolve(self.new, schema));
                    self.push(required, what, field(name), format!("{why} ({ty})"));
                }
                Some(old_schema) => {
                    let was = or.contains(name);
                    if was != required {
                        // Requests break when a field becomes required,
                        // responses when it stops being so.
                        let breaking = (dir == Direction::Request) == required;
                        let why = match (dir, required) {
                            (Direction::Response, false) => {
                                "no longer required: payloads without it fail to decode"
                            }
                            (Direction::Request, true) => "now required: existing calls lack it",
                            (_, true) => "now required",
                            (_, false) => "no longer required",
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
        // A parameter is told from the others by where it goes and its name,
        // e.g. `query owner`; the order is by place, then name.
        let collect = |doc: &Value, op: &Map<String, Value>| -> BTreeMap<(String, String), Value> {
            openapi::array(op.get("parameters"))
                .map(|p| resolve(doc, p).clone())
                .map(|p| {
                    let text = |k: &str| p[k].as_str().unwrap_or("").to_string();
                    ((text("in"), text("name")), p)
                })
                .collect()
        };
        let place = |(location, name): &(String, String)| format!("{location} {name}");
        let (old, new) = (collect(self.old, old_op), collect(self.new, new_op));
        for (key, p) in &new {
            let at = place(key);
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
            self.push(true, What::Parameter, place(key), detail);
        }
    }

    fn json_schema<'v>(doc: &'v Value, holder: &'v Value) -> Option<&'v Value> {
        let content = resolve(doc, holder).get("content")?.as_object()?;
        openapi::json_content(content)
            .or_else(|| content.iter().next())?
            .1
            .get("schema")
    }

    /// Compares the JSON schemas of two bodies (request bodies or
    /// responses), when both have one.
    fn bodies(&mut self, what: What, at: &str, old: &Value, new: &Value) {
        let (old_schema, new_schema) = (
            Self::json_schema(self.old, old),
            Self::json_schema(self.new, new),
        );
        if let (Some(os), Some(ns)) = (old_schema, new_schema) {
            self.schema(what, at, os, ns, 0);
        }
    }

    pub fn operation(&mut self, old_op: &Map<String, Value>, new_op: &Map<String, Value>) {
        self.parameters(old_op, new_op);
        self.request_body(old_op.get("requestBody"), new_op.get("requestBody"));
        self.responses(old_op, new_op);
    }

    /// A webhook's payload travels the other way from a request body: GitHub
    /// sends it and the SDK decodes it, so it is judged like a response.
    pub fn webhook(&mut self, old_op: &Map<String, Value>, new_op: &Map<String, Value>) {
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
            (Some(o), Some(n)) => self.bodies(What::RequestBody, "", o, n),
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
            self.bodies(What::ResponseField, &format!("{status} "), o, n);
        }
        for status in or.keys().filter(|s| !nr.contains_key(*s)) {
            let breaking = status.starts_with('2');
            self.push(breaking, What::Response, status.clone(), "removed");
        }
    }

    fn response_headers(&mut self, status: &str, old: &Value, new: &Value) {
        let headers = |r: &Value| -> BTreeSet<String> {
            openapi::object(r.get("headers"))
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
