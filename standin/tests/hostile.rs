#![forbid(unsafe_code)]
//! The hostile mode over HTTP: each attack answered as it says, only to
//! the requests it applies to, and recorded as it happened.

mod common;

use chrono::{TimeZone as _, Utc};
use common::{TestClock, app_jwt, app_key, get, post};
use github_standin::{App, Caller, Fault, Grant, Hostile, Org, StandIn};
use serde_json::json;

const APP_ID: u64 = 4242;

/// The App installed on acme (11), which has `grants` grants, on the test
/// clock, with `attack` injected; its key pair signs the JWTs.
async fn start(grants: i64, attack: Fault) -> (StandIn, TestClock, aws_lc_rs::rsa::KeyPair) {
    let (pair, public_key) = app_key();
    let clock = TestClock::new();
    let github = StandIn::builder()
        .app(App::new(APP_ID, "Iv23liStandIn", public_key).installed_on(11, "acme"))
        .org(Org::new("acme", 1).grants((1..=grants).map(Grant::new)))
        .clock(clock.source())
        .fault(attack)
        .start()
        .await
        .unwrap();
    (github, clock, pair)
}

/// acme with `grants` grants, open to anyone, with `attack` injected.
async fn open(grants: i64, attack: Fault) -> StandIn {
    StandIn::builder()
        .org(Org::new("acme", 1).grants((1..=grants).map(Grant::new)))
        .fault(attack)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_undecodable_token_answer_still_holds_a_live_token() {
    let (github, clock, pair) = start(1, Fault::hostile(Hostile::UndecodableToken)).await;
    let url = format!("{}/app/installations/11/access_tokens", github.base_url());
    let jwt = app_jwt(&pair, json!(APP_ID), clock.now());
    let minted = post(&url, Some(&jwt), &json!({})).await;
    assert_eq!(minted.status, 201, "{}", minted.body);
    let token = minted.body["token"].as_str().unwrap();
    assert!(token.starts_with("ghs_") && token.len() == 40, "{token}");
    let expires_at = minted.body["expires_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(expires_at).is_err(),
        "{expires_at}"
    );
    assert_eq!(github.minted_tokens()[0].token(), token);
    // The token works: the attack is the answer, not the token.
    let grants = format!("{}/orgs/acme/personal-access-tokens", github.base_url());
    assert_eq!(get(&grants, Some(token)).await.status, 200);
}

#[tokio::test]
async fn a_redirect_sends_the_client_elsewhere_and_nothing_is_done() {
    let elsewhere = "http://127.0.0.1:9/credentials/revoke";
    let attack = Fault::hostile(Hostile::Redirect {
        status: 307,
        location: elsewhere.into(),
    })
    .path("/credentials/revoke");
    let (github, _, _) = start(1, attack).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(format!("{}/credentials/revoke", github.base_url()))
        .body(r#"{"credentials":["ghp_x"]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 307);
    assert_eq!(response.headers()["location"], elsewhere);
    assert!(github.revoked_credentials().is_empty());
    // Other paths are answered as GitHub answers them.
    let grants = format!("{}/orgs/acme/personal-access-tokens", github.base_url());
    assert_eq!(get(&grants, None).await.status, 401);
}

#[tokio::test]
async fn a_lying_clock_refuses_every_jwt_and_only_jwts_and_the_claims_are_logged() {
    let lie = Utc.with_ymd_and_hms(2036, 7, 1, 0, 0, 0).unwrap();
    let (github, clock, pair) = start(1, Fault::hostile(Hostile::ClockLie(lie))).await;
    let lookup = format!("{}/orgs/acme/installation", github.base_url());
    let now = clock.now();
    let refused = get(&lookup, Some(&app_jwt(&pair, json!(APP_ID), now))).await;
    assert_eq!(refused.status, 401);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("'Issued at' claim ('iat')")
    );
    assert_eq!(
        refused.header("date"),
        Some("Tue, 01 Jul 2036 00:00:00 GMT")
    );
    // A JWT signed by the lie is refused too.
    let later = get(&lookup, Some(&app_jwt(&pair, json!(APP_ID), lie))).await;
    assert_eq!(later.status, 401);
    // A token's request is not attacked, and keeps the true `Date`.
    let grants = format!("{}/orgs/acme/personal-access-tokens", github.base_url());
    let not_jwt = get(&grants, Some("ghs_not_a_jwt")).await;
    assert_eq!(not_jwt.status, 401);
    assert_ne!(not_jwt.header("date"), refused.header("date"));
    let log = github.log();
    assert_eq!(log[0].caller(), Caller::RefusedJwt);
    let iats: Vec<i64> = log
        .iter()
        .filter_map(|r| r.jwt_claims())
        .map(|c| c["iat"].as_i64().unwrap())
        .collect();
    assert_eq!(iats, [now.timestamp() - 60, lie.timestamp() - 60]);
    assert_eq!(log[2].jwt_claims(), None);
}

#[tokio::test]
async fn the_last_link_names_a_page_that_does_not_exist_and_the_rest_stays_true() {
    let github = open(150, Fault::hostile(Hostile::LastPage(4_294_967_295))).await;
    let url = format!(
        "{}/orgs/acme/personal-access-tokens?per_page=100",
        github.base_url()
    );
    let first = get(&url, None).await;
    let links = first.links();
    assert_eq!(links[0].0, "next");
    assert!(links[0].1.ends_with("per_page=100&page=2"), "{links:?}");
    assert_eq!(links[1].0, "last");
    assert!(
        links[1].1.ends_with("per_page=100&page=4294967295"),
        "{links:?}"
    );
    assert_eq!(first.body.as_array().map(Vec::len), Some(100));
    let last = get(&format!("{url}&page=2"), None).await;
    assert_eq!(last.body.as_array().map(Vec::len), Some(50));
    assert!(last.links().iter().all(|(rel, _)| rel != "last"));
}

#[tokio::test]
async fn an_endless_body_goes_on_until_the_client_hangs_up_and_is_counted() {
    let github = open(1, Fault::hostile(Hostile::EndlessBody).times(1)).await;
    let url = format!("{}/orgs/acme/personal-access-tokens", github.base_url());
    let mut response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), 200);
    let mut read = Vec::new();
    while read.len() < 4 << 20 {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(30), response.chunk())
            .await
            .expect("the stream went quiet")
            .unwrap()
            .expect("the endless body ended");
        read.extend_from_slice(&chunk);
    }
    drop(response);
    assert!(read.starts_with(b"[{\"id\":1,"));
    assert!(github.streamed() >= read.len() as u64);
    // Used up after one time: the next listing is GitHub's, and ends.
    let next = get(&url, None).await;
    assert_eq!(next.body[0]["id"], 1);
    assert_eq!(next.body.as_array().map(Vec::len), Some(1));
}
