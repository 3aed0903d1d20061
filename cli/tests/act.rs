#![forbid(unsafe_code)]
//! `pat-audit revoke` and `pat-audit review`, run as a user runs them,
//! against the GitHub stand-in on loopback, which records every call.

mod common;

use std::collections::HashSet;

use chrono::TimeDelta;
use common::{NOW, github, json_lines, now, pat_audit, serve};
use github_standin::{Builder, Grant, Org, TokenRequest};
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

/// The example policy, verbatim.
const POLICY: &str = include_str!("fixtures/policy-example.toml");

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

/// A grant whose only finding is `admin-access`.
fn admin(id: i64) -> Grant {
    Grant::new(id)
        .granted_at(now() - days(10))
        .last_used_at(Some(now() - days(1)))
        .expires_at(Some(now() + days(60)))
        .permission("organization", "administration", "admin")
}

/// A grant without findings.
fn clean(id: i64) -> Grant {
    Grant::new(id)
        .granted_at(now() - days(10))
        .last_used_at(Some(now() - days(1)))
        .expires_at(Some(now() + days(60)))
        .permission("repository", "metadata", "read")
}

/// `acme` with 250 admin grants (ids 1 to 250) and two clean ones.
fn acme_250() -> Org {
    let mut grants: Vec<Grant> = (1..=250).map(admin).collect();
    grants.extend([clean(900), clean(901)]);
    Org::new("acme", 652551).grants(grants)
}

fn two_hundred_fifty() -> Builder {
    github().org(acme_250())
}

fn policy_file(text: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    file
}

/// `pat-audit COMMAND --org acme --base-url URL --now NOW --format json` plus `args`;
/// without `--now` when `args` apply, since `--now` is only for looking: what
/// these tests apply (admin-access, ids, the request rules) does not depend on
/// the clock.
fn act(server: &common::Server, command: &str, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = pat_audit();
    cmd.args([command, "--org", "acme", "--base-url", server.url()]);
    if !args.contains(&"--apply") {
        cmd.args(["--now", NOW]);
    }
    cmd.args(["--format", "json"]).args(args);
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

#[test]
fn a_dry_run_prints_the_plan_and_sends_no_post() {
    let server = serve(two_hundred_fifty());
    let out = act(&server, "revoke", &["--finding", "admin-access"])
        .assert()
        .success()
        .stderr(contains(
            "Plan for 1 organization: revoke 250 grants. Nothing was sent; run again with --apply to revoke.",
        ));
    let lines = json_lines(&out.get_output().stdout);
    assert_eq!(lines.len(), 250);
    assert_eq!(ids_with(&lines, "planned"), (1..=250).collect::<Vec<_>>());
    let first = &lines[0];
    for key in ["org", "kind", "id", "action", "result", "message"] {
        assert!(first.get(key).is_some(), "no {key} in {first}");
    }
    assert_eq!(first["org"], "acme");
    assert_eq!(first["kind"], "grant");
    assert_eq!(first["action"], "revoke");
    assert_eq!(first["why"], "admin-access");
    assert_eq!(first["message"], "admin: organization.administration");
    assert!(server.posts().is_empty());

    let policy = policy_file(POLICY);
    act(
        &server,
        "review",
        &["--policy", policy.path().to_str().unwrap()],
    )
    .assert()
    .success();
    assert!(server.posts().is_empty());
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.starts_with("/orgs/acme/personal-access-tokens?")
                || r.starts_with("/orgs/acme/personal-access-token-requests?")
                || r.starts_with("/organizations/")),
        "{:?}",
        server.requests()
    );
}

#[test]
fn two_hundred_fifty_revocations_go_out_as_three_calls_of_at_most_100_ids() {
    let server = serve(two_hundred_fifty());
    let out = act(
        &server,
        "revoke",
        &[
            "--finding",
            "admin-access",
            "--reason",
            "INC-42",
            "--apply",
            "--yes",
        ],
    )
    .assert()
    .success()
    .stderr(contains(
        "Done in 1 organization: revoked 250 of 250 grants.",
    ));
    let lines = json_lines(&out.get_output().stdout);
    assert_eq!(ids_with(&lines, "done"), (1..=250).collect::<Vec<_>>());
    assert!(lines.iter().all(|l| l["message"] == "INC-42"));

    let posts = server.posts();
    let sizes: Vec<usize> = posts.iter().map(|p| p.ids().len()).collect();
    assert_eq!(sizes, vec![100, 100, 50]);
    for post in &posts {
        assert_eq!(post.path, "/orgs/acme/personal-access-tokens");
        assert_eq!(post.body["action"], "revoke");
        assert_eq!(post.status, 202);
    }
    let sent: HashSet<i64> = posts.iter().flat_map(|p| p.ids()).collect();
    assert_eq!(sent, (1..=250).collect());

    // Again: the revoked grants are no longer listed, so nothing is sent.
    act(
        &server,
        "revoke",
        &["--finding", "admin-access", "--apply", "--yes"],
    )
    .assert()
    .success()
    .stdout("")
    .stderr(contains("Nothing to revoke."));
    assert_eq!(server.posts().len(), 3);
}

#[test]
fn a_failing_second_batch_leaves_the_first_and_third_done_and_says_which_ids_failed() {
    let server = serve(github().org(acme_250().failing_ids([150])));
    let out = act(
        &server,
        "revoke",
        &["--finding", "admin-access", "--apply", "--yes"],
    )
    .assert()
    .code(1)
    .stderr(contains(
        "pat-audit: error: acme: revoke 100 ids failed: Validation Failed: 150 could not be updated (HTTP 422)",
    ));
    let lines = json_lines(&out.get_output().stdout);
    let mut done: Vec<i64> = (1..=100).collect();
    done.extend(201..=250);
    assert_eq!(ids_with(&lines, "done"), done);
    assert_eq!(ids_with(&lines, "failed"), (101..=200).collect::<Vec<_>>());
    let failed = lines.iter().find(|l| l["result"] == "failed").unwrap();
    assert_eq!(
        failed["message"],
        "Validation Failed: 150 could not be updated (HTTP 422)"
    );
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let expected: Vec<String> = (101..=200).map(|id| format!("acme {id}")).collect();
    assert!(
        stderr.contains(&format!(
            "Done in 1 organization: revoked 150 of 250 grants (100 failed). Failed: {}.",
            expected.join(", ")
        )),
        "{stderr}"
    );
    let sizes: Vec<(usize, u16)> = server
        .posts()
        .iter()
        .map(|p| (p.ids().len(), p.status))
        .collect();
    assert_eq!(sizes, vec![(100, 202), (100, 422), (50, 202)]);

    // Again: only what is left is sent, in one call, which fails again.
    let out = act(
        &server,
        "revoke",
        &["--finding", "admin-access", "--apply", "--yes"],
    )
    .assert()
    .code(1);
    assert_eq!(
        ids_with(&json_lines(&out.get_output().stdout), "failed"),
        (101..=200).collect::<Vec<_>>()
    );
    let posts = server.posts();
    assert_eq!(posts.len(), 4);
    assert_eq!(posts[3].ids(), (101..=200).collect::<Vec<_>>());
}

/// Requests at the policy's boundaries, made at `now()`.
fn requests() -> Builder {
    let read = |id: i64| {
        TokenRequest::new(id)
            .created_at(now())
            .permission("repository", "metadata", "read")
    };
    let requests = vec![
        // Never expires: `lifetime_over_days = 90` denies it.
        read(1).expires_at(None),
        // Organization administration at write: the second deny rule.
        read(2).expires_at(Some(now() + days(10))).permission(
            "organization",
            "administration",
            "write",
        ),
        // Read-only, selected repositories, 30 days exactly: approved.
        read(3).expires_at(Some(now() + days(30))),
        // Read-only but 60 days: no rule decides.
        read(4).expires_at(Some(now() + days(60))),
        // Exactly 90 days is not over 90, and write is not read-only: left.
        read(5)
            .expires_at(Some(now() + days(90)))
            .permission("repository", "contents", "write"),
        // A second over 90 days: denied.
        read(6).expires_at(Some(now() + days(90) + TimeDelta::seconds(1))),
        // Admin is above write: the second deny rule.
        read(7).expires_at(Some(now() + days(10))).permission(
            "organization",
            "administration",
            "admin",
        ),
        // Every repository: not the approve rule's subset.
        read(8)
            .expires_at(Some(now() + days(10)))
            .repository_selection("all"),
    ];
    github().org(Org::new("acme", 652551).requests(requests))
}

/// Each row's id, action, result and why.
fn decisions(rows: &[Value]) -> Vec<(i64, &str, &str, &str)> {
    rows.iter()
        .map(|l| {
            let text = |key: &str| l[key].as_str().unwrap();
            (
                l["id"].as_i64().unwrap(),
                text("action"),
                text("result"),
                text("why"),
            )
        })
        .collect()
}

/// Each bulk review call the stand-in received: action, ids and reason.
fn review_calls(server: &common::Server) -> Vec<(String, Vec<i64>, String)> {
    server
        .posts()
        .iter()
        .map(|p| {
            assert_eq!(p.path, "/orgs/acme/personal-access-token-requests");
            let text = |key: &str| p.body[key].as_str().unwrap().to_string();
            (text("action"), p.ids(), text("reason"))
        })
        .collect()
}

#[test]
fn each_policy_rule_approves_denies_or_leaves_a_request_with_its_reason_on_the_wire() {
    let server = serve(requests());
    let policy = policy_file(POLICY);
    let path = policy.path().to_str().unwrap();
    let out = act(&server, "review", &["--policy", path])
        .assert()
        .success()
        .stderr(contains(
            "Plan for 1 organization: approve 1 request, deny 4, 3 requests left for a person.",
        ));
    let plan = json_lines(&out.get_output().stdout);
    assert_eq!(
        decisions(&plan),
        [
            (1, "deny", "planned", "requests.deny #1"),
            (2, "deny", "planned", "requests.deny #2"),
            (3, "approve", "planned", "requests.approve #1"),
            (4, "leave", "left", "no rule"),
            (5, "leave", "left", "no rule"),
            (6, "deny", "planned", "requests.deny #1"),
            (7, "deny", "planned", "requests.deny #2"),
            (8, "leave", "left", "no rule"),
        ]
    );
    assert_eq!(plan[0]["message"], "Tokens must expire within 90 days");
    assert_eq!(plan[0]["kind"], "request");
    assert!(server.posts().is_empty());

    let out = act(&server, "review", &["--policy", path, "--apply", "--yes"])
        .assert()
        .success();
    let report = json_lines(&out.get_output().stdout);
    assert_eq!(ids_with(&report, "done"), vec![1, 2, 3, 6, 7]);
    assert_eq!(ids_with(&report, "left"), vec![4, 5, 8]);
    assert_eq!(
        review_calls(&server),
        [
            ("deny", vec![1, 6], "Tokens must expire within 90 days"),
            (
                "deny",
                vec![2, 7],
                "No write access to organization administration"
            ),
            (
                "approve",
                vec![3],
                "Read-only, selected repositories, short-lived"
            ),
        ]
        .map(|(action, ids, reason)| (action.to_string(), ids, reason.to_string()))
    );

    // Again: only the requests left for a person are still pending.
    let out = act(&server, "review", &["--policy", path, "--apply", "--yes"])
        .assert()
        .success()
        .stderr(contains("3 requests left for a person"));
    assert_eq!(
        ids_with(&json_lines(&out.get_output().stdout), "left"),
        vec![4, 5, 8]
    );
    assert_eq!(server.posts().len(), 3);
}

#[test]
fn apply_without_a_terminal_or_yes_refuses_before_anything_is_fetched() {
    let server = serve(two_hundred_fifty());
    act(&server, "revoke", &["--finding", "admin-access", "--apply"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains(
            "refusing to revoke without confirmation: standard input is not a terminal",
        ));
    let policy = policy_file(POLICY);
    act(
        &server,
        "review",
        &["--policy", policy.path().to_str().unwrap(), "--apply"],
    )
    .assert()
    .code(1)
    .stderr(contains("refusing to review without confirmation"));
    assert!(server.requests().is_empty());
    // --yes alone would look like consent to a plan that is not sent.
    act(&server, "revoke", &["--finding", "admin-access", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("--apply"));
}

#[test]
fn a_bad_policy_is_an_error_naming_line_and_key_before_anything_is_fetched() {
    let server = serve(requests());
    let cases = [
        (
            POLICY.replace("max_lifetime_days", "max_lifetme_days"),
            "line 2, key `grants.max_lifetme_days`: unknown field `max_lifetme_days`",
        ),
        (
            POLICY.replace("lifetime_over_days = 90 ", "lifetime_over_days = \"90\" "),
            "line 9, key `requests.deny[0].lifetime_over_days`: invalid type: string \"90\", expected u32",
        ),
        (
            POLICY.replace(
                "\"organization.administration:write\"]\n\n[[requests.approve]]",
                "\"organization.administration:writ\"]\n\n[[requests.approve]]",
            ),
            "line 13, key `requests.deny[1].permissions[0]`: `organization.administration:writ`: \
             unknown level `writ`; one of read, write, admin",
        ),
        (
            POLICY.replace(
                "repository_selection = \"subset\"",
                "repository_selection = \"some\"",
            ),
            "line 18, key `requests.approve[0].repository_selection`: unknown variant `some`",
        ),
    ];
    for (text, expected) in cases {
        let policy = policy_file(&text);
        let path = policy.path().to_str().unwrap().to_string();
        for command in ["review", "revoke", "audit"] {
            act(&server, command, &["--policy", &path])
                .assert()
                .code(1)
                .stdout("")
                .stderr(contains(format!(
                    "pat-audit: error: policy {path}: {expected}"
                )));
        }
    }
    assert!(server.requests().is_empty());
}

#[test]
fn revoke_with_a_policy_alone_revokes_what_it_forbids_and_by_id() {
    let grants = vec![
        clean(1),
        // Expires 100 days after it was granted: over the policy's 90.
        clean(2).expires_at(Some(now() - days(10) + days(100))),
        // Organization administration at write is forbidden.
        clean(3).permission("organization", "administration", "write"),
        // Every repository is not allowed.
        clean(4).repository_selection("all"),
        // Read-only administration is allowed.
        clean(5).permission("organization", "administration", "read"),
    ];
    let server = serve(github().org(Org::new("acme", 652551).grants(grants)));
    let policy = policy_file(POLICY);
    let path = policy.path().to_str().unwrap();
    let out = act(&server, "revoke", &["--policy", path])
        .assert()
        .success();
    let lines = json_lines(&out.get_output().stdout);
    let why: Vec<(i64, &str)> = lines
        .iter()
        .map(|l| (l["id"].as_i64().unwrap(), l["why"].as_str().unwrap()))
        .collect();
    assert_eq!(
        why,
        vec![
            (2, "lifetime-over-policy"),
            (3, "forbidden-permission"),
            (4, "all-repositories"),
        ]
    );
    assert_eq!(
        lines[1]["message"],
        "organization.administration:write (forbidden: organization.administration:write)"
    );

    // The audit reports the same violations as findings.
    let out = act(&server, "audit", &["--policy", path])
        .assert()
        .success();
    let findings: Vec<(i64, String)> = json_lines(&out.get_output().stdout)
        .iter()
        .filter(|l| {
            l["finding"] == "forbidden-permission" || l["finding"] == "lifetime-over-policy"
        })
        .map(|l| {
            (
                l["id"].as_i64().unwrap(),
                l["finding"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        vec![
            (2, "lifetime-over-policy".into()),
            (3, "forbidden-permission".into())
        ]
    );

    // By id: grant 5 has no finding the policy forbids; 77 does not exist.
    act(&server, "revoke", &["--grant", "5,77", "--apply", "--yes"])
        .assert()
        .success()
        .stderr(contains("grant 77 is not among the grants of acme"));
    let posts = server.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].ids(), vec![5]);
    act(&server, "revoke", &["--grant", "5", "--apply", "--yes"])
        .assert()
        .success()
        .stderr(contains("Nothing to revoke."));
    assert_eq!(server.posts().len(), 1);
}

#[test]
fn revoke_needs_something_to_revoke_and_findings_of_grants() {
    let server = serve(two_hundred_fifty());
    act(&server, "revoke", &[])
        .assert()
        .code(1)
        .stderr(contains(
            "name what to revoke: --finding F[,F...], --grant ID or --policy FILE",
        ));
    act(&server, "revoke", &["--finding", "pending-request"])
        .assert()
        .code(1)
        .stderr(contains("review requests with `pat-audit review`"));
    act(&server, "revoke", &["--finding", "forbidden-permission"])
        .assert()
        .code(1)
        .stderr(contains("needs a policy"));
    assert!(server.requests().is_empty());
    pat_audit()
        .args(["revoke", "--help"])
        .assert()
        .success()
        .stdout(contains("--finding <F[,F...]>").and(contains("--apply")));
}
