#![forbid(unsafe_code)]
//! Webhook deliveries: signed, with GitHub's headers, to a receiver that
//! records them; redelivered with the same GUID; sent by the API when a
//! request arrives or is reviewed.

mod common;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use common::post as post_json;
use github_standin::{Error, Org, StandIn, TokenRequest, Webhook, sign};
use serde_json::{Value, json};

const SECRET: &str = "It's a Secret to Everybody";

/// What the receiver got: each delivery's headers and body.
type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A receiver on loopback that records deliveries and answers 200 with
/// `{"seen": N}`; its URL.
async fn receiver() -> (String, Received) {
    let received = Received::default();
    let seen = received.clone();
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| async move {
            let mut all = seen.lock().unwrap();
            all.push((headers, body));
            json!({"seen": all.len()}).to_string()
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

fn acme() -> Org {
    Org::new("acme", 7)
}

#[tokio::test]
async fn a_delivery_is_signed_and_carries_githubs_headers() {
    let (url, received) = receiver().await;
    let github = StandIn::builder()
        .org(acme())
        .webhook_receiver(&url, SECRET)
        .start()
        .await
        .unwrap();
    let request = TokenRequest::new(11).repositories(["app"]);
    let webhook = Webhook::token_request("created", &request, &acme()).installation(42);
    let delivery = github.deliver(&webhook).await.unwrap();
    assert_eq!(delivery.status(), Some(200));
    assert_eq!(delivery.response_json(), Some(json!({"seen": 1})));

    let (headers, body) = received.lock().unwrap()[0].clone();
    let header = |name: &str| headers[name].to_str().unwrap().to_string();
    assert_eq!(header("x-github-event"), "personal_access_token_request");
    assert_eq!(header("x-github-delivery"), delivery.guid());
    assert_eq!(
        header("x-hub-signature-256"),
        sign(SECRET.as_bytes(), &body)
    );
    assert!(header("x-hub-signature").starts_with("sha1="));
    assert!(header("user-agent").starts_with("GitHub-Hookshot/"));
    assert_eq!(header("content-type"), "application/json");
    let guid: Vec<usize> = delivery.guid().split('-').map(str::len).collect();
    assert_eq!(guid, [8, 4, 4, 4, 12]);

    let payload: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(payload["action"], "created");
    assert_eq!(payload["personal_access_token_request"]["id"], 11);
    assert_eq!(
        payload["personal_access_token_request"]["repositories"][0]["full_name"],
        "acme/app"
    );
    assert_eq!(payload["organization"]["login"], "acme");
    assert_eq!(payload["installation"]["id"], 42);

    let again = github.redeliver(&delivery).await.unwrap();
    assert_eq!((again.guid(), again.redelivery()), (delivery.guid(), true));
    let (headers, redelivered) = received.lock().unwrap()[1].clone();
    assert_eq!(headers["x-github-delivery"], delivery.guid());
    assert_eq!(redelivered, body);
}

#[tokio::test]
async fn requests_arriving_and_reviewed_are_delivered_as_github_does() {
    let (url, received) = receiver().await;
    let github = StandIn::builder().org(acme()).start().await.unwrap();
    assert!(
        github
            .add_request("acme", TokenRequest::new(1))
            .await
            .unwrap()
            .is_none()
    );
    github.set_webhook_receiver(&url, SECRET);
    let created = github
        .add_request("acme", TokenRequest::new(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.action(), Some("created"));

    let review = format!(
        "{}/orgs/acme/personal-access-token-requests",
        github.base_url()
    );
    let body = json!({"action": "approve", "pat_request_ids": [1, 2]});
    assert_eq!(post_json(&review, None, &body).await.status, 202);
    let deliveries = github.deliveries().await;
    let actions: Vec<_> = deliveries
        .iter()
        .map(|d| d.action().unwrap_or_default())
        .collect();
    assert_eq!(actions, ["created", "approved", "approved"]);
    assert!(deliveries.iter().all(|d| d.status() == Some(200)));
    assert_eq!(received.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn without_a_reachable_receiver_a_delivery_is_an_error() {
    let github = StandIn::builder().start().await.unwrap();
    let ping = Webhook::new("ping", json!({"zen": "Keep it logically awesome."}));
    let none = github.deliver(&ping).await.unwrap_err();
    assert!(
        matches!(&none, Error::Delivery { reason, .. } if reason.contains("no webhook receiver")),
        "{none}"
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    github.set_webhook_receiver(format!("http://{closed}/hook"), SECRET);
    let unreachable = github.deliver(&ping).await.unwrap_err();
    assert!(matches!(unreachable, Error::Delivery { .. }));
    let recorded = github.deliveries().await;
    assert_eq!((recorded.len(), recorded[0].status()), (1, None));
}
