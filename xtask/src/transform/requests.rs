//! Rules about requests: their bodies' media types and their array
//! query parameters.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

use crate::openapi::{self, ComponentKind, ComponentRef, OperationMut};

/// How the SDK sends a request body the transform changed the media type of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentAs {
    /// JSON under a media type of its own (`application/scim+json`):
    /// generated as `application/json`, sent with this `Content-Type`.
    Json(String),
    /// `multipart/form-data` of a body whose fields are strings, numbers or
    /// booleans: generated as a form, sent as multipart.
    Multipart,
}

/// The media types the SDK can send, in the order one is preferred; `None`
/// stands for JSON under another name (`application/*+json`).
const SENDABLE: &[Option<&str>] = &[
    Some("application/json"),
    None,
    Some("application/x-www-form-urlencoded"),
    Some("multipart/form-data"),
    Some("application/octet-stream"),
    Some("text/plain"),
    Some("text/x-markdown"),
];

/// Gives every request body one media type progenitor can generate, and
/// says how the SDK sends the ones it renames.
///
/// Why: progenitor sends one media type per operation and panics on more
/// (`markdown/render-raw` takes `text/plain` or `text/x-markdown`, the same
/// text): JSON is kept if offered, else the first the SDK can send. JSON is
/// known by its structure: progenitor generates only `application/json`,
/// so `application/*+json` is generated as that and sent with its own
/// `Content-Type`. progenitor refuses `multipart/form-data`: a body of
/// plain fields is generated as a form and encoded as multipart by the
/// glue; any other is sent as raw bytes with the caller's `Content-Type`,
/// whose boundary they know.
pub fn request_bodies(
    document: &mut Value,
    log: &mut Vec<String>,
) -> Result<BTreeMap<String, SentAs>> {
    let mut changes = BTreeMap::new();
    for op in openapi::operations(document) {
        let Some(body) = op.object.get("requestBody") else {
            continue;
        };
        let body = openapi::resolve(document, body).unwrap_or(body);
        if let Some(change) = body_change(document, op.id, body)? {
            changes.insert(op.id.to_string(), change);
        }
    }
    let mut sent_as = BTreeMap::new();
    for OperationMut { id, object, .. } in openapi::operations_mut(document) {
        let Some(change) = changes.remove(&id) else {
            continue;
        };
        log.push(format!("{id}: {}", change.why));
        object.insert("requestBody".into(), change.body);
        if let Some(header) = change.header {
            let parameters = object.entry("parameters").or_insert_with(|| json!([]));
            if let Some(list) = parameters.as_array_mut() {
                list.push(header);
            }
        }
        if let Some(how) = change.sent_as {
            sent_as.insert(id, how);
        }
    }
    Ok(sent_as)
}

/// A request body as the transform leaves it.
struct BodyChange {
    body: Value,
    /// A header parameter the operation gains.
    header: Option<Value>,
    sent_as: Option<SentAs>,
    why: String,
}

/// How one operation's request body changes; `None` when it stays.
fn body_change(document: &Value, id: &str, body: &Value) -> Result<Option<BodyChange>> {
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return Ok(None);
    };
    let Some(keep) = sendable(content) else {
        bail!(
            "operation `{id}`: its request body's media types ({}) are none the SDK can send",
            content.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    };
    let media = &content[&keep];
    let mut body = body.clone();
    let mut change = BodyChange {
        body: Value::Null,
        header: None,
        sent_as: None,
        why: format!("request body sent as `{keep}`"),
    };
    let essence = keep.split(';').next().unwrap_or_default().trim();
    let (key, media) = if openapi::is_json(&keep) && !openapi::is_plain_json(&keep) {
        change.sent_as = Some(SentAs::Json(keep.clone()));
        ("application/json".to_string(), media.clone())
    } else if essence.eq_ignore_ascii_case("multipart/form-data") {
        multipart(document, media, &mut change)
    } else if content.len() > 1 {
        (keep.clone(), media.clone())
    } else {
        return Ok(None);
    };
    let dropped: Vec<&String> = content.keys().filter(|k| **k != keep).collect();
    if !dropped.is_empty() {
        let dropped: Vec<&str> = dropped.iter().map(|k| k.as_str()).collect();
        change
            .why
            .push_str(&format!(" (not {})", dropped.join(", ")));
    }
    body["content"] = Value::Object(Map::from_iter([(key, media)]));
    change.body = body;
    Ok(Some(change))
}

/// The media type of a `content` object the SDK sends, by [`SENDABLE`]'s preference.
fn sendable(content: &Map<String, Value>) -> Option<String> {
    SENDABLE.iter().find_map(|wanted| {
        content
            .keys()
            .find(|k| {
                let essence = k.split(';').next().unwrap_or_default().trim();
                match wanted {
                    Some(m) => essence.eq_ignore_ascii_case(m),
                    None => openapi::is_json(k),
                }
            })
            .cloned()
    })
}

/// A multipart body: a form of its plain fields when it has only such, else
/// raw bytes with a `content-type` header parameter for the boundary.
fn multipart(document: &Value, media: &Value, change: &mut BodyChange) -> (String, Value) {
    let schema = media
        .get("schema")
        .and_then(|s| openapi::resolve(document, s));
    let plain = schema.is_some_and(|s| {
        s.get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| p.values().all(|f| is_plain_field(document, f)))
    });
    if plain {
        let mut media = media.clone();
        if let Some(m) = media.as_object_mut() {
            m.remove("encoding");
        }
        change.sent_as = Some(SentAs::Multipart);
        change.why = "`multipart/form-data` body of plain fields, encoded by the SDK".into();
        return ("application/x-www-form-urlencoded".into(), media);
    }
    change.header = Some(json!({
        "name": "content-type",
        "in": "header",
        "required": true,
        "description": "`multipart/form-data; boundary=...`: the boundary that delimits the parts of the body.",
        "schema": {"type": "string"}
    }));
    change.why = "`multipart/form-data` body sent as the caller's bytes and `content-type`".into();
    let raw = json!({"schema": {"type": "string", "format": "binary"}});
    ("application/octet-stream".into(), raw)
}

/// Whether a form field is a string (not a file), a number or a boolean.
fn is_plain_field(document: &Value, field: &Value) -> bool {
    let field = openapi::resolve(document, field).unwrap_or(field);
    match field.get("type").and_then(Value::as_str) {
        Some("string") => field.get("format").and_then(Value::as_str) != Some("binary"),
        Some("integer" | "number" | "boolean") => true,
        _ => false,
    }
}

/// Renames every array query parameter `x` to `x[]`.
///
/// Why: GitHub reads a list from a query string only in the bracket form,
/// `owner[]=a&owner[]=b`; it reads `owner=a&owner=b` as the last value alone.
/// progenitor repeats the parameter's name for each item, so the name itself
/// must carry the brackets. The builder method keeps the plain name (`owner`).
pub fn bracket_array_query_parameters(document: &mut Value, log: &mut Vec<String>) {
    let rename = |param: &mut Value, log: &mut Vec<String>, place: &str| {
        let is_array_query = param.get("in").and_then(Value::as_str) == Some("query")
            && param.pointer("/schema/type").and_then(Value::as_str) == Some("array");
        if !is_array_query {
            return;
        }
        if let Some(Value::String(name)) = param.get_mut("name")
            && !name.ends_with("[]")
        {
            log.push(format!(
                "{place}: query parameter `{name}` sent as `{name}[]`"
            ));
            name.push_str("[]");
        }
    };
    if let Some(params) = document
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        for (name, param) in params.iter_mut() {
            let place = ComponentRef::new(ComponentKind::Parameters, name.as_str());
            rename(param, log, &place.to_string());
        }
    }
    for OperationMut { id, object, .. } in openapi::operations_mut(document) {
        if let Some(Value::Array(params)) = object.get_mut("parameters") {
            for param in params {
                rename(param, log, &id);
            }
        }
    }
}
