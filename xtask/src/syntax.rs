//! Reading progenitor's output, a `syn::File`: its modules, the names its
//! items define, the types its builders and `send` methods use.

use anyhow::{Result, anyhow};
use quote::{format_ident, quote};

/// The items of a top-level inline module of progenitor's output.
pub fn module_items<'f>(file: &'f mut syn::File, name: &str) -> Result<&'f mut Vec<syn::Item>> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| anyhow!("progenitor's output has no `{name}` module"))
}

/// The `T` of a builder field `name: Result<T, String>`.
pub fn builder_field(builders: &[syn::Item], builder: &str, name: &str) -> Option<syn::Type> {
    let strukt = builders.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == builder => Some(s),
        _ => None,
    })?;
    let field = strukt
        .fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == name))?;
    generic_arg(&field.ty, "Result")
}

/// The `send` method of `impl Builder` among progenitor's builder items.
pub fn send_of<'b>(
    builders: &'b mut [syn::Item],
    builder: &str,
) -> Option<&'b mut syn::ImplItemFn> {
    builders.iter_mut().find_map(|item| {
        let syn::Item::Impl(imp) = item else {
            return None;
        };
        let syn::Type::Path(ty) = &*imp.self_ty else {
            return None;
        };
        if imp.trait_.is_some() || ty.path.segments.last()?.ident != builder {
            return None;
        }
        imp.items.iter_mut().find_map(|member| match member {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
            _ => None,
        })
    })
}

/// The `T` of a `send` method's `Result<ResponseValue<T>, Error<..>>`.
pub fn send_output(send: &syn::ImplItemFn) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return None;
    };
    generic_arg(&generic_arg(ty, "Result")?, "ResponseValue")
}

/// The first type argument of `Name<T, ..>` (written with or without a path).
pub fn generic_arg(ty: &syn::Type, name: &str) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// `T` of `Vec<T>` (written `Vec` or `::std::vec::Vec`).
pub fn vec_item(ty: &syn::Type) -> Option<syn::Type> {
    generic_arg(ty, "Vec")
}

/// `T` of a generated `struct Name(Vec<T>)`.
pub fn newtype_vec_item(types: &[syn::Item], ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let name = p.path.segments.last()?.ident.to_string();
    types.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => match &s.fields {
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                let mut ty = f.unnamed[0].ty.clone();
                qualify(&mut ty);
                vec_item(&ty)
            }
            _ => None,
        },
        _ => None,
    })
}

/// Prefixes `types::` to the generated types a type names, so that it can
/// be written outside the `types` module.
pub fn qualify(ty: &mut syn::Type) {
    use syn::visit_mut::VisitMut;
    struct Qualify;
    impl VisitMut for Qualify {
        fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
            let generated = p.qself.is_none()
                && p.path.leading_colon.is_none()
                && p.path.segments.len() == 1
                && p.path.segments[0]
                    .ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_uppercase())
                && p.path.segments[0].ident != "Self";
            if generated {
                p.path.segments.insert(0, format_ident!("types").into());
            }
            syn::visit_mut::visit_type_path_mut(self, p);
        }
    }
    Qualify.visit_type_mut(ty);
}

pub fn is_unit_or_bytes(ty: &syn::Type) -> bool {
    let text = quote!(#ty).to_string();
    text == "()" || text.ends_with("ByteStream")
}

pub fn mod_items(m: &mut syn::ItemMod) -> impl Iterator<Item = &mut syn::Item> {
    m.content.iter_mut().flat_map(|(_, items)| items.iter_mut())
}

/// The name an item defines, or for an impl the type it is for.
pub fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
        syn::Item::Const(c) => Some(c.ident.to_string()),
        syn::Item::Impl(imp) => item_name_of_impl(imp),
        item => type_item_name(item),
    }
}

///
/// An impl for a std wrapper (`impl From<NullableX> for Option<X>`) is named
/// after the model of its trait's argument: naming it `Option` would make
/// one node of every impl on `Option`, which every model that holds an
/// optional field mentions, so that every root would reach all of them.
pub fn item_name_of_impl(imp: &syn::ItemImpl) -> Option<String> {
    let last = |ty: &syn::Type| match ty {
        syn::Type::Path(p) => p.path.segments.last().cloned(),
        _ => None,
    };
    let own = last(&imp.self_ty)?;
    if !["Option", "Vec", "Box"].contains(&own.ident.to_string().as_str()) {
        return Some(own.ident.to_string());
    }
    let syn::PathArguments::AngleBracketed(args) =
        &imp.trait_.as_ref()?.1.segments.last()?.arguments
    else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(model) => last(model).map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The name of a type an item defines (a struct, an enum or an alias).
pub fn type_item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}
