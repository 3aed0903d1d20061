//! Operations: which path item keys hold them, and how a document's
//! operations and webhooks are found.

use serde_json::{Map, Value};

use crate::openapi::json::object;
use strum::{Display, EnumString, IntoStaticStr};

/// An HTTP method: a key of a path item that holds an operation, in the
/// order the OpenAPI specification lists a path item's operations (which is
/// also the order `Ord` gives); shown as the key (`get`, `put`, ...).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Display, EnumString, IntoStaticStr,
)]
#[strum(serialize_all = "lowercase")]
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
    /// The path item key: `get`, `put`, ...
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The method a path item key names, or `None` for the keys that are no
    /// operation (`parameters`, `summary`, `servers`, `$ref`, ...).
    pub fn from_key(key: &str) -> Option<Method> {
        key.parse().ok()
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

/// One operation of a document, its object shared; or, as an
/// [`OperationMut`], lent out to be changed in place, its `operationId`
/// then copied.
#[derive(Clone, Copy, Debug)]
pub struct Operation<'d, Object = &'d Map<String, Value>, Id = &'d str> {
    /// The key in `paths`, e.g. `/orgs/{org}/personal-access-tokens`.
    pub path: &'d str,
    pub method: Method,
    /// The `operationId`.
    pub id: Id,
    /// The operation object.
    pub object: Object,
}

/// One operation of a document, to be changed in place.
pub type OperationMut<'d> = Operation<'d, &'d mut Map<String, Value>, String>;

/// Every operation of a document, in document order.
///
/// Operations without a string `operationId` are left out: every stage names
/// operations by it, and GitHub gives one to each.
pub fn operations(document: &Value) -> impl Iterator<Item = Operation<'_>> {
    path_items(document, "paths")
}

/// The operations of the path items under `key` of a document (`paths`, or
/// the webhooks), each named by its path item's key.
fn path_items<'d>(document: &'d Value, key: &'static str) -> impl Iterator<Item = Operation<'d>> {
    object(document.get(key))
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

/// The key of a document that holds its webhooks (OpenAPI 3.0 has no
/// `webhooks`; GitHub's description keeps them in this extension).
pub const WEBHOOKS: &str = "x-webhooks";

/// Every webhook of a document (`x-webhooks`), in document order, as
/// operations whose `path` is the webhook's name: GitHub sends the request,
/// the SDK receives it.
pub fn webhooks(document: &Value) -> impl Iterator<Item = Operation<'_>> {
    path_items(document, WEBHOOKS)
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
            Some(Operation {
                path,
                method,
                id,
                object,
            })
        })
}
