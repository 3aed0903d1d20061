//! String enums: named here, opened to values GitHub adds later.
//!
//! typify names an enum's variants after its values, and fails on values it
//! cannot tell apart once sanitized (`reactions-+1` and `reactions--1` both
//! become `Reactions1`), or names them in a way that does not compile
//! cleanly (`+1` becomes `plus1`). So before progenitor sees the document,
//! [`placeholders`] replaces every string enum value with a placeholder that
//! typify names without trouble, and keeps the real values in a [`Table`].
//! After generation, [`open`] gives each variant its name from the real
//! value ([`variant_ident`]), adds the `Unknown(String)` variant and writes
//! the serde, `Display` and `FromStr` impls with the real values.
//!
//! Variant names depend only on the enum's own values, in order, so a
//! variant keeps its name whatever else is imported.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use anyhow::{Context, Result, bail};
use heck::ToUpperCamelCase;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::naming;
use crate::openapi::{self, BorrowedJson};
use crate::syntax::item_name_of_impl;

/// One enum value: what GitHub sends, and the variant that stands for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wire {
    /// The value on the wire, e.g. `reactions-+1`.
    pub value: String,
    /// The variant's name, e.g. `ReactionsPlus1`.
    pub ident: String,
}

/// Real values by placeholder.
#[derive(Debug, Default)]
pub struct Table {
    pub values: BTreeMap<String, Wire>,
    /// How many enums were replaced.
    pub enums: usize,
    /// The placeholders of the enums that stay closed (they tell a union's
    /// members apart).
    pub closed: BTreeSet<String>,
}

impl Table {
    fn add(&mut self, values: &[String], closed: bool) -> Vec<String> {
        let id = self.enums;
        self.enums += 1;
        let idents = variant_idents(values);
        values
            .iter()
            .zip(idents)
            .enumerate()
            .map(|(i, (value, ident))| {
                let placeholder = format!("sdk-enum-{id}-value-{i}");
                let wire = Wire {
                    value: value.clone(),
                    ident,
                };
                self.values.insert(placeholder.clone(), wire);
                if closed {
                    self.closed.insert(placeholder.clone());
                }
                placeholder
            })
            .collect()
    }
}

/// The name of the catch-all variant, unless a value already has it.
const UNKNOWN: &str = "Unknown";

/// A variant name for one value, as a Rust programmer would write it:
/// `created_at` is `CreatedAt`, `+1` is `Plus1`, `reactions--1` is
/// `ReactionsMinus1`, `2fa` is `X2fa`.
pub fn variant_ident(value: &str) -> String {
    // A sign before a digit is a word of its own: `+1` reads "plus one".
    let mut spelled = String::new();
    let chars: Vec<char> = value.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let before_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
        match c {
            '+' if before_digit && starts_word => spelled.push_str(" plus "),
            '-' if before_digit && starts_word => spelled.push_str(" minus "),
            c if c.is_alphanumeric() => spelled.push(c),
            _ => spelled.push(' '),
        }
    }
    let ident = spelled.to_upper_camel_case();
    match ident.chars().next() {
        None => "Empty".into(),
        Some(c) if c.is_ascii_digit() => format!("X{ident}"),
        Some(_) if ident == "Self" => "Self_".into(),
        Some(_) => ident,
    }
}

/// Variant names for an enum's values: [`variant_ident`], with a number
/// added to a name an earlier value already took.
fn variant_idents(values: &[String]) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    for value in values {
        let ident = naming::numbered(&variant_ident(value), |c| taken.iter().any(|t| t == c));
        taken.push(ident);
    }
    taken
}

/// Replaces the values of every string enum in the document with
/// placeholders (and a `default` among them with its placeholder).
///
/// The enums at `closed` (local references) stay closed: no `Unknown`, and
/// a value they do not list fails to decode (see `transform::variant_tags`).
pub fn placeholders(document: &mut Value, closed: &BTreeSet<String>) -> Table {
    let mut table = Table::default();
    openapi::walk_schemas_mut(document, &mut |pointer, schema| {
        if let Some(map) = schema.as_object_mut() {
            replace_values(map, &mut table, closed.contains(pointer));
        }
    });
    table
}

/// Replaces one schema's string enum values, if it has them.
fn replace_values(map: &mut serde_json::Map<String, Value>, table: &mut Table, closed: bool) {
    let Some(strings) = map
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| {
            let strings: Vec<String> = values
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<_>>()?;
            (!strings.is_empty()).then_some(strings)
        })
    else {
        return;
    };
    let placeholders = table.add(&strings, closed);
    let swap = |v: &Value| -> Option<Value> {
        let i = strings
            .iter()
            .position(|s| Some(s.as_str()) == v.as_str())?;
        Some(Value::String(placeholders[i].clone()))
    };
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        for v in values.iter_mut().filter(|v| !v.is_null()) {
            if let Some(placeholder) = swap(v) {
                *v = placeholder;
            }
        }
    }
    // A default outside the enum would not convert; GitHub's server applies
    // its defaults anyway.
    match map.get("default").map(swap) {
        Some(Some(placeholder)) => {
            map.insert("default".into(), placeholder);
        }
        Some(None) => {
            map.remove("default");
        }
        None => {}
    }
}

/// One enum of the generated code, matched to its real values.
struct Opened {
    ident: syn::Ident,
    /// `(old variant name, value)`, in order.
    variants: Vec<(syn::Ident, Wire)>,
    /// The catch-all variant; `None` for a closed enum.
    unknown: Option<syn::Ident>,
}

/// Opens every placeholder enum in progenitor's `types` module: real
/// variant names, an `Unknown(String)` (or `Other`, when a value is named
/// `Unknown`) for values added later, `#[non_exhaustive]`, and serde,
/// `Display` and `FromStr` impls that use the real values. `Copy` goes,
/// since a `String` is not `Copy`.
pub fn open(types: &mut Vec<syn::Item>, table: &Table) -> Result<()> {
    let mut opened = Vec::new();
    for item in types.iter_mut() {
        if let syn::Item::Enum(e) = item
            && let Some(o) = open_enum(e, table)?
        {
            opened.push(o);
        }
    }
    // typify's own impls for these enums name the placeholders; ours replace them.
    // A set, not a scan of `opened` per impl: GitHub's whole description has
    // thousands of each, and the scan was quadratic.
    let open_names: HashSet<String> = opened.iter().map(|o| o.ident.to_string()).collect();
    types.retain(|item| {
        let syn::Item::Impl(imp) = item else {
            return true;
        };
        let trait_name = imp
            .trait_
            .as_ref()
            .and_then(|(_, path, _)| path.segments.last());
        let replaced = trait_name.is_some_and(|t| t.ident == "Display" || t.ident == "FromStr");
        !(replaced && item_name_of_impl(imp).is_some_and(|name| open_names.contains(&name)))
    });
    rename_variant_paths(types, &opened);
    for o in &opened {
        types.extend(impls(o)?);
    }
    Ok(())
}

fn open_enum(e: &mut syn::ItemEnum, table: &Table) -> Result<Option<Opened>> {
    let mut variants = Vec::new();
    for v in &e.variants {
        let wire = match (
            &v.fields,
            serde_rename(&v.attrs).and_then(|p| table.values.get(&p)),
        ) {
            (syn::Fields::Unit, Some(wire)) => wire.clone(),
            _ => return Ok(None),
        };
        variants.push((v.ident.clone(), wire));
    }
    if variants.is_empty() {
        return Ok(None);
    }
    let closed = e
        .variants
        .first()
        .and_then(|v| serde_rename(&v.attrs))
        .is_some_and(|p| table.closed.contains(&p));
    let unknown = if closed {
        None
    } else {
        let name = [UNKNOWN, "Other", "UnknownValue"]
            .into_iter()
            .find(|name| variants.iter().all(|(_, w)| w.ident != *name))
            .context("an enum has values named Unknown, Other and UnknownValue")?;
        Some(format_ident!("{name}"))
    };
    // A `String` is not `Copy`.
    retain_derives(&mut e.attrs, |name| match name {
        "Serialize" | "Deserialize" => false,
        "Copy" => closed,
        _ => true,
    })?;
    // typify's `#[serde(...)]` on the enum itself no longer has a derive to read it.
    e.attrs.retain(|a| !a.path().is_ident("serde"));
    for (v, (_, wire)) in e.variants.iter_mut().zip(&variants) {
        v.attrs.retain(|a| !a.path().is_ident("serde"));
        v.ident = syn::parse_str(&wire.ident)
            .with_context(|| format!("`{}` is not a variant name", wire.ident))?;
        if !v.attrs.iter().any(|a| a.path().is_ident("doc")) {
            let doc = format!("`{}`", wire.value);
            v.attrs.push(syn::parse_quote!(#[doc = #doc]));
        }
    }
    e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    if let Some(unknown) = &unknown {
        e.variants.push(syn::parse_quote! {
            /// A value this version of the SDK does not know yet, kept as GitHub sent it.
            #unknown(::std::string::String)
        });
    }
    if e.variants.len() != variants.len() + usize::from(unknown.is_some()) {
        bail!("enum `{}` changed while it was opened", e.ident);
    }
    Ok(Some(Opened {
        ident: e.ident.clone(),
        variants,
        unknown,
    }))
}

/// Renames `Enum::Placeholder` and `Self::Placeholder` (inside `impl Enum`)
/// to the real variant names wherever typify wrote them (defaults, `impl Default`).
fn rename_variant_paths(types: &mut [syn::Item], opened: &[Opened]) {
    use syn::visit_mut::VisitMut;
    struct Renamer<'o> {
        // By name: every path of two or more segments in every type is looked
        // up, and a scan of the opened enums made the pass quadratic (a
        // tenth of `generate`'s time on GitHub's whole description).
        opened: HashMap<&'o syn::Ident, &'o Opened>,
        self_ty: Option<syn::Ident>,
    }
    impl Renamer<'_> {
        fn lookup(&self, ty: &syn::Ident, variant: &syn::Ident) -> Option<syn::Ident> {
            let o = self.opened.get(ty)?;
            let (_, wire) = o.variants.iter().find(|(old, _)| old == variant)?;
            Some(format_ident!("{}", wire.ident))
        }
    }
    impl VisitMut for Renamer<'_> {
        fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
            let outer = self.self_ty.take();
            if let syn::Type::Path(p) = &*imp.self_ty {
                self.self_ty = p.path.segments.last().map(|s| s.ident.clone());
            }
            syn::visit_mut::visit_item_impl_mut(self, imp);
            self.self_ty = outer;
        }
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let n = path.segments.len();
            if n >= 2 {
                let ty = path.segments[n - 2].ident.clone();
                let ty = if ty == "Self" {
                    self.self_ty.clone()
                } else {
                    Some(ty)
                };
                if let Some(ty) = ty
                    && let Some(new) = self.lookup(&ty, &path.segments[n - 1].ident)
                {
                    path.segments[n - 1].ident = new;
                }
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    let mut renamer = Renamer {
        opened: opened.iter().map(|o| (&o.ident, o)).collect(),
        self_ty: None,
    };
    for item in types {
        renamer.visit_item_mut(item);
    }
}

fn impls(o: &Opened) -> Result<Vec<syn::Item>> {
    let ident = &o.ident;
    let variants: Vec<syn::Ident> = o
        .variants
        .iter()
        .map(|(_, w)| format_ident!("{}", w.ident))
        .collect();
    let values: Vec<&str> = o.variants.iter().map(|(_, w)| w.value.as_str()).collect();
    // An open enum keeps a value it does not know; a closed one refuses it.
    let (as_str_unknown, deserialize_unknown, from_str_unknown) = match &o.unknown {
        Some(unknown) => (
            quote!(Self::#unknown(value) => value,),
            quote!(_ => Self::#unknown(value),),
            quote!(other => Self::#unknown(other.to_string()),),
        ),
        None => (
            quote!(),
            quote!(_ => return Err(<D::Error as ::serde::de::Error>::unknown_variant(&value, &[#(#values),*])),),
            quote!(_ => return Err("not one of the values of this enum".into()),),
        ),
    };
    let file: syn::File = syn::parse2(quote! {
        impl #ident {
            /// The value as GitHub spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    #as_str_unknown
                }
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        // A string on the wire either way. serde's derive would need an
        // untagged variant for the unknown value, which buffers every value
        // and costs more to compile than these two impls.
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(match value.as_str() {
                    #(#values => Self::#variants,)*
                    #deserialize_unknown
                })
            }
        }
        impl ::std::str::FromStr for #ident {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                Ok(match value {
                    #(#values => Self::#variants,)*
                    #from_str_unknown
                })
            }
        }
    })?;
    Ok(file.items)
}

/// Keeps in each `#[derive(..)]` among `attrs` the derives whose name
/// `keep` accepts.
pub fn retain_derives(attrs: &mut [syn::Attribute], keep: impl Fn(&str) -> bool) -> Result<()> {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let derives = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        )?;
        let kept = derives
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| keep(&s.ident.to_string())));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    Ok(())
}

/// The string of `#[serde(rename = "...")]`, if one is among `attrs`.
pub fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                found = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            }
            Ok(())
        });
    }
    found
}

/// Where the enums stand that tell the members of a `oneOf`/`anyOf` apart:
/// the enums among the properties of each member (through `$ref`s and
/// `allOf`s). [`placeholders`] keeps them closed.
///
/// Why: a member of a union is chosen by the first that decodes. An open
/// enum decodes any string, so `{"type": "creation"}` and every other rule
/// of a ruleset would decode as its first member and lose the rest
/// (`rules/0/parameters` came back empty). Closed, the tag decides.
pub fn variant_tags(document: &Value) -> BTreeSet<String> {
    variant_tags_with(&BorrowedJson::from(document), &|_| None)
}

/// [`variant_tags`] of a part of a description: a `$ref` that `document`
/// does not hold is looked up with `outside`.
pub fn variant_tags_with<'a>(
    document: &BorrowedJson<'a>,
    outside: &dyn Fn(&str) -> Option<Rc<BorrowedJson<'a>>>,
) -> BTreeSet<String> {
    let tags = Tags { document, outside };
    let mut found = BTreeSet::new();
    openapi::walk_borrowed_schemas(document, &mut |pointer, schema| {
        for key in ["oneOf", "anyOf"] {
            for (i, member) in schema
                .get(key)
                .into_iter()
                .flat_map(BorrowedJson::elements)
                .enumerate()
            {
                // Where an inline member stands; a member that is a `$ref`
                // stands where it refers to, and this is never written.
                let at = || format!("{}/{key}/{i}", pointer);
                tags.of_member(member, &at, &mut found, 0);
            }
        }
    });
    found
}

/// How [`variant_tags_with`] reads the members of a union.
struct Tags<'d, 'a> {
    document: &'d BorrowedJson<'a>,
    outside: &'d dyn Fn(&str) -> Option<Rc<BorrowedJson<'a>>>,
}

impl<'a> Tags<'_, 'a> {
    /// How deep `allOf`s are followed inside a member.
    const MAX_DEPTH: usize = 4;

    /// What `reference` refers to: in the document, else outside it. It is
    /// lent to `f` because what is found outside is held only for the call.
    fn resolve<R>(&self, reference: &str, f: impl FnOnce(Option<&BorrowedJson<'a>>) -> R) -> R {
        match self.document.lookup(reference) {
            Some(found) => f(Some(found)),
            None => f((self.outside)(reference).as_deref()),
        }
    }

    /// The tags of one member, standing at `at()` unless it is a `$ref`.
    fn of_member(
        &self,
        member: &BorrowedJson<'_>,
        at: &dyn Fn() -> String,
        out: &mut BTreeSet<String>,
        depth: usize,
    ) {
        if depth > Self::MAX_DEPTH {
            return;
        }
        match member.get("$ref").and_then(BorrowedJson::as_str) {
            Some(r) => self.resolve(r, |target| {
                if let Some(target) = target {
                    self.of_schema(target, r, out, depth);
                }
            }),
            None => self.of_schema(member, &at(), out, depth),
        }
    }

    /// The tags among a member's properties and those of its `allOf`s; the
    /// member (the schema itself, its `$ref` followed) stands at `at`.
    fn of_schema(
        &self,
        member: &BorrowedJson<'_>,
        at: &str,
        out: &mut BTreeSet<String>,
        depth: usize,
    ) {
        let properties = member
            .get("properties")
            .into_iter()
            .flat_map(BorrowedJson::entries);
        for (name, property) in properties {
            match property.get("$ref").and_then(BorrowedJson::as_str) {
                Some(r) => {
                    if self.resolve(r, |p| p.is_some_and(|p| p.get("enum").is_some())) {
                        out.insert(r.to_string());
                    }
                }
                None => {
                    if property.get("enum").is_some() {
                        out.insert(format!("{at}/properties/{}", openapi::escape(name)));
                    }
                }
            }
        }
        let parts = member
            .get("allOf")
            .into_iter()
            .flat_map(BorrowedJson::elements);
        for (i, part) in parts.enumerate() {
            self.of_member(part, &|| format!("{at}/allOf/{i}"), out, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn variant_names_read_like_rust() {
        let cases = [
            ("created_at", "CreatedAt"),
            ("all", "All"),
            ("+1", "Plus1"),
            ("-1", "Minus1"),
            ("reactions-+1", "ReactionsPlus1"),
            ("reactions--1", "ReactionsMinus1"),
            ("reactions-thinking_face", "ReactionsThinkingFace"),
            ("2fa", "X2fa"),
            ("in-progress", "InProgress"),
            ("", "Empty"),
            ("Self", "Self_"),
            ("a.b/c", "ABC"),
        ];
        for (value, ident) in cases {
            assert_eq!(variant_ident(value), ident, "{value:?}");
        }
    }

    #[test]
    fn values_that_name_alike_get_numbers_in_order() {
        let values: Vec<String> = ["a_b", "a-b", "a b", "c"].map(String::from).to_vec();
        assert_eq!(variant_idents(&values), ["AB", "AB2", "AB3", "C"]);
    }

    #[test]
    fn placeholders_replace_values_and_defaults_and_keep_null() {
        let mut doc = json!({"components": {"schemas": {
            "s": {"type": "string", "enum": ["+1", "-1", null], "default": "-1"},
            "t": {"type": "string", "enum": ["x"], "default": "gone"},
            "n": {"type": "integer", "enum": [1, 2]},
            "e": {"type": "object", "example": {"enum": ["not", "a", "schema"]}}
        }}});
        let table = placeholders(&mut doc, &BTreeSet::new());
        assert_eq!(table.enums, 2);
        let s = &doc["components"]["schemas"]["s"];
        let first = s["enum"][0].as_str().unwrap();
        assert_eq!(
            table.values.get(first),
            Some(&Wire {
                value: "+1".into(),
                ident: "Plus1".into()
            })
        );
        assert_eq!(s["enum"][2], Value::Null);
        assert_eq!(s["default"], s["enum"][1]);
        assert!(doc["components"]["schemas"]["t"].get("default").is_none());
        assert_eq!(doc["components"]["schemas"]["n"]["enum"], json!([1, 2]));
        assert_eq!(
            doc["components"]["schemas"]["e"]["example"]["enum"],
            json!(["not", "a", "schema"])
        );
    }
}
