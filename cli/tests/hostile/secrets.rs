//! Attack 1: an installation-token answer that cannot be decoded but holds
//! a live token. The token is quoted nowhere: not on stderr, not in the
//! `--output` snapshot (which the Action uploads), not in `serve`'s 502
//! (which GitHub shows in the delivery log).

use std::time::Duration;

use chrono::TimeDelta;
use github_standin::{Fault, Grant, Hostile, Org, TokenRequest, Webhook};

use crate::common::{APP_ID, NOW, Server, fixture, github, now, serve_app, test_app};
use crate::receiver::Receiver;
use crate::support::{pat_audit, run};

fn acme() -> Org {
    Org::new("acme", 652551).grants([Grant::new(1)])
}

/// The App installed on acme (installation 101); every token it mints is
/// answered so that it cannot be decoded.
fn hostile_github() -> Server {
    serve_app(
        github()
            .org(acme())
            .fault(Fault::hostile(Hostile::UndecodableToken)),
        test_app().installed_on(101, "acme"),
    )
}

/// Fails the test if `text` (named `what`) quotes a token the stand-in
/// minted, whole or its first 16 characters after `ghs_`.
fn assert_no_minted_token(server: &Server, what: &str, text: &str) {
    let minted = server.standin.minted_tokens();
    assert!(
        !minted.is_empty(),
        "no token was minted: no attack was made"
    );
    for token in &minted {
        let secret = &token.token()["ghs_".len()..];
        assert!(
            !text.contains(&secret[..16]),
            "{what} quotes the minted token:\n{text}"
        );
    }
}

#[test]
fn audit_never_quotes_an_undecodable_token_answer_on_stderr_or_in_the_snapshot() {
    let server = hostile_github();
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot.json");
    let key = fixture("app-key-pkcs1.pem");
    let mut cmd = pat_audit(&["audit", "--base-url", server.url(), "--now", NOW]);
    cmd.args(["--org", "acme", "--app-id", APP_ID, "--private-key", &key])
        .args(["--format", "json", "--output"])
        .arg(&snapshot)
        .env("GITHUB_TOKEN", "ghs_not_minted_by_the_stand_in");
    let out = run(cmd, b"", Duration::from_secs(120));
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_no_minted_token(&server, "the audit's output", &out.all_output());
    // Whatever is left in the directory: the snapshot, or a partial one.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert_no_minted_token(&server, &path.display().to_string(), &text);
    }
}

#[test]
fn serve_answers_502_without_the_token_when_the_token_answer_cannot_be_decoded() {
    let server = hostile_github();
    let key = fixture("app-key-pkcs1.pem");
    let receiver = Receiver::start(&server, &["--app-id", APP_ID, "--private-key", &key]);
    // A request the policy approves: acting on it needs the installation's token.
    let request = TokenRequest::new(11)
        .created_at(now())
        .expires_at(Some(now() + TimeDelta::days(7)))
        .repositories(["app"])
        .permission("repository", "metadata", "read");
    let webhook = Webhook::token_request("created", &request, &acme()).installation(101);
    let delivery = server.block_on(server.standin.deliver(&webhook)).unwrap();
    assert_eq!(delivery.status(), Some(502), "{}", delivery.response());
    assert_no_minted_token(&server, "serve's answer", delivery.response());
    let (_, log, _) = receiver
        .terminate(Duration::from_secs(60))
        .expect("serve stops on SIGTERM");
    assert_no_minted_token(&server, "serve's log", &log);
}
