#![forbid(unsafe_code)]
//! The token-governance API as the stand-in serves it over HTTP: pages and
//! their `Link` headers, filters, the bulk and single calls with GitHub's
//! limits and answers, the repositories listings, credentials and failures.

mod common;

use common::{TOKEN, get, post};
use github_standin::{Failure, Grant, Org, StandIn, TokenRequest};
use serde_json::{Value, json};

async fn github(org: Org) -> StandIn {
    StandIn::builder()
        .token(TOKEN)
        .org(org)
        .start()
        .await
        .unwrap()
}

fn ids(body: &Value) -> Vec<i64> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn pages_carry_githubs_link_header_and_the_query() {
    let github = github(Org::new("acme", 652551).grants((1..=250).map(Grant::new))).await;
    let base = github.base_url();
    let first = get(
        &format!("{base}/orgs/acme/personal-access-tokens?per_page=100&owner%5B%5D=octocat"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(first.status, 200);
    assert_eq!(ids(&first.body), (1..=100).collect::<Vec<_>>());
    let at = |page: u32| {
        format!(
            "{base}/organizations/652551/personal-access-tokens?per_page=100&owner%5B%5D=octocat&page={page}"
        )
    };
    assert_eq!(
        first.links(),
        [("next".into(), at(2)), ("last".into(), at(3))]
    );
    let second = get(&at(2), Some(TOKEN)).await;
    assert_eq!(
        second.links(),
        [
            ("next".into(), at(3)),
            ("last".into(), at(3)),
            ("prev".into(), at(1)),
            ("first".into(), at(1))
        ]
    );
    let last = get(&at(3), Some(TOKEN)).await;
    assert_eq!(ids(&last.body), (201..=250).collect::<Vec<_>>());
    assert_eq!(
        last.links(),
        [("prev".into(), at(2)), ("first".into(), at(1))]
    );

    // GitHub's ceiling is 100 a page, and the default 30; one page, no Link.
    let capped = get(
        &format!("{base}/orgs/acme/personal-access-tokens?per_page=500"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(ids(&capped.body).len(), 100);
    let default = get(
        &format!("{base}/orgs/ACME/personal-access-tokens"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(
        ids(&default.body).len(),
        30,
        "logins are not case sensitive"
    );
    let small = github_with_one_page().await;
    assert!(small.header("link").is_none());
}

async fn github_with_one_page() -> common::Answer {
    let github = github(Org::new("acme", 1).grants([Grant::new(1)])).await;
    get(
        &format!("{}/orgs/acme/personal-access-tokens", github.base_url()),
        Some(TOKEN),
    )
    .await
}

#[tokio::test]
async fn next_links_only_and_a_page_ceiling_make_clients_follow_links() {
    let github = StandIn::builder()
        .org(Org::new("acme", 7).grants((1..=3).map(Grant::new)))
        .next_links_only(true)
        .max_per_page(1)
        .start()
        .await
        .unwrap();
    let mut url = format!(
        "{}/orgs/acme/personal-access-tokens?per_page=100",
        github.base_url()
    );
    let mut seen = Vec::new();
    loop {
        let page = get(&url, None).await;
        seen.extend(ids(&page.body));
        let links = page.links();
        assert!(links.iter().all(|(rel, _)| rel == "next"), "{links:?}");
        match links.into_iter().next() {
            Some((_, next)) => url = next,
            None => break,
        }
    }
    assert_eq!(seen, [1, 2, 3]);
}

#[tokio::test]
async fn filters_are_applied_and_their_limits_are_githubs() {
    let org = Org::new("acme", 1).grants([
        Grant::new(1).owner("octocat").token_id(11),
        Grant::new(2).owner("hubot").token_id(12),
        Grant::new(3)
            .owner("octocat")
            .token_id(13)
            .repositories(["infra"]),
    ]);
    let github = github(org).await;
    let list = |query: &str| {
        let url = format!(
            "{}/orgs/acme/personal-access-tokens?{query}",
            github.base_url()
        );
        async move { get(&url, Some(TOKEN)).await }
    };
    assert_eq!(ids(&list("owner[]=octocat").await.body), [1, 3]);
    assert_eq!(ids(&list("token_id[]=12&token_id[]=13").await.body), [2, 3]);
    assert_eq!(ids(&list("repository=infra").await.body), [3]);
    let eleven: String = (0..11).map(|i| format!("owner[]=u{i}&")).collect();
    let refused = list(&eleven).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.body["message"],
        "Invalid request: `owner` takes at most 10 items; 11 given"
    );
}

#[tokio::test]
async fn bulk_revocations_take_1_to_100_ids_and_revoked_grants_are_no_longer_listed() {
    let github = github(
        Org::new("acme", 1)
            .grants((1..=3).map(Grant::new))
            .failing_ids([3]),
    )
    .await;
    let url = format!("{}/orgs/acme/personal-access-tokens", github.base_url());
    let hundred_and_one: Vec<i64> = (1..=101).collect();
    for (body, says) in [
        (
            json!({"action": "revoke", "pat_ids": []}),
            "between 1 and 100 integers; 0 given",
        ),
        (
            json!({"action": "revoke", "pat_ids": hundred_and_one}),
            "101 given",
        ),
        (
            json!({"action": "delete", "pat_ids": [1]}),
            "`action` must be one of revoke",
        ),
        (json!({"action": "revoke"}), "`pat_ids` is missing"),
    ] {
        let refused = post(&url, Some(TOKEN), &body).await;
        assert_eq!(refused.status, 422, "{body}");
        let message = refused.body["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
        assert!(
            refused.body["documentation_url"]
                .as_str()
                .unwrap()
                .contains("#update-the-access")
        );
    }
    // A batch with an id GitHub cannot update fails whole.
    let failed = post(
        &url,
        Some(TOKEN),
        &json!({"action": "revoke", "pat_ids": [1, 3]}),
    )
    .await;
    assert_eq!(failed.status, 422);
    assert_eq!(
        failed.body["message"],
        "Validation Failed: 3 could not be updated"
    );
    assert_eq!(ids(&get(&url, Some(TOKEN)).await.body), [1, 2, 3]);

    let done = post(
        &url,
        Some(TOKEN),
        &json!({"action": "revoke", "pat_ids": [1, 2]}),
    )
    .await;
    assert_eq!((done.status, done.body.clone()), (202, json!({})));
    assert_eq!(ids(&get(&url, Some(TOKEN)).await.body), [3]);
    // Again: accepted, as GitHub accepts ids it acts on later.
    let again = post(
        &url,
        Some(TOKEN),
        &json!({"action": "revoke", "pat_ids": [1]}),
    )
    .await;
    assert_eq!(again.status, 202);
}

#[tokio::test]
async fn single_calls_answer_204_then_404_and_reviews_take_a_reason_of_1024_characters() {
    let org = Org::new("acme", 1)
        .grants([Grant::new(1)])
        .requests([TokenRequest::new(7), TokenRequest::new(8)]);
    let github = github(org).await;
    let base = github.base_url();
    let revoke = json!({"action": "revoke"});
    let grant = format!("{base}/orgs/acme/personal-access-tokens/1");
    assert_eq!(post(&grant, Some(TOKEN), &revoke).await.status, 204);
    assert_eq!(post(&grant, Some(TOKEN), &revoke).await.status, 404);
    let unknown = format!("{base}/orgs/acme/personal-access-tokens/99");
    assert_eq!(post(&unknown, Some(TOKEN), &revoke).await.status, 404);

    let request = format!("{base}/orgs/acme/personal-access-token-requests/7");
    let long = json!({"action": "deny", "reason": "x".repeat(1025)});
    let refused = post(&request, Some(TOKEN), &long).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.body["message"],
        "Invalid request: `reason` is longer than 1024 characters"
    );
    let at_most = json!({"action": "deny", "reason": "x".repeat(1024)});
    assert_eq!(post(&request, Some(TOKEN), &at_most).await.status, 204);
    let pending = get(
        &format!("{base}/orgs/acme/personal-access-token-requests"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(ids(&pending.body), [8]);
}

#[tokio::test]
async fn repositories_are_the_organizations_for_all_none_for_none_and_their_own_for_subset() {
    let org = Org::new("acme", 5)
        .repositories(["app", "api", "infra"])
        .grants([
            Grant::new(1).repository_selection("all"),
            Grant::new(2).repository_selection("none"),
            Grant::new(3).repositories(["docs"]),
        ]);
    let github = StandIn::builder()
        .org(org)
        .max_per_page(2)
        .start()
        .await
        .unwrap();
    let base = github.base_url();
    let names = |body: &Value| -> Vec<String> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|r| r["full_name"].as_str().unwrap().to_string())
            .collect()
    };
    let all = get(
        &format!("{base}/orgs/acme/personal-access-tokens/1/repositories"),
        None,
    )
    .await;
    assert_eq!(names(&all.body), ["acme/app", "acme/api"]);
    let next = &all.links()[0];
    assert_eq!(
        next.1,
        format!("{base}/organizations/5/personal-access-tokens/1/repositories?page=2")
    );
    assert_eq!(names(&get(&next.1, None).await.body), ["acme/infra"]);
    let none = get(
        &format!("{base}/orgs/acme/personal-access-tokens/2/repositories"),
        None,
    )
    .await;
    assert_eq!(none.body, json!([]));
    let subset = get(
        &format!("{base}/orgs/acme/personal-access-tokens/3/repositories"),
        None,
    )
    .await;
    assert_eq!(names(&subset.body), ["acme/docs"]);
    assert_eq!(subset.body[0]["owner"]["type"], "Organization");
    let missing = get(
        &format!("{base}/orgs/acme/personal-access-tokens/9/repositories"),
        None,
    )
    .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn seeded_organizations_serve_every_item_without_holding_them() {
    let github = StandIn::builder()
        .org(
            Org::new("big", 7)
                .seeded_grants(100_000, 1)
                .seeded_requests(3, 1),
        )
        .start()
        .await
        .unwrap();
    let base = github.base_url();
    let last = get(
        &format!("{base}/orgs/big/personal-access-tokens?per_page=100&page=1000"),
        None,
    )
    .await;
    assert_eq!(ids(&last.body).last(), Some(&7_100_000));
    assert_eq!(
        last.body[99],
        Grant::seeded(1, 7, 99_999, github.as_of()).to_json(base, 7, github.as_of())
    );
    let requests = get(
        &format!("{base}/orgs/big/personal-access-token-requests"),
        None,
    )
    .await;
    assert_eq!(ids(&requests.body), [7_000_001, 7_000_002, 7_000_003]);
    // A seeded grant is found by id for the single calls.
    let revoke = format!("{base}/orgs/big/personal-access-tokens/7050000");
    assert_eq!(
        post(&revoke, None, &json!({"action": "revoke"}))
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn credentials_unknown_organizations_and_failing_listings_get_githubs_answers() {
    let github = StandIn::builder()
        .token(TOKEN)
        .org(Org::new("acme", 1).grants([Grant::new(1)]))
        .org(Org::new("locked", 2).failing_grants(Failure::Forbidden))
        .org(Org::new("busy", 3).failing(Failure::PrimaryRateLimit))
        .start()
        .await
        .unwrap();
    let url = |org: &str| format!("{}/orgs/{org}/personal-access-tokens", github.base_url());
    let anonymous = get(&url("acme"), None).await;
    assert_eq!(
        (anonymous.status, anonymous.body["message"].clone()),
        (401, json!("Requires authentication"))
    );
    let wrong = get(&url("acme"), Some("ghs_wrong")).await;
    assert_eq!(
        (wrong.status, wrong.body["message"].clone()),
        (401, json!("Bad credentials"))
    );
    let token_form = reqwest::Client::new()
        .get(url("acme"))
        .header("authorization", format!("token {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        token_form.status(),
        200,
        "`Authorization: token ...` is GitHub's other form"
    );

    let missing = get(&url("globex"), Some(TOKEN)).await;
    assert_eq!(
        (missing.status, missing.body["message"].clone()),
        (404, json!("Not Found"))
    );
    let locked = get(&url("locked"), Some(TOKEN)).await;
    assert_eq!(locked.status, 403);
    assert_eq!(
        locked.body,
        json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/orgs/personal-access-tokens#list-fine-grained-personal-access-tokens-with-access-to-organization-resources",
            "status": "403"
        })
    );
    let requests = format!(
        "{}/orgs/locked/personal-access-token-requests",
        github.base_url()
    );
    assert_eq!(
        get(&requests, Some(TOKEN)).await.status,
        200,
        "only the grants fail"
    );
    let busy = get(&url("busy"), Some(TOKEN)).await;
    assert_eq!(
        (busy.status, busy.header("x-ratelimit-remaining")),
        (403, Some("0"))
    );
}
