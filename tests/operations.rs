#![forbid(unsafe_code)]
//! Every token-governance operation against the GitHub stand-in
//! (`github-standin`): method, path, query and body as sent, GitHub's answer
//! parsed, what the call changed (a revoked grant is no longer listed),
//! pagination where GitHub declares a Link header, and typed errors.

mod common;

use common::{TOKEN, client};
use futures::TryStreamExt;
use github_pat_grants::types::{
    OrgsReviewPatGrantRequestBodyAction, OrgsReviewPatGrantRequestsInBulkBodyAction,
    OrgsUpdatePatAccessBodyAction, OrgsUpdatePatAccessesBodyAction,
};
use github_pat_grants::{Client, Error, Operation, Paginated};
use github_standin::{Builder, Grant, LoggedRequest, Org, StandIn, TokenRequest};
use serde_json::json;

/// GitHub with `org`, taking [`TOKEN`].
async fn github(org: Org) -> StandIn {
    github_with(org, |b| b).await
}

async fn github_with(org: Org, configure: impl FnOnce(Builder) -> Builder) -> StandIn {
    configure(StandIn::builder().token(TOKEN).org(org))
        .start()
        .await
        .unwrap()
}

/// The only request received, with the token and GitHub's media type.
fn only_request(github: &StandIn) -> LoggedRequest {
    let mut log = github.log();
    assert_eq!(log.len(), 1, "{log:?}");
    let r = log.remove(0);
    assert_eq!(r.bearer(), Some(TOKEN));
    assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
    r
}

async fn grant_ids(client: &Client) -> Vec<i64> {
    let grants = client.orgs().list_pat_grants("acme").collect_all().await;
    grants.unwrap().iter().map(|g| g.id).collect()
}

#[tokio::test]
async fn update_pat_accesses_posts_the_revocation() {
    let github = github(Org::new("acme", 1).grants([25381, 25382, 25383].map(Grant::new))).await;
    let c = client(github.base_url());
    let accepted = c
        .orgs()
        .update_pat_accesses("acme")
        .body_map(|b| {
            b.action(OrgsUpdatePatAccessesBodyAction::Revoke)
                .pat_ids(vec![25381, 25382])
        })
        .call()
        .await
        .unwrap();
    assert!(accepted.is_empty());
    let r = only_request(&github);
    assert_eq!(
        (r.method().as_str(), r.path()),
        ("POST", "/orgs/acme/personal-access-tokens")
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json(),
        Some(json!({"action": "revoke", "pat_ids": [25381, 25382]}))
    );
    assert_eq!(r.status(), 202);
    assert_eq!(grant_ids(&c).await, [25383]);
}

#[tokio::test]
async fn update_pat_access_posts_one_revocation() {
    let github = github(Org::new("acme", 1).grants([25381, 25382].map(Grant::new))).await;
    let c = client(github.base_url());
    c.orgs()
        .update_pat_access("acme", 25381)
        .body_map(|b| b.action(OrgsUpdatePatAccessBodyAction::Revoke))
        .call()
        .await
        .unwrap();
    let r = only_request(&github);
    assert_eq!(r.path(), "/orgs/acme/personal-access-tokens/25381");
    assert_eq!(r.json(), Some(json!({"action": "revoke"})));
    assert_eq!(r.status(), 204);
    assert_eq!(grant_ids(&c).await, [25382]);
    // Revoked already: GitHub no longer has it.
    let err = c
        .orgs()
        .update_pat_access("acme", 25381)
        .body_map(|b| b.action(OrgsUpdatePatAccessBodyAction::Revoke))
        .call()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
}

#[tokio::test]
async fn review_pat_grant_requests_in_bulk_posts_the_decision() {
    let github = github(Org::new("acme", 1).requests([1, 2, 3].map(TokenRequest::new))).await;
    let c = client(github.base_url());
    c.orgs()
        .review_pat_grant_requests_in_bulk("acme")
        .body_map(|b| {
            b.action(OrgsReviewPatGrantRequestsInBulkBodyAction::Deny)
                .pat_request_ids(vec![1, 2])
                .reason(Some("too broad".try_into().unwrap()))
        })
        .call()
        .await
        .unwrap();
    let r = only_request(&github);
    assert_eq!(r.path(), "/orgs/acme/personal-access-token-requests");
    assert_eq!(
        r.json(),
        Some(json!({"action": "deny", "pat_request_ids": [1, 2], "reason": "too broad"}))
    );
    let pending = c
        .orgs()
        .list_pat_grant_requests("acme")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(pending.iter().map(|r| r.id).collect::<Vec<_>>(), [3]);
}

#[tokio::test]
async fn review_pat_grant_request_posts_one_decision() {
    let github = github(Org::new("acme", 1).requests([TokenRequest::new(77)])).await;
    let c = client(github.base_url());
    c.orgs()
        .review_pat_grant_request("acme", 77)
        .body_map(|b| b.action(OrgsReviewPatGrantRequestBodyAction::Approve))
        .call()
        .await
        .unwrap();
    let r = only_request(&github);
    assert_eq!(r.path(), "/orgs/acme/personal-access-token-requests/77");
    assert_eq!(r.json(), Some(json!({"action": "approve"})));
    assert_eq!(r.status(), 204);
}

#[tokio::test]
async fn list_pat_grant_repositories_streams_every_page() {
    let names: Vec<String> = (0..5).map(|n| format!("repo-{n}")).collect();
    let grant = Grant::new(25381).repositories(names.clone());
    let github = github(Org::new("acme", 1).grants([grant])).await;
    let repos: Vec<_> = client(github.base_url())
        .orgs()
        .list_pat_grant_repositories("acme", 25381)
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        repos.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
        names
    );
    assert_eq!(repos[0].full_name, "acme/repo-0");
    assert_eq!(repos[0].owner.login, "acme");
    let log = github.log();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].query(), Some("per_page=2"));
    assert_eq!(
        log[1].path(),
        "/organizations/1/personal-access-tokens/25381/repositories"
    );
}

#[tokio::test]
async fn list_pat_grant_requests_streams_every_page_with_filters() {
    let asking = |id| {
        TokenRequest::new(id)
            .token_id(98716)
            .reason("I need to access the GitHub API")
    };
    let org = Org::new("acme", 1).requests([asking(0), asking(1), asking(2)]);
    // Another owner's and another token's requests are filtered out by GitHub.
    let org = org.requests([asking(3).owner("hubot"), TokenRequest::new(4)]);
    let github = github_with(org, |b| b.max_per_page(1)).await;
    let requests: Vec<_> = client(github.base_url())
        .orgs()
        .list_pat_grant_requests("acme")
        .owner(vec!["octocat".to_string()])
        .token_id(vec!["98716".to_string()])
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(requests.iter().map(|r| r.id).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(
        requests[0].reason.as_deref(),
        Some("I need to access the GitHub API")
    );
    assert_eq!(
        github.log()[0].query(),
        Some("owner%5B%5D=octocat&token_id%5B%5D=98716")
    );
}

#[tokio::test]
async fn list_pat_grant_request_repositories_streams_every_page() {
    let all = TokenRequest::new(77).repository_selection("all");
    let org = Org::new("acme", 1)
        .requests([all])
        .repositories(["a", "b", "c", "d"]);
    let github = github_with(org, |b| b.max_per_page(3)).await;
    let repos = client(github.base_url())
        .orgs()
        .list_pat_grant_request_repositories("acme", 77)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(repos.len(), 4, "all of the organization's repositories");
    assert_eq!(github.log().len(), 2);
}

#[tokio::test]
async fn the_upgraded_list_carries_token_id_and_token_name() {
    let grant = Grant::new(1).token_id(98716).token_name("Some Token");
    let github = github(Org::new("acme", 1).grants([grant, Grant::new(2)])).await;
    let grants = client(github.base_url())
        .orgs()
        .list_pat_grants("acme")
        .token_id(vec!["98716".to_string()])
        .collect_all()
        .await
        .unwrap();
    assert_eq!(grants.len(), 1);
    assert_eq!(
        (grants[0].token_id, grants[0].token_name.as_str()),
        (98716, "Some Token")
    );
    assert_eq!(github.log()[0].query(), Some("token_id%5B%5D=98716"));
}

#[tokio::test]
async fn more_than_fifty_token_ids_is_refused_before_any_request() {
    let github = github(Org::new("acme", 1)).await;
    let ids: Vec<String> = (0..51).map(|i| i.to_string()).collect();
    let err = client(github.base_url())
        .orgs()
        .list_pat_grant_requests("acme")
        .token_id(ids)
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m == "`token_id` takes at most 50 items, got 51"),
        "{err:?}"
    );
    assert!(github.log().is_empty());
}

#[tokio::test]
async fn every_operation_reports_githubs_errors_as_typed_errors() {
    // GitHub has no organization `acme` here: every operation is a 404.
    let github = github(Org::new("globex", 1)).await;
    let c: Client = client(github.base_url());
    let results = call_every_operation(&c).await;
    for (name, result) in results {
        match result {
            Err(Error::Api(e)) => {
                assert_eq!((e.status, e.message.as_str()), (404, "Not Found"), "{name}");
                assert!(
                    e.request_id.as_deref().is_some_and(|id| !id.is_empty()),
                    "{name}: {e:?}"
                );
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert_eq!(github.log().len(), 8);
}

#[tokio::test]
async fn a_missing_body_is_refused_before_any_request() {
    let github = github(Org::new("acme", 1).grants([Grant::new(1)])).await;
    // `action` is required and was never set.
    let err = client(github.base_url())
        .orgs()
        .update_pat_access("acme", 1)
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("action")),
        "{err:?}"
    );
    assert!(github.log().is_empty());
}

/// Each operation called once on `acme`, by name.
async fn call_every_operation(c: &Client) -> Vec<(&'static str, Result<(), Error>)> {
    vec![
        (
            "list_pat_grants",
            c.orgs().list_pat_grants("acme").call().await.map(drop),
        ),
        (
            "update_pat_accesses",
            c.orgs()
                .update_pat_accesses("acme")
                .body_map(|b| {
                    b.action(OrgsUpdatePatAccessesBodyAction::Revoke)
                        .pat_ids(vec![1])
                })
                .call()
                .await
                .map(drop),
        ),
        (
            "update_pat_access",
            c.orgs()
                .update_pat_access("acme", 1)
                .body_map(|b| b.action(OrgsUpdatePatAccessBodyAction::Revoke))
                .call()
                .await,
        ),
        (
            "list_pat_grant_repositories",
            c.orgs()
                .list_pat_grant_repositories("acme", 1)
                .call()
                .await
                .map(drop),
        ),
        (
            "list_pat_grant_requests",
            c.orgs()
                .list_pat_grant_requests("acme")
                .call()
                .await
                .map(drop),
        ),
        (
            "review_pat_grant_requests_in_bulk",
            c.orgs()
                .review_pat_grant_requests_in_bulk("acme")
                .body_map(|b| {
                    b.action(OrgsReviewPatGrantRequestsInBulkBodyAction::Approve)
                        .pat_request_ids(vec![1])
                })
                .call()
                .await
                .map(drop),
        ),
        (
            "review_pat_grant_request",
            c.orgs()
                .review_pat_grant_request("acme", 1)
                .body_map(|b| b.action(OrgsReviewPatGrantRequestBodyAction::Approve))
                .call()
                .await,
        ),
        (
            "list_pat_grant_request_repositories",
            c.orgs()
                .list_pat_grant_request_repositories("acme", 1)
                .call()
                .await
                .map(drop),
        ),
    ]
}
