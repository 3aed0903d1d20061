#![forbid(unsafe_code)]
//! `pat-audit audit` signed in as a GitHub App (`--app-id` or `--client-id`
//! with `--private-key`), against the stand-in playing GitHub's App side: it
//! verifies every JWT's signature with the App's public key and serves the
//! listings only to the installation tokens it minted.

mod common;

use chrono::{TimeDelta, Utc};
use common::{
    APP_ID, CLIENT_ID, Server, TOKEN, audit, fixture, github, json_lines, keys, now, serve_app,
    test_app,
};
use github_standin::{Builder, Grant, Installation, Org, ThrowawayKey, TokenRequest};
use predicates::prelude::*;
use predicates::str::contains;

/// Two organizations: acme (an expired grant, a clean one, a request) and
/// beta (a grant without expiry).
fn two_orgs() -> Builder {
    let clean = |id| {
        Grant::new(id)
            .granted_at(now() - TimeDelta::days(10))
            .last_used_at(Some(now() - TimeDelta::days(1)))
            .expires_at(Some(now() + TimeDelta::days(60)))
    };
    github().orgs(vec![
        Org::new("acme", 652551)
            .grants(vec![
                clean(1).expires_at(Some(now() - TimeDelta::days(1))),
                // Unexpired on the real clock too, which `revoke --apply`
                // runs on (`--now` is only for looking).
                clean(2).expires_at(Some(Utc::now() + TimeDelta::days(60))),
            ])
            .requests(vec![TokenRequest::new(100)]),
        Org::new("beta", 652552).grants(vec![clean(3).expires_at(None)]),
    ])
}

fn both_orgs_findings() -> Vec<(String, String, i64, String)> {
    let mut v: Vec<_> = [
        ("acme", "grant", 1, "expired"),
        ("acme", "request", 100, "pending-request"),
        ("beta", "grant", 3, "no-expiry"),
    ]
    .into_iter()
    .map(|(o, k, i, f)| (o.into(), k.into(), i, f.into()))
    .collect();
    v.sort();
    v
}

/// `audit` with the App's flags; `GITHUB_TOKEN` stays set to a token the
/// stand-in never minted, so a pass also shows the App flags win over it.
fn app_audit(server: &Server, issuer: &[&str], args: &[&str]) -> assert_cmd::Command {
    let key = fixture("app-key-pkcs1.pem");
    let mut cmd = audit(server, &[issuer, &["--private-key", &key], args].concat());
    cmd.env("GITHUB_TOKEN", "ghs_not_minted_by_the_stand_in");
    cmd
}

#[test]
fn an_app_id_or_a_client_id_and_a_pkcs1_key_audit_two_orgs() {
    for issuer in [["--app-id", APP_ID], ["--client-id", CLIENT_ID]] {
        let server = serve_app(
            two_orgs(),
            test_app()
                .installed_on(101, "acme")
                .installed_on(102, "beta"),
        );
        let out = app_audit(
            &server,
            &issuer,
            &["--org", "acme,beta", "--format", "json"],
        )
        .assert()
        .success()
        .stderr(contains("2 organizations audited"));
        assert_eq!(
            keys(&json_lines(&out.get_output().stdout)),
            both_orgs_findings(),
            "{issuer:?}"
        );
        // Each organization's installation was looked up and got one token,
        // whatever the number of listings and pages.
        let seen = server.activity();
        assert_eq!((seen.lookups, seen.tokens_minted), (2, 2), "{seen:?}");
        assert_eq!(
            (seen.jwts_rejected, seen.tokens_rejected),
            (0, 0),
            "{seen:?}"
        );
        for path in [
            "/orgs/acme/installation",
            "/orgs/beta/installation",
            "/app/installations/101/access_tokens",
            "/app/installations/102/access_tokens",
        ] {
            let exactly = |r: &String| r.split('?').next() == Some(path);
            let requests = server.requests_to(path);
            assert_eq!(requests.iter().filter(|r| exactly(r)).count(), 1, "{path}");
        }
    }
}

#[test]
fn all_installations_audits_every_installed_organization_and_skips_the_rest() {
    // One installation a page, so that the listing follows three `next` links.
    let standin = two_orgs().org(Org::new("gamma", 652553)).max_per_page(1);
    let app = test_app()
        .installed_on(101, "acme")
        .install(Installation::user(103, "octocat"))
        .install(Installation::organization(104, "delta").suspended(true))
        .installed_on(102, "beta");
    let server = serve_app(standin, app);
    let out = app_audit(
        &server,
        &["--client-id", CLIENT_ID],
        &["--all-installations", "--format", "json"],
    )
    .assert()
    .success()
    .stderr(contains(
        "pat-audit: skipping the installation on the user account `octocat` (installation 103): \
         only organizations have fine-grained token grants",
    ))
    .stderr(contains(
        "skipping the installation on the organization `delta` (installation 104): it is suspended",
    ))
    .stderr(contains("2 organizations audited"));
    assert_eq!(
        keys(&json_lines(&out.get_output().stdout)),
        both_orgs_findings()
    );
    assert_eq!(server.requests_to("/app/installations?").len(), 4);
    // The installations' IDs came with the listing: no lookup, and nothing
    // sent for the organization the App is not installed on.
    let seen = server.activity();
    assert_eq!((seen.lookups, seen.tokens_minted), (0, 2), "{seen:?}");
    assert!(server.requests_to("/orgs/gamma").is_empty());

    // --quiet keeps stderr for errors.
    app_audit(
        &server,
        &["--client-id", CLIENT_ID],
        &["--all-installations", "--quiet"],
    )
    .assert()
    .success()
    .stderr("");

    // A named organization is audited too, and fails if the App is not there.
    let out = app_audit(
        &server,
        &["--app-id", APP_ID],
        &["--all-installations", "--org", "gamma", "--format", "json"],
    )
    .assert()
    .code(1)
    .stderr(contains(
        "gamma: listing grants failed: the GitHub App `31337` is not installed on the \
         organization `gamma`",
    ));
    let orgs: Vec<String> = keys(&json_lines(&out.get_output().stdout))
        .into_iter()
        .map(|(org, ..)| org)
        .collect();
    assert!(orgs.contains(&"acme".into()) && orgs.contains(&"beta".into()));

    // Nothing to audit is an error that says why.
    let server = serve_app(
        two_orgs(),
        test_app().install(Installation::user(103, "octocat")),
    );
    app_audit(&server, &["--app-id", APP_ID], &["--all-installations"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains(
            "pat-audit: error: the GitHub App is installed on no organization it can audit: \
             skipped the installation on the user account `octocat` (installation 103)",
        ));
}

#[test]
fn an_organization_without_the_app_fails_the_run_and_the_others_are_reported() {
    let server = serve_app(two_orgs(), test_app().installed_on(101, "acme"));
    let out = app_audit(
        &server,
        &["--app-id", APP_ID],
        &["--org", "beta,acme", "--format", "json"],
    )
    .assert()
    .code(1)
    .stderr(contains(
        "beta: listing grants failed: the GitHub App `31337` is not installed on the \
         organization `beta`, or the private key belongs to another App",
    ))
    .stderr(contains("beta: listing token requests failed"))
    .stderr(contains(
        "Hint: install the GitHub App on beta (the App's page, Install App) with the \
         organization permission \"Personal access tokens\"",
    ));
    assert_eq!(
        keys(&json_lines(&out.get_output().stdout)),
        both_orgs_findings()
            .into_iter()
            .filter(|(org, ..)| org == "acme")
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_bad_private_key_is_refused_before_any_request_and_never_echoed() {
    let server = serve_app(two_orgs(), test_app().installed_on(101, "acme"));
    let pem = std::fs::read_to_string(fixture("app-key-pkcs1.pem")).unwrap();
    let body: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let dir = tempfile::tempdir().unwrap();
    // Half the key, as a copy cut short leaves it.
    let truncated = dir.path().join("truncated.pem");
    let half = pem
        .lines()
        .take(body.len() / 2)
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&truncated, half).unwrap();
    let public = fixture("app-key-public.pem");
    let missing = dir.path().join("missing.pem");
    for (file, why) in [
        (truncated.to_str().unwrap(), "is truncated"),
        (
            public.as_str(),
            "is a public key or certificate, not the private key",
        ),
        (
            missing.to_str().unwrap(),
            "reading the App's private key file",
        ),
    ] {
        let out = audit(
            &server,
            &["--org", "acme", "--app-id", APP_ID, "--private-key", file],
        )
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("pat-audit: error: invalid client configuration"))
        .stderr(contains(why));
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        for line in &body {
            assert!(!stderr.contains(&line[..16]), "key bytes in: {stderr}");
        }
    }
    assert_eq!(server.requests(), Vec::<String>::new());
}

#[test]
fn another_apps_key_is_refused_by_github_with_a_hint() {
    let server = serve_app(two_orgs(), test_app().installed_on(101, "acme"));
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other-app.pem");
    std::fs::write(&other, ThrowawayKey::generate().unwrap().private_key_pem()).unwrap();
    audit(
        &server,
        &[
            "--org",
            "acme",
            "--app-id",
            APP_ID,
            "--private-key",
            other.to_str().unwrap(),
        ],
    )
    .assert()
    .code(1)
    .stderr(contains("acme: listing grants failed"))
    .stderr(contains("A JSON web token could not be decoded"))
    .stderr(contains(
        "Hint: GitHub did not accept the App's JWT. Is --private-key this App's key",
    ))
    .stderr(contains("Is this machine's clock right"));
    let seen = server.activity();
    assert!(seen.jwts_rejected >= 1, "{seen:?}");
    assert_eq!((seen.jwts_accepted, seen.tokens_minted), (0, 0), "{seen:?}");

    // Listing the installations fails the same way, before any audit.
    audit(
        &server,
        &[
            "--all-installations",
            "--client-id",
            CLIENT_ID,
            "--private-key",
            other.to_str().unwrap(),
        ],
    )
    .assert()
    .code(1)
    .stdout("")
    .stderr(contains(
        "pat-audit: error: listing the GitHub App's installations (GET /app/installations) \
         failed: GitHub API error 401: A JSON web token could not be decoded",
    ))
    .stderr(contains("Is --app-id the App ID (a number)"));
}

#[test]
fn app_flags_are_checked_before_anything_is_sent() {
    let server = serve_app(two_orgs(), test_app().installed_on(101, "acme"));
    let key = fixture("app-key-pkcs1.pem");
    let key = key.as_str();
    for (args, message) in [
        (
            vec![
                "--app-id",
                APP_ID,
                "--client-id",
                CLIENT_ID,
                "--private-key",
                key,
            ],
            "the argument '--app-id <ID>' cannot be used with '--client-id <ID>'",
        ),
        (
            vec!["--app-id", APP_ID],
            "required arguments were not provided:\n  --private-key <FILE>",
        ),
        (
            vec!["--private-key", key],
            "required arguments were not provided:\n  <--app-id <ID>|--client-id <ID>>",
        ),
        (
            vec!["--all-installations"],
            "required arguments were not provided:\n  <--app-id <ID>|--client-id <ID>>",
        ),
        (
            vec!["--app-id", CLIENT_ID, "--private-key", key],
            "--app-id takes the App's numeric ID",
        ),
    ] {
        audit(&server, &[&["--org", "acme"], args.as_slice()].concat())
            .assert()
            .code(1)
            .stdout("")
            .stderr(contains(message));
    }
    assert_eq!(server.requests(), Vec::<String>::new());
}

#[test]
fn with_an_app_the_listings_take_only_the_tokens_it_minted() {
    let server = serve_app(two_orgs(), test_app().installed_on(101, "acme"));
    // GITHUB_TOKEN is a token, but not one the stand-in minted.
    audit(&server, &["--org", "acme"])
        .env("GITHUB_TOKEN", TOKEN)
        .assert()
        .code(1)
        .stderr(contains("GitHub API error 401: Bad credentials"))
        .stderr(contains("is GITHUB_TOKEN a current installation token?"))
        .stdout(predicate::str::contains("\"org\"").not());
    // Each of the four listings (grants, requests, credentials, installations).
    assert_eq!(server.activity().tokens_rejected, 4);
}

/// `revoke` as an App: each organization's calls carry the token minted for
/// its own installation. The stand-in answers a bulk call only to a token it
/// minted for an installation on that organization (403 otherwise), so a 202
/// for both organizations shows the per-organization clients at work.
#[test]
fn revoke_as_an_app_acts_in_each_organization_with_its_installation_token() {
    let server = serve_app(
        two_orgs(),
        test_app()
            .installed_on(101, "acme")
            .installed_on(102, "beta"),
    );
    let key = fixture("app-key-pkcs1.pem");
    let out = common::pat_audit()
        .env("GITHUB_TOKEN", "ghs_not_minted_by_the_stand_in")
        // `--now` is only for looking: `--apply` runs on the real clock.
        .args(["revoke", "--base-url", server.url()])
        .args(["--client-id", CLIENT_ID, "--private-key", &key])
        .args(["--all-installations", "--format", "json"])
        .args(["--finding", "expired,no-expiry", "--apply", "--yes"])
        .assert()
        .success();
    let lines = json_lines(&out.get_output().stdout);
    let mut done: Vec<(String, i64)> = lines
        .iter()
        .filter(|l| l["result"] == "done")
        .map(|l| {
            (
                l["org"].as_str().unwrap().to_string(),
                l["id"].as_i64().unwrap(),
            )
        })
        .collect();
    done.sort();
    assert_eq!(done, vec![("acme".into(), 1), ("beta".into(), 3)]);
    let posts = server.posts();
    let mut sent: Vec<(String, u16)> = posts.iter().map(|p| (p.path.clone(), p.status)).collect();
    sent.sort();
    assert_eq!(
        sent,
        vec![
            ("/orgs/acme/personal-access-tokens".into(), 202),
            ("/orgs/beta/personal-access-tokens".into(), 202),
        ]
    );
    let seen = server.activity();
    assert_eq!(
        (seen.tokens_minted, seen.tokens_rejected),
        (2, 0),
        "{seen:?}"
    );
}
