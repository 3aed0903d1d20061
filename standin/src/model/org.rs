//! An organization: its grants, its requests, its repositories, and how
//! its listings fail.

use std::collections::HashSet;
use std::sync::Arc;

use crate::builder::{setters, strings};
use crate::failure::Failure;
use crate::model::audit::AuditEvent;
use crate::model::credential::Credential;
use crate::model::installed::InstalledApp;
use crate::model::token::{Grant, TokenRequest};

/// What an organization holds of one kind (grants, requests, credential
/// authorizations, installed Apps, audit-log events): `count` generated
/// from `seed` first (`seeded`), then the ones listed; those the API took
/// out since (revoked, reviewed, removed); and how its listing fails.
/// Clones share the items: handlers copy a collection out of the lock and
/// write pages from the copy.
#[derive(Clone, Debug, Default)]
pub(crate) struct Collection<T> {
    pub(crate) seeded: Option<(usize, u64)>,
    pub(crate) listed: Arc<Vec<T>>,
    pub(crate) removed: Arc<HashSet<i64>>,
    pub(crate) failing: Option<Failure>,
}

impl<T: Clone> Collection<T> {
    /// How many items are generated from the seed.
    pub(crate) fn seeded_count(&self) -> usize {
        self.seeded.map_or(0, |(count, _)| count)
    }

    pub(crate) fn len(&self) -> usize {
        self.seeded_count() + self.listed.len()
    }

    /// Adds items, listed after those there.
    pub(crate) fn extend(&mut self, items: impl IntoIterator<Item = T>) {
        Arc::make_mut(&mut self.listed).extend(items);
    }

    /// Takes the items `ids` out of the listing.
    pub(crate) fn remove(&mut self, ids: impl IntoIterator<Item = i64>) {
        Arc::make_mut(&mut self.removed).extend(ids);
    }
}

/// Builder methods that each add items to the collection of their name,
/// listed in the order given after those there.
macro_rules! adders {
    ($($(#[$doc:meta])* $name:ident: $item:ty,)*) => {
        $($(#[$doc])* pub fn $name(mut self, items: impl IntoIterator<Item = $item>) -> Self {
            self.$name.extend(items);
            self
        })*
    };
}

/// An organization the stand-in serves.
///
/// ```
/// use github_standin::{Failure, Grant, Org, TokenRequest};
///
/// let acme = Org::new("acme", 652551)
///     .grants([Grant::new(1), Grant::new(2)])
///     .requests([TokenRequest::new(100)])
///     .repositories(["Hello-World", "infra"]);
/// let big = Org::new("big", 7).seeded_grants(10_000, 1);
/// let locked = Org::new("locked", 8).failing(Failure::Forbidden);
/// # let _ = (acme, big, locked);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Org {
    pub(crate) login: String,
    pub(crate) id: u64,
    pub(crate) grants: Collection<Grant>,
    pub(crate) requests: Collection<TokenRequest>,
    pub(crate) repositories: Arc<Vec<String>>,
    pub(crate) failing_ids: Arc<HashSet<i64>>,
    /// Uses SAML single sign-on: its credential authorizations are listed.
    pub(crate) saml_sso: bool,
    pub(crate) credentials: Collection<Credential>,
    pub(crate) installed_apps: Collection<InstalledApp>,
    /// Newest first once serving (see [`Org::serving`]).
    pub(crate) audit_log: Collection<AuditEvent>,
}

impl Org {
    /// An organization with this login and numeric id (which GitHub's
    /// `Link` URLs use: `/organizations/{id}/...`), without grants,
    /// requests or repositories.
    pub fn new(login: impl Into<String>, id: u64) -> Self {
        Org {
            login: login.into(),
            id,
            ..Org::default()
        }
    }

    /// The organization's login.
    pub fn login(&self) -> &str {
        &self.login
    }

    adders! {
        /// Adds grants, listed in this order after any seeded ones.
        grants: Grant,
        /// Adds pending requests, listed in this order after any seeded ones.
        requests: TokenRequest,
        /// Adds Apps installed on the organization (`GET /orgs/{org}/installations`).
        installed_apps: InstalledApp,
        /// Adds events to the organization's audit log (served newest first,
        /// whatever the order given).
        audit_log: AuditEvent,
    }

    setters! {
        /// Makes the grants listing (and its repositories) fail this way, always.
        failing_grants(grants.failing: Failure) => Some,
        /// Makes the requests listing (and its repositories) fail this way, always.
        failing_requests(requests.failing: Failure) => Some,
        /// Makes the credential authorizations listing (and removals) fail this way.
        failing_credentials(credentials.failing: Failure) => Some,
        /// Makes the installations listing fail this way.
        failing_installations(installed_apps.failing: Failure) => Some,
        /// Makes the audit log fail this way, always: [`Failure::NotFound`] is
        /// GitHub's answer for an organization without one (not on GitHub
        /// Enterprise Cloud), [`Failure::Forbidden`] for an App without the
        /// organization permission "Administration" (read).
        failing_audit_log(audit_log.failing: Failure) => Some,
        /// Names the organization's repositories: what a grant or request with
        /// `repository_selection: all` reaches.
        repositories(repositories: impl IntoIterator<Item = impl Into<String>>) => |names| Arc::new(strings(names)),
        /// Whether the organization uses SAML single sign-on (see [`credentials`](Self::credentials)).
        saml_sso(saml_sso: bool),
    }

    /// `count` grants generated from `seed` on demand (see [`Grant::seeded`]),
    /// so that 100,000 cost no memory; their times are relative to the
    /// stand-in's [`as_of`](crate::Builder::as_of).
    pub fn seeded_grants(mut self, count: usize, seed: u64) -> Self {
        self.grants.seeded = Some((count, seed));
        self
    }

    /// `count` requests generated from `seed` (see [`TokenRequest::seeded`]).
    pub fn seeded_requests(mut self, count: usize, seed: u64) -> Self {
        self.requests.seeded = Some((count, seed));
        self
    }

    /// A revocation or review carrying one of these ids fails whole (422
    /// `Validation Failed`), as a batch fails on GitHub when one of its
    /// items cannot be updated.
    pub fn failing_ids(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        Arc::make_mut(&mut self.failing_ids).extend(ids);
        self
    }

    /// Makes both listings fail this way.
    pub fn failing(self, failure: Failure) -> Self {
        self.failing_grants(failure.clone())
            .failing_requests(failure)
    }

    /// Uses SAML single sign-on (GitHub Enterprise Cloud) and lists these
    /// credential authorizations, in this order. Without SAML SSO (the
    /// default) the listing answers 404, as it does on GitHub.com.
    pub fn credentials(mut self, credentials: impl IntoIterator<Item = Credential>) -> Self {
        self.saml_sso = true;
        self.credentials.extend(credentials);
        self
    }

    /// The App lacks the organization permission "Administration" (read):
    /// both the credential authorizations and the installations listings
    /// answer 403 `Resource not accessible by integration`.
    pub fn without_administration(self) -> Self {
        self.failing_credentials(Failure::Forbidden)
            .failing_installations(Failure::Forbidden)
    }
    /// The organization as it is served: its audit log newest first, each
    /// event with the organization's members.
    pub(crate) fn serving(mut self) -> Self {
        let events = Arc::unwrap_or_clone(std::mem::take(&mut self.audit_log.listed));
        self.audit_log.listed = Arc::new(AuditEvent::newest_first(&self.login, self.id, events));
        self
    }
}
