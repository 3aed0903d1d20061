//! Models that hold secrets never show them: a field whose schema (or whose
//! items' schema) is a string of `format: password` is shown as
//! `[redacted]` by the model's `Debug`, and by its builder's.
//!
//! Why: the SDK never prints a token, and some request bodies carry tokens
//! (`credentials/revoke` takes the leaked tokens themselves). GitHub's
//! description never says which strings are secret; `format: password`
//! (OpenAPI's hint to obscure a value) says it, written by an overlay where
//! GitHub's description lacks it.

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use quote::quote;
use serde_json::Value;

use crate::enums::{retain_derives, serde_rename};
use crate::openapi;

/// Gives every model with a secret field, and its builder, a `Debug` that
/// hides the field. `rows` are the golden table's rows: where each model's
/// schema stands, and the model.
pub fn redact(
    types: &mut Vec<syn::Item>,
    document: &Value,
    rows: &[(String, String)],
) -> Result<()> {
    for (at, ty) in rows {
        let Some(name) = ty.strip_prefix("types :: ").filter(|n| !n.contains(' ')) else {
            continue;
        };
        let schema = openapi::lookup(document, at).and_then(|s| openapi::resolve(document, s));
        let secret = schema
            .map(|s| secret_properties(document, s))
            .unwrap_or_default();
        if secret.is_empty() {
            continue;
        }
        redact_struct(types, name, &secret)?;
        for item in types.iter_mut() {
            if let syn::Item::Mod(m) = item
                && m.ident == "builder"
                && let Some((_, items)) = &mut m.content
            {
                redact_struct(items, name, &secret)?;
            }
        }
    }
    Ok(())
}

/// The properties of an object schema whose values are secret strings.
fn secret_properties(document: &Value, schema: &Value) -> BTreeSet<String> {
    let is_secret = |s: &Value| {
        let s = openapi::resolve(document, s).unwrap_or(s);
        let items = s.get("items").and_then(|i| openapi::resolve(document, i));
        [Some(s), items]
            .into_iter()
            .flatten()
            .any(|s| s.get("format").and_then(Value::as_str) == Some("password"))
    };
    openapi::object(schema.get("properties"))
        .filter(|(_, property)| is_secret(property))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Replaces the derived `Debug` of the struct `name` among `items` with one
/// that hides the fields of the `secret` properties, if it is there.
fn redact_struct(items: &mut Vec<syn::Item>, name: &str, secret: &BTreeSet<String>) -> Result<()> {
    let Some(strukt) = items.iter_mut().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    }) else {
        return Ok(());
    };
    retain_derives(&mut strukt.attrs, |name| name != "Debug")?;
    let ident = &strukt.ident;
    let label = ident.to_string();
    let fields = strukt.fields.iter().filter_map(|f| {
        let field = f.ident.as_ref()?;
        let property = serde_rename(&f.attrs).unwrap_or_else(|| field.to_string());
        let text = field.to_string();
        Some(match secret.contains(&property) {
            true => quote!(.field(#text, &"[redacted]")),
            false => quote!(.field(#text, &self.#field)),
        })
    });
    let generics = &strukt.generics;
    let debug: syn::Item = syn::parse2(quote! {
        impl #generics ::std::fmt::Debug for #ident #generics {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#fields)* .finish()
            }
        }
    })
    .context("the redacting Debug does not parse")?;
    items.push(debug);
    Ok(())
}
