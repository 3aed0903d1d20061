#![forbid(unsafe_code)]
//! The audit log and the credential revocation API over HTTP: cursor pages,
//! the phrase's qualifiers, the audit log's own rate limit, an organization
//! without one; revocations refused when authenticated or over 1,000.

mod common;

use chrono::{TimeZone as _, Utc};
use common::{TOKEN, get, post};
use github_standin::{AuditEvent, Failure, Org, StandIn};
use serde_json::{Value, json};

const LEAKED: &str = "Rj5hwENyeTHm6bgzU40+5cx+LZMMd2dPJcaUywS44HM=";
const OTHER: &str = "k4+T0k3nHa5hk4+T0k3nHa5hk4+T0k3nHa5hk4+T0k0=";

/// acme: 5 events of the leaked token a day apart (newest on 2026-03-05)
/// and 2 of another; globex: none; initech: no audit log.
async fn github(
    configure: impl FnOnce(github_standin::Builder) -> github_standin::Builder,
) -> StandIn {
    let day = |d: u32| Utc.with_ymd_and_hms(2026, 3, d, 12, 0, 0).unwrap();
    let leaked = (1..=5).map(|d| {
        AuditEvent::new(
            if d % 2 == 0 {
                "repo.download_zip"
            } else {
                "git.clone"
            },
            day(d),
        )
        .actor("mallory")
        .repository("acme/widgets")
        .hashed_token(LEAKED)
    });
    let other = (1..=2).map(|d| AuditEvent::new("repo.create", day(d)).hashed_token(OTHER));
    let builder = StandIn::builder()
        .token(TOKEN)
        .org(Org::new("acme", 11).audit_log(leaked.chain(other)))
        .org(Org::new("globex", 12))
        .org(Org::new("initech", 13).failing_audit_log(Failure::NotFound));
    configure(builder).start().await.unwrap()
}

fn actions_and_days(body: &Value) -> Vec<(String, i64)> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let ms = e["created_at"].as_i64().unwrap();
            (
                e["action"].as_str().unwrap().to_string(),
                (ms - 1_772_366_400_000) / 86_400_000 + 1,
            )
        })
        .collect()
}

#[tokio::test]
async fn a_tokens_events_come_newest_first_on_cursor_pages() {
    let github = github(|b| b).await;
    let phrase = format!("hashed_token:\"{LEAKED}\" created:>=2026-03-02");
    let url = format!(
        "{}/orgs/acme/audit-log?per_page=2&phrase={}",
        github.base_url(),
        url::form_urlencoded::byte_serialize(phrase.as_bytes()).collect::<String>()
    );
    let first = get(&url, Some(TOKEN)).await;
    assert_eq!(first.status, 200);
    let days: Vec<i64> = actions_and_days(&first.body).iter().map(|a| a.1).collect();
    assert_eq!(days, [5, 4]);
    assert_eq!(first.body[0]["hashed_token"], LEAKED);
    assert_eq!(first.body[0]["org"], "acme");
    assert_eq!(first.body[0]["@timestamp"], first.body[0]["created_at"]);
    assert_eq!(first.header("x-ratelimit-resource"), Some("audit_log"));
    assert_eq!(first.header("x-ratelimit-limit"), Some("1750"));
    assert_eq!(first.header("x-ratelimit-remaining"), Some("1749"));
    let links = first.links();
    assert_eq!(links.len(), 1, "{links:?}");
    let (rel, next) = &links[0];
    assert_eq!(rel, "next");
    assert!(
        next.contains("/organizations/11/audit-log?") && next.contains("after="),
        "{next}"
    );
    assert!(!next.contains("&page="), "{next}");

    let second = get(next, Some(TOKEN)).await;
    let days: Vec<i64> = actions_and_days(&second.body).iter().map(|a| a.1).collect();
    assert_eq!(days, [3, 2]);
    let rels: Vec<String> = second.links().into_iter().map(|l| l.0).collect();
    assert_eq!(rels, ["prev", "first"], "the last page has no next");
    let prev = &second.links()[0].1;
    let back = get(prev, Some(TOKEN)).await;
    assert_eq!(back.body, first.body);

    let asc = get(&format!("{url}&order=asc"), Some(TOKEN)).await;
    let days: Vec<i64> = actions_and_days(&asc.body).iter().map(|a| a.1).collect();
    assert_eq!(days, [2, 3]);
}

#[tokio::test]
async fn the_phrase_filters_by_action_time_and_token() {
    let github = github(|b| b).await;
    let ask = |phrase: &str| {
        let url = format!(
            "{}/orgs/acme/audit-log?phrase={}",
            github.base_url(),
            url::form_urlencoded::byte_serialize(phrase.as_bytes()).collect::<String>()
        );
        async move { actions_and_days(&get(&url, Some(TOKEN)).await.body) }
    };
    assert_eq!(ask(&format!("hashed_token:\"{OTHER}\"")).await.len(), 2);
    assert_eq!(ask("action:git").await.len(), 3);
    assert_eq!(
        ask("action:repo.download_zip created:<2026-03-04").await,
        [("repo.download_zip".into(), 2)]
    );
    assert_eq!(ask("created:2026-03-05").await.len(), 1);
    assert_eq!(ask("created:>2026-03-05T11:59:59Z").await.len(), 1);
    assert_eq!(ask("").await.len(), 7);
}

#[tokio::test]
async fn an_organization_without_an_audit_log_and_an_exhausted_limit_are_refused() {
    let github = github(|b| b.audit_log_rate_limit(2)).await;
    let none = get(
        &format!("{}/orgs/initech/audit-log", github.base_url()),
        Some(TOKEN),
    )
    .await;
    assert_eq!(none.status, 404);
    assert_eq!(none.body["message"], "Not Found");
    let empty = get(
        &format!("{}/orgs/globex/audit-log", github.base_url()),
        Some(TOKEN),
    )
    .await;
    assert_eq!((empty.status, empty.body.clone()), (200, json!([])));
    let over = get(
        &format!("{}/orgs/globex/audit-log", github.base_url()),
        Some(TOKEN),
    )
    .await;
    assert_eq!(over.status, 403);
    assert_eq!(over.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(over.header("x-ratelimit-resource"), Some("audit_log"));
    assert!(over.header("x-ratelimit-reset").is_some());
    // Other endpoints keep their own limit.
    let grants = get(
        &format!("{}/orgs/globex/personal-access-tokens", github.base_url()),
        Some(TOKEN),
    )
    .await;
    assert_eq!(grants.status, 200);
    assert_eq!(grants.header("x-ratelimit-resource"), Some("core"));
    let unauthenticated = get(&format!("{}/orgs/acme/audit-log", github.base_url()), None).await;
    assert_eq!(unauthenticated.status, 401);
}

#[tokio::test]
async fn credentials_are_revoked_only_without_credentials_and_at_most_1000_a_call() {
    let github = github(|b| b).await;
    let url = format!("{}/credentials/revoke", github.base_url());
    let leaked = "ghp_1234567890abcdefghijABCDEFGHIJ0f3Zq9";
    let authenticated = post(&url, Some(TOKEN), &json!({"credentials": [leaked]})).await;
    assert_eq!(authenticated.status, 403);
    let accepted = post(&url, None, &json!({"credentials": [leaked]})).await;
    assert_eq!((accepted.status, accepted.body.clone()), (202, json!({})));
    let many: Vec<String> = (0..1001).map(|i| format!("ghp_{i:036}")).collect();
    let over = post(&url, None, &json!({ "credentials": many })).await;
    assert_eq!(over.status, 422);
    assert_eq!(over.body["message"], "Validation Failed");
    let installation = post(
        &url,
        None,
        &json!({"credentials": ["ghs_abcdefghijabcdefghijabcdefghij012345"]}),
    )
    .await;
    assert_eq!(installation.status, 422);
    assert!(
        !installation.body.to_string().contains("ghs_"),
        "{}",
        installation.body
    );
    assert_eq!(github.revoked_credentials(), [leaked]);
}
