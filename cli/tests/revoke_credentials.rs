#![forbid(unsafe_code)]
//! `pat-audit revoke --kind credential`: SAML credential authorizations
//! removed one call each, with the grants' plan, confirmation, per-id
//! report and rerun behaviour, against the GitHub stand-in.

mod common;

use chrono::TimeDelta;
use common::{NOW, github, json_lines, now, pat_audit, serve};
use github_standin::{Credential, Org};
use predicates::str::contains;
use serde_json::Value;

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

/// `acme`: classic tokens 1 to 5 (5 cannot be removed: 422), an OAuth
/// token with a broad scope (6), an SSH key (7) and a clean OAuth token (8).
fn acme() -> Org {
    let recent = |c: Credential| {
        c.authorized_at(now() - days(10))
            .accessed_at(Some(now() - days(1)))
            .expires_at(Some(now() + days(60)))
    };
    let mut credentials: Vec<Credential> = (1..=5)
        .map(|id| recent(Credential::personal_access_token(id, "octocat").note("ci")))
        .collect();
    credentials.extend([
        recent(Credential::oauth_app_token(6, "hubot").scopes(["admin:org"])),
        Credential::ssh_key(7, "hubot")
            .authorized_at(now() - days(10))
            .accessed_at(Some(now())),
        recent(Credential::oauth_app_token(8, "hubot").scopes(["read:user"])),
    ]);
    Org::new("acme", 652551)
        .credentials(credentials)
        .failing_ids([5])
}

fn revoke(server: &common::Server, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = pat_audit();
    cmd.args([
        "revoke",
        "--kind",
        "credential",
        "--org",
        "acme",
        "--base-url",
        server.url(),
        "--format",
        "json",
    ]);
    // `--now` is only for looking; what these tests apply (classic-token,
    // broad-scope, ids) does not depend on the clock.
    if !args.contains(&"--apply") {
        cmd.args(["--now", NOW]);
    }
    cmd.args(args);
    cmd
}

fn ids_with(lines: &[Value], result: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = lines
        .iter()
        .filter(|l| l["result"] == result)
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

/// The removals the stand-in received, as `(credential_id, status)`.
fn deletes(server: &common::Server) -> Vec<(i64, u16)> {
    server
        .standin
        .log()
        .iter()
        .filter(|r| r.method() == "DELETE")
        .map(|r| {
            let id = r.path().rsplit('/').next().unwrap().parse().unwrap();
            (id, r.status())
        })
        .collect()
}

#[test]
fn a_plan_then_one_call_per_credential_with_a_failing_one_then_a_rerun_acts_on_what_is_left() {
    let server = serve(github().org(acme()));
    let plan = revoke(&server, &["--finding", "classic-token,broad-scope"])
        .assert()
        .success()
        .stderr(contains("Plan for 1 organization: revoke 6 credentials."));
    let lines = json_lines(&plan.get_output().stdout);
    assert_eq!(ids_with(&lines, "planned"), [1, 2, 3, 4, 5, 6]);
    assert_eq!(lines[0]["kind"], "credential");
    assert_eq!(lines[0]["why"], "classic-token");
    assert!(deletes(&server).is_empty(), "a plan sends nothing");

    let done = revoke(
        &server,
        &["--finding", "classic-token,broad-scope", "--apply", "--yes"],
    )
    .assert()
    .code(1)
    .stderr(contains(
        "acme: revoke 1 ids failed: Validation Failed: 5 could not be removed (HTTP 422)",
    ))
    .stderr(contains(
        "revoked 5 of 6 credentials (1 failed). Failed: acme 5.",
    ));
    let lines = json_lines(&done.get_output().stdout);
    assert_eq!(ids_with(&lines, "done"), [1, 2, 3, 4, 6]);
    assert_eq!(ids_with(&lines, "failed"), [5]);
    let failed = lines.iter().find(|l| l["id"] == 5).unwrap();
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains("could not be removed")
    );
    let mut sent = deletes(&server);
    sent.sort();
    assert_eq!(
        sent,
        [(1, 204), (2, 204), (3, 204), (4, 204), (5, 422), (6, 204)]
    );

    // Removed authorizations are no longer listed: only the failing one is left.
    let again = revoke(
        &server,
        &["--finding", "classic-token,broad-scope", "--apply", "--yes"],
    )
    .assert()
    .code(1);
    let lines = json_lines(&again.get_output().stdout);
    assert_eq!(ids_with(&lines, "failed"), [5]);
    assert_eq!(lines.len(), 1);
}

#[test]
fn by_id_and_by_the_policys_credentials_table() {
    let server = serve(github().org(acme()));
    let out = revoke(&server, &["--grant", "7,8", "--apply", "--yes"])
        .assert()
        .success();
    let lines = json_lines(&out.get_output().stdout);
    assert_eq!(ids_with(&lines, "done"), [7, 8]);
    assert_eq!(lines[0]["why"], "--grant");

    let policy = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        policy.path(),
        "[credentials]\nallow_classic_tokens = true\nforbidden_scopes = [\"admin:org\"]\n",
    )
    .unwrap();
    let path = policy.path().to_str().unwrap();
    let out = revoke(&server, &["--policy", path]).assert().success();
    let lines = json_lines(&out.get_output().stdout);
    assert_eq!(ids_with(&lines, "planned"), [6]);
    assert_eq!(lines[0]["why"], "broad-scope");

    revoke(&server, &["--grant", "7"])
        .assert()
        .success()
        .stderr(contains(
            "credential 7 is not among the credentials of acme",
        ));
}

#[test]
fn an_organization_without_sso_is_an_error_and_nothing_is_sent() {
    let server = serve(github().org(Org::new("acme", 652551)));
    revoke(&server, &["--finding", "classic-token", "--apply", "--yes"])
        .assert()
        .code(1)
        .stderr(contains(
            "acme: listing SAML credential authorizations failed",
        ));
    assert!(deletes(&server).is_empty());
    pat_audit()
        .args([
            "revoke",
            "--kind",
            "installation",
            "--org",
            "acme",
            "--finding",
            "stale",
        ])
        .assert()
        .code(1)
        .stderr(contains("revoke acts on grants or credentials"));
}
