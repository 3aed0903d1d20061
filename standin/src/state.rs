//! What the stand-in knows while it serves: its settings, its clock, and
//! the world the API areas read and change, behind one lock.
//!
//! Each API area keeps its part here: the organizations, as tests made
//! them and as the API changed them (`model::Org`, one `Collection` of each
//! kind they hold), the App and the tokens minted for it ([`Minted`]), the
//! faults, the rate-limit window, the log and the webhook receiver. A new
//! area adds its part as a field (of the world or of `Org`) and its routes
//! as a module.
//!
//! Handlers hold the lock only to read or change the world; pages are
//! written after it is released, from shared snapshots (`Arc`s) of the items.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::faults::Faults;
use crate::headers::RateWindow;
use crate::keys::Secret;
use crate::log::{Delivery, Log, MintedToken};
use crate::model::{App, Org, Repo, SiteKey, SiteToken};

/// What is fixed when the stand-in starts.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    /// `http://127.0.0.1:PORT` plus the GitHub Enterprise Server prefix, if any.
    pub(crate) base_url: String,
    /// The prefix (`/api/v3`) or empty.
    pub(crate) prefix: String,
    /// Where `Link` URLs point: the base URL, or another origin's (a fault).
    pub(crate) link_base: String,
    pub(crate) latency: Duration,
    pub(crate) next_links_only: bool,
    pub(crate) ignore_owner_filters: bool,
    pub(crate) max_per_page: usize,
    /// The moment seeded items are generated relative to, and `token_expired` computed at.
    pub(crate) as_of: DateTime<Utc>,
    /// Makes minted tokens and delivery ids differ between runs.
    pub(crate) seed: u64,
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) settings: Settings,
    pub(crate) clock: Clock,
    pub(crate) world: Mutex<World>,
    /// Responses so far, numbering `x-github-request-id`.
    pub(crate) served: AtomicU64,
    /// Webhook deliveries so far, numbering their GUIDs.
    pub(crate) deliveries_sent: AtomicU64,
    /// Bytes of endless bodies sent so far (the hostile mode's), shared
    /// with the streams that send them.
    pub(crate) streamed: Arc<AtomicU64>,
    /// Sends webhook deliveries.
    pub(crate) http: reqwest::Client,
    /// Webhook deliveries started by the API (a review's `approved`), not yet finished.
    pub(crate) in_flight: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl Shared {
    /// The world, locked. A handler that panicked cannot leave it half
    /// changed in a way that matters to a test double, so a poisoned lock
    /// is taken as it is.
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The deliveries under way, locked (as the world is).
    pub(crate) fn in_flight(&self) -> MutexGuard<'_, Vec<tokio::task::JoinHandle<()>>> {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// An installation token the stand-in minted, as tests see it, and how it
/// has been used.
#[derive(Clone, Debug)]
pub(crate) struct Minted {
    pub(crate) token: MintedToken,
    /// Uses so far (for refusing fresh tokens).
    pub(crate) uses: usize,
    /// Refused from now on.
    pub(crate) revoked: bool,
}

/// Where webhooks go, and the secret they are signed with.
#[derive(Clone, Debug)]
pub(crate) struct Receiver {
    pub(crate) url: String,
    pub(crate) secret: Secret,
}

impl Receiver {
    pub(crate) fn new(url: impl Into<String>, secret: impl AsRef<[u8]>) -> Self {
        let (url, secret) = (url.into(), Secret::new(secret));
        Receiver { url, secret }
    }
}

/// What the API areas read and change.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub(crate) orgs: Vec<Org>,
    pub(crate) app: Option<App>,
    /// The static token, when one is set.
    pub(crate) token: Option<Secret>,
    /// The installation tokens minted so far, in order.
    pub(crate) tokens: Vec<Minted>,
    pub(crate) faults: Faults,
    pub(crate) rate: RateWindow,
    pub(crate) log: Log,
    pub(crate) receiver: Option<Receiver>,
    pub(crate) deliveries: Vec<Delivery>,
    /// The audit log's own hourly limit (1,750 on GitHub).
    pub(crate) audit_rate: RateWindow,
    /// Credentials sent to `POST /credentials/revoke` and accepted, in order.
    pub(crate) revoked_credentials: Vec<String>,
    pub(crate) site: Site,
    /// The repositories hosted, with their issues and labels.
    pub(crate) repos: Vec<Repo>,
}

/// GitHub Enterprise Server's site administration: the site administrator's
/// token (none: GitHub.com, without it), every user's classic tokens and
/// every SSH key, in the order listed.
#[derive(Debug, Default)]
pub(crate) struct Site {
    pub(crate) admin: Option<Secret>,
    pub(crate) tokens: Vec<SiteToken>,
    pub(crate) keys: Vec<SiteKey>,
}

/// How a path names an organization: `/orgs/{org}` by login,
/// `/organizations/{org_id}` by id (where GitHub's `Link`s point). Routes
/// name the parameter so, and handlers take this whichever form was asked.
#[derive(Clone, Debug)]
pub(crate) enum OrgKey {
    Login(String),
    Id(String),
}

impl<S: Send + Sync> FromRequestParts<S> for OrgKey {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        params
            .iter()
            .find_map(|(name, value)| match name {
                "org" => Some(OrgKey::Login(value.to_string())),
                "org_id" => Some(OrgKey::Id(value.to_string())),
                _ => None,
            })
            .ok_or_else(|| StatusCode::NOT_FOUND.into_response())
    }
}

/// A request to an organization's listing as its handlers read it: the
/// organization (in either form), the raw query string and the headers.
pub(crate) struct OrgQuery {
    pub(crate) key: OrgKey,
    pub(crate) raw: Option<String>,
    pub(crate) headers: HeaderMap,
}

impl<S: Send + Sync> FromRequestParts<S> for OrgQuery {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let key = OrgKey::from_request_parts(parts, state).await?;
        let (raw, headers) = (parts.uri.query().map(str::to_string), parts.headers.clone());
        Ok(OrgQuery { key, raw, headers })
    }
}

/// Routes `path` under both of GitHub's forms of an organization's path:
/// `/orgs/{org}` and `/organizations/{org_id}` .
pub(crate) fn both_forms(
    router: Router<Arc<Shared>>,
    path: &str,
    handler: MethodRouter<Arc<Shared>>,
) -> Router<Arc<Shared>> {
    router
        .route(&format!("/orgs/{{org}}{path}"), handler.clone())
        .route(&format!("/organizations/{{org_id}}{path}"), handler)
}

impl OrgKey {
    fn names(&self, org: &Org) -> bool {
        match self {
            OrgKey::Login(login) => org.login.eq_ignore_ascii_case(login),
            OrgKey::Id(id) => org.id.to_string() == *id,
        }
    }
}

impl World {
    /// The organization, by login (case-insensitive, as GitHub's) or id.
    pub(crate) fn org(&self, key: &OrgKey) -> Option<&Org> {
        self.orgs.iter().find(|o| key.names(o))
    }

    pub(crate) fn org_mut(&mut self, key: &OrgKey) -> Option<&mut Org> {
        self.orgs.iter_mut().find(|o| key.names(o))
    }

    /// The installation token `token`, when the stand-in minted it.
    pub(crate) fn minted(&mut self, token: &str) -> Option<&mut Minted> {
        self.tokens.iter_mut().find(|m| m.token.token == token)
    }

    /// Whether requests need credentials at all.
    pub(crate) fn open(&self) -> bool {
        self.app.is_none() && self.token.is_none()
    }
}
