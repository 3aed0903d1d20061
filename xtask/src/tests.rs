//! End-to-end tests of the tasks, on the real spec/ and on broken copies of it.

use std::path::{Path, PathBuf};

use crate::project::project_root;
use crate::{bundle, check, generate, output};

/// Like rust-analyzer's codegen test: plain `cargo test` fails on stale output
/// and names the command that fixes it.
#[test]
fn generated_outputs_are_fresh() {
    let stale = check::stale_outputs(&project_root()).unwrap();
    if !stale.is_empty() {
        panic!("{}", check::report(&stale));
    }
}

/// A scratch copy of spec/ and generated/.
struct Scratch {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        for sub in [
            "spec",
            "spec/operations",
            "spec/webhooks",
            "spec/components",
            "spec/overlays",
            "generated",
        ] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
            for entry in std::fs::read_dir(project_root().join(sub)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    std::fs::copy(&path, root.join(sub).join(path.file_name().unwrap())).unwrap();
                }
            }
        }
        Scratch { _dir: dir, root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.path(rel)).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(self.path(rel), text.replacen(from, to, 1)).unwrap();
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }

    fn outputs(&self) -> Vec<Vec<u8>> {
        [
            bundle::OPENAPI_JSON,
            generate::CLIENT_RS,
            generate::GOLDEN_RS,
        ]
        .iter()
        .map(|p| std::fs::read(self.path(p)).unwrap())
        .collect()
    }

    /// What `cargo xtask generate` does: render everything, then write.
    fn generate(&self) -> anyhow::Result<()> {
        let outputs = generate::render(&self.root)?;
        output::write_all(&self.root, &outputs)
    }

    /// Runs generate, expects it to fail, and checks that nothing changed on disk.
    fn expect_error(&self) -> String {
        let before = self.outputs();
        let err = format!("{:#}", self.generate().expect_err("generate should fail"));
        assert!(before == self.outputs(), "a failed run changed an output");
        err
    }
}

const OP: &str = "spec/operations/orgs-list-pat-grants.md";
const COMPONENTS: &str = "spec/components/api.github.com-23.0.2.md";

fn assert_contains(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(haystack.contains(n), "expected {n:?} in:\n{haystack}");
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
    let doc = crate::markdown::parse_file(&s.path(OP), &s.root).unwrap();
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

fn fixture(name: &str) -> PathBuf {
    project_root().join("xtask/tests/fixtures").join(name)
}

/// What `cargo xtask import --from <fixture> --operation ...` does.
fn import(root: &Path, fixture_name: &str, ids: &[&str]) -> anyhow::Result<crate::import::Plan> {
    let from = fixture(fixture_name);
    let request = crate::import::Request {
        operations: ids.iter().map(|s| s.to_string()).collect(),
        webhooks: Vec::new(),
        beside: crate::descriptions::beside(&from),
    };
    crate::import::run(root, &from, &request)
}

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
    let old = crate::openapi::read_description(&fixture("seed-description.json")).unwrap();
    let new: serde_json::Value =
        serde_json::from_str(&bundle::render(&project_root()).unwrap().contents).unwrap();
    let report = crate::drift::compare(&old, &new);
    let text = crate::drift::render_text(&report);
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
            .filter(|o| o.status == crate::drift::Status::Added)
            .count(),
        7,
        "{text}"
    );
}

#[test]
fn a_yaml_description_is_refused_with_a_hint() {
    let err = crate::import::Index::parse(b"openapi: 3.0.3\n", "api.yaml")
        .err()
        .unwrap()
        .to_string();
    assert_contains(&err, &["api.yaml:1:1", "only JSON descriptions are read"]);
    let err = crate::import::Index::parse(br#"{"openapi": "3.1.0"}"#, "new.json")
        .err()
        .unwrap()
        .to_string();
    assert_contains(&err, &["new.json: `openapi` must be 3.0.x"]);
}

#[test]
fn struct_builders_are_kept_only_for_request_bodies() {
    let client = std::fs::read_to_string(project_root().join(generate::CLIENT_RS)).unwrap();
    // progenitor's body_map uses these...
    assert!(client.contains(
        "pub struct OrgsUpdatePatAccessBody {\n            action: ::std::result::Result<"
    ));
    assert!(client.contains("pub fn builder() -> builder::OrgsUpdatePatAccessBody"));
    // ...and nothing uses a builder for a model that only comes back from GitHub.
    assert!(!client.contains("pub fn builder() -> builder::SimpleUser"));
    assert!(!client.contains("impl ::std::default::Default for SimpleUser {"));
}

#[test]
fn every_operations_send_compiles_where_it_is_called() {
    let client = std::fs::read_to_string(project_root().join(generate::CLIENT_RS)).unwrap();
    let operations = client.matches("const OPERATION_ID: &'static str").count();
    let sends: Vec<_> = client.match_indices("pub async fn send(").collect();
    assert!(operations > 0);
    assert_eq!(sends.len(), operations, "one send per operation");
    // Each `send` and the boxed `send_raw` over it are `#[inline]`, so a
    // program, not the SDK, compiles the decoders of the operations it calls.
    for (at, _) in sends {
        let before = client[..at].trim_end();
        assert!(
            before.ends_with("#[inline]"),
            "send without #[inline]: {}",
            &client[at..at + 80]
        );
    }
    assert_eq!(
        client.matches("#[inline]\n        fn send_raw(").count(),
        operations
    );
    // So is the decoding of webhook payloads: a program that receives none
    // does not compile their decoders.
    if client.contains("pub enum WebhookEvent") {
        assert!(
            client.contains("#[inline]\n    pub(crate) fn decode("),
            "WebhookEvent::decode without #[inline]"
        );
    }
}

/// Every item of generated code by name (a method as `fn name`), with its `cfg`s.
fn item_cfgs(client: &str) -> Vec<(String, Vec<String>)> {
    fn cfgs(items: &[syn::Item], out: &mut Vec<(String, Vec<String>)>) {
        for item in items {
            let (name, attrs) = match item {
                syn::Item::Struct(s) => (s.ident.to_string(), &s.attrs),
                syn::Item::Enum(e) => (e.ident.to_string(), &e.attrs),
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        cfgs(inner, out);
                    }
                    continue;
                }
                syn::Item::Impl(imp) => {
                    for member in &imp.items {
                        if let syn::ImplItem::Fn(f) = member {
                            out.push((format!("fn {}", f.sig.ident), conditions(&f.attrs)));
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            out.push((name, conditions(attrs)));
        }
    }
    fn conditions(attrs: &[syn::Attribute]) -> Vec<String> {
        attrs
            .iter()
            .filter(|a| a.path().is_ident("cfg"))
            .map(|a| quote::quote!(#a).to_string().replace(' ', ""))
            .collect()
    }
    let file = syn::parse_file(client).unwrap();
    let mut items = Vec::new();
    cfgs(&file.items, &mut items);
    items
}

#[test]
fn features_gate_the_app_operations_and_webhooks_and_only_what_they_alone_reach() {
    let client = std::fs::read_to_string(project_root().join(generate::CLIENT_RS)).unwrap();
    let items = item_cfgs(&client);
    let cfg_of = |name: &str| -> Vec<String> {
        let found: Vec<&Vec<String>> = items
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, c)| c)
            .collect();
        assert!(!found.is_empty(), "no item `{name}` in generated/client.rs");
        found[0].clone()
    };
    let apps = vec![r#"#[cfg(feature="apps")]"#.to_string()];
    let webhooks = vec![r#"#[cfg(feature="webhooks")]"#.to_string()];
    // The App operations, their category, and the models only they use.
    for name in [
        "fn apps_list_installations",
        "fn apps",
        "Apps",
        "AppsListInstallations",
        "AppPermissions",
        "AppPermissionsOrganizationPersonalAccessTokens",
        "Installation",
        "Repository",
    ] {
        assert_eq!(cfg_of(name), apps, "{name}");
    }
    assert_eq!(cfg_of("WebhookEvent"), webhooks);
    assert_eq!(cfg_of("WebhookPersonalAccessTokenRequestCreated"), webhooks);
    assert_eq!(cfg_of("PersonalAccessTokenRequest"), webhooks);
    // The token operations, and the models they use, are always there,
    // `SecurityAndAnalysis` too although the gated `Repository` uses it as well.
    for name in [
        "fn orgs_list_pat_grants",
        "fn orgs",
        "OrgsListPatGrants",
        "OrganizationProgrammaticAccessGrant",
        "SimpleUser",
        "MinimalRepository",
        "SecurityAndAnalysis",
        "BasicError",
    ] {
        assert!(cfg_of(name).is_empty(), "{name} is gated");
    }
    // The golden table knows which rows a feature leaves out.
    let golden = std::fs::read_to_string(project_root().join(generate::GOLDEN_RS)).unwrap();
    assert!(golden.contains(
        "    #[cfg(feature = \"apps\")]\n    types.push((\"#/components/schemas/app-permissions\", Some(round_trip::<types::AppPermissions>)));\n    #[cfg(not(feature = \"apps\"))]\n    types.push((\"#/components/schemas/app-permissions\", None));\n"
    ));
    assert!(golden.contains(
        "    types.push((\"#/components/schemas/simple-user\", Some(round_trip::<types::SimpleUser>)));\n"
    ));
}

/// A project with spec/document.json and nothing imported yet.
fn empty_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("spec/operations")).unwrap();
    std::fs::copy(
        project_root().join("spec/document.json"),
        dir.path().join("spec/document.json"),
    )
    .unwrap();
    dir
}

/// What `cargo xtask import --from <fixture> --operation ...` and then
/// `cargo xtask generate` do.
fn import_and_generate(root: &Path, fixture_name: &str, ids: &[&str]) {
    import(root, fixture_name, ids).unwrap();
    let outputs = generate::render(root).unwrap();
    output::write_all(root, &outputs).unwrap();
}

/// Every generated output, by path.
fn generated(root: &Path) -> Vec<(&'static str, String)> {
    [
        bundle::OPENAPI_JSON,
        generate::CLIENT_RS,
        generate::GOLDEN_RS,
    ]
    .into_iter()
    .map(|p| (p, std::fs::read_to_string(root.join(p)).unwrap()))
    .collect()
}

/// The public types of the generated `types` module, each with its tokens.
fn public_types(root: &Path) -> std::collections::BTreeMap<String, String> {
    let text = std::fs::read_to_string(root.join(generate::CLIENT_RS)).unwrap();
    let file: syn::File = syn::parse_str(&text).unwrap();
    let mut found = std::collections::BTreeMap::new();
    for item in &file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        for item in &m.content.as_ref().unwrap().1 {
            let name = match item {
                syn::Item::Struct(s) => s.ident.to_string(),
                syn::Item::Enum(e) => e.ident.to_string(),
                _ => continue,
            };
            found.insert(name, quote::quote!(#item).to_string());
        }
    }
    found
}

#[test]
fn importing_another_operation_renames_nothing_whatever_the_order() {
    // `things/get-analysis` has an inline `status` enum that typify would name
    // `AnalysisStatus`, the name of the component `analysis-status` that the
    // other operation brings.
    const A: &str = "things/get-analysis";
    const B: &str = "things/list-analysis-statuses";
    const FROM: &str = "naming-description.json";

    let a_first = empty_project();
    import_and_generate(a_first.path(), FROM, &[A]);
    let a_alone = public_types(a_first.path());
    import_and_generate(a_first.path(), FROM, &[B]);

    let b_first = empty_project();
    import_and_generate(b_first.path(), FROM, &[B]);
    let b_alone = public_types(b_first.path());
    import_and_generate(b_first.path(), FROM, &[A]);

    assert!(
        generated(a_first.path()) == generated(b_first.path()),
        "the outputs depend on the order of the imports"
    );
    let both = public_types(a_first.path());
    for (name, tokens) in a_alone.iter().chain(&b_alone) {
        assert_eq!(
            both.get(name),
            Some(tokens),
            "`{name}` changed when the other operation was imported"
        );
    }
    // The inline enum kept clear of the component's name before the
    // component was imported, because the description has it.
    assert!(a_alone.contains_key("AnalysisStatusInline"), "{a_alone:#?}");
    assert!(!a_alone.contains_key("AnalysisStatus"));
    assert!(both.contains_key("AnalysisStatus"));
}

#[test]
fn a_nullable_twin_is_the_same_type_before_and_after_its_original_is_imported() {
    // `things/get-analysis` refers to `nullable-owner` only; `things/get-owner`
    // brings `owner` itself, as a member of a union. The twin is
    // `Option<Owner>` from the start.
    let root = empty_project();
    import_and_generate(
        root.path(),
        "naming-description.json",
        &["things/get-analysis"],
    );
    let alone = public_types(root.path());
    import_and_generate(
        root.path(),
        "naming-description.json",
        &["things/get-owner"],
    );
    let both = public_types(root.path());
    assert!(
        alone["NullableOwner"].contains("Option < Owner >"),
        "{}",
        alone["NullableOwner"]
    );
    assert_eq!(alone.get("NullableOwner"), both.get("NullableOwner"));
    assert_eq!(alone.get("Owner"), both.get("Owner"));
    // `owner`'s `kind` tells the members of `things/get-owner`'s union
    // apart, so it is closed (no `Unknown`), and was before that operation
    // came: the description says so (`## Union tags` in spec/components).
    assert!(
        !alone["OwnerKind"].contains("Unknown"),
        "{}",
        alone["OwnerKind"]
    );
    assert_eq!(alone.get("OwnerKind"), both.get("OwnerKind"));
}
