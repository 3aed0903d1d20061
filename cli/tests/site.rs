#![forbid(unsafe_code)]
//! GitHub Enterprise Server's site administration end to end against the
//! stand-in: `audit --kind site-token,site-key`, `revoke --kind site-token`
//! and `site-key`, and `contain --site`.

mod common;

use chrono::TimeDelta;
use common::{NOW, Server, TOKEN, github, json_lines, keys, now, pat_audit, serve};
use github_standin::{Builder, Grant, Org, SiteKey, SiteToken};
use predicates::str::contains;

/// The site administrator's token; its own site token is 9.
const ADMIN: &str = "ghp_site_administrator_token";

/// Tokens: octocat's 1 (repo scope, expired), 2 (narrow scope, expiring in
/// 3 days) and 3 (never expires); hubot's 4 (narrow, far expiry); the
/// administrator's own 9 (narrow, far expiry). Keys: octocat's 20 (used
/// yesterday), 21 (never used, added long ago, unverified); hubot's 22
/// (stale); deploy key 30 (can push, added by octocat) and 31 (read-only).
fn server() -> Server {
    serve(site(github().site_admin(ADMIN)))
}

/// The instance's tokens and keys of [`server`].
fn site(github: Builder) -> Builder {
    let days = TimeDelta::days;
    let token = |id, login: &str, scopes: &[&str], expires: Option<i64>| {
        let t = SiteToken::new(id, login).scopes(scopes.iter().copied());
        t.expires_at(expires.map(|d| now() + days(d)))
    };
    let old = now() - days(200);
    github
        .site_tokens([
            token(1, "octocat", &["repo", "read:user"], Some(-1)),
            token(2, "octocat", &["read:user"], Some(3)),
            token(3, "octocat", &["gist"], None),
            token(4, "hubot", &["read:user"], Some(60)),
            token(9, "admin", &["read:user"], Some(60)).value(ADMIN),
        ])
        .site_keys([
            SiteKey::user(20, "octocat").last_used(Some(now() - days(1))),
            SiteKey::user(21, "octocat").created_at(old).verified(false),
            SiteKey::user(22, "hubot").last_used(Some(old)),
            SiteKey::deploy(30, 1296269)
                .read_only(false)
                .added_by("octocat")
                .last_used(Some(now())),
            SiteKey::deploy(31, 1296269)
                .added_by("octocat")
                .last_used(Some(now())),
        ])
}

/// `pat-audit SUBCOMMAND --base-url URL --format json` with the
/// administrator's token.
fn run(server: &Server, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = pat_audit();
    cmd.env("GITHUB_TOKEN", ADMIN)
        .args(&args[..1])
        .args(["--base-url", server.url(), "--format", "json"])
        .args(&args[1..]);
    cmd
}

fn row(kind: &str, id: i64, what: &str) -> (String, String, i64, String) {
    (String::new(), kind.into(), id, what.into())
}

#[test]
fn the_site_audit_reports_tokens_and_keys_with_the_credentials_boundaries() {
    let server = server();
    let out = run(
        &server,
        &["audit", "--now", NOW, "--kind", "site-token,site-key"],
    )
    .assert();
    let out = out
        .success()
        .stderr(contains("5 site tokens, 5 site keys, 13 findings"));
    let lines = json_lines(&out.get_output().stdout);
    let classic = |id| row("site-token", id, "classic-token");
    assert_eq!(
        keys(&lines),
        vec![
            row("site-key", 21, "never-used"),
            row("site-key", 21, "unverified"),
            row("site-key", 22, "stale"),
            row("site-key", 30, "write-access"),
            row("site-token", 1, "broad-scope"),
            classic(1),
            row("site-token", 1, "expired"),
            classic(2),
            row("site-token", 2, "expiring"),
            classic(3),
            row("site-token", 3, "no-expiry"),
            classic(4),
            classic(9),
        ]
    );
    // The owner is the user's login; a deploy key's, whoever added it.
    let owner = |id: i64| lines.iter().find(|l| l["id"] == id).unwrap()["owner"].clone();
    assert_eq!(
        (owner(1), owner(22), owner(30)),
        ("octocat".into(), "hubot".into(), "octocat".into())
    );
    // `--owner` keeps that user's rows, and `--fail-on` gates as for the other kinds.
    let kinds = [
        "audit",
        "--now",
        NOW,
        "--kind",
        "site-key,site-token",
        "--owner",
        "HUBOT",
    ];
    let hubot = run(&server, &[&kinds[..], &["--fail-on", "stale"]].concat())
        .assert()
        .code(3);
    let lines = json_lines(&hubot.get_output().stdout);
    assert_eq!(
        keys(&lines),
        [
            row("site-key", 22, "stale"),
            row("site-token", 4, "classic-token")
        ]
    );
}

#[test]
fn a_token_that_is_not_a_site_administrators_is_told_what_is_needed() {
    let server = server();
    let mut cmd = pat_audit();
    cmd.args(["audit", "--base-url", server.url(), "--kind", "site-token"]);
    cmd.assert()
        .code(1)
        .stderr(contains("only a site administrator's classic token"));
    // GitHub.com (no site administration): the paths do not exist.
    let dotcom = serve(github());
    let mut cmd = pat_audit();
    cmd.args(["audit", "--base-url", dotcom.url(), "--kind", "site-key"]);
    cmd.assert()
        .code(1)
        .stderr(contains("GitHub Enterprise Server's"));
}

/// `(kind, id, result)` of each row, and the DELETEs the stand-in received.
fn acted(server: &Server, stdout: &[u8]) -> (Vec<(String, i64, String)>, Vec<String>) {
    let lines = json_lines(stdout);
    let rows = lines.iter().map(|l| {
        let s = |k: &str| l[k].as_str().unwrap().to_string();
        (s("kind"), l["id"].as_i64().unwrap(), s("result"))
    });
    let log = server.standin.log();
    let deletes = log.iter().filter(|r| r.method() == "DELETE");
    (
        rows.collect(),
        deletes.map(|r| r.path().to_string()).collect(),
    )
}

fn planned(kind: &str, ids: &[i64], result: &str) -> Vec<(String, i64, String)> {
    ids.iter()
        .map(|&id| (kind.to_string(), id, result.to_string()))
        .collect()
}

#[test]
fn site_tokens_are_planned_then_deleted_one_call_each_and_the_token_in_use_fails() {
    let server = server();
    let revoke = [
        "revoke",
        "--kind",
        "site-token",
        "--finding",
        "classic-token",
    ];
    let plan = run(&server, &revoke).assert().success().stderr(contains(
        "Plan for the instance: revoke 5 site tokens. Nothing was sent",
    ));
    let (rows, deletes) = acted(&server, &plan.get_output().stdout);
    assert_eq!(rows, planned("site-token", &[1, 2, 3, 4, 9], "planned"));
    assert!(deletes.is_empty(), "{deletes:?}");

    // GitHub refuses to delete the token the request is made with.
    let apply = run(&server, &[&revoke[..], &["--apply", "--yes"]].concat()).assert();
    let apply = apply.code(1).stderr(contains("in use"));
    let out = &apply.get_output().stdout;
    let (rows, deletes) = acted(&server, out);
    let mut expected = planned("site-token", &[1, 2, 3, 4], "done");
    expected.extend(planned("site-token", &[9], "failed"));
    assert_eq!(rows, expected);
    let failed = json_lines(out).into_iter().find(|l| l["id"] == 9).unwrap();
    assert!(
        failed["message"].as_str().unwrap().contains("in use"),
        "{failed}"
    );
    let paths = [1, 2, 3, 4, 9].map(|id| format!("/admin/tokens/{id}"));
    assert_eq!(deletes, paths);

    // A rerun plans what is left: the token in use.
    let rerun = run(&server, &revoke).assert().success();
    let (rows, _) = acted(&server, &rerun.get_output().stdout);
    assert_eq!(rows, planned("site-token", &[9], "planned"));
}

#[test]
fn site_keys_are_selected_by_finding_and_deleted() {
    let server = server();
    let revoke = [
        "revoke",
        "--kind",
        "site-key",
        "--finding",
        "write-access,unverified",
    ];
    let apply = run(&server, &[&revoke[..], &["--apply", "--yes"]].concat()).assert();
    let (rows, deletes) = acted(&server, &apply.success().get_output().stdout);
    assert_eq!(rows, [planned("site-key", &[21, 30], "done")].concat());
    assert_eq!(deletes, ["/admin/keys/21", "/admin/keys/30"]);
    let rerun = run(&server, &revoke)
        .assert()
        .success()
        .stderr(contains("Nothing to revoke."));
    assert!(acted(&server, &rerun.get_output().stdout).0.is_empty());
}

#[test]
fn contain_site_deletes_the_users_tokens_and_keys_and_nobody_elses_nor_deploy_keys() {
    // The organizations' token is the site administrator's here.
    let acme =
        Org::new("acme", 1).grants([Grant::new(5).owner("octocat"), Grant::new(6).owner("hubot")]);
    let server = serve(site(github().site_admin(TOKEN).org(acme)));
    let contain = ["contain", "--org", "acme", "--user", "OctoCat", "--site"];
    let as_admin = |args: &[&str]| {
        let mut cmd = run(&server, args);
        cmd.env("GITHUB_TOKEN", TOKEN);
        cmd
    };
    let plan = as_admin(&contain).assert().success();
    let rows = |out: &[u8]| {
        let lines = json_lines(out);
        let row = |l: &serde_json::Value| {
            (
                l["kind"].as_str().unwrap().to_string(),
                l["id"].as_i64().unwrap(),
            )
        };
        lines.iter().map(row).collect::<Vec<_>>()
    };
    let kind = |k: &str, ids: &[i64]| {
        ids.iter()
            .map(|&id| (k.to_string(), id))
            .collect::<Vec<_>>()
    };
    let expected = [
        kind("grant", &[5]),
        kind("site-token", &[1, 2, 3]),
        kind("site-key", &[20, 21]),
    ]
    .concat();
    assert_eq!(rows(&plan.get_output().stdout), expected);
    let apply = as_admin(&[&contain[..], &["--apply", "--yes"]].concat())
        .assert()
        .success();
    assert_eq!(rows(&apply.get_output().stdout), expected);
    let (_, deletes) = acted(&server, b"");
    let sent = [
        "/admin/tokens/1",
        "/admin/tokens/2",
        "/admin/tokens/3",
        "/admin/keys/20",
        "/admin/keys/21",
    ];
    assert_eq!(deletes, sent);
    // A rerun finds nothing of octocat's left on the instance.
    let rerun = as_admin(&contain).assert().success();
    assert!(rows(&rerun.get_output().stdout).is_empty());
}
