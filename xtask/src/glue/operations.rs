//! What the glue needs to know of each operation, read from the
//! (transformed) document: its names, path parameters, how it succeeds,
//! whether it is a listing, its capped query arrays and where its body
//! schemas stand.

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::{Map, Value};

use crate::features::{Cfg, Features};
use crate::openapi::{self, escape};
use crate::transform::{Facts, Success};

/// The category of operations whose operationId has no `/`.
pub const NO_CATEGORY: &str = "operations";

/// One operation, as the glue sees it.
pub struct Op {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    /// progenitor's builder struct, named after the operationId.
    pub builder: String,
    /// progenitor's `OperationInfo::operation_id` and `Client` method.
    pub snake_id: String,
    /// The part of the operationId before `/` (`orgs`), or none.
    pub category: Option<String>,
    /// The part after it (`list-pat-grants`), or the whole operationId.
    pub name: String,
    /// Path parameters in the order the path names them, as named on the wire.
    pub path_params: Vec<String>,
    pub success: Option<Success>,
    pub list: Option<List>,
    /// `(query name on the wire, maxItems)` for capped array query parameters.
    pub limits: Vec<(String, u64)>,
    /// Where the typed success body's schema stands, for the golden table.
    pub response_schema: Option<String>,
    /// Where the JSON request body's schema stands, for the golden table.
    pub request_schema: Option<String>,
    /// The descriptions that hold the operation, as its document records.
    pub offered: Vec<String>,
    /// Whether the primary description is not among them.
    pub only_elsewhere: bool,
    /// The features it is compiled with.
    pub cfg: Cfg,
}

/// How a listing's body holds its items.
#[derive(Debug, Clone, PartialEq)]
pub enum List {
    /// The body is the array.
    Array,
    /// The body is an object with one array property, named here.
    Wrapped(String),
}

pub fn read(document: &Value, facts: &Facts, features: &Features) -> Vec<Op> {
    let mut ops: Vec<Op> = openapi::operations(document)
        .map(|operation| {
            let success = facts.successes.get(operation.id).cloned();
            op(document, &operation, success, features)
        })
        .collect();
    ops.sort_by(|a, b| a.id.cmp(&b.id));
    ops
}

/// What the glue needs to know of one operation.
fn op(
    document: &Value,
    operation: &openapi::Operation<'_>,
    success: Option<Success>,
    features: &Features,
) -> Op {
    let (path, id, object) = (operation.path, operation.id, operation.object);
    let at = format!("#/paths/{}/{}", escape(path), operation.method);
    let dashed = id.replace(|c: char| !c.is_alphanumeric(), "-");
    let (category, name) = match id.split_once('/') {
        Some((c, n)) => (Some(c.to_string()), n.to_string()),
        None => (None, id.to_string()),
    };
    let cfg = features.of_operation(id, category.as_deref());
    let params: Vec<&Value> = openapi::array(object.get("parameters"))
        .filter_map(|p| openapi::resolve(document, p))
        .collect();
    let typed = typed_response(document, object, &at);
    let takes_per_page = params
        .iter()
        .any(|p| p["in"] == "query" && p["name"] == "per_page");
    let list = typed.as_ref().and_then(|t| {
        let pages = t.links || takes_per_page;
        let lists = matches!(success, None | Some(Success::OrEmpty(_)));
        (pages && lists)
            .then(|| list_shape(document, t.schema))
            .flatten()
    });
    Op {
        id: id.to_string(),
        method: operation.method.as_str().to_uppercase(),
        path: path.to_string(),
        summary: object
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        builder: dashed.to_pascal_case(),
        snake_id: dashed.to_snake_case(),
        category,
        name,
        path_params: path_parameters(path, &params),
        success,
        list,
        limits: query_limits(&params),
        response_schema: typed.map(|t| t.at),
        request_schema: request_schema(document, object, &at),
        offered: features.offered(id).to_vec(),
        only_elsewhere: features.only_elsewhere(id),
        cfg,
    }
}

/// Path parameters in the order the path names them.
pub fn path_parameters(path: &str, params: &[&Value]) -> Vec<String> {
    let mut found: Vec<(usize, String)> = params
        .iter()
        .filter(|p| p["in"] == "path")
        .filter_map(|p| {
            let name = p["name"].as_str()?.to_string();
            Some((path.find(&format!("{{{name}}}"))?, name))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, n)| n).collect()
}

/// Array query parameters with a `maxItems`: `(name on the wire, maximum)`.
pub fn query_limits(params: &[&Value]) -> Vec<(String, u64)> {
    params
        .iter()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| {
            Some((
                p["name"].as_str()?.to_string(),
                p.pointer("/schema/maxItems")?.as_u64()?,
            ))
        })
        .collect()
}

/// The typed success body: its schema, where the schema stands, and whether
/// the response declares a `Link` header.
pub struct TypedResponse<'d> {
    pub schema: &'d Value,
    pub at: String,
    pub links: bool,
}

/// The JSON media type of a `content` object: its key and the media type object.
pub fn json_media(content: &Value) -> Option<(&String, &Value)> {
    openapi::json_content(content.as_object()?)
}

pub fn typed_response<'d>(
    document: &'d Value,
    object: &'d Map<String, Value>,
    at: &str,
) -> Option<TypedResponse<'d>> {
    let (status, response) = object
        .get("responses")?
        .as_object()?
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .min_by_key(|(status, _)| status.as_str())?;
    let (response, base) =
        openapi::resolve_at(document, response, &format!("{at}/responses/{status}"))?;
    let (media, m) = json_media(&response["content"])?;
    Some(TypedResponse {
        schema: m.get("schema")?,
        at: format!("{base}/content/{}/schema", escape(media)),
        links: response["headers"]
            .as_object()
            .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("link"))),
    })
}

/// Where the JSON request body's schema stands, if there is one.
pub fn request_schema(document: &Value, object: &Map<String, Value>, at: &str) -> Option<String> {
    let body = object.get("requestBody")?;
    let (body, base) = openapi::resolve_at(document, body, &format!("{at}/requestBody"))?;
    let (media, m) = json_media(&body["content"])?;
    m.get("schema")?;
    Some(format!("{base}/content/{}/schema", escape(media)))
}

/// Whether a body schema is a list, and how it holds its items.
pub fn list_shape(document: &Value, schema: &Value) -> Option<List> {
    let schema = openapi::resolve(document, schema)?;
    if schema["type"] == "array" {
        return Some(List::Array);
    }
    let arrays: Vec<&String> = schema["properties"]
        .as_object()?
        .iter()
        .filter(|(_, p)| openapi::resolve(document, p).is_some_and(|p| p["type"] == "array"))
        .map(|(name, _)| name)
        .collect();
    match arrays.as_slice() {
        [only] => Some(List::Wrapped((*only).clone())),
        _ => None,
    }
}
