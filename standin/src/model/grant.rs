//! An approved grant: a fine-grained token's access to an organization.

use std::fmt::Write as _;

use chrono::{DateTime, TimeZone as _, Utc};
use serde_json::Value;

use crate::json;
use crate::model::permissions::{Permissions, Text};

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
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    pub(crate) id: i64,
    pub(crate) token_id: i64,
    pub(crate) token_name: Text,
    pub(crate) owner: Text,
    pub(crate) repository_selection: Text,
    pub(crate) repositories: Vec<Text>,
    pub(crate) permissions: Permissions,
    pub(crate) access_granted_at: DateTime<Utc>,
    pub(crate) token_expires_at: Option<DateTime<Utc>>,
    pub(crate) token_last_used_at: Option<DateTime<Utc>>,
    pub(crate) token_expired: Option<bool>,
}

impl Grant {
    /// A grant with id (`pat_id`) `id`, token id `1000 + id`, token name
    /// `token-{id}`, owner `octocat`, selected repositories (none named), no
    /// permissions, granted on 2025-01-01, never used, never expiring.
    pub fn new(id: i64) -> Self {
        Grant {
            id,
            token_id: 1000 + id,
            token_name: format!("token-{id}").into(),
            owner: "octocat".into(),
            repository_selection: "subset".into(),
            repositories: Vec::new(),
            permissions: Permissions::default(),
            access_granted_at: default_time(),
            token_expires_at: None,
            token_last_used_at: None,
            token_expired: None,
        }
    }

    /// The grant's id (`pat_id`).
    pub fn id(&self) -> i64 {
        self.id
    }

    /// Sets the token id.
    pub fn token_id(mut self, id: i64) -> Self {
        self.token_id = id;
        self
    }

    /// Sets the token name.
    pub fn token_name(mut self, name: impl Into<String>) -> Self {
        self.token_name = Text::Owned(name.into());
        self
    }

    /// Sets the owner's login.
    pub fn owner(mut self, login: impl Into<String>) -> Self {
        self.owner = Text::Owned(login.into());
        self
    }

    /// Sets `repository_selection`: `all`, `subset` or `none` (or anything
    /// else, to test a client's tolerance).
    pub fn repository_selection(mut self, selection: impl Into<String>) -> Self {
        self.repository_selection = Text::Owned(selection.into());
        self
    }

    /// Names the repositories of a `subset` grant (its repositories listing).
    pub fn repositories<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.repositories = names.into_iter().map(|n| Text::Owned(n.into())).collect();
        self
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

    /// Sets when access was granted.
    pub fn granted_at(mut self, at: DateTime<Utc>) -> Self {
        self.access_granted_at = at;
        self
    }

    /// Sets when the token expires; `None` for never.
    pub fn expires_at(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.token_expires_at = at;
        self
    }

    /// Sets when the token was last used; `None` for never.
    pub fn last_used_at(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.token_last_used_at = at;
        self
    }

    /// Forces GitHub's `token_expired`, which is otherwise computed from the
    /// expiry and the stand-in's "as of" time.
    pub fn token_expired(mut self, expired: bool) -> Self {
        self.token_expired = Some(expired);
        self
    }

    /// The grant as GitHub's JSON, its `repositories_url` under `base_url`
    /// and organization `org_id`, `token_expired` as of `as_of`.
    pub fn to_json(&self, base_url: &str, org_id: u64, as_of: DateTime<Utc>) -> Value {
        json::to_value(|out| self.write_json(out, base_url, org_id, as_of))
    }

    /// Appends the grant's JSON to `out`: what the stand-in serves.
    pub(crate) fn write_json(
        &self,
        out: &mut String,
        base: &str,
        org_id: u64,
        as_of: DateTime<Utc>,
    ) {
        let expired = self
            .token_expired
            .unwrap_or(self.token_expires_at.is_some_and(|t| t <= as_of));
        out.push_str("{\"id\":");
        json::int(out, self.id);
        out.push_str(",\"owner\":");
        json::user(out, &self.owner);
        out.push_str(",\"repository_selection\":");
        json::string(out, &self.repository_selection);
        let _ = write!(
            out,
            ",\"repositories_url\":\"{base}/organizations/{org_id}/personal-access-tokens/{}/repositories\",\
             \"permissions\":",
            self.id
        );
        self.permissions.write_json(out);
        out.push_str(",\"access_granted_at\":");
        json::time(out, self.access_granted_at);
        out.push_str(",\"token_id\":");
        json::int(out, self.token_id);
        out.push_str(",\"token_name\":");
        json::string(out, &self.token_name);
        out.push_str(if expired {
            ",\"token_expired\":true,\"token_expires_at\":"
        } else {
            ",\"token_expired\":false,\"token_expires_at\":"
        });
        json::optional_time(out, self.token_expires_at);
        out.push_str(",\"token_last_used_at\":");
        json::optional_time(out, self.token_last_used_at);
        out.push('}');
    }
}
