//! The generated client's shape: builders, `#[inline]` sends, what features
//! gate, and type names that stay put whatever is imported.

use super::*;

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
    ] {
        assert_eq!(cfg_of(name), apps, "{name}");
    }
    // An issue holds its repository: `Repository` is there with either
    // feature, and so is a license and its nullable twin, which no default
    // operation returns.
    let apps_or_issues = vec![r#"#[cfg(any(feature="apps",feature="issues"))]"#.to_string()];
    for name in ["Repository", "LicenseSimple", "NullableLicenseSimple"] {
        assert_eq!(cfg_of(name), apps_or_issues, "{name}");
    }
    let issues = vec![r#"#[cfg(feature="issues")]"#.to_string()];
    for name in ["fn issues", "Issue", "IssueComment", "NullableIssueComment"] {
        assert_eq!(cfg_of(name), issues, "{name}");
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
        "NullableSimpleUser",
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
