//! A fine-grained token's access to an organization: an approved grant or
//! a pending request, one shape for both.

use crate::builder::{setters, strings};
use chrono::{DateTime, TimeZone as _, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::model::permissions::{Permissions, Text};
use crate::wire::{self, Account, Time};

/// Text of a test's own.
fn owned(text: impl Into<String>) -> Text {
    Text::Owned(text.into())
}

/// The moment an item without a date of its own was granted or requested.
pub(crate) fn default_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A fine-grained personal access token's approved access to an
/// organization, as `GET /orgs/{org}/personal-access-tokens` lists it
/// (GitHub's `organization-programmatic-access-grant`).
///
/// ```
/// use chrono::{TimeDelta, Utc};
/// use github_standin::Grant;
///
/// let now = Utc::now();
/// let grant = Grant::new(25381)
///     .owner("octocat")
///     .token_name("deploy")
///     .permission("repository", "contents", "write")
///     .repositories(["Hello-World"])
///     .expires_at(Some(now + TimeDelta::days(30)));
/// let json = grant.to_json("https://api.github.com", 9919, now);
/// assert_eq!(json["permissions"]["repository"]["contents"], "write");
/// assert_eq!(json["token_expired"], false);
/// ```
pub type Grant = Token<Granted>;

/// A fine-grained personal access token's request for access to an
/// organization, as `GET /orgs/{org}/personal-access-token-requests` lists
/// it (GitHub's `organization-programmatic-access-grant-request`).
///
/// ```
/// use github_standin::TokenRequest;
///
/// let request = TokenRequest::new(77)
///     .owner("hubot")
///     .reason("release automation")
///     .permission("repository", "contents", "read");
/// let json = request.to_json("https://api.github.com", 9919, chrono::Utc::now());
/// assert_eq!(json["reason"], "release automation");
/// ```
pub type TokenRequest = Token<Requested>;

/// A [`Grant`] or a [`TokenRequest`]: what both are, and the builder
/// methods both have.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Token<K> {
    pub(crate) id: i64,
    pub(crate) token_id: i64,
    pub(crate) token_name: Text,
    pub(crate) owner: Text,
    pub(crate) repository_selection: Text,
    pub(crate) repositories: Vec<Text>,
    pub(crate) permissions: Permissions,
    /// When access was granted, or requested.
    pub(crate) at: DateTime<Utc>,
    pub(crate) token_expires_at: Option<DateTime<Utc>>,
    pub(crate) token_last_used_at: Option<DateTime<Utc>>,
    /// GitHub's `token_expired`, when a test forces it (a grant's only).
    pub(crate) token_expired: Option<bool>,
    /// Why the owner asks (a request's only).
    pub(crate) reason: Option<Text>,
    pub(crate) kind: K,
}

/// What a grant is: its builder methods and listing are a grant's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Granted;

/// What a request is: its builder methods and listing are a request's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Requested;

/// What differs between a grant and a request, to the listings and their JSON.
pub trait Kind: Clone + Default + Send + Sync + 'static {
    /// The listing's path segment, which `repositories_url` is under.
    #[doc(hidden)]
    const SEGMENT: &'static str;
    /// Item `index` of a seeded organization (`seed, org_id, index, as_of`).
    #[doc(hidden)]
    const SEEDED: fn(u64, u64, usize, DateTime<Utc>) -> Token<Self>;
    /// Whether `at` is when access was granted (`access_granted_at`), not
    /// when it was requested (`created_at`).
    #[doc(hidden)]
    const GRANTED: bool;
}

impl Kind for Granted {
    const SEGMENT: &'static str = "personal-access-tokens";
    const SEEDED: fn(u64, u64, usize, DateTime<Utc>) -> Grant = Grant::seeded;
    const GRANTED: bool = true;
}

impl Kind for Requested {
    const SEGMENT: &'static str = "personal-access-token-requests";
    const SEEDED: fn(u64, u64, usize, DateTime<Utc>) -> TokenRequest = TokenRequest::seeded;
    const GRANTED: bool = false;
}

/// The JSON GitHub lists a grant or a request as.
#[derive(Debug, Serialize)]
pub(crate) struct Listed<'a> {
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Option<&'a str>>,
    owner: Account<'a>,
    repository_selection: &'a str,
    repositories_url: String,
    permissions: &'a Permissions,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_granted_at: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<Time>,
    token_id: i64,
    token_name: &'a str,
    token_expired: bool,
    token_expires_at: Option<Time>,
    token_last_used_at: Option<Time>,
}

impl Grant {
    /// A grant with id (`pat_id`) `id`, token id `1000 + id`, token name
    /// `token-{id}`, owner `octocat`, selected repositories (none named), no
    /// permissions, granted on 2025-01-01, never used, never expiring.
    pub fn new(id: i64) -> Self {
        let name = format!("token-{id}").into();
        Token::with(id, 1000 + id, name)
    }

    setters! {
        /// Sets when access was granted.
        granted_at(at: DateTime<Utc>),
        /// Forces GitHub's `token_expired`, which is otherwise computed from the
        /// expiry and the stand-in's "as of" time.
        token_expired(token_expired: bool) => Some,
    }
}

impl TokenRequest {
    /// A request with id (`pat_request_id`) `id`, token id `2000 + id`,
    /// token name `request-{id}`, owner `octocat`, selected repositories
    /// (none named), no permissions, made on 2025-01-01, no reason.
    pub fn new(id: i64) -> Self {
        let name = format!("request-{id}").into();
        Token::with(id, 2000 + id, name)
    }

    setters! {
        /// Sets why the owner asks.
        reason(reason: impl Into<String>) => |reason| Some(owned(reason)),
        /// Sets when the request was made.
        created_at(at: DateTime<Utc>),
    }
}

impl<K: Kind> Token<K> {
    /// Owned by `octocat`, on selected repositories (none named), without
    /// permissions, at 2025-01-01, never used, never expiring.
    pub(crate) fn with(id: i64, token_id: i64, token_name: Text) -> Self {
        Token {
            id,
            token_id,
            token_name,
            owner: "octocat".into(),
            repository_selection: "subset".into(),
            at: default_time(),
            ..Token::default()
        }
    }

    /// The id (`pat_id`, or `pat_request_id`).
    pub fn id(&self) -> i64 {
        self.id
    }

    setters! {
        /// Sets the token id.
        token_id(token_id: i64),
        /// Sets the token name.
        token_name(token_name: impl Into<String>) => owned,
        /// Sets the owner's login.
        owner(owner: impl Into<String>) => owned,
        /// Sets `repository_selection`: `all`, `subset` or `none` (or anything
        /// else, to test a client's tolerance).
        repository_selection(repository_selection: impl Into<String>) => owned,
        /// Sets when the token expires; `None` for never.
        expires_at(token_expires_at: Option<DateTime<Utc>>),
        /// Sets when the token was last used; `None` for never.
        last_used_at(token_last_used_at: Option<DateTime<Utc>>),
        /// Names the repositories of a `subset` grant or request (its repositories listing).
        repositories(repositories: impl IntoIterator<Item = impl Into<String>>) => |names| strings(names).into_iter().map(Text::Owned).collect(),
    }

    /// Adds (or replaces) one permission, e.g. `("repository", "contents", "write")`.
    /// A scope besides `organization`, `repository` and `other` (say
    /// `("enterprise", "administration", "write")`) is served as GitHub
    /// would serve a permission group it adds: a client must not miss it.
    pub fn permission(mut self, scope: &str, name: &str, level: &str) -> Self {
        self.permissions
            .set(scope.to_string(), name.to_string(), level.to_string());
        self
    }

    /// As GitHub's JSON, its `repositories_url` under `base_url` and
    /// organization `org_id`, `token_expired` as of `as_of`.
    pub fn to_json(&self, base_url: &str, org_id: u64, as_of: DateTime<Utc>) -> Value {
        wire::to_value(&self.listed(base_url, org_id, as_of))
    }

    /// Where the repositories it reaches are listed, under `base` (empty
    /// for the path alone) and organization `org_id`.
    pub(crate) fn repositories_url(&self, base: &str, org_id: u64) -> String {
        let (segment, id) = (K::SEGMENT, self.id);
        format!("{base}/organizations/{org_id}/{segment}/{id}/repositories")
    }

    /// What the stand-in serves.
    pub(crate) fn listed<'a>(
        &'a self,
        base: &'a str,
        org_id: u64,
        as_of: DateTime<Utc>,
    ) -> Listed<'a> {
        let expired = self.token_expires_at.is_some_and(|t| t <= as_of);
        Listed {
            id: self.id,
            reason: (!K::GRANTED).then_some(self.reason.as_deref()),
            owner: Account::user(&self.owner),
            repository_selection: &self.repository_selection,
            repositories_url: self.repositories_url(base, org_id),
            permissions: &self.permissions,
            access_granted_at: K::GRANTED.then_some(Time(self.at)),
            created_at: (!K::GRANTED).then_some(Time(self.at)),
            token_id: self.token_id,
            token_name: &self.token_name,
            token_expired: self.token_expired.unwrap_or(expired),
            token_expires_at: self.token_expires_at.map(Time),
            token_last_used_at: self.token_last_used_at.map(Time),
        }
    }
}
