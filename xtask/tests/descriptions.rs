#![forbid(unsafe_code)]
//! Operations from several of GitHub's descriptions in one spec/, as a
//! maintainer runs the commands: `cargo xtask import`, `generate` and
//! `drift` on a scratch project, with small descriptions in GitHub's layout
//! (`tests/fixtures/descriptions/`: `api.github.com`, `ghec`, `ghes-3.19`,
//! each holding some of the others' operations).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/descriptions")
        .join(name)
}

/// A scratch project: spec/document.json with the SDK's product features,
/// and nothing imported yet.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("spec/operations")).unwrap();
        let document = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Scratch", "version": "2022-11-28"},
            "servers": [{"url": "https://api.github.com"}],
            "x-primary-description": "api.github.com",
            "x-cargo-features": {"ghec": {"only_in": ["ghec"]}, "ghes": {"only_in": ["ghes"]}}
        });
        let text = serde_json::to_string_pretty(&document).unwrap();
        std::fs::write(dir.path().join("spec/document.json"), text).unwrap();
        Project { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            // Keeps the descriptions' layouts (see import/cache.rs) in the scratch project.
            .env("CARGO_TARGET_DIR", self.root().join("target"))
            .output()
            .unwrap()
    }

    /// `cargo xtask import --from <fixture> --operation ...`, which must succeed; its stderr.
    fn import(&self, description: &str, ids: &[&str]) -> String {
        let from = fixture(description);
        let mut args = vec!["import", "--from", from.to_str().unwrap()];
        for id in ids {
            args.extend(["--operation", id]);
        }
        let out = self.xtask(&args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{stderr}");
        stderr
    }

    fn generate(&self) -> Output {
        self.xtask(&["generate"])
    }

    /// `cargo xtask generate`, which must succeed.
    fn generate_ok(&self) {
        let out = self.generate();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Whether the project holds `path`.
    fn has(&self, path: &str) -> bool {
        self.root().join(path).exists()
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root().join(path)).unwrap()
    }
}

#[test]
fn an_import_takes_the_operation_from_the_named_description_says_where_else_it_is_and_records_it() {
    let p = Project::new();
    let said = p.import("ghec.json", &["orgs/list-things"]);
    assert!(
        said.contains("orgs/list-things: from ghec 1.0.0; also in api.github.com, ghes-3.19\n"),
        "{said}"
    );
    let doc = p.read("spec/operations/orgs-list-things.md");
    assert!(
        doc.ends_with(
            "## Provenance\n\n```json\n{\n    \"description\": \"ghec\",\n    \"version\": \"1.0.0\",\n    \
             \"in\": [\n        \"api.github.com\",\n        \"ghec\",\n        \"ghes-3.19\"\n    ]\n}\n```"
        ),
        "{doc}"
    );
    // Taken from GHEC: its wording of the operation, not GitHub.com's.
    assert!(doc.contains("docs.github.com/enterprise-cloud@latest/rest/orgs/things"));
    assert!(doc.contains("### `#/components/schemas/thing`"));
    let components = p.read("spec/components/ghec-1.0.0.md");
    assert!(components.ends_with(
        "## Provenance\n\n```json\n{\n    \"description\": \"ghec\",\n    \"version\": \"1.0.0\"\n}\n```\n"
    ));
    // Taken again from GitHub.com, it replaces GHEC's, whose components go.
    let said = p.import("api.github.com.json", &["orgs/list-things"]);
    assert!(said.contains("(replaces the document from ghec)"), "{said}");
    assert!(
        said.contains("removed spec/components/ghec-1.0.0.md"),
        "{said}"
    );
    assert!(!p.has("spec/components/ghec-1.0.0.md"));
    assert!(p.has("spec/components/api.github.com-1.0.0.md"));
}

#[test]
fn a_component_two_descriptions_word_differently_in_prose_comes_from_the_primary() {
    let p = Project::new();
    p.import("ghec.json", &["orgs/get-audit-log"]);
    p.import("api.github.com.json", &["orgs/list-things"]);
    p.generate_ok();
    let bundled: serde_json::Value = serde_json::from_str(&p.read("spec/openapi.json")).unwrap();
    let per_page = &bundled["components"]["parameters"]["per-page"]["description"];
    // Both operations carry `per-page`, worded for GitHub.com and for GHEC.
    assert!(
        per_page
            .as_str()
            .unwrap()
            .contains("(https://docs.github.com/rest/"),
        "{per_page}"
    );
}

#[test]
fn a_component_two_descriptions_type_differently_is_an_error_naming_both() {
    let p = Project::new();
    p.import("api.github.com.json", &["orgs/list-things"]);
    p.generate_ok();
    let before = p.read("spec/openapi.json");
    // GHEC's `thing` has a required field GitHub.com's lacks (an optional
    // one would reconcile to GitHub.com's wording).
    p.import("ghec.json", &["enterprise-admin/get-thing"]);
    let out = p.generate();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "`#/components/schemas/thing` differs in more than prose (at `/properties/enterprise_id`) \
             between api.github.com (spec/operations/orgs-list-things.md:"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("and ghec (spec/operations/enterprise-admin-get-thing.md:"),
        "{stderr}"
    );
    assert_eq!(
        p.read("spec/openapi.json"),
        before,
        "a failed run writes nothing"
    );
}

#[test]
fn drift_compares_one_descriptions_operations_and_never_calls_anothers_removed() {
    let p = Project::new();
    p.import("api.github.com.json", &["orgs/list-things"]);
    p.import("ghec.json", &["orgs/get-audit-log"]);
    let drift = |description: &str| {
        let from = fixture(description);
        let out = p.xtask(&[
            "drift",
            "--from",
            from.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        report["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|op| {
                let status = op["status"].as_str().unwrap();
                format!("{} {status}", op["operationId"].as_str().unwrap())
            })
            .collect::<Vec<_>>()
    };
    // GitHub.com has no audit log: it is GHEC's, not removed.
    assert_eq!(drift("api.github.com.json"), ["orgs/list-things unchanged"]);
    // GHEC's `thing` differs from GitHub.com's, but spec/ took the listing from GitHub.com.
    assert_eq!(drift("ghec.json"), ["orgs/get-audit-log unchanged"]);
    // A description spec/ took nothing from is named as such.
    let ghes = fixture("ghes-3.19.json");
    let out = p.xtask(&["drift", "--from", ghes.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("spec/ holds no operation from `ghes-3.19`")
            && stderr.contains("api.github.com, ghec"),
        "{stderr}"
    );
}

#[test]
fn operations_only_enterprise_offers_are_behind_its_features_with_rustdoc_saying_so() {
    let p = Project::new();
    p.import("api.github.com.json", &["orgs/list-things"]);
    p.import(
        "ghec.json",
        &[
            "orgs/get-audit-log",
            "enterprise-admin/get-server-statistics",
        ],
    );
    p.import("ghes-3.19.json", &["enterprise-admin/license-upload"]);
    p.generate_ok();
    let client = p.read("generated/client.rs");
    // The attributes right above an item.
    let attributes = |item: &str| {
        let at = client.find(item).unwrap_or_else(|| panic!("no `{item}`"));
        let above: Vec<&str> = client[..at].trim_end().lines().rev().collect();
        let attributes: Vec<&str> = above
            .into_iter()
            .take_while(|l| l.trim_start().starts_with("#["))
            .map(str::trim)
            .collect();
        attributes.join(" ")
    };
    let gated = |item: &str, cfg: &str| attributes(item).contains(cfg);
    assert!(gated(
        "pub struct OrgsGetAuditLog<'a>",
        r#"#[cfg(any(feature = "ghec", feature = "ghes"))]"#
    ));
    assert!(gated(
        "pub struct EnterpriseAdminLicenseUpload<'a>",
        r#"#[cfg(feature = "ghes")]"#
    ));
    assert!(gated(
        "pub struct AuditLogEvent {",
        r#"#[cfg(any(feature = "ghec", feature = "ghes"))]"#
    ));
    // A category whose operations are all gated, by one feature or another,
    // is compiled with either; each method keeps its own condition.
    let either = r#"#[cfg(any(feature = "ghec", feature = "ghes"))]"#;
    assert!(gated("pub fn enterprise_admin(&self)", either));
    assert!(gated("pub struct EnterpriseAdmin<'a>", either));
    assert!(gated("impl<'a> EnterpriseAdmin<'a>", either));
    assert!(gated(
        "pub fn license_upload(",
        r#"#[cfg(feature = "ghes")]"#
    ));
    assert!(gated(
        "pub fn get_server_statistics(",
        r#"#[cfg(feature = "ghec")]"#
    ));
    // GitHub.com's operation and its models are in every build.
    assert!(!gated("pub struct OrgsListThings<'a>", "cfg"));
    assert!(!gated("pub struct Thing {", "cfg"));
    assert!(client.contains(
        "Offered by GitHub Enterprise Cloud and GitHub Enterprise Server 3.19 \
         (GitHub's descriptions: ghec, ghes-3.19).\n\nCompiled with the Cargo feature `ghec` or `ghes`."
    ));
    assert!(client.contains(
        "Offered by GitHub Enterprise Server 3.19 (GitHub's descriptions: ghes-3.19).\n\n\
         Compiled with the Cargo feature `ghes`."
    ));
}

#[test]
fn an_example_outside_the_description_is_left_out_and_a_schema_outside_it_is_an_error() {
    let p = Project::new();
    let said = p.import("ghec.json", &["enterprise-admin/get-server-statistics"]);
    assert!(
        said.contains(
            "warning: operation `enterprise-admin/get-server-statistics`: example `default` refers to \
             `server-statistics-actions.yaml` outside ghec.json; left out\n"
        ),
        "{said}"
    );
    let doc = p.read("spec/operations/enterprise-admin-get-server-statistics.md");
    assert!(!doc.contains("\"examples\""), "{doc}");
    p.generate_ok();

    let from = fixture("ghec.json");
    let out = p.xtask(&[
        "import",
        "--from",
        from.to_str().unwrap(),
        "--operation",
        "enterprise-admin/get-elsewhere",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("ghec.json is not self-contained")
            && stderr
                .contains("`$ref: other.yaml#/components/schemas/data` points to another file")
            && stderr.contains("operation `enterprise-admin/get-elsewhere` of ghec"),
        "{stderr}"
    );
    assert!(!p.has("spec/operations/enterprise-admin-get-elsewhere.md"));
}

#[test]
fn json_media_types_are_known_by_their_structure() {
    let p = Project::new();
    p.import("ghec.json", &["scim/update-group"]);
    p.generate_ok();
    let client = p.read("generated/client.rs");
    // The `application/scim+json` answer is typed, its 204 `None`...
    assert!(
        client.contains("type Output = ::std::option::Option<types::Group>;"),
        "typed"
    );
    // ...and the body is sent as what it is.
    assert!(client.contains(
        "::reqwest::header::CONTENT_TYPE,\n                    ::reqwest::header::HeaderValue::from_static(\"application/scim+json\"),"
    ));
}

#[test]
fn multipart_bodies_are_sent_typed_when_their_fields_are_plain_else_as_bytes() {
    let p = Project::new();
    p.import(
        "ghes-3.19.json",
        &[
            "enterprise-admin/license-upload",
            "enterprise-admin/upload-package",
        ],
    );
    p.generate_ok();
    let client = p.read("generated/client.rs");
    // A form of plain fields: typed, encoded by the generated encoder.
    assert!(client.contains("let (content_type, bytes) = multipart_form_data(&body)"));
    assert!(client.contains("pub(crate) fn multipart_form_data<T: ::serde::Serialize>("));
    assert!(client.contains("pub struct EnterpriseAdminLicenseUploadBody {"));
    // A file: the caller's bytes, with the boundary in its content type.
    assert!(client.contains("pub fn content_type<V>(mut self, value: V) -> Self"));
    assert!(client.contains("- `content_type`: `multipart/form-data; boundary=...`: the boundary"));
    assert!(client.contains("header_map.append(\"content-type\", content_type"));
}

#[test]
fn generate_refuses_a_feature_the_manifest_does_not_declare() {
    let p = Project::new();
    p.import("ghec.json", &["orgs/get-audit-log"]);
    std::fs::write(
        p.root().join("Cargo.toml"),
        "[package]\nname = \"scratch\"\n\n[features]\nghec = []\n\n[dependencies]\n",
    )
    .unwrap();
    let out = p.generate();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("gates code behind the feature `ghes`")
            && stderr.contains("add `ghes = []` under [features]"),
        "{stderr}"
    );
    std::fs::write(
        p.root().join("Cargo.toml"),
        "[package]\nname = \"scratch\"\n\n[features]\nghec = []\nghes = []\n",
    )
    .unwrap();
    p.generate_ok();
}

#[test]
fn an_import_reads_a_description_once_and_then_from_what_it_kept() {
    let first = Project::new();
    first.import("ghec.json", &["orgs/get-audit-log", "scim/update-group"]);
    let kept: Vec<PathBuf> = std::fs::read_dir(first.root().join("target/xtask/descriptions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    // The same import again, from what was kept: the same documents.
    let second = Project::new();
    std::fs::create_dir_all(second.root().join("target/xtask")).unwrap();
    std::fs::rename(
        first.root().join("target/xtask/descriptions"),
        second.root().join("target/xtask/descriptions"),
    )
    .unwrap();
    second.import("ghec.json", &["orgs/get-audit-log", "scim/update-group"]);
    for doc in [
        "spec/operations/orgs-get-audit-log.md",
        "spec/operations/scim-update-group.md",
        "spec/components/ghec-1.0.0.md",
    ] {
        assert_eq!(first.read(doc), second.read(doc), "{doc}");
    }
}

#[test]
fn importing_from_another_description_changes_no_model_of_the_first() {
    let p = Project::new();
    p.import("api.github.com.json", &["orgs/list-things"]);
    p.generate_ok();
    // Every model of the `types` module, item by item (its `builder`
    // module gains the new request bodies' builders).
    let models = |client: &str| -> Vec<String> {
        let start = client.find("pub mod types {").unwrap();
        let end = client[start..].find("\n}\n").unwrap() + start;
        client[start..end]
            .split("\n    ///")
            .filter(|item| !item.contains("pub mod "))
            .map(str::to_string)
            .collect()
    };
    let before = models(&p.read("generated/client.rs"));
    p.import("ghec.json", &["orgs/get-audit-log"]);
    p.import("ghes-3.19.json", &["enterprise-admin/license-upload"]);
    p.generate_ok();
    let after = models(&p.read("generated/client.rs"));
    for model in &before {
        assert!(
            after.contains(model),
            "changed by the other descriptions:\n{model}"
        );
    }
}
