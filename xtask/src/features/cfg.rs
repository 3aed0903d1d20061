//! A condition on Cargo features, as `#[cfg(...)]` and as people read it.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;

/// A condition on features: every one of its sets must have one feature on
/// (`all(any(..), any(..))`); empty is always true.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cfg(BTreeSet<BTreeSet<String>>);

impl Cfg {
    /// One feature.
    pub fn feature(name: &str) -> Cfg {
        Cfg::any_of([name.to_string()])
    }

    /// Any one of these features; always true when there is none.
    pub fn any_of(names: impl IntoIterator<Item = String>) -> Cfg {
        let set: BTreeSet<String> = names.into_iter().collect();
        match set.is_empty() {
            true => Cfg::default(),
            false => Cfg(BTreeSet::from([set])),
        }
    }

    /// This condition and `other` too.
    pub fn and(&mut self, other: &Cfg) {
        self.0.extend(other.0.iter().cloned());
    }

    /// This condition or `other`: `ghec` or `ghes` is `any(ghec, ghes)`.
    /// Always true when either is.
    pub fn or(&self, other: &Cfg) -> Cfg {
        if self.is_always() || other.is_always() {
            return Cfg::default();
        }
        // Both are conjunctions of sets: (a1 and a2) or (b1 and b2) is
        // (a1 or b1) and (a1 or b2) and (a2 or b1) and (a2 or b2).
        let sets = self.0.iter().flat_map(|a| {
            other
                .0
                .iter()
                .map(move |b| a.union(b).cloned().collect::<BTreeSet<String>>())
        });
        Cfg(sets.collect())
    }

    /// Whether the item is always compiled.
    pub fn is_always(&self) -> bool {
        self.0.is_empty()
    }

    /// Every feature the condition names.
    pub fn features(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flatten().map(String::as_str)
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

    /// The condition for people, in markdown: `` `apps` ``,
    /// `` `ghec` or `ghes` ``, `` `apps` and `ghec` ``.
    pub fn describe(&self) -> String {
        let any = |set: &BTreeSet<String>| {
            set.iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        self.0.iter().map(any).collect::<Vec<_>>().join(" and ")
    }

    /// `#[cfg(...)]` of the condition.
    pub fn attribute(&self) -> syn::Attribute {
        let predicate: TokenStream = self
            .predicate()
            .parse()
            .expect("a feature predicate is Rust tokens");
        syn::parse_quote!(#[cfg(#predicate)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_read_as_cargo_and_people_write_them() {
        assert_eq!(Cfg::feature("apps").predicate(), r#"feature = "apps""#);
        let mut both = Cfg::any_of(["a".into(), "b".into()]);
        assert_eq!(both.predicate(), r#"any(feature = "a", feature = "b")"#);
        assert_eq!(both.describe(), "`a` or `b`");
        both.and(&Cfg::feature("c"));
        assert_eq!(
            both.predicate(),
            r#"all(any(feature = "a", feature = "b"), feature = "c")"#
        );
        assert_eq!(both.describe(), "`a` or `b` and `c`");
        assert!(Cfg::any_of([]).is_always());
    }

    #[test]
    fn either_of_two_conditions_is_one_condition() {
        let ghec = Cfg::feature("ghec");
        assert_eq!(
            ghec.or(&Cfg::feature("ghes")).predicate(),
            r#"any(feature = "ghec", feature = "ghes")"#
        );
        assert_eq!(ghec.or(&ghec), ghec);
        assert!(ghec.or(&Cfg::default()).is_always());
        let mut apps_and_ghec = Cfg::feature("apps");
        apps_and_ghec.and(&ghec);
        assert_eq!(
            apps_and_ghec.or(&Cfg::feature("ghes")).predicate(),
            r#"all(any(feature = "apps", feature = "ghes"), any(feature = "ghec", feature = "ghes"))"#
        );
    }
}
