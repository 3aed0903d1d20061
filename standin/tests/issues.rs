#![forbid(unsafe_code)]
//! A hosted repository's issues and labels over HTTP: opened with labels
//! by name (an unknown one created), listed by state and label over pages
//! with `Link` and `ETag`, updated, closed and commented on; labels read
//! and created once; 404 for a repository not hosted; 403 for writes where
//! the App lacks `issues: write`, reads still answered.

mod common;

use common::{Answer, TOKEN, get, patch, post};
use github_standin::StandIn;
use serde_json::{Value, json};

async fn start() -> StandIn {
    StandIn::builder()
        .token(TOKEN)
        .repository("acme/security")
        .issues_forbidden("acme/locked")
        .start()
        .await
        .unwrap()
}

/// The numbers of a listing's issues, in order.
fn numbers(answer: &Answer) -> Vec<u64> {
    let issues = answer.body.as_array().unwrap();
    issues
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn issues_are_listed_by_state_and_labels_over_pages() {
    let github = start().await;
    let issues = format!("{}/repos/acme/security/issues", github.base_url());
    for (title, labels) in [
        ("one", json!(["pat-audit"])),
        ("two", json!(["pat-audit", {"name": "urgent"}])),
        ("three", json!(["urgent"])),
        ("four", json!(["pat-audit"])),
        ("five", json!(["PAT-AUDIT"])),
    ] {
        let body = json!({"title": title, "body": format!("@{title}"), "labels": labels});
        assert_eq!(post(&issues, Some(TOKEN), &body).await.status, 201);
    }
    let closed = patch(
        &format!("{issues}/4"),
        Some(TOKEN),
        &json!({"state": "closed"}),
    )
    .await;
    assert_eq!(
        (closed.status, &closed.body["state"]),
        (200, &json!("closed"))
    );
    assert_eq!(closed.body["state_reason"], "completed");
    assert!(closed.body["closed_at"].is_string());

    // Open ones by default, newest first, two a page, the label matched whatever its case.
    let first = get(
        &format!("{issues}?labels=pat-audit&per_page=2"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(numbers(&first), [5, 2]);
    assert_eq!(first.body[1]["labels"][1]["name"], "urgent");
    assert_eq!(first.body[0]["labels"][0]["name"], "pat-audit");
    let (rel, next) = first.links()[0].clone();
    assert_eq!(rel, "next");
    assert!(next.ends_with("/repos/acme/security/issues?labels=pat-audit&per_page=2&page=2"));
    assert_eq!(numbers(&get(&next, Some(TOKEN)).await), [1]);
    for (query, expected) in [
        ("state=closed", vec![4]),
        ("state=all&labels=pat-audit,urgent", vec![2]),
        ("state=all", vec![5, 4, 3, 2, 1]),
    ] {
        let listed = get(&format!("{issues}?{query}"), Some(TOKEN)).await;
        assert_eq!(numbers(&listed), expected, "{query}");
    }

    // The same page again is not modified.
    let tag = first.header("etag").unwrap().to_string();
    let again = reqwest::Client::new()
        .get(format!("{issues}?labels=pat-audit&per_page=2"))
        .bearer_auth(TOKEN)
        .header("if-none-match", tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // What a test inspects: the labels the issues created, and each issue as left.
    assert_eq!(github.labels("acme/security"), ["pat-audit", "urgent"]);
    let kept = github.issues("acme/security");
    assert_eq!(kept.len(), 5);
    assert_eq!((kept[3].number, kept[3].state.as_str()), (4, "closed"));
    assert_eq!(
        (kept[1].body.as_str(), &kept[1].labels[..]),
        ("@two", &["pat-audit".to_string(), "urgent".to_string()][..])
    );
    assert!(kept.windows(2).all(|w| w[0].created_at <= w[1].created_at));
}

#[tokio::test]
async fn an_issue_is_updated_and_commented_on_and_a_title_is_required() {
    let github = start().await;
    let issues = format!("{}/repos/acme/security/issues", github.base_url());
    let untitled = post(&issues, Some(TOKEN), &json!({"body": "no title"})).await;
    assert_eq!(untitled.status, 422);
    assert_eq!(untitled.body["errors"][0]["field"], "title");
    post(
        &issues,
        Some(TOKEN),
        &json!({"title": "Tokens of @octocat"}),
    )
    .await;
    let change = json!({"title": "Tokens of @octocat (2)", "body": "new", "labels": ["pat-audit"]});
    let updated = patch(&format!("{issues}/1"), Some(TOKEN), &change).await;
    assert_eq!(updated.body["title"], "Tokens of @octocat (2)");
    let said = json!({"body": "Nothing left to fix."});
    let comment = post(&format!("{issues}/1/comments"), Some(TOKEN), &said).await;
    assert_eq!(
        (comment.status, &comment.body["body"]),
        (201, &said["body"])
    );
    assert_eq!(
        patch(&format!("{issues}/9"), Some(TOKEN), &change)
            .await
            .status,
        404
    );
    let kept = &github.issues("acme/security")[0];
    assert_eq!(
        (kept.body.as_str(), &kept.labels[..]),
        ("new", &["pat-audit".to_string()][..])
    );
    assert_eq!(kept.comments, ["Nothing left to fix."]);
}

#[tokio::test]
async fn a_label_is_read_and_created_once() {
    let github = start().await;
    let labels = format!("{}/repos/acme/security/labels", github.base_url());
    assert_eq!(
        get(&format!("{labels}/pat-audit"), Some(TOKEN))
            .await
            .status,
        404
    );
    let label = json!({"name": "pat-audit", "color": "d73a4a", "description": "Tokens"});
    let created = post(&labels, Some(TOKEN), &label).await;
    assert_eq!(
        (created.status, &created.body["color"]),
        (201, &json!("d73a4a"))
    );
    let again = post(&labels, Some(TOKEN), &label).await;
    assert_eq!(
        (again.status, &again.body["errors"][0]["code"]),
        (422, &json!("already_exists"))
    );
    let read = get(&format!("{labels}/PAT-AUDIT"), Some(TOKEN)).await;
    assert_eq!(
        (read.status, &read.body["name"]),
        (200, &json!("pat-audit"))
    );
    assert_eq!(github.labels("acme/security"), ["pat-audit"]);
}

#[tokio::test]
async fn a_repository_not_hosted_is_404_and_one_without_issues_write_refuses_writes() {
    let github = start().await;
    let base = github.base_url();
    let issue = json!({"title": "x", "labels": ["pat-audit"]});
    for path in ["/repos/acme/nope/issues", "/repos/globex/security/issues"] {
        let url = format!("{base}{path}");
        let refused = [
            get(&url, Some(TOKEN)).await,
            post(&url, Some(TOKEN), &issue).await,
        ];
        for answer in refused {
            assert_eq!(
                (answer.status, &answer.body["message"]),
                (404, &json!("Not Found"))
            );
        }
    }
    let locked = format!("{base}/repos/acme/locked");
    let forbidden: [(String, Value); 2] = [
        (format!("{locked}/issues"), issue.clone()),
        (format!("{locked}/labels"), json!({"name": "pat-audit"})),
    ];
    for (url, body) in forbidden {
        let answer = post(&url, Some(TOKEN), &body).await;
        let message = &answer.body["message"];
        assert_eq!(
            (answer.status, message),
            (403, &json!("Resource not accessible by integration"))
        );
    }
    let read = get(&format!("{locked}/issues"), Some(TOKEN)).await;
    assert_eq!((read.status, read.body), (200, json!([])));
    assert!(github.issues("acme/locked").is_empty() && github.labels("acme/locked").is_empty());
    assert_eq!(
        get(&format!("{locked}/issues"), Some("ghs_unknown"))
            .await
            .status,
        401
    );
}
