//! GitHub for the App authentication tests: the GitHub stand-in
//! (`github-standin`) on the client's clock, with the test App installed on
//! `acme`, and what the tests read from its request log.
//!
//! The stand-in verifies every App JWT's RS256 signature with the App's
//! public key and checks its claims against its own clock the way GitHub
//! does (with GitHub's messages and a `Date` header), looks up
//! installations, mints installation tokens that expire, and serves the
//! listings only to a live token of the organization's installation.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use github_standin::{App, Builder, Grant, Installation, Org, StandIn, public_key_from_pem};
use serde_json::Value;

use super::TestClock;

pub const APP_ID: u64 = 12345;
pub const CLIENT_ID: &str = "Iv23liTestClient";
pub const INSTALLATION_ID: i64 = 77;

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
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

/// The test App: App ID [`APP_ID`], client ID [`CLIENT_ID`], the fixture's
/// public key, installed on `acme` as [`INSTALLATION_ID`] (and on a user
/// account, so that its installations make two pages of one).
pub fn test_app() -> App {
    let public_key = public_key_from_pem(&fixture("app-key-public.pem")).unwrap();
    App::new(APP_ID, CLIENT_ID, public_key)
        .installed_on(INSTALLATION_ID, "acme")
        .install(Installation::user(INSTALLATION_ID + 100, "octocat"))
}

/// GitHub with the test App; `acme` (id 652551) has `pages` grants, one a
/// page (ids 1, 2, ...); `globex` and `initech` have one grant each and no
/// installation.
pub fn github(pages: i64) -> Builder {
    StandIn::builder()
        .app(test_app())
        .org(Org::new("acme", 652551).grants((1..=pages).map(Grant::new)))
        .org(Org::new("globex", 652552).grants([Grant::new(1)]))
        .org(Org::new("initech", 652553).grants([Grant::new(1)]))
        .max_per_page(1)
}

/// The stand-in serving as GitHub and the clock it shares with the client under test.
pub struct FakeGitHub {
    pub standin: StandIn,
    pub clock: TestClock,
}

impl FakeGitHub {
    /// [`github`] with one grant, on a new test clock.
    pub async fn start() -> Self {
        Self::with(github(1)).await
    }

    /// `github` on a new test clock.
    pub async fn with(github: Builder) -> Self {
        let clock = TestClock::new();
        let standin = github.clock(clock.source()).start().await.unwrap();
        Self { standin, clock }
    }

    /// `github` on the system clock (for a client in another process).
    pub async fn on_system_clock(github: Builder) -> Self {
        let standin = github.start().await.unwrap();
        Self {
            standin,
            clock: TestClock::new(),
        }
    }

    /// The base URL clients use (with the GHES prefix, if any).
    pub fn base_url(&self) -> String {
        self.standin.base_url().to_string()
    }

    /// The requests received, in order, as `METHOD path`.
    pub fn requests(&self) -> Vec<String> {
        self.standin
            .log()
            .iter()
            .map(|r| format!("{} {}", r.method(), r.path()))
            .collect()
    }

    /// Installation tokens minted so far.
    pub fn mints(&self) -> usize {
        self.standin.minted_tokens().len()
    }

    /// The `n`th token minted.
    pub fn minted(&self, n: usize) -> String {
        self.standin.minted_tokens()[n].token().to_string()
    }

    /// Mint requests received, refused or not.
    pub fn mint_attempts(&self) -> usize {
        self.mint_requests().len()
    }

    /// The bodies of the mint requests.
    pub fn mint_bodies(&self) -> Vec<Value> {
        self.mint_requests()
            .iter()
            .map(|r| r.json().unwrap_or(Value::Null))
            .collect()
    }

    fn mint_requests(&self) -> Vec<github_standin::LoggedRequest> {
        self.standin
            .log()
            .into_iter()
            .filter(|r| r.method() == "POST" && r.path().ends_with("/access_tokens"))
            .collect()
    }

    /// Organization installation lookups whose JWT passed.
    pub fn lookups(&self) -> usize {
        self.standin
            .log()
            .iter()
            .filter(|r| {
                r.path().ends_with("/installation") && r.caller() == github_standin::Caller::App
            })
            .count()
    }

    /// JWTs refused.
    pub fn jwt_rejections(&self) -> usize {
        self.standin.activity().jwts_rejected
    }

    /// Every JWT that passed, with its claims, in order.
    pub fn jwts(&self) -> Vec<(String, Value)> {
        self.standin
            .log()
            .iter()
            .filter(|r| r.caller() == github_standin::Caller::App)
            .filter_map(|r| {
                let jwt = r.bearer()?.to_string();
                let claims = URL_SAFE_NO_PAD.decode(jwt.split('.').nth(1)?).ok()?;
                Some((jwt, serde_json::from_slice(&claims).ok()?))
            })
            .collect()
    }

    /// (page, token) of each page of grants served.
    pub fn pages(&self) -> Vec<(u32, String)> {
        self.standin
            .log()
            .iter()
            .filter(|r| r.path().ends_with("/personal-access-tokens") && r.status() == 200)
            .map(|r| {
                let page = r
                    .query()
                    .unwrap_or_default()
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("page="))
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1);
                (page, r.bearer().unwrap_or_default().to_string())
            })
            .collect()
    }
}
