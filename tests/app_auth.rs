#![forbid(unsafe_code)]
//! GitHub App authentication against the GitHub stand-in (`github-standin`,
//! set up in tests/common/github_app.rs), which verifies each JWT's
//! signature with the App's public key: keys, JWT claims, installation
//! lookup, minting (single flight), renewal on an injected clock, clock skew,
//! 401 handling, GitHub Enterprise Server paths, pagination across origins,
//! tokens that reach only their own organization, and secrets in formatted
//! output.

mod common;

use std::time::Duration;

use chrono::Duration as Span;
use common::github_app::{
    APP_ID, CLIENT_ID, FakeGitHub, INSTALLATION_ID, fixture, fixture_path, github, key_lines,
};
use futures::{FutureExt, TryStreamExt};
use github_pat_grants::types::{
    AppPermissions, AppPermissionsOrganizationPersonalAccessTokens as Level,
};
use github_pat_grants::{
    Access, AppAuthErrorKind, AppCredentials, Client, Error, Operation, Paginated, TokenScope,
};
use github_standin::{Failure, Fault, Installation, StandIn};
use serde_json::json;

fn credentials(key: &str) -> AppCredentials {
    AppCredentials::from_pem(APP_ID, fixture(key)).unwrap()
}

/// An App-level client on the stand-in's clock.
fn app_client(gh: &FakeGitHub, credentials: AppCredentials) -> Client {
    Client::builder()
        .app(credentials)
        .base_url(gh.base_url())
        .clock(gh.clock.clone())
        .build()
        .unwrap()
}

/// A client for the App's installation on `acme`.
fn acme(gh: &FakeGitHub) -> Client {
    Client::builder()
        .app(credentials("app-key-pkcs1.pem"))
        .installation_for_org("acme")
        .base_url(gh.base_url())
        .clock(gh.clock.clone())
        .build()
        .unwrap()
}

async fn list(client: &Client) -> Result<Vec<i64>, Error> {
    list_in(client, "acme").await
}

async fn list_in(client: &Client, org: &str) -> Result<Vec<i64>, Error> {
    let grants = client.orgs().list_pat_grants(org).call().await?;
    Ok(grants.iter().map(|g| g.id).collect())
}

/// The next mint answers 500, as GitHub does when minting fails.
fn failing_mint() -> Fault {
    Fault::server_error(500)
        .method("POST")
        .path("/app/installations/")
        .times(1)
}

/// Every installation token is refused on acme's listing (401 `Bad credentials`).
fn tokens_refused() -> Fault {
    Fault::respond(Failure::Unauthorized).path("/orgs/acme/personal-access-tokens")
}

fn app_auth_error(e: Error) -> github_pat_grants::AppAuthError {
    match e {
        Error::AppAuth(e) => *e,
        other => panic!("expected an App authentication error, got {other:?}"),
    }
}

#[tokio::test]
async fn pkcs1_and_pkcs8_keys_sign_jwts_github_verifies() {
    for key in ["app-key-pkcs1.pem", "app-key-pkcs8.pem"] {
        let gh = FakeGitHub::start().await;
        let app = app_client(&gh, credentials(key));
        let installations: Vec<_> = app.installations().try_collect().await.unwrap();
        assert_eq!(
            installations.iter().map(|i| i.id).collect::<Vec<_>>(),
            [INSTALLATION_ID, INSTALLATION_ID + 100],
            "{key}: both pages, each with a JWT the server verified"
        );
        assert_eq!(gh.jwts().len(), 2, "{key}");
    }
}

#[tokio::test]
async fn an_installation_client_lists_the_installations_with_the_apps_jwt() {
    let gh = FakeGitHub::start().await;
    let installations: Vec<_> = acme(&gh).installations().try_collect().await.unwrap();
    assert_eq!(
        installations.iter().map(|i| i.id).collect::<Vec<_>>(),
        [INSTALLATION_ID, INSTALLATION_ID + 100]
    );
    // Both pages went with the App's JWT (the stand-in verifies and records
    // each); no installation token was minted for them.
    assert_eq!(gh.jwts().len(), 2);
    assert_eq!(gh.mints(), 0);
}

#[tokio::test]
async fn jwt_claims_are_githubs() {
    let gh = FakeGitHub::start().await;
    let app = app_client(&gh, credentials("app-key-pkcs1.pem"));
    app.installations().try_collect::<Vec<_>>().await.unwrap();
    let now = gh.clock.now().timestamp();
    let (jwt, claims) = gh.jwts()[0].clone();
    // Integers, not floats or strings; `iss` is the App ID as a string.
    assert_eq!(
        claims,
        json!({"iat": now - 60, "exp": now - 60 + 600, "iss": APP_ID.to_string()})
    );
    assert!(claims["iat"].is_i64() && claims["exp"].is_i64());
    // The same JWT serves the next page; a new one is signed when the old
    // one (nine minutes from now) has a minute or less left.
    assert_eq!(gh.jwts()[1].0, jwt);
    gh.clock.advance(Span::seconds(8 * 60 - 1));
    app.installations().try_collect::<Vec<_>>().await.unwrap();
    assert_eq!(gh.jwts()[2].0, jwt);
    gh.clock.advance(Span::seconds(1));
    app.installations().try_collect::<Vec<_>>().await.unwrap();
    assert_ne!(gh.jwts()[4].0, jwt);

    // A client ID is the issuer as it is.
    let gh = FakeGitHub::start().await;
    let app = app_client(
        &gh,
        AppCredentials::from_pem(CLIENT_ID, fixture("app-key-pkcs8.pem")).unwrap(),
    );
    app.installations().try_collect::<Vec<_>>().await.unwrap();
    assert_eq!(gh.jwts()[0].1["iss"], CLIENT_ID);
}

#[test]
fn each_bad_key_is_a_configuration_error_that_says_what_is_wrong() {
    let pkcs1 = fixture("app-key-pkcs1.pem");
    let lines: Vec<&str> = pkcs1.lines().collect();
    let truncated = lines[..lines.len() / 2].join("\n");
    // Lines missing in the middle: the PEM armour is whole, the key is not.
    let gutted = [&lines[..3], &lines[lines.len() - 3..]].concat().join("\n");
    let damaged = pkcs1.replacen(&lines[2][..8], "!!!!!!!!", 1);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "encrypted PKCS#8",
            fixture("bad-encrypted-pkcs8.pem"),
            "encrypted",
        ),
        (
            "encrypted PKCS#1",
            fixture("bad-encrypted-pkcs1.pem"),
            "encrypted",
        ),
        ("EC", fixture("bad-ec.pem"), "EC key"),
        (
            "EC in PKCS#8",
            fixture("bad-ec-pkcs8.pem"),
            "not an RSA key",
        ),
        ("OpenSSH", fixture("bad-openssh.pem"), "OpenSSH"),
        (
            "1024-bit",
            fixture("bad-short-1024.pem"),
            "shorter than 2048 bits",
        ),
        (
            "truncated",
            truncated,
            "truncated: its PEM block has no END line",
        ),
        ("lines missing", gutted, "truncated or damaged"),
        ("damaged base64", damaged, "not valid base64"),
        ("public key", fixture("app-key-public.pem"), "public key"),
        ("not PEM", "hello".into(), "expected a PEM block"),
        ("empty", String::new(), "expected a PEM block"),
    ];
    for (what, pem, says) in cases {
        let err = AppCredentials::from_pem(APP_ID, &pem).unwrap_err();
        let Error::Config(message) = &err else {
            panic!("{what}: {err:?}")
        };
        assert!(message.contains(says), "{what}: {message}");
        assert!(
            message.starts_with("the App's private key "),
            "{what}: {message}"
        );
        let shown = format!("{err} {err:?}");
        for line in key_lines(&pem) {
            assert!(
                !shown.contains(&line[..line.len().min(16)]),
                "{what} echoes key bytes: {shown}"
            );
        }
    }

    let err = AppCredentials::from_pem_file(APP_ID, fixture_path("bad-openssh.pem")).unwrap_err();
    assert!(err.to_string().contains("bad-openssh.pem") && err.to_string().contains("OpenSSH"));
    let err = AppCredentials::from_pem_file(APP_ID, fixture_path("no-such-key.pem")).unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("reading the App's private key file") && m.contains("no-such-key.pem")),
        "{err}"
    );
    // CRLF line endings and literal `\n` from an environment variable work.
    AppCredentials::from_pem(APP_ID, pkcs1.replace('\n', "\r\n")).unwrap();
    AppCredentials::from_pem(APP_ID, pkcs1.trim_end().replace('\n', "\\n")).unwrap();
    let pkcs8 = fixture("app-key-pkcs8.pem");
    AppCredentials::from_pem(CLIENT_ID, pkcs8.trim_end().replace('\n', "\\n")).unwrap();
}

#[tokio::test]
async fn the_installation_is_looked_up_from_the_org_once_then_minted_and_used() {
    let gh = FakeGitHub::start().await;
    let client = acme(&gh);
    assert_eq!(list(&client).await.unwrap(), [1]);
    assert_eq!(list(&client.clone()).await.unwrap(), [1]);
    assert_eq!(
        gh.requests(),
        [
            "GET /orgs/acme/installation".to_string(),
            format!("POST /app/installations/{INSTALLATION_ID}/access_tokens"),
            "GET /orgs/acme/personal-access-tokens".into(),
            "GET /orgs/acme/personal-access-tokens".into(),
        ]
    );
    let pages = gh.pages();
    assert!(pages.iter().all(|(_, t)| *t == gh.minted(0)));
    // An unscoped mint sends an empty JSON object.
    assert_eq!(gh.mint_bodies()[0], json!({}));
}

#[tokio::test]
async fn an_org_without_the_app_is_an_error_naming_the_org() {
    let gh = FakeGitHub::start().await;
    let client = Client::builder()
        .app(credentials("app-key-pkcs1.pem"))
        .installation_for_org("globex")
        .base_url(gh.base_url())
        .clock(gh.clock.clone())
        .build()
        .unwrap();
    let e = app_auth_error(list_in(&client, "globex").await.unwrap_err());
    assert_eq!(e.kind, AppAuthErrorKind::NotInstalled);
    assert_eq!(e.org.as_deref(), Some("globex"));
    let message = e.to_string();
    assert!(
        message.contains("not installed on the organization `globex`")
            && message.contains("private key belongs to another App"),
        "{message}"
    );
    assert_eq!(e.cause().and_then(Error::status), Some(404));
    assert_eq!(gh.mints(), 0);
    // A failed lookup is not cached: installing the App makes the next request work.
    gh.standin.install(Installation::organization(78, "globex"));
    assert_eq!(list_in(&client, "globex").await.unwrap(), [1]);
}

#[tokio::test]
async fn one_mint_for_a_hundred_concurrent_requests_on_a_cold_cache() {
    let gh = FakeGitHub::start().await;
    let client = acme(&gh);
    // One task polls all hundred before any response can arrive, so every
    // request finds the cache cold (or the mint in flight).
    let results = futures::future::join_all((0..100).map(|_| list(&client))).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().is_ok_and(|ids| ids == &[1]))
    );
    assert_eq!(gh.lookups(), 1);
    assert_eq!(gh.mint_attempts(), 1);
    assert_eq!(gh.pages().len(), 100);
}

#[tokio::test]
async fn a_failed_mint_reaches_every_waiter_and_is_not_cached() {
    let gh = FakeGitHub::start().await;
    gh.standin.inject(failing_mint());
    let client = acme(&gh);
    let results = futures::future::join_all((0..100).map(|_| list(&client))).await;
    for result in results {
        let e = app_auth_error(result.unwrap_err());
        assert_eq!(e.kind, AppAuthErrorKind::Mint);
        assert_eq!(e.installation_id, Some(INSTALLATION_ID));
        assert!(
            e.to_string().contains(&format!(
                "minting an installation token for installation {INSTALLATION_ID} failed"
            )) && e.to_string().contains("500"),
            "{e}"
        );
    }
    assert_eq!(gh.mint_attempts(), 1);
    // The next request mints again and succeeds.
    assert_eq!(list(&client).await.unwrap(), [1]);
    assert_eq!(gh.mint_attempts(), 2);
}

#[tokio::test]
async fn a_cancelled_waiter_does_not_stall_the_others() {
    let gh = FakeGitHub::start().await;
    let client = acme(&gh);
    let mut first = Box::pin(list(&client));
    // The first request starts the lookup and is dropped while it is in flight.
    assert!((&mut first).now_or_never().is_none());
    drop(first);
    let second = tokio::time::timeout(Duration::from_secs(20), list(&client)).await;
    assert_eq!(second.expect("the second request stalled").unwrap(), [1]);
    assert_eq!(gh.lookups(), 1);
    assert_eq!(gh.mint_attempts(), 1);
}

#[tokio::test]
async fn a_token_is_renewed_at_the_five_minute_margin_and_not_a_second_earlier() {
    let gh = FakeGitHub::start().await;
    let client = acme(&gh);
    let start = gh.clock.now();
    list(&client).await.unwrap();
    let expires = start + Span::hours(1);

    gh.clock.set(expires - Span::minutes(5) - Span::seconds(1));
    list(&client).await.unwrap();
    assert_eq!(gh.mints(), 1, "renewed a second early");

    gh.clock.set(expires - Span::minutes(5));
    list(&client).await.unwrap();
    assert_eq!(gh.mints(), 2, "not renewed at the margin");
    let pages = gh.pages();
    assert_eq!(pages[2].1, gh.minted(1));

    // The margin is configurable.
    let gh = FakeGitHub::start().await;
    let client = Client::builder()
        .app(credentials("app-key-pkcs1.pem"))
        .installation_id(INSTALLATION_ID)
        .token_refresh_margin(Duration::from_secs(20 * 60))
        .base_url(gh.base_url())
        .clock(gh.clock.clone())
        .build()
        .unwrap();
    list(&client).await.unwrap();
    gh.clock.advance(Span::minutes(40) - Span::seconds(1));
    list(&client).await.unwrap();
    assert_eq!(gh.mints(), 1);
    gh.clock.advance(Span::seconds(1));
    list(&client).await.unwrap();
    assert_eq!(gh.mints(), 2);
}

#[tokio::test]
async fn page_three_uses_a_fresh_token_when_page_two_used_the_last_minutes() {
    let gh = FakeGitHub::with(github(3)).await;
    let client = acme(&gh);
    let start = gh.clock.now();
    let mut grants = client.orgs().list_pat_grants("acme").stream();
    assert_eq!(grants.try_next().await.unwrap().unwrap().id, 1);
    gh.clock.set(start + Span::minutes(55) - Span::seconds(1));
    assert_eq!(grants.try_next().await.unwrap().unwrap().id, 2);
    gh.clock.set(start + Span::minutes(55));
    assert_eq!(grants.try_next().await.unwrap().unwrap().id, 3);
    assert!(grants.try_next().await.unwrap().is_none());
    assert_eq!(
        gh.pages(),
        [(1, gh.minted(0)), (2, gh.minted(0)), (3, gh.minted(1))]
    );
}

#[tokio::test]
async fn clock_skew_is_corrected_after_one_rejection_and_kept() {
    // GitHub's clock an hour ahead (our JWT looks expired), then an hour
    // behind (our JWT looks issued in the future).
    for skew in [3600, -3600] {
        let gh = FakeGitHub::start().await;
        gh.standin.set_clock_skew(Span::seconds(skew));
        let app = app_client(&gh, credentials("app-key-pkcs1.pem"));
        let acme = app.for_org("acme").unwrap();
        assert_eq!(list(&acme).await.unwrap(), [1], "skew {skew}");
        assert_eq!(gh.jwt_rejections(), 1);
        let (_, claims) = gh.jwts()[0].clone();
        let github_now = gh.clock.now().timestamp() + skew;
        assert_eq!(claims["iat"], github_now - 60, "skew {skew}");

        // Later JWTs use the offset: no second rejection, for the App client
        // itself nor for another installation's mint.
        gh.clock.advance(Span::minutes(30));
        app.installations().try_collect::<Vec<_>>().await.unwrap();
        gh.standin
            .install(Installation::organization(79, "initech"));
        list_in(&app.for_org("initech").unwrap(), "initech")
            .await
            .unwrap();
        assert_eq!(gh.jwt_rejections(), 1, "skew {skew}");
    }
}

#[tokio::test]
async fn a_401_right_after_minting_is_retried_briefly() {
    let gh = FakeGitHub::start().await;
    gh.standin.inject(Fault::fresh_tokens_rejected(2));
    let client = acme(&gh);
    assert_eq!(list(&client).await.unwrap(), [1]);
    assert_eq!(gh.mints(), 1);
    // Waited on the client's clock, not the wall clock.
    assert_eq!(
        *gh.clock.sleeps.lock().unwrap(),
        [Duration::from_millis(500), Duration::from_secs(1)]
    );
}

#[tokio::test]
async fn a_later_401_drops_the_token_mints_once_and_retries_once() {
    let gh = FakeGitHub::start().await;
    let client = acme(&gh);
    list(&client).await.unwrap();
    gh.clock.advance(Span::minutes(10));
    gh.standin.revoke_token(&gh.minted(0));
    assert_eq!(list(&client).await.unwrap(), [1]);
    assert_eq!(gh.mints(), 2);
    assert!(
        gh.clock.sleeps.lock().unwrap().is_empty(),
        "a stale token is not waited on"
    );
    // The new token is cached.
    list(&client).await.unwrap();
    assert_eq!(gh.mints(), 2);
    let pages = gh.pages();
    assert_eq!(pages.last().unwrap().1, gh.minted(1));
}

#[tokio::test]
async fn tokens_github_keeps_rejecting_are_an_error_that_says_so() {
    let gh = FakeGitHub::start().await;
    gh.standin.inject(tokens_refused());
    let client = acme(&gh);
    let e = app_auth_error(list(&client).await.unwrap_err());
    assert_eq!(e.kind, AppAuthErrorKind::TokenRejected);
    assert_eq!(e.cause().and_then(Error::status), Some(401));
    let message = e.to_string();
    assert!(
        message.contains("rejected the installation token")
            && message.contains("even after minting a new one")
            && message.contains("Bad credentials"),
        "{message}"
    );
    // The fresh token tried four times over 3.5 s, then one new token once.
    assert_eq!(gh.mints(), 2);
    assert_eq!(
        gh.requests()
            .iter()
            .filter(|r| r.ends_with("personal-access-tokens"))
            .count(),
        5
    );
}

#[tokio::test]
async fn a_github_enterprise_server_base_url_keeps_its_api_v3_path() {
    let gh = FakeGitHub::with(github(2).path_prefix("/api/v3")).await;
    let client = acme(&gh);
    assert!(client.base_url().ends_with("/api/v3"));
    let grants: Vec<_> = client
        .orgs()
        .list_pat_grants("acme")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(grants.len(), 2);
    assert_eq!(
        gh.requests(),
        [
            "GET /api/v3/orgs/acme/installation".to_string(),
            format!("POST /api/v3/app/installations/{INSTALLATION_ID}/access_tokens"),
            "GET /api/v3/orgs/acme/personal-access-tokens".into(),
            "GET /api/v3/organizations/652551/personal-access-tokens".into(),
        ]
    );
}

#[tokio::test]
async fn a_next_link_to_another_host_never_gets_a_token_or_jwt() {
    let elsewhere = StandIn::builder().start().await.unwrap();
    let gh = FakeGitHub::with(github(3).links_to(elsewhere.base_url())).await;

    let err = acme(&gh)
        .orgs()
        .list_pat_grants("acme")
        .collect_all()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Pagination(m) if m.contains("leaves the base URL's origin")),
        "{err:?}"
    );
    let app = app_client(&gh, credentials("app-key-pkcs1.pem"));
    let err = app
        .installations()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Pagination(_)), "{err:?}");
    assert!(elsewhere.log().is_empty(), "{:?}", elsewhere.log());
}

#[tokio::test]
async fn no_secret_in_any_formatted_output() {
    let gh = FakeGitHub::start().await;
    let creds = credentials("app-key-pkcs1.pem");
    let builder = Client::builder()
        .app(creds.clone())
        .installation_for_org("acme");
    let builder_debug = format!("{builder:?}");
    let client = builder
        .base_url(gh.base_url())
        .clock(gh.clock.clone())
        .build()
        .unwrap();
    list(&client).await.unwrap();
    let app = app_client(&gh, creds.clone());
    app.installations().try_collect::<Vec<_>>().await.unwrap();

    // Errors of each kind.
    let mut outputs = vec![
        builder_debug,
        format!("{creds:?}"),
        format!("{client:?}"),
        format!("{app:?}"),
    ];
    let globex = app.for_org("globex").unwrap();
    outputs.push(error_strings(list_in(&globex, "globex").await.unwrap_err()));
    gh.standin.inject(failing_mint());
    let other = app
        .for_installation(INSTALLATION_ID)
        .unwrap()
        .scoped(TokenScope::new().repositories(["Hello-World"]));
    outputs.push(error_strings(list(&other.unwrap()).await.unwrap_err()));
    gh.standin.inject(tokens_refused());
    gh.clock.advance(Span::minutes(10));
    outputs.push(error_strings(list(&client).await.unwrap_err()));
    outputs.push(format!("{client:?}"));

    let mut secrets: Vec<String> = (0..gh.mints()).map(|n| gh.minted(n)).collect();
    secrets.extend(gh.jwts().iter().map(|j| j.0.clone()));
    // Each signature alone is secret enough to look for.
    secrets.extend(
        gh.jwts()
            .iter()
            .map(|j| j.0.rsplit('.').next().unwrap().to_string()),
    );
    secrets.extend(key_lines(&fixture("app-key-pkcs1.pem")));
    assert!(secrets.len() > 20);
    for output in &outputs {
        for secret in &secrets {
            assert!(!output.contains(secret.as_str()), "a secret in: {output}");
        }
    }
    assert!(
        outputs[1].contains("12345") && outputs[1].contains("[redacted]"),
        "{}",
        outputs[1]
    );
}

fn error_strings(e: Error) -> String {
    let mut s = format!("{e} | {e:?}");
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        s.push_str(&format!(" | {cause} | {cause:?}"));
        source = cause.source();
    }
    s
}

#[tokio::test]
async fn a_token_scope_goes_into_the_mint_body_and_is_cached_apart() {
    let gh = FakeGitHub::start().await;
    let app = app_client(&gh, credentials("app-key-pkcs1.pem"));
    let full = app.for_installation(INSTALLATION_ID).unwrap();
    let scope = TokenScope::new()
        .repositories(["Hello-World"])
        .permission("organization_personal_access_tokens", Access::Read);
    // GitHub's typed permissions (the `apps` feature) make the same scope.
    let typed = TokenScope::new()
        .repositories(["Hello-World"])
        .permissions(AppPermissions {
            organization_personal_access_tokens: Some(Level::Read),
            ..Default::default()
        });
    assert_eq!(typed, scope);
    let narrow = full.scoped(scope.clone()).unwrap();
    list(&full).await.unwrap();
    list(&narrow).await.unwrap();
    list(&full.scoped(scope).unwrap()).await.unwrap();
    assert_eq!(gh.mints(), 2);
    assert_eq!(
        gh.mint_bodies()[1],
        json!({"repositories": ["Hello-World"], "permissions": {"organization_personal_access_tokens": "read"}})
    );
    // The builder takes a scope too, and refuses one without an installation.
    let err = Client::builder()
        .app(credentials("app-key-pkcs1.pem"))
        .token_scope(TokenScope::new().repository_ids([1]))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("needs an installation"), "{err}");
}

#[tokio::test]
async fn clients_from_the_same_credentials_share_one_token() {
    let gh = FakeGitHub::start().await;
    let creds = credentials("app-key-pkcs1.pem");
    let app = app_client(&gh, creds.clone());
    // From the App client, from a clone of it, and from a client built
    // separately with a clone of the credentials.
    let a = app.for_installation(INSTALLATION_ID).unwrap();
    let b = app.clone().for_installation(INSTALLATION_ID).unwrap();
    let c = Client::builder()
        .app(creds.clone())
        .installation_id(INSTALLATION_ID)
        .base_url(gh.base_url())
        .clock(gh.clock.clone())
        .build()
        .unwrap();
    for client in [&a, &b, &c, &a.clone()] {
        list(client).await.unwrap();
    }
    assert_eq!(gh.mints(), 1);
    // Another base URL is another cache entry.
    let gh2 = FakeGitHub::start().await;
    list(
        &app_client(&gh2, creds)
            .for_installation(INSTALLATION_ID)
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(gh2.mints(), 1);
}

#[test]
fn app_credentials_and_a_token_do_not_mix() {
    let err = Client::builder()
        .token("ghs_x")
        .app(credentials("app-key-pkcs1.pem"))
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("either a token or App credentials"),
        "{err}"
    );
    let err = Client::builder()
        .app(credentials("app-key-pkcs1.pem"))
        .token_refresh_margin(Duration::from_secs(3600))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("under an hour"), "{err}");
    let err = Client::builder()
        .installation_for_org("acme")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("needs App credentials"), "{err}");
    let token_client = Client::builder().token("ghs_x").build().unwrap();
    assert!(matches!(
        token_client.for_installation(1),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        token_client.for_org("acme"),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        token_client.scoped(TokenScope::new()),
        Err(Error::Config(_))
    ));
}

/// Installations listed across pages, suspended and user ones included;
/// a token of one organization's installation does not open another's; a
/// suspended installation gets no token; the App's own JWT is not an
/// installation token.
#[tokio::test]
async fn tokens_reach_only_their_installations_organization() {
    let app = common::github_app::test_app()
        .install(Installation::organization(13, "gamma").suspended(true))
        .installed_on(14, "globex");
    let gh = FakeGitHub::with(github(1).app(app)).await;
    let client = app_client(&gh, credentials("app-key-pkcs1.pem"));

    let installations: Vec<_> = client.installations().try_collect().await.unwrap();
    let summary: Vec<_> = installations
        .iter()
        .map(|i| (i.id, i.target_type.as_str(), i.suspended_at.is_some()))
        .collect();
    assert_eq!(
        summary,
        [
            (INSTALLATION_ID, "Organization", false),
            (INSTALLATION_ID + 100, "User", false),
            (13, "Organization", true),
            (14, "Organization", false)
        ]
    );

    let acme = client.for_org("acme").unwrap();
    assert_eq!(list(&acme).await.unwrap(), [1]);
    let err = list_in(&acme, "globex").await.unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");
    let globex = client.for_installation(14).unwrap();
    assert_eq!(list_in(&globex, "globex").await.unwrap(), [1]);
    let suspended = client.for_installation(13).unwrap();
    let err = list_in(&suspended, "gamma").await.unwrap_err();
    assert!(
        err.to_string()
            .contains("This installation has been suspended"),
        "{err}"
    );
    let err = list(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    let seen = gh.standin.activity();
    assert_eq!((seen.tokens_minted, seen.lookups), (2, 1), "{seen:?}");
    assert_eq!(
        (seen.jwts_rejected, seen.tokens_rejected),
        (0, 1),
        "{seen:?}"
    );
}
