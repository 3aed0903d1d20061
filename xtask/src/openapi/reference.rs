//! References: how a `$ref` is written, escaped and followed.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

/// The kinds of reusable components, in the order the OpenAPI
/// specification lists them; shown as the key under `components`
/// (`schemas`, `requestBodies`, ...).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[strum(serialize_all = "camelCase")]
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
        Some(ComponentRef::new(kind.parse().ok()?, unescape(name)))
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
    follow(document, value).map(|(value, _)| value)
}

/// Like [`resolve`], also saying where the value stands: the last reference
/// followed, or `at` (where `value` itself stands) when it is no reference.
/// Examples and generated tables name schemas by where they stand.
pub fn resolve_at<'d>(
    document: &'d Value,
    value: &'d Value,
    at: &str,
) -> Option<(&'d Value, String)> {
    let (value, last) = follow(document, value)?;
    Some((value, last.unwrap_or(at).to_string()))
}

/// [`resolve`], and the last reference followed, if any.
fn follow<'d>(document: &'d Value, value: &'d Value) -> Option<(&'d Value, Option<&'d str>)> {
    let (mut value, mut last) = (value, None);
    for _ in 0..=MAX_REF_DEPTH {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => (value, last) = (lookup(document, reference)?, Some(reference)),
            None => return Some((value, last)),
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
