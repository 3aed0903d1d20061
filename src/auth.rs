//! Authentication at request time: a static token, an App JWT, or an
//! installation token minted (and renewed) with the App's JWT.
//!
//! Everything here runs inside the transport's send, around the request,
//! because that is where a rejected credential can be renewed and the request
//! sent again. Failures that happen before anything is sent (a mint that
//! failed) travel to the SDK's error layer as a marker in the extensions of a
//! response built here; the generated code hands that response on untouched.
//!
//! An installation client mints with the App-level side it was made from
//! ([`AppLevel`]: the App's JWT, the same connection pool and settings),
//! never with a generated client, so that this layer sits below the
//! generated code that uses it.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::ControlFlow::{self, Break, Continue};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use futures::FutureExt;
use progenitor_client::encode_path;
use reqwest::header::HeaderValue;
use reqwest::{Request, Response, StatusCode};
use secrecy::SecretString;

use crate::app::credentials::{TokenEntry, TokenKey};
use crate::app::jwt::{JWT_BACKDATE_SECS, JWT_LIFETIME_SECS};
use crate::app::{AppCredentials, TokenScope};
use crate::clock::Clock;
use crate::error::{self, AppAuthError, AppAuthErrorKind, AuthFailure, Error};
use crate::flights::{Flights, lock};
use crate::rate_limit::header_str;
use crate::settings::{Settings, set_bearer};
use crate::wire;

/// A JWT is signed again when less than this much of its life is left, so
/// that one never expires between signing and GitHub checking it.
const JWT_RENEW_BEFORE_SECS: i64 = 60;

/// A 401 this soon after minting is taken for GitHub not knowing the new
/// token everywhere yet, and the same token is tried again after
/// [`FRESH_TOKEN_WAITS`].
const FRESH_TOKEN_WINDOW: Duration = Duration::from_secs(5);
const FRESH_TOKEN_WAITS: [Duration; 3] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// How a client authenticates its requests.
#[derive(Clone)]
pub(crate) enum Auth {
    /// No `Authorization` header.
    None,
    /// The same bearer token on every request.
    Token(SecretString),
    /// An App JWT, signed by the client and renewed before it expires.
    App(Arc<AppAuth>),
    /// An installation token, minted with the App's JWT.
    Installation(Arc<InstallationAuth>),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets are left out entirely, not even their length.
        match self {
            Auth::None => f.write_str("None"),
            Auth::Token(_) => f.write_str("Token([redacted])"),
            Auth::App(app) => f
                .debug_struct("App")
                .field("issuer", app.credentials.issuer())
                .finish_non_exhaustive(),
            Auth::Installation(inst) => f
                .debug_struct("Installation")
                .field("issuer", inst.app.auth.credentials.issuer())
                .field("installation", &inst.target)
                .field("scope", &inst.scope)
                .finish_non_exhaustive(),
        }
    }
}

/// The App-level state shared by an App client, its clones and every
/// installation client made from them.
pub(crate) struct AppAuth {
    pub(crate) credentials: AppCredentials,
    /// Installation tokens are renewed when less than this is left.
    pub(crate) refresh_margin: Duration,
    /// GitHub's clock minus ours, in seconds, learnt from a JWT rejection.
    skew: AtomicI64,
    jwt: Mutex<Option<CachedJwt>>,
    /// Organization login (lower case) to installation ID.
    orgs: Flights<String, i64>,
}

struct CachedJwt {
    token: SecretString,
    exp: i64,
    skew: i64,
}

impl AppAuth {
    pub(crate) fn new(credentials: AppCredentials, refresh_margin: Duration) -> Self {
        Self {
            credentials,
            refresh_margin,
            skew: AtomicI64::new(0),
            jwt: Mutex::new(None),
            orgs: Flights::default(),
        }
    }

    /// Now on GitHub's clock, as far as this client knows it.
    fn github_now(&self, clock: &dyn Clock) -> DateTime<Utc> {
        clock.now() + chrono::Duration::seconds(self.skew.load(Ordering::Relaxed))
    }

    /// A JWT valid for at least another minute, and the skew it was signed with.
    fn jwt(&self, clock: &dyn Clock) -> Result<(SecretString, i64), Error> {
        let skew = self.skew.load(Ordering::Relaxed);
        let now = clock.now().timestamp() + skew;
        let mut cached = lock(&self.jwt);
        if let Some(c) = cached.as_ref()
            && c.skew == skew
            && c.exp - now > JWT_RENEW_BEFORE_SECS
            // A clock moved backwards would otherwise keep a JWT from the future.
            && c.exp - now <= JWT_LIFETIME_SECS - JWT_BACKDATE_SECS
        {
            return Ok((c.token.clone(), skew));
        }
        let (token, exp) = self.credentials.sign(now)?;
        *cached = Some(CachedJwt {
            token: token.clone(),
            exp,
            skew,
        });
        Ok((token, skew))
    }

    /// Sends `request` with the App JWT. When GitHub rejects the JWT because
    /// of time, the offset to GitHub's clock is taken from the response's
    /// `Date` header and kept, and the request is signed and sent once more;
    /// an offset over [`MAX_CLOCK_CORRECTION_SECS`] is refused instead.
    pub(crate) async fn execute(
        &self,
        http: &reqwest::Client,
        settings: &Settings,
        request: Request,
    ) -> reqwest::Result<Response> {
        let clock = &*settings.clock;
        let (jwt, signed_with) = match self.jwt(clock) {
            Ok(jwt) => jwt,
            Err(e) => return Ok(failure_response(AppAuthError::jwt(e))),
        };
        let renew =
            async |rejected, _: &Request| Ok(self.renew(rejected, signed_with, clock).await);
        send_renewing(http, settings, request, &jwt, None, renew).await
    }

    /// After a 401 to a JWT signed with the skew `signed_with`: a JWT signed
    /// on GitHub's clock when GitHub rejected the JWT's times, or the answer.
    async fn renew(&self, rejected: Response, signed_with: i64, clock: &dyn Clock) -> Renewed {
        let (response, body) = wire::buffered(rejected).await;
        let github_now = header_str(response.headers(), "date")
            .and_then(|date| DateTime::parse_from_rfc2822(date).ok());
        let Some(github_now) = github_now.filter(|_| is_jwt_time_rejection(&body)) else {
            return Break(response);
        };
        let skew = match clock_correction(github_now.with_timezone(&Utc), clock.now()) {
            Ok(skew) => skew,
            Err(e) => return Break(failure_response(e)),
        };
        if skew == signed_with {
            // Signing again would give GitHub the same times it just refused.
            return Break(response);
        }
        self.skew.store(skew, Ordering::Relaxed);
        self.jwt(clock).map_or_else(
            |e| Break(failure_response(AppAuthError::jwt(e))),
            |(jwt, _)| Continue(jwt),
        )
    }
}

/// After a 401: the credential to send the request again with, or the
/// answer to give (GitHub's, or the failure to renew).
type Renewed = ControlFlow<Response, SecretString>;

/// The one "send, renew the credential on a 401, send again" of both App
/// authentications: sends `request` with `credential`; when GitHub answers
/// 401 and the request can be sent again (its body is not a stream),
/// `renew` looks at the answer (and may send the spare itself) and gives a
/// new credential to send it once more with, marking a 401 to that with
/// `rejected`, or the answer to give.
async fn send_renewing(
    http: &reqwest::Client,
    settings: &Settings,
    request: Request,
    credential: &SecretString,
    rejected: Option<AuthFailure>,
    renew: impl AsyncFnOnce(Response, &Request) -> reqwest::Result<Renewed>,
) -> reqwest::Result<Response> {
    let spare = request.try_clone();
    let response = send_with(http, settings, request, credential).await?;
    let spare = match spare {
        Some(spare) if response.status() == StatusCode::UNAUTHORIZED => spare,
        _ => return Ok(response),
    };
    let fresh = match renew(response, &spare).await? {
        Continue(fresh) => fresh,
        Break(answer) => return Ok(answer),
    };
    let mut response = send_with(http, settings, spare, &fresh).await?;
    if let Some(rejected) = rejected.filter(|_| response.status() == StatusCode::UNAUTHORIZED) {
        response.extensions_mut().insert(rejected);
    }
    Ok(response)
}

/// Sends `request` with `credential` as its bearer token. A JWT is
/// base64url and an installation token was checked when it was minted:
/// neither fails to fit a header, and nothing goes out if one did.
async fn send_with(
    http: &reqwest::Client,
    settings: &Settings,
    mut request: Request,
    credential: &SecretString,
) -> reqwest::Result<Response> {
    if let Err(m) = set_bearer(&mut request, credential) {
        return Ok(failure_response(AppAuthError::jwt(Error::Config(m))));
    }
    settings.send(http, request).await
}

/// The most the SDK moves its idea of GitHub's clock: an hour. The `Date`
/// header it learns GitHub's time from is not authenticated, so whoever
/// answers could otherwise date every later JWT at will; a clock off by more
/// is for a person to set right.
const MAX_CLOCK_CORRECTION_SECS: i64 = 3600;

/// GitHub's clock minus this machine's, in seconds, when it is within
/// [`MAX_CLOCK_CORRECTION_SECS`]; else the error that names both clocks.
fn clock_correction(github: DateTime<Utc>, ours: DateTime<Utc>) -> Result<i64, AppAuthError> {
    let skew = github.timestamp() - ours.timestamp();
    if skew.unsigned_abs() <= MAX_CLOCK_CORRECTION_SECS.unsigned_abs() {
        return Ok(skew);
    }
    let rfc3339 = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    Err(AppAuthError::new(
        AppAuthErrorKind::Clock,
        format!(
            "GitHub rejected the App JWT's times, and GitHub's clock (its Date header: {}) and \
             this machine's clock ({}) are {} seconds apart, more than the one hour the client \
             corrects; the JWT was not signed again: set this machine's clock right, or check \
             that the base URL is GitHub's",
            rfc3339(github),
            rfc3339(ours),
            skew.unsigned_abs()
        ),
        None,
    ))
}

/// Whether a 401 body is one of GitHub's JWT time rejections:
/// "'Expiration time' claim ('exp') must be a numeric value representing the
/// future time", "'Expiration time' claim ('exp') is too far in the future",
/// "'Issued at' claim ('iat') must be an Integer representing a time in the past".
fn is_jwt_time_rejection(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    text.contains("'Expiration time' claim ('exp')") || text.contains("'Issued at' claim ('iat')")
}

/// Which installation a client acts for.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    Id(i64),
    /// Looked up with `GET /orgs/{org}/installation` on first use.
    Org(String),
}

/// The App-level side of an installation client: what its tokens are
/// minted and its installation found with. It shares the installation
/// client's connection pool and settings, and the App's JWT and token cache
/// with every client made from the same App-level client.
#[derive(Clone)]
pub(crate) struct AppLevel {
    pub(crate) base_url: String,
    pub(crate) http: reqwest::Client,
    pub(crate) settings: Settings,
    pub(crate) auth: Arc<AppAuth>,
}

impl AppLevel {
    /// Sends one of the App authentication's own calls with GitHub's
    /// headers, the App's JWT and the retry policy, as the generated
    /// operation would, and decodes only the fields it needs. The generated
    /// operations decode GitHub's whole answer (an installation token carries
    /// `Repository` and `AppPermissions`); called from here, which every
    /// request goes through, their decoders would be compiled into every
    /// build of the SDK, App or not. Errors are the generated operations'
    /// errors, except that a success that does not decode is never quoted:
    /// it carries a credential.
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        success: u16,
    ) -> Result<T, Error> {
        let mut request = request.build().map_err(Error::Transport)?;
        self.settings.apply(&mut request);
        let response = self
            .auth
            .execute(&self.http, &self.settings, request)
            .await
            .map_err(Error::Transport)?;
        let status = response.status().as_u16();
        if status != success {
            return Err(Error::from_response(response).await);
        }
        let body = response.bytes().await.map_err(Error::from_success_body)?;
        error::decode_secret(status, &body)
    }

    /// `POST /app/installations/{installation_id}/access_tokens` with the
    /// App's JWT. It owns what it uses: the single-flight map of tokens
    /// holds it.
    async fn mint(
        self,
        installation_id: i64,
        scope: TokenScope,
    ) -> Result<Arc<TokenEntry>, AppAuthError> {
        let minted_at = self.settings.clock.now();
        let id = encode_path(&installation_id.to_string());
        let url = format!("{}/app/installations/{id}/access_tokens", self.base_url);
        let request = self.http.post(url).json(&mint_body(&scope));
        let failed = |cause| AppAuthError::mint(installation_id, cause);
        let token: Minted = self.call(request, 201).await.map_err(failed)?;
        // Checked once here so that sending it can be taken for granted.
        if HeaderValue::from_str(&token.token).is_err() {
            let why = "GitHub sent a token with characters not allowed in an HTTP header";
            return Err(failed(Error::InvalidRequest(why.into())));
        }
        Ok(Arc::new(TokenEntry {
            token: SecretString::from(token.token),
            expires_at: token.expires_at,
            minted_at,
        }))
    }

    /// `GET /orgs/{org}/installation` with the App's JWT (owning what it
    /// uses, as [`mint`](Self::mint)).
    async fn look_up(self, org: String) -> Result<i64, AppAuthError> {
        let url = format!("{}/orgs/{}/installation", self.base_url, encode_path(&org));
        let found = self.call::<Found>(self.http.get(url), 200).await;
        let issuer = self.auth.credentials.issuer();
        found
            .map(|installation| installation.id)
            .map_err(|e| AppAuthError::lookup(&org, issuer, e))
    }
}

/// An installation client's state: the App-level side it mints with, and
/// what it mints.
pub(crate) struct InstallationAuth {
    pub(crate) app: AppLevel,
    pub(crate) target: Target,
    pub(crate) scope: TokenScope,
}

impl InstallationAuth {
    async fn installation_id(&self) -> Result<i64, AppAuthError> {
        let org = match &self.target {
            Target::Id(id) => return Ok(*id),
            Target::Org(org) => org,
        };
        let look_up = || self.app.clone().look_up(org.clone()).boxed();
        let orgs = &self.app.auth.orgs;
        orgs.get(&org.to_ascii_lowercase(), |_| true, look_up).await
    }

    /// The scope as a mint request sends it: what tells two scopes apart.
    fn scope_key(&self) -> String {
        serde_json::to_string(&mint_body(&self.scope)).unwrap_or_default()
    }

    /// What the client's cache knows this installation client's answers by:
    /// its tokens change every hour, so not a token but what each is minted
    /// for, the App, the installation and the scope.
    pub(crate) fn identity(&self) -> String {
        let issuer = self.app.auth.credentials.issuer();
        format!("{issuer:?}\n{:?}\n{}", self.target, self.scope_key())
    }

    /// A token with more than the refresh margin of life left: cached, being
    /// minted, or minted now.
    async fn token(&self) -> Result<(TokenKey, Arc<TokenEntry>), AppAuthError> {
        let id = self.installation_id().await?;
        let (auth, credentials) = (&self.app.auth, &self.app.auth.credentials);
        let key = TokenKey {
            base_url: self.app.base_url.clone(),
            issuer: credentials.issuer().to_string(),
            installation_id: id,
            scope: self.scope_key(),
        };
        let now = auth.github_now(&*self.app.settings.clock);
        let margin =
            chrono::Duration::from_std(auth.refresh_margin).unwrap_or(chrono::Duration::MAX);
        let usable = |entry: &Arc<TokenEntry>| entry.expires_at - now > margin;
        let start = || self.app.clone().mint(id, self.scope.clone()).boxed();
        let entry = credentials.inner.tokens.get(&key, usable, start).await?;
        Ok((key, entry))
    }

    /// Sends `request` with an installation token, renewing the token when
    /// GitHub rejects it: see the crate's README on fresh-token lag. An
    /// installation client's connection pool and settings are those of the
    /// App-level side it mints with.
    pub(crate) async fn execute(&self, request: Request) -> reqwest::Result<Response> {
        let (key, entry) = match self.token().await {
            Ok(token) => token,
            Err(e) => return Ok(failure_response(e)),
        };
        let (http, settings) = (&self.app.http, &self.app.settings);
        let clock = &settings.clock;
        let renew = async |mut response: Response, spare: &Request| {
            // GitHub may not know a token minted a moment ago on every
            // server yet: try the same token again a few times, briefly.
            for wait in FRESH_TOKEN_WAITS {
                let age = (clock.now() - entry.minted_at).to_std().unwrap_or_default();
                if response.status() != StatusCode::UNAUTHORIZED || age >= FRESH_TOKEN_WINDOW {
                    break;
                }
                let Some(again) = spare.try_clone() else {
                    break;
                };
                drop(response);
                clock.sleep(wait).await;
                response = send_with(http, settings, again, &entry.token).await?;
            }
            if response.status() != StatusCode::UNAUTHORIZED {
                return Ok(Break(response));
            }
            // Revoked or expired early: drop the token (unless another
            // request already replaced it) and mint once.
            drop(response);
            let cache = &self.app.auth.credentials.inner.tokens;
            cache.invalidate(&key, |cached| Arc::ptr_eq(cached, &entry));
            Ok(match self.token().await {
                Ok((_, fresh)) => Continue(fresh.token.clone()),
                Err(e) => Break(failure_response(e)),
            })
        };
        let rejected = Some(AuthFailure::Rejected {
            installation_id: key.installation_id,
        });
        send_renewing(http, settings, request, &entry.token, rejected, renew).await
    }
}

/// The body of a mint request for `scope`: what the generated
/// `AppsCreateInstallationAccessTokenBody` sends, without needing the `apps`
/// feature's models (GitHub's `AppPermissions` alone is 55 enums).
#[derive(serde::Serialize)]
struct MintBody<'a> {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    permissions: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    repositories: &'a [String],
    #[serde(skip_serializing_if = "<[i64]>::is_empty")]
    repository_ids: &'a [i64],
}

fn mint_body(scope: &TokenScope) -> MintBody<'_> {
    MintBody {
        permissions: &scope.permissions,
        repositories: &scope.repositories,
        repository_ids: &scope.repository_ids,
    }
}

/// What the App authentication reads of a minted installation token.
#[derive(serde::Deserialize)]
struct Minted {
    token: String,
    expires_at: DateTime<Utc>,
}

/// What the App authentication reads of an organization's installation.
#[derive(serde::Deserialize)]
struct Found {
    id: i64,
}

/// A stand-in response for a request that could not be authenticated: the
/// SDK's error layer finds the error in its extensions; a caller of a raw
/// `send()` sees a GitHub-shaped error body with the same message.
fn failure_response(error: AppAuthError) -> Response {
    let status = error
        .cause()
        .and_then(Error::status)
        .and_then(|s| StatusCode::from_u16(s).ok())
        .filter(|s| s.is_client_error() || s.is_server_error())
        .unwrap_or(StatusCode::UNAUTHORIZED);
    wire::made_up(status, &error.to_string(), AuthFailure::Failed(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_clock_correction_of_up_to_an_hour_either_way_is_made() {
        let ours = at("2026-12-06T17:00:00Z");
        for (github, skew) in [
            ("2026-12-06T18:00:00Z", 3600),
            ("2026-12-06T16:00:00Z", -3600),
            ("2026-12-06T17:00:05Z", 5),
        ] {
            assert_eq!(
                clock_correction(at(github), ours).unwrap(),
                skew,
                "{github}"
            );
        }
    }

    #[test]
    fn a_clock_correction_over_an_hour_is_refused_naming_both_clocks_and_the_bound() {
        let ours = at("2026-12-06T17:00:00Z");
        for github in [
            "2026-12-06T18:00:01Z",
            "2026-12-06T15:59:59Z",
            "2036-01-01T00:00:00Z",
        ] {
            let e = clock_correction(at(github), ours).unwrap_err();
            assert_eq!(e.kind, AppAuthErrorKind::Clock);
            assert!(e.message.contains(github), "{e}");
            assert!(e.message.contains("2026-12-06T17:00:00Z"), "{e}");
            assert!(e.message.contains("one hour"), "{e}");
        }
    }
}
