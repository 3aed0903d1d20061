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

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result, bail};
use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};
use serde::Deserialize;
use serde_json::Value;

use crate::syntax::{item_name, item_name_of_impl, mod_items, module_items};

/// The names progenitor and the glue give one operation's items.
pub struct OpNames {
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
}

/// The extension of the OpenAPI document that declares the features.
pub const EXTENSION: &str = "x-cargo-features";

/// The name of the generated enum of webhook deliveries.
const WEBHOOK_EVENT: &str = "WebhookEvent";

/// What one feature gates.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Selector {
    /// Operation categories (`apps`).
    #[serde(default)]
    categories: Vec<String>,
    /// Every webhook (`WebhookEvent` and the payloads).
    #[serde(default)]
    webhooks: bool,
}

/// The features of a document: which category and the webhooks belong to which.
#[derive(Debug, Default, PartialEq)]
pub struct Features {
    by_category: BTreeMap<String, String>,
    webhooks: Option<String>,
}

impl Features {
    /// Reads `x-cargo-features` of the document; none gates nothing.
    pub fn from_document(document: &Value) -> Result<Features> {
        let Some(value) = document.get(EXTENSION) else {
            return Ok(Features::default());
        };
        let declared: BTreeMap<String, Selector> = serde_json::from_value(value.clone())
            .with_context(|| {
                format!("`{EXTENSION}` in spec/document.json: expected {{\"feature\": {{\"categories\": [..], \"webhooks\": bool}}}}")
            })?;
        let mut features = Features::default();
        for (name, selector) in declared {
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid {
                bail!("`{EXTENSION}` in spec/document.json: `{name}` is not a Cargo feature name");
            }
            for category in selector.categories {
                if let Some(other) = features.by_category.insert(category.clone(), name.clone()) {
                    bail!(
                        "`{EXTENSION}` in spec/document.json: the category `{category}` is in both `{other}` and `{name}`"
                    );
                }
            }
            if selector.webhooks
                && let Some(other) = features.webhooks.replace(name.clone())
            {
                bail!(
                    "`{EXTENSION}` in spec/document.json: the webhooks are in both `{other}` and `{name}`"
                );
            }
        }
        Ok(features)
    }

    /// The feature of an operation of `category`, if it has one.
    pub fn of_category(&self, category: Option<&str>) -> Option<&str> {
        self.by_category.get(category?).map(String::as_str)
    }

    fn is_empty(&self) -> bool {
        self.by_category.is_empty() && self.webhooks.is_none()
    }
}

/// A condition on features: every one of its sets must have one feature on
/// (`all(any(..), any(..))`); empty is always true.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cfg(BTreeSet<BTreeSet<String>>);

impl Cfg {
    fn feature(name: &str) -> Cfg {
        Cfg(BTreeSet::from([BTreeSet::from([name.to_string()])]))
    }

    fn and(&mut self, other: &Cfg) {
        self.0.extend(other.0.iter().cloned());
    }

    /// Whether the item is always compiled.
    pub fn is_always(&self) -> bool {
        self.0.is_empty()
    }

    /// The condition as the inside of `cfg(...)`: `feature = "apps"`.
    pub fn predicate(&self) -> String {
        let any = |set: &BTreeSet<String>| {
            let features: Vec<String> = set.iter().map(|f| format!("feature = {f:?}")).collect();
            match features.as_slice() {
                [one] => one.clone(),
                _ => format!("any({})", features.join(", ")),
            }
        };
        let all: Vec<String> = self.0.iter().map(any).collect();
        match all.as_slice() {
            [] => "all()".into(),
            [one] => one.clone(),
            _ => format!("all({})", all.join(", ")),
        }
    }

    fn attribute(&self) -> syn::Attribute {
        let predicate: TokenStream = self
            .predicate()
            .parse()
            .expect("a feature predicate is Rust tokens");
        syn::parse_quote!(#[cfg(#predicate)])
    }
}

/// The conditions the gating put on models, for the texts rendered after it.
#[derive(Default)]
pub struct Gates {
    /// Each gated model's condition, by type name.
    types: BTreeMap<String, Cfg>,
}

impl Gates {
    /// The condition under which a type written as Rust (`types :: Foo`,
    /// `Vec < types :: Foo >`) exists.
    pub fn of_type_text(&self, text: &str) -> Cfg {
        let mut cfg = Cfg::default();
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if let Some(gated) = self.types.get(word) {
                cfg.and(gated);
            }
        }
        cfg
    }
}

/// Puts `#[cfg(feature = ..)]` on what the features gate, in progenitor's
/// output after the glue. `ops` names each operation's generated items.
pub fn gate(file: &mut syn::File, features: &Features, ops: &[OpNames]) -> Result<Gates> {
    if features.is_empty() {
        return Ok(Gates::default());
    }
    let roots = Plan::new(features, ops).gate_outside_types(&mut file.items);
    let types = module_items(file, "types")?;
    let gates = Gates::reached(types, &roots);
    apply(types, &gates.types);
    Ok(gates)
}

/// An item outside `types`: its condition, and the names it mentions.
type Root = (Cfg, BTreeSet<String>);

/// Which generated items outside `types` each feature gates, by name.
struct Plan {
    /// Operation builders (`builder::AppsListInstallations`).
    builders: BTreeMap<String, Cfg>,
    /// `Client` methods: the operations' and the categories' accessors.
    client_methods: BTreeMap<String, Cfg>,
    /// Category handles (`categories::Apps`) whose operations share one feature.
    handles: BTreeMap<String, Cfg>,
    /// Methods of the other handles, by (handle, method).
    handle_methods: BTreeMap<(String, String), Cfg>,
    webhooks: Option<Cfg>,
}

impl Plan {
    fn new(features: &Features, ops: &[OpNames]) -> Plan {
        let of_op = |op: &OpNames| {
            features
                .of_category(op.category.as_deref())
                .map(Cfg::feature)
        };
        // A category is gated when all of its operations are, by one feature.
        let mut categories: BTreeMap<&str, Option<Cfg>> = BTreeMap::new();
        for op in ops {
            let cfg = of_op(op);
            categories
                .entry(op.handle.as_str())
                .and_modify(|c| {
                    if *c != cfg {
                        *c = None;
                    }
                })
                .or_insert(cfg);
        }
        let mut plan = Plan {
            builders: BTreeMap::new(),
            client_methods: BTreeMap::new(),
            handles: BTreeMap::new(),
            handle_methods: BTreeMap::new(),
            webhooks: features.webhooks.as_deref().map(Cfg::feature),
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
                    gate_methods(imp, &mut roots, |method| {
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
    /// impls, a gated category's handle, or a method on another handle.
    fn gate_in_module(&self, item: &mut syn::Item, roots: &mut Vec<Root>) {
        let name = item_name(item).unwrap_or_default();
        if let Some(cfg) = self.builders.get(&name).or_else(|| self.handles.get(&name)) {
            gate_whole(item, cfg, roots);
        } else if let syn::Item::Impl(imp) = item {
            gate_methods(imp, roots, |method| {
                self.handle_methods
                    .get(&(name.clone(), method.to_string()))
                    .cloned()
            });
        } else {
            roots.push((Cfg::default(), idents(item)));
        }
    }
}

impl Gates {
    /// Each model's condition: none when an ungated root reaches it (or
    /// nothing does), else any of the features whose roots reach it.
    fn reached(types: &[syn::Item], roots: &[Root]) -> Gates {
        let mut nodes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        collect_nodes(types, &mut nodes);
        let reach = |from: &BTreeSet<String>| -> BTreeSet<String> {
            let mut seen = BTreeSet::new();
            let mut todo: Vec<&String> = from.iter().filter(|n| nodes.contains_key(*n)).collect();
            while let Some(n) = todo.pop() {
                if seen.insert(n.clone()) {
                    todo.extend(nodes[n].iter().filter(|m| nodes.contains_key(*m)));
                }
            }
            seen
        };
        let mut always = BTreeSet::new();
        let mut by_feature: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (cfg, mentioned) in roots {
            let reached = reach(mentioned);
            if cfg.is_always() {
                always.extend(reached);
                continue;
            }
            for feature in cfg.0.iter().flatten() {
                by_feature
                    .entry(feature)
                    .or_default()
                    .extend(reached.iter().cloned());
            }
        }
        let mut gates = Gates::default();
        for name in nodes.keys().filter(|n| !always.contains(*n)) {
            let set: BTreeSet<String> = by_feature
                .iter()
                .filter(|(_, reached)| reached.contains(name))
                .map(|(feature, _)| feature.to_string())
                .collect();
            if !set.is_empty() {
                gates.types.insert(name.clone(), Cfg(BTreeSet::from([set])));
            }
        }
        gates
    }
}

/// Gates an item whole, as a root of what it mentions.
fn gate_whole(item: &mut syn::Item, cfg: &Cfg, roots: &mut Vec<Root>) {
    roots.push((cfg.clone(), idents(item)));
    push_attr(item, cfg);
}

/// Gates the methods of an impl block one by one.
fn gate_methods(
    imp: &mut syn::ItemImpl,
    roots: &mut Vec<Root>,
    cfg_of: impl Fn(&str) -> Option<Cfg>,
) {
    for member in &mut imp.items {
        let cfg = match member {
            syn::ImplItem::Fn(f) => cfg_of(&f.sig.ident.to_string()),
            _ => None,
        };
        roots.push((cfg.clone().unwrap_or_default(), idents(member)));
        if let (Some(cfg), syn::ImplItem::Fn(f)) = (cfg, member) {
            f.attrs.push(cfg.attribute());
        }
    }
    // The impl's own header (`impl Client`, `impl<'a> Orgs<'a>`) names nothing gated.
}

/// The models of the `types` module (and its `builder`, `defaults` and
/// `error` modules) as nodes: each name with the names its items mention.
/// A model's builder (`types::builder::X`) and impls join its node.
fn collect_nodes(items: &[syn::Item], nodes: &mut BTreeMap<String, BTreeSet<String>>) {
    for item in items {
        if let syn::Item::Mod(m) = item {
            if let Some((_, inner)) = &m.content {
                collect_nodes(inner, nodes);
            }
            continue;
        }
        if let Some(name) = item_name(item) {
            let mentioned = idents(item);
            nodes.entry(name).or_default().extend(mentioned);
        }
    }
}

/// Puts each gated model's condition on its items, in every module of `types`.
fn apply(items: &mut [syn::Item], gated: &BTreeMap<String, Cfg>) {
    for item in items {
        if let syn::Item::Mod(m) = item {
            if let Some((_, inner)) = &mut m.content {
                apply(inner, gated);
            }
            continue;
        }
        if let Some(cfg) = item_name(item).and_then(|n| gated.get(&n)) {
            push_attr(item, cfg);
        }
    }
}

fn push_attr(item: &mut syn::Item, cfg: &Cfg) {
    let attr = cfg.attribute();
    match item {
        syn::Item::Struct(s) => s.attrs.push(attr),
        syn::Item::Enum(e) => e.attrs.push(attr),
        syn::Item::Type(t) => t.attrs.push(attr),
        syn::Item::Fn(f) => f.attrs.push(attr),
        syn::Item::Const(c) => c.attrs.push(attr),
        syn::Item::Impl(i) => i.attrs.push(attr),
        syn::Item::Mod(m) => m.attrs.push(attr),
        _ => {}
    }
}

/// Whether a bracketed group is the inside of `#[doc = "..."]`.
fn is_doc_attribute(group: &proc_macro2::Group) -> bool {
    group.delimiter() == proc_macro2::Delimiter::Bracket
        && matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
}

/// Every identifier an item's tokens hold, and the functions its serde
/// attributes name in strings (`default = "defaults::x"`), which are
/// references too.
fn idents(item: &impl ToTokens) -> BTreeSet<String> {
    fn walk(tokens: TokenStream, out: &mut BTreeSet<String>) {
        for tree in tokens {
            match tree {
                TokenTree::Ident(i) => {
                    out.insert(i.to_string());
                }
                // Documentation names models in prose, which is no reference.
                TokenTree::Group(g) if is_doc_attribute(&g) => {}
                TokenTree::Group(g) => walk(g.stream(), out),
                TokenTree::Literal(l) => {
                    let text = l.to_string();
                    if let Some(path) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                        out.extend(
                            path.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                                .filter(|w| !w.is_empty())
                                .map(str::to_string),
                        );
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(quote!(#item), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_without_features_gates_nothing_and_bad_ones_are_named() {
        assert_eq!(
            Features::from_document(&serde_json::json!({})).unwrap(),
            Features::default()
        );
        let both = serde_json::json!({EXTENSION: {
            "a": {"categories": ["apps"]},
            "b": {"categories": ["apps"]}
        }});
        let e = Features::from_document(&both).unwrap_err().to_string();
        assert!(
            e.contains("the category `apps` is in both `a` and `b`"),
            "{e}"
        );
        let typo = serde_json::json!({EXTENSION: {"a": {"category": ["apps"]}}});
        let e = format!("{:#}", Features::from_document(&typo).unwrap_err());
        assert!(e.contains("unknown field `category`"), "{e}");
        let name = serde_json::json!({EXTENSION: {"a b": {"webhooks": true}}});
        let e = Features::from_document(&name).unwrap_err().to_string();
        assert!(e.contains("`a b` is not a Cargo feature name"), "{e}");
    }

    #[test]
    fn conditions_read_as_cargo_writes_them() {
        assert_eq!(Cfg::feature("apps").predicate(), r#"feature = "apps""#);
        let mut both = Cfg(BTreeSet::from([BTreeSet::from(["a".into(), "b".into()])]));
        assert_eq!(both.predicate(), r#"any(feature = "a", feature = "b")"#);
        both.and(&Cfg::feature("c"));
        assert_eq!(
            both.predicate(),
            r#"all(any(feature = "a", feature = "b"), feature = "c")"#
        );
    }
}
