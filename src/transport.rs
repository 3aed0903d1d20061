//! The configuration every request of a client carries ([`Shared`]), and
//! how a request is sent: GitHub's headers and the client's authentication,
//! renewing credentials GitHub rejects, with the retry policy.
//!
//! The generated client holds a `Shared` and progenitor calls the SDK's
//! hooks (`hooks.rs`) for each operation, which prepare and send here; the
//! paginator sends each `next` page here too, so every request takes the
//! same path.

use reqwest::{Request, Response};

use crate::auth::Auth;
use crate::settings::{Settings, set_bearer};

/// Configuration shared by every request of one [`Client`](crate::Client).
///
/// Opaque: build it with [`Client::builder`](crate::Client::builder).
#[derive(Clone)]
pub struct Shared {
    pub(crate) auth: Auth,
    pub(crate) settings: Settings,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `Auth`'s Debug leaves every secret out, not even its length.
        f.debug_struct("Shared")
            .field("auth", &self.auth)
            .field("user_agent", &self.settings.user_agent)
            .field("api_version", &self.settings.api_version)
            .field("retry", &self.settings.retry)
            .finish()
    }
}

impl Shared {
    /// Sets GitHub's headers on a request, and a static token.
    pub(crate) fn prepare(&self, request: &mut Request) -> Result<(), String> {
        self.settings.apply(request);
        // App JWTs and installation tokens are set in `send`, where a
        // rejected one can be renewed and the request sent again.
        match &self.auth {
            Auth::Token(token) => set_bearer(request, token)?,
            // No credentials means none at all: not even the basic
            // authentication reqwest derives from a base URL's userinfo.
            Auth::None => {
                request.headers_mut().remove(reqwest::header::AUTHORIZATION);
            }
            Auth::App(_) | Auth::Installation(_) => {}
        }
        Ok(())
    }

    /// Sends a prepared request with the client's authentication, retry
    /// policy and clock.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        request: Request,
    ) -> reqwest::Result<Response> {
        let settings = &self.settings;
        match &self.auth {
            Auth::App(app) => app.execute(http, settings, request).await,
            Auth::Installation(installation) => installation.execute(request).await,
            Auth::None | Auth::Token(_) => settings.send(http, request).await,
        }
    }
}
