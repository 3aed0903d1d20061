//! What the stand-in knows while it serves: its settings, its clock, and
//! the world the API areas read and change, behind one lock.
//!
//! Each API area keeps its part here: an organization's grants and requests
//! ([`OrgState`]), the App and the tokens minted for it ([`Tokens`]), the
//! faults, the rate-limit window, the log and the webhook receiver. A new
//! area adds its part as a field and its routes as a module.
//!
//! Handlers hold the lock only to read or change the world; pages are
//! written after it is released, from shared snapshots (`Arc`s) of the items.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::failure::Failure;
use crate::faults::Faults;
use crate::headers::RateWindow;
use crate::keys::Secret;
use crate::log::{Delivery, Log};
use crate::model::{App, AuditEvent, Credential, Grant, InstalledApp, Items, Org, TokenRequest};

/// What is fixed when the stand-in starts.
#[derive(Debug)]
pub(crate) struct Settings {
    /// `http://127.0.0.1:PORT` plus the GitHub Enterprise Server prefix, if any.
    pub(crate) base_url: String,
    /// The prefix (`/api/v3`) or empty.
    pub(crate) prefix: String,
    /// Where `Link` URLs point: the base URL, or another origin's (a fault).
    pub(crate) link_base: String,
    pub(crate) latency: Duration,
    pub(crate) next_links_only: bool,
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
}

/// A listing of an organization (grants or requests) and what the API did to it.
#[derive(Clone, Debug)]
pub(crate) struct Collection<T> {
    pub(crate) items: Arc<Items<T>>,
    /// Revoked grants, or reviewed requests: no longer listed.
    pub(crate) removed: Arc<HashSet<i64>>,
    pub(crate) failing: Option<Failure>,
}

impl<T> Collection<T> {
    fn new(items: Items<T>, failing: Option<Failure>) -> Self {
        Collection {
            items: Arc::new(items),
            removed: Arc::default(),
            failing,
        }
    }
}

/// An organization while serving.
#[derive(Debug)]
pub(crate) struct OrgState {
    pub(crate) login: String,
    pub(crate) id: u64,
    pub(crate) repositories: Arc<Vec<String>>,
    pub(crate) grants: Collection<Grant>,
    pub(crate) requests: Collection<TokenRequest>,
    /// Updates carrying one of these fail whole.
    pub(crate) failing_ids: Arc<HashSet<i64>>,
    /// Uses SAML single sign-on, without which its credential
    /// authorizations are not listed (404).
    pub(crate) saml_sso: bool,
    /// Its SAML credential authorizations; removed ones are no longer listed.
    pub(crate) credentials: Collection<Credential>,
    /// The Apps installed on it.
    pub(crate) installed_apps: (Arc<Vec<InstalledApp>>, Option<Failure>),
    /// The audit log, newest first, each event with its `_document_id`.
    pub(crate) audit_log: Arc<Vec<AuditEvent>>,
    pub(crate) failing_audit_log: Option<Failure>,
}

impl From<Org> for OrgState {
    fn from(org: Org) -> Self {
        let audit_log = AuditEvent::newest_first(&org.login, org.id, org.audit_log);
        OrgState {
            login: org.login,
            id: org.id,
            repositories: Arc::new(org.repositories),
            grants: Collection::new(org.grants, org.failing_grants),
            requests: Collection::new(org.requests, org.failing_requests),
            failing_ids: Arc::new(org.failing_ids.into_iter().collect()),
            saml_sso: org.saml_sso,
            credentials: Collection::new(
                Items {
                    seeded: None,
                    listed: org.credentials,
                },
                org.failing_credentials,
            ),
            installed_apps: (Arc::new(org.installed_apps), org.failing_installations),
            audit_log: Arc::new(audit_log),
            failing_audit_log: org.failing_audit_log,
        }
    }
}

/// An installation token the stand-in minted.
#[derive(Clone)]
pub(crate) struct Minted {
    pub(crate) token: String,
    pub(crate) installation: i64,
    pub(crate) expires_at: DateTime<Utc>,
    /// Uses so far (for refusing fresh tokens).
    pub(crate) uses: usize,
    /// Refused from now on.
    pub(crate) revoked: bool,
}

impl fmt::Debug for Minted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Minted")
            .field("installation", &self.installation)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The tokens minted so far, in order, found by value.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    pub(crate) minted: Vec<Minted>,
    pub(crate) by_token: HashMap<String, usize>,
}

impl Tokens {
    pub(crate) fn get_mut(&mut self, token: &str) -> Option<&mut Minted> {
        let at = *self.by_token.get(token)?;
        self.minted.get_mut(at)
    }

    pub(crate) fn push(&mut self, minted: Minted) {
        self.by_token
            .insert(minted.token.clone(), self.minted.len());
        self.minted.push(minted);
    }
}

/// Where webhooks go, and the secret they are signed with.
#[derive(Clone, Debug)]
pub(crate) struct Receiver {
    pub(crate) url: String,
    pub(crate) secret: Secret,
}

/// What the API areas read and change.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) orgs: Vec<OrgState>,
    pub(crate) app: Option<App>,
    /// The static token, when one is set.
    pub(crate) token: Option<Secret>,
    pub(crate) tokens: Tokens,
    pub(crate) faults: Faults,
    pub(crate) rate: RateWindow,
    pub(crate) log: Log,
    pub(crate) receiver: Option<Receiver>,
    pub(crate) deliveries: Vec<Delivery>,
    /// The audit log's own hourly limit (1,750 on GitHub).
    pub(crate) audit_rate: RateWindow,
    /// Credentials sent to `POST /credentials/revoke` and accepted, in order.
    pub(crate) revoked_credentials: Vec<String>,
}

/// How an organization is named in a path: `/orgs/{login}` or `/organizations/{id}`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum OrgKey<'a> {
    Login(&'a str),
    Id(&'a str),
}

impl World {
    /// The organization, by login (case-insensitive, as GitHub's) or id.
    pub(crate) fn org(&self, key: OrgKey<'_>) -> Option<&OrgState> {
        self.orgs.iter().find(|o| match key {
            OrgKey::Login(login) => o.login.eq_ignore_ascii_case(login),
            OrgKey::Id(id) => o.id.to_string() == id,
        })
    }

    pub(crate) fn org_mut(&mut self, key: OrgKey<'_>) -> Option<&mut OrgState> {
        self.orgs.iter_mut().find(|o| match key {
            OrgKey::Login(login) => o.login.eq_ignore_ascii_case(login),
            OrgKey::Id(id) => o.id.to_string() == id,
        })
    }

    /// Whether requests need credentials at all.
    pub(crate) fn open(&self) -> bool {
        self.app.is_none() && self.token.is_none()
    }
}
