//! The checks on spec/: what generate and check refuse, and how they say it.

use super::*;
use xtask::check;

/// Like rust-analyzer's codegen test: plain `cargo test` fails on stale output
/// and names the command that fixes it.
#[test]
fn generated_outputs_are_fresh() {
    let stale = check::stale_outputs(&project_root()).unwrap();
    if !stale.is_empty() {
        panic!("{}", check::report(&stale));
    }
}

#[test]
fn check_fails_when_a_description_changes_until_generate_runs() {
    let s = Scratch::new();
    assert!(
        check::stale_outputs(&s.root).unwrap().is_empty(),
        "the scratch copy starts fresh"
    );
    s.edit(
        OP,
        "\"summary\": \"List fine-grained personal access tokens with access to organization resources\"",
        "\"summary\": \"List approved token grants\"",
    );
    let stale = check::stale_outputs(&s.root).unwrap();
    let report = check::report(&stale);
    assert_contains(
        &report,
        &[
            "-        \"summary\": \"List fine-grained personal access tokens with access to organization resources\"",
            "+        \"summary\": \"List approved token grants\"",
            "+    /**List approved token grants",
            "cargo xtask generate",
        ],
    );
    assert_eq!(
        stale
            .iter()
            .map(|s| s.output.path.to_str().unwrap())
            .collect::<Vec<_>>(),
        ["spec/openapi.json", "generated/client.rs"]
    );
    s.generate().unwrap();
    assert!(check::stale_outputs(&s.root).unwrap().is_empty());
}

#[test]
fn a_hand_edit_to_generated_code_is_caught() {
    let s = Scratch::new();
    s.edit(
        "generated/client.rs",
        "pub struct OrganizationProgrammaticAccessGrant {",
        "pub struct OrganizationProgrammaticAccessGrant { pub extra: u8,",
    );
    let stale = check::stale_outputs(&s.root).unwrap();
    assert_eq!(stale.len(), 1);
    assert_contains(
        &stale[0].diff,
        &["-    pub struct OrganizationProgrammaticAccessGrant { pub extra: u8,"],
    );
}

#[test]
fn the_bundle_carries_the_operation_unchanged_and_nothing_unreferenced() {
    let s = Scratch::new();
    let doc = xtask::markdown::parse_file(&s.path(OP), &s.root).unwrap();
    let bundled: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path(bundle::OPENAPI_JSON)).unwrap()).unwrap();
    assert_eq!(
        bundled["paths"]["/orgs/{org}/personal-access-tokens"]["get"],
        doc.operation.unwrap().value
    );
    // An unreferenced component in spec/components/ does not reach the bundle.
    s.edit(COMPONENTS, "## References\n", "## References\n\n### `#/components/schemas/unused`\n\n```json\n{\"type\": \"string\"}\n```\n");
    let out = bundle::render(&s.root).unwrap();
    assert!(!out.contents.contains("unused"));
    assert_eq!(
        out.contents.as_bytes(),
        std::fs::read(s.path(bundle::OPENAPI_JSON)).unwrap(),
        "deterministic"
    );
}

#[test]
fn malformed_json_names_the_file_and_line() {
    let s = Scratch::new();
    s.edit(
        OP,
        "\"summary\": \"List fine-grained",
        "\"summary\" \"List fine-grained",
    );
    let err = s.expect_error();
    assert_contains(
        &err,
        &[
            "spec/operations/orgs-list-pat-grants.md:13:15",
            "malformed JSON",
        ],
    );
}

#[test]
fn a_malformed_or_unsupported_document_json_is_named() {
    let s = Scratch::new();
    s.edit(
        "spec/document.json",
        "\"openapi\": \"3.0.3\"",
        "\"openapi\": \"3.1.0\"",
    );
    assert_contains(
        &s.expect_error(),
        &["spec/document.json: `openapi` must be 3.0.x, found Some(\"3.1.0\")"],
    );
    s.edit(
        "spec/document.json",
        "\"openapi\": \"3.1.0\"",
        "\"openapi\" \"3.0.3\"",
    );
    assert_contains(
        &s.expect_error(),
        &["spec/document.json:2:", "malformed JSON"],
    );
}

#[test]
fn a_document_without_an_operation_object_is_refused() {
    let s = Scratch::new();
    s.edit(OP, "## Operation Object", "## Operation");
    assert_contains(
        &s.expect_error(),
        &[
            "spec/operations/orgs-list-pat-grants.md",
            "no `## Operation Object`",
        ],
    );
}

#[test]
fn a_document_without_a_method_line_is_refused() {
    let s = Scratch::new();
    s.edit(
        OP,
        "`get /orgs/{org}/personal-access-tokens`",
        "get /orgs/{org}/personal-access-tokens",
    );
    assert_contains(
        &s.expect_error(),
        &[
            "spec/operations/orgs-list-pat-grants.md",
            "no `method path` line",
        ],
    );
}

#[test]
fn an_unresolved_ref_is_named_with_its_chain() {
    let s = Scratch::new();
    s.edit(
        OP,
        "\"$ref\": \"#/components/schemas/simple-user\"",
        "\"$ref\": \"#/components/schemas/simple-usr\"",
    );
    assert_contains(
        &s.expect_error(),
        &[
            "`$ref: #/components/schemas/simple-usr` resolves nowhere",
            "operation `orgs/list-pat-grants` (spec/operations/orgs-list-pat-grants.md:12) -> #/components/schemas/organization-programmatic-access-grant -> #/components/schemas/simple-usr",
        ],
    );
}

#[test]
fn a_component_defined_differently_in_two_places_names_both() {
    let s = Scratch::new();
    s.write(
        "spec/operations/other.md",
        "# Other\n\n`get /other`\n\n## Operation Object\n\n```json\n{\"operationId\": \"other\", \"responses\": {\"200\": {\"description\": \"ok\"}}}\n```\n\n## References\n\n### `#/components/parameters/org`\n\n```json\n{\"name\": \"org\", \"in\": \"path\", \"required\": true, \"schema\": {\"type\": \"integer\"}}\n```\n",
    );
    assert_contains(
        &s.expect_error(),
        &[
            "`#/components/parameters/org` is defined differently in two places: spec/operations/apps-get-org-installation.md:",
            " and spec/operations/other.md:16",
        ],
    );
}

#[test]
fn the_same_component_in_two_places_is_fine_when_equal() {
    let s = Scratch::new();
    s.write(
        "spec/operations/other.md",
        "# Other\n\n`get /other/{org}`\n\n## Operation Object\n\n```json\n{\"operationId\": \"other\", \"parameters\": [{\"$ref\": \"#/components/parameters/org\"}], \"responses\": {\"200\": {\"description\": \"ok\"}}}\n```\n\n## References\n\n### `#/components/parameters/org`\n\n```json\n{\"name\": \"org\", \"description\": \"The organization name. The name is not case sensitive.\", \"in\": \"path\", \"required\": true, \"schema\": {\"type\": \"string\"}}\n```\n",
    );
    let out = bundle::render(&s.root).unwrap();
    assert!(out.contents.contains("\"/other/{org}\""));
}

fn other_operation(id: &str, method_path: &str) -> String {
    format!(
        "# Other\n\n`{method_path}`\n\n## Operation Object\n\n```json\n{{\"operationId\": \"{id}\", \"responses\": {{\"200\": {{\"description\": \"ok\"}}}}}}\n```\n"
    )
}

#[test]
fn a_duplicate_operation_id_is_refused() {
    let s = Scratch::new();
    s.write(
        "spec/operations/zz.md",
        &other_operation("orgs/list-pat-grants", "get /elsewhere"),
    );
    assert_contains(
        &s.expect_error(),
        &[
            "duplicate operationId `orgs/list-pat-grants`",
            "orgs-list-pat-grants.md:12",
            "zz.md:8",
        ],
    );
}

#[test]
fn a_duplicate_method_and_path_is_refused() {
    let s = Scratch::new();
    s.write(
        "spec/operations/zz.md",
        &other_operation("orgs/other", "GET /orgs/{org}/personal-access-tokens"),
    );
    assert_contains(
        &s.expect_error(),
        &[
            "duplicate operation `get /orgs/{org}/personal-access-tokens`",
            "`orgs/list-pat-grants`",
            "`orgs/other`",
        ],
    );
}

#[test]
fn a_webhook_named_twice_is_refused_whatever_its_method() {
    let s = Scratch::new();
    s.write(
        "spec/webhooks/zz.md",
        &other_operation("other-hook", "put personal-access-token-request-created"),
    );
    assert_contains(
        &s.expect_error(),
        &[
            "duplicate webhook `put personal-access-token-request-created`",
            "at spec/webhooks/personal-access-token-request-created.md:",
            "`other-hook` at spec/webhooks/zz.md:8",
        ],
    );
}

#[test]
fn a_ref_to_another_file_or_a_url_is_refused() {
    for (target, says) in [
        ("other.json#/components/schemas/x", "points to another file"),
        ("https://example.com/s.json#/x", "points to a URL"),
    ] {
        let s = Scratch::new();
        s.edit(
            OP,
            "\"$ref\": \"#/components/schemas/simple-user\"",
            &format!("\"$ref\": \"{target}\""),
        );
        assert_contains(
            &s.expect_error(),
            &[
                says,
                target,
                "reads nothing outside spec/",
                "-> #/components/schemas/organization-programmatic-access-grant",
            ],
        );
    }
}

#[test]
fn a_malformed_component_document_is_named() {
    let s = Scratch::new();
    s.edit(
        COMPONENTS,
        "\"title\": \"Basic Error\",",
        "\"title\": \"Basic Error\"",
    );
    assert_contains(
        &s.expect_error(),
        &[
            "spec/components/api.github.com-23.0.2.md:",
            "malformed JSON",
        ],
    );
}

#[test]
fn outputs_are_written_atomically_and_only_when_changed() {
    let s = Scratch::new();
    let before = std::fs::metadata(s.path(generate::CLIENT_RS))
        .unwrap()
        .modified()
        .unwrap();
    s.generate().unwrap();
    assert_eq!(
        std::fs::metadata(s.path(generate::CLIENT_RS))
            .unwrap()
            .modified()
            .unwrap(),
        before
    );
    // No temporary files are left behind.
    let mut leftovers: Vec<_> = std::fs::read_dir(s.path("generated"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    leftovers.sort();
    assert_eq!(leftovers, ["client.rs", "golden.rs"]);
    let _ = Path::new("");
}
