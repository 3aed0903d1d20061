//! A pending request: a fine-grained token asking for access to an organization.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::json;
use crate::model::grant::default_time;
use crate::model::permissions::{Permissions, Text};

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
#[derive(Clone, Debug, PartialEq)]
pub struct TokenRequest {
    pub(crate) id: i64,
    pub(crate) token_id: i64,
    pub(crate) token_name: Text,
    pub(crate) owner: Text,
    pub(crate) reason: Option<Text>,
    pub(crate) repository_selection: Text,
    pub(crate) repositories: Vec<Text>,
    pub(crate) permissions: Permissions,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) token_expires_at: Option<DateTime<Utc>>,
    pub(crate) token_last_used_at: Option<DateTime<Utc>>,
}

impl TokenRequest {
    /// A request with id (`pat_request_id`) `id`, token id `2000 + id`,
    /// token name `request-{id}`, owner `octocat`, selected repositories
    /// (none named), no permissions, made on 2025-01-01, no reason.
    pub fn new(id: i64) -> Self {
        TokenRequest {
            id,
            token_id: 2000 + id,
            token_name: format!("request-{id}").into(),
            owner: "octocat".into(),
            reason: None,
            repository_selection: "subset".into(),
            repositories: Vec::new(),
            permissions: Permissions::default(),
            created_at: default_time(),
            token_expires_at: None,
            token_last_used_at: None,
        }
    }

    /// The request's id (`pat_request_id`).
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

    /// Sets why the owner asks.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(Text::Owned(reason.into()));
        self
    }

    /// Sets `repository_selection`: `all`, `subset` or `none`.
    pub fn repository_selection(mut self, selection: impl Into<String>) -> Self {
        self.repository_selection = Text::Owned(selection.into());
        self
    }

    /// Names the repositories a `subset` request asks for.
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

    /// Sets when the request was made.
    pub fn created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = at;
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

    /// The request as GitHub's JSON, its `repositories_url` under
    /// `base_url` and organization `org_id`, `token_expired` as of `as_of`.
    pub fn to_json(&self, base_url: &str, org_id: u64, as_of: DateTime<Utc>) -> Value {
        json::to_value(|out| self.write_json(out, base_url, org_id, as_of))
    }

    /// Appends the request's JSON to `out`: what the stand-in serves.
    pub(crate) fn write_json(
        &self,
        out: &mut String,
        base: &str,
        org_id: u64,
        as_of: DateTime<Utc>,
    ) {
        let expired = self.token_expires_at.is_some_and(|t| t <= as_of);
        out.push_str("{\"id\":");
        json::int(out, self.id);
        out.push_str(",\"reason\":");
        json::optional_string(out, self.reason.as_deref());
        out.push_str(",\"owner\":");
        json::user(out, &self.owner);
        out.push_str(",\"repository_selection\":");
        json::string(out, &self.repository_selection);
        let _ = write!(
            out,
            ",\"repositories_url\":\"{base}/organizations/{org_id}/personal-access-token-requests/{}/repositories\",\
             \"permissions\":",
            self.id
        );
        self.permissions.write_json(out);
        out.push_str(",\"created_at\":");
        json::time(out, self.created_at);
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
