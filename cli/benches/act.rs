#![forbid(unsafe_code)]
//! The acting half at the wire: per webhook, checking the signature and
//! decoding the event (and deciding it); revoking 10,000 grants against the
//! GitHub stand-in on loopback, which counts the calls.
//!
//! `cargo bench -p pat-audit --bench act`.

use axum::http::HeaderMap;
use chrono::{TimeDelta, TimeZone, Utc};
use divan::Bencher;
use divan::counter::BytesCount;
use github_pat_grants::webhook::{self, Delivery};
use github_pat_grants::{Client, WebhookEvent};
use github_standin::{Org, StandIn, TokenRequest, Webhook};
use pat_audit::act::{self, ActRow, Action, Outcome, Planned};
use pat_audit::policy::Policy;
use pat_audit::row::{Kind, Subject};

fn main() {
    divan::main();
}

const SECRET: &[u8] = b"It's a Secret to Everybody";

/// The example policy.
const POLICY: &str = include_str!("../tests/fixtures/policy-example.toml");

/// A `created` delivery as GitHub sends it: about 3 kB, one repository.
fn delivery() -> (Vec<u8>, HeaderMap) {
    let now = Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap();
    let request = TokenRequest::new(25381)
        .created_at(now)
        .expires_at(Some(now + TimeDelta::days(30)))
        .repositories(["app"])
        .permission("repository", "metadata", "read")
        .permission("repository", "contents", "read")
        .permission("organization", "members", "read");
    let event = Webhook::token_request("created", &request, &Org::new("acme", 7)).installation(42);
    let body = serde_json::to_vec(event.payload()).unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-hub-signature-256",
        github_standin::sign(SECRET, &body).parse().unwrap(),
    );
    headers.insert(
        "x-github-event",
        "personal_access_token_request".parse().unwrap(),
    );
    headers.insert(
        "x-github-delivery",
        "72d3162e-cc78-11e3-81ab-4c9367dc0958".parse().unwrap(),
    );
    (body, headers)
}

/// HMAC-SHA256 of the raw body, compared in constant time.
#[divan::bench]
fn verify_signature(bencher: Bencher) {
    let (body, headers) = delivery();
    let signature = headers["x-hub-signature-256"].to_str().unwrap().to_string();
    bencher
        .counter(BytesCount::of_slice(&body))
        .bench(|| webhook::verify(SECRET, divan::black_box(&body), Some(&signature)).unwrap());
}

/// What `serve` does per delivery before deciding: the signature, then the
/// typed event (`Delivery::from_request`).
#[divan::bench]
fn verify_and_decode_event(bencher: Bencher) {
    let (body, headers) = delivery();
    bencher.counter(BytesCount::of_slice(&body)).bench(|| {
        let d = Delivery::from_request(SECRET, &headers, divan::black_box(&body)).unwrap();
        assert!(matches!(
            d.payload,
            Some(WebhookEvent::PersonalAccessTokenRequestCreated(_))
        ));
        d
    });
}

/// The policy's decision on a decoded request.
#[divan::bench]
fn decide(bencher: Bencher) {
    let (body, headers) = delivery();
    let Some(WebhookEvent::PersonalAccessTokenRequestCreated(created)) =
        Delivery::from_request(SECRET, &headers, &body)
            .unwrap()
            .payload
    else {
        unreachable!("the delivery is a created request")
    };
    let policy = Policy::parse(POLICY).unwrap();
    bencher.bench(|| {
        act::decided(
            &policy,
            "acme",
            divan::black_box(&created.personal_access_token_request),
        )
    });
}

const GRANTS: i64 = 10_000;

/// 10,000 revocations as `revoke --apply` sends them: 100 calls of 100 ids,
/// one after another, to the stand-in on loopback (which accepts ids
/// already revoked, so every run sends the same calls).
#[divan::bench(sample_count = 20)]
fn revoke_10000_grants(bencher: Bencher) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let now = Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap();
    let running = rt
        .block_on(
            StandIn::builder()
                .org(Org::new("acme", 7))
                .as_of(now)
                .log_limit(1_000)
                .start(),
        )
        .unwrap();
    let client = Client::builder()
        .token("bench")
        .base_url(running.base_url())
        .build()
        .unwrap();
    let plan: Vec<Planned> = (1..=GRANTS)
        .map(|id| Planned {
            row: ActRow {
                subject: Subject {
                    org: "acme".into(),
                    kind: Kind::Grant,
                    id,
                    token_id: id,
                    token_name: "t".into(),
                    owner: "octocat".into(),
                },
                action: Action::Revoke,
                result: Outcome::Planned,
                why: String::new(),
                message: String::new(),
            },
            reason: None,
        })
        .collect();
    bencher
        .with_inputs(|| plan.clone())
        .bench_local_values(|mut plan| {
            let before = running.answered();
            let failed = rt.block_on(act::execute(
                |_| Ok(client.clone()),
                &mut plan,
                1,
                |_, _| {},
            ));
            assert_eq!(failed, 0);
            assert_eq!(running.answered() - before, 100, "100 calls of 100 ids");
            plan
        });
}
