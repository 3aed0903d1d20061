#![forbid(unsafe_code)]
//! Enterprise Server's site administration over HTTP: every user's classic
//! tokens and every SSH key, paged, sorted and deleted, answered to the
//! site administrator's token alone; the token in use is not deleted.

mod common;

use aws_lc_rs::digest;
use chrono::{TimeZone as _, Utc};
use common::{TOKEN, TestClock, app_jwt, app_key, delete, get};
use github_standin::{App, Caller, Fault, Org, SiteKey, SiteToken, StandIn};
use serde_json::json;

const ADMIN: &str = "ghp_siteadmin_token";
const OCTOCAT: &str = "ghp_octocat_deploy_12345678";

async fn start(clock: &TestClock, public_key: Vec<u8>) -> StandIn {
    let at = |day| Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0).unwrap();
    StandIn::builder()
        .token(TOKEN)
        .app(App::new(4242, "Iv23liStandIn", public_key).installed_on(11, "acme"))
        .clock(clock.source())
        .org(Org::new("acme", 1))
        .site_admin(ADMIN)
        .site_tokens([
            SiteToken::new(1, "siteadmin")
                .value(ADMIN)
                .scopes(["site_admin"]),
            SiteToken::new(2, "octocat")
                .value(OCTOCAT)
                .scopes(["repo"])
                .note("deploy")
                .expires_at(Some(at(20))),
        ])
        .site_keys([
            SiteKey::user(10, "octocat")
                .created_at(at(1))
                .last_used(Some(at(5))),
            SiteKey::deploy(11, 1296269)
                .read_only(false)
                .created_at(at(2)),
            SiteKey::user(12, "hubot")
                .created_at(at(3))
                .last_used(Some(at(9)))
                .verified(false),
        ])
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_site_administrator_lists_every_token_and_key_in_pages() {
    let clock = TestClock::new();
    let github = start(&clock, app_key().1).await;
    let base = github.base_url();
    let first = get(&format!("{base}/admin/tokens?per_page=1"), Some(ADMIN)).await;
    assert_eq!(first.status, 200);
    assert_eq!(
        first.links()[0],
        (
            "next".into(),
            format!("{base}/admin/tokens?per_page=1&page=2")
        )
    );
    let second = get(&first.links()[0].1, Some(ADMIN)).await;
    let token = &second.body[0];
    let hash: String = digest::digest(&digest::SHA256, OCTOCAT.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(token["hashed_token"], hash);
    assert_eq!(
        (
            &token["id"],
            &token["token"],
            &token["token_last_eight"],
            &token["user"]["login"]
        ),
        (&json!(2), &json!(""), &json!("12345678"), &json!("octocat"))
    );
    assert_eq!(
        (&token["scopes"], &token["expires_at"]),
        (&json!(["repo"]), &json!("2026-01-20T00:00:00Z"))
    );

    let ids = |q: &str| {
        let url = format!("{base}/admin/keys{q}");
        async move {
            let answer = get(&url, Some(ADMIN)).await;
            answer
                .body
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids("").await, [12, 11, 10], "newest first by default");
    assert_eq!(ids("?direction=asc").await, [10, 11, 12]);
    assert_eq!(ids("?sort=accessed").await, [12, 10, 11]);
    assert_eq!(ids("?since=2026-01-06T00:00:00Z").await, [12]);
    let keys = get(&format!("{base}/admin/keys?direction=asc"), Some(ADMIN))
        .await
        .body;
    assert_eq!(
        (&keys[0]["repository_id"], &keys[0]["read_only"]),
        (&json!(null), &json!(false))
    );
    assert_eq!(
        (&keys[1]["user_id"], &keys[1]["repository_id"]),
        (&json!(null), &json!(1296269))
    );
    assert_eq!(
        (&keys[2]["verified"], &keys[2]["added_by"]),
        (&json!(false), &json!("hubot"))
    );
    assert!(github.log().iter().all(|r| r.caller() == Caller::SiteAdmin));
}

#[tokio::test]
async fn only_the_site_administrator_is_answered_and_the_token_in_use_stays() {
    let clock = TestClock::new();
    let (pair, public_key) = app_key();
    let github = start(&clock, public_key).await;
    let base = github.base_url();
    let tokens = format!("{base}/admin/tokens");
    let jwt = app_jwt(&pair, json!(4242), clock.now());
    for (credential, status) in [
        (Some(TOKEN), 403),
        (None, 401),
        (Some("ghp_unknown"), 401),
        (Some(jwt.as_str()), 403),
    ] {
        let answer = get(&tokens, credential).await;
        assert_eq!(answer.status, status, "{credential:?}");
    }
    assert!(
        get(&tokens, Some(TOKEN)).await.body["message"]
            .as_str()
            .unwrap()
            .contains("admin rights")
    );
    assert_eq!(
        get(&format!("{base}/admin/keys"), Some(TOKEN)).await.status,
        403
    );

    let in_use = delete(&format!("{tokens}/1"), Some(ADMIN)).await;
    assert_eq!(in_use.status, 403);
    assert!(in_use.body["message"].as_str().unwrap().contains("in use"));
    assert_eq!(
        delete(&format!("{tokens}/2"), Some(TOKEN)).await.status,
        403
    );
    assert_eq!(
        delete(&format!("{tokens}/2"), Some(ADMIN)).await.status,
        204
    );
    assert_eq!(
        delete(&format!("{tokens}/2"), Some(ADMIN)).await.status,
        404
    );
    let left = get(&tokens, Some(ADMIN)).await.body;
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["id"], 1);

    let keys = format!("{base}/admin/keys");
    assert_eq!(delete(&format!("{keys}/11"), Some(ADMIN)).await.status, 204);
    assert_eq!(delete(&format!("{keys}/99"), Some(ADMIN)).await.status, 404);
    assert_eq!(
        get(&keys, Some(ADMIN)).await.body.as_array().unwrap().len(),
        2
    );

    let plain = StandIn::builder().start().await.unwrap();
    let answer = get(&format!("{}/admin/tokens", plain.base_url()), Some(ADMIN)).await;
    assert_eq!(answer.status, 404, "GitHub.com has no site administration");
}

#[tokio::test]
async fn site_administration_refuses_each_credential_as_what_it_is() {
    let clock = TestClock::new();
    let (pair, public_key) = app_key();
    let github = start(&clock, public_key).await;
    let base = github.base_url();
    let jwt = app_jwt(&pair, json!(4242), clock.now());
    let minted = common::post(
        &format!("{base}/app/installations/11/access_tokens"),
        Some(&jwt),
        &json!({}),
    )
    .await;
    let minted = minted.body["token"].as_str().unwrap().to_string();
    let tokens = format!("{base}/admin/tokens");
    // A token minted here is a credential GitHub knows: refused for what it is.
    let refused = get(&tokens, Some(&minted)).await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("admin rights")
    );
    assert_eq!(
        get(&tokens, None).await.body["message"],
        "Requires authentication"
    );
    let callers: Vec<_> = github.log().iter().skip(1).map(|r| r.caller()).collect();
    assert_eq!(callers, [Caller::RefusedToken, Caller::RefusedToken]);
    // Those refusals were no uses of it: its first use is still ahead.
    github.inject(Fault::fresh_tokens_rejected(1));
    let acme = format!("{base}/orgs/acme/personal-access-tokens");
    assert_eq!(get(&acme, Some(&minted)).await.status, 401);
    assert_eq!(get(&acme, Some(&minted)).await.status, 200);
    assert_eq!(
        github.log().last().unwrap().caller(),
        Caller::Installation(11)
    );
}
