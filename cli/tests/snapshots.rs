#![forbid(unsafe_code)]
//! `audit --output FILE` and `pat-audit diff OLD.json NEW.json`.

mod common;

use chrono::TimeDelta;
use common::{audit, github, json_lines, now, pat_audit, serve};
use github_standin::{Builder, Failure, Grant, Org, TokenRequest};
use predicates::str::contains;

fn org(grants: Vec<Grant>) -> Builder {
    github().org(
        Org::new("acme", 652551)
            .grants(grants)
            .requests([TokenRequest::new(100)]),
    )
}

#[test]
fn the_snapshot_records_everything_fetched() {
    let server = serve(org((1..=150).map(Grant::new).collect()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    audit(
        &server,
        &[
            "--org",
            "acme",
            "--output",
            path.to_str().unwrap(),
            "--quiet",
        ],
    )
    .assert()
    .success();
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(snapshot["format"], "pat-audit-snapshot");
    assert_eq!(snapshot["now"], "2025-06-01T12:00:00Z");
    let records = snapshot["records"].as_array().unwrap();
    assert_eq!(records.len(), 151);
    let grant = records.iter().find(|r| r["kind"] == "grant").unwrap();
    // The grant as GitHub sent it, decoded and written back by the SDK's model.
    assert_eq!(grant["item"]["owner"]["login"], "octocat");
    assert!(
        grant["item"]["repositories_url"]
            .as_str()
            .unwrap()
            .ends_with("/repositories")
    );
    assert_eq!(
        snapshot["organizations"][0],
        serde_json::json!({"org": "acme", "grants": 150, "requests": 1, "grants_complete": true,
                           "requests_complete": true, "errors": [], "credentials": 0,
                           "installations": 0, "credentials_complete": false,
                           "installations_complete": true})
    );
    assert!(!dir.path().join("snap.json.partial").exists());
}

/// Two snapshots of `acme` in `dir`, a month apart, with a grant of each
/// kind of change: (old, new).
fn snapshots_a_month_apart(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let d = TimeDelta::days;
    let old = serve(org(vec![
        Grant::new(1),
        Grant::new(2).permission("repository", "contents", "read"),
        Grant::new(3).repository_selection("subset"),
        Grant::new(4).expires_at(Some(now() + d(10))),
        Grant::new(5).expires_at(Some(now() + d(60))),
    ]));
    let new = serve(org(vec![
        Grant::new(2).permission("repository", "contents", "write"),
        Grant::new(3).repository_selection("all"),
        Grant::new(4).expires_at(Some(now() + d(10))),
        Grant::new(5).expires_at(Some(now() + d(60))),
        Grant::new(6).token_name("new-token").owner("hubot"),
    ]));
    let (old_path, new_path) = (dir.join("old.json"), dir.join("new.json"));
    let output = ["--org", "acme", "--quiet", "--output"];
    audit(&old, &[&output[..], &[old_path.to_str().unwrap()]].concat())
        .assert()
        .success();
    // Thirty days later, token 4 has expired.
    pat_audit()
        .args([
            "audit",
            "--base-url",
            new.url(),
            "--now",
            "2025-07-01T12:00:00Z",
        ])
        .args(output)
        .arg(&new_path)
        .assert()
        .success();
    (old_path, new_path)
}

/// `pat-audit diff OLD NEW --format FORMAT`.
fn diff(old: &std::path::Path, new: &std::path::Path, format: &str) -> assert_cmd::assert::Assert {
    pat_audit()
        .arg("diff")
        .args([old, new])
        .args(["--format", format])
        .assert()
        .success()
}

#[test]
fn diff_reports_added_removed_changed_and_newly_expired_grants() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = snapshots_a_month_apart(dir.path());
    let out = diff(&old, &new, "json").stderr(contains(
        "5 changes: 1 added, 1 removed, 1 permissions-changed",
    ));
    let lines = json_lines(&out.get_output().stdout);
    let got: Vec<(i64, &str, &str)> = lines
        .iter()
        .map(|l| {
            let text = |key: &str| l[key].as_str().unwrap();
            (l["id"].as_i64().unwrap(), text("change"), text("detail"))
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                1,
                "removed",
                "no longer granted (revoked, or the token was deleted or regenerated)"
            ),
            (
                2,
                "permissions-changed",
                "repository.contents: read -> write"
            ),
            (3, "repository-selection-changed", "subset -> all"),
            (4, "newly-expired", "expired 2025-06-11T12:00:00Z"),
            (
                6,
                "added",
                "granted 2025-01-01T00:00:00Z; repositories: subset; permissions: none"
            ),
        ]
    );
    let added = &lines[4];
    assert_eq!(
        (added["token_name"].as_str(), added["owner"].as_str()),
        (Some("new-token"), Some("hubot"))
    );

    let out = diff(&old, &new, "csv");
    let mut reader = csv::Reader::from_reader(out.get_output().stdout.as_slice());
    assert_eq!(reader.headers().unwrap().get(6), Some("change"));
    assert_eq!(reader.records().count(), 5);
    diff(&old, &new, "table")
        .stdout(contains("repository-selection-changed"))
        .stdout(contains("5 changes"));
}

#[test]
fn diff_does_not_call_the_grants_of_a_failed_organization_removed() {
    let ok = serve(org(vec![Grant::new(1)]));
    let failing = serve(github().org(Org::new("acme", 652551).failing(Failure::Forbidden)));
    let dir = tempfile::tempdir().unwrap();
    let old_path = dir.path().join("old.json");
    let new_path = dir.path().join("new.json");
    audit(
        &ok,
        &[
            "--org",
            "acme",
            "--quiet",
            "--output",
            old_path.to_str().unwrap(),
        ],
    )
    .assert()
    .success();
    // The failed audit still writes its snapshot, marked incomplete, and exits 1.
    audit(
        &failing,
        &[
            "--org",
            "acme",
            "--quiet",
            "--output",
            new_path.to_str().unwrap(),
        ],
    )
    .assert()
    .code(1);
    pat_audit()
        .args([
            "diff",
            old_path.to_str().unwrap(),
            new_path.to_str().unwrap(),
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout("")
        .stderr(contains("acme: the grants of one snapshot are incomplete"));
}

#[test]
fn diff_refuses_what_is_not_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.json");
    std::fs::write(&path, "{\"records\": 3}").unwrap();
    pat_audit()
        .args(["diff", path.to_str().unwrap(), path.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(contains("is not a pat-audit snapshot"));
    pat_audit()
        .args(["diff", "/nonexistent/old.json", path.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(contains("opening /nonexistent/old.json"));
}
