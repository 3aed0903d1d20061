//! The components spec/ defines, reconciled across descriptions.
//!
//! A component may be written in several documents: operation documents
//! carry the components they refer to directly, and each description's
//! components document carries the rest of the closure, each in the wording
//! of the description it came from. The rule, in one sentence: **a component
//! comes from the primary description (`x-primary-description` in
//! `spec/document.json`, `api.github.com` by default) when spec/ holds its
//! wording, else from the first other description in
//! [`descriptions::compare`] order, and wordings that differ in more than
//! prose (descriptions, summaries, titles, examples) are an error that names
//! both.** Two wordings from one description must be the same. A property
//! that one wording of an open object has and the other lacks, optional in
//! both, is no difference: an answer of either description decodes with the
//! chosen wording ([`descriptions::type_difference`] says why).

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use crate::descriptions;
use crate::markdown::{self, Block};
use crate::openapi::{ComponentKind, ComponentRef, Origin};

/// One document's wording of a component.
#[derive(Debug)]
struct Wording {
    block: Block,
    /// The description the document came from.
    description: String,
}

/// Every wording of every component, as the documents are read.
#[derive(Debug, Default)]
pub struct Wordings(BTreeMap<String, Vec<Wording>>);

impl Wordings {
    /// Adds the components a document from `description` carries.
    pub fn add(&mut self, components: Vec<markdown::Component>, description: &str) -> Result<()> {
        for markdown::Component { pointer, block } in components {
            check_pointer(&pointer, &block.origin)?;
            self.0.entry(pointer).or_default().push(Wording {
                block,
                description: description.to_string(),
            });
        }
        Ok(())
    }

    /// One definition per component, by the rule of this module, with the
    /// description whose wording it is.
    pub fn reconcile(self, primary: &str) -> Result<BTreeMap<String, (Block, String)>> {
        let mut chosen = BTreeMap::new();
        for (pointer, wordings) in self.0 {
            let wording = choose(&pointer, wordings, primary)?;
            chosen.insert(pointer, (wording.block, wording.description));
        }
        Ok(chosen)
    }
}

/// The wording the rule chooses, once every other is checked against it.
fn choose(pointer: &str, mut wordings: Vec<Wording>, primary: &str) -> Result<Wording> {
    let first = wordings
        .iter()
        .enumerate()
        .min_by(|(i, a), (j, b)| {
            let rank = |w: &Wording| w.description != primary;
            rank(a)
                .cmp(&rank(b))
                .then(descriptions::compare(&a.description, &b.description))
                .then(i.cmp(j))
        })
        .map(|(i, _)| i)
        .expect("a component is added with a wording");
    let chosen = wordings.swap_remove(first);
    // Examples are payloads: their wordings may differ as they like.
    let payload = ComponentRef::parse(pointer).is_some_and(|c| c.kind == ComponentKind::Examples);
    for other in &wordings {
        if other.description == chosen.description {
            if other.block.value != chosen.block.value {
                bail!(
                    "`{pointer}` is defined differently in two places: {} and {}",
                    chosen.block.origin,
                    other.block.origin
                );
            }
        } else if !payload
            && let Some(at) = descriptions::type_difference(&chosen.block.value, &other.block.value)
        {
            bail!(
                "`{pointer}` differs in more than prose (at `{at}`) between {} ({}) and {} ({}); \
                 import the operations that reach it from one of the two descriptions",
                chosen.description,
                chosen.block.origin,
                other.description,
                other.block.origin
            );
        }
    }
    Ok(chosen)
}

fn check_pointer(pointer: &str, origin: &Origin) -> Result<()> {
    if ComponentRef::parse(pointer).is_none() {
        bail!("{origin}: `{pointer}` is not of the form `#/components/<kind>/<name>`");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn component(pointer: &str, value: serde_json::Value, file: &str) -> markdown::Component {
        markdown::Component {
            pointer: pointer.into(),
            block: Block {
                value,
                origin: Origin::new(file, 7),
            },
        }
    }

    const PER_PAGE: &str = "#/components/parameters/per-page";

    fn per_page(description: &str, default: u64) -> serde_json::Value {
        json!({"name": "per_page", "in": "query", "description": description,
            "schema": {"type": "integer", "default": default}})
    }

    #[test]
    fn prose_differences_are_accepted_and_the_primary_wording_wins() {
        for order in [["ghec", "api.github.com"], ["api.github.com", "ghec"]] {
            let mut wordings = Wordings::default();
            for description in order {
                let file = format!("spec/operations/{description}.md");
                let text = format!("see the {description} docs");
                let c = component(PER_PAGE, per_page(&text, 30), &file);
                wordings.add(vec![c], description).unwrap();
            }
            let chosen = wordings.reconcile("api.github.com").unwrap();
            assert_eq!(
                chosen[PER_PAGE].0.value["description"],
                "see the api.github.com docs"
            );
            assert_eq!(chosen[PER_PAGE].1, "api.github.com");
        }
        // Without the primary's wording, the first description in order supplies it.
        let mut wordings = Wordings::default();
        for description in ["ghes-3.17", "ghec"] {
            let c = component(PER_PAGE, per_page(description, 30), "x.md");
            wordings.add(vec![c], description).unwrap();
        }
        let chosen = wordings.reconcile("api.github.com").unwrap();
        assert_eq!(chosen[PER_PAGE].0.value["description"], "ghec");
    }

    #[test]
    fn a_type_difference_is_an_error_naming_both_sources() {
        let mut wordings = Wordings::default();
        let api = component(
            PER_PAGE,
            per_page("a", 30),
            "spec/components/api.github.com-23.0.2.md",
        );
        let ghes = component(
            PER_PAGE,
            per_page("b", 100),
            "spec/operations/orgs-get-audit-log.md",
        );
        wordings.add(vec![api], "api.github.com").unwrap();
        wordings.add(vec![ghes], "ghes-3.17").unwrap();
        let err = wordings
            .reconcile("api.github.com")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "`#/components/parameters/per-page` differs in more than prose (at `/schema/default`) \
             between api.github.com (spec/components/api.github.com-23.0.2.md:7) and ghes-3.17 \
             (spec/operations/orgs-get-audit-log.md:7); import the operations that reach it from \
             one of the two descriptions"
        );
    }

    const PERMISSIONS: &str = "#/components/schemas/app-permissions";

    /// `app-permissions` as GitHub.com (`custom`) or GHES (`enterprise`)
    /// words it, with `id` required when `required` says so.
    fn permissions(extra: &str, required: bool) -> serde_json::Value {
        let mut value = json!({"type": "object", "properties": {
            "id": {"type": "integer"},
            "nested": {"type": "object", "properties": {"a": {"type": "string"}}}}});
        value["properties"][extra] = json!({"type": "string", "enum": ["read", "write"]});
        value["properties"]["nested"]["properties"][extra] = json!({"type": "boolean"});
        if required {
            value["required"] = json!(["id"]);
        }
        value
    }

    fn reconcile_permissions(
        api: serde_json::Value,
        ghes: serde_json::Value,
    ) -> Result<BTreeMap<String, (Block, String)>> {
        let mut wordings = Wordings::default();
        let ghes = component(PERMISSIONS, ghes, "spec/operations/enterprise-admin-x.md");
        let api = component(PERMISSIONS, api, "spec/components/api.github.com-23.0.2.md");
        wordings.add(vec![ghes], "ghes-3.19")?;
        wordings.add(vec![api], "api.github.com")?;
        wordings.reconcile("api.github.com")
    }

    #[test]
    fn optional_properties_one_wording_lacks_reconcile_to_the_primary() {
        // At the top and nested inside a property's schema.
        let api = permissions("custom", true);
        let chosen = reconcile_permissions(api.clone(), permissions("enterprise", true)).unwrap();
        assert_eq!(chosen[PERMISSIONS].0.value, api);
        assert_eq!(chosen[PERMISSIONS].1, "api.github.com");
    }

    #[test]
    fn a_required_property_one_wording_lacks_is_still_an_error_named_where() {
        let mut ghes = permissions("enterprise", true);
        ghes["properties"]["nested"]["required"] = json!(["enterprise"]);
        let mut api = permissions("custom", true);
        api["properties"]["nested"]["required"] = json!(["enterprise"]);
        let err = reconcile_permissions(api, ghes).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "`#/components/schemas/app-permissions` differs in more than prose \
                 (at `/properties/nested/properties/enterprise`) between api.github.com"
            ),
            "{err}"
        );
        // Required in one wording only: the `required` lists differ.
        let err = reconcile_permissions(permissions("custom", true), permissions("custom", false))
            .unwrap_err()
            .to_string();
        assert!(err.contains("(at `/required`)"), "{err}");
    }

    #[test]
    fn one_description_must_word_a_component_one_way_and_examples_may_differ() {
        let mut wordings = Wordings::default();
        wordings
            .add(vec![component(PER_PAGE, per_page("a", 30), "a.md")], "ghec")
            .unwrap();
        wordings
            .add(vec![component(PER_PAGE, per_page("b", 30), "b.md")], "ghec")
            .unwrap();
        let err = wordings
            .reconcile("api.github.com")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("is defined differently in two places: a.md:7 and b.md:7"),
            "{err}"
        );
        let example = "#/components/examples/e";
        let mut wordings = Wordings::default();
        wordings
            .add(
                vec![component(example, json!({"value": [1]}), "a.md")],
                "api.github.com",
            )
            .unwrap();
        wordings
            .add(
                vec![component(example, json!({"value": [2]}), "b.md")],
                "ghec",
            )
            .unwrap();
        let chosen = wordings.reconcile("api.github.com").unwrap();
        assert_eq!(chosen[example].0.value, json!({"value": [1]}));
    }
}
