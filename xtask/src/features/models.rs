//! Which models the gated items reach, and the conditions put on them.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::features::cfg::Cfg;
use crate::syntax::item_name;

/// An item outside `types`: its condition, and the names it mentions.
pub type Root = (Cfg, BTreeSet<String>);

/// The conditions the gating put on models, for the texts rendered after it.
#[derive(Default)]
pub struct Gates {
    /// Each gated model's condition, by type name.
    types: BTreeMap<String, Cfg>,
}

impl Gates {
    /// Puts each gated model's condition on its items, in every module of `types`.
    pub fn apply(&self, types: &mut [syn::Item]) {
        apply_to(types, &self.types);
    }

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

impl Gates {
    /// Each model's condition: none when an ungated root reaches it (or
    /// nothing does), else any of the features whose roots reach it.
    pub fn reached(types: &[syn::Item], roots: &[Root]) -> Gates {
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
            for feature in cfg.features() {
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
                gates.types.insert(name.clone(), Cfg::any_of(set));
            }
        }
        gates
    }
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
fn apply_to(items: &mut [syn::Item], gated: &BTreeMap<String, Cfg>) {
    for item in items {
        if let syn::Item::Mod(m) = item {
            if let Some((_, inner)) = &mut m.content {
                apply_to(inner, gated);
            }
            continue;
        }
        if let Some(cfg) = item_name(item).and_then(|n| gated.get(&n)) {
            push_attr(item, cfg);
        }
    }
}

pub fn push_attr(item: &mut syn::Item, cfg: &Cfg) {
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
pub fn idents(item: &impl ToTokens) -> BTreeSet<String> {
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

    /// An impl on `Option` joins the node of the model it converts from, so
    /// an ungated root that holds an optional field reaches nothing through
    /// it: before, every such impl made one node `Option`, which every root
    /// reached, and a model only an App operation uses came out ungated.
    #[test]
    fn an_impl_on_option_belongs_to_its_model_not_to_option() {
        let file: syn::File = syn::parse_quote! {
            pub struct Plain(pub ::std::option::Option<String>);
            pub struct NullableGated(pub ::std::option::Option<Gated>);
            impl ::std::convert::From<NullableGated> for ::std::option::Option<Gated> {
                fn from(value: NullableGated) -> Self { value.0 }
            }
            pub struct Gated { pub x: i64 }
        };
        let roots = vec![
            (
                Cfg::default(),
                BTreeSet::from(["Plain".to_string(), "Option".to_string()]),
            ),
            (
                Cfg::feature("apps"),
                BTreeSet::from(["NullableGated".to_string()]),
            ),
        ];
        let gates = Gates::reached(&file.items, &roots);
        assert_eq!(gates.of_type_text("types :: Gated"), Cfg::feature("apps"));
        assert_eq!(
            gates.of_type_text("types :: NullableGated"),
            Cfg::feature("apps")
        );
        assert!(gates.of_type_text("types :: Plain").is_always());
    }
}
