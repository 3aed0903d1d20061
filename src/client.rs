//! Building a [`Client`].

use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;

use crate::generated;
use crate::retry::RetryPolicy;
use crate::transport::{DEFAULT_API_VERSION, Shared};
use crate::{Client, Error};

/// GitHub's API on github.com.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";

/// Sets up a [`Client`]; start with [`Client::builder`].
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
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    token: Option<SecretString>,
    base_url: Option<String>,
    user_agent: Option<String>,
    api_version: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
}

impl ClientBuilder {
    /// The bearer token: a GitHub App installation token (this endpoint is
    /// for GitHub Apps only) or a personal access token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
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
    /// value that cannot be sent, or a `reqwest::Client` that cannot be built.
    pub fn build(self) -> Result<Client, Error> {
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
        let shared = Shared {
            token: self.token,
            user_agent,
            api_version,
            retry: self.retry,
        };
        Ok(generated::Client::new_with_client(&base_url, http, shared))
    }
}
