//! Importing operations from a description, and drift between two.

use super::*;

#[test]
fn importing_from_the_seeds_version_reproduces_the_seed_byte_for_byte() {
    let s = Scratch::new();
    for dir in ["spec/operations", "spec/webhooks", "spec/components"] {
        for entry in std::fs::read_dir(s.path(dir)).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
    }
    let plan = import(&s.root, "seed-description.json", &["orgs/list-pat-grants"]).unwrap();
    let written: Vec<&Path> = plan.outputs.iter().map(|o| o.path.as_path()).collect();
    assert_eq!(
        written,
        [
            Path::new("spec/operations/orgs-list-pat-grants.md"),
            Path::new("spec/components/seed-description-seed.md")
        ]
    );
    // GitHub's document, byte for byte, then where it came from.
    let imported =
        std::fs::read_to_string(s.path("spec/operations/orgs-list-pat-grants.md")).unwrap();
    let seed = std::fs::read_to_string(fixture("000_1b5b0c9d21312f02.txt")).unwrap();
    let provenance = "\n\n## Provenance\n\n```json\n{\n    \"description\": \"seed-description\",\n    \"version\": \"seed\",\n    \"in\": [\n        \"seed-description\"\n    ]\n}\n```";
    assert!(
        imported == format!("{seed}{provenance}"),
        "the import differs from the seed:\n{}",
        similar::TextDiff::from_lines(&seed, &imported).unified_diff()
    );
    // The rest of the closure landed in spec/components/ with its provenance.
    let components =
        std::fs::read_to_string(s.path("spec/components/seed-description-seed.md")).unwrap();
    assert_contains(
        &components,
        &[
            "Copied from `seed-description.json` (`seed-description`, `info.version` seed)",
            "## Provenance\n\n```json\n{\n    \"description\": \"seed-description\",\n    \"version\": \"seed\"\n}\n```",
            "### `#/components/schemas/basic-error`",
            "### `#/components/schemas/simple-user`",
            "### `#/components/schemas/validation-error`",
        ],
    );
    assert!(
        !components.contains("### `#/components/schemas/organization-programmatic-access-grant`"),
        "carried by the operation document itself"
    );
    // Every schema name of the description is kept, imported or not.
    assert_contains(
        &components,
        &[
            "## Schema names",
            "\"organization-programmatic-access-grant\"",
        ],
    );
    // And the result bundles and generates.
    s.generate().unwrap();
}

#[test]
fn an_unknown_operation_id_lists_close_matches_and_writes_nothing() {
    let s = Scratch::new();
    let before = std::fs::read(s.path(OP)).unwrap();
    let err = import(&s.root, "seed-description.json", &["orgs/list-pat-grant"])
        .err()
        .unwrap()
        .to_string();
    assert_contains(
        &err,
        &[
            "no operation `orgs/list-pat-grant`",
            "did you mean: orgs/list-pat-grants",
        ],
    );
    assert_eq!(std::fs::read(s.path(OP)).unwrap(), before);
    let err = import(&s.root, "seed-description.json", &["zzz"])
        .err()
        .unwrap()
        .to_string();
    assert_eq!(err, "no operation `zzz` in the description");
}

#[test]
fn drift_from_the_seed_to_the_spec_finds_githubs_real_changes() {
    // The seed's version as the old side, spec/ (imported from 23.0.2) as the new.
    let old = xtask::openapi::read_description(&fixture("seed-description.json"), Path::new(""));
    let old = serde_json::Value::Object(old.unwrap());
    let new: serde_json::Value =
        serde_json::from_str(&bundle::render(&project_root()).unwrap().contents).unwrap();
    let report = xtask::drift::compare(&old, &new);
    let text = xtask::drift::render_text(&report);
    let op = report
        .operations
        .iter()
        .find(|o| o.operation_id == "orgs/list-pat-grants")
        .unwrap();
    let summary: Vec<(bool, &str)> = op
        .changes
        .iter()
        .map(|c| (c.breaking, c.location.trim()))
        .collect();
    assert_eq!(
        summary,
        [
            (false, "query token_id"),
            (true, "200 [].token_id"),
            (true, "200 [].token_name")
        ],
        "{text}"
    );
    assert_eq!(
        report
            .operations
            .iter()
            .filter(|o| o.status == xtask::drift::Status::Added)
            .count(),
        7,
        "{text}"
    );
}

#[test]
fn a_yaml_description_is_refused_with_a_hint() {
    let err = xtask::import::Index::parse(b"openapi: 3.0.3\n", "api.yaml")
        .err()
        .unwrap()
        .to_string();
    assert_contains(&err, &["api.yaml:1:1", "only JSON descriptions are read"]);
    let err = xtask::import::Index::parse(br#"{"openapi": "3.1.0"}"#, "new.json")
        .err()
        .unwrap()
        .to_string();
    assert_contains(&err, &["new.json: `openapi` must be 3.0.x"]);
}
