#![forbid(unsafe_code)]
//! `pat-audit notify`, run as a user runs it, against the GitHub stand-in
//! on loopback: the plan writes nothing; `--apply` keeps one issue per
//! owner with findings in the repository, each about that owner alone, and
//! a second run writes only what changed.
//!
//! `--apply` acts as of the current time (`--now` is only for looking), so
//! the tokens here expire relative to the clock, not to the stand-in's
//! fixed "now".

mod common;

use chrono::{TimeDelta, Utc};
use common::{Server, github, json_lines, pat_audit, serve};
use github_standin::{Builder, Grant, Org};
use predicates::prelude::PredicateBooleanExt as _;
use predicates::str::contains;
use serde_json::Value;

const REPO: &str = "acme/security";

/// A grant of `owner`'s named `name`, expiring `days` from now (negative:
/// expired), with no other default finding.
fn token(id: i64, owner: &str, name: &str, days: i64) -> Grant {
    Grant::new(id)
        .owner(owner)
        .token_name(name)
        .expires_at(Some(Utc::now() + TimeDelta::days(days)))
        .permission("repository", "metadata", "read")
}

/// `acme` with octocat's expired `ci` (1), hubot's expiring `deploy` (2)
/// and expired `backup` (3), and defunkt's token that is fine (4); the
/// repository the issues go in.
fn acme() -> Builder {
    github()
        .org(Org::new("acme", 652551).grants([
            token(1, "octocat", "ci", -3),
            token(2, "hubot", "deploy", 5),
            token(3, "hubot", "backup", -40),
            token(4, "defunkt", "laptop", 200),
        ]))
        .repository(REPO)
}

/// `pat-audit notify --repo REPO --org acme --base-url URL --format json` plus `args`.
fn notify(server: &Server, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = pat_audit();
    cmd.args([
        "notify",
        "--repo",
        REPO,
        "--org",
        "acme",
        "--base-url",
        server.url(),
    ])
    .args(["--format", "json"])
    .args(args);
    cmd
}

/// Runs `notify --apply --yes` (plus `args`) and returns its rows.
fn apply(server: &Server, args: &[&str]) -> Vec<Value> {
    let out = notify(server, &[&["--apply", "--yes"], args].concat())
        .assert()
        .success();
    json_lines(&out.get_output().stdout)
}

/// `(owner, action, result)` of each row.
fn actions(rows: &[Value]) -> Vec<(String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap().to_string();
    let row = |r: &Value| (text(&r["owner"]), text(&r["action"]), text(&r["result"]));
    rows.iter().map(row).collect()
}

/// The writes the stand-in received (anything but a GET), as `METHOD path`.
fn writes(server: &Server) -> Vec<String> {
    let log = server.standin.log();
    let write = |r: &&github_standin::LoggedRequest| r.method() != "GET";
    log.iter()
        .filter(write)
        .map(|r| format!("{} {}", r.method(), r.path()))
        .collect()
}

#[test]
fn the_plan_writes_nothing_and_says_what_each_owner_would_get() {
    let server = serve(acme());
    let out = notify(&server, &[]).assert().success();
    let rows = json_lines(&out.get_output().stdout);
    assert_eq!(
        actions(&rows),
        [
            ("hubot".into(), "open".into(), "planned".into()),
            ("octocat".into(), "open".into(), "planned".into()),
        ]
    );
    assert_eq!(
        rows[0]["tokens"],
        serde_json::json!(["acme/deploy", "acme/backup"])
    );
    assert_eq!(
        rows[0]["findings"],
        serde_json::json!(["expired", "expiring"])
    );
    assert!(writes(&server).is_empty(), "{:?}", writes(&server));
    assert!(server.standin.issues(REPO).is_empty());
}

#[test]
fn apply_opens_one_issue_per_owner_about_that_owner_alone_a_second_apart() {
    let server = serve(acme());
    let rows = apply(&server, &[]);
    assert_eq!(
        actions(&rows),
        [
            ("hubot".into(), "open".into(), "done".into()),
            ("octocat".into(), "open".into(), "done".into()),
        ]
    );
    let issues = server.standin.issues(REPO);
    assert_eq!(issues.len(), 2, "{issues:?}");
    for (owner, mine, theirs) in [
        (
            "hubot",
            &["backup", "deploy"][..],
            &["octocat", "| ci |"][..],
        ),
        (
            "octocat",
            &["| ci |"][..],
            &["hubot", "backup", "deploy", "defunkt"][..],
        ),
    ] {
        let issue = issues.iter().find(|i| i.title.contains(owner)).unwrap();
        assert_eq!(issue.labels, ["pat-audit"]);
        assert_eq!(issue.state, "open");
        assert!(
            issue.body.starts_with(&format!("@{owner}: ")),
            "{}",
            issue.body
        );
        assert!(
            issue
                .body
                .trim_end()
                .ends_with(&format!("<!-- pat-audit notify: owner={owner} -->")),
            "{}",
            issue.body
        );
        assert!(
            issue
                .body
                .contains("| organization | token name | finding | detail |")
        );
        for word in mine {
            assert!(
                issue.body.contains(word),
                "{owner}: no {word}: {}",
                issue.body
            );
        }
        for word in theirs {
            assert!(
                !issue.body.contains(word),
                "{owner}'s issue says {word}: {}",
                issue.body
            );
        }
        // Dates, never "in 5 days": the same body tomorrow.
        assert!(
            !issue.body.contains(" ago") && !issue.body.contains("(in "),
            "{}",
            issue.body
        );
    }
    let mut created: Vec<_> = issues.iter().map(|i| i.created_at).collect();
    created.sort();
    assert!(
        created[1] - created[0] >= std::time::Duration::from_secs(1),
        "{created:?}"
    );
    assert!(server.standin.labels(REPO).iter().any(|l| l == "pat-audit"));
}

#[test]
fn a_rerun_with_nothing_new_writes_nothing() {
    let server = serve(acme());
    apply(&server, &[]);
    let issues = server.standin.issues(REPO);
    let before = writes(&server).len();
    let rows = apply(&server, &[]);
    let unchanged = |owner: &str| (owner.to_string(), "unchanged".into(), "done".into());
    assert_eq!(actions(&rows), [unchanged("hubot"), unchanged("octocat")]);
    assert_eq!(
        writes(&server).len(),
        before,
        "{:?}",
        &writes(&server)[before..]
    );
    let bodies = |issues: &[github_standin::IssueRecord]| -> Vec<String> {
        issues
            .iter()
            .map(|i| format!("{}{}{:?}", i.title, i.body, i.comments))
            .collect()
    };
    assert_eq!(bodies(&server.standin.issues(REPO)), bodies(&issues));
}

#[test]
fn an_owner_with_nothing_left_is_closed_with_a_comment_and_a_change_updates_the_body() {
    let server = serve(acme());
    apply(&server, &[]);
    let opened = server.standin.issues(REPO);
    // octocat's token and hubot's expired one are revoked.
    pat_audit()
        .args([
            "revoke",
            "--org",
            "acme",
            "--base-url",
            server.url(),
            "--grant",
            "1,3",
        ])
        .args(["--apply", "--yes", "--format", "json"])
        .assert()
        .success();
    let rows = apply(&server, &[]);
    assert_eq!(
        actions(&rows),
        [
            ("hubot".into(), "update".into(), "done".into()),
            ("octocat".into(), "close".into(), "done".into()),
        ]
    );
    let issues = server.standin.issues(REPO);
    let of = |owner: &str| {
        issues
            .iter()
            .find(|i| i.title.contains(owner))
            .unwrap()
            .clone()
    };
    let (hubot, octocat) = (of("hubot"), of("octocat"));
    assert_eq!(octocat.state, "closed");
    assert_eq!(octocat.comments.len(), 1, "{:?}", octocat.comments);
    assert!(
        octocat.comments[0].contains("no longer finds"),
        "{:?}",
        octocat.comments
    );
    assert_eq!(hubot.state, "open");
    assert!(
        hubot.body.contains("deploy") && !hubot.body.contains("backup"),
        "{}",
        hubot.body
    );
    assert_eq!(
        issues.len(),
        opened.len(),
        "no issue was opened: {issues:?}"
    );
}

#[test]
fn without_the_issues_write_permission_the_error_names_it_and_nothing_is_opened() {
    let server = serve(acme().issues_forbidden(REPO));
    notify(&server, &["--apply", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("issues: write").and(contains(REPO)))
        .stderr(contains(
            "the label \"pat-audit\" cannot be read or created",
        ));
    assert!(server.standin.issues(REPO).is_empty());
}

#[test]
fn an_unknown_repository_is_named_and_nothing_is_written() {
    let server = serve(acme());
    for args in [&[][..], &["--apply", "--yes"][..]] {
        pat_audit()
            .args([
                "notify",
                "--repo",
                "acme/nowhere",
                "--org",
                "acme",
                "--base-url",
                server.url(),
            ])
            .args(args)
            .assert()
            .code(1)
            .stderr(contains("acme/nowhere"));
    }
    assert!(writes(&server).is_empty(), "{:?}", writes(&server));
}

#[test]
fn a_hostile_token_name_pings_nobody_links_nowhere_and_forges_no_marker() {
    let name =
        "@hubot <img src=x> [renew](https://evil.example) <!-- pat-audit notify: owner=hubot -->";
    let server = serve(
        github()
            .org(Org::new("acme", 652551).grants([token(1, "octocat", name, -3)]))
            .repository(REPO),
    );
    apply(&server, &[]);
    let issues = server.standin.issues(REPO);
    let body = &issues[0].body;
    for bad in ["@hubot", " <img", "https://evil", "](", "owner=hubot"] {
        assert!(!body.contains(bad), "{bad}: {body}");
    }
    assert_eq!(body.matches("<!--").count(), 1, "{body}");
    // A rerun finds octocat's issue by its one marker and leaves it.
    let rows = apply(&server, &[]);
    assert_eq!(
        actions(&rows),
        [("octocat".into(), "unchanged".into(), "done".into())]
    );
}

/// An issue anyone could write: the label, a marker naming octocat, but not
/// as pat-audit writes it (the marker mid-body, after the attacker's text).
#[test]
fn an_issue_with_a_forged_marker_is_neither_edited_nor_closed() {
    let server = serve(acme());
    let forged = "@octocat: click [here](https://evil.example) to renew your token\n\n\
                  <!-- pat-audit notify: owner=octocat -->\n\nthanks";
    let client = github_pat_grants::Client::builder()
        .base_url(server.url())
        .token(common::TOKEN)
        .build()
        .unwrap();
    server.block_on(async {
        use github_pat_grants::Operation as _;
        use github_pat_grants::types::{IssuesCreateBodyLabelsItem, IssuesCreateBodyTitle};
        let label = IssuesCreateBodyLabelsItem::String("pat-audit".into());
        let title = IssuesCreateBodyTitle::String("pat-audit: octocat".into());
        (client.issues().create("acme", "security"))
            .body_map(|b| b.title(title).body(Some(forged.into())).labels(vec![label]))
            .call()
            .await
            .unwrap();
    });
    let rows = apply(&server, &[]);
    assert!(
        actions(&rows).iter().all(|(_, action, _)| action == "open"),
        "{rows:?}"
    );
    let issues = server.standin.issues(REPO);
    let theirs = issues
        .iter()
        .find(|i| i.body == forged)
        .expect("the forged issue");
    assert_eq!((theirs.state.as_str(), theirs.comments.len()), ("open", 0));
    assert_eq!(
        issues.len(),
        3,
        "octocat and hubot got their own: {issues:?}"
    );
}
