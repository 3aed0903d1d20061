//! `WebhookEvent`: the webhooks of `x-webhooks` as the SDK receives them.

use anyhow::{Context, Result, anyhow};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::glue::operations::json_media;
use crate::naming::type_name;
use crate::openapi;
use crate::transform::Facts;

/// One webhook of `x-webhooks`, as the SDK receives it.
struct Webhook {
    /// The key in `x-webhooks`, e.g. `personal-access-token-request-created`.
    pub name: String,
    /// The `X-GitHub-Event` header GitHub sends with it.
    pub event: String,
    /// The payload's `action`, when its schema fixes one.
    pub action: Option<String>,
    /// The payload's generated type.
    pub payload: String,
    pub description: String,
}

/// The webhooks of the (transformed) document; enum values are looked up
/// in the transform's table, since they are placeholders by now.
fn webhooks(document: &Value, facts: &Facts) -> Result<Vec<Webhook>> {
    let mut found = Vec::new();
    for webhook in openapi::webhooks(document) {
        let object = webhook.object;
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
                    .values
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
pub fn events(document: &Value, facts: &Facts) -> Result<Vec<syn::Item>> {
    // Per webhook: its variant, its name, and the arm that decodes it.
    let (mut variants, mut names, mut decoders) = (Vec::new(), Vec::new(), Vec::new());
    for w in webhooks(document, facts)? {
        let variant = format_ident!("{}", type_name(&w.name));
        let payload = format_ident!("{}", w.payload);
        let (action, action_doc) = match &w.action {
            Some(a) => (
                quote!(::std::option::Option::Some(#a)),
                format!(", action `{a}`"),
            ),
            None => (quote!(_), String::new()),
        };
        let doc = format!(
            "`X-GitHub-Event: {}`{action_doc}: {}",
            w.event,
            w.description.trim()
        );
        variants.push(quote!(#[doc = #doc] #variant(::std::boxed::Box<types::#payload>)));
        let (name, event) = (&w.name, &w.event);
        names.push(quote!(Self::#variant(_) => #name));
        decoders.push(quote! {
            (#event, #action) => ::std::option::Option::Some(
                crate::error::decode(::std::option::Option::None, body)
                    .map(|payload| Self::#variant(::std::boxed::Box::new(payload))),
            )
        });
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
