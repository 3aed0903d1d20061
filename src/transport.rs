//! The configuration every request of a client carries ([`Shared`]), and
//! how a request is sent: GitHub's headers and the client's authentication,
//! renewing credentials GitHub rejects, with the retry policy.
//!
//! The generated client holds a `Shared` and progenitor calls the SDK's
//! hooks (`hooks.rs`) for each operation, which prepare and send here; the
//! paginator sends each `next` page here too, so every request takes the
//! same path.

use std::borrow::Cow;

use reqwest::{Method, Request, Response};
use secrecy::ExposeSecret;

use crate::auth::Auth;
use crate::cache::{self, FROM_CACHE};
use crate::settings::{Settings, set_bearer};

/// Configuration shared by every request of one [`Client`](crate::Client).
///
/// Opaque: build it with [`Client::builder`](crate::Client::builder).
// Derived Debug is safe: `Auth`'s leaves every secret out, not even its
// length, and the settings hold none.
#[derive(Clone, Debug)]
pub struct Shared {
    pub(crate) auth: Auth,
    pub(crate) settings: Settings,
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
    /// policy and clock; a `GET` conditionally when the client has a cache.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        mut request: Request,
    ) -> reqwest::Result<Response> {
        let store = self.settings.cache.as_deref();
        let Some(store) = store.filter(|_| request.method() == Method::GET) else {
            return self.send_now(http, request).await;
        };
        let key = self.cache_key(&request);
        let kept = cache::prepare(store, &key, &mut request);
        let response = self.send_now(http, request).await?;
        cache::settle(store, &key, kept, response).await
    }

    async fn send_now(
        &self,
        http: &reqwest::Client,
        request: Request,
    ) -> reqwest::Result<Response> {
        let settings = &self.settings;
        let mut response = match &self.auth {
            Auth::App(app) => app.execute(http, settings, request).await,
            Auth::Installation(installation) => installation.execute(request).await,
            Auth::None | Auth::Token(_) => settings.send(http, request).await,
        }?;
        // Only the SDK says an answer came from its cache.
        response.headers_mut().remove(FROM_CACHE);
        Ok(response)
    }

    /// The cache's key for `request` as this client sends it. A token is
    /// hashed into the key (never kept). An App's JWT changes every few
    /// minutes and an installation's token every hour, so those are known
    /// by what they are minted for: the App, and the installation with the
    /// token's scope. That relies on GitHub answering alike to every token
    /// minted for one installation and scope, as it documents a token's
    /// access to be the installation's permissions narrowed by the scope.
    fn cache_key(&self, request: &Request) -> String {
        let (kind, identity): (&[u8], Cow<'_, str>) = match &self.auth {
            Auth::None => return cache::key(request, &[b"none"]),
            Auth::Token(token) => (b"token", token.expose_secret().into()),
            Auth::App(app) => (b"app", format!("{:?}", app.credentials.issuer()).into()),
            Auth::Installation(installation) => (b"installation", installation.identity().into()),
        };
        cache::key(request, &[kind, identity.as_bytes()])
    }
}
