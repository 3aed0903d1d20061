//! Building a [`Client`].

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;

use crate::app::{AppCredentials, Clock, SystemClock, TokenScope};
use crate::auth::{AppAuth, Auth, InstallationAuth, Target};
use crate::generated;
use crate::retry::RetryPolicy;
use crate::transport::{DEFAULT_API_VERSION, Shared};
use crate::{Client, Error};

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
    clock: Option<ClockHandle>,
    base_url: Option<String>,
    user_agent: Option<String>,
    api_version: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
}

/// A [`Clock`] with a `Debug` form, so that the builder can derive it.
#[derive(Clone)]
struct ClockHandle(Arc<dyn Clock>);

impl std::fmt::Debug for ClockHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

impl ClientBuilder {
    /// The bearer token: a GitHub App installation token (this endpoint is
    /// for GitHub Apps only) or a personal access token. To have the client
    /// mint installation tokens itself, use [`app`](Self::app) instead.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// Authenticates as a GitHub App. Alone, the client is App-level: it
    /// sends a JWT on every request (`GET /app/installations`, ...). With
    /// [`installation_for_org`](Self::installation_for_org) or
    /// [`installation_id`](Self::installation_id) it acts for one
    /// installation with tokens it mints and renews.
    pub fn app(mut self, credentials: AppCredentials) -> Self {
        self.app = Some(credentials);
        self
    }

    /// Acts for the App's installation on this organization, found with
    /// `GET /orgs/{org}/installation` on the first request (then cached).
    /// Needs [`app`](Self::app).
    pub fn installation_for_org(mut self, org: impl Into<String>) -> Self {
        self.installation = Some(Target::Org(org.into()));
        self
    }

    /// Acts for this installation of the App. Needs [`app`](Self::app).
    pub fn installation_id(mut self, installation_id: i64) -> Self {
        self.installation = Some(Target::Id(installation_id));
        self
    }

    /// Limits the installation tokens the client mints to some repositories
    /// or permissions. Needs an installation.
    pub fn token_scope(mut self, scope: TokenScope) -> Self {
        self.token_scope = Some(scope);
        self
    }

    /// Renews an installation token when less than this is left of its life
    /// (default 5 minutes), so that none expires during a request or a
    /// stream of pages. Tokens live an hour, so the margin must be less.
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = Some(margin);
        self
    }

    /// The time source for JWTs and token expiry (default: the system clock
    /// and tokio's timer); tests move a clock of their own.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(ClockHandle(Arc::new(clock)));
        self
    }

    /// The API root; defaults to `https://api.github.com`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The `User-Agent` header GitHub requires; defaults to this crate's name and version.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The `X-GitHub-Api-Version` header; defaults to `2022-11-28`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// The whole-request timeout (default 30 s). Ignored with [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout (default 10 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Your own `reqwest::Client` (proxies, TLS roots, ...). GitHub's headers
    /// and the token are still set on every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Retries rate-limited, 5xx and failed-to-connect requests; off by default.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for a base URL that is not `http(s)://`, a header
    /// value that cannot be sent, a `reqwest::Client` that cannot be built,
    /// both a token and App credentials, or an installation without App
    /// credentials.
    pub fn build(self) -> Result<Client, Error> {
        if self.token.is_some() && self.app.is_some() {
            return Err(Error::Config(
                "set either a token or App credentials, not both".into(),
            ));
        }
        if self.app.is_none() && (self.installation.is_some() || self.token_scope.is_some()) {
            return Err(Error::Config(
                "an installation or token scope needs App credentials (ClientBuilder::app)".into(),
            ));
        }
        if self
            .token_refresh_margin
            .is_some_and(|m| m >= Duration::from_secs(3600))
        {
            return Err(Error::Config(
                "the token refresh margin must be under an hour, the life of an installation token"
                    .into(),
            ));
        }
        if self.installation.is_none() && self.token_scope.is_some() {
            return Err(Error::Config(
                "a token scope needs an installation (installation_for_org or installation_id)"
                    .into(),
            ));
        }
        let base_url = self
            .base_url
            .as_deref()
            .unwrap_or(DEFAULT_BASE_URL)
            .trim_end_matches('/')
            .to_string();
        let parsed = url::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("base URL `{base_url}`: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(Error::Config(format!(
                "base URL `{base_url}` must be http(s)://host[/path]"
            )));
        }
        let header = |what: &str, v: String| {
            HeaderValue::from_str(&v)
                .map_err(|_| Error::Config(format!("{what} `{v}` is not a valid header value")))
        };
        let user_agent = header(
            "user agent",
            self.user_agent.unwrap_or_else(|| {
                concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).into()
            }),
        )?;
        let api_version = header(
            "API version",
            self.api_version
                .unwrap_or_else(|| DEFAULT_API_VERSION.into()),
        )?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                .build()
                .map_err(|e| Error::Config(format!("building the HTTP client: {e}")))?,
        };
        let auth = match (self.token, &self.app) {
            (Some(token), _) => Auth::Token(token),
            (None, Some(credentials)) => Auth::App(Arc::new(AppAuth::new(
                credentials.clone(),
                self.clock
                    .map_or_else(|| Arc::new(SystemClock) as Arc<dyn Clock>, |c| c.0),
                self.token_refresh_margin
                    .unwrap_or(DEFAULT_TOKEN_REFRESH_MARGIN),
            ))),
            (None, None) => Auth::None,
        };
        let shared = Shared {
            auth,
            user_agent,
            api_version,
            retry: self.retry,
        };
        let client = generated::Client::new_with_client(&base_url, http, shared);
        match self.installation {
            Some(target) => {
                installation_client(&client, target, self.token_scope.unwrap_or_default())
            }
            None => Ok(client),
        }
    }
}

/// A client for one installation, minting through the App-level `app`
/// client and sharing its HTTP pool, JWT and token cache.
pub(crate) fn installation_client(
    app: &Client,
    target: Target,
    scope: TokenScope,
) -> Result<Client, Error> {
    let auth = InstallationAuth::new(app, target, scope).ok_or_else(|| {
        Error::Config("an installation client needs a client built with App credentials".into())
    })?;
    let mut shared = app.inner.clone();
    shared.auth = Auth::Installation(Arc::new(auth));
    Ok(generated::Client::new_with_client(
        &app.baseurl,
        app.client.clone(),
        shared,
    ))
}
