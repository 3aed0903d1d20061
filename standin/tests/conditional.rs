#![forbid(unsafe_code)]
//! Conditional requests over HTTP: an `ETag` on every `GET` answered 200,
//! `304 Not Modified` for an `If-None-Match` that names it (weakly, in a
//! list, or `*`), a new tag once the answer changed, and a 304 not counted
//! against the rate limit.

mod common;

use common::{Answer, get, post};
use github_standin::{Grant, Org, StandIn};
use serde_json::json;

/// `GET url` with `If-None-Match: tags`.
async fn get_if_none_match(url: &str, tags: &str) -> (Answer, usize) {
    let response = reqwest::Client::new()
        .get(url)
        .header("if-none-match", tags)
        .send()
        .await
        .unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let body = response.bytes().await.unwrap();
    let answer = Answer {
        status,
        headers,
        body: serde_json::from_slice(&body).unwrap_or_default(),
    };
    (answer, body.len())
}

#[tokio::test]
async fn a_conditional_get_that_matches_is_answered_304_and_not_counted() {
    let github = StandIn::builder()
        .org(Org::new("acme", 1).grants((1..=3).map(Grant::new)))
        .rate_limit(3)
        .start()
        .await
        .unwrap();
    let url = format!(
        "{}/orgs/acme/personal-access-tokens?per_page=2",
        github.base_url()
    );
    let first = get(&url, None).await;
    let tag = first.header("etag").unwrap().to_string();
    assert!(
        tag.len() == 66 && tag.starts_with('"') && tag.ends_with('"'),
        "{tag}"
    );
    assert_eq!(first.header("x-ratelimit-used"), Some("1"));

    for asked in [
        tag.clone(),
        format!("W/{tag}"),
        format!("\"other\", {tag}"),
        "*".into(),
    ] {
        let (answer, bytes) = get_if_none_match(&url, &asked).await;
        assert_eq!((answer.status, bytes), (304, 0), "If-None-Match: {asked}");
        assert_eq!(answer.header("etag"), Some(tag.as_str()));
        assert_eq!(
            answer.header("x-ratelimit-used"),
            Some("1"),
            "a 304 is not counted"
        );
        assert_eq!(answer.header("x-ratelimit-remaining"), Some("2"));
    }
    let (stale, _) = get_if_none_match(&url, "\"other\"").await;
    assert_eq!(
        (stale.status, stale.header("etag")),
        (200, Some(tag.as_str()))
    );
    assert_eq!(stale.header("x-ratelimit-used"), Some("2"));

    // The answer changes: the old tag no longer matches.
    let revoke = json!({"action": "revoke", "pat_ids": [1]});
    assert_eq!(
        post(
            &format!("{}/orgs/acme/personal-access-tokens", github.base_url()),
            None,
            &revoke
        )
        .await
        .status,
        202
    );
    let (changed, _) = get_if_none_match(&url, &tag).await;
    assert_eq!(
        changed.status, 403,
        "the limit of 3 is spent: 2 pages and the revocation"
    );
    github.set_clock_skew(chrono::TimeDelta::hours(2));
    let (changed, _) = get_if_none_match(&url, &tag).await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(tag.as_str()));

    let statuses: Vec<u16> = github.log().iter().map(|r| r.status()).collect();
    assert_eq!(statuses, [200, 304, 304, 304, 304, 200, 202, 403, 200]);
    assert!(
        get(
            &format!("{}/orgs/nobody/personal-access-tokens", github.base_url()),
            None
        )
        .await
        .headers
        .get("etag")
        .is_none()
    );
}
