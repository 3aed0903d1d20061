//! Building a [`Client`], and the clients made from one: an App's
//! installation clients and their token scopes.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;

use crate::app::{AppCredentials, TokenScope};
use crate::auth::{AppAuth, AppLevel, Auth, InstallationAuth, Target};
use crate::cache::CacheStore;
use crate::clock::{Clock, SystemClock};
use crate::error::Error;
use crate::generated::Client;
use crate::retry::RetryPolicy;
use crate::setters::setters;
use crate::settings::{DEFAULT_API_VERSION, Settings, VERSION};
use crate::transport::Shared;
use crate::wire;

/// Installation tokens are renewed when less than this is left of their hour.
pub const DEFAULT_TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// GitHub's API on github.com.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";

/// Sets up a [`Client`]; start with [`Client::builder`].
///
/// With a ready token:
///
/// ```
/// use std::time::Duration;
/// use github_pat_grants::{Client, RetryPolicy};
/// let client = Client::builder()
///     .token("ghs_installation_token")
///     // GitHub Enterprise Server: https://HOST/api/v3
///     .base_url("https://github.example.com/api/v3")
///     .user_agent("acme-token-auditor/1.0")
///     .timeout(Duration::from_secs(30))
///     .retry(RetryPolicy::new())
///     .build()?;
/// assert_eq!(client.base_url(), "https://github.example.com/api/v3");
/// // The token never shows up in Debug output.
/// assert!(!format!("{client:?}").contains("ghs_installation_token"));
/// # Ok::<(), github_pat_grants::Error>(())
/// ```
///
/// As a GitHub App, with what the App's owner holds: its ID and private key.
/// The client finds the App's installation on the organization, mints
/// installation tokens and renews them before they expire:
///
/// ```no_run
/// use github_pat_grants::{AppCredentials, Client};
/// let app = AppCredentials::from_pem_file(123456, "my-app.private-key.pem")?;
/// let acme = Client::builder().app(app.clone()).installation_for_org("acme").build()?;
/// // Or an App-level client (JWT) to list installations and pick one.
/// let app_client = Client::builder().app(app).build()?;
/// let installation = app_client.for_installation(42)?;
/// # Ok::<(), github_pat_grants::Error>(())
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    token: Option<SecretString>,
    app: Option<AppCredentials>,
    installation: Option<Target>,
    token_scope: Option<TokenScope>,
    token_refresh_margin: Option<Duration>,
    clock: Option<Arc<dyn Clock>>,
    base_url: Option<String>,
    user_agent: Option<String>,
    api_version: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    cache: Option<Arc<dyn CacheStore>>,
}

impl ClientBuilder {
    setters! {
        /// The bearer token: a GitHub App installation token (this endpoint is
        /// for GitHub Apps only) or a personal access token. To have the client
        /// mint installation tokens itself, use [`app`](Self::app) instead.
        token(token: impl Into<String>) => token = Some(SecretString::from(token.into()));

        /// Authenticates as a GitHub App. Alone, the client is App-level: it
        /// sends a JWT on every request (`GET /app/installations`, ...). With
        /// [`installation_for_org`](Self::installation_for_org) or
        /// [`installation_id`](Self::installation_id) it acts for one
        /// installation with tokens it mints and renews.
        app(credentials: AppCredentials) => app = Some(credentials);

        /// Acts for the App's installation on this organization, found with
        /// `GET /orgs/{org}/installation` on the first request (then cached).
        /// Needs [`app`](Self::app).
        installation_for_org(org: impl Into<String>) =>
            installation = Some(Target::Org(org.into()));

        /// Acts for this installation of the App. Needs [`app`](Self::app).
        installation_id(installation_id: i64) => installation = Some(Target::Id(installation_id));

        /// Limits the installation tokens the client mints to some repositories
        /// or permissions. Needs an installation.
        token_scope(scope: TokenScope) => token_scope = Some(scope);

        /// Renews an installation token when less than this is left of its life
        /// (default 5 minutes), so that none expires during a request or a
        /// stream of pages. Tokens live an hour, so the margin must be less.
        token_refresh_margin(margin: Duration) => token_refresh_margin = Some(margin);

        /// The client's one clock (default: the system clock and tokio's
        /// timer): JWTs, installation tokens' expiry, rate limits' waits, and
        /// how long the retry policy and the fresh-token retry wait. Installation
        /// clients and [`unauthenticated`](Client::unauthenticated) clients made
        /// from this one keep it; tests move a clock of their own (see
        /// [`Clock`]).
        ///
        /// ```
        /// use github_pat_grants::{Client, RetryPolicy, SystemClock};
        /// let client = Client::builder().retry(RetryPolicy::new()).clock(SystemClock).build()?;
        /// # let _ = client;
        /// # Ok::<(), github_pat_grants::Error>(())
        /// ```
        clock(clock: impl Clock) => clock = Some(Arc::new(clock));

        /// The API root; defaults to `https://api.github.com`.
        base_url(url: impl Into<String>) => base_url = Some(url.into());

        /// The `User-Agent` header GitHub requires; defaults to this crate's name and version.
        user_agent(user_agent: impl Into<String>) => user_agent = Some(user_agent.into());

        /// The `X-GitHub-Api-Version` header; defaults to `2022-11-28`.
        api_version(version: impl Into<String>) => api_version = Some(version.into());

        /// The whole-request timeout (default 30 s). Ignored with [`http_client`](Self::http_client).
        timeout(timeout: Duration) => timeout = Some(timeout);

        /// The connect timeout (default 10 s). Ignored with [`http_client`](Self::http_client).
        connect_timeout(timeout: Duration) => connect_timeout = Some(timeout);

        /// Your own `reqwest::Client` (proxies, TLS roots, ...). GitHub's headers
        /// and the token are still set on every request.
        ///
        /// Build it with `redirect(reqwest::redirect::Policy::none())`: the SDK
        /// follows redirects itself, only for `GET` and `HEAD` and only within
        /// the request's origin, and refuses any other ([`Error::Redirect`]).
        /// A client that follows redirects on its own would resend a request's
        /// body and credentials wherever a server points before the SDK sees
        /// the answer; the SDK then refuses that answer, but too late to keep
        /// what was sent.
        ///
        /// ```
        /// use github_pat_grants::Client;
        /// let http = reqwest::Client::builder()
        ///     .redirect(reqwest::redirect::Policy::none())
        ///     .build()?;
        /// let client = Client::builder().token("ghs_example").http_client(http).build()?;
        /// # let _ = client;
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        http_client(client: reqwest::Client) => http = Some(client);

        /// Retries rate-limited, 5xx and failed-to-connect requests; off by default.
        retry(policy: RetryPolicy) => retry = Some(policy);

        /// Makes every `GET` conditional on the answer `store` kept of it (off
        /// by default): GitHub answers `304 Not Modified` when nothing changed,
        /// which does not count against the primary rate limit, and the client
        /// hands on the kept answer as if it were new, so
        /// [`stream`](crate::Paginated::stream) and
        /// [`pages`](crate::Paginated::pages) read the same;
        /// [`Page::from_cache`](crate::Page::from_cache) tells (and, for a
        /// single answer, its header `x-pat-grants-cache: hit`). Installation
        /// clients made from this one share the store. See [`DiskCache`](crate::DiskCache)
        /// to keep answers between runs.
        ///
        /// ```
        /// use github_pat_grants::{Client, MemoryCache};
        /// let client = Client::builder().token("ghs_example").cache(MemoryCache::new()).build()?;
        /// # let _ = client;
        /// # Ok::<(), github_pat_grants::Error>(())
        /// ```
        cache(store: impl CacheStore) => cache = Some(Arc::new(store));
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for a base URL that is not `https://` (plain
    /// `http://` is allowed on loopback only: 127.0.0.0/8, `[::1]`,
    /// `localhost`), a header value that cannot be sent, a `reqwest::Client`
    /// that cannot be built, both a token and App credentials, or an
    /// installation without App credentials.
    ///
    /// ```
    /// use github_pat_grants::{Client, Error};
    /// let err = Client::builder().base_url("http://github.example.com/api/v3").build().unwrap_err();
    /// assert!(matches!(&err, Error::Config(m) if m.contains("https is required")));
    /// assert!(Client::builder().base_url("http://127.0.0.1:8080").build().is_ok());
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        self.check_combination()?;
        let base_url = base_url(self.base_url.as_deref())?;
        let agent = format!("{}/{VERSION}", env!("CARGO_PKG_NAME"));
        let settings = Settings {
            user_agent: header("user agent", self.user_agent.unwrap_or(agent))?,
            api_version: header(
                "API version",
                self.api_version.unwrap_or(DEFAULT_API_VERSION.into()),
            )?,
            retry: self.retry,
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            cache: self.cache,
        };
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                // Redirects are followed (or refused) by the SDK, in one place
                // (`wire::send`), never by reqwest, which would resend a body.
                .redirect(reqwest::redirect::Policy::none())
                .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                .build()
                .map_err(|e| Error::Config(format!("building the HTTP client: {e}")))?,
        };
        let margin = self
            .token_refresh_margin
            .unwrap_or(DEFAULT_TOKEN_REFRESH_MARGIN);
        let auth = match (self.token, self.app) {
            (Some(token), _) => Auth::Token(token),
            (None, Some(credentials)) => Auth::App(Arc::new(AppAuth::new(credentials, margin))),
            (None, None) => Auth::None,
        };
        let client = client(&base_url, http, auth, settings);
        match self.installation {
            Some(target) => {
                let scope = self.token_scope.unwrap_or_default();
                Ok(for_target(client.app_level()?, target, scope))
            }
            None => Ok(client),
        }
    }

    /// Refuses settings that contradict each other.
    fn check_combination(&self) -> Result<(), Error> {
        let refused = if self.token.is_some() && self.app.is_some() {
            "set either a token or App credentials, not both"
        } else if self.app.is_none() && (self.installation.is_some() || self.token_scope.is_some())
        {
            "an installation or token scope needs App credentials (ClientBuilder::app)"
        } else if self
            .token_refresh_margin
            .is_some_and(|m| m >= Duration::from_secs(3600))
        {
            "the token refresh margin must be under an hour, the life of an installation token"
        } else if self.installation.is_none() && self.token_scope.is_some() {
            "a token scope needs an installation (installation_for_org or installation_id)"
        } else {
            return Ok(());
        };
        Err(Error::Config(refused.into()))
    }
}

/// The API root without a trailing `/`, checked to be `https://host[/path]`,
/// or `http://` on loopback: tokens, JWTs and leaked credentials never
/// travel in clear text off this machine.
fn base_url(given: Option<&str>) -> Result<String, Error> {
    let base_url = given
        .unwrap_or(DEFAULT_BASE_URL)
        .trim_end_matches('/')
        .to_string();
    let parsed = url::Url::parse(&base_url)
        .map_err(|e| Error::Config(format!("base URL `{base_url}`: {e}")))?;
    // `insecure` refuses every scheme but `https` and loopback `http`, to
    // which the URL parser always gives a host.
    match wire::insecure(&parsed) {
        Some(why) => Err(Error::Config(format!("base URL `{base_url}`: {why}"))),
        None => Ok(base_url),
    }
}

fn header(what: &str, value: String) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(&value)
        .map_err(|_| Error::Config(format!("{what} `{value}` is not a valid header value")))
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API root requests go to.
    pub fn base_url(&self) -> &str {
        &self.baseurl
    }

    /// The same client without credentials: the same base URL, headers
    /// (`User-Agent`, `X-GitHub-Api-Version`, `Accept`), retry policy and
    /// HTTP connection pool, and no `Authorization` header on any request.
    ///
    /// For the one operation GitHub wants unauthenticated: the credential
    /// revocation API (`POST /credentials/revoke`, feature `credentials`)
    /// answers 403 to a request that carries credentials. Whatever this
    /// client was built with (a token, App credentials, an installation),
    /// the client returned sends none, and drops an `Authorization` header
    /// that the base URL's `user:password@` would make reqwest add. (Default
    /// headers of your own [`http_client`](ClientBuilder::http_client) are
    /// that client's and are sent as it says.)
    ///
    /// ```
    /// use github_pat_grants::Client;
    /// let client = Client::builder()
    ///     .token("ghs_installation_token")
    ///     .base_url("https://github.example.com/api/v3")
    ///     .build()?;
    /// let anonymous = client.unauthenticated();
    /// assert_eq!(anonymous.base_url(), "https://github.example.com/api/v3");
    /// assert!(format!("{anonymous:?}").contains("auth: None"));
    /// // With the `credentials` feature:
    /// // anonymous.credentials().revoke().body_map(|b| b.credentials(leaked)).call().await?;
    /// # Ok::<(), github_pat_grants::Error>(())
    /// ```
    pub fn unauthenticated(&self) -> Client {
        let settings = self.inner.settings.clone();
        client(&self.baseurl, self.client.clone(), Auth::None, settings)
    }

    /// A client for one installation of the App, minting its tokens through
    /// this client's App credentials; it shares the HTTP connection pool, the
    /// JWT and the token cache.
    ///
    /// ```no_run
    /// # fn demo(app: &github_pat_grants::Client) -> Result<(), github_pat_grants::Error> {
    /// let installation = app.for_installation(42)?;
    /// let _grants = installation.orgs().list_pat_grants("acme");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when the client was not built with App credentials.
    pub fn for_installation(&self, installation_id: i64) -> Result<Client, Error> {
        let target = Target::Id(installation_id);
        Ok(for_target(self.app_level()?, target, TokenScope::new()))
    }

    /// A client for the App's installation on an organization, found with
    /// `GET /orgs/{org}/installation` on its first request (then cached);
    /// otherwise like [`for_installation`](Self::for_installation).
    ///
    /// ```no_run
    /// # fn demo(app: &github_pat_grants::Client) -> Result<(), github_pat_grants::Error> {
    /// let acme = app.for_org("acme")?;
    /// let _grants = acme.orgs().list_pat_grants("acme");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when the client was not built with App credentials.
    pub fn for_org(&self, org: impl Into<String>) -> Result<Client, Error> {
        let target = Target::Org(org.into());
        Ok(for_target(self.app_level()?, target, TokenScope::new()))
    }

    /// The same installation with tokens limited to `scope` (cached apart
    /// from the unrestricted ones).
    ///
    /// ```no_run
    /// # fn demo(acme: &github_pat_grants::Client) -> Result<(), github_pat_grants::Error> {
    /// use github_pat_grants::TokenScope;
    /// let one_repo = acme.scoped(TokenScope::new().repositories(["Hello-World"]))?;
    /// # let _ = one_repo; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when the client is not an installation client.
    pub fn scoped(&self, scope: TokenScope) -> Result<Client, Error> {
        let Auth::Installation(installation) = &self.inner.auth else {
            return Err(Error::Config(
                "a token scope applies to installation clients only".into(),
            ));
        };
        let (app, target) = (installation.app.clone(), installation.target.clone());
        Ok(for_target(app, target, scope))
    }

    /// The App-level side of this client: its own, or the one its
    /// installation mints with.
    pub(crate) fn app_level(&self) -> Result<AppLevel, Error> {
        match &self.inner.auth {
            Auth::App(auth) => Ok(AppLevel {
                base_url: self.baseurl.clone(),
                http: self.client.clone(),
                settings: self.inner.settings.clone(),
                auth: auth.clone(),
            }),
            Auth::Installation(installation) => Ok(installation.app.clone()),
            _ => Err(Error::Config(
                "an installation client needs a client built with App credentials (ClientBuilder::app)"
                    .into(),
            )),
        }
    }
}

/// A client for one installation, minting with the App-level side `app`
/// and sharing its HTTP pool, JWT and token cache.
fn for_target(app: AppLevel, target: Target, scope: TokenScope) -> Client {
    let settings = app.settings.clone();
    let (base_url, http) = (app.base_url.clone(), app.http.clone());
    let auth = Auth::Installation(Arc::new(InstallationAuth { app, target, scope }));
    client(&base_url, http, auth, settings)
}

/// An App-level client from its App-level side, for an App call made from
/// an installation client (listing the installations).
#[cfg(feature = "apps")]
pub(crate) fn app_client(app: AppLevel) -> Client {
    client(&app.base_url, app.http, Auth::App(app.auth), app.settings)
}

/// A client of `base_url` sending with `http`, `auth` and `settings`.
fn client(base_url: &str, http: reqwest::Client, auth: Auth, settings: Settings) -> Client {
    Client::new_with_client(base_url, http, Shared { auth, settings })
}
