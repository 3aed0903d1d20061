//! Helpers shared by the client tests: GitHub-shaped payloads and clients
//! pointed at a loopback server.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use github_pat_grants::{Client, RetryPolicy};
use serde_json::{Value, json};

pub const TOKEN: &str = "ghs_s3cr3t_t0k3n_value";

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

/// A client that retries as `policy` says.
pub fn retrying(base: &str, policy: RetryPolicy) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(base)
        .retry(policy)
        .build()
        .unwrap()
}

/// A retry policy on a virtual clock: waits are recorded, not slept.
pub fn virtual_retry(attempts: u32) -> (RetryPolicy, Arc<Mutex<Vec<Duration>>>) {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let recorder = waits.clone();
    let policy = RetryPolicy::new().max_attempts(attempts).sleeper(move |d| {
        recorder.lock().unwrap().push(d);
        Box::pin(async {})
    });
    (policy, waits)
}

pub mod github_app;
