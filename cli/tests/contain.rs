#![forbid(unsafe_code)]
//! `pat-audit contain`: one person's grants, requests and SAML
//! authorizations cut in every organization, plan first, against the
//! GitHub stand-in, which records every call.

mod common;

use common::{Server, github, json_lines, pat_audit, serve};
use github_standin::{Credential, Failure, Fault, Grant, Org, TokenRequest};
use predicates::prelude::PredicateBooleanExt as _;
use predicates::str::contains;
use serde_json::{Value, json};

/// `acme` (SAML SSO): alice's grants 1 and 2, request 10, authorizations
/// 21 and 22; bob's grant 3, request 11, authorization 23. `globex`
/// (no SAML SSO): alice's grant 4 and bob's grant 5.
fn orgs() -> [Org; 2] {
    let grant = |id, owner: &str| Grant::new(id).owner(owner);
    let acme = Org::new("acme", 652551)
        .grants([grant(1, "alice"), grant(2, "Alice"), grant(3, "bob")])
        .requests([
            TokenRequest::new(10).owner("alice"),
            TokenRequest::new(11).owner("bob"),
        ])
        .credentials([
            Credential::personal_access_token(21, "alice"),
            Credential::ssh_key(22, "ALICE"),
            Credential::personal_access_token(23, "bob"),
        ]);
    let globex = Org::new("globex", 7).grants([grant(4, "alice"), grant(5, "bob")]);
    [acme, globex]
}

fn server() -> Server {
    let [acme, globex] = orgs();
    serve(github().org(acme).org(globex))
}

fn contain(server: &Server, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = pat_audit();
    cmd.args(["contain", "--base-url", server.url(), "--format", "json"])
        .args(args);
    cmd
}

/// `(org, kind, id, result)` of each row.
fn rows(stdout: &[u8]) -> Vec<(String, String, i64, String)> {
    json_lines(stdout)
        .iter()
        .map(|l| {
            let s = |k: &str| l[k].as_str().unwrap().to_string();
            (s("org"), s("kind"), l["id"].as_i64().unwrap(), s("result"))
        })
        .collect()
}

fn row(org: &str, kind: &str, id: i64, result: &str) -> (String, String, i64, String) {
    (org.into(), kind.into(), id, result.into())
}

/// The calls that change something: `(path, body)`.
fn writes(server: &Server) -> Vec<(String, Value)> {
    let log = server.standin.log();
    log.iter()
        .filter(|r| r.method() == "POST" || r.method() == "DELETE")
        .map(|r| (r.path().to_string(), r.json().unwrap_or(Value::Null)))
        .collect()
}

#[test]
fn a_plan_then_everything_of_alices_cut_and_a_rerun_plans_nothing() {
    let server = server();
    let orgs = ["--org", "acme,globex", "--user", "alice"];
    let plan = contain(&server, &orgs).assert().success().stderr(contains(
        "Plan to contain alice: cut 3 grants, 1 request, 2 credentials.",
    ));
    let expected = |result: &str| {
        vec![
            row("acme", "grant", 1, result),
            row("acme", "grant", 2, result),
            row("acme", "request", 10, result),
            row("acme", "credential", 21, result),
            row("acme", "credential", 22, result),
            row("globex", "grant", 4, result),
        ]
    };
    assert_eq!(rows(&plan.get_output().stdout), expected("planned"));
    assert!(writes(&server).is_empty(), "a plan sends nothing");

    let done = contain(&server, &[&orgs[..], &["--apply", "--yes"]].concat())
        .assert()
        .success()
        .stderr(contains(
            "Contained alice: cut 3 of 3 grants, 1 of 1 request, 2 of 2 credentials.",
        ));
    assert_eq!(rows(&done.get_output().stdout), expected("done"));
    let mut sent = writes(&server);
    // Organizations are acted on side by side, each one's calls in order
    // (the SAML revocations come after): the stable sort keeps that order.
    sent[..3].sort_by_key(|(path, _)| path.split('/').nth(2).map(str::to_owned));
    assert_eq!(
        sent,
        [
            (
                "/orgs/acme/personal-access-tokens".into(),
                json!({"action": "revoke", "pat_ids": [1, 2]})
            ),
            (
                "/orgs/acme/personal-access-token-requests".into(),
                json!({"action": "deny", "pat_request_ids": [10],
                       "reason": "Denied: the access of alice contained"})
            ),
            (
                "/orgs/globex/personal-access-tokens".into(),
                json!({"action": "revoke", "pat_ids": [4]})
            ),
            (
                "/orgs/acme/credential-authorizations/alice/revoke".into(),
                Value::Null
            ),
        ]
    );

    contain(&server, &orgs)
        .assert()
        .success()
        .stdout("")
        .stderr(contains("Nothing of alice to contain."));
}

#[test]
fn nobody_elses_is_touched_where_github_does_not_filter() {
    // With two users GitHub's `login` filter cannot be used: every
    // authorization of the organization is listed, carol's too; and this
    // GitHub ignores `owner[]` as well.
    let [acme, globex] = orgs();
    let acme = acme.credentials([Credential::ssh_key(24, "carol")]);
    let server = serve(github().org(acme).org(globex).ignore_owner_filters(true));
    let out = contain(
        &server,
        &["--org", "acme", "--user", "alice,dave", "--apply", "--yes"],
    )
    .assert()
    .success();
    let ids: Vec<i64> = rows(&out.get_output().stdout).iter().map(|r| r.2).collect();
    assert_eq!(ids, [1, 2, 10, 21, 22]);
    let listed = server.requests_to("/orgs/acme/credential-authorizations?");
    assert!(listed.iter().all(|r| !r.contains("login=")), "{listed:?}");
    let paths: Vec<String> = writes(&server).into_iter().map(|w| w.0).collect();
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("carol") || p.contains("bob"))
    );
    // Bob's and carol's are still there.
    let audit = pat_audit()
        .args([
            "audit",
            "--org",
            "acme",
            "--base-url",
            server.url(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let left: Vec<i64> = rows_of(&audit.stdout);
    assert_eq!(left, [3, 11, 23, 24]);
}

/// The ids of an audit's rows, sorted and without repeats.
fn rows_of(stdout: &[u8]) -> Vec<i64> {
    let mut ids: Vec<i64> = json_lines(stdout)
        .iter()
        .filter(|l| l["kind"] != "installation")
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn an_unreachable_organization_is_named_and_the_others_are_still_contained() {
    let [acme, globex] = orgs();
    let locked = Org::new("locked", 9).failing(Failure::Forbidden);
    let server = serve(github().org(acme).org(locked).org(globex));
    let out = contain(
        &server,
        &[
            "--org",
            "acme,locked,globex",
            "--user",
            "alice",
            "--apply",
            "--yes",
        ],
    )
    .assert()
    .code(1)
    .stderr(contains("locked: listing grants failed"))
    .stderr(contains("Resource not accessible by integration"));
    let done: Vec<_> = rows(&out.get_output().stdout);
    assert_eq!(done.len(), 6);
    assert!(done.iter().all(|r| r.3 == "done" && r.0 != "locked"));
}

#[test]
fn a_refused_revocation_by_user_fails_its_rows_with_githubs_message_and_the_rest_is_cut() {
    let [acme, globex] = orgs();
    let refused = Fault::respond(Failure::Forbidden)
        .path("/orgs/acme/credential-authorizations/alice/revoke");
    let server = serve(github().org(acme).org(globex).fault(refused));
    let args = [
        "--org",
        "acme,globex",
        "--user",
        "alice",
        "--apply",
        "--yes",
    ];
    let out = contain(&server, &args)
        .assert()
        .code(1)
        .stderr(contains(
            "acme: revoking alice's authorizations failed: Resource not accessible by integration",
        ))
        .stderr(contains("Hint").not())
        .stderr(contains(
            "Contained alice in part: cut 3 of 3 grants, 1 of 1 request, 0 of 2 credentials.",
        ));
    let lines = json_lines(&out.get_output().stdout);
    let credentials: Vec<(i64, &str, &str)> = (lines.iter())
        .filter(|l| l["kind"] == "credential")
        .map(|l| {
            (
                l["id"].as_i64().unwrap(),
                l["result"].as_str().unwrap(),
                l["message"].as_str().unwrap(),
            )
        })
        .collect();
    // GitHub's message alone: the call by user is an owner's, no App permission is hinted at.
    let refusal = "Resource not accessible by integration (HTTP 403)";
    assert_eq!(
        credentials,
        [(21, "failed", refusal), (22, "failed", refusal)]
    );
    assert!((lines.iter()).all(|l| l["kind"] == "credential" || l["result"] == "done"));
}

#[test]
fn with_enterprise_one_call_and_destroy_credentials_sets_its_flag() {
    let server = server();
    let args = [
        "--org",
        "acme,globex",
        "--user",
        "alice",
        "--enterprise",
        "acme-corp",
    ];
    contain(
        &server,
        &[&args[..], &["--destroy-credentials", "--apply", "--yes"]].concat(),
    )
    .assert()
    .success();
    let calls: Vec<(String, Value)> = writes(&server)
        .into_iter()
        .filter(|w| w.0.contains("credential-authorizations"))
        .collect();
    assert_eq!(
        calls,
        [(
            "/enterprises/acme-corp/credential-authorizations/alice/revoke".into(),
            json!({"revoke_credentials": true})
        )]
    );
    // Without --destroy-credentials the credentials themselves are kept.
    let server = self::server();
    contain(&server, &[&args[..], &["--apply", "--yes"]].concat())
        .assert()
        .success();
    let body = writes(&server)
        .into_iter()
        .find(|w| w.0.starts_with("/enterprises/"));
    assert_eq!(body.unwrap().1, json!({"revoke_credentials": false}));
}

#[test]
fn destroy_needs_enterprise_and_site_needs_enterprise_server() {
    let server = server();
    contain(
        &server,
        &["--org", "acme", "--user", "alice", "--destroy-credentials"],
    )
    .assert()
    .code(1)
    .stderr(contains("--enterprise"));
    assert!(server.requests().is_empty());
    // The stand-in plays GitHub.com here: no site administration. The
    // organizations are still contained; the exit status says what failed.
    contain(
        &server,
        &[
            "--org", "acme", "--user", "alice", "--site", "--apply", "--yes",
        ],
    )
    .assert()
    .code(1)
    .stderr(contains("GitHub Enterprise Server's"));
    assert!(
        writes(&server)
            .iter()
            .all(|(path, _)| path.starts_with("/orgs/acme/"))
    );
}
