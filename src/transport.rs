//! Shapes every request the generated client sends: GitHub's headers and
//! authentication, limits the description sets, and the retry policy.
//!
//! progenitor calls these hooks for each operation; the paginator calls them
//! for each `next` page, so every request takes the same path.

use reqwest::header::{ACCEPT, HeaderValue, USER_AGENT};

use crate::auth::{self, Auth};
use crate::generated::{self, ClientInfo};
use crate::retry::{self, RetryPolicy};
use progenitor_client::{ClientHooks, OperationInfo};

/// GitHub's media type for the REST API.
pub const ACCEPT_GITHUB_JSON: &str = "application/vnd.github+json";
/// The REST API version this SDK is written against.
pub const DEFAULT_API_VERSION: &str = "2022-11-28";
/// The header progenitor adds with the description's `info.version`; GitHub
/// does not know it, so it never leaves this client.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// Configuration shared by every request of one [`Client`](crate::Client).
///
/// Opaque: build it with [`Client::builder`](crate::Client::builder).
#[derive(Clone)]
pub struct Shared {
    pub(crate) auth: Auth,
    pub(crate) user_agent: HeaderValue,
    pub(crate) api_version: HeaderValue,
    pub(crate) retry: Option<RetryPolicy>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `Auth`'s Debug leaves every secret out, not even its length.
        f.debug_struct("Shared")
            .field("auth", &self.auth)
            .field("user_agent", &self.user_agent)
            .field("api_version", &self.api_version)
            .field("retry", &self.retry)
            .finish()
    }
}

impl Shared {
    /// Sets GitHub's headers on a request and checks the description's limits.
    pub(crate) fn prepare(
        &self,
        request: &mut reqwest::Request,
        operation_id: &str,
    ) -> Result<(), String> {
        check_limits(request, operation_id)?;
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_VERSION_HEADER);
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_GITHUB_JSON));
        headers.insert(USER_AGENT, self.user_agent.clone());
        headers.insert("x-github-api-version", self.api_version.clone());
        // App JWTs and installation tokens are set in `exec`, where a
        // rejected one can be renewed and the request sent again.
        if let Auth::Token(token) = &self.auth {
            auth::set_bearer(request, token)?;
        }
        Ok(())
    }
}

/// Refuses a request whose array query parameter has more items than the
/// description's `maxItems`, before it is sent.
fn check_limits(request: &reqwest::Request, operation_id: &str) -> Result<(), String> {
    for (op, name, max) in generated::QUERY_ARRAY_LIMITS {
        if *op != operation_id {
            continue;
        }
        let count = request
            .url()
            .query_pairs()
            .filter(|(k, _)| k == name)
            .count();
        if count > *max {
            return Err(format!(
                "`{}` takes at most {max} items, got {count}",
                name.trim_end_matches("[]")
            ));
        }
    }
    Ok(())
}

impl ClientHooks<Shared> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.inner()
            .prepare(request, info.operation_id)
            .map_err(progenitor_client::Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let shared = self.inner();
        match &shared.auth {
            Auth::App(app) => {
                app.execute(self.client(), shared.retry.as_ref(), request)
                    .await
            }
            Auth::Installation(installation) => installation.execute(self, request).await,
            Auth::None | Auth::Token(_) => {
                retry::execute(self.client(), shared.retry.as_ref(), request).await
            }
        }
    }
}
