//! What every request of a client carries whatever its authentication:
//! GitHub's media type, API version and a `User-Agent`, the retry policy,
//! the clock and the cache. An App-level client and the installation
//! clients made from it share one [`Settings`].

use std::sync::Arc;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};
use reqwest::{Request, Response};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::cache::CacheStore;
use crate::clock::{Clock, Received};
use crate::retry::{self, RetryPolicy};

/// This crate's version, as its `User-Agent` sends it
/// (`github-pat-grants/0.1.0`).
///
/// ```
/// println!("built with github-pat-grants {}", github_pat_grants::VERSION);
/// ```
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// GitHub's media type for the REST API.
pub const ACCEPT_GITHUB_JSON: &str = "application/vnd.github+json";
/// The REST API version this SDK is written against.
pub const DEFAULT_API_VERSION: &str = "2022-11-28";
/// The header progenitor adds with the description's `info.version`; GitHub
/// does not know it, so it never leaves this client.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// The headers, retry policy and clock of every request of a client.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) user_agent: HeaderValue,
    pub(crate) api_version: HeaderValue,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) clock: Arc<dyn Clock>,
    /// Where answers are kept for conditional requests; none unless set.
    pub(crate) cache: Option<Arc<dyn CacheStore>>,
}

impl Settings {
    /// Sets GitHub's headers on a request (credentials are set apart).
    pub(crate) fn apply(&self, request: &mut Request) {
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_VERSION_HEADER);
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_GITHUB_JSON));
        headers.insert(USER_AGENT, self.user_agent.clone());
        headers.insert("x-github-api-version", self.api_version.clone());
    }

    /// Sends a prepared request with the retry policy, on the clock, and
    /// dates the answer on it ([`Received`]).
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        request: Request,
    ) -> reqwest::Result<Response> {
        let clock = &*self.clock;
        let mut response = retry::execute(http, self.retry.as_ref(), clock, request).await?;
        response.extensions_mut().insert(Received(clock.now()));
        Ok(response)
    }
}

/// Sets `Authorization: Bearer ...`, marked sensitive so that HTTP libraries
/// keep it out of their logs.
pub(crate) fn set_bearer(request: &mut Request, secret: &SecretString) -> Result<(), String> {
    // The header keeps its own copy; this one is zeroized when dropped.
    let bearer = Zeroizing::new(format!("Bearer {}", secret.expose_secret()));
    let mut value = HeaderValue::from_str(&bearer)
        .map_err(|_| "the token contains characters not allowed in an HTTP header".to_string())?;
    value.set_sensitive(true);
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}
