//! Attack 7: a request for a permission group the policy does not know
//! (`enterprise.administration: write`, a group GitHub may add) next to
//! read-only repository access. An `approve` rule for read-only access
//! never approves what it does not know: the policy fails closed.

use std::time::Duration;

use chrono::TimeDelta;
use github_standin::{Org, TokenRequest};

use crate::common::{github, serve};
use crate::receiver::READ_ONLY_POLICY;
use crate::support::{pat_audit, run};

#[test]
fn a_read_only_rule_does_not_approve_a_permission_group_it_does_not_know() {
    // By the real clock: `--now` is not given, since this run acts.
    let made = chrono::Utc::now() - TimeDelta::days(1);
    let read_only = |id| {
        TokenRequest::new(id)
            .created_at(made)
            .repositories(["app"])
            .permission("repository", "metadata", "read")
            .permission("repository", "contents", "read")
    };
    // 8 is read-only: the rule approves it, which shows the rule at work.
    let unknown = read_only(7).permission("enterprise", "administration", "write");
    let server = serve(github().org(Org::new("acme", 652551).requests([unknown, read_only(8)])));
    let policy = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(policy.path(), READ_ONLY_POLICY).unwrap();
    let mut cmd = pat_audit(&["review", "--base-url", server.url(), "--org", "acme"]);
    cmd.args(["--format", "json", "--apply", "--yes", "--policy"])
        .arg(policy.path());
    let out = run(cmd, b"", Duration::from_secs(120));
    let approved: Vec<i64> = server
        .posts()
        .iter()
        .filter(|p| p.body["action"] == "approve")
        .flat_map(|p| p.ids())
        .collect();
    assert!(
        !approved.contains(&7),
        "the request for enterprise administration was approved:\n{}{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(approved, [8], "{}", out.stderr);
    assert_eq!(out.signal, None);
}
