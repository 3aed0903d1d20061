#![forbid(unsafe_code)]
//! `pat-audit audit` over SAML credential authorizations and installed
//! Apps, run as a user runs it, against the GitHub stand-in: every finding
//! at its boundary, organizations without SAML SSO or without the
//! "Administration" permission, `--kind`, and every format parsed back.

mod common;

use chrono::TimeDelta;
use common::{
    assert_contract_keys, audit, csv_keys, github, json_lines, keys, markdown_keys, now, serve,
};
use github_standin::{Builder, Credential, Failure, InstalledApp, Org};
use predicates::prelude::*;
use predicates::str::contains;

const SECOND: TimeDelta = TimeDelta::seconds(1);

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

/// An OAuth app token with no findings: a narrow scope, used yesterday,
/// authorized ten days ago, expiring in sixty days. Each case changes one thing.
fn clean(id: i64) -> Credential {
    Credential::oauth_app_token(id, "octocat")
        .scopes(["read:user"])
        .authorized_at(now() - days(10))
        .accessed_at(Some(now() - days(1)))
        .expires_at(Some(now() + days(60)))
}

/// Credentials of the four types at and around every boundary, and Apps
/// installed at every level.
fn boundaries() -> Org {
    let credentials = vec![
        clean(1).expires_at(Some(now() + days(14))),
        clean(2).expires_at(Some(now() + days(14) + SECOND)),
        clean(3).expires_at(Some(now())),
        clean(4).expires_at(Some(now() + SECOND)),
        clean(5).expires_at(None),
        clean(6).accessed_at(Some(now() - days(90))),
        clean(7).accessed_at(Some(now() - days(90) - SECOND)),
        clean(8).accessed_at(None).authorized_at(now() - days(90)),
        clean(9)
            .accessed_at(None)
            .authorized_at(now() - days(90) - SECOND),
        clean(10).scopes(["repo"]),
        Credential::personal_access_token(11, "hubot")
            .note("deploy")
            .authorized_at(now() - days(10))
            .accessed_at(Some(now()))
            .expires_at(Some(now() + days(60))),
        Credential::ssh_key(12, "hubot")
            .title("laptop")
            .authorized_at(now() - days(10))
            .accessed_at(Some(now())),
        Credential::github_app_token(13, "hubot")
            .scopes(["repo"])
            .authorized_at(now() - days(10))
            .accessed_at(Some(now()))
            .expires_at(Some(now() + days(60))),
    ];
    let apps = vec![
        InstalledApp::new(501, "narrow"),
        InstalledApp::new(502, "everywhere").repository_selection("all"),
        InstalledApp::new(503, "writer").permission("contents", "write"),
        InstalledApp::new(504, "admin").permission("administration", "admin"),
    ];
    Org::new("acme", 652551)
        .credentials(credentials)
        .installed_apps(apps)
}

fn expected(rows: &[(&str, i64, &str)]) -> Vec<(String, String, i64, String)> {
    let mut v: Vec<_> = rows
        .iter()
        .map(|(kind, id, finding)| ("acme".into(), kind.to_string(), *id, finding.to_string()))
        .collect();
    v.sort();
    v
}

fn standin(orgs: impl IntoIterator<Item = Org>) -> Builder {
    github().orgs(orgs)
}

#[test]
fn every_credential_and_installation_finding_at_its_boundary() {
    let server = serve(standin([boundaries()]));
    let out = audit(
        &server,
        &[
            "--org",
            "acme",
            "--format",
            "json",
            "--kind",
            "credential,installation",
        ],
    )
    .assert()
    .success()
    .stderr(contains("not audited").not());
    let lines = json_lines(&out.get_output().stdout);
    assert_eq!(
        keys(&lines),
        expected(&[
            ("credential", 1, "expiring"), // exactly 14 days; a second more (2) is not
            ("credential", 3, "expired"),  // exactly now
            ("credential", 4, "expiring"), // in a second
            ("credential", 5, "no-expiry"),
            ("credential", 7, "stale"),      // exactly 90 days (6) is not
            ("credential", 9, "never-used"), // exactly 90 days (8) is not
            ("credential", 10, "broad-scope"),
            ("credential", 11, "classic-token"),
            // 12, an SSH key, has no expiry by design; 13's scopes are an App's.
            ("installation", 502, "all-repositories"),
            ("installation", 503, "write-access"),
            ("installation", 504, "admin-access"),
        ])
    );
    let classic = lines.iter().find(|l| l["id"] == 11).unwrap();
    assert_eq!(classic["owner"], "hubot");
    assert_eq!(classic["token_name"], "deploy");
    assert_eq!(classic["token_id"], 10_000_011);
    let detail = classic["detail"].as_str().unwrap();
    assert!(detail.contains("personal access token ending "), "{detail}");
    let admin = lines.iter().find(|l| l["id"] == 504).unwrap();
    assert_eq!(
        (admin["token_name"].as_str(), admin["owner"].as_str()),
        (Some("admin"), Some("acme"))
    );
    // Only the two listings asked for were fetched.
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.contains("credential-authorizations") || r.contains("installations")),
        "{requests:?}"
    );
}

#[test]
fn each_format_parses_back_to_the_same_credential_findings() {
    let server = serve(standin([boundaries()]));
    let run = |format: &str| {
        let out = audit(&server, &["--org", "acme", "--format", format])
            .assert()
            .success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let json = run("json");
    let lines = json_lines(json.as_bytes());
    assert_eq!(lines.len(), 11);
    assert_contract_keys(&json, &lines);
    assert_eq!(csv_keys(&run("csv")), keys(&lines));
    let md = run("markdown");
    assert_eq!(markdown_keys(&md), keys(&lines));
    assert!(
        md.contains("13 credentials, 4 installations, 11 findings"),
        "{md}"
    );
    let table = run("table");
    assert!(
        table.contains("classic-token") && table.contains("broad-scope"),
        "{table}"
    );
}

#[test]
fn organizations_without_sso_or_the_permission_are_noted_not_audited() {
    let server = serve(standin([
        Org::new("plain", 1),
        Org::new("locked", 2)
            .credentials([clean(1)])
            .without_administration(),
        boundaries(),
    ]));
    let out = audit(&server, &["--org", "plain,locked,acme", "--format", "json"])
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let sso = "plain: credentials not audited: the organization does not use SAML single sign-on";
    let permission = "credentials not audited: the GitHub App lacks the organization \
                      permission \"Administration\" (organization_administration): read";
    assert_eq!(stderr.matches(sso).count(), 1, "{stderr}");
    assert_eq!(
        stderr.matches(&format!("locked: {permission}")).count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("locked: installations not audited"),
        "{stderr}"
    );
    assert!(!stderr.contains("error"), "{stderr}");
    // The other kinds of those organizations, and acme, are audited.
    let lines = json_lines(&out.get_output().stdout);
    assert_eq!(lines.iter().filter(|l| l["org"] == "acme").count(), 11);

    // The summary on stdout says it, and stderr once.
    let out = audit(&server, &["--org", "plain", "--format", "table"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains(sso), "{stdout}");
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.matches(sso).count(), 1, "{stderr}");
}

#[test]
fn a_kind_named_explicitly_that_cannot_be_listed_is_an_error() {
    let server = serve(standin([
        Org::new("plain", 1),
        Org::new("locked", 2)
            .credentials([])
            .without_administration(),
    ]));
    audit(&server, &["--org", "plain", "--kind", "credential"])
        .assert()
        .code(1)
        .stderr(contains(
            "plain: listing SAML credential authorizations failed",
        ))
        .stderr(contains("Not Found"));
    audit(
        &server,
        &["--org", "locked", "--kind", "grant,installation"],
    )
    .assert()
    .code(1)
    .stderr(contains("locked: listing installed Apps failed"))
    .stderr(contains("\"Administration\" (organization_administration)"))
    .stderr(contains("credentials not audited").not());
    // Not named: noted, exit 0.
    audit(&server, &["--org", "locked", "--kind", "grant,request"])
        .assert()
        .success()
        .stderr(contains("not audited").not());
    audit(&server, &["--org", "locked", "--kind", "token"])
        .assert()
        .code(1)
        .stderr(contains("credential"));
}

#[test]
fn owners_filter_credentials_and_leave_installations_out() {
    let org = boundaries()
        .credentials([Credential::personal_access_token(20, "monalisa").expires_at(None)]);
    let server = serve(standin([
        org.failing_installations(Failure::ServerError(500))
    ]));
    let run = |owners: &str| {
        let out = audit(
            &server,
            &[
                "--org",
                "acme",
                "--owner",
                owners,
                "--kind",
                "credential,installation",
            ],
        )
        .assert()
        .success();
        let mut owners: Vec<String> = json_lines(&out.get_output().stdout)
            .iter()
            .map(|l| l["owner"].as_str().unwrap().to_string())
            .collect();
        owners.dedup();
        owners
    };
    assert_eq!(run("hubot"), ["hubot"]);
    let mut both = run("monalisa,hubot");
    both.sort();
    both.dedup();
    assert_eq!(both, ["hubot", "monalisa"]);
    assert!(server.requests_to("/orgs/acme/installations").is_empty());
}

/// Two snapshots of `acme` a month apart, through `audit --output`, then
/// `diff`: credentials and installed Apps added, removed, changed, expired.
#[test]
fn diff_covers_credentials_and_installed_apps() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = |name: &str, org: Org, at: chrono::DateTime<chrono::Utc>| {
        let server = serve(standin([org]));
        let path = dir.path().join(name);
        let now = at.to_rfc3339();
        common::pat_audit()
            .args([
                "audit",
                "--base-url",
                server.url(),
                "--now",
                &now,
                "--org",
                "acme",
            ])
            .arg("--output")
            .arg(&path)
            .assert()
            .success();
        path
    };
    let month = days(30);
    let old = Org::new("acme", 652551)
        .credentials([
            clean(1),
            clean(2).scopes(["read:user", "gist"]),
            clean(3).expires_at(Some(now() + days(10))),
        ])
        .installed_apps([InstalledApp::new(501, "ci"), InstalledApp::new(502, "bot")]);
    let new = Org::new("acme", 652551)
        .credentials([
            clean(2).scopes(["read:user", "repo"]),
            clean(3).expires_at(Some(now() + days(10))),
            clean(4),
        ])
        .installed_apps([
            InstalledApp::new(501, "ci")
                .repository_selection("all")
                .permission("contents", "write"),
            InstalledApp::new(503, "new"),
        ]);
    let old = snapshot("old.json", old, now());
    let new = snapshot("new.json", new, now() + month);
    let out = common::pat_audit()
        .arg("diff")
        .args([&old, &new])
        .args(["--format", "json"])
        .assert()
        .success()
        .stderr(contains("1 scopes-changed"));
    let lines = json_lines(&out.get_output().stdout);
    let got: Vec<(&str, i64, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap(),
                l["id"].as_i64().unwrap(),
                l["change"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("credential", 1, "removed"),
            ("credential", 2, "scopes-changed"),
            ("credential", 3, "newly-expired"),
            ("credential", 4, "added"),
            ("installation", 501, "permissions-changed"),
            ("installation", 501, "repository-selection-changed"),
            ("installation", 502, "removed"),
            ("installation", 503, "added"),
        ]
    );
    assert_eq!(lines[1]["detail"], "+repo; -gist");
    assert_eq!(lines[4]["detail"], "+contents:write");
}

#[test]
fn only_a_credential_finding_fetches_only_the_credentials() {
    let server = serve(standin([boundaries()]));
    let out = audit(&server, &["--org", "acme", "--only", "classic-token"])
        .assert()
        .success();
    assert_eq!(
        keys(&json_lines(&out.get_output().stdout)),
        expected(&[("credential", 11, "classic-token")])
    );
    assert_eq!(
        server.requests(),
        ["/orgs/acme/credential-authorizations?per_page=100"]
    );
}
