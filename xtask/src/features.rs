//! Cargo features that leave parts of the generated SDK out of a build.
//!
//! `spec/document.json` may name features in `x-cargo-features`:
//!
//! ```json
//! "x-cargo-features": {
//!     "apps": { "categories": ["apps"] },
//!     "webhooks": { "webhooks": true }
//! }
//! ```
//!
//! The operations of a listed category (the part of the operationId before
//! `/`) are compiled only with their feature: their `Client` methods,
//! builders, `Operation` impls and category methods get
//! `#[cfg(feature = "...")]`, and so does every model that only gated items
//! reach. `webhooks: true` does the same for `WebhookEvent` and the payloads.
//! A model that an ungated item reaches stays ungated, so adding an
//! operation can ungate a model but never gates one that was there.
//!
//! Why: a program pays the compile time of every model the SDK defines, used
//! or not. GitHub's App operations bring `AppPermissions` (55 enums) and
//! `Repository`; a program that only lists token grants needs neither.

mod cfg;

mod declared;

mod models;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;

use crate::syntax::{item_name, item_name_of_impl, mod_items, module_items};

pub use cfg::Cfg;
pub use declared::{EXTENSION, Features};
pub use models::Gates;
use models::{Root, idents, push_attr};

/// The names progenitor and the glue give one operation's items.
pub struct OpNames {
    /// The operationId (`orgs/list-pat-grants`).
    pub id: String,
    /// The builder struct in `builder` (`OrgsListPatGrants`).
    pub builder: String,
    /// The `Client` method (`orgs_list_pat_grants`).
    pub snake_id: String,
    /// The category (`orgs`), if the operationId has one.
    pub category: Option<String>,
    /// The category's `Client` method (`orgs`).
    pub accessor: String,
    /// The category's handle in `categories` (`Orgs`).
    pub handle: String,
    /// The operation's method on its handle (`list_pat_grants`).
    pub method: String,
    /// The models of the component schemas the operation reaches in the
    /// description, error responses included, which the generated code
    /// never names (the SDK layer decodes errors).
    pub models: BTreeSet<String>,
}

/// The name of the generated enum of webhook deliveries.
const WEBHOOK_EVENT: &str = "WebhookEvent";

/// Puts `#[cfg(feature = ..)]` on what the features gate, in progenitor's
/// output after the glue. `ops` names each operation's generated items.
pub fn gate(file: &mut syn::File, features: &Features, ops: &[OpNames]) -> Result<Gates> {
    if features.is_empty() {
        return Ok(Gates::default());
    }
    let plan = Plan::new(features, ops);
    let mut roots = plan.gate_outside_types(&mut file.items);
    roots.extend(ops.iter().map(|op| {
        let cfg = features.of_operation(&op.id, op.category.as_deref());
        (cfg, op.models.clone())
    }));
    let types = module_items(file, "types")?;
    let gates = Gates::reached(types, &roots);
    gates.apply(types);
    Ok(gates)
}

/// Which generated items outside `types` each feature gates, by name.
#[derive(Default)]
struct Plan {
    /// Operation builders (`builder::AppsListInstallations`).
    builders: BTreeMap<String, Cfg>,
    /// `Client` methods: the operations' and the categories' accessors.
    client_methods: BTreeMap<String, Cfg>,
    /// Category handles (`categories::Apps`) whose operations are all gated.
    handles: BTreeMap<String, Cfg>,
    /// Methods of the other handles, by (handle, method).
    handle_methods: BTreeMap<(String, String), Cfg>,
    webhooks: Option<Cfg>,
}

impl Plan {
    fn new(features: &Features, ops: &[OpNames]) -> Plan {
        let of_op = |op: &OpNames| {
            Some(features.of_operation(&op.id, op.category.as_deref())).filter(|c| !c.is_always())
        };
        // A category is gated when all of its operations are, by what
        // compiles any of them: `enterprise-admin` holds Enterprise Cloud's
        // and Enterprise Server's, and a build with neither has no use for
        // `client.enterprise_admin()`.
        let mut categories: BTreeMap<&str, Option<Cfg>> = BTreeMap::new();
        for op in ops {
            let cfg = of_op(op);
            categories
                .entry(op.handle.as_str())
                .and_modify(|c| {
                    *c = match (c.take(), &cfg) {
                        (Some(gated), Some(other)) => Some(gated.or(other)),
                        _ => None,
                    }
                })
                .or_insert(cfg);
        }
        let mut plan = Plan {
            webhooks: features.webhooks().map(Cfg::feature),
            ..Plan::default()
        };
        for op in ops {
            if let Some(cfg) = categories[op.handle.as_str()].clone() {
                plan.handles.insert(op.handle.clone(), cfg.clone());
                plan.client_methods.insert(op.accessor.clone(), cfg);
            }
            if let Some(cfg) = of_op(op) {
                plan.builders.insert(op.builder.clone(), cfg.clone());
                plan.client_methods.insert(op.snake_id.clone(), cfg.clone());
                plan.handle_methods
                    .insert((op.handle.clone(), op.method.clone()), cfg);
            }
        }
        plan
    }

    /// Gates the items outside `types` and returns every one of them as a
    /// root of the models it mentions.
    fn gate_outside_types(&self, items: &mut [syn::Item]) -> Vec<Root> {
        let mut roots = Vec::new();
        for item in items {
            match item {
                syn::Item::Mod(m) if m.ident == "types" => {}
                syn::Item::Mod(m) if m.ident == "builder" || m.ident == "categories" => {
                    for item in mod_items(m) {
                        self.gate_in_module(item, &mut roots);
                    }
                }
                syn::Item::Impl(imp) if item_name_of_impl(imp).as_deref() == Some("Client") => {
                    gate_methods(imp, &mut roots, None, |method| {
                        self.client_methods.get(method).cloned()
                    });
                }
                item => {
                    let gated = item_name(item).as_deref() == Some(WEBHOOK_EVENT);
                    match self.webhooks.as_ref().filter(|_| gated) {
                        Some(cfg) => gate_whole(item, cfg, &mut roots),
                        None => roots.push((Cfg::default(), idents(item))),
                    }
                }
            }
        }
        roots
    }

    /// An item of `builder` or `categories`: an operation's builder and its
    /// impls, a gated category's handle, or the methods of a handle.
    fn gate_in_module(&self, item: &mut syn::Item, roots: &mut Vec<Root>) {
        let name = item_name(item).unwrap_or_default();
        let handle = self.handles.get(&name);
        if let Some(cfg) = self.builders.get(&name) {
            gate_whole(item, cfg, roots);
        } else if let syn::Item::Impl(imp) = item {
            // A gated handle's methods keep their own conditions where they
            // are narrower than the handle's (`ghec` in `ghec` or `ghes`).
            gate_methods(imp, roots, handle, |method| {
                self.handle_methods
                    .get(&(name.clone(), method.to_string()))
                    .cloned()
            });
            if let Some(cfg) = handle {
                push_attr(item, cfg);
            }
        } else if let Some(cfg) = handle {
            gate_whole(item, cfg, roots);
        } else {
            roots.push((Cfg::default(), idents(item)));
        }
    }
}

/// Gates an item whole, as a root of what it mentions.
fn gate_whole(item: &mut syn::Item, cfg: &Cfg, roots: &mut Vec<Root>) {
    roots.push((cfg.clone(), idents(item)));
    push_attr(item, cfg);
}

/// Gates the methods of an impl block one by one; `block` is the condition
/// the block itself is compiled with, which its methods need not repeat.
fn gate_methods(
    imp: &mut syn::ItemImpl,
    roots: &mut Vec<Root>,
    block: Option<&Cfg>,
    cfg_of: impl Fn(&str) -> Option<Cfg>,
) {
    for member in &mut imp.items {
        let cfg = match member {
            syn::ImplItem::Fn(f) => cfg_of(&f.sig.ident.to_string()),
            _ => None,
        };
        let root = cfg.as_ref().or(block).cloned().unwrap_or_default();
        roots.push((root, idents(member)));
        if let (Some(cfg), syn::ImplItem::Fn(f)) = (cfg, member)
            && Some(&cfg) != block
        {
            f.attrs.push(cfg.attribute());
        }
    }
    // The impl's own header (`impl Client`, `impl<'a> Orgs<'a>`) names nothing gated.
}
