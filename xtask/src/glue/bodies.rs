//! Request bodies the SDK sends under another media type than progenitor
//! generated them with (see `transform::SentAs`): JSON of a media type of
//! its own keeps its `Content-Type`, and a form of plain fields is sent as
//! `multipart/form-data`, encoded by `form_data.rs`, which is written into
//! the generated code once when an operation needs it.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use quote::quote;
use syn::visit_mut::VisitMut;

use crate::glue::operations::Op;
use crate::syntax::send_of;
use crate::transform::SentAs;

/// The encoder, as source: compiled and tested in the generator, written
/// into the generated `builder` module.
const FORM_DATA: &str = include_str!("form_data.rs");

/// Changes the `send` of each operation in `sent_as`; `builders` is
/// progenitor's `builder` module.
pub fn patch(
    builders: &mut Vec<syn::Item>,
    ops: &[Op],
    sent_as: &BTreeMap<String, SentAs>,
) -> Result<()> {
    for (id, how) in sent_as {
        let Some(op) = ops.iter().find(|op| op.id == *id) else {
            continue;
        };
        let send = send_of(builders, &op.builder)
            .with_context(|| format!("operation `{id}`: progenitor's builder has no `send`"))?;
        match how {
            SentAs::Json(media) => content_type(send, media)?,
            SentAs::Multipart => multipart(send, id)?,
        }
    }
    if sent_as.values().any(|how| *how == SentAs::Multipart) {
        let encoder: syn::File =
            syn::parse_str(FORM_DATA).context("form_data.rs does not parse")?;
        builders.extend(
            encoder
                .items
                .into_iter()
                .filter(|item| matches!(item, syn::Item::Fn(_))),
        );
    }
    Ok(())
}

/// Sets `Content-Type` in the request's header map, which replaces the
/// `application/json` that `.json()` sets: progenitor sends the map after it.
fn content_type(send: &mut syn::ImplItemFn, media: &str) -> Result<()> {
    let at = send
        .block
        .stmts
        .iter()
        .position(
            |s| matches!(s, syn::Stmt::Local(l) if quote!(#l).to_string().contains("mut request")),
        )
        .context("progenitor's `send` builds no `request`")?;
    let set: syn::Stmt = syn::parse_quote! {
        header_map.insert(
            ::reqwest::header::CONTENT_TYPE,
            ::reqwest::header::HeaderValue::from_static(#media),
        );
    };
    send.block.stmts.insert(at, set);
    Ok(())
}

/// Replaces `.form_urlencoded(&body)?` with the multipart encoding of the body.
fn multipart(send: &mut syn::ImplItemFn, id: &str) -> Result<()> {
    struct Encode(usize);
    impl VisitMut for Encode {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::Try(t) = expr
                && let syn::Expr::MethodCall(call) = &*t.expr
                && call.method == "form_urlencoded"
            {
                let receiver = &call.receiver;
                *expr = syn::parse_quote! {{
                    let (content_type, bytes) = multipart_form_data(&body)
                        .map_err(Error::InvalidRequest)?;
                    #receiver
                        .header(
                            ::reqwest::header::CONTENT_TYPE,
                            ::reqwest::header::HeaderValue::try_from(content_type)
                                .map_err(|e| Error::InvalidRequest(e.to_string()))?,
                        )
                        .body(bytes)
                }};
                self.0 += 1;
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    let mut encode = Encode(0);
    encode.visit_impl_item_fn_mut(send);
    if encode.0 != 1 {
        bail!("operation `{id}`: progenitor's `send` does not encode its form once");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoder_written_into_generated_code_is_one_function() {
        let file: syn::File = syn::parse_str(FORM_DATA).unwrap();
        let functions: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(functions, ["multipart_form_data"]);
    }
}
