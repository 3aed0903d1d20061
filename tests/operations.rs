//! Every token-governance operation on the wire: method, path, query and body
//! as sent, the parsed result, pagination where GitHub declares a Link
//! header, and typed errors.

mod common;

use common::{TOKEN, client};
use futures::TryStreamExt;
use github_pat_grants::types::{
    OrgsReviewPatGrantRequestBodyAction, OrgsReviewPatGrantRequestsInBulkBodyAction,
    OrgsUpdatePatAccessBodyAction, OrgsUpdatePatAccessesBodyAction,
};
use github_pat_grants::{Client, Error, Operation, Paginated};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn example(name: &str) -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.json")).unwrap();
    let spec: Value = serde_json::from_str(&text).unwrap();
    spec["components"]["examples"][name]["value"].clone()
}

async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let r = requests.remove(0);
    assert_eq!(
        r.headers["authorization"],
        format!("Bearer {TOKEN}").as_str()
    );
    assert_eq!(r.headers["accept"], "application/vnd.github+json");
    r
}

#[tokio::test]
async fn update_pat_accesses_posts_the_revocation() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orgs/acme/personal-access-tokens"))
        .and(body_json(
            json!({"action": "revoke", "pat_ids": [25381, 25382]}),
        ))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .mount(&server)
        .await;
    let accepted = client(&server.uri())
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
    let r = only_request(&server).await;
    assert_eq!(r.headers["content-type"], "application/json");
}

#[tokio::test]
async fn update_pat_access_posts_one_revocation() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orgs/acme/personal-access-tokens/25381"))
        .and(body_json(json!({"action": "revoke"})))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client(&server.uri())
        .orgs()
        .update_pat_access("acme", 25381)
        .body_map(|b| b.action(OrgsUpdatePatAccessBodyAction::Revoke))
        .call()
        .await
        .unwrap();
    only_request(&server).await;
}

#[tokio::test]
async fn review_pat_grant_requests_in_bulk_posts_the_decision() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orgs/acme/personal-access-token-requests"))
        .and(body_json(
            json!({"action": "deny", "pat_request_ids": [1, 2], "reason": "too broad"}),
        ))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .mount(&server)
        .await;
    client(&server.uri())
        .orgs()
        .review_pat_grant_requests_in_bulk("acme")
        .body_map(|b| {
            b.action(OrgsReviewPatGrantRequestsInBulkBodyAction::Deny)
                .pat_request_ids(vec![1, 2])
                .reason(Some("too broad".try_into().unwrap()))
        })
        .call()
        .await
        .unwrap();
    only_request(&server).await;
}

#[tokio::test]
async fn review_pat_grant_request_posts_one_decision() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orgs/acme/personal-access-token-requests/77"))
        .and(body_json(json!({"action": "approve"})))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client(&server.uri())
        .orgs()
        .review_pat_grant_request("acme", 77)
        .body_map(|b| b.action(OrgsReviewPatGrantRequestBodyAction::Approve))
        .call()
        .await
        .unwrap();
    only_request(&server).await;
}

/// Serves `items` as pages of `per_page` under `first`, with GitHub-shaped
/// Link headers whose later pages live under `/pages`.
async fn paginate(server: &MockServer, first: &str, items: Vec<Value>, per_page: usize) {
    let pages: Vec<Vec<Value>> = items.chunks(per_page).map(|c| c.to_vec()).collect();
    let last = pages.len();
    for (i, page) in pages.into_iter().enumerate() {
        let n = i + 1;
        let mut links = Vec::new();
        if n < last {
            links.push(format!(
                "<{}/pages?page={}>; rel=\"next\"",
                server.uri(),
                n + 1
            ));
            links.push(format!(
                "<{}/pages?page={last}>; rel=\"last\"",
                server.uri()
            ));
        }
        if n > 1 {
            links.push(format!(
                "<{}/pages?page={}>; rel=\"prev\"",
                server.uri(),
                n - 1
            ));
            links.push(format!("<{}/pages?page=1>; rel=\"first\"", server.uri()));
        }
        let mut response = ResponseTemplate::new(200).set_body_json(Value::Array(page));
        if !links.is_empty() {
            response = response.insert_header("link", links.join(", "));
        }
        let mock = if n == 1 {
            Mock::given(method("GET")).and(path(first))
        } else {
            Mock::given(method("GET"))
                .and(path("/pages"))
                .and(wiremock::matchers::query_param("page", n.to_string()))
        };
        mock.respond_with(response).mount(server).await;
    }
}

fn with_ids(example: &Value, ids: std::ops::Range<i64>) -> Vec<Value> {
    ids.map(|id| {
        let mut v = example[0].clone();
        v["id"] = json!(id);
        v
    })
    .collect()
}

#[tokio::test]
async fn list_pat_grant_repositories_streams_every_page() {
    let server = MockServer::start().await;
    paginate(
        &server,
        "/orgs/acme/personal-access-tokens/25381/repositories",
        with_ids(&example("minimal-repository-items"), 0..5),
        2,
    )
    .await;
    let repos: Vec<_> = client(&server.uri())
        .orgs()
        .list_pat_grant_repositories("acme", 25381)
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        repos.iter().map(|r| r.id).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    assert_eq!(repos[0].full_name, "octocat/Hello-World");
    assert_eq!(repos[0].owner.login, "octocat");
    let first = &server.received_requests().await.unwrap()[0];
    assert_eq!(first.url.query(), Some("per_page=2"));
}

#[tokio::test]
async fn list_pat_grant_requests_streams_every_page_with_filters() {
    let server = MockServer::start().await;
    paginate(
        &server,
        "/orgs/acme/personal-access-token-requests",
        with_ids(&example("org-pat-grant-request-paginated"), 0..3),
        1,
    )
    .await;
    let requests: Vec<_> = client(&server.uri())
        .orgs()
        .list_pat_grant_requests("acme")
        .owner(vec!["octocat".to_string()])
        .token_id(vec!["98716".to_string()])
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[0].reason.as_deref(),
        Some("I need to access the GitHub API")
    );
    let first = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        first.url.query(),
        Some("owner%5B%5D=octocat&token_id%5B%5D=98716")
    );
}

#[tokio::test]
async fn list_pat_grant_request_repositories_streams_every_page() {
    let server = MockServer::start().await;
    paginate(
        &server,
        "/orgs/acme/personal-access-token-requests/77/repositories",
        with_ids(&example("minimal-repository-items"), 0..4),
        3,
    )
    .await;
    let repos = client(&server.uri())
        .orgs()
        .list_pat_grant_request_repositories("acme", 77)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(repos.len(), 4);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_upgraded_list_carries_token_id_and_token_name() {
    let server = MockServer::start().await;
    paginate(
        &server,
        "/orgs/acme/personal-access-tokens",
        example("org-pat-grant-paginated")
            .as_array()
            .unwrap()
            .clone(),
        100,
    )
    .await;
    let grants = client(&server.uri())
        .orgs()
        .list_pat_grants("acme")
        .token_id(vec!["98716".to_string()])
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        (grants[0].token_id, grants[0].token_name.as_str()),
        (98716, "Some Token")
    );
    let first = &server.received_requests().await.unwrap()[0];
    assert_eq!(first.url.query(), Some("token_id%5B%5D=98716"));
}

#[tokio::test]
async fn more_than_fifty_token_ids_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let ids: Vec<String> = (0..51).map(|i| i.to_string()).collect();
    let err = client(&server.uri())
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
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Each grant operation, called once, with what came back.
async fn call_grant_operations(c: &Client) -> Vec<(&'static str, Result<(), Error>)> {
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
    ]
}

/// Each request operation, called once, with what came back.
async fn call_request_operations(c: &Client) -> Vec<(&'static str, Result<(), Error>)> {
    vec![
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

#[tokio::test]
async fn every_operation_reports_githubs_errors_as_typed_errors() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}))
                .insert_header("x-github-request-id", "BEEF:1"),
        )
        .mount(&server)
        .await;
    let c: Client = client(&server.uri());
    let mut results = call_grant_operations(&c).await;
    results.extend(call_request_operations(&c).await);
    for (name, result) in results {
        match result {
            Err(Error::Api(e)) => {
                assert_eq!(
                    (e.status, e.message.as_str(), e.request_id.as_deref()),
                    (404, "Not Found", Some("BEEF:1")),
                    "{name}"
                )
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 8);
}

#[tokio::test]
async fn a_missing_body_is_refused_before_any_request() {
    let server = MockServer::start().await;
    // `action` is required and was never set.
    let err = client(&server.uri())
        .orgs()
        .update_pat_access("acme", 1)
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("action")),
        "{err:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
