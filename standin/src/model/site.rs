//! What a GitHub Enterprise Server site administrator sees of the whole
//! instance: every user's classic tokens (`authorization`, as
//! `GET /admin/tokens` lists them) and every SSH key, users' and deploy
//! keys (`public-key-full`, as `GET /admin/keys` lists them).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::builder::{setters, strings};
use crate::clock::rfc3339;
use crate::model::token::default_time;
use crate::wire::{self, Account};

/// A user's classic personal access token on the instance.
///
/// ```
/// use chrono::{TimeDelta, Utc};
/// use github_standin::SiteToken;
///
/// let deploy = SiteToken::new(1, "octocat")
///     .scopes(["repo", "admin:org"])
///     .note("deploy")
///     .expires_at(Some(Utc::now() + TimeDelta::days(7)))
///     .value("ghp_the_token_itself");
/// # let _ = deploy;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteToken {
    pub(crate) id: i64,
    pub(crate) login: String,
    scopes: Vec<String>,
    note: Option<String>,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    /// The token's SHA-256 (hex), and its last eight characters: never the token.
    pub(crate) hashed_token: String,
    last_eight: String,
}

impl SiteToken {
    /// Token `id` of user `login`, without scopes, note or expiry (its
    /// value, unless [`value`](Self::value) says, `ghp_` and the id on 36 digits).
    pub fn new(id: i64, login: impl Into<String>) -> Self {
        let token = SiteToken {
            id,
            login: login.into(),
            created_at: default_time(),
            ..SiteToken::default()
        };
        token.value(&format!("ghp_{id:036}"))
    }

    /// The token itself: its hash and last eight characters are listed, and
    /// GitHub refuses to delete it with a request it authenticates (in use).
    /// Only its hash is kept.
    pub fn value(mut self, token: &str) -> Self {
        self.hashed_token = wire::sha256(token.as_bytes());
        let tail = token.char_indices().rev().nth(7).map_or(0, |(at, _)| at);
        self.last_eight = token[tail..].to_string();
        self
    }

    setters! {
        /// The OAuth scopes the token holds.
        scopes(scopes: impl IntoIterator<Item = impl Into<String>>) => strings,
        /// The token's note.
        note(note: impl Into<String>) => |note| Some(Into::into(note)),
        /// When it was created (and last updated).
        created_at(created_at: DateTime<Utc>),
        /// When it expires; `None`: never.
        expires_at(expires_at: Option<DateTime<Utc>>),
    }

    /// GitHub's `authorization` for the token, under the instance's `base`
    /// URL; the token itself is never listed (`token` is empty).
    pub(crate) fn json(&self, base: &str) -> Value {
        let docs = "https://docs.github.com/enterprise-server@3.19/rest/enterprise-admin/users";
        json!({
            "id": self.id, "url": format!("{base}/authorizations/{}", self.id),
            "app": {"client_id": "00000000000000000000", "name": self.note.clone().unwrap_or_default(), "url": docs},
            "token": "", "hashed_token": self.hashed_token, "token_last_eight": self.last_eight,
            "note": self.note, "note_url": null, "scopes": self.scopes, "fingerprint": null,
            "created_at": rfc3339(self.created_at), "updated_at": rfc3339(self.created_at),
            "user": Account::user(&self.login), "expires_at": self.expires_at.map(rfc3339),
        })
    }
}

/// An SSH key on the instance: a user's, or a repository's deploy key.
///
/// ```
/// use chrono::Utc;
/// use github_standin::SiteKey;
///
/// let laptop = SiteKey::user(1, "octocat").last_used(Some(Utc::now()));
/// let deploy = SiteKey::deploy(2, 1296269).read_only(false).added_by("hubot");
/// # let _ = (laptop, deploy);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteKey {
    pub(crate) id: i64,
    pub(crate) user: Option<String>,
    repository_id: Option<i64>,
    read_only: bool,
    verified: bool,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) last_used: Option<DateTime<Utc>>,
    pub(crate) added_by: Option<String>,
}

impl SiteKey {
    fn new(id: i64, user: Option<String>, repository_id: Option<i64>) -> Self {
        SiteKey {
            id,
            added_by: user.clone(),
            user,
            repository_id,
            read_only: repository_id.is_some(),
            verified: true,
            created_at: default_time(),
            last_used: None,
        }
    }

    /// Key `id` of user `login` (read and write, verified, never used).
    pub fn user(id: i64, login: impl Into<String>) -> Self {
        SiteKey::new(id, Some(login.into()), None)
    }

    /// Deploy key `id` of repository `repository_id` (read-only, verified, never used).
    pub fn deploy(id: i64, repository_id: i64) -> Self {
        SiteKey::new(id, None, Some(repository_id))
    }

    setters! {
        /// Whether it only reads (a deploy key's choice).
        read_only(read_only: bool),
        /// Whether GitHub verified it.
        verified(verified: bool),
        /// When it was added.
        created_at(created_at: DateTime<Utc>),
        /// When it was last used; `None`: never.
        last_used(last_used: Option<DateTime<Utc>>),
        /// Who added it (a user key's owner, by default).
        added_by(added_by: impl Into<String>) => |login| Some(Into::into(login)),
    }

    /// GitHub's `public-key-full` for the key, under the instance's `base` URL.
    pub(crate) fn json(&self, base: &str) -> Value {
        let (id, repository) = (self.id, self.repository_id);
        let url = repository.map_or(format!("{base}/user/keys/{id}"), |repo| {
            format!("{base}/repositories/{repo}/keys/{id}")
        });
        json!({
            "id": id, "key": format!("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{:016x}", wire::mix(id as u64)),
            "user_id": self.user.as_deref().map(wire::stable_id), "repository_id": repository,
            "url": url, "title": format!("key {id}"), "read_only": self.read_only, "verified": self.verified,
            "created_at": rfc3339(self.created_at), "added_by": self.added_by,
            "last_used": self.last_used.map(rfc3339), "enabled": true,
        })
    }
}
