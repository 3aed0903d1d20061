//! Helpers shared by the client tests: GitHub-shaped payloads, clients
//! pointed at a loopback server, the test clock, and the request and the
//! wiremock answer the tests make again and again.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use github_pat_grants::{Client, Error, Operation, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const TOKEN: &str = "ghs_s3cr3t_t0k3n_value";

/// `acme`'s grants: the listing most tests ask for.
pub const LIST: &str = "/orgs/acme/personal-access-tokens";

/// The spec's example grant (`org-pat-grant-paginated`), with another id.
pub fn grant(id: u64) -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.json")).unwrap();
    let spec: Value = serde_json::from_str(&text).unwrap();
    let mut g = spec["components"]["examples"]["org-pat-grant-paginated"]["value"][0].clone();
    g["id"] = json!(id);
    g
}

pub fn grants(ids: std::ops::Range<u64>) -> Value {
    Value::Array(ids.map(grant).collect())
}

pub fn client(base: &str) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(base)
        .build()
        .unwrap()
}

/// A client that retries as `policy` says, on `clock`: its waits are
/// recorded in `clock.sleeps`, not slept.
pub fn retrying(base: &str, policy: RetryPolicy, clock: &TestClock) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(base)
        .retry(policy)
        .clock(clock.clone())
        .build()
        .unwrap()
}

/// Answers every `GET at` with `response`.
pub async fn serve(server: &MockServer, at: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

/// How many requests `server` has received.
pub async fn sent(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// What listing `acme`'s grants with `c` failed with; it must fail.
pub async fn list_error(c: &Client) -> Error {
    c.orgs().list_pat_grants("acme").call().await.unwrap_err()
}

/// A clock that stands still unless moved; sleeping moves it and is recorded.
#[derive(Clone)]
pub struct TestClock {
    now: Arc<Mutex<DateTime<Utc>>>,
    pub sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl TestClock {
    pub fn new() -> Self {
        Self {
            now: Arc::new(Mutex::new(
                Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
            )),
            sleeps: Arc::default(),
        }
    }
    pub fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap()
    }
    pub fn set(&self, t: DateTime<Utc>) {
        *self.now.lock().unwrap() = t;
    }
    pub fn advance(&self, d: chrono::Duration) {
        *self.now.lock().unwrap() += d;
    }
    /// The waits slept so far.
    pub fn slept(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }
    /// This clock for the stand-in, so that GitHub and the client agree on the time.
    pub fn source(&self) -> impl Fn() -> DateTime<Utc> + Send + Sync + 'static {
        let clock = self.clone();
        move || clock.now()
    }
}

impl github_pat_grants::Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        TestClock::now(self)
    }
    fn sleep(
        &self,
        d: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        self.sleeps.lock().unwrap().push(d);
        self.advance(chrono::Duration::from_std(d).unwrap());
        Box::pin(std::future::ready(()))
    }
}

pub mod github_app;
