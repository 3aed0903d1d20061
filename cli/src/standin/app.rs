//! The stand-in's GitHub App side: the three endpoints an App uses to reach
//! an organization, authenticated the way GitHub authenticates them.
//!
//! - `GET /orgs/{org}/installation` and `GET /app/installations` (pages with
//!   `Link` headers) take the App's JWT;
//! - `POST /app/installations/{installation_id}/access_tokens` takes the JWT
//!   and mints an installation token that expires an hour later;
//! - the listings then take only a token minted here, and only for an
//!   organization of the installation it was minted for.
//!
//! A JWT passes when its RS256 signature verifies with the App's public key
//! and its claims are what GitHub requires: `iss` the App ID or client ID,
//! integer `iat` in the past, `exp` in the future and at most ten minutes
//! away. Refusals carry GitHub's messages, and every response has a `Date`
//! header (hyper adds it), from which the SDK corrects clock skew.
//!
//! JWTs and tokens are checked against the real clock, not the stand-in's
//! [`now`](super::StandIn::now): the client signs with the real clock, and
//! `now` only places the grants' dates.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, anyhow, bail};
use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde_json::{Value, json};

use super::{Inner, common_headers, error, mix, record};

/// GitHub's documentation for the App endpoints, as its error bodies cite it.
const APPS_DOCS: &str = "https://docs.github.com/rest/apps/apps";

/// What GitHub answers for a JWT it cannot use: a bad signature, header or issuer.
const UNDECODABLE: &str = "A JSON web token could not be decoded";

/// A GitHub App the stand-in knows: who it is, the public half of its key,
/// and where it is installed.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// The numeric App ID; a JWT's `iss` may be this (as a number or a string)...
    pub app_id: u64,
    /// ... or the App's client ID.
    pub client_id: String,
    /// The App's public key as DER, PKCS#1 `RSAPublicKey` or X.509
    /// `SubjectPublicKeyInfo`: App JWTs are verified with it.
    pub public_key: Vec<u8>,
    /// Where the App is installed, in the order `GET /app/installations` lists them.
    pub installations: Vec<InstallationConfig>,
    /// Installations per page at most, whatever `per_page` asks; GitHub's
    /// ceiling is 100, and tests lower it to make the listing page.
    pub page_size: usize,
}

/// One installation of the App.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstallationConfig {
    /// The installation's ID.
    pub id: i64,
    /// The account's login.
    pub account: String,
    /// What the account is.
    pub kind: AccountKind,
    /// Suspended by the account's owner: GitHub refuses to mint tokens for it.
    pub suspended: bool,
}

/// The kind of account an App is installed on (`target_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccountKind {
    /// An organization: it has fine-grained token grants.
    Organization,
    /// A user account.
    User,
}

impl AccountKind {
    fn target_type(self) -> &'static str {
        match self {
            AccountKind::Organization => "Organization",
            AccountKind::User => "User",
        }
    }
}

impl AppConfig {
    /// An App installed nowhere yet.
    pub fn new(app_id: u64, client_id: impl Into<String>, public_key: Vec<u8>) -> Self {
        AppConfig {
            app_id,
            client_id: client_id.into(),
            public_key,
            installations: Vec::new(),
            page_size: 100,
        }
    }

    /// Installs the App on an organization.
    pub fn installed_on(self, installation_id: i64, org: impl Into<String>) -> Self {
        self.install(installation_id, org, AccountKind::Organization, false)
    }

    /// Installs the App on a user account.
    pub fn installed_on_user(self, installation_id: i64, login: impl Into<String>) -> Self {
        self.install(installation_id, login, AccountKind::User, false)
    }

    /// Adds an installation.
    pub fn install(
        mut self,
        installation_id: i64,
        account: impl Into<String>,
        kind: AccountKind,
        suspended: bool,
    ) -> Self {
        self.installations.push(InstallationConfig {
            id: installation_id,
            account: account.into(),
            kind,
            suspended,
        });
        self
    }

    fn installation(&self, id: i64) -> Option<&InstallationConfig> {
        self.installations.iter().find(|i| i.id == id)
    }
}

/// Reads a public key from PEM: `RSA PUBLIC KEY` (PKCS#1, what
/// `openssl rsa -RSAPublicKey_out` writes) or `PUBLIC KEY` (X.509).
///
/// # Errors
/// Not one of those PEM blocks.
pub fn public_key_from_pem(pem: &str) -> anyhow::Result<Vec<u8>> {
    let pem = pem.trim();
    if !(pem.starts_with("-----BEGIN RSA PUBLIC KEY-----")
        || pem.starts_with("-----BEGIN PUBLIC KEY-----"))
    {
        bail!("expected a PEM public key (BEGIN RSA PUBLIC KEY or BEGIN PUBLIC KEY)");
    }
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----"))
        .collect();
    STANDARD
        .decode(body)
        .context("the public key's PEM body is not base64")
}

/// An RSA key made at run time for `pat-audit demo`'s App: it is never
/// registered with GitHub and is gone when the process ends.
///
/// aws-lc-rs writes private keys as PKCS#8 only (GitHub hands out PKCS#1);
/// the SDK reads both.
pub struct ThrowawayKey {
    pem: String,
    public_key: Vec<u8>,
}

impl fmt::Debug for ThrowawayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Throwaway or not, a private key stays out of formatted output.
        f.write_str("ThrowawayKey { .. }")
    }
}

impl ThrowawayKey {
    /// A new 2048-bit key, the size GitHub's App keys have.
    ///
    /// # Errors
    /// When the crypto library fails to make or encode one.
    pub fn generate() -> anyhow::Result<Self> {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| anyhow!("making a throwaway RSA key failed"))?;
        Self::from_pair(&pair)
    }

    fn from_pair(pair: &KeyPair) -> anyhow::Result<Self> {
        let der = pair
            .as_der()
            .map_err(|_| anyhow!("encoding the throwaway RSA key failed"))?;
        let body = STANDARD.encode(der.as_ref());
        let mut pem = String::with_capacity(body.len() + body.len() / 64 + 64);
        pem.push_str("-----BEGIN PRIVATE KEY-----\n");
        for line in body.as_bytes().chunks(64) {
            // Base64 is ASCII, so every chunk is valid UTF-8.
            pem.push_str(std::str::from_utf8(line).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END PRIVATE KEY-----\n");
        Ok(ThrowawayKey {
            pem,
            public_key: pair.public_key().as_ref().to_vec(),
        })
    }

    /// The private key as PKCS#8 PEM, for `AppCredentials::from_pem`.
    pub fn private_key_pem(&self) -> &str {
        &self.pem
    }

    /// The public key as DER `RSAPublicKey`, for [`AppConfig::public_key`].
    pub fn public_key(&self) -> &[u8] {
        &self.public_key
    }
}

/// What the stand-in's App endpoints have seen, for tests and the demo.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppActivity {
    /// App JWTs whose signature and claims passed.
    pub jwts_accepted: usize,
    /// App JWTs refused (signature, issuer or times).
    pub jwts_rejected: usize,
    /// `GET /orgs/{org}/installation` answered with an installation.
    pub lookups: usize,
    /// Installation tokens minted.
    pub tokens_minted: usize,
    /// Listing requests refused because their token was not one minted here
    /// or had expired.
    pub tokens_rejected: usize,
}

/// A minted installation token.
#[derive(Debug)]
struct Minted {
    installation: i64,
    expires_at: DateTime<Utc>,
}

/// The App side's state.
#[derive(Debug, Default)]
pub(super) struct AppState {
    tokens: Mutex<HashMap<String, Minted>>,
    jwts_accepted: AtomicUsize,
    jwts_rejected: AtomicUsize,
    lookups: AtomicUsize,
    tokens_minted: AtomicUsize,
    tokens_rejected: AtomicUsize,
}

impl AppState {
    pub(super) fn activity(&self) -> AppActivity {
        let n = |c: &AtomicUsize| c.load(Ordering::Relaxed);
        AppActivity {
            jwts_accepted: n(&self.jwts_accepted),
            jwts_rejected: n(&self.jwts_rejected),
            lookups: n(&self.lookups),
            tokens_minted: n(&self.tokens_minted),
            tokens_rejected: n(&self.tokens_rejected),
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// Why the stand-in refuses a request's credentials, as GitHub would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// 401 with GitHub's message.
    Unauthorized(&'static str),
    /// 404: the stand-in plays no App, so it has no App endpoints.
    NoApp,
}

impl Refusal {
    /// GitHub's response for the refusal.
    pub(super) fn response(self, s: &Inner) -> Response {
        match self {
            Refusal::Unauthorized(message) => error(
                s,
                StatusCode::UNAUTHORIZED,
                message,
                "https://docs.github.com/rest",
                false,
            ),
            Refusal::NoApp => not_found(s),
        }
    }
}

/// GitHub's checks of an App JWT as of `now` (Unix seconds); `Err` is
/// GitHub's message.
fn check_jwt(app: &AppConfig, jwt: &str, now: i64) -> Result<(), &'static str> {
    let mut parts = jwt.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(UNDECODABLE);
    };
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| UNDECODABLE)?;
    let signed = &jwt[..header.len() + 1 + claims.len()];
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &app.public_key)
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| UNDECODABLE)?;
    let decode = |part: &str| -> Option<Value> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
    };
    let (Some(header), Some(claims)) = (decode(header), decode(claims)) else {
        return Err(UNDECODABLE);
    };
    if header["alg"] != "RS256" {
        return Err(UNDECODABLE);
    }
    let issuer_ok = match &claims["iss"] {
        Value::String(iss) => *iss == app.client_id || *iss == app.app_id.to_string(),
        Value::Number(iss) => iss.as_u64() == Some(app.app_id),
        _ => false,
    };
    if !issuer_ok {
        return Err(UNDECODABLE);
    }
    let (Some(iat), Some(exp)) = (claims["iat"].as_i64(), claims["exp"].as_i64()) else {
        return Err("'Issued at' claim ('iat') must be an Integer representing a time in the past");
    };
    if exp <= now {
        Err("'Expiration time' claim ('exp') must be a numeric value representing the future time")
    } else if exp > now + 600 || exp - iat > 600 {
        Err("'Expiration time' claim ('exp') is too far in the future")
    } else if iat > now {
        Err("'Issued at' claim ('iat') must be an Integer representing a time in the past")
    } else {
        Ok(())
    }
}

/// The App, when the request carries a JWT it accepts.
fn authenticate_app<'s>(s: &'s Inner, headers: &HeaderMap) -> Result<&'s AppConfig, Refusal> {
    let Some(app) = &s.config.app else {
        return Err(Refusal::NoApp);
    };
    let Some(jwt) = bearer(headers) else {
        return Err(Refusal::Unauthorized("Requires authentication"));
    };
    match check_jwt(app, jwt, Utc::now().timestamp()) {
        Ok(()) => {
            s.app.jwts_accepted.fetch_add(1, Ordering::Relaxed);
            Ok(app)
        }
        Err(message) => {
            s.app.jwts_rejected.fetch_add(1, Ordering::Relaxed);
            Err(Refusal::Unauthorized(message))
        }
    }
}

/// Who may call a listing: `Ok(Some(installation))` for a token this
/// stand-in minted and that has not expired, `Ok(None)` for the static token
/// (or anyone, when neither an App nor a token is configured). With an
/// App, only minted tokens pass.
pub(super) fn authorize_listing(s: &Inner, headers: &HeaderMap) -> Result<Option<i64>, Refusal> {
    const BAD_CREDENTIALS: Refusal = Refusal::Unauthorized("Bad credentials");
    if s.config.app.is_some() {
        let minted = bearer(headers).and_then(|token| {
            let tokens = s.app.tokens.lock().ok()?;
            let minted = tokens.get(token)?;
            (minted.expires_at > Utc::now()).then_some(minted.installation)
        });
        return match minted {
            Some(installation) => Ok(Some(installation)),
            None => {
                s.app.tokens_rejected.fetch_add(1, Ordering::Relaxed);
                Err(BAD_CREDENTIALS)
            }
        };
    }
    match &s.config.token {
        Some(token) if bearer(headers) != Some(token.as_str()) => Err(BAD_CREDENTIALS),
        _ => Ok(None),
    }
}

/// Whether a token minted for `installation` may read `org`'s listings.
pub(super) fn installation_covers(s: &Inner, installation: i64, org: &str) -> bool {
    s.config
        .app
        .as_ref()
        .and_then(|app| app.installation(installation))
        .is_some_and(|i| i.kind == AccountKind::Organization && i.account.eq_ignore_ascii_case(org))
}

fn not_found(s: &Inner) -> Response {
    error(s, StatusCode::NOT_FOUND, "Not Found", APPS_DOCS, false)
}

fn json_response(s: &Inner, status: StatusCode, body: &Value, link: Option<String>) -> Response {
    let mut headers = common_headers(s, false);
    if let Some(link) = link
        && let Ok(value) = HeaderValue::from_str(&link)
    {
        headers.insert("link", value);
    }
    (status, headers, body.to_string()).into_response()
}

async fn latency(s: &Inner) {
    if !s.config.latency.is_zero() {
        tokio::time::sleep(s.config.latency).await;
    }
}

/// `GET /orgs/{org}/installation`.
pub(super) async fn org_installation(
    State(s): State<Arc<Inner>>,
    Path(org): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    record(&s, &uri);
    latency(&s).await;
    let app = match authenticate_app(&s, &headers) {
        Ok(app) => app,
        Err(refusal) => return refusal.response(&s),
    };
    let found = app
        .installations
        .iter()
        .find(|i| i.kind == AccountKind::Organization && i.account.eq_ignore_ascii_case(&org));
    match found {
        Some(installation) => {
            s.app.lookups.fetch_add(1, Ordering::Relaxed);
            let body = installation_json(&s, app, installation);
            json_response(&s, StatusCode::OK, &body, None)
        }
        None => not_found(&s),
    }
}

/// `GET /app/installations`, `per_page`/`page` with GitHub's `Link` header.
pub(super) async fn list_installations(
    State(s): State<Arc<Inner>>,
    uri: Uri,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    record(&s, &uri);
    latency(&s).await;
    let app = match authenticate_app(&s, &headers) {
        Ok(app) => app,
        Err(refusal) => return refusal.response(&s),
    };
    let (mut per_page, mut page) = (30usize, 1usize);
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "per_page" => per_page = v.parse::<usize>().unwrap_or(30).clamp(1, 100),
            "page" => page = v.parse::<usize>().unwrap_or(1).max(1),
            _ => {}
        }
    }
    // The links carry the `per_page` asked for, as GitHub's carry the query.
    let asked = per_page;
    let per_page = per_page.min(app.page_size.max(1));
    let items: Vec<Value> = app
        .installations
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|i| installation_json(&s, app, i))
        .collect();
    let pages = app.installations.len().div_ceil(per_page).max(1);
    let base = s.base_url.get().map(String::as_str).unwrap_or_default();
    let url = |n: usize| format!("<{base}/app/installations?per_page={asked}&page={n}>");
    let mut links = Vec::new();
    if page < pages {
        links.push(format!("{}; rel=\"next\"", url(page + 1)));
        links.push(format!("{}; rel=\"last\"", url(pages)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", url(page - 1)));
        links.push(format!("{}; rel=\"first\"", url(1)));
    }
    let link = (!links.is_empty()).then(|| links.join(", "));
    json_response(&s, StatusCode::OK, &Value::Array(items), link)
}

/// `POST /app/installations/{installation_id}/access_tokens`: a token for
/// the installation, expiring an hour from now.
pub(super) async fn mint_token(
    State(s): State<Arc<Inner>>,
    Path(installation_id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    record(&s, &uri);
    latency(&s).await;
    let app = match authenticate_app(&s, &headers) {
        Ok(app) => app,
        Err(refusal) => return refusal.response(&s),
    };
    let Some(installation) = installation_id
        .parse()
        .ok()
        .and_then(|id| app.installation(id))
    else {
        return not_found(&s);
    };
    if installation.suspended {
        return error(
            &s,
            StatusCode::FORBIDDEN,
            "This installation has been suspended",
            APPS_DOCS,
            false,
        );
    }
    let expires_at = Utc::now() + TimeDelta::hours(1);
    let token = {
        let Ok(mut tokens) = s.app.tokens.lock() else {
            return error(
                &s,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Server Error",
                APPS_DOCS,
                false,
            );
        };
        // GitHub's installation tokens are `ghs_` and 36 characters; these
        // differ between runs (the seed is the stand-in's start) and mints.
        let n = tokens.len() as u64 + 1;
        let token = format!(
            "ghs_{:016x}{:016x}{:04}",
            mix(s.reset as u64 ^ n),
            mix(!(s.reset as u64) ^ n),
            n % 10_000
        );
        tokens.insert(
            token.clone(),
            Minted {
                installation: installation.id,
                expires_at,
            },
        );
        token
    };
    s.app.tokens_minted.fetch_add(1, Ordering::Relaxed);
    let body = json!({
        "token": token,
        "expires_at": expires_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "permissions": {
            "organization_personal_access_tokens": "read",
            "organization_personal_access_token_requests": "read",
        },
        "repository_selection": "all",
    });
    json_response(&s, StatusCode::CREATED, &body, None)
}

/// An installation as GitHub's JSON (`installation`).
fn installation_json(s: &Inner, app: &AppConfig, installation: &InstallationConfig) -> Value {
    let login = installation.account.as_str();
    // The organization's own id when the stand-in serves it; a stable one otherwise.
    let account_id = s
        .config
        .orgs
        .iter()
        .find(|o| o.login.eq_ignore_ascii_case(login))
        .map_or_else(
            || {
                login
                    .bytes()
                    .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
                    % 10_000_000
            },
            |o| o.id,
        );
    let kind = installation.kind.target_type();
    let api = match installation.kind {
        AccountKind::Organization => format!("https://api.github.com/orgs/{login}"),
        AccountKind::User => format!("https://api.github.com/users/{login}"),
    };
    let user_api = format!("https://api.github.com/users/{login}");
    let base = s.base_url.get().map(String::as_str).unwrap_or_default();
    let installed = s.config.now - TimeDelta::days(400);
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let id = installation.id;
    json!({
        "id": id,
        "account": {
            "login": login,
            "id": account_id,
            "node_id": format!("MDEyOk9yZ2FuaXphdGlvbj{account_id}"),
            "avatar_url": format!("https://avatars.githubusercontent.com/u/{account_id}?v=4"),
            "gravatar_id": "",
            "url": api,
            "html_url": format!("https://github.com/{login}"),
            "followers_url": format!("{user_api}/followers"),
            "following_url": format!("{user_api}/following{{/other_user}}"),
            "gists_url": format!("{user_api}/gists{{/gist_id}}"),
            "starred_url": format!("{user_api}/starred{{/owner}}{{/repo}}"),
            "subscriptions_url": format!("{user_api}/subscriptions"),
            "organizations_url": format!("{user_api}/orgs"),
            "repos_url": format!("{api}/repos"),
            "events_url": format!("{api}/events"),
            "received_events_url": format!("{user_api}/received_events"),
            "type": kind,
            "user_view_type": "public",
            "site_admin": false,
        },
        "repository_selection": "all",
        "access_tokens_url": format!("{base}/app/installations/{id}/access_tokens"),
        "repositories_url": format!("{base}/installation/repositories"),
        "html_url": format!("https://github.com/organizations/{login}/settings/installations/{id}"),
        "app_id": app.app_id,
        "client_id": app.client_id,
        "app_slug": "pat-audit-stand-in",
        "target_id": account_id,
        "target_type": kind,
        "permissions": {
            "organization_personal_access_tokens": "read",
            "organization_personal_access_token_requests": "read",
            "metadata": "read",
        },
        "events": [],
        "created_at": time(installed),
        "updated_at": time(installed),
        "single_file_name": null,
        "has_multiple_single_files": false,
        "single_file_paths": [],
        "suspended_at": installation.suspended.then(|| time(s.config.now - TimeDelta::days(1))),
        "suspended_by": null,
    })
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::RSA_PKCS1_SHA256;
    use futures::TryStreamExt as _;
    use github_pat_grants::{AppCredentials, Client, Paginated as _};
    use secrecy::ExposeSecret as _;

    use super::*;
    use crate::standin::{GrantSeed, OrgConfig, Source, StandIn, demo_now};

    fn sign(pair: &KeyPair, header: &Value, claims: &Value) -> String {
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

    #[test]
    fn jwts_are_checked_as_github_checks_them() {
        let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let other = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let app = AppConfig::new(4242, "Iv23liStandIn", pair.public_key().as_ref().to_vec());
        let now = 1_780_000_000;
        let rs256 = json!({"alg": "RS256", "typ": "JWT"});
        let claims = |iss: Value, iat: i64, exp: i64| json!({"iss": iss, "iat": iat, "exp": exp});
        let good = claims(json!("4242"), now - 60, now + 540);
        assert_eq!(check_jwt(&app, &sign(&pair, &rs256, &good), now), Ok(()));
        for iss in [json!(4242), json!("Iv23liStandIn")] {
            let jwt = sign(&pair, &rs256, &claims(iss, now - 60, now + 540));
            assert_eq!(check_jwt(&app, &jwt, now), Ok(()));
        }
        let cases = [
            (sign(&other, &rs256, &good), UNDECODABLE),
            (sign(&pair, &json!({"alg": "none"}), &good), UNDECODABLE),
            (
                sign(&pair, &rs256, &claims(json!("4243"), now - 60, now + 540)),
                UNDECODABLE,
            ),
            (
                sign(
                    &pair,
                    &rs256,
                    &claims(json!("Iv23liOther"), now - 60, now + 540),
                ),
                UNDECODABLE,
            ),
            (
                sign(&pair, &rs256, &claims(json!("4242"), now - 700, now)),
                "'Expiration time' claim ('exp') must be a numeric value representing the future time",
            ),
            (
                sign(&pair, &rs256, &claims(json!("4242"), now, now + 601)),
                "'Expiration time' claim ('exp') is too far in the future",
            ),
            (
                sign(&pair, &rs256, &claims(json!("4242"), now - 200, now + 500)),
                "'Expiration time' claim ('exp') is too far in the future",
            ),
            (
                sign(&pair, &rs256, &claims(json!("4242"), now + 30, now + 500)),
                "'Issued at' claim ('iat') must be an Integer representing a time in the past",
            ),
            (
                sign(
                    &pair,
                    &rs256,
                    &json!({"iss": "4242", "iat": "soon", "exp": now + 500}),
                ),
                "'Issued at' claim ('iat') must be an Integer representing a time in the past",
            ),
            ("not.a-jwt".to_string(), UNDECODABLE),
            ("a.b.c.d".to_string(), UNDECODABLE),
        ];
        for (jwt, message) in cases {
            assert_eq!(check_jwt(&app, &jwt, now), Err(message), "{jwt}");
        }
        // A signed JWT whose claims were changed afterwards.
        let jwt = sign(&pair, &rs256, &good);
        let mut parts: Vec<String> = jwt.split('.').map(str::to_string).collect();
        parts[1] = URL_SAFE_NO_PAD.encode(claims(json!("4242"), now - 60, now + 5_000).to_string());
        assert_eq!(check_jwt(&app, &parts.join("."), now), Err(UNDECODABLE));

        // The SDK's own JWT, from the PKCS#8 PEM the demo hands it.
        let key = ThrowawayKey::from_pair(&pair).unwrap();
        assert_eq!(format!("{key:?}"), "ThrowawayKey { .. }");
        let credentials = AppCredentials::from_pem(4242, key.private_key_pem()).unwrap();
        let jwt = credentials.jwt(Utc::now()).unwrap();
        assert_eq!(
            check_jwt(&app, jwt.expose_secret(), Utc::now().timestamp()),
            Ok(())
        );
        assert_eq!(
            public_key_from_pem(include_str!("../../tests/fixtures/app-key-public.pem"))
                .unwrap()
                .len(),
            270
        );
    }

    /// The SDK, as an App, against the stand-in: installations listed across
    /// pages, looked up by organization, tokens minted and accepted only for
    /// their own organization.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_sdk_authenticates_as_an_app_against_the_stand_in() {
        let key = ThrowawayKey::generate().unwrap();
        let mut standin = StandIn::new(
            vec![
                OrgConfig::new("acme", 1).grants(Source::List(vec![GrantSeed::new(1)])),
                OrgConfig::new("beta", 2).grants(Source::List(vec![GrantSeed::new(2)])),
            ],
            demo_now(),
        );
        let mut app = AppConfig::new(4242, "Iv23liStandIn", key.public_key().to_vec())
            .installed_on(11, "acme")
            .installed_on_user(12, "octocat")
            .install(13, "gamma", AccountKind::Organization, true)
            .installed_on(14, "beta");
        app.page_size = 3;
        standin.app = Some(app);
        let running = standin.start().await.unwrap();
        let client = Client::builder()
            .app(AppCredentials::from_pem("Iv23liStandIn", key.private_key_pem()).unwrap())
            .base_url(running.base_url())
            .build()
            .unwrap();

        let installations: Vec<_> = client.installations().try_collect().await.unwrap();
        let summary: Vec<_> = installations
            .iter()
            .map(|i| (i.id, i.target_type.as_str(), i.suspended_at.is_some()))
            .collect();
        assert_eq!(
            summary,
            [
                (11, "Organization", false),
                (12, "User", false),
                (13, "Organization", true),
                (14, "Organization", false)
            ]
        );
        assert!(
            running
                .requests()
                .contains(&"/app/installations?per_page=100&page=2".to_string()),
            "{:?}",
            running.requests()
        );

        let acme = client.for_org("acme").unwrap();
        let grants = acme
            .orgs()
            .list_pat_grants("acme")
            .collect_all()
            .await
            .unwrap();
        assert_eq!(grants.len(), 1);
        // A token of acme's installation does not open beta.
        let err = acme
            .orgs()
            .list_pat_grants("beta")
            .collect_all()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(403), "{err}");
        let beta = client.for_installation(14).unwrap();
        assert_eq!(
            beta.orgs()
                .list_pat_grants("beta")
                .collect_all()
                .await
                .unwrap()
                .len(),
            1
        );
        let suspended = client.for_installation(13).unwrap();
        let err = suspended
            .orgs()
            .list_pat_grants("gamma")
            .collect_all()
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("This installation has been suspended"),
            "{err}"
        );
        let missing = client.for_org("initech").unwrap();
        let err = missing
            .orgs()
            .list_pat_grants("initech")
            .collect_all()
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("not installed on the organization `initech`"),
            "{err}"
        );

        // The App-level client's JWT is not an installation token.
        let err = client
            .orgs()
            .list_pat_grants("acme")
            .collect_all()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(401), "{err}");
        let activity = running.app_activity();
        assert_eq!(activity.tokens_minted, 2, "{activity:?}");
        assert_eq!(activity.lookups, 1, "{activity:?}");
        assert_eq!(activity.jwts_rejected, 0, "{activity:?}");
        assert_eq!(activity.tokens_rejected, 1, "{activity:?}");
    }
}
