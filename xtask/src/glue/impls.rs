//! `impl Operation` for each builder, and `impl Paginated` for listings.

use anyhow::{Result, anyhow};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::glue::operations::{List, Op};
use crate::syntax::{generic_arg, newtype_vec_item, qualify, vec_item};
use crate::transform::Success;

/// The `impl Operation` (and `impl Paginated`) of one builder.
pub fn of(op: &Op, output: &syn::Type, types: &[syn::Item]) -> Result<Vec<TokenStream>> {
    let mut items = vec![operation(op, output)];
    items.extend(paginated(op, output, types)?);
    Ok(items)
}

/// `impl Operation`: what `.call()` returns, and how `send`'s answer becomes it.
fn operation(op: &Op, output: &syn::Type) -> TokenStream {
    let ident = format_ident!("{}", op.builder);
    let id = &op.id;
    let (out, send) = output_and_send(op, output);
    quote! {
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
    }
}

/// The operation's `Output` type and the expression that turns progenitor's
/// `send` into it, as the description says the operation succeeds.
fn output_and_send(op: &Op, output: &syn::Type) -> (TokenStream, TokenStream) {
    let ident = format_ident!("{}", op.builder);
    let raw = quote!(#output).to_string().ends_with("ByteStream");
    // The `Output`, the helper of `crate::operation` that makes it, and the
    // statuses the helper treats apart.
    let (out, helper, statuses) = match (&op.success, raw) {
        (None, true) => (quote!(::bytes::Bytes), "raw", None),
        (None, false) => (quote!(#output), "typed", None),
        (Some(Success::OrNone(s)), _) => {
            (quote!(::std::option::Option<#output>), "or_none", Some(s))
        }
        (Some(Success::OrEmpty(s)), _) => (quote!(#output), "or_empty", Some(s)),
        (Some(Success::OrOther(s)), _) => (
            quote!(crate::operation::Outcome<#output>),
            "or_other",
            Some(s),
        ),
    };
    let helper = format_ident!("{helper}");
    let statuses = statuses.map(|s| quote!(, &[#(#s),*]));
    (
        out,
        quote!(crate::operation::#helper(#ident::send(self) #statuses)),
    )
}

/// `impl Paginated` of a listing: its item type and how a page's body holds
/// the items.
fn paginated(op: &Op, output: &syn::Type, types: &[syn::Item]) -> Result<Option<TokenStream>> {
    let (item, take) = match &op.list {
        None => return Ok(None),
        Some(List::Array) => array_items(op, output, types)?,
        Some(List::Wrapped(property)) => wrapped_items(op, output, types, property)?,
    };
    let ident = format_ident!("{}", op.builder);
    Ok(Some(quote! {
        impl<'a> crate::operation::Paginated<'a> for #ident<'a> {
            type Item = #item;
            #[inline]
            fn items(output: Self::Output) -> ::std::vec::Vec<#item> {
                #take
            }
        }
    }))
}

/// The item type and the items of an array body: a `Vec`, or a newtype
/// around one when the body is a component.
fn array_items(
    op: &Op,
    output: &syn::Type,
    types: &[syn::Item],
) -> Result<(syn::Type, TokenStream)> {
    if let Some(item) = vec_item(output) {
        return Ok((item, quote!(output)));
    }
    let item = newtype_vec_item(types, output).ok_or_else(|| {
        anyhow!(
            "operation `{}`: its list body is not generated as a `Vec`",
            op.id
        )
    })?;
    Ok((item, quote!(output.0)))
}

/// The item type and the items of an object body that holds the list in
/// one property.
fn wrapped_items(
    op: &Op,
    output: &syn::Type,
    types: &[syn::Item],
    property: &str,
) -> Result<(syn::Type, TokenStream)> {
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
    Ok((item, take))
}

/// The field of the body struct that holds a wrapped list: its name, item
/// type, and whether it is optional.
pub fn wrapped_field(
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
