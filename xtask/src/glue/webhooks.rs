//! `WebhookEvent`: the webhooks of `x-webhooks` as the SDK receives them.

use anyhow::{Context, Result, anyhow};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::glue::operations::json_media;
use crate::naming::type_name;
use crate::openapi;
use crate::transform::Facts;

/// One webhook of `x-webhooks` as the SDK receives it: its variant of
/// `WebhookEvent`, its arm of `name` and its arm of `decode`.
fn webhook(
    document: &Value,
    facts: &Facts,
    hook: &openapi::Operation<'_>,
) -> Result<[TokenStream; 3]> {
    let (name, object) = (hook.path, hook.object);
    // The `X-GitHub-Event` header GitHub sends with it.
    let event = openapi::array(object.get("parameters"))
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
            anyhow!("webhook `{name}`: no `X-GitHub-Event` example or subcategory names its event")
        })?;
    let reference = object
        .get("requestBody")
        .and_then(|b| json_media(&openapi::resolve(document, b)?["content"]))
        .and_then(|(_, m)| m.pointer("/schema/$ref")?.as_str())
        .ok_or_else(|| anyhow!("webhook `{name}`: its payload is not a component schema"))?;
    let component = reference.rsplit('/').next().unwrap_or_default();
    let payload = format_ident!("{}", type_name(&openapi::unescape(component)));
    let variant = format_ident!("{}", type_name(name));
    let (action, action_doc) = match payload_action(document, facts, reference) {
        Some(a) => (
            quote!(::std::option::Option::Some(#a)),
            format!(", action `{a}`"),
        ),
        None => (quote!(_), String::new()),
    };
    let description = object.get("description").and_then(Value::as_str);
    let doc = format!(
        "`X-GitHub-Event: {event}`{action_doc}: {}",
        description.unwrap_or_default().trim()
    );
    Ok([
        quote!(#[doc = #doc] #variant(::std::boxed::Box<types::#payload>)),
        quote!(Self::#variant(_) => #name),
        quote! {
            (#event, #action) => ::std::option::Option::Some(
                crate::error::decode(::std::option::Option::None, body)
                    .map(|payload| Self::#variant(::std::boxed::Box::new(payload))),
            )
        },
    ])
}

/// The payload's `action`, when its schema fixes one; looked up in the
/// transform's table of enum values, since they are placeholders by now.
fn payload_action(document: &Value, facts: &Facts, reference: &str) -> Option<String> {
    let schema = openapi::lookup(document, reference)?;
    let [only] = schema
        .pointer("/properties/action/enum")?
        .as_array()?
        .as_slice()
    else {
        return None;
    };
    let placeholder = only.as_str()?;
    let values = &facts.enums.values;
    Some(
        values
            .get(placeholder)
            .map_or(placeholder, |w| w.value.as_str())
            .to_string(),
    )
}

/// `WebhookEvent`: one variant per webhook, decoded by the SDK's
/// `webhook` module from a delivery's event header and action.
pub fn events(document: &Value, facts: &Facts) -> Result<Vec<syn::Item>> {
    let (mut variants, mut names, mut decoders) = (Vec::new(), Vec::new(), Vec::new());
    for hook in openapi::webhooks(document) {
        let [variant, name, decoder] = webhook(document, facts, &hook)?;
        variants.push(variant);
        names.push(name);
        decoders.push(decoder);
    }
    let file: syn::File = syn::parse2(quote! {
        /// A webhook delivery of one of the webhooks in the SDK's spec
        /// (`spec/webhooks/`), decoded; `crate::webhook` reads deliveries.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#variants,)*
        }
        impl WebhookEvent {
            /// The webhook's name in GitHub's description (`x-webhooks`).
            pub fn name(&self) -> &'static str {
                match *self {
                    #(#names,)*
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
                    #(#decoders,)*
                    _ => ::std::option::Option::None,
                }
            }
        }
    })
    .context("the webhook events do not parse")?;
    Ok(file.items)
}
