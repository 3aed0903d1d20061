//! Attack 4: GitHub refuses the App's JWT for its `iat` and its `Date`
//! header, which nothing authenticates, says 2036. The App's clock is not
//! moved by more than an hour: the run fails naming the clocks, and no JWT
//! it signs afterwards is issued far from now.

use std::time::Duration;

use chrono::{TimeZone as _, Utc};
use github_standin::{Fault, Grant, Hostile, Org};

use crate::common::{APP_ID, NOW, fixture, github, serve_app, test_app};
use crate::support::{pat_audit, run};

/// The furthest a JWT's `iat` may be from the true time: the issue's
/// bound on a clock correction.
const AT_MOST: i64 = 3600;

#[test]
fn a_date_header_from_2036_does_not_move_the_apps_clock() {
    let lie = Utc.with_ymd_and_hms(2036, 1, 1, 0, 0, 0).unwrap();
    let server = serve_app(
        github()
            .org(Org::new("acme", 652551).grants([Grant::new(1)]))
            .fault(Fault::hostile(Hostile::ClockLie(lie))),
        test_app().installed_on(101, "acme"),
    );
    let key = fixture("app-key-pkcs1.pem");
    let mut cmd = pat_audit(&["audit", "--base-url", server.url(), "--now", NOW]);
    cmd.args(["--org", "acme", "--app-id", APP_ID, "--private-key", &key])
        .env("GITHUB_TOKEN", "ghs_not_minted_by_the_stand_in");
    let out = run(cmd, b"", Duration::from_secs(120));
    let now = Utc::now().timestamp();
    let iats: Vec<i64> = server
        .standin
        .log()
        .iter()
        .filter_map(|r| r.jwt_claims())
        .map(|claims| claims["iat"].as_i64().expect("an iat"))
        .collect();
    assert!(!iats.is_empty(), "no JWT was sent: no attack was made");
    for iat in &iats {
        assert!(
            (iat - now).abs() <= AT_MOST,
            "a JWT was issued {} s from now, as the lying Date said (iats {iats:?}):\n{}",
            iat - now,
            out.stderr
        );
    }
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("clock"), "{}", out.stderr);
}
