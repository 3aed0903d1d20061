//! Which models the gated items reach, and the conditions put on them.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::features::cfg::Cfg;
use crate::syntax::{item_name, item_name_of_impl, type_item_name};

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
        let models = flat(types).into_iter().filter_map(type_item_name).collect();
        apply_to(types, &models, &self.types);
    }

    /// The condition under which a type written as Rust (`types :: Foo`,
    /// `Vec < types :: Foo >`) exists.
    pub fn of_type_text(&self, text: &str) -> Cfg {
        let words = text.split(|c: char| !(c.is_alphanumeric() || c == '_'));
        let mut cfg = Cfg::default();
        for gated in words.filter_map(|w| self.types.get(w)) {
            cfg.and(gated);
        }
        cfg
    }

    /// Each model's condition: none when an ungated root reaches it (or
    /// nothing does), else any of the features whose roots reach it.
    pub fn reached(types: &[syn::Item], roots: &[Root]) -> Gates {
        // The models of `types` (and its `builder`, `defaults` and `error`
        // modules) as nodes: each with the names its items mention.
        let items = flat(types);
        let models = items.iter().copied().filter_map(type_item_name).collect();
        let mut nodes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for item in items {
            if let Some(name) = owner(item, &models) {
                nodes.entry(name).or_default().extend(idents(item));
            }
        }
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
            always.extend(reached.iter().filter(|_| cfg.is_always()).cloned());
            for feature in cfg.features() {
                let set = by_feature.entry(feature).or_default();
                set.extend(reached.iter().cloned());
            }
        }
        let mut gates = Gates::default();
        for name in nodes.keys().filter(|n| !always.contains(*n)) {
            let reaching = by_feature.iter().filter(|(_, r)| r.contains(name));
            let cfg = Cfg::any_of(reaching.map(|(feature, _)| feature.to_string()));
            if !cfg.is_always() {
                gates.types.insert(name.clone(), cfg);
            }
        }
        gates
    }
}

/// Every item of the module and of the modules in it.
fn flat(items: &[syn::Item]) -> Vec<&syn::Item> {
    let mut out = Vec::new();
    for item in items {
        match item {
            syn::Item::Mod(m) => out.extend(m.content.iter().flat_map(|(_, inner)| flat(inner))),
            item => out.push(item),
        }
    }
    out
}

/// The model whose node an item of `types` joins: its own (a model's
/// builder, `types::builder::X`, and impls join X), but a nullable twin
/// (`NullableX`, `Option<X>` under a name of its own) joins its original,
/// and an impl on a type of the standard library (`impl From<NullableX> for
/// Option<X>`) the model its trait names: were it `Option`'s, every model
/// an `Option` converts would be reached by all that mention `Option`.
fn owner(item: &syn::Item, models: &BTreeSet<String>) -> Option<String> {
    let model = |n: &String| models.contains(n);
    let name = match item {
        syn::Item::Impl(imp) => item_name_of_impl(imp)
            .filter(model)
            .or_else(|| idents(&imp.trait_.as_ref()?.1).into_iter().find(model)),
        item => item_name(item),
    }?;
    match name.strip_prefix("Nullable") {
        Some(original) if models.contains(original) => Some(original.to_string()),
        _ => Some(name),
    }
}

/// Puts each gated model's condition on its items, in every module of `types`.
fn apply_to(items: &mut [syn::Item], models: &BTreeSet<String>, gated: &BTreeMap<String, Cfg>) {
    for item in items {
        if let syn::Item::Mod(m) = item {
            m.content
                .iter_mut()
                .for_each(|(_, inner)| apply_to(inner, models, gated));
        } else if let Some(cfg) = owner(item, models).and_then(|n| gated.get(&n)) {
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

    #[test]
    fn a_nullable_twin_and_the_impls_on_options_go_with_their_model() {
        let file: syn::File = syn::parse_quote! {
            pub struct Plain { pub at: Option<String> }
            pub struct Gated { pub n: i64 }
            pub struct NullableGated(pub Option<Gated>);
            impl From<NullableGated> for Option<Gated> { fn from(v: NullableGated) -> Self { v.0 } }
            impl From<Option<Gated>> for NullableGated { fn from(v: Option<Gated>) -> Self { Self(v) } }
            impl From<Plain> for String { fn from(_: Plain) -> Self { String::new() } }
        };
        let names = |words: &[&str]| words.iter().map(|w| w.to_string()).collect();
        let roots = [
            // An ungated operation mentions `Option` and `String`, as every one does.
            (Cfg::default(), names(&["Plain", "Option", "String"])),
            (Cfg::feature("f"), names(&["Gated"])),
        ];
        let mut types = file.items;
        Gates::reached(&types, &roots).apply(&mut types);
        let gated: Vec<bool> = types
            .iter()
            .map(|item| quote!(#item).to_string().contains("cfg (feature = \"f\")"))
            .collect();
        assert_eq!(gated, [false, true, true, true, true, false]);
    }
}
