#![forbid(unsafe_code)]
//! The App side over HTTP: App JWTs verified with the public key and checked
//! against the stand-in's clock, installations found and listed, tokens
//! minted that expire and reach only their organization, and what is
//! counted.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::TimeDelta;
use common::{TestClock, app_jwt, app_key, get, jwt, jwt_with_header, post};
use github_standin::{App, Fault, Grant, Installation, Org, StandIn};
use serde_json::{Value, json};

const APP_ID: u64 = 4242;
const CLIENT_ID: &str = "Iv23liStandIn";

struct Setup {
    github: StandIn,
    clock: TestClock,
    pair: aws_lc_rs::rsa::KeyPair,
}

impl Setup {
    /// The App installed on `acme` (11) and `globex` (12), suspended on
    /// `gamma` (13), on a user account (14); on the test clock.
    async fn start() -> Setup {
        let (pair, public_key) = app_key();
        let app = App::new(APP_ID, CLIENT_ID, public_key)
            .installed_on(11, "acme")
            .installed_on(12, "globex")
            .install(Installation::organization(13, "gamma").suspended(true))
            .install(Installation::user(14, "octocat"));
        let clock = TestClock::new();
        let github = StandIn::builder()
            .app(app)
            .org(Org::new("acme", 1).grants([Grant::new(1)]))
            .org(Org::new("globex", 2).grants([Grant::new(2)]))
            .clock(clock.source())
            .max_per_page(3)
            .start()
            .await
            .unwrap();
        Setup {
            github,
            clock,
            pair,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.github.base_url())
    }

    fn jwt(&self) -> String {
        app_jwt(&self.pair, json!(APP_ID.to_string()), self.clock.now())
    }

    /// A token for `installation`.
    async fn mint(&self, installation: i64) -> String {
        let url = self.url(&format!("/app/installations/{installation}/access_tokens"));
        let minted = post(&url, Some(&self.jwt()), &json!({})).await;
        assert_eq!(minted.status, 201, "{}", minted.body);
        minted.body["token"].as_str().unwrap().to_string()
    }
}

#[tokio::test]
async fn jwts_pass_only_with_the_apps_key_issuer_and_times() {
    let s = Setup::start().await;
    let lookup = s.url("/orgs/acme/installation");
    let now = s.clock.now();
    let found = get(&lookup, Some(&s.jwt())).await;
    assert_eq!((found.status, found.body["id"].clone()), (200, json!(11)));
    for iss in [json!(APP_ID), json!(CLIENT_ID)] {
        assert_eq!(
            get(&lookup, Some(&app_jwt(&s.pair, iss, now))).await.status,
            200
        );
    }
    let (other, _) = app_key();
    let iat = now.timestamp() - 60;
    let refused = [
        (
            app_jwt(&other, json!(APP_ID), now),
            "A JSON web token could not be decoded",
        ),
        (
            app_jwt(&s.pair, json!(999), now),
            "A JSON web token could not be decoded",
        ),
        (
            jwt(
                &s.pair,
                &json!({"iss": APP_ID, "iat": iat - 600, "exp": iat - 1}),
            ),
            "'Expiration time' claim ('exp') must be a numeric value representing the future time",
        ),
        (
            jwt(
                &s.pair,
                &json!({"iss": APP_ID, "iat": iat, "exp": iat + 700}),
            ),
            "'Expiration time' claim ('exp') is too far in the future",
        ),
        (
            jwt(
                &s.pair,
                &json!({"iss": APP_ID, "iat": iat + 120, "exp": iat + 500}),
            ),
            "'Issued at' claim ('iat') must be an Integer representing a time in the past",
        ),
    ];
    for (jwt, message) in refused {
        let answer = get(&lookup, Some(&jwt)).await;
        assert_eq!(
            (answer.status, answer.body["message"].as_str()),
            (401, Some(message))
        );
    }
    assert_eq!(get(&lookup, None).await.status, 401);
    assert_eq!(
        get(&s.url("/orgs/initech/installation"), Some(&s.jwt()))
            .await
            .status,
        404
    );
    let seen = s.github.activity();
    assert_eq!(
        (seen.jwts_accepted, seen.jwts_rejected, seen.lookups),
        (4, 6, 3)
    );
}

/// Refused as GitHub refuses them: a header not RS256, another App's
/// issuer, claims changed after signing, not a JWT at all, `exp` eleven
/// minutes after `iat`, an `iat` that is not a number.
#[tokio::test]
async fn jwts_are_refused_for_their_header_shape_and_claims() {
    let s = Setup::start().await;
    let lookup = s.url("/orgs/acme/installation");
    let now = s.clock.now();
    let iat = now.timestamp() - 60;
    let good = json!({"iss": APP_ID, "iat": iat, "exp": iat + 540});
    // A JWT signed, then its claims changed.
    let mut tampered: Vec<String> = jwt(&s.pair, &good).split('.').map(str::to_string).collect();
    tampered[1] =
        URL_SAFE_NO_PAD.encode(json!({"iss": APP_ID, "iat": iat, "exp": iat + 5_000}).to_string());
    let undecodable = [
        jwt_with_header(&s.pair, &json!({"alg": "none"}), &good),
        app_jwt(&s.pair, json!("Iv23liOther"), now),
        tampered.join("."),
        "not.a-jwt".into(),
        "a.b.c.d".into(),
    ];
    let refused = undecodable.map(|jwt| (jwt, "A JSON web token could not be decoded"));
    let more = [
        (
            // Within ten minutes of now, but eleven after it was issued.
            jwt(
                &s.pair,
                &json!({"iss": APP_ID, "iat": iat - 200, "exp": iat + 500}),
            ),
            "'Expiration time' claim ('exp') is too far in the future",
        ),
        (
            jwt(
                &s.pair,
                &json!({"iss": APP_ID, "iat": "soon", "exp": iat + 500}),
            ),
            "'Issued at' claim ('iat') must be an Integer representing a time in the past",
        ),
    ];
    for (jwt, message) in refused.into_iter().chain(more) {
        let answer = get(&lookup, Some(&jwt)).await;
        assert_eq!(
            (answer.status, answer.body["message"].as_str()),
            (401, Some(message)),
            "{jwt}"
        );
    }
    assert_eq!(s.github.activity().jwts_rejected, 7);
}

#[tokio::test]
async fn githubs_clock_is_the_stand_ins_and_its_skew_shows_in_the_date_header() {
    let s = Setup::start().await;
    let lookup = s.url("/orgs/acme/installation");
    let answer = get(&lookup, Some(&s.jwt())).await;
    assert_eq!(answer.header("date"), Some("Sun, 01 Mar 2026 12:00:00 GMT"));
    // GitHub an hour ahead: a JWT made by the client's clock has expired.
    s.github.set_clock_skew(TimeDelta::hours(1));
    let skewed = get(&lookup, Some(&s.jwt())).await;
    assert_eq!(skewed.status, 401);
    assert_eq!(skewed.header("date"), Some("Sun, 01 Mar 2026 13:00:00 GMT"));
    // A client that reads the Date header signs by GitHub's time and passes.
    let corrected = app_jwt(&s.pair, json!(APP_ID), s.clock.now() + TimeDelta::hours(1));
    assert_eq!(get(&lookup, Some(&corrected)).await.status, 200);
}

#[tokio::test]
async fn installations_are_listed_in_pages_with_links() {
    let s = Setup::start().await;
    let first = get(&s.url("/app/installations?per_page=100"), Some(&s.jwt())).await;
    let ids: Vec<Value> = first
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    assert_eq!(ids, [json!(11), json!(12), json!(13)]);
    assert_eq!(first.body[0]["account"]["login"], "acme");
    assert_eq!(
        first.body[0]["account"]["id"], 1,
        "the organization's own id"
    );
    assert_eq!(first.body[2]["suspended_at"], "2026-02-28T12:00:00Z");
    let (rel, next) = &first.links()[0];
    assert_eq!(rel, "next");
    let second = get(next, Some(&s.jwt())).await;
    assert_eq!(second.body[0]["target_type"], "User");
}

#[tokio::test]
async fn minted_tokens_expire_in_an_hour_and_reach_only_their_organization() {
    let s = Setup::start().await;
    let token = s.mint(11).await;
    assert!(token.starts_with("ghs_") && token.len() == 40, "{token}");
    assert_eq!(
        s.github.minted_tokens()[0].expires_at(),
        s.clock.now() + TimeDelta::hours(1)
    );
    assert!(!format!("{:?}", s.github.minted_tokens()).contains(&token));
    let grants = |org: &str| s.url(&format!("/orgs/{org}/personal-access-tokens"));
    assert_eq!(get(&grants("acme"), Some(&token)).await.status, 200);
    let other = get(&grants("globex"), Some(&token)).await;
    assert_eq!(
        (other.status, other.body["message"].clone()),
        (403, json!("Resource not accessible by integration"))
    );
    assert_eq!(
        get(&grants("acme"), Some(&s.jwt())).await.status,
        401,
        "a JWT is not an installation token"
    );

    s.clock.advance(TimeDelta::hours(1));
    assert_eq!(
        get(&grants("acme"), Some(&token)).await.status,
        401,
        "expired"
    );
    let renewed = s.mint(11).await;
    s.github.revoke_token(&renewed);
    assert_eq!(
        get(&grants("acme"), Some(&renewed)).await.status,
        401,
        "revoked"
    );

    let url = |id: i64| s.url(&format!("/app/installations/{id}/access_tokens"));
    let suspended = post(&url(13), Some(&s.jwt()), &json!({})).await;
    assert_eq!(
        (suspended.status, suspended.body["message"].clone()),
        (403, json!("This installation has been suspended"))
    );
    assert_eq!(post(&url(99), Some(&s.jwt()), &json!({})).await.status, 404);
    let scoped = post(&url(12), Some(&s.jwt()), &json!({"repositories": ["app"]})).await;
    assert_eq!(scoped.body["repository_selection"], "selected");
    let seen = s.github.activity();
    assert_eq!((seen.tokens_minted, seen.tokens_rejected), (3, 3));
}

#[tokio::test]
async fn fresh_tokens_can_be_refused_their_first_uses() {
    let s = Setup::start().await;
    s.github.inject(Fault::fresh_tokens_rejected(2));
    let token = s.mint(11).await;
    let url = s.url("/orgs/acme/personal-access-tokens");
    let statuses = [
        get(&url, Some(&token)).await.status,
        get(&url, Some(&token)).await.status,
        get(&url, Some(&token)).await.status,
    ];
    assert_eq!(statuses, [401, 401, 200]);
}

#[tokio::test]
async fn the_app_can_be_installed_while_serving_and_without_an_app_its_endpoints_are_404() {
    let s = Setup::start().await;
    let lookup = s.url("/orgs/initech/installation");
    assert_eq!(get(&lookup, Some(&s.jwt())).await.status, 404);
    s.github.install(Installation::organization(15, "initech"));
    assert_eq!(get(&lookup, Some(&s.jwt())).await.status, 200);

    let no_app = StandIn::builder().start().await.unwrap();
    let url = format!("{}/app/installations", no_app.base_url());
    assert_eq!(get(&url, Some(&s.jwt())).await.status, 404);
}
