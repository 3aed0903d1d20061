//! Attack 2: `POST /credentials/revoke` answered with a `307` to another
//! host. The leaked tokens are not sent there, and a revocation GitHub did
//! not answer with its success is a failure, not "revoked".

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use github_standin::{AuditEvent, Fault, Hostile, Org};

use crate::common::{github, serve};
use crate::support::{Sink, pat_audit, run};

/// A leaked classic token, as `trace --revoke` takes it on stdin.
const LEAKED: &str = "ghp_LeakedInAPasteBin0123456789abcdefQ7x2";

#[test]
fn trace_revoke_follows_no_redirect_and_reports_the_revocation_failed() {
    let elsewhere = Sink::start();
    // An event an hour ago by the real clock: `--now` is not given, since
    // this run acts.
    let event = AuditEvent::new("git.clone", Utc::now() - TimeDelta::hours(1))
        .actor("mallory")
        .hashed_token("LZnp6/BhGslASdxCQk50OyHMMAl9yWKQ61gZz/eY5SU=");
    let server = serve(
        github()
            .org(Org::new("globex", 2).audit_log([event]))
            .fault(
                Fault::hostile(Hostile::Redirect {
                    status: 307,
                    location: format!("{}/credentials/revoke", elsewhere.url()),
                })
                .path("/credentials/revoke"),
            ),
    );
    let mut cmd = pat_audit(&["trace", "--base-url", server.url(), "--org", "globex"]);
    cmd.args(["--token-stdin", "--revoke", "--yes", "--format", "json"]);
    let out = run(
        cmd,
        format!("{LEAKED}\n").as_bytes(),
        Duration::from_secs(120),
    );
    let redirected = server
        .standin
        .log()
        .iter()
        .filter(|r| r.path() == "/credentials/revoke" && r.status() == 307)
        .count();
    assert_eq!(redirected, 1, "the attack was not made");
    assert_eq!(
        (elsewhere.connections(), elsewhere.bytes()),
        (0, 0),
        "the revocation followed the redirect to another host:\n{}",
        out.stderr
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    for said in ["revocation: revoked", "\"revocation\":\"revoked\""] {
        assert!(!out.all_output().contains(said), "{}", out.all_output());
    }
    assert!(!out.all_output().contains(LEAKED));
}
