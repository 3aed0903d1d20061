//! Attack 6: sizes the server states. A `Link` whose `rel="last"` names
//! page 4,294,967,295 sizes nothing and makes no request for a page that
//! does not exist; a body that never ends is cut off at a limit. Neither
//! aborts the process.

use std::time::Duration;

use github_standin::{Fault, Grant, Hostile, Org};

use crate::common::{NOW, github, serve};
use crate::support::{pat_audit, run, run_watched};

/// More than any limit a fix sets on one response (the issue says 32 MiB),
/// with room for retries: a client that read this much of an endless body
/// reads without a limit. It is stopped there, so that the test itself
/// cannot exhaust the machine.
const ENDLESS_READ_AT_MOST: u64 = 256 << 20;

/// The `page` of a request target, 1 when it has none.
fn page_of(target: &str) -> u64 {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1)
}

#[test]
fn a_last_page_of_four_billion_sizes_nothing_and_no_page_past_the_end_is_asked_for() {
    // 150 grants: two pages of 100. Every listing's `rel="last"` lies.
    let server = serve(
        github()
            .org(
                Org::new("acme", 652551)
                    .grants((1..=150).map(|id| Grant::new(id).expires_at(None))),
            )
            .fault(Fault::hostile(Hostile::LastPage(4_294_967_295))),
    );
    let mut cmd = pat_audit(&["audit", "--base-url", server.url(), "--now", NOW]);
    cmd.args(["--org", "acme", "--format", "json"]);
    let out = run(cmd, b"", Duration::from_secs(120));
    assert_eq!(out.signal, None, "killed by a signal: {}", out.stderr);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let listings: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|t| {
            t.split('?')
                .next()
                .unwrap_or_default()
                .ends_with("/personal-access-tokens")
        })
        .collect();
    assert!(!listings.is_empty());
    let past_the_end: Vec<&String> = listings.iter().filter(|t| page_of(t) > 2).collect();
    assert!(
        past_the_end.is_empty(),
        "pages that do not exist were asked for: {past_the_end:?}"
    );
    // All 150 grants were read, from the two pages that exist.
    let lines = crate::common::json_lines(out.stdout.as_bytes());
    let mut ids: Vec<i64> = lines.iter().filter_map(|l| l["id"].as_i64()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 150);
}

#[test]
fn a_grants_page_that_never_ends_fails_the_audit_within_a_bounded_time() {
    let server = serve(
        github()
            .org(Org::new("acme", 652551).grants([Grant::new(1)]))
            .fault(Fault::hostile(Hostile::EndlessBody).path("/orgs/acme/personal-access-tokens")),
    );
    let mut cmd = pat_audit(&["audit", "--base-url", server.url(), "--now", NOW]);
    cmd.args(["--org", "acme", "--format", "json"]);
    let standin = &server.standin;
    let out = run_watched(cmd, b"", Duration::from_secs(120), || {
        (standin.streamed() > ENDLESS_READ_AT_MOST).then(|| {
            format!(
                "it read {} MiB of a page that never ends without stopping",
                standin.streamed() >> 20
            )
        })
    });
    assert_eq!(out.signal, None, "killed by a signal: {}", out.stderr);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(standin.streamed() > 0, "the attack was not made");
}
