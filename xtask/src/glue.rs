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

mod operations;

mod bodies;
mod categories;
#[cfg(test)]
mod form_data;
mod impls;
mod secrets;
mod tables;
mod webhooks;

use anyhow::{Context, Result, anyhow, bail};
use quote::quote;
use serde_json::Value;

use crate::features::{Features, OpNames};
use crate::naming::{snake, type_name};
use crate::openapi::{self, escape};
use crate::syntax::{
    builder_field, is_unit_or_bytes, module_items, send_of, send_output, type_item_name,
};
use crate::transform::Facts;

pub use tables::golden_table;

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

/// Adds the glue to progenitor's output and renders the tables.
pub fn add(
    file: &mut syn::File,
    document: &Value,
    facts: &Facts,
    features: &Features,
) -> Result<Glue> {
    let ops = operations::read(document, facts, features);
    let mut builders = module_items(file, "builder")?.clone();
    let types = module_items(file, "types")?.clone();
    let mut golden_rows = Vec::new();
    let mut impls = Vec::new();
    for op in &ops {
        let output = send_output_of(&mut builders, op)?;
        impls.extend(impls::of(op, &output, &types)?);
        golden_rows.extend(operation_rows(op, &output, &builders));
    }
    let builder_mod = module_items(file, "builder")?;
    for tokens in impls {
        builder_mod.push(syn::parse2(tokens).context("glue code does not parse")?);
    }
    bodies::patch(builder_mod, &ops, &facts.request_bodies)?;
    file.items.extend(categories::handles(&ops, &builders)?);
    file.items.push(tables::limits(&ops)?);
    file.items.extend(webhooks::events(document, facts)?);
    golden_rows.extend(component_rows(document, &types)?);
    golden_rows.sort();
    golden_rows.dedup();
    secrets::redact(module_items(file, "types")?, document, &golden_rows)?;
    Ok(Glue {
        golden_rows,
        operations_table: tables::operations(&ops),
        operations: ops.iter().map(names).collect(),
    })
}

/// The success type of an operation's `send`, as progenitor wrote it.
fn send_output_of(builders: &mut [syn::Item], op: &operations::Op) -> Result<syn::Type> {
    send_of(builders, &op.builder)
        .and_then(|send| send_output(send))
        .ok_or_else(|| {
            anyhow!(
                "progenitor emitted no `builder::{}::send` for operation `{}`",
                op.builder,
                op.id
            )
        })
}

/// The golden rows of an operation's typed success and request bodies.
fn operation_rows(
    op: &operations::Op,
    output: &syn::Type,
    builders: &[syn::Item],
) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    if let (Some(at), false) = (&op.response_schema, is_unit_or_bytes(output)) {
        rows.push((at.clone(), quote!(#output).to_string()));
    }
    if let Some(at) = &op.request_schema
        && let Some(body) = builder_field(builders, &op.builder, "body")
    {
        let body = quote!(#body)
            .to_string()
            .replace("types :: builder ::", "types ::");
        rows.push((at.clone(), body));
    }
    rows
}

/// The golden row of every component schema, which must have its type.
fn component_rows(document: &Value, types: &[syn::Item]) -> Result<Vec<(String, String)>> {
    let mut rows = Vec::new();
    for (name, _) in openapi::object(document.pointer("/components/schemas")) {
        let ty = type_name(name);
        if !types
            .iter()
            .any(|item| type_item_name(item).is_some_and(|n| n == ty))
        {
            bail!("the component schema `{name}` has no generated type `{ty}`");
        }
        rows.push((
            format!("#/components/schemas/{}", escape(name)),
            format!("types :: {ty}"),
        ));
    }
    Ok(rows)
}

/// The names of an operation's generated items, for the features.
fn names(op: &operations::Op) -> OpNames {
    let category = op.category.as_deref().unwrap_or(operations::NO_CATEGORY);
    OpNames {
        id: op.id.clone(),
        builder: op.builder.clone(),
        snake_id: op.snake_id.clone(),
        category: op.category.clone(),
        accessor: snake(category),
        handle: type_name(category),
        method: snake(&op.name),
        models: Default::default(),
    }
}
