//! `client.<category>().<name>(path parameters...)`: one handle per
//! category of operationIds, one method per operation.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::descriptions;
use crate::glue::operations::{NO_CATEGORY, Op};
use crate::naming::{snake, type_name};
use crate::syntax::builder_field;

/// `client.<category>()` and one method per operation on it.
pub fn handles(ops: &[Op], builders: &[syn::Item]) -> Result<Vec<syn::Item>> {
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
        let mut seen = BTreeSet::new();
        for op in ops {
            let method = snake(&op.name);
            if !seen.insert(method.clone()) {
                bail!(
                    "operations `{}` and another one in `{category}` both name the method `{method}`",
                    op.id
                );
            }
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

pub fn category_method(op: &Op, method: &str, builders: &[syn::Item]) -> Result<TokenStream> {
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
    let doc = method_doc(op);
    Ok(quote! {
        #[doc = #doc]
        pub fn #method(&self, #(#args),*) -> super::builder::#builder<'a> {
            self.client.#client_method()#(#sets)*
        }
    })
}

/// The documentation of an operation's method on its category: what it
/// calls, how to send it, and for one GitHub.com does not offer, which
/// GitHub does and the features it needs.
fn method_doc(op: &Op) -> String {
    let mut doc = format!("`{} {}`: {}", op.method, op.path, op.summary.trim());
    let (stream, paginated) = match op.list {
        Some(_) => (
            " for one page, or `.stream()` for every item of every page",
            ", [`Paginated`](crate::Paginated)",
        ),
        None => ("", ""),
    };
    doc.push_str(&format!(
        "\n\nSet the other parameters on the returned builder, then `.call()`{stream} ([`Operation`](crate::Operation){paginated})."
    ));
    // Said of the operations the primary description (GitHub.com) does not
    // hold; the others' are in the README's table of operations.
    if op.only_elsewhere {
        let products = descriptions::products(&op.offered);
        doc.push_str(&format!("\n\nOffered by {products}"));
        let list = descriptions::list(&op.offered);
        doc.push_str(&format!(" (GitHub's descriptions: {list})."));
    }
    if !op.cfg.is_always() {
        let features = op.cfg.describe();
        doc.push_str(&format!("\n\nCompiled with the Cargo feature {features}."));
    }
    doc
}
