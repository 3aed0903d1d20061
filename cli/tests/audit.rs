#![forbid(unsafe_code)]
//! `pat-audit audit` and `pat-audit demo`, run as a user runs them, against
//! the GitHub stand-in on loopback.

mod common;

use chrono::TimeDelta;
use common::{
    NOW, assert_contract_keys, audit, csv_keys, github, json_lines, keys, markdown_keys, now,
    pat_audit, serve,
};
use github_standin::{Builder, Failure, Grant, Org, TokenRequest};
use pat_audit::findings::FindingKind;
use pat_audit::row::Named as _;
use predicates::prelude::*;
use predicates::str::contains;

const SECOND: TimeDelta = TimeDelta::seconds(1);

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

/// A grant with no findings: used yesterday, granted ten days ago, expiring
/// in sixty days, selected repositories, read-only. Each boundary case
/// changes one thing.
fn clean(id: i64) -> Grant {
    Grant::new(id)
        .granted_at(now() - days(10))
        .last_used_at(Some(now() - days(1)))
        .expires_at(Some(now() + days(60)))
        .repository_selection("subset")
        .permission("repository", "metadata", "read")
}

/// Every finding at and around its boundary, and one request.
fn boundaries() -> Builder {
    let grants = vec![
        clean(1).expires_at(Some(now() + days(14))),
        clean(2).expires_at(Some(now() + days(14) + SECOND)),
        clean(3).expires_at(Some(now() + days(14) - SECOND)),
        clean(4).expires_at(Some(now())),
        clean(5).expires_at(Some(now() - SECOND)),
        clean(6).expires_at(Some(now() + SECOND)),
        clean(7).expires_at(None),
        clean(8).last_used_at(Some(now() - days(90))),
        clean(9).last_used_at(Some(now() - days(90) - SECOND)),
        clean(10).last_used_at(Some(now() - days(90) + SECOND)),
        clean(11).last_used_at(None).granted_at(now() - days(90)),
        clean(12)
            .last_used_at(None)
            .granted_at(now() - days(90) - SECOND),
        clean(13)
            .last_used_at(None)
            .granted_at(now() - days(90) + SECOND),
        clean(14).repository_selection("all"),
        clean(15).permission("repository", "contents", "write"),
        clean(16).permission("organization", "administration", "admin"),
        clean(17),
    ];
    let requests = vec![
        TokenRequest::new(100)
            .created_at(now() - days(3))
            .reason("deploy docs"),
    ];
    // SAML SSO without credentials: nothing is left unaudited, nothing found.
    github().orgs(vec![
        Org::new("acme", 652551)
            .grants(grants)
            .requests(requests)
            .credentials([]),
    ])
}

fn expected(rows: &[(&str, i64, &str)]) -> Vec<(String, String, i64, String)> {
    let mut v: Vec<_> = rows
        .iter()
        .map(|(kind, id, finding)| {
            (
                "acme".to_string(),
                kind.to_string(),
                *id,
                finding.to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_finding_at_its_boundary() {
    let server = serve(boundaries());
    let out = audit(&server, &["--org", "acme", "--format", "json"])
        .assert()
        .success();
    let lines = json_lines(&out.get_output().stdout);
    assert_eq!(
        keys(&lines),
        expected(&[
            ("grant", 1, "expiring"),  // exactly 14 days
            ("grant", 3, "expiring"),  // a second less
            ("grant", 4, "expired"),   // expires exactly now
            ("grant", 5, "expired"),   // a second ago
            ("grant", 6, "expiring"),  // in a second
            ("grant", 7, "no-expiry"), //
            ("grant", 9, "stale"),     // used 90 days and a second ago; exactly 90 (8) is not
            ("grant", 12, "never-used"),
            ("grant", 14, "all-repositories"),
            ("grant", 15, "write-access"),
            ("grant", 16, "admin-access"),
            ("request", 100, "pending-request"),
        ])
    );
    let request = lines.iter().find(|v| v["kind"] == "request").unwrap();
    assert_eq!(request["token_id"], 2100);
    assert_eq!(request["owner"], "octocat");
    assert!(
        request["detail"]
            .as_str()
            .unwrap()
            .starts_with("pending 3 days"),
        "{request}"
    );
    let expiring = lines.iter().find(|v| v["id"] == 1).unwrap();
    assert_eq!(
        expiring["detail"],
        "expires 2025-06-15T12:00:00Z (in 14 days)"
    );
    assert_eq!(expiring["token_name"], "token-1");
}

#[test]
fn thresholds_move_the_boundaries() {
    let server = serve(boundaries());
    let out = audit(
        &server,
        &[
            "--org",
            "acme",
            "--format",
            "json",
            "--expiring-within",
            "13",
            "--stale-after",
            "89",
        ],
    )
    .assert()
    .success();
    let lines = keys(&json_lines(&out.get_output().stdout));
    let has = |id: i64, finding: &str| lines.iter().any(|(_, _, i, f)| *i == id && f == finding);
    // 14 days is past a 13-day window; 14 days minus a second is not.
    assert!(!has(1, "expiring") && !has(3, "expiring") && has(6, "expiring"));
    // 90 days ago is more than 89.
    assert!(has(8, "stale") && has(10, "stale") && has(11, "never-used"));
}

#[test]
fn several_pages_are_all_read_with_page_numbers_or_links() {
    for next_only in [false, true] {
        let server = serve(
            github()
                .org(
                    Org::new("acme", 652551).grants((1..=250).map(|id| clean(id).expires_at(None))),
                )
                .next_links_only(next_only),
        );
        let out = audit(
            &server,
            &["--org", "acme", "--format", "json", "--only", "no-expiry"],
        )
        .assert()
        .success()
        .stderr(contains("250 grants"));
        let lines = json_lines(&out.get_output().stdout);
        let mut ids: Vec<i64> = lines.iter().map(|v| v["id"].as_i64().unwrap()).collect();
        ids.sort();
        assert_eq!(ids, (1..=250).collect::<Vec<_>>(), "next_only={next_only}");
        // `no-expiry` is a credential's finding too: that listing is one request.
        let requests = server.requests_to("/orgs/acme/personal-access-tokens?");
        let requests = [
            requests,
            server.requests_to("/organizations/652551/personal-access-tokens?"),
        ]
        .concat();
        if next_only {
            // Page 1 once, then the links GitHub gave, from the same stream.
            assert_eq!(requests.len(), 3, "{requests:#?}");
            assert!(
                requests[1].starts_with("/organizations/652551/personal-access-tokens?"),
                "{requests:#?}"
            );
        } else {
            let mut pages: Vec<String> = requests
                .iter()
                .map(|r| {
                    r.split(['?', '&'])
                        .find_map(|kv| kv.strip_prefix("page="))
                        .unwrap_or("1")
                        .to_string()
                })
                .collect();
            pages.sort();
            assert_eq!(requests.len(), 3, "{requests:#?}");
            assert!(
                requests
                    .iter()
                    .all(|r| r.starts_with("/orgs/acme/personal-access-tokens?"))
            );
            assert!(requests.iter().all(|r| r.contains("per_page=100")));
            assert_eq!(pages, ["1", "2", "3"], "{requests:#?}");
        }
    }
}

fn two_orgs(beta: Org) -> Builder {
    github().orgs(vec![
        Org::new("acme", 652551)
            .grants(vec![clean(1).expires_at(Some(now() - days(1))), clean(2)])
            .requests(vec![TokenRequest::new(100)]),
        beta,
    ])
}

#[test]
fn a_forbidden_organization_fails_the_run_but_not_the_others() {
    let server = serve(two_orgs(
        Org::new("beta", 652552).failing(Failure::Forbidden),
    ));
    let out = audit(&server, &["--org", "beta,acme", "--format", "json"])
        .assert()
        .code(1)
        .stderr(contains("beta: listing grants failed"))
        .stderr(contains("Resource not accessible by integration"))
        .stderr(contains("\"Personal access tokens\" (organization_personal_access_tokens): read"))
        .stderr(contains("\"Personal access token requests\" (organization_personal_access_token_requests): read"));
    let lines = json_lines(&out.get_output().stdout);
    assert_eq!(
        keys(&lines),
        vec![
            ("acme".into(), "grant".into(), 1, "expired".into()),
            (
                "acme".into(),
                "request".into(),
                100,
                "pending-request".into()
            )
        ]
    );
}

#[test]
fn a_missing_requests_permission_is_named_and_grants_are_still_reported() {
    let acme = Org::new("acme", 652551)
        .grants([clean(1).expires_at(None)])
        .failing_requests(Failure::Forbidden);
    let server = serve(github().org(acme));
    let out = audit(&server, &["--org", "acme", "--format", "json"])
        .assert()
        .code(1)
        .stderr(contains("acme: listing token requests failed"))
        .stderr(contains("organization_personal_access_token_requests"))
        .stderr(contains("organization_personal_access_tokens)").not());
    assert_eq!(keys(&json_lines(&out.get_output().stdout)).len(), 1);
}

#[test]
fn not_found_and_rate_limited_organizations_say_why() {
    let server = serve(
        two_orgs(Org::new("busy", 652553).failing(Failure::PrimaryRateLimit))
            .org(Org::new("gone", 652554).failing(Failure::NotFound)),
    );
    audit(
        &server,
        &[
            "--org", "acme", "--org", "busy", "--org", "gone", "--format", "json",
        ],
    )
    .assert()
    .code(1)
    .stdout(contains("\"org\":\"acme\""))
    .stderr(contains(
        "gone: listing grants failed: GitHub API error 404: Not Found",
    ))
    .stderr(contains("not installed on it"))
    .stderr(contains(
        "API rate limit exceeded for installation ID 4242.",
    ))
    .stderr(contains("the rate limit is exhausted until"));
}

#[test]
fn fail_on_exits_3_and_errors_win_with_1() {
    let server = serve(two_orgs(
        Org::new("beta", 652552).failing(Failure::Forbidden),
    ));
    audit(
        &server,
        &["--org", "acme", "--format", "json", "--fail-on", "expired"],
    )
    .assert()
    .code(3);
    audit(
        &server,
        &[
            "--org",
            "acme",
            "--format",
            "json",
            "--fail-on",
            "admin-access,expired",
        ],
    )
    .assert()
    .code(3);
    audit(
        &server,
        &[
            "--org",
            "acme",
            "--format",
            "json",
            "--fail-on",
            "admin-access",
        ],
    )
    .assert()
    .code(0);
    audit(
        &server,
        &[
            "--org",
            "acme,beta",
            "--format",
            "json",
            "--fail-on",
            "expired",
        ],
    )
    .assert()
    .code(1);
    // --only hides findings, but never those --fail-on gates on.
    audit(
        &server,
        &[
            "--org",
            "acme",
            "--format",
            "json",
            "--only",
            "stale",
            "--fail-on",
            "expired",
        ],
    )
    .assert()
    .code(3)
    .stdout(contains("\"finding\":\"expired\""));
}

#[test]
fn each_format_parses_back_to_the_same_findings() {
    let server = serve(boundaries());
    let run = |format: &str| {
        let out = audit(&server, &["--org", "acme", "--format", format])
            .assert()
            .success();
        let o = out.get_output();
        (
            String::from_utf8(o.stdout.clone()).unwrap(),
            String::from_utf8(o.stderr.clone()).unwrap(),
        )
    };

    let (json, json_err) = run("json");
    let lines = json_lines(json.as_bytes());
    assert_eq!(lines.len(), 12);
    assert_contract_keys(&json, &lines);
    // The summary goes to stderr for the machine formats.
    assert!(
        json_err.contains("1 organization audited at 2025-06-01T12:00:00Z"),
        "{json_err}"
    );
    assert!(json_err.contains("pending-request"), "{json_err}");

    let (csv_text, csv_err) = run("csv");
    assert_eq!(csv_keys(&csv_text), keys(&lines));
    assert!(csv_err.contains("1 organization audited"), "{csv_err}");

    let (md, md_err) = run("markdown");
    assert!(md.starts_with("## pat-audit\n"), "{md}");
    assert!(
        md.contains("| organization | status | grants | requests | expired |"),
        "{md}"
    );
    assert!(
        md.contains("| acme | ok | 17 | 1 | 2 | 3 | 1 | 1 | 1 | 1 | 1 | 1 | 0 | 0 | 1 |"),
        "{md}"
    );
    assert_eq!(markdown_keys(&md), keys(&lines));
    assert!(
        !md_err.contains("organization audited"),
        "markdown carries its summary: {md_err}"
    );

    let (table, table_err) = run("table");
    assert!(
        table.contains("token_name") && table.contains("admin: organization.administration"),
        "{table}"
    );
    assert!(
        table.contains("1 organization audited"),
        "the summary follows the table: {table}"
    );
    assert_eq!(
        table.matches("pending-request").count(),
        2,
        "one row and one summary column: {table}"
    );
    assert!(table_err.is_empty(), "{table_err}");
}

#[test]
fn stdout_defaults_to_json_lines_when_not_a_terminal_and_quiet_silences_stderr() {
    let server = serve(boundaries());
    let out = audit(&server, &["--org", "acme", "--quiet"])
        .assert()
        .success()
        .stderr("");
    assert_eq!(json_lines(&out.get_output().stdout).len(), 12);
}

#[test]
fn only_stale_filters_on_the_server_and_skips_requests() {
    let server = serve(boundaries());
    let out = audit(
        &server,
        &["--org", "acme", "--only", "stale", "--owner", "octocat"],
    )
    .assert()
    .success();
    assert_eq!(
        keys(&json_lines(&out.get_output().stdout)),
        expected(&[("grant", 9, "stale")])
    );
    // Requests skipped; credentials (which can be stale) listed, by owner.
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests
            .contains(&"/orgs/acme/credential-authorizations?login=octocat&per_page=100".into()),
        "{requests:?}"
    );
    let requests = server.requests_to("/orgs/acme/personal-access-tokens");
    assert!(
        requests[0].contains("last_used_before=2025-03-03T12%3A00%3A00Z"),
        "{requests:?}"
    );
    assert!(requests[0].contains("owner%5B%5D=octocat"), "{requests:?}");
}

#[test]
fn concurrency_does_not_change_the_findings() {
    let standin = || {
        github().orgs((1..=5).map(|n| {
            Org::new(format!("org-{n}"), 652550 + n)
                .seeded_grants(230, n)
                .seeded_requests(3, n)
        }))
    };
    let server = serve(standin());
    let run = |concurrency: &str| {
        let out = audit(
            &server,
            &[
                "--org",
                "org-1,org-2,org-3,org-4,org-5",
                "--concurrency",
                concurrency,
            ],
        )
        .assert()
        .success();
        keys(&json_lines(&out.get_output().stdout))
    };
    let one = run("1");
    assert!(one.len() > 1000, "{}", one.len());
    assert_eq!(run("16"), one);
}

#[test]
fn credentials_missing_or_a_wrong_token_say_what_to_set() {
    let server = serve(boundaries());
    audit(&server, &["--org", "acme"])
        .env_remove("GITHUB_TOKEN")
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("no credentials: give the GitHub App's --app-id"))
        .stderr(contains("or set GITHUB_TOKEN"));
    audit(&server, &["--org", "acme"])
        .env("GITHUB_TOKEN", "ghs_wrong")
        .assert()
        .code(1)
        .stderr(contains("Bad credentials"))
        .stderr(contains("is GITHUB_TOKEN a current installation token?"));
    let reached = server.requests();
    assert_eq!(
        reached.len(),
        4,
        "only the bad-credentials run reached the server (grants, requests, credentials, \
         installations): {reached:?}"
    );
}

#[test]
fn a_bad_command_line_exits_1_and_help_exits_0() {
    pat_audit()
        .args(["audit", "--org", "acme", "--format", "xml"])
        .assert()
        .code(1)
        .stderr(contains("xml"));
    pat_audit()
        .args(["audit", "--org", "acme", "--fail-on", "stael"])
        .assert()
        .code(1)
        .stderr(contains("never-used"));
    pat_audit()
        .args(["audit", "--org", "acme", "--now", "yesterday"])
        .assert()
        .code(1)
        .stderr(contains("RFC 3339"));
    pat_audit()
        .args(["audit"])
        .assert()
        .code(1)
        .stderr(contains("--org"));
    pat_audit()
        .args([
            "audit",
            "--org",
            "a",
            "--app-id",
            "1",
            "--client-id",
            "2",
            "--private-key",
            "k",
        ])
        .assert()
        .code(1);
    pat_audit()
        .args(["audit", "--help"])
        .assert()
        .success()
        .stdout(contains("--expiring-within <DAYS>"))
        .stdout(contains("--all-installations"));
}

#[test]
fn demo_shows_every_finding_and_exits_0() {
    let out = pat_audit()
        .env_remove("GITHUB_TOKEN")
        .args(["demo", "--format", "json"])
        .assert()
        .success()
        .stderr(contains("built-in GitHub stand-in"))
        .stderr(contains("3 organizations audited at 2025-06-02T09:00:00Z"))
        // Signed in as an App: one JWT to list the installations and one for
        // each organization's token, every one verified by the stand-in.
        .stderr(contains(
            "signed in as the GitHub App `Iv23liPatAuditDemo` with a throwaway key made for \
             this run; the stand-in verified the App's JWT on 4 requests and minted 3 \
             installation tokens",
        ))
        // The planted token's trace is told on stderr; stdout stays the audit's.
        .stderr(contains(
            "a planted \"leaked\" token traced through the same organizations' audit logs",
        ))
        .stderr(contains("5 events in acme-corp, globex"));
    let lines = json_lines(&out.get_output().stdout);
    assert!(
        lines
            .iter()
            .all(|l| l.get("kind").is_some() && l.get("action").is_none()),
        "a row that is not the audit's on stdout"
    );
    // The policy's findings need --policy, which the demo does not take;
    // `unverified` is an instance's SSH key's, which it does not audit.
    let shown = |k: &&FindingKind| !k.needs_policy() && **k != FindingKind::Unverified;
    for finding in FindingKind::ALL.iter().filter(shown) {
        assert!(
            lines.iter().any(|l| l["finding"] == finding.name()),
            "no {finding} in the demo"
        );
    }
    for org in ["acme-corp", "globex", "initech"] {
        assert!(
            lines.iter().any(|l| l["org"] == org),
            "no {org} in the demo"
        );
    }
    // The demo is deterministic.
    let again = pat_audit()
        .args(["demo", "--format", "json", "--concurrency", "1"])
        .assert()
        .success();
    assert_eq!(keys(&json_lines(&again.get_output().stdout)), keys(&lines));
    pat_audit()
        .args(["demo", "--format", "markdown", "--quiet"])
        .assert()
        .success()
        .stdout(contains("| acme-corp | ok | 180 | 8 |"))
        .stderr("");
    let _ = NOW;
}

#[test]
fn a_reader_that_stops_early_ends_the_audit_quietly() {
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, Stdio};

    // Thousands of findings: far more than a pipe holds, so the audit is
    // still writing when the reader goes away (as `pat-audit audit | head -1`).
    let server = serve(github().orgs(vec![Org::new("big", 7).seeded_grants(5_000, 7)]));
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("pat-audit"))
        .env("GITHUB_TOKEN", common::TOKEN)
        .args(["audit", "--base-url", server.url(), "--now", NOW])
        .args(["--org", "big", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("\"finding\""), "{first}");
    // The reader is dropped here, closing the pipe.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}
