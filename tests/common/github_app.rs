//! A GitHub stand-in for App authentication on loopback: it verifies every
//! App JWT's RS256 signature with the App's public key and checks its claims
//! against its own clock the way GitHub does (with GitHub's messages and a
//! `Date` header), looks up installations, mints installation tokens that
//! expire, and serves the grants listing in pages only to a live token.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const APP_ID: u64 = 12345;
pub const CLIENT_ID: &str = "Iv23liTestClient";
pub const INSTALLATION_ID: i64 = 77;

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

pub fn fixture_path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The lines of a PEM file that carry key material (not the armour).
pub fn key_lines(pem: &str) -> Vec<String> {
    pem.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----") && !l.contains(':'))
        .map(str::to_string)
        .collect()
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

/// Where GitHub's clock is: the test clock plus a skew, or the real time.
#[derive(Clone)]
pub enum ServerClock {
    Test(TestClock),
    System,
}

/// What the stand-in knows and has seen.
pub struct State {
    public_key: Vec<u8>,
    pub issuer: String,
    clock: ServerClock,
    /// GitHub's clock minus the test clock, in seconds.
    pub skew: Mutex<i64>,
    /// Organization login to installation ID.
    pub installations: Mutex<HashMap<String, i64>>,
    /// Tokens minted so far, with their expiry (GitHub's clock).
    pub tokens: Mutex<Vec<(String, DateTime<Utc>)>>,
    pub revoked: Mutex<HashSet<String>>,
    /// Every installation token is refused (401).
    pub refuse_all_tokens: Mutex<bool>,
    /// The first N uses of each freshly minted token are refused (401).
    pub lag: AtomicUsize,
    lag_seen: Mutex<HashMap<String, usize>>,
    /// The next N mints answer 500.
    pub failing_mints: AtomicUsize,
    pub mint_attempts: AtomicUsize,
    pub mint_bodies: Mutex<Vec<Value>>,
    pub lookups: AtomicUsize,
    pub jwt_rejections: AtomicUsize,
    /// Every JWT that passed, with its claims.
    pub jwts: Mutex<Vec<(String, Value)>>,
    /// (page, token) of each served page of grants.
    pub pages: Mutex<Vec<(u32, String)>>,
    /// Pages of the grants listing (one grant each).
    pub page_count: u32,
    /// Where `next` links point; the stand-in's own origin unless changed.
    pub next_origin: Mutex<Option<String>>,
    prefix: String,
    origin: Mutex<String>,
}

impl State {
    fn now(&self) -> DateTime<Utc> {
        let base = match &self.clock {
            ServerClock::Test(c) => c.now(),
            ServerClock::System => Utc::now(),
        };
        base + chrono::Duration::seconds(*self.skew.lock().unwrap())
    }

    pub fn mints(&self) -> usize {
        self.tokens.lock().unwrap().len()
    }

    pub fn minted(&self, n: usize) -> String {
        self.tokens.lock().unwrap()[n].0.clone()
    }

    fn error(&self, status: u16, message: &str) -> ResponseTemplate {
        let date = self.now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        ResponseTemplate::new(status)
            .insert_header("date", date.as_str())
            .set_body_json(json!({
                "message": message,
                "documentation_url": "https://docs.github.com/rest",
                "status": status.to_string(),
            }))
    }

    fn bearer(request: &Request) -> Option<String> {
        let value = request.headers.get("authorization")?.to_str().ok()?;
        value.strip_prefix("Bearer ").map(str::to_string)
    }

    /// GitHub's JWT checks, with its messages.
    fn check_jwt(&self, request: &Request) -> Result<(), Box<ResponseTemplate>> {
        let bad = |m: &str| Err(Box::new(self.error(401, m)));
        let Some(jwt) = Self::bearer(request) else {
            return bad("Requires authentication");
        };
        let parts: Vec<&str> = jwt.split('.').collect();
        if parts.len() != 3 {
            return bad("A JSON web token could not be decoded");
        }
        let Ok(signature) = URL_SAFE_NO_PAD.decode(parts[2]) else {
            return bad("A JSON web token could not be decoded");
        };
        let signed = format!("{}.{}", parts[0], parts[1]);
        if UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.public_key)
            .verify(signed.as_bytes(), &signature)
            .is_err()
        {
            return bad("A JSON web token could not be decoded");
        }
        let decode = |p: &str| -> Option<Value> {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).ok()?).ok()
        };
        let (Some(header), Some(claims)) = (decode(parts[0]), decode(parts[1])) else {
            return bad("A JSON web token could not be decoded");
        };
        if header != json!({"alg": "RS256", "typ": "JWT"}) {
            return bad("A JSON web token could not be decoded");
        }
        let (Some(iat), Some(exp)) = (claims["iat"].as_i64(), claims["exp"].as_i64()) else {
            return bad(
                "'Issued at' claim ('iat') must be an Integer representing a time in the past",
            );
        };
        if claims["iss"].as_str() != Some(self.issuer.as_str()) {
            return bad("A JSON web token could not be decoded");
        }
        let now = self.now().timestamp();
        let message = if exp <= now {
            Some(
                "'Expiration time' claim ('exp') must be a numeric value representing the future time",
            )
        } else if exp > now + 600 {
            Some("'Expiration time' claim ('exp') is too far in the future")
        } else if iat > now {
            Some("'Issued at' claim ('iat') must be an Integer representing a time in the past")
        } else {
            None
        };
        if let Some(m) = message {
            self.jwt_rejections.fetch_add(1, Ordering::SeqCst);
            return bad(m);
        }
        self.jwts.lock().unwrap().push((jwt, claims));
        Ok(())
    }

    fn check_token(&self, request: &Request) -> Result<String, Box<ResponseTemplate>> {
        let bad = || Err(Box::new(self.error(401, "Bad credentials")));
        let Some(token) = Self::bearer(request) else {
            return Err(Box::new(self.error(401, "Requires authentication")));
        };
        let expires = self
            .tokens
            .lock()
            .unwrap()
            .iter()
            .find(|(t, _)| *t == token)
            .map(|(_, e)| *e);
        let Some(expires) = expires else { return bad() };
        if expires <= self.now()
            || self.revoked.lock().unwrap().contains(&token)
            || *self.refuse_all_tokens.lock().unwrap()
        {
            return bad();
        }
        let mut seen = self.lag_seen.lock().unwrap();
        let uses = seen.entry(token.clone()).or_default();
        *uses += 1;
        if *uses <= self.lag.load(Ordering::SeqCst) {
            return bad();
        }
        Ok(token)
    }

    fn mint(&self, request: &Request, installation: i64) -> ResponseTemplate {
        if let Err(r) = self.check_jwt(request) {
            return *r;
        }
        self.mint_attempts.fetch_add(1, Ordering::SeqCst);
        if !self
            .installations
            .lock()
            .unwrap()
            .values()
            .any(|i| *i == installation)
        {
            return self.error(404, "Not Found");
        }
        if self
            .failing_mints
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return self.error(500, "Server Error");
        }
        self.mint_bodies
            .lock()
            .unwrap()
            .push(serde_json::from_slice(&request.body).unwrap_or(Value::Null));
        let mut tokens = self.tokens.lock().unwrap();
        let token = format!("ghs_minted{}_{}", tokens.len() + 1, "x".repeat(30));
        let expires_at = self.now() + chrono::Duration::hours(1);
        tokens.push((token.clone(), expires_at));
        let mut body = example("installation-token");
        body["token"] = json!(token);
        body["expires_at"] = json!(expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        ResponseTemplate::new(201).set_body_json(body)
    }

    fn grants_page(&self, request: &Request) -> ResponseTemplate {
        let token = match self.check_token(request) {
            Ok(t) => t,
            Err(r) => return *r,
        };
        let page: u32 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        self.pages.lock().unwrap().push((page, token));
        let mut response = ResponseTemplate::new(200)
            .set_body_json(json!([crate::common::grant(u64::from(page))]));
        if page < self.page_count {
            let origin = self
                .next_origin
                .lock()
                .unwrap()
                .clone()
                .unwrap_or_else(|| self.origin.lock().unwrap().clone());
            response = response.insert_header(
                "link",
                format!(
                    "<{origin}{}/organizations/652551/personal-access-tokens?page={}>; rel=\"next\"",
                    self.prefix,
                    page + 1
                )
                .as_str(),
            );
        }
        response
    }
}

pub fn example(name: &str) -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.json")).unwrap();
    let spec: Value = serde_json::from_str(&text).unwrap();
    spec["components"]["examples"][name]["value"].clone()
}

struct Router(Arc<State>);

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let state = &self.0;
        let Some(path) = request.url.path().strip_prefix(state.prefix.as_str()) else {
            return state.error(404, "Not Found");
        };
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["orgs", org, "installation"]) => {
                if let Err(r) = state.check_jwt(request) {
                    return *r;
                }
                state.lookups.fetch_add(1, Ordering::SeqCst);
                let id = state.installations.lock().unwrap().get(*org).copied();
                match id {
                    Some(id) => {
                        let mut body = example("installation");
                        body["id"] = json!(id);
                        ResponseTemplate::new(200).set_body_json(body)
                    }
                    None => state.error(404, "Not Found"),
                }
            }
            ("GET", ["app", "installations"]) => {
                if let Err(r) = state.check_jwt(request) {
                    return *r;
                }
                let page: u32 = request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == "page")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(1);
                let mut item = example("base-installation-items")[0].clone();
                item["id"] = json!(page);
                let mut response = ResponseTemplate::new(200).set_body_json(json!([item]));
                if page < 2 {
                    let origin = state
                        .next_origin
                        .lock()
                        .unwrap()
                        .clone()
                        .unwrap_or_else(|| state.origin.lock().unwrap().clone());
                    response = response.insert_header(
                        "link",
                        format!(
                            "<{origin}{}/app/installations?page=2>; rel=\"next\"",
                            state.prefix
                        )
                        .as_str(),
                    );
                }
                response
            }
            ("POST", ["app", "installations", id, "access_tokens"]) => match id.parse() {
                Ok(id) => state.mint(request, id),
                Err(_) => state.error(404, "Not Found"),
            },
            ("GET", ["orgs", _, "personal-access-tokens"])
            | ("GET", ["organizations", _, "personal-access-tokens"]) => state.grants_page(request),
            _ => state.error(404, "Not Found"),
        }
    }
}

/// The stand-in and the clock it shares with the client under test.
pub struct FakeGitHub {
    pub server: MockServer,
    pub state: Arc<State>,
    pub clock: TestClock,
}

impl FakeGitHub {
    /// An App with ID [`APP_ID`] installed on `acme` as [`INSTALLATION_ID`].
    pub async fn start() -> Self {
        Self::with(APP_ID.to_string(), "", 1, false).await
    }

    pub async fn with(issuer: String, prefix: &str, page_count: u32, system_clock: bool) -> Self {
        let pem = fixture("app-key-public.pem");
        let public_key = STANDARD.decode(key_lines(&pem).concat()).unwrap();
        let clock = TestClock::new();
        let state = Arc::new(State {
            public_key,
            issuer,
            clock: if system_clock {
                ServerClock::System
            } else {
                ServerClock::Test(clock.clone())
            },
            skew: Mutex::new(0),
            installations: Mutex::new(HashMap::from([("acme".to_string(), INSTALLATION_ID)])),
            tokens: Mutex::default(),
            revoked: Mutex::default(),
            refuse_all_tokens: Mutex::new(false),
            lag: AtomicUsize::new(0),
            lag_seen: Mutex::default(),
            failing_mints: AtomicUsize::new(0),
            mint_attempts: AtomicUsize::new(0),
            mint_bodies: Mutex::default(),
            lookups: AtomicUsize::new(0),
            jwt_rejections: AtomicUsize::new(0),
            jwts: Mutex::default(),
            pages: Mutex::default(),
            page_count,
            next_origin: Mutex::new(None),
            prefix: prefix.to_string(),
            origin: Mutex::new(String::new()),
        });
        let server = MockServer::start().await;
        *state.origin.lock().unwrap() = server.uri();
        Mock::given(any())
            .respond_with(Router(state.clone()))
            .mount(&server)
            .await;
        Self {
            server,
            state,
            clock,
        }
    }

    /// The base URL clients use (with the GHES prefix, if any).
    pub fn base_url(&self) -> String {
        format!("{}{}", self.server.uri(), self.state.prefix)
    }

    /// Paths of the requests received, in order, with their methods.
    pub async fn requests(&self) -> Vec<String> {
        self.server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| format!("{} {}", r.method, r.url.path()))
            .collect()
    }
}
