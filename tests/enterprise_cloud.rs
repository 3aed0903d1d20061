#![forbid(unsafe_code)]
//! The operations imported for the credentials and audit-log work, on the
//! wire: GitHub Enterprise Cloud's SAML credential authorizations and
//! organization audit log, the revocation of a user's authorizations and of a
//! credential type in an organization or an enterprise (feature `ghec`),
//! GitHub.com's credential revocation (`credentials`) and an organization's
//! App installations (`apps`). What later pat-audit features rely on: the
//! audit log's cursor pagination and filters, the events' declared fields and
//! the undeclared ones kept in `extra`, the authorizations'
//! `login`/`page`/`per_page`, the revocations' bodies and their 202 answers.

mod common;

use common::client;
use futures::TryStreamExt;
use github_pat_grants::{Operation, Paginated};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An audit log event as GitHub sends it: fields the schema declares and
/// fields of the action it does not.
fn pat_event(n: u64) -> serde_json::Value {
    json!({
        "@timestamp": 1_700_000_000_000u64 + n,
        "_document_id": format!("doc-{n}"),
        "action": "personal_access_token.access_granted",
        "actor": "octocat",
        "actor_id": 1,
        "actor_ip": "192.0.2.7",
        "country": "Iceland",
        "created_at": 1_700_000_000_000u64 + n,
        "hashed_token": "k4+T0k3nHa5h=",
        "org": "acme",
        "programmatic_access_type": "Fine-grained personal access token",
        "repo": "acme/widgets",
        "token_scopes": "repo,read:org",
        "user": "hubot",
        "user_agent": "curl/8.5.0"
    })
}

#[tokio::test]
async fn the_audit_log_follows_its_cursors_with_the_filters_and_keeps_every_field() {
    let server = MockServer::start().await;
    let next = format!(
        "<{}/organizations/1/audit-log?after=MS4yNDA%3D&per_page=2>; rel=\"next\"",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path("/orgs/acme/audit-log"))
        .and(query_param("phrase", "action:personal_access_token"))
        .and(query_param("include", "all"))
        .and(query_param("order", "asc"))
        .and(query_param("per_page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", next.as_str())
                .set_body_json(json!([pat_event(1), pat_event(2)])),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/organizations/1/audit-log"))
        .and(query_param("after", "MS4yNDA="))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([pat_event(3)])))
        .mount(&server)
        .await;

    use github_pat_grants::types::{OrgsGetAuditLogInclude, OrgsGetAuditLogOrder};
    let events = client(&server.uri())
        .orgs()
        .get_audit_log("acme")
        .phrase("action:personal_access_token")
        .include(OrgsGetAuditLogInclude::All)
        .order(OrgsGetAuditLogOrder::Asc)
        .per_page(2)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();

    assert_eq!(events.len(), 3);
    let e = &events[2];
    assert_eq!(e.timestamp, Some(1_700_000_000_003));
    assert_eq!(e.created_at, Some(1_700_000_000_003));
    assert_eq!(e.document_id.as_deref(), Some("doc-3"));
    assert_eq!(
        e.action.as_deref(),
        Some("personal_access_token.access_granted")
    );
    assert_eq!(e.actor.as_deref(), Some("octocat"));
    assert_eq!(e.org.as_deref(), Some("acme"));
    assert_eq!(e.repo.as_deref(), Some("acme/widgets"));
    assert_eq!(e.user.as_deref(), Some("hubot"));
    // What the schema does not declare is kept, not dropped.
    for (field, value) in [
        ("hashed_token", "k4+T0k3nHa5h="),
        (
            "programmatic_access_type",
            "Fine-grained personal access token",
        ),
        ("token_scopes", "repo,read:org"),
        ("user_agent", "curl/8.5.0"),
        ("actor_ip", "192.0.2.7"),
        ("country", "Iceland"),
    ] {
        assert_eq!(e.extra[field], value, "{field}");
    }
    // And goes back out as it came in.
    assert_eq!(serde_json::to_value(e).unwrap(), pat_event(3));
}

#[tokio::test]
async fn saml_sso_authorizations_are_listed_by_login_and_page_and_removed() {
    let server = MockServer::start().await;
    let authorization = json!({
        "login": "octocat",
        "credential_id": 161195,
        "credential_type": "personal access token",
        "token_last_eight": "71c3fc11",
        "credential_authorized_at": "2011-01-26T19:06:43Z",
        "credential_accessed_at": "2011-01-26T19:06:43Z",
        "authorized_credential_expires_at": "2011-02-25T19:06:43Z",
        "scopes": ["user"],
        "fingerprint": null,
        "authorized_credential_id": 12345678,
        "authorized_credential_title": null,
        "authorized_credential_note": "my token"
    });
    Mock::given(method("GET"))
        .and(path("/orgs/acme/credential-authorizations"))
        .and(query_param("login", "octocat"))
        .and(query_param("page", "2"))
        .and(query_param("per_page", "50"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([authorization])))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/orgs/acme/credential-authorizations/161195"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let page = client
        .orgs()
        .list_saml_sso_authorizations("acme")
        .login("octocat")
        .page(2)
        .per_page(50)
        .call()
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].credential_id, 161195);
    assert_eq!(page[0].token_last_eight.as_deref(), Some("71c3fc11"));
    // Re-serialized, it is what came in but for the nulls, left out.
    let mut without_nulls = authorization.clone();
    without_nulls
        .as_object_mut()
        .unwrap()
        .retain(|_, v| !v.is_null());
    assert_eq!(serde_json::to_value(&page[0]).unwrap(), without_nulls);

    client
        .orgs()
        .remove_saml_sso_authorization("acme", 161195)
        .call()
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[test]
fn the_credentials_revoked_are_never_shown() {
    let client = client("http://127.0.0.1:9");
    let secret = "ghp_n0t4r34lt0k3nbutst1lls3cr3t";
    let request = client
        .credentials()
        .revoke()
        .body_map(|b| b.credentials(vec![secret.to_string()]));
    let shown = format!("{request:?}");
    assert!(shown.contains("[redacted]"), "{shown}");
    assert!(!shown.contains(secret), "{shown}");
    let body = github_pat_grants::types::CredentialsRevokeBody {
        credentials: vec![secret.to_string()],
    };
    assert_eq!(
        format!("{body:?}"),
        r#"CredentialsRevokeBody { credentials: "[redacted]" }"#
    );
}

#[tokio::test]
async fn credentials_are_revoked_by_value() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/credentials/revoke"))
        .and(body_json(json!({"credentials": ["ghp_1", "github_pat_2"]})))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .mount(&server)
        .await;
    client(&server.uri())
        .credentials()
        .revoke()
        .body_map(|b| b.credentials(vec!["ghp_1".to_string(), "github_pat_2".to_string()]))
        .call()
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_organizations_app_installations_are_a_paginated_listing() {
    let server = MockServer::start().await;
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.json")).unwrap();
    let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    let body = spec["components"]["examples"]["installation-paginated"]["value"].clone();
    Mock::given(method("GET"))
        .and(path("/orgs/acme/installations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
        .mount(&server)
        .await;
    let installations = client(&server.uri())
        .orgs()
        .list_app_installations("acme")
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(
        installations.len(),
        body["installations"].as_array().unwrap().len()
    );
    assert_eq!(installations[0].id, body["installations"][0]["id"]);
}

#[tokio::test]
async fn the_revocation_api_takes_only_an_unauthenticated_client() {
    let github = github_standin::StandIn::builder()
        .token(common::TOKEN)
        .start()
        .await
        .unwrap();
    let leaked = "ghp_1234567890abcdefghijABCDEFGHIJ0f3Zq9".to_string();
    let authenticated = client(github.base_url());
    let refused = authenticated
        .credentials()
        .revoke()
        .body_map(|b| b.credentials(vec![leaked.clone()]))
        .call()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403));
    authenticated
        .unauthenticated()
        .credentials()
        .revoke()
        .body_map(|b| b.credentials(vec![leaked.clone()]))
        .call()
        .await
        .unwrap();
    let log = github.log();
    assert!(log[0].header("authorization").is_some());
    assert_eq!(log[1].header("authorization"), None);
    assert_eq!(log[1].status(), 202);
    assert_eq!(github.revoked_credentials(), [leaked]);
}

/// What GitHub answers to a queued revocation (202).
fn queued(login: &str) -> serde_json::Value {
    json!({"message": format!("Credential authorization revocation for user '{login}' has been queued")})
}

#[tokio::test]
async fn a_users_authorizations_are_revoked_in_an_organization_and_in_an_enterprise() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orgs/acme/credential-authorizations/octocat/revoke"))
        .respond_with(ResponseTemplate::new(202).set_body_json(queued("octocat")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(
            "/enterprises/acme-inc/credential-authorizations/octocat/revoke",
        ))
        .and(body_json(json!({"revoke_credentials": true})))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({
            "message": "Credential authorization revocation for user 'octocat' has been queued",
            "warning": "The token used for this request may also be destroyed as part of this operation"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let in_org = client
        .orgs()
        .revoke_credential_authorizations_for_user("acme", "octocat")
        .call()
        .await
        .unwrap();
    assert_eq!(
        in_org.message,
        queued("octocat")["message"].as_str().map(Into::into)
    );
    assert_eq!(in_org.warning, None);
    let everywhere = client
        .enterprise_admin()
        .revoke_credential_authorizations_for_user("acme-inc", "octocat")
        .body_map(|b| b.revoke_credentials(true))
        .call()
        .await
        .unwrap();
    assert!(
        everywhere
            .warning
            .as_deref()
            .is_some_and(|w| w.contains("destroyed")),
        "{everywhere:?}"
    );
}

#[tokio::test]
async fn credentials_are_revoked_by_type_in_an_organization_and_in_an_enterprise() {
    use github_pat_grants::types::{
        EnterpriseAdminRevokeCredentialTypeForEnterpriseBodyCredentialType as EnterpriseType,
        OrgsRevokeCredentialTypeBodyCredentialType as OrgType,
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(
            "/orgs/acme/credential-authorizations/revoke-credential-type",
        ))
        .and(body_json(json!({"credential_type": "classic_pat"})))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"message": "queued"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(
            "/enterprises/acme-inc/credential-authorizations/revoke-credential-type",
        ))
        .and(body_json(
            json!({"credential_type": "ssh_key", "revoke_credentials": false}),
        ))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"message": "queued"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri());

    client
        .orgs()
        .revoke_credential_type("acme")
        .body_map(|b| b.credential_type(OrgType::ClassicPat))
        .call()
        .await
        .unwrap();
    let answer = client
        .enterprise_admin()
        .revoke_credential_type_for_enterprise("acme-inc")
        .body_map(|b| b.credential_type(EnterpriseType::SshKey))
        .call()
        .await
        .unwrap();
    assert_eq!(answer.message.as_deref(), Some("queued"));
}
