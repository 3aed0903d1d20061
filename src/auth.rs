//! Authentication at request time: a static token, an App JWT, or an
//! installation token minted (and renewed) through an App-level client.
//!
//! Everything here runs inside the transport's `exec` hook, around the send,
//! because that is where a rejected credential can be renewed and the request
//! sent again. Failures that happen before anything is sent (a mint that
//! failed) travel to the SDK's error layer as a marker in the extensions of a
//! response built here; the generated code hands that response on untouched.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::Hash;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use reqwest::header::{AUTHORIZATION, DATE, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use crate::app::{AppCredentials, Clock, JWT_BACKDATE_SECS, TokenScope};
use crate::error::{AppAuthError, AppAuthErrorKind};
use crate::generated::ClientInfo;
use crate::retry::{self, RetryPolicy};
use crate::{Client, Error, ResponseValue};
use progenitor_client::{ClientHooks, OperationInfo, encode_path};

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
    /// An installation token, minted through an App-level client.
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
                .field("issuer", inst.app_auth.credentials.issuer())
                .field("installation", &inst.target)
                .field("scope", &inst.scope)
                .finish_non_exhaustive(),
        }
    }
}

/// Sets `Authorization: Bearer ...`, marked sensitive so that HTTP libraries
/// keep it out of their logs.
pub(crate) fn set_bearer(request: &mut Request, secret: &SecretString) -> Result<(), String> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", secret.expose_secret()))
        .map_err(|_| "the token contains characters not allowed in an HTTP header".to_string())?;
    value.set_sensitive(true);
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded maps stay consistent at every unlock; a panic elsewhere
    // while holding the lock does not make them unusable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A map from key to value where a missing or stale value is computed once,
/// however many callers ask for it at the same time (single flight).
///
/// While a value is being computed its slot holds a [`Shared`] future that
/// every caller awaits; whichever caller polls drives it, so a caller that
/// gives up does not stall the others. The future itself writes its outcome
/// back: a value is kept, an error is handed to every waiter and removed, so
/// the next caller tries afresh.
pub(crate) struct Flights<K, V> {
    state: Arc<Mutex<FlightState<K, V>>>,
}

struct FlightState<K, V> {
    slots: HashMap<K, Slot<V>>,
    next_id: u64,
}

type Flight<V> = Shared<BoxFuture<'static, Result<V, AppAuthError>>>;

enum Slot<V> {
    Ready(V),
    Pending(u64, Flight<V>),
}

impl<K, V> Default for Flights<K, V> {
    fn default() -> Self {
        Self {
            state: Arc::new(Mutex::new(FlightState {
                slots: HashMap::new(),
                next_id: 0,
            })),
        }
    }
}

impl<K, V> Flights<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// The value for `key`: the stored one while `usable` says so, else the
    /// one being computed, else the outcome of a computation `start`s now.
    pub(crate) async fn get(
        &self,
        key: &K,
        usable: impl Fn(&V) -> bool,
        start: impl FnOnce() -> BoxFuture<'static, Result<V, AppAuthError>>,
    ) -> Result<V, AppAuthError> {
        let flight = {
            let mut state = lock(&self.state);
            match state.slots.get(key) {
                Some(Slot::Ready(value)) if usable(value) => return Ok(value.clone()),
                Some(Slot::Pending(_, flight)) => flight.clone(),
                _ => {
                    let id = state.next_id;
                    state.next_id += 1;
                    let flight = self.fly(key.clone(), id, start());
                    state
                        .slots
                        .insert(key.clone(), Slot::Pending(id, flight.clone()));
                    flight
                }
            }
        };
        flight.await
    }

    /// Wraps `work` so that its outcome updates the slot it was started for
    /// (and not a newer one). The state is held weakly: a flight nobody
    /// awaits any more does not keep the map alive.
    fn fly(&self, key: K, id: u64, work: BoxFuture<'static, Result<V, AppAuthError>>) -> Flight<V> {
        let state: Weak<Mutex<FlightState<K, V>>> = Arc::downgrade(&self.state);
        async move {
            let outcome = work.await;
            if let Some(state) = state.upgrade() {
                let mut state = lock(&state);
                if matches!(state.slots.get(&key), Some(Slot::Pending(pending, _)) if *pending == id)
                {
                    match &outcome {
                        Ok(value) => {
                            state.slots.insert(key, Slot::Ready(value.clone()));
                        }
                        Err(_) => {
                            state.slots.remove(&key);
                        }
                    }
                }
            }
            outcome
        }
        .boxed()
        .shared()
    }

    /// Forgets the stored value for `key` if `stale` says it is the bad one
    /// (a value that another caller already replaced stays).
    pub(crate) fn invalidate(&self, key: &K, stale: impl FnOnce(&V) -> bool) {
        let mut state = lock(&self.state);
        if matches!(state.slots.get(key), Some(Slot::Ready(value)) if stale(value)) {
            state.slots.remove(key);
        }
    }
}

/// What an installation token is cached under.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TokenKey {
    base_url: String,
    issuer: String,
    installation_id: i64,
    /// The mint request's body as JSON: equal scopes, equal keys.
    scope: String,
}

/// One minted installation token.
pub(crate) struct TokenEntry {
    token: SecretString,
    /// When GitHub says it expires (GitHub's clock).
    expires_at: DateTime<Utc>,
    /// When the mint was asked for (this client's clock).
    minted_at: DateTime<Utc>,
}

/// Installation tokens of one set of App credentials.
pub(crate) type TokenCache = Flights<TokenKey, Arc<TokenEntry>>;

/// The App-level state shared by an App client, its clones and every
/// installation client made from them.
pub(crate) struct AppAuth {
    pub(crate) credentials: AppCredentials,
    pub(crate) clock: Arc<dyn Clock>,
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
    pub(crate) fn new(
        credentials: AppCredentials,
        clock: Arc<dyn Clock>,
        refresh_margin: Duration,
    ) -> Self {
        Self {
            credentials,
            clock,
            refresh_margin,
            skew: AtomicI64::new(0),
            jwt: Mutex::new(None),
            orgs: Flights::default(),
        }
    }

    /// Now on GitHub's clock, as far as this client knows it.
    fn github_now(&self) -> DateTime<Utc> {
        self.clock.now() + chrono::Duration::seconds(self.skew.load(Ordering::Relaxed))
    }

    /// A JWT valid for at least another minute, and the skew it was signed with.
    fn jwt(&self) -> Result<(SecretString, i64), Error> {
        let skew = self.skew.load(Ordering::Relaxed);
        let now = self.clock.now().timestamp() + skew;
        let mut cached = lock(&self.jwt);
        if let Some(c) = cached.as_ref()
            && c.skew == skew
            && c.exp - now > JWT_RENEW_BEFORE_SECS
            // A clock moved backwards would otherwise keep a JWT from the future.
            && c.exp - now <= crate::app::JWT_LIFETIME_SECS - JWT_BACKDATE_SECS
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
    /// `Date` header and kept, and the request is signed and sent once more.
    pub(crate) async fn execute(
        &self,
        http: &reqwest::Client,
        policy: Option<&RetryPolicy>,
        mut request: Request,
    ) -> reqwest::Result<Response> {
        let (jwt, signed_with) = match self.jwt() {
            Ok(jwt) => jwt,
            Err(e) => return Ok(failure_response(AppAuthError::jwt(e))),
        };
        let spare = request.try_clone();
        if let Err(m) = set_bearer(&mut request, &jwt) {
            return Ok(failure_response(AppAuthError::jwt(Error::Config(m))));
        }
        let response = retry::execute(http, policy, request).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let Some(mut spare) = spare else {
            return Ok(response);
        };
        let (response, body) = retry::buffered(response).await;
        if !is_jwt_time_rejection(&body) {
            return Ok(response);
        }
        let Some(github_now) = response
            .headers()
            .get(DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        else {
            return Ok(response);
        };
        let skew = github_now.timestamp() - self.clock.now().timestamp();
        if skew == signed_with {
            // Signing again would give GitHub the same times it just refused.
            return Ok(response);
        }
        self.skew.store(skew, Ordering::Relaxed);
        let jwt = match self.jwt() {
            Ok((jwt, _)) => jwt,
            Err(e) => return Ok(failure_response(AppAuthError::jwt(e))),
        };
        if let Err(m) = set_bearer(&mut spare, &jwt) {
            return Ok(failure_response(AppAuthError::jwt(Error::Config(m))));
        }
        retry::execute(http, policy, spare).await
    }
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

/// An installation client's state: its App-level client and what it mints.
pub(crate) struct InstallationAuth {
    /// The App-level client (JWT auth) tokens are minted with; it shares the
    /// installation client's `reqwest::Client`.
    pub(crate) app: Client,
    pub(crate) app_auth: Arc<AppAuth>,
    pub(crate) target: Target,
    pub(crate) scope: TokenScope,
}

impl InstallationAuth {
    /// An installation client's auth; `None` when `app` is not App-level.
    pub(crate) fn new(app: &Client, target: Target, scope: TokenScope) -> Option<Self> {
        let Auth::App(app_auth) = &app.inner().auth else {
            return None;
        };
        Some(Self {
            app: app.clone(),
            app_auth: app_auth.clone(),
            target,
            scope,
        })
    }

    async fn installation_id(&self) -> Result<i64, AppAuthError> {
        let org = match &self.target {
            Target::Id(id) => return Ok(*id),
            Target::Org(org) => org,
        };
        let app = self.app.clone();
        let lookup_org = org.clone();
        self.app_auth
            .orgs
            .get(
                &org.to_ascii_lowercase(),
                |_| true,
                move || look_up_installation(app, lookup_org),
            )
            .await
    }

    fn token_key(&self, installation_id: i64) -> TokenKey {
        TokenKey {
            base_url: self.app.baseurl().to_string(),
            issuer: self.app_auth.credentials.issuer().to_string(),
            installation_id,
            scope: serde_json::to_string(&mint_body(&self.scope)).unwrap_or_default(),
        }
    }

    /// A token with more than the refresh margin of life left: cached, being
    /// minted, or minted now.
    async fn token(&self) -> Result<(TokenKey, Arc<TokenEntry>), AppAuthError> {
        let id = self.installation_id().await?;
        let key = self.token_key(id);
        let now = self.app_auth.github_now();
        let margin = chrono::Duration::from_std(self.app_auth.refresh_margin)
            .unwrap_or(chrono::Duration::MAX);
        let app = self.app.clone();
        let scope = self.scope.clone();
        let entry = self
            .app_auth
            .credentials
            .inner
            .tokens
            .get(
                &key,
                |entry| entry.expires_at - now > margin,
                move || mint(app, id, scope),
            )
            .await?;
        Ok((key, entry))
    }

    /// Sends `request` with an installation token, renewing the token when
    /// GitHub rejects it: see the crate's README on fresh-token lag.
    pub(crate) async fn execute(
        &self,
        client: &Client,
        mut request: Request,
    ) -> reqwest::Result<Response> {
        let http = client.client();
        let policy = client.inner().retry.as_ref();
        let (key, entry) = match self.token().await {
            Ok(token) => token,
            Err(e) => return Ok(failure_response(e)),
        };
        let spare = request.try_clone();
        // `mint` made sure the token fits in a header; this cannot fail.
        let _ = set_bearer(&mut request, &entry.token);
        let mut response = retry::execute(http, policy, request).await?;
        // A request whose body is a stream cannot be sent again.
        let Some(spare) = spare else {
            return Ok(response);
        };
        // GitHub may not know a token minted a moment ago on every server
        // yet: try the same token again a few times, briefly.
        let clock = &self.app_auth.clock;
        for wait in FRESH_TOKEN_WAITS {
            let age = (clock.now() - entry.minted_at).to_std().unwrap_or_default();
            if response.status() != StatusCode::UNAUTHORIZED || age >= FRESH_TOKEN_WINDOW {
                break;
            }
            let Some(mut again) = spare.try_clone() else {
                break;
            };
            drop(response);
            clock.sleep(wait).await;
            let _ = set_bearer(&mut again, &entry.token);
            response = retry::execute(http, policy, again).await?;
        }
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        // Revoked or expired early: drop the token (unless another request
        // already replaced it), mint once, and send once more.
        drop(response);
        let cache = &self.app_auth.credentials.inner.tokens;
        cache.invalidate(&key, |cached| Arc::ptr_eq(cached, &entry));
        let (_, fresh) = match self.token().await {
            Ok(token) => token,
            Err(e) => return Ok(failure_response(e)),
        };
        let mut again = spare;
        let _ = set_bearer(&mut again, &fresh.token);
        let mut response = retry::execute(http, policy, again).await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            response.extensions_mut().insert(AuthFailure::Rejected {
                installation_id: key.installation_id,
            });
        }
        Ok(response)
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

/// Sends one of the App authentication's own calls through the client's
/// hooks (GitHub's headers, the App's JWT, retries), as the generated
/// operation would, and decodes only the fields it needs. The generated
/// operations decode GitHub's whole answer (an installation token carries
/// `Repository` and `AppPermissions`); called from the transport, which every
/// request goes through, their decoders would be compiled into every build
/// of the SDK, App or not. Errors are the generated operations' errors.
async fn call_app<T: serde::de::DeserializeOwned>(
    app: &Client,
    request: reqwest::RequestBuilder,
    operation_id: &'static str,
    success: u16,
) -> Result<T, Error> {
    let sent = async {
        let info = OperationInfo { operation_id };
        let mut request = request.build()?;
        app.pre(&mut request, &info).await?;
        let result = app.exec(request, &info).await;
        app.post(&result, &info).await?;
        let response = result?;
        if response.status().as_u16() == success {
            ResponseValue::from_response(response).await
        } else {
            Err(progenitor_client::Error::UnexpectedResponse(response))
        }
    };
    crate::operation::typed(sent)
        .await
        .map(ResponseValue::into_inner)
}

/// `POST /app/installations/{installation_id}/access_tokens` through the App
/// client. Boxed, and written as a plain function rather than inside the
/// transport's hook, because the call goes through that same hook: the
/// future would otherwise contain itself.
fn mint(
    app: Client,
    installation_id: i64,
    scope: TokenScope,
) -> BoxFuture<'static, Result<Arc<TokenEntry>, AppAuthError>> {
    Box::pin(async move {
        let minted_at = match &app.inner().auth {
            Auth::App(app_auth) => app_auth.clock.now(),
            _ => chrono::Utc::now(),
        };
        let url = format!(
            "{}/app/installations/{}/access_tokens",
            app.baseurl(),
            encode_path(&installation_id.to_string())
        );
        let request = app.client().post(url).json(&mint_body(&scope));
        let token: Minted = call_app(&app, request, "apps_create_installation_access_token", 201)
            .await
            .map_err(|e| AppAuthError::mint(installation_id, e))?;
        // Checked once here so that sending it can be taken for granted.
        if HeaderValue::from_str(&token.token).is_err() {
            return Err(AppAuthError::mint(
                installation_id,
                Error::InvalidRequest(
                    "GitHub sent a token with characters not allowed in an HTTP header".into(),
                ),
            ));
        }
        Ok(Arc::new(TokenEntry {
            token: SecretString::from(token.token),
            expires_at: token.expires_at,
            minted_at,
        }))
    })
}

/// `GET /orgs/{org}/installation` through the App client (see [`mint`] on
/// why it is boxed).
fn look_up_installation(app: Client, org: String) -> BoxFuture<'static, Result<i64, AppAuthError>> {
    Box::pin(async move {
        let issuer = match &app.inner().auth {
            Auth::App(app_auth) => app_auth.credentials.issuer().to_string(),
            _ => String::new(),
        };
        let url = format!("{}/orgs/{}/installation", app.baseurl(), encode_path(&org));
        let request = app.client().get(url);
        match call_app::<Found>(&app, request, "apps_get_org_installation", 200).await {
            Ok(installation) => Ok(installation.id),
            Err(e) => Err(AppAuthError::lookup(&org, &issuer, e)),
        }
    })
}

/// Carried in a response's extensions from the transport to the error layer.
#[derive(Clone, Debug)]
pub(crate) enum AuthFailure {
    /// Nothing was sent: authenticating failed first. The response is made up.
    Failed(AppAuthError),
    /// GitHub answered 401 to a freshly minted token, after the retries.
    Rejected { installation_id: i64 },
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
    let body = serde_json::json!({ "message": error.to_string() }).to_string();
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response.extensions_mut().insert(AuthFailure::Failed(error));
    Response::from(response)
}

impl AppAuthError {
    fn jwt(cause: Error) -> Self {
        AppAuthError::new(
            AppAuthErrorKind::Jwt,
            format!("signing the App JWT failed: {cause}"),
            None,
            None,
            Some(cause),
        )
    }

    fn mint(installation_id: i64, cause: Error) -> Self {
        let hint = match cause.status() {
            Some(401) => " (is the private key this App's, and the App ID or client ID right?)",
            Some(404) => " (is the App still installed there?)",
            Some(422) => " (does the token scope ask for more than the installation was granted?)",
            _ => "",
        };
        AppAuthError::new(
            AppAuthErrorKind::Mint,
            format!(
                "minting an installation token for installation {installation_id} failed: {cause}{hint}"
            ),
            Some(installation_id),
            None,
            Some(cause),
        )
    }

    fn lookup(org: &str, issuer: &str, cause: Error) -> Self {
        if cause.status() == Some(404) {
            return AppAuthError::new(
                AppAuthErrorKind::NotInstalled,
                format!(
                    "the GitHub App `{issuer}` is not installed on the organization `{org}`, or the \
                     private key belongs to another App (GET /orgs/{org}/installation: 404)"
                ),
                None,
                Some(org.to_string()),
                Some(cause),
            );
        }
        AppAuthError::new(
            AppAuthErrorKind::InstallationLookup,
            format!("finding the App's installation on the organization `{org}` failed: {cause}"),
            None,
            Some(org.to_string()),
            Some(cause),
        )
    }

    pub(crate) fn rejected(installation_id: i64, cause: Error) -> Self {
        AppAuthError::new(
            AppAuthErrorKind::TokenRejected,
            format!(
                "GitHub rejected the installation token for installation {installation_id} even \
                 after minting a new one and sending the request again: {cause}"
            ),
            Some(installation_id),
            None,
            Some(cause),
        )
    }
}
