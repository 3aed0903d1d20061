//! Attack 10: acting on an invented date. `--now` is for looking: with
//! `--apply` it is refused (exit 1, as every bad command line: docs/pat-audit.md), and nothing is revoked or
//! reviewed as of a date that is not today.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use github_standin::{Grant, Org, TokenRequest};

use crate::common::{Server, github, serve};
use crate::receiver::READ_ONLY_POLICY;
use crate::support::{pat_audit, run};

/// A date at which acme's grant has expired; it has not today.
const INVENTED: &str = "2035-01-01T00:00:00Z";

/// acme: a grant expiring in 30 days by the real clock, and a read-only
/// request made yesterday.
fn acme() -> Server {
    let today = Utc::now();
    let grant = Grant::new(1)
        .granted_at(today - TimeDelta::days(10))
        .last_used_at(Some(today - TimeDelta::days(1)))
        .expires_at(Some(today + TimeDelta::days(30)));
    let request = TokenRequest::new(7)
        .created_at(today - TimeDelta::days(1))
        .permission("repository", "metadata", "read");
    serve(github().org(Org::new("acme", 652551).grants([grant]).requests([request])))
}

#[test]
fn revoke_apply_with_now_is_a_usage_error_and_revokes_nothing() {
    let server = acme();
    let mut cmd = pat_audit(&["revoke", "--base-url", server.url(), "--org", "acme"]);
    cmd.args([
        "--finding",
        "expired",
        "--apply",
        "--yes",
        "--now",
        INVENTED,
    ]);
    let out = run(cmd, b"", Duration::from_secs(120));
    assert!(
        server.posts().is_empty(),
        "revoked as of {INVENTED}: {:?}",
        server.posts()
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
}

#[test]
fn review_apply_with_now_is_a_usage_error_and_reviews_nothing() {
    let server = acme();
    let policy = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(policy.path(), READ_ONLY_POLICY).unwrap();
    let mut cmd = pat_audit(&["review", "--base-url", server.url(), "--org", "acme"]);
    cmd.args(["--apply", "--yes", "--now", INVENTED, "--policy"])
        .arg(policy.path());
    let out = run(cmd, b"", Duration::from_secs(120));
    assert!(server.posts().is_empty(), "{:?}", server.posts());
    assert_eq!(out.code, Some(1), "{}", out.stderr);
}
