//! The features `spec/document.json` declares, and which of them an
//! operation needs.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result, bail};
use serde::Deserialize;
use serde_json::Value;

use crate::descriptions;
use crate::features::cfg::Cfg;

/// The extension of the OpenAPI document that declares the features.
pub const EXTENSION: &str = "x-cargo-features";

/// What one feature gates.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Selector {
    /// Operation categories (`apps`).
    categories: Vec<String>,
    /// Operations by operationId (`orgs/list-app-installations`), whatever
    /// their category.
    operations: Vec<String>,
    /// Every webhook (`WebhookEvent` and the payloads).
    webhooks: bool,
    /// Products (`ghec`, `ghes`): the operations the primary description
    /// does not hold and one of these products does.
    only_in: Vec<String>,
}

/// The features of a document, and what each operation is offered by.
#[derive(Debug, Default, PartialEq)]
pub struct Features {
    by_category: BTreeMap<String, String>,
    by_operation: BTreeMap<String, String>,
    webhooks: Option<String>,
    /// The feature of each product named in `only_in`.
    by_product: BTreeMap<String, String>,
    /// The description whose operations no product feature gates.
    primary: String,
    /// The descriptions that hold each operation, as its document records.
    offered: BTreeMap<String, Vec<String>>,
}

impl Features {
    /// Reads `x-cargo-features` of the document; none gates nothing.
    /// `offered` lists the descriptions that hold each operation, and
    /// `primary` is the description whose operations are never gated for
    /// being offered by only some products.
    pub fn from_document(
        document: &Value,
        primary: &str,
        offered: BTreeMap<String, Vec<String>>,
    ) -> Result<Features> {
        let mut features = Features {
            primary: primary.to_string(),
            offered,
            ..Features::default()
        };
        let Some(value) = document.get(EXTENSION) else {
            return Ok(features);
        };
        let declared: BTreeMap<String, Selector> = serde_json::from_value(value.clone())
            .with_context(|| {
                format!("`{EXTENSION}` in spec/document.json: expected {{\"feature\": {{\"categories\": [..], \"operations\": [..], \"webhooks\": bool, \"only_in\": [..]}}}}")
            })?;
        for (name, selector) in declared {
            features.declare(&name, selector)?;
        }
        Ok(features)
    }

    /// Adds one declared feature, unless it names what another does.
    fn declare(&mut self, name: &str, selector: Selector) -> Result<()> {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            bail!("`{EXTENSION}` in spec/document.json: `{name}` is not a Cargo feature name");
        }
        let lists = [
            ("category", selector.categories, &mut self.by_category),
            ("operation", selector.operations, &mut self.by_operation),
            ("product", selector.only_in, &mut self.by_product),
        ];
        for (what, keys, map) in lists {
            for key in keys {
                if let Some(other) = map.insert(key.clone(), name.to_string()) {
                    bail!(
                        "`{EXTENSION}` in spec/document.json: the {what} `{key}` is in both `{other}` and `{name}`"
                    );
                }
            }
        }
        if selector.webhooks
            && let Some(other) = self.webhooks.replace(name.to_string())
        {
            bail!(
                "`{EXTENSION}` in spec/document.json: the webhooks are in both `{other}` and `{name}`"
            );
        }
        Ok(())
    }

    /// What an operation needs: the feature that names it (or else its
    /// category), and, when the primary description does not hold it, any
    /// one of the features of the products that do.
    pub fn of_operation(&self, id: &str, category: Option<&str>) -> Cfg {
        let named = self
            .by_operation
            .get(id)
            .or_else(|| self.by_category.get(category?));
        let mut cfg = named.map(|f| Cfg::feature(f)).unwrap_or_default();
        if self.only_elsewhere(id) {
            let products: BTreeSet<String> = self
                .offered(id)
                .iter()
                .filter_map(|d| self.by_product.get(descriptions::product(d)))
                .cloned()
                .collect();
            cfg.and(&Cfg::any_of(products));
        }
        cfg
    }

    /// Whether the descriptions that hold an operation are known and the
    /// primary is not among them.
    pub fn only_elsewhere(&self, id: &str) -> bool {
        let offered = self.offered(id);
        !offered.is_empty() && !offered.contains(&self.primary)
    }

    /// The descriptions that hold an operation, as its document records
    /// (none for a document written by hand).
    pub fn offered(&self, id: &str) -> &[String] {
        self.offered.get(id).map_or(&[], Vec::as_slice)
    }

    /// The feature of the webhooks, if one gates them.
    pub fn webhooks(&self) -> Option<&str> {
        self.webhooks.as_deref()
    }

    /// Whether no feature is declared.
    pub fn is_empty(&self) -> bool {
        self.by_category.is_empty()
            && self.by_operation.is_empty()
            && self.by_product.is_empty()
            && self.webhooks.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(document: Value) -> Result<Features> {
        let offered = BTreeMap::from([
            (
                "orgs/get-audit-log".to_string(),
                vec!["ghec".into(), "ghes-3.19".into()],
            ),
            (
                "orgs/list-saml-sso-authorizations".to_string(),
                vec!["ghec".into()],
            ),
            (
                "orgs/list-pat-grants".to_string(),
                vec!["api.github.com".into(), "ghec".into()],
            ),
            (
                "enterprise-admin/get-license".to_string(),
                vec!["ghes-3.19".into()],
            ),
        ]);
        Features::from_document(&document, "api.github.com", offered)
    }

    #[test]
    fn a_document_without_features_gates_nothing_and_bad_ones_are_named() {
        let none = read(json!({})).unwrap();
        assert!(none.is_empty());
        assert!(
            none.of_operation("orgs/get-audit-log", Some("orgs"))
                .is_always()
        );
        let both = json!({EXTENSION: {
            "a": {"categories": ["apps"]},
            "b": {"categories": ["apps"]}
        }});
        let e = read(both).unwrap_err().to_string();
        assert!(
            e.contains("the category `apps` is in both `a` and `b`"),
            "{e}"
        );
        let typo = json!({EXTENSION: {"a": {"category": ["apps"]}}});
        let e = format!("{:#}", read(typo).unwrap_err());
        assert!(e.contains("unknown field `category`"), "{e}");
        let name = json!({EXTENSION: {"a b": {"webhooks": true}}});
        let e = read(name).unwrap_err().to_string();
        assert!(e.contains("`a b` is not a Cargo feature name"), "{e}");
    }

    #[test]
    fn operations_are_gated_by_name_category_and_the_products_that_offer_them() {
        let features = read(json!({EXTENSION: {
            "apps": {"categories": ["apps"], "operations": ["orgs/list-app-installations"]},
            "ghec": {"only_in": ["ghec"]},
            "ghes": {"only_in": ["ghes"]}
        }}))
        .unwrap();
        let of = |id: &str, category: &str| features.of_operation(id, Some(category)).predicate();
        assert_eq!(
            of("orgs/list-app-installations", "orgs"),
            r#"feature = "apps""#
        );
        assert_eq!(of("apps/list-installations", "apps"), r#"feature = "apps""#);
        // Offered by GitHub.com too: not gated for its products.
        assert_eq!(of("orgs/list-pat-grants", "orgs"), "all()");
        assert_eq!(
            of("orgs/list-saml-sso-authorizations", "orgs"),
            r#"feature = "ghec""#
        );
        assert_eq!(
            of("orgs/get-audit-log", "orgs"),
            r#"any(feature = "ghec", feature = "ghes")"#
        );
        assert_eq!(
            of("enterprise-admin/get-license", "enterprise-admin"),
            r#"feature = "ghes""#
        );
        // A document written by hand records no description: never gated for it.
        assert_eq!(of("orgs/hand-written", "orgs"), "all()");
    }
}
