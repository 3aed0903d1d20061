#![forbid(unsafe_code)]
//! SAML credential authorizations and an organization's installed Apps as
//! the stand-in serves them over HTTP: GitHub's shapes, pages and `Link`,
//! the `login` filter, removals, and the answers without SAML SSO or
//! without the "Administration" permission.

mod common;

use chrono::{TimeZone as _, Utc};
use common::{TOKEN, delete, get, post};
use github_standin::{Credential, Failure, InstalledApp, Org, StandIn};
use serde_json::Value;

async fn github(orgs: impl IntoIterator<Item = Org>) -> StandIn {
    StandIn::builder()
        .token(TOKEN)
        .orgs(orgs)
        .start()
        .await
        .unwrap()
}

fn ids(body: &Value, key: &str) -> Vec<i64> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|item| item[key].as_i64().unwrap())
        .collect()
}

fn sso() -> Org {
    let at = Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap();
    Org::new("acme", 652551).credentials((1..=150).map(|id| {
        let owner = if id % 2 == 0 { "octocat" } else { "hubot" };
        match id % 4 {
            0 => Credential::ssh_key(id, owner).title("laptop"),
            1 => Credential::personal_access_token(id, owner)
                .scopes(["repo", "admin:org"])
                .note("deploy")
                .authorized_at(at)
                .expires_at(Some(at)),
            2 => Credential::oauth_app_token(id, owner),
            _ => Credential::github_app_token(id, owner),
        }
    }))
}

#[tokio::test]
async fn credentials_are_a_plain_array_paged_with_link_and_filtered_by_login() {
    let github = github([sso()]).await;
    let base = github.base_url();
    let first = get(
        &format!("{base}/orgs/acme/credential-authorizations?per_page=100"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(first.status, 200);
    assert_eq!(
        ids(&first.body, "credential_id"),
        (1..=100).collect::<Vec<_>>()
    );
    let at = |page: u32| {
        format!("{base}/organizations/652551/credential-authorizations?per_page=100&page={page}")
    };
    assert_eq!(
        first.links(),
        [("next".into(), at(2)), ("last".into(), at(2))]
    );
    let second = get(&at(2), Some(TOKEN)).await;
    assert_eq!(
        ids(&second.body, "credential_id"),
        (101..=150).collect::<Vec<_>>()
    );

    let token = &first.body[0];
    assert_eq!(token["credential_type"], "personal access token");
    assert_eq!(token["scopes"], serde_json::json!(["repo", "admin:org"]));
    assert_eq!(token["authorized_credential_note"], "deploy");
    assert_eq!(
        token["authorized_credential_expires_at"],
        "2025-03-01T00:00:00Z"
    );
    assert_eq!(token["token_last_eight"].as_str().unwrap().len(), 8);
    assert!(token.get("fingerprint").is_none());
    let key = &first.body[3];
    assert_eq!(key["credential_type"], "SSH key");
    assert!(key["fingerprint"].as_str().unwrap().starts_with("SHA256:"));
    assert!(key.get("token_last_eight").is_none() && key.get("scopes").is_none());

    let octocat = get(
        &format!("{base}/orgs/acme/credential-authorizations?per_page=100&login=octocat"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(
        ids(&octocat.body, "credential_id"),
        (1..=150)
            .filter(|i| i % 2 == 0)
            .take(100)
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_removed_credential_is_no_longer_listed_and_a_second_removal_is_404() {
    let github = github([sso().failing_ids([7])]).await;
    let base = github.base_url();
    let url = |id: i64| format!("{base}/orgs/acme/credential-authorizations/{id}");
    assert_eq!(delete(&url(5), Some(TOKEN)).await.status, 204);
    assert_eq!(delete(&url(5), Some(TOKEN)).await.status, 404);
    assert_eq!(delete(&url(999), Some(TOKEN)).await.status, 404);
    assert_eq!(delete(&url(7), Some(TOKEN)).await.status, 422);
    assert_eq!(delete(&url(6), Some("ghs_wrong")).await.status, 401);
    let listed = get(
        &format!("{base}/orgs/acme/credential-authorizations?per_page=10"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(
        ids(&listed.body, "credential_id"),
        [1, 2, 3, 4, 6, 7, 8, 9, 10, 11]
    );
}

#[tokio::test]
async fn without_sso_the_listing_is_404_and_without_administration_403() {
    let github = github([
        Org::new("plain", 1),
        Org::new("locked", 2)
            .credentials([])
            .without_administration(),
        Org::new("narrow", 3).failing_credentials(Failure::Forbidden),
    ])
    .await;
    let base = github.base_url();
    let list = |org: &str| format!("{base}/orgs/{org}/credential-authorizations");
    let plain = get(&list("plain"), Some(TOKEN)).await;
    assert_eq!(
        (plain.status, plain.body["message"].as_str()),
        (404, Some("Not Found"))
    );
    let locked = get(&list("locked"), Some(TOKEN)).await;
    assert_eq!(locked.status, 403);
    assert_eq!(
        locked.body["message"],
        "Resource not accessible by integration"
    );
    // The permission is checked before single sign-on.
    assert_eq!(get(&list("narrow"), Some(TOKEN)).await.status, 403);
    assert_eq!(get(&list("nowhere"), Some(TOKEN)).await.status, 404);
    assert_eq!(get(&list("plain"), None).await.status, 401);
    let apps = get(&format!("{base}/orgs/locked/installations"), Some(TOKEN)).await;
    assert_eq!(apps.status, 403);
}

#[tokio::test]
async fn installations_are_wrapped_with_their_total_and_paged() {
    let apps = (1..=45).map(|id| {
        InstalledApp::new(id, format!("app-{id}"))
            .repository_selection(if id == 1 { "all" } else { "selected" })
            .permission("contents", "write")
    });
    let github = github([Org::new("acme", 652551).installed_apps(apps)]).await;
    let base = github.base_url();
    let first = get(
        &format!("{base}/orgs/acme/installations?per_page=20"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["total_count"], 45);
    let installations = &first.body["installations"];
    assert_eq!(ids(installations, "id"), (1..=20).collect::<Vec<_>>());
    assert_eq!(installations[0]["repository_selection"], "all");
    assert_eq!(installations[0]["permissions"]["contents"], "write");
    assert_eq!(installations[0]["permissions"]["metadata"], "read");
    assert_eq!(installations[0]["app_slug"], "app-1");
    assert_eq!(installations[0]["account"]["login"], "acme");
    let last = format!("{base}/organizations/652551/installations?per_page=20&page=3");
    assert!(first.links().contains(&("last".into(), last.clone())));
    let third = get(&last, Some(TOKEN)).await;
    assert_eq!(
        ids(&third.body["installations"], "id"),
        (41..=45).collect::<Vec<_>>()
    );
    let none = get(
        &format!("{base}/orgs/acme/installations?page=9"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(none.body["installations"], serde_json::json!([]));
}

/// The credential ids `acme` lists.
async fn listed(base: &str, org: &str) -> Vec<i64> {
    let all = get(
        &format!("{base}/orgs/{org}/credential-authorizations?per_page=100&page=1"),
        Some(TOKEN),
    )
    .await;
    ids(&all.body, "credential_id")
}

#[tokio::test]
async fn revoking_by_user_or_by_type_answers_202_and_the_authorizations_are_gone() {
    let few = |login: &str| {
        Org::new(login, 7).credentials([
            Credential::ssh_key(1, "hubot"),
            Credential::personal_access_token(2, "Octocat"),
            Credential::ssh_key(3, "octocat"),
        ])
    };
    let github = github([few("acme"), few("globex"), Org::new("plain", 8)]).await;
    let base = github.base_url();
    let org = format!("{base}/orgs/acme/credential-authorizations");
    let by_type = serde_json::json!({"credential_type": "ssh_key"});
    let answer = post(
        &format!("{org}/revoke-credential-type"),
        Some(TOKEN),
        &by_type,
    )
    .await;
    assert_eq!(answer.status, 202);
    assert!(answer.body["message"].is_string());
    assert_eq!(listed(base, "acme").await, [2]);
    let bad = serde_json::json!({"credential_type": "password"});
    let refused = post(&format!("{org}/revoke-credential-type"), Some(TOKEN), &bad).await;
    assert_eq!(refused.status, 422);

    // The enterprise is every organization with SAML SSO; logins match in any case.
    let enterprise = format!("{base}/enterprises/corp/credential-authorizations");
    let body = serde_json::json!({"revoke_credentials": true});
    let answer = post(&format!("{enterprise}/OCTOCAT/revoke"), Some(TOKEN), &body).await;
    assert_eq!(answer.status, 202);
    assert_eq!(listed(base, "acme").await, Vec::<i64>::new());
    assert_eq!(listed(base, "globex").await, [1]);
    // A token the stand-in does not know is refused.
    let other = post(
        &format!("{enterprise}/hubot/revoke"),
        Some("ghs_other"),
        &body,
    )
    .await;
    assert_eq!(other.status, 401);

    let no_sso = format!("{base}/orgs/plain/credential-authorizations/hubot/revoke");
    assert_eq!(post(&no_sso, Some(TOKEN), &Value::Null).await.status, 404);
}
