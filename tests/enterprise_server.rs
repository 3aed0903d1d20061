#![forbid(unsafe_code)]
//! GitHub Enterprise Server's site-administrator operations on the wire
//! (feature `ghes`): every SSH key and every classic token of the instance,
//! listed page by page, and the deletes of a key and of a classic token. What pat-audit's site
//! inventory relies on: the documented example decodes, `Link` pagination
//! with the sort and `since` filters, the DELETE paths, and GitHub's refusal
//! to delete the token in use reaching the caller with its message.

mod common;

use common::client;
use futures::TryStreamExt;
use github_pat_grants::types::EnterpriseAdminListPublicKeysSort;
use github_pat_grants::{Error, Operation, Paginated};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One of the description's example listings, by its component's name.
fn example(name: &str) -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.json")).unwrap();
    let spec: Value = serde_json::from_str(&text).unwrap();
    spec["components"]["examples"][name]["value"].clone()
}

/// The description's example listing of keys.
fn example_keys() -> Value {
    example("enterprise-public-key-items")
}

#[tokio::test]
async fn every_public_key_of_the_instance_is_listed_across_pages() {
    let server = MockServer::start().await;
    let first = example_keys();
    let mut deploy_key = first[0].clone();
    deploy_key["id"] = json!(4);
    deploy_key["user_id"] = Value::Null;
    deploy_key["read_only"] = json!(true);
    deploy_key["last_used"] = Value::Null;
    let next = format!(
        "<{}/admin/keys?page=2&per_page=2>; rel=\"next\"",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path("/admin/keys"))
        .and(query_param("sort", "accessed"))
        .and(query_param("since", "2020-01-01T00:00:00Z"))
        .and(query_param("per_page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", next.as_str())
                .set_body_json(first.clone()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/admin/keys"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([deploy_key])))
        .mount(&server)
        .await;

    let keys = client(&server.uri())
        .enterprise_admin()
        .list_public_keys()
        .sort(EnterpriseAdminListPublicKeysSort::Accessed)
        .since("2020-01-01T00:00:00Z")
        .per_page(2)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();

    assert_eq!(keys.iter().map(|k| k.id).collect::<Vec<_>>(), [2, 3, 4]);
    let k = &keys[0];
    assert_eq!((k.user_id, k.repository_id), (Some(1), Some(2)));
    assert!(!k.verified && !k.read_only);
    assert_eq!(
        k.last_used.map(|t| t.to_rfc3339()).as_deref(),
        Some("2020-06-11T22:31:57+00:00")
    );
    assert_eq!(k.created_at.to_rfc3339(), "2020-06-11T21:31:57+00:00");
    // A key no one has used, and one no user owns (a deploy key), decode.
    assert_eq!((keys[2].user_id, keys[2].last_used), (None, None));
    assert!(keys[2].read_only);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn every_classic_token_of_the_instance_is_listed_across_pages() {
    let server = MockServer::start().await;
    let first = example("classic-personal-access-tokens");
    // A second token, on the next page: no expiry, no scopes, no user, and a
    // member GitHub.com's wording of the installation's permissions lacks.
    let mut second = first[0].clone();
    second["id"] = json!(3);
    second["expires_at"] = Value::Null;
    second["scopes"] = Value::Null;
    second["user"] = Value::Null;
    // The enterprise permission is GHES's wording only: the model ignores it.
    second["installation"] = json!({"permissions": {"enterprise_custom_properties": "read"},
        "repository_selection": "all", "single_file_name": null, "account": first[0]["user"],
        "repositories_url": "https://enterprise.octocat.com/api/v3/installation/repositories"});
    let next = format!(
        "<{}/admin/tokens?page=2&per_page=1>; rel=\"next\"",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path("/admin/tokens"))
        .and(query_param("per_page", "1"))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", next.as_str())
                .set_body_json(first.clone()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/admin/tokens"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([second])))
        .mount(&server)
        .await;

    let tokens = client(&server.uri())
        .enterprise_admin()
        .list_personal_access_tokens()
        .per_page(1)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();

    assert_eq!(tokens.iter().map(|t| t.id).collect::<Vec<_>>(), [2, 3]);
    let t = &tokens[0];
    assert_eq!(
        t.hashed_token.as_deref(),
        Some("23cffb2fab1b0a62747863eba88cb9327e561f2f7a0c8661c0d9b83146cb8d45")
    );
    let scopes = t.scopes.as_deref().unwrap();
    assert_eq!(scopes.len(), 13);
    assert!(scopes.iter().any(|s| s == "admin:org"));
    assert_eq!(t.user.as_ref().map(|u| u.login.as_str()), Some("octocat"));
    assert_eq!(t.created_at.to_rfc3339(), "2019-04-24T21:49:02+00:00");
    // The example has no `expires_at`: a token without expiry.
    assert_eq!(t.expires_at, None);
    let t = &tokens[1];
    assert_eq!((t.scopes.as_ref(), t.user.as_ref()), (None, None));
    assert!(t.installation.is_some());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_public_key_and_a_token_are_deleted_by_id() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/admin/keys/2"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/admin/tokens/7"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri());

    client
        .enterprise_admin()
        .delete_public_key("2")
        .call()
        .await
        .unwrap();
    client
        .enterprise_admin()
        .delete_personal_access_token(7)
        .call()
        .await
        .unwrap();
    let sent = server.received_requests().await.unwrap();
    let sent: Vec<_> = sent
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_string()))
        .collect();
    assert_eq!(
        sent,
        [
            ("DELETE".to_string(), "/admin/keys/2".to_string()),
            ("DELETE".to_string(), "/admin/tokens/7".to_string()),
        ]
    );
}

#[tokio::test]
async fn deleting_the_token_in_use_is_refused_with_githubs_message() {
    let server = MockServer::start().await;
    // The wording is this test's; the status and the body's shape are
    // GitHub's (`DELETE /admin/tokens/{token_id}` answers 403 for the token
    // that makes the call).
    let message = "The token in use cannot be deleted";
    Mock::given(method("DELETE"))
        .and(path("/admin/tokens/9"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "message": message,
            "documentation_url": "https://docs.github.com/enterprise-server@3.19/rest/enterprise-admin/users#delete-a-personal-access-token"
        })))
        .mount(&server)
        .await;

    let err = client(&server.uri())
        .enterprise_admin()
        .delete_personal_access_token(9)
        .call()
        .await
        .unwrap_err();
    match &err {
        Error::Api(e) => assert_eq!((e.status, e.message.as_str()), (403, message)),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains(message), "{err}");
}
