//! Helpers for the stand-in's own tests: plain HTTP requests (no GitHub SDK:
//! the stand-in is what SDKs are tested against) and App JWTs.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::sync::{Arc, Mutex};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, TimeZone as _, Utc};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

pub const TOKEN: &str = "ghs_standin_test";

/// A response: status, headers, body as JSON (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The `Link` header's `rel` URLs, in order: `[("next", url), ...]`.
    pub fn links(&self) -> Vec<(String, String)> {
        self.header("link")
            .unwrap_or_default()
            .split(", ")
            .filter_map(|part| {
                let (url, rel) = part.split_once(">; rel=\"")?;
                Some((
                    rel.trim_end_matches('"').to_string(),
                    url.trim_start_matches('<').to_string(),
                ))
            })
            .collect()
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    Answer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

/// `GET url`, with `Authorization: Bearer credential` when given.
pub async fn get(url: &str, credential: Option<&str>) -> Answer {
    let mut request = reqwest::Client::new().get(url);
    if let Some(credential) = credential {
        request = request.bearer_auth(credential);
    }
    answer(request.send().await.unwrap()).await
}

/// `POST url` with a JSON body, with `Authorization: Bearer credential` when given.
pub async fn post(url: &str, credential: Option<&str>, body: &Value) -> Answer {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(credential) = credential {
        request = request.bearer_auth(credential);
    }
    answer(request.send().await.unwrap()).await
}

/// `DELETE url`, with `Authorization: Bearer credential` when given.
pub async fn delete(url: &str, credential: Option<&str>) -> Answer {
    let mut request = reqwest::Client::new().delete(url);
    if let Some(credential) = credential {
        request = request.bearer_auth(credential);
    }
    answer(request.send().await.unwrap()).await
}

/// A new App key pair and its public half as DER.
pub fn app_key() -> (KeyPair, Vec<u8>) {
    let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
    let public = pair.public_key().as_ref().to_vec();
    (pair, public)
}

/// An RS256 JWT with these claims, signed with `pair`.
pub fn jwt(pair: &KeyPair, claims: &Value) -> String {
    jwt_with_header(pair, &json!({"alg": "RS256", "typ": "JWT"}), claims)
}

/// A JWT with this header and these claims, signed RS256 with `pair`
/// (whatever the header's `alg` says).
pub fn jwt_with_header(pair: &KeyPair, header: &Value, claims: &Value) -> String {
    let mut jwt = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut signature = vec![0; pair.public_modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        jwt.as_bytes(),
        &mut signature,
    )
    .unwrap();
    jwt.push('.');
    jwt.push_str(&URL_SAFE_NO_PAD.encode(signature));
    jwt
}

/// A JWT as GitHub asks an App to make one at `now`: issued a minute ago,
/// expiring nine minutes from now, issued by `iss`.
pub fn app_jwt(pair: &KeyPair, iss: Value, now: DateTime<Utc>) -> String {
    let iat = now.timestamp() - 60;
    jwt(pair, &json!({"iss": iss, "iat": iat, "exp": iat + 600}))
}

/// A clock the test moves; the stand-in reads it.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn new() -> Self {
        TestClock(Arc::new(Mutex::new(
            Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
        )))
    }

    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }

    pub fn advance(&self, by: TimeDelta) {
        *self.0.lock().unwrap() += by;
    }

    /// The clock as the stand-in takes it.
    pub fn source(&self) -> impl Fn() -> DateTime<Utc> + Send + Sync + 'static {
        let clock = self.clone();
        move || clock.now()
    }
}

/// `PATCH url` with a JSON body, with `Authorization: Bearer credential` when given.
pub async fn patch(url: &str, credential: Option<&str>, body: &Value) -> Answer {
    let mut request = reqwest::Client::new()
        .patch(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(credential) = credential {
        request = request.bearer_auth(credential);
    }
    answer(request.send().await.unwrap()).await
}
