//! What the SDK layer builds on and progenitor does not emit, generated
//! from the description so that adding an operation needs no hand edits:
//!
//! - each builder implements `crate::operation::Operation`, returning the
//!   success as the description says (a model, `()`, bytes, `Option<T>`,
//!   a list, or `Outcome<T>`);
//! - listings implement `crate::operation::Paginated`, recognised from the
//!   description (a list body, and a `Link` header or a `per_page` parameter);
//! - `client.<category>().<name>(path parameters...)`, one method per
//!   operation, grouped by the category of its operationId;
//! - the table of array limits the request hook enforces;
//! - the table of generated types the golden tests use, and the README's
//!   table of operations.

use std::collections::BTreeMap;

use anyhow::{Context, Result, anyhow, bail};
use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use crate::features::{Features, Gates, OpNames};
use crate::openapi::{self, escape};
use crate::transform::{Facts, Success};

/// The category of operations whose operationId has no `/`.
const NO_CATEGORY: &str = "operations";

/// One operation, as the glue sees it.
struct Op {
    id: String,
    method: String,
    path: String,
    summary: String,
    /// progenitor's builder struct, named after the operationId.
    builder: String,
    /// progenitor's `OperationInfo::operation_id` and `Client` method.
    snake_id: String,
    /// The part of the operationId before `/` (`orgs`), or none.
    category: Option<String>,
    /// The part after it (`list-pat-grants`), or the whole operationId.
    name: String,
    /// Path parameters in the order the path names them, as named on the wire.
    path_params: Vec<String>,
    success: Option<Success>,
    list: Option<List>,
    /// `(query name on the wire, maxItems)` for capped array query parameters.
    limits: Vec<(String, u64)>,
    /// Where the typed success body's schema stands, for the golden table.
    response_schema: Option<String>,
    /// Where the JSON request body's schema stands, for the golden table.
    request_schema: Option<String>,
}

/// How a listing's body holds its items.
#[derive(Debug, Clone, PartialEq)]
enum List {
    /// The body is the array.
    Array,
    /// The body is an object with one array property, named here.
    Wrapped(String),
}

/// Everything the glue adds to progenitor's output, and the texts it renders.
pub struct Glue {
    /// The golden tests' table of generated types, as (where the schema
    /// stands, the type as Rust), rendered by [`golden_table`] once the
    /// features have gated what they gate.
    pub golden_rows: Vec<(String, String)>,
    /// The README's table of operations (markdown rows with a header).
    pub operations_table: String,
    /// The names of each operation's generated items.
    pub operations: Vec<OpNames>,
}

/// The name typify gives a component schema (its `sanitize` in Pascal case).
pub fn type_name(component: &str) -> String {
    let cleaned: String = component
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = cleaned.to_pascal_case();
    let name = match name.chars().next() {
        None => "X".to_string(),
        Some(c) if c.is_alphabetic() => name,
        Some(_) => format!("X{name}"),
    };
    if syn::parse_str::<syn::Ident>(&name).is_ok() {
        name
    } else {
        format!("{name}_")
    }
}

/// A name progenitor would use for a parameter or method (`sanitize` in snake case).
fn snake(name: &str) -> String {
    let cleaned: String = name
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = cleaned.to_snake_case();
    let name = match name.chars().next() {
        None => "x".to_string(),
        Some(c) if c.is_alphabetic() || c == '_' => name,
        Some(_) => format!("x{name}"),
    };
    if syn::parse_str::<syn::Ident>(&name).is_ok() {
        name
    } else {
        format!("{name}_")
    }
}

fn operations(document: &Value, facts: &Facts) -> Vec<Op> {
    let mut ops: Vec<Op> = openapi::operations(document)
        .map(|operation| {
            op(
                document,
                &operation,
                facts.successes.get(operation.id).cloned(),
            )
        })
        .collect();
    ops.sort_by(|a, b| a.id.cmp(&b.id));
    ops
}

/// What the glue needs to know of one operation.
fn op(document: &Value, operation: &openapi::Operation<'_>, success: Option<Success>) -> Op {
    let (path, id, object) = (operation.path, operation.id, operation.object);
    let at = format!("#/paths/{}/{}", escape(path), operation.method);
    let dashed = id.replace(|c: char| !c.is_alphanumeric(), "-");
    let (category, name) = match id.split_once('/') {
        Some((c, n)) => (Some(c.to_string()), n.to_string()),
        None => (None, id.to_string()),
    };
    let params: Vec<&Value> = object
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
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
    }
}

/// Path parameters in the order the path names them.
fn path_parameters(path: &str, params: &[&Value]) -> Vec<String> {
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
fn query_limits(params: &[&Value]) -> Vec<(String, u64)> {
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
struct TypedResponse<'d> {
    schema: &'d Value,
    at: String,
    links: bool,
}

/// A JSON media type of a `content` object: its key and the media type object.
fn json_media(content: &Value) -> Option<(&String, &Value)> {
    content
        .as_object()?
        .iter()
        .find(|(k, _)| *k == "application/json" || k.starts_with("application/json;"))
}

fn typed_response<'d>(
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
fn request_schema(document: &Value, object: &Map<String, Value>, at: &str) -> Option<String> {
    let body = object.get("requestBody")?;
    let (body, base) = openapi::resolve_at(document, body, &format!("{at}/requestBody"))?;
    let (media, m) = json_media(&body["content"])?;
    m.get("schema")?;
    Some(format!("{base}/content/{}/schema", escape(media)))
}

/// Whether a body schema is a list, and how it holds its items.
fn list_shape(document: &Value, schema: &Value) -> Option<List> {
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

/// Adds the glue to progenitor's output and renders the tables.
pub fn add(
    file: &mut syn::File,
    document: &Value,
    facts: &Facts,
    features: &Features,
) -> Result<Glue> {
    let ops = operations(document, facts);
    let builders = module_items(file, "builder")?.clone();
    let types = module_items(file, "types")?.clone();

    let mut glue = Vec::new();
    let mut golden_rows = Vec::new();
    for op in &ops {
        let output = builders
            .iter()
            .find_map(|item| send_output(item, &op.builder))
            .ok_or_else(|| {
                anyhow!(
                    "progenitor emitted no `builder::{}::send` for operation `{}`",
                    op.builder,
                    op.id
                )
            })?;
        glue.extend(operation_impl(op, &output, &types)?);
        if let (Some(at), false) = (&op.response_schema, is_unit_or_bytes(&output)) {
            golden_rows.push((at.clone(), quote!(#output).to_string()));
        }
        if let Some(at) = &op.request_schema
            && let Some(body) = builder_field(&builders, &op.builder, "body")
        {
            let body = quote!(#body)
                .to_string()
                .replace("types :: builder ::", "types ::");
            golden_rows.push((at.clone(), body));
        }
    }
    let builder_mod = module_items(file, "builder")?;
    for tokens in glue {
        builder_mod.push(syn::parse2(tokens).context("glue code does not parse")?);
    }

    file.items.extend(categories(&ops, &builders)?);
    file.items.push(limits_table(&ops)?);
    file.items.extend(webhook_events(document, facts)?);

    for name in document["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        let ty = type_name(name);
        if !types
            .iter()
            .any(|item| item_name(item).is_some_and(|n| n == ty))
        {
            bail!("the component schema `{name}` has no generated type `{ty}`");
        }
        golden_rows.push((
            format!("#/components/schemas/{}", escape(name)),
            format!("types :: {ty}"),
        ));
    }
    golden_rows.sort();
    golden_rows.dedup();
    Ok(Glue {
        golden_rows,
        operations_table: operations_table(&ops, features),
        operations: ops
            .iter()
            .map(|op| {
                let category = op.category.as_deref().unwrap_or(NO_CATEGORY);
                OpNames {
                    builder: op.builder.clone(),
                    snake_id: op.snake_id.clone(),
                    category: op.category.clone(),
                    accessor: snake(category),
                    handle: type_name(category),
                    method: snake(&op.name),
                }
            })
            .collect(),
    })
}

fn is_unit_or_bytes(ty: &syn::Type) -> bool {
    let text = quote!(#ty).to_string();
    text == "()" || text.ends_with("ByteStream")
}

/// The `impl Operation` (and `impl Paginated`) of one builder.
fn operation_impl(op: &Op, output: &syn::Type, types: &[syn::Item]) -> Result<Vec<TokenStream>> {
    let ident = format_ident!("{}", op.builder);
    let id = &op.id;
    let statuses = |s: &[u16]| quote!(&[#(#s),*]);
    let raw = quote!(#output).to_string().ends_with("ByteStream");
    let (out, send) = match (&op.success, raw) {
        (None, true) => (
            quote!(::bytes::Bytes),
            quote!(crate::operation::raw(#ident::send(self))),
        ),
        (None, false) => (
            quote!(#output),
            quote!(crate::operation::typed(#ident::send(self))),
        ),
        (Some(Success::OrNone(s)), _) => {
            let s = statuses(s);
            (
                quote!(::std::option::Option<#output>),
                quote!(crate::operation::or_none(#ident::send(self), #s)),
            )
        }
        (Some(Success::OrEmpty(s)), _) => {
            let s = statuses(s);
            (
                quote!(#output),
                quote!(crate::operation::or_empty(#ident::send(self), #s)),
            )
        }
        (Some(Success::OrOther(s)), _) => {
            let s = statuses(s);
            (
                quote!(crate::operation::Outcome<#output>),
                quote!(crate::operation::or_other(#ident::send(self), #s)),
            )
        }
    };
    let mut items = vec![quote! {
        impl<'a> crate::operation::Operation<'a> for #ident<'a> {
            type Output = #out;
            const OPERATION_ID: &'static str = #id;
            fn client_ref(&self) -> &'a super::Client {
                self.client
            }
            #[inline]
            fn send_raw(self) -> crate::operation::SendFuture<'a, Self::Output> {
                Box::pin(#send)
            }
        }
    }];
    match &op.list {
        None => {}
        Some(List::Array) => {
            // An array body is a `Vec`, or a newtype around one when it is a component.
            let (item, take) = match vec_item(output) {
                Some(item) => (item, quote!(output)),
                None => (
                    newtype_vec_item(types, output).ok_or_else(|| {
                        anyhow!(
                            "operation `{}`: its list body is not generated as a `Vec`",
                            op.id
                        )
                    })?,
                    quote!(output.0),
                ),
            };
            items.push(quote! {
                impl<'a> crate::operation::Paginated<'a> for #ident<'a> {
                    type Item = #item;
                    #[inline]
                    fn items(output: Self::Output) -> ::std::vec::Vec<#item> {
                        #take
                    }
                }
            });
        }
        Some(List::Wrapped(property)) => {
            let (field, item, optional) = wrapped_field(types, output, property).ok_or_else(|| {
                anyhow!(
                    "operation `{}`: no `Vec` field for the list property `{property}` in its body type",
                    op.id
                )
            })?;
            let take = if optional {
                quote!(output.#field.unwrap_or_default())
            } else {
                quote!(output.#field)
            };
            items.push(quote! {
                impl<'a> crate::operation::Paginated<'a> for #ident<'a> {
                    type Item = #item;
                    #[inline]
                    fn items(output: Self::Output) -> ::std::vec::Vec<#item> {
                        #take
                    }
                }
            });
        }
    }
    Ok(items)
}

/// `T` of a generated `struct Name(Vec<T>)`.
fn newtype_vec_item(types: &[syn::Item], ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let name = p.path.segments.last()?.ident.to_string();
    types.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => match &s.fields {
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                let mut ty = f.unnamed[0].ty.clone();
                qualify(&mut ty);
                vec_item(&ty)
            }
            _ => None,
        },
        _ => None,
    })
}

/// The field of the body struct that holds a wrapped list: its name, item
/// type, and whether it is optional.
fn wrapped_field(
    types: &[syn::Item],
    body: &syn::Type,
    property: &str,
) -> Option<(syn::Ident, syn::Type, bool)> {
    let syn::Type::Path(p) = body else {
        return None;
    };
    let name = p.path.segments.last()?.ident.to_string();
    let strukt = types.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    })?;
    let field = strukt.fields.iter().find(|f| {
        crate::enums::serde_rename(&f.attrs).as_deref() == Some(property)
            || f.ident.as_ref().is_some_and(|i| *i == property)
    })?;
    let ident = field.ident.clone()?;
    // The field's type is written for the `types` module; the glue sits in `builder`.
    let mut ty = field.ty.clone();
    qualify(&mut ty);
    if let Some(item) = vec_item(&ty) {
        return Some((ident, item, false));
    }
    let inner = generic_arg(&ty, "Option")?;
    Some((ident, vec_item(&inner)?, true))
}

/// Prefixes `types::` to the generated types a type names, so that it can
/// be written outside the `types` module.
fn qualify(ty: &mut syn::Type) {
    use syn::visit_mut::VisitMut;
    struct Qualify;
    impl VisitMut for Qualify {
        fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
            let generated = p.qself.is_none()
                && p.path.leading_colon.is_none()
                && p.path.segments.len() == 1
                && p.path.segments[0]
                    .ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_uppercase())
                && p.path.segments[0].ident != "Self";
            if generated {
                p.path.segments.insert(0, format_ident!("types").into());
            }
            syn::visit_mut::visit_type_path_mut(self, p);
        }
    }
    Qualify.visit_type_mut(ty);
}

/// `client.<category>()` and one method per operation on it.
fn categories(ops: &[Op], builders: &[syn::Item]) -> Result<Vec<syn::Item>> {
    let mut by_category: BTreeMap<String, Vec<&Op>> = BTreeMap::new();
    for op in ops {
        let category = op.category.clone().unwrap_or_else(|| NO_CATEGORY.into());
        by_category.entry(category).or_default().push(op);
    }
    let mut accessors = Vec::new();
    let mut handles = Vec::new();
    for (category, ops) in &by_category {
        let accessor = format_ident!("{}", snake(category));
        let handle = format_ident!("{}", type_name(category));
        let doc = format!(
            "The operations of GitHub's `{category}` category, each taking its path parameters."
        );
        let handle_doc = format!(
            "GitHub's `{category}` operations: see [`Client::{accessor}`](super::Client::{accessor})."
        );
        accessors.push(quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> categories::#handle<'_> {
                categories::#handle { client: self }
            }
        });
        let mut methods = Vec::new();
        let mut seen = Vec::new();
        for op in ops {
            let method = snake(&op.name);
            if seen.contains(&method) {
                bail!(
                    "operations `{}` and another one in `{category}` both name the method `{method}`",
                    op.id
                );
            }
            seen.push(method.clone());
            methods.push(category_method(op, &method, builders)?);
        }
        handles.push(quote! {
            #[doc = #handle_doc]
            #[derive(Clone, Copy, Debug)]
            pub struct #handle<'a> {
                pub(crate) client: &'a super::Client,
            }
            impl<'a> #handle<'a> {
                #(#methods)*
            }
        });
    }
    let file: syn::File = syn::parse2(quote! {
        impl Client {
            #(#accessors)*
        }
        /// The operations by GitHub's categories (the part of an operationId
        /// before `/`): `client.orgs().list_pat_grants("acme")`.
        pub mod categories {
            #[allow(unused_imports)]
            use super::types;
            #(#handles)*
        }
    })
    .context("the category handles do not parse")?;
    Ok(file.items)
}

fn category_method(op: &Op, method: &str, builders: &[syn::Item]) -> Result<TokenStream> {
    let method = format_ident!("{}", method);
    let builder = format_ident!("{}", op.builder);
    let client_method = format_ident!("{}", op.snake_id);
    let mut args = Vec::new();
    let mut sets = Vec::new();
    for name in &op.path_params {
        let field = format_ident!("{}", snake(name));
        let ty = builder_field(builders, &op.builder, &field.to_string()).ok_or_else(|| {
            anyhow!(
                "operation `{}`: progenitor's builder has no field for the path parameter `{name}`",
                op.id
            )
        })?;
        if quote!(#ty).to_string() == ":: std :: string :: String" {
            args.push(quote!(#field: impl ::std::convert::Into<::std::string::String>));
            sets.push(quote!(.#field(#field.into())));
        } else {
            args.push(quote!(#field: #ty));
            sets.push(quote!(.#field(#field)));
        }
    }
    let mut doc = format!("`{} {}`: {}", op.method, op.path, op.summary.trim());
    doc.push_str("\n\nSet the other parameters on the returned builder, then `.call()`");
    if op.list.is_some() {
        doc.push_str(" for one page, or `.stream()` for every item of every page");
    }
    doc.push_str(&format!(
        " ([`Operation`](crate::Operation){}).",
        if op.list.is_some() {
            ", [`Paginated`](crate::Paginated)"
        } else {
            ""
        }
    ));
    Ok(quote! {
        #[doc = #doc]
        pub fn #method(&self, #(#args),*) -> super::builder::#builder<'a> {
            self.client.#client_method()#(#sets)*
        }
    })
}

/// One webhook of `x-webhooks`, as the SDK receives it.
struct Webhook {
    /// The key in `x-webhooks`, e.g. `personal-access-token-request-created`.
    name: String,
    /// The `X-GitHub-Event` header GitHub sends with it.
    event: String,
    /// The payload's `action`, when its schema fixes one.
    action: Option<String>,
    /// The payload's generated type.
    payload: String,
    description: String,
}

/// The webhooks of the (transformed) document; enum values are looked up
/// in the transform's table, since they are placeholders by now.
fn webhooks(document: &Value, facts: &Facts) -> Result<Vec<Webhook>> {
    let mut found = Vec::new();
    for webhook in openapi::webhooks(document) {
        let object = webhook.object;
        let event = object
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| openapi::resolve(document, p))
            .find(|p| {
                p["in"] == "header"
                    && p["name"]
                        .as_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case("x-github-event"))
            })
            .and_then(|p| p["example"].as_str())
            .or_else(|| object.get("x-github")?.get("subcategory")?.as_str())
            .ok_or_else(|| {
                anyhow!(
                    "webhook `{}`: no `X-GitHub-Event` example or subcategory names its event",
                    webhook.path
                )
            })?;
        let reference = object
            .get("requestBody")
            .and_then(|b| json_media(&openapi::resolve(document, b)?["content"]))
            .and_then(|(_, m)| m.pointer("/schema/$ref")?.as_str())
            .ok_or_else(|| {
                anyhow!(
                    "webhook `{}`: its payload is not a component schema",
                    webhook.path
                )
            })?;
        let schema = openapi::lookup(document, reference).unwrap_or(&Value::Null);
        let action = match schema
            .pointer("/properties/action/enum")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => only.as_str().map(|p| {
                facts
                    .enums
                    .get(p)
                    .map_or(p, |w| w.value.as_str())
                    .to_string()
            }),
            _ => None,
        };
        let component = reference.rsplit('/').next().unwrap_or_default();
        found.push(Webhook {
            name: webhook.path.to_string(),
            event: event.to_string(),
            action,
            payload: type_name(&openapi::unescape(component)),
            description: object
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        });
    }
    Ok(found)
}

/// `WebhookEvent`: one variant per webhook, decoded by the SDK's
/// `webhook` module from a delivery's event header and action.
fn webhook_events(document: &Value, facts: &Facts) -> Result<Vec<syn::Item>> {
    let hooks = webhooks(document, facts)?;
    let variants: Vec<syn::Ident> = hooks
        .iter()
        .map(|w| format_ident!("{}", type_name(&w.name)))
        .collect();
    let payloads: Vec<syn::Ident> = hooks
        .iter()
        .map(|w| format_ident!("{}", w.payload))
        .collect();
    let docs: Vec<String> = hooks
        .iter()
        .map(|w| {
            let action = w
                .action
                .as_deref()
                .map(|a| format!(", action `{a}`"))
                .unwrap_or_default();
            format!(
                "`X-GitHub-Event: {}`{action}: {}",
                w.event,
                w.description.trim()
            )
        })
        .collect();
    let names: Vec<&str> = hooks.iter().map(|w| w.name.as_str()).collect();
    let events: Vec<&str> = hooks.iter().map(|w| w.event.as_str()).collect();
    let actions: Vec<TokenStream> = hooks
        .iter()
        .map(|w| match &w.action {
            Some(a) => quote!(::std::option::Option::Some(#a)),
            None => quote!(_),
        })
        .collect();
    let file: syn::File = syn::parse2(quote! {
        /// A webhook delivery of one of the webhooks in the SDK's spec
        /// (`spec/webhooks/`), decoded; `crate::webhook` reads deliveries.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(
                #[doc = #docs]
                #variants(::std::boxed::Box<types::#payloads>),
            )*
        }
        impl WebhookEvent {
            /// The webhook's name in GitHub's description (`x-webhooks`).
            pub fn name(&self) -> &'static str {
                match *self {
                    #(Self::#variants(_) => #names,)*
                }
            }

            /// Decodes a payload, when the event header and action name a
            /// webhook of the spec. Inline, so that the payloads' decoders
            /// are compiled only in programs that receive webhooks.
            #[inline]
            pub(crate) fn decode(
                event: &str,
                action: ::std::option::Option<&str>,
                body: &[u8],
            ) -> ::std::option::Option<::std::result::Result<Self, crate::Error>> {
                let _ = body;
                match (event, action) {
                    #(
                        (#events, #actions) => ::std::option::Option::Some(
                            crate::error::decode(::std::option::Option::None, body)
                                .map(|payload| Self::#variants(::std::boxed::Box::new(payload))),
                        ),
                    )*
                    _ => ::std::option::Option::None,
                }
            }
        }
    })
    .context("the webhook events do not parse")?;
    Ok(file.items)
}

fn limits_table(ops: &[Op]) -> Result<syn::Item> {
    let rows = ops.iter().flat_map(|op| {
        op.limits.iter().map(move |(name, max)| {
            let id = &op.snake_id;
            let max = *max as usize;
            quote! { (#id, #name, #max) }
        })
    });
    Ok(syn::parse2(quote! {
        /// Array query parameters whose length GitHub caps (`maxItems`), as
        /// `(progenitor operation id, name on the wire, maximum)`.
        pub(crate) const QUERY_ARRAY_LIMITS: &[(&str, &str, usize)] = &[#(#rows),*];
    })?)
}

/// `generated/golden.rs`: where each schema stands and its generated type,
/// or `None` where a feature that is off leaves the type out of the build.
pub fn golden_table(rows: &[(String, String)], gates: &Gates) -> String {
    let mut text = String::from(
        "// @generated by `cargo xtask generate`. Do not edit by hand.\n\
         // Included by tests/golden.rs: where each schema stands, and its generated type\n\
         // (`None` when a Cargo feature that is off leaves the type out).\n\n\
         // Pushed one by one: a row can carry a `#[cfg]`, which `vec![]` cannot.\n\
         #[allow(clippy::vec_init_then_push)]\n\
         fn types() -> Vec<(&'static str, Option<RoundTrip>)> {\n    \
         let mut types: Vec<(&'static str, Option<RoundTrip>)> = Vec::new();\n",
    );
    for (at, ty) in rows {
        let cfg = gates.of_type_text(ty);
        let ty = ty.replace(' ', "");
        let row = format!("types.push(({at:?}, Some(round_trip::<{ty}>)));\n");
        if cfg.is_always() {
            text.push_str(&format!("    {row}"));
        } else {
            let predicate = cfg.predicate();
            text.push_str(&format!("    #[cfg({predicate})]\n    {row}"));
            text.push_str(&format!(
                "    #[cfg(not({predicate}))]\n    types.push(({at:?}, None));\n"
            ));
        }
    }
    text.push_str("    types\n}\n");
    text
}

fn operations_table(ops: &[Op], features: &Features) -> String {
    let gated = ops
        .iter()
        .any(|op| features.of_category(op.category.as_deref()).is_some());
    let mut text = String::from(if gated {
        "| method | operation | returns | feature |\n|---|---|---|---|\n"
    } else {
        "| method | operation | returns |\n|---|---|---|\n"
    });
    for op in ops {
        let category = op.category.as_deref().unwrap_or(NO_CATEGORY);
        let args = op
            .path_params
            .iter()
            .map(|p| snake(p))
            .collect::<Vec<_>>()
            .join(", ");
        let returns = match (&op.list, &op.success) {
            (Some(_), _) => "paginated",
            (None, Some(Success::OrNone(_))) => "`Option<T>`",
            (None, Some(Success::OrOther(_))) => "`Outcome<T>`",
            _ => "",
        };
        let feature = match features.of_category(op.category.as_deref()) {
            Some(feature) => format!(" `{feature}` |"),
            None if gated => " |".into(),
            None => String::new(),
        };
        text.push_str(&format!(
            "| `{}().{}({args})` | `{} {}` | {returns} |{feature}\n",
            snake(category),
            snake(&op.name),
            op.method,
            op.path
        ));
    }
    text
}

/// The items of a top-level inline module of progenitor's output.
pub fn module_items<'f>(file: &'f mut syn::File, name: &str) -> Result<&'f mut Vec<syn::Item>> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| anyhow!("progenitor's output has no `{name}` module"))
}

fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// The `T` of a builder field `name: Result<T, String>`.
fn builder_field(builders: &[syn::Item], builder: &str, name: &str) -> Option<syn::Type> {
    let strukt = builders.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == builder => Some(s),
        _ => None,
    })?;
    let field = strukt
        .fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == name))?;
    generic_arg(&field.ty, "Result")
}

/// The `T` of `fn send(self) -> Result<ResponseValue<T>, Error<..>>` in `impl Builder`.
fn send_output(item: &syn::Item, builder: &str) -> Option<syn::Type> {
    let syn::Item::Impl(imp) = item else {
        return None;
    };
    if imp.trait_.is_some() {
        return None;
    }
    let syn::Type::Path(self_ty) = &*imp.self_ty else {
        return None;
    };
    if self_ty.path.segments.last()?.ident != builder {
        return None;
    }
    imp.items.iter().find_map(|it| {
        let syn::ImplItem::Fn(f) = it else {
            return None;
        };
        if f.sig.ident != "send" {
            return None;
        }
        let syn::ReturnType::Type(_, ty) = &f.sig.output else {
            return None;
        };
        let response_value = generic_arg(ty, "Result")?;
        generic_arg(&response_value, "ResponseValue")
    })
}

/// The first type argument of `Name<T, ..>` (written with or without a path).
fn generic_arg(ty: &syn::Type, name: &str) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// `T` of `Vec<T>` (written `Vec` or `::std::vec::Vec`).
fn vec_item(ty: &syn::Type) -> Option<syn::Type> {
    generic_arg(ty, "Vec")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_typify_and_progenitor() {
        assert_eq!(type_name("simple-user"), "SimpleUser");
        assert_eq!(type_name("code-of-conduct"), "CodeOfConduct");
        assert_eq!(type_name("2fa"), "X2fa");
        assert_eq!(snake("list-pat-grants"), "list_pat_grants");
        assert_eq!(snake("pat_request_id"), "pat_request_id");
        assert_eq!(snake("move"), "move_");
        assert_eq!(snake("code-scanning"), "code_scanning");
    }
}
