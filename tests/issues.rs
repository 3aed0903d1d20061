#![forbid(unsafe_code)]
//! A repository's issues, their comments and labels on the wire (feature
//! `issues`): what `pat-audit notify` relies on. The listing follows `Link`
//! with its `state` and `labels` filters; an issue is opened with its labels
//! by name, closed with a reason, commented on; a label is read (404 when
//! there is none) and created.

mod common;

use common::client;
use futures::TryStreamExt;
use github_pat_grants::types::{
    IssueLabelsItem, IssuesCreateBodyLabelsItem, IssuesCreateBodyTitle, IssuesListForRepoState,
    IssuesUpdateBodyState, IssuesUpdateBodyStateReason,
};
use github_pat_grants::{Error, Operation, Paginated};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The spec's example `name` (`issue`, `label`, `issue-comment`).
fn example(name: &str) -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.json")).unwrap();
    let spec: Value = serde_json::from_str(&text).unwrap();
    spec["components"]["examples"][name]["value"].clone()
}

/// The spec's example issue with another number and title.
fn issue(number: u64, title: &str) -> Value {
    let mut issue = example("issue");
    issue["number"] = json!(number);
    issue["title"] = json!(title);
    issue
}

#[tokio::test]
async fn issues_are_listed_by_state_and_labels_over_every_page() {
    let server = MockServer::start().await;
    let next = format!(
        "<{}/repositories/7/issues?state=all&labels=pat-audit%2Csecurity&per_page=2&page=2>; rel=\"next\"",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path("/repos/acme/security/issues"))
        .and(query_param("state", "all"))
        .and(query_param("labels", "pat-audit,security"))
        .and(query_param("per_page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", next.as_str())
                .set_body_json(json!([issue(1, "one"), issue(2, "two")])),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repositories/7/issues"))
        .and(query_param("page", "2"))
        .and(query_param("labels", "pat-audit,security"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([issue(3, "three")])))
        .mount(&server)
        .await;

    let issues = client(&server.uri())
        .issues()
        .list_for_repo("acme", "security")
        .state(IssuesListForRepoState::All)
        .labels("pat-audit,security")
        .per_page(2)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();

    let seen: Vec<(i64, &str)> = issues
        .iter()
        .map(|i| (i.number, i.title.as_str()))
        .collect();
    assert_eq!(seen, [(1, "one"), (2, "two"), (3, "three")]);
    let third = &issues[2];
    assert_eq!(third.state, "open");
    assert_eq!(third.body.as_deref(), example("issue")["body"].as_str());
    assert_eq!(third.user.as_ref().unwrap().login, "octocat");
    // Labels come as objects, their names readable.
    let IssueLabelsItem::Object { name, .. } = &third.labels[0] else {
        panic!("a label as a string: {:?}", third.labels)
    };
    assert_eq!(name.as_deref(), Some("bug"));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_issue_is_opened_with_labels_by_name_closed_and_commented_on() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/security/issues"))
        .and(body_json(
            json!({"title": "Tokens of @octocat", "body": "Hello @octocat", "labels": ["pat-audit"]}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(issue(42, "Tokens of @octocat")))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/acme/security/issues/42"))
        .and(body_json(
            json!({"state": "closed", "state_reason": "completed"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json({
            let mut closed = issue(42, "Tokens of @octocat");
            closed["state"] = json!("closed");
            closed
        }))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/security/issues/42/comments"))
        .and(body_json(json!({"body": "Nothing left to fix."})))
        .respond_with(ResponseTemplate::new(201).set_body_json(example("issue-comment")))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let opened = client
        .issues()
        .create("acme", "security")
        .body_map(|b| {
            b.title(IssuesCreateBodyTitle::String("Tokens of @octocat".into()))
                .body(Some("Hello @octocat".to_string()))
                .labels(vec![IssuesCreateBodyLabelsItem::String("pat-audit".into())])
        })
        .call()
        .await
        .unwrap();
    assert_eq!(opened.number, 42);

    let closed = client
        .issues()
        .update("acme", "security", 42)
        .body_map(|b| {
            b.state(Some(IssuesUpdateBodyState::Closed))
                .state_reason(Some(IssuesUpdateBodyStateReason::Completed))
        })
        .call()
        .await
        .unwrap();
    assert_eq!((closed.number, closed.state.as_str()), (42, "closed"));

    let comment = client
        .issues()
        .create_comment("acme", "security", 42)
        .body_map(|b| b.body("Nothing left to fix."))
        .call()
        .await
        .unwrap();
    assert_eq!(comment.id, example("issue-comment")["id"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_label_is_read_and_missing_one_is_a_404_then_created() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/security/labels/bug"))
        .respond_with(ResponseTemplate::new(200).set_body_json(example("label")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/security/labels/pat-audit"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "message": "Not Found",
            "documentation_url": "https://docs.github.com/rest/issues/labels#get-a-label"
        })))
        .mount(&server)
        .await;
    let mut created = example("label");
    created["name"] = json!("pat-audit");
    Mock::given(method("POST"))
        .and(path("/repos/acme/security/labels"))
        .and(body_json(json!({"name": "pat-audit", "color": "d73a4a"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(created))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let bug = client
        .issues()
        .get_label("acme", "security", "bug")
        .call()
        .await
        .unwrap();
    assert_eq!((bug.name.as_str(), bug.color.as_str()), ("bug", "f29513"));

    let missing = client
        .issues()
        .get_label("acme", "security", "pat-audit")
        .call()
        .await
        .unwrap_err();
    assert!(matches!(&missing, Error::Api(a) if a.status == 404 && a.message == "Not Found"));

    let label = client
        .issues()
        .create_label("acme", "security")
        .body_map(|b| b.name("pat-audit").color(Some("d73a4a".to_string())))
        .call()
        .await
        .unwrap();
    assert_eq!(label.name, "pat-audit");
}
