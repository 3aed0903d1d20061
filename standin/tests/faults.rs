#![forbid(unsafe_code)]
//! Faults, limits and what the stand-in records: injected rate limits and
//! server errors, the real hourly limit on GitHub's clock, latency, the
//! request log, a GitHub Enterprise Server prefix, and stopping.

mod common;

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use common::{TOKEN, TestClock, get, post};
use github_standin::{Caller, Failure, Fault, Grant, Org, StandIn};
use serde_json::json;

fn acme() -> Org {
    Org::new("acme", 1).grants([Grant::new(1)])
}

#[tokio::test]
async fn injected_rate_limits_and_server_errors_answer_as_github_then_pass() {
    let clock = TestClock::new();
    let github = StandIn::builder()
        .org(acme())
        .clock(clock.source())
        .fault(Fault::primary_rate_limit().times(1))
        .start()
        .await
        .unwrap();
    let url = format!("{}/orgs/acme/personal-access-tokens", github.base_url());
    let limited = get(&url, None).await;
    assert_eq!(limited.status, 403);
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    let reset = (clock.now() + TimeDelta::hours(1)).timestamp().to_string();
    assert_eq!(limited.header("x-ratelimit-reset"), Some(reset.as_str()));
    assert_eq!(
        limited.body["documentation_url"],
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
    );
    assert_eq!(get(&url, None).await.status, 200, "one time only");

    github.inject(Fault::secondary_rate_limit(Some(Duration::from_secs(17))).times(1));
    let secondary = get(&url, None).await;
    assert_eq!(
        (secondary.status, secondary.header("retry-after")),
        (403, Some("17"))
    );
    assert!(
        secondary.body["message"]
            .as_str()
            .unwrap()
            .contains("secondary rate limit")
    );
    github.inject(Fault::secondary_rate_limit(None).times(1));
    let unannounced = get(&url, None).await;
    assert_eq!(
        (unannounced.status, unannounced.header("retry-after")),
        (403, None)
    );
    assert_ne!(unannounced.header("x-ratelimit-remaining"), Some("0"));

    // Scoped to one method and path.
    github.inject(
        Fault::server_error(502)
            .method("POST")
            .path("/orgs/acme/")
            .times(2),
    );
    assert_eq!(get(&url, None).await.status, 200);
    let revoke = json!({"action": "revoke", "pat_ids": [1]});
    assert_eq!(post(&url, None, &revoke).await.status, 502);
    assert_eq!(post(&url, None, &revoke).await.status, 502);
    assert_eq!(post(&url, None, &revoke).await.status, 202);
    let log = github.log();
    assert_eq!(log[1].caller(), Caller::Anyone);
    assert_eq!(
        log[0].caller(),
        Caller::Unchecked,
        "a fault answers before credentials are read"
    );
}

#[tokio::test]
async fn the_hourly_limit_is_real_and_resets_on_githubs_clock() {
    let clock = TestClock::new();
    let github = StandIn::builder()
        .org(acme())
        .clock(clock.source())
        .rate_limit(2)
        .start()
        .await
        .unwrap();
    let url = format!("{}/orgs/acme/personal-access-tokens", github.base_url());
    let first = get(&url, None).await;
    assert_eq!(
        (
            first.header("x-ratelimit-limit"),
            first.header("x-ratelimit-remaining"),
            first.header("x-ratelimit-used")
        ),
        (Some("2"), Some("1"), Some("1"))
    );
    assert_eq!(first.header("x-ratelimit-resource"), Some("core"));
    assert_eq!(get(&url, None).await.status, 200);
    let over = get(&url, None).await;
    assert_eq!(
        (over.status, over.header("x-ratelimit-remaining")),
        (403, Some("0"))
    );
    assert_eq!(over.body["message"], Failure::PrimaryRateLimit.message());
    clock.advance(TimeDelta::hours(1));
    let after = get(&url, None).await;
    assert_eq!(
        (after.status, after.header("x-ratelimit-used")),
        (200, Some("1"))
    );
}

#[tokio::test]
async fn latency_is_added_to_every_answer() {
    let latency = Duration::from_millis(50);
    let github = StandIn::builder()
        .org(acme())
        .latency(latency)
        .start()
        .await
        .unwrap();
    let url = format!("{}/orgs/acme/personal-access-tokens", github.base_url());
    for _ in 0..3 {
        let sent = Instant::now();
        assert_eq!(get(&url, None).await.status, 200);
        assert!(sent.elapsed() >= latency, "{:?}", sent.elapsed());
    }
}

#[tokio::test]
async fn the_log_holds_what_was_asked_and_answered_without_showing_credentials() {
    let github = StandIn::builder()
        .token(TOKEN)
        .org(acme())
        .log_limit(2)
        .start()
        .await
        .unwrap();
    let base = github.base_url();
    get(
        &format!("{base}/orgs/acme/personal-access-tokens?per_page=5"),
        Some(TOKEN),
    )
    .await;
    get(
        &format!("{base}/orgs/acme/personal-access-tokens"),
        Some("ghs_wrong"),
    )
    .await;
    post(
        &format!("{base}/orgs/acme/personal-access-tokens"),
        Some(TOKEN),
        &json!({"action": "revoke", "pat_ids": [1]}),
    )
    .await;
    get(&format!("{base}/nothing/here"), None).await;
    assert_eq!(github.answered(), 4);
    let log = github.log();
    assert_eq!(log.len(), 2, "the last two are kept");
    let post = &log[0];
    assert_eq!(
        (post.method().as_str(), post.target().as_str()),
        ("POST", "/orgs/acme/personal-access-tokens")
    );
    assert_eq!((post.status(), post.caller()), (202, Caller::Token));
    assert_eq!(
        post.json(),
        Some(json!({"action": "revoke", "pat_ids": [1]}))
    );
    assert_eq!(post.bearer(), Some(TOKEN));
    assert_eq!(
        post.to_string(),
        "POST /orgs/acme/personal-access-tokens -> 202"
    );
    assert!(!format!("{log:?}").contains(TOKEN), "{log:?}");
    let shown = format!("{github:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert_eq!((log[1].status(), log[1].caller()), (404, Caller::Unchecked));
}

#[test]
fn a_configuration_shows_no_credentials() {
    let builder = StandIn::builder()
        .token(TOKEN)
        .webhook_receiver("http://127.0.0.1:1/hook", "s3cret-webhook");
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains(TOKEN) && !shown.contains("s3cret"),
        "{shown}"
    );
    assert!(shown.contains("[redacted]"), "{shown}");
}

#[tokio::test]
async fn an_enterprise_server_prefix_is_part_of_every_path_and_link() {
    let github = StandIn::builder()
        .org(Org::new("acme", 9).grants((1..=2).map(Grant::new)))
        .path_prefix("/api/v3")
        .max_per_page(1)
        .start()
        .await
        .unwrap();
    assert!(github.base_url().ends_with("/api/v3"));
    let first = get(
        &format!("{}/orgs/acme/personal-access-tokens", github.base_url()),
        None,
    )
    .await;
    assert_eq!(
        first.links()[0].1,
        format!(
            "{}/organizations/9/personal-access-tokens?page=2",
            github.base_url()
        )
    );
    let origin = github.base_url().trim_end_matches("/api/v3");
    let outside = get(&format!("{origin}/orgs/acme/personal-access-tokens"), None).await;
    assert_eq!(outside.status, 404);
    assert_eq!(
        github.log()[0].path(),
        "/api/v3/orgs/acme/personal-access-tokens"
    );
}

#[tokio::test]
async fn links_can_point_at_another_origin() {
    let github = StandIn::builder()
        .org(Org::new("acme", 9).grants((1..=2).map(Grant::new)))
        .max_per_page(1)
        .links_to("http://elsewhere.invalid")
        .start()
        .await
        .unwrap();
    let first = get(
        &format!("{}/orgs/acme/personal-access-tokens", github.base_url()),
        None,
    )
    .await;
    assert!(
        first.links()[0]
            .1
            .starts_with("http://elsewhere.invalid/organizations/9/")
    );
}

#[tokio::test]
async fn stopping_closes_the_port() {
    let github = StandIn::builder().org(acme()).start().await.unwrap();
    let url = format!("{}/orgs/acme/personal-access-tokens", github.base_url());
    assert_eq!(get(&url, None).await.status, 200);
    github.stop().await;
    let refused = reqwest::Client::new().get(&url).send().await.unwrap_err();
    assert!(refused.is_connect(), "{refused}");
}
