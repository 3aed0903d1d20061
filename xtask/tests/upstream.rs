#![forbid(unsafe_code)]
//! `.github/scripts/upstream.sh`, the steps of the weekly upstream workflow
//! that can run here: which descriptions spec/ draws from, what counts as a
//! change, and the pull request's body from real `cargo xtask drift --format json` reports (made
//! by `drift::compare` from the drift fixtures), breaking changes first.
//! They need bash and jq, as the workflow's runner has them.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn upstream(args: &[&str]) -> String {
    let output = Command::new("bash")
        .arg(root().join(".github/scripts/upstream.sh"))
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn fixture(name: &str) -> Value {
    let path = root().join("xtask/tests/fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_descriptions_are_those_spec_was_imported_from_api_github_com_first() {
    let names = upstream(&["descriptions"]);
    let names: Vec<&str> = names.lines().collect();
    assert_eq!(names.first(), Some(&"api.github.com.json"), "{names:?}");
    // The SAML credential authorizations and the audit log come from GitHub
    // Enterprise Cloud's description (their documents' provenance).
    assert!(names.contains(&"ghec.json"), "{names:?}");
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique, names);
}

/// The drift report as upstream.sh writes it: xtask's JSON with the
/// description's name added.
fn report(description: &str) -> Value {
    let report = xtask::drift::compare(&fixture("drift-old.json"), &fixture("drift-new.json"));
    let mut value = serde_json::to_value(&report).unwrap();
    value["description"] = description.into();
    value
}

#[test]
fn the_body_puts_breaking_changes_first_and_lists_added_operations_apart() {
    let out = tempfile::tempdir().unwrap();
    let value = report("api.github.com.json");
    std::fs::write(
        out.path().join("api.github.com.drift.json"),
        value.to_string(),
    )
    .unwrap();
    let body = upstream(&["body", out.path().to_str().unwrap(), "24.0.0", "passed"]);

    let changes = |breaking: bool, added: bool| -> usize {
        value["operations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|op| (op["status"] == "added") == added)
            .flat_map(|op| op["changes"].as_array().unwrap())
            .filter(|c| c["breaking"] == breaking)
            .count()
    };
    let (breaking, other) = (changes(true, false), changes(false, false));
    assert!(breaking > 0 && other > 0, "the fixtures have both kinds");
    assert!(
        body.starts_with(&format!(
            "GitHub published `@octokit/openapi` 24.0.0: {} changes to the operations and webhooks in `spec/`, {breaking} of them breaking.",
            breaking + other
        )),
        "{body}"
    );
    assert!(
        body.contains("| `api.github.com.json` | 1.0.0 | 2.0.0 |"),
        "{body}"
    );
    assert!(body.contains("**Breaking.** Before 1.0"), "{body}");
    let section = |title: &str| -> Vec<&str> {
        let start = body
            .find(title)
            .unwrap_or_else(|| panic!("no {title}: {body}"));
        body[start + title.len()..]
            .lines()
            .skip_while(|l| l.is_empty())
            .take_while(|l| l.starts_with("- "))
            .collect()
    };
    let first = section("### Breaking changes\n");
    let second = section("### Other changes\n");
    assert_eq!((first.len(), second.len()), (breaking, other), "{body}");
    assert!(body.find("### Breaking changes").unwrap() < body.find("### Other changes").unwrap());
    assert!(
        first.iter().all(|l| l.ends_with("_(api.github.com.json)_")),
        "{first:?}"
    );
    assert!(body.contains("`cargo test --workspace --locked` on the regenerated SDK: **passed**."));
}

#[test]
fn drift_counts_changes_to_spec_not_the_operations_beside_it() {
    // Two descriptions' reports in one folder, as upstream.sh drift leaves them.
    let out = tempfile::tempdir().unwrap();
    for name in ["api.github.com", "ghec"] {
        std::fs::write(
            out.path().join(format!("{name}.drift.json")),
            report(&format!("{name}.json")).to_string(),
        )
        .unwrap();
    }
    let value = report("x");
    let kept: Vec<&Value> = value["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["status"] != "added")
        .flat_map(|op| op["changes"].as_array().unwrap())
        .collect();
    let breaking = kept.iter().filter(|c| c["breaking"] == true).count();
    let all = value["operations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|op| op["changes"].as_array().unwrap())
        .count();
    assert!(
        all > kept.len(),
        "the fixtures have an operation beside spec/'s"
    );
    let counted = upstream(&["count", out.path().to_str().unwrap()]);
    assert_eq!(
        counted,
        format!("changes={}\nbreaking={}\n", 2 * kept.len(), 2 * breaking)
    );
}
