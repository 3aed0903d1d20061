//! A SAML SSO credential authorization: a classic personal access token,
//! an SSH key, an OAuth app token or a GitHub App user token a member
//! authorized for an organization, as `GET /orgs/{org}/credential-authorizations`
//! lists it (GitHub Enterprise Cloud's `credential-authorization`).

use crate::builder::{setters, strings};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::model::token::default_time;
use crate::wire::{self, Time};

/// One credential a member authorized for an organization that uses SAML
/// single sign-on.
///
/// ```
/// use chrono::{TimeDelta, Utc};
/// use github_standin::Credential;
///
/// let now = Utc::now();
/// let classic = Credential::personal_access_token(161195, "octocat")
///     .scopes(["repo", "admin:org"])
///     .note("deploy")
///     .authorized_at(now - TimeDelta::days(30))
///     .accessed_at(Some(now - TimeDelta::days(1)))
///     .expires_at(None);
/// let key = Credential::ssh_key(161199, "hubot").title("laptop");
/// assert_eq!(classic.to_json()["scopes"][1], "admin:org");
/// assert_eq!(key.to_json()["credential_type"], "SSH key");
/// assert!(key.to_json().get("token_last_eight").is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Credential {
    pub(crate) credential_id: i64,
    pub(crate) login: String,
    pub(crate) credential_type: &'static str,
    pub(crate) scopes: Vec<String>,
    pub(crate) authorized_at: DateTime<Utc>,
    pub(crate) accessed_at: Option<DateTime<Utc>>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) note: Option<String>,
    pub(crate) title: Option<String>,
}

impl Credential {
    fn new(credential_id: i64, login: impl Into<String>, credential_type: &'static str) -> Self {
        Credential {
            credential_id,
            login: login.into(),
            credential_type,
            authorized_at: default_time(),
            ..Credential::default()
        }
    }

    /// A classic personal access token of `login`.
    pub fn personal_access_token(credential_id: i64, login: impl Into<String>) -> Self {
        Credential::new(credential_id, login, "personal access token")
    }

    /// An OAuth app token of `login`.
    pub fn oauth_app_token(credential_id: i64, login: impl Into<String>) -> Self {
        Credential::new(credential_id, login, "OAuth app token")
    }

    /// A GitHub App user-to-server token of `login`.
    pub fn github_app_token(credential_id: i64, login: impl Into<String>) -> Self {
        Credential::new(credential_id, login, "GitHub app token")
    }

    /// An SSH key of `login` (no scopes, no expiry, a fingerprint).
    pub fn ssh_key(credential_id: i64, login: impl Into<String>) -> Self {
        Credential::new(credential_id, login, "SSH key")
    }

    /// The credential's authorization id (`credential_id`).
    pub fn id(&self) -> i64 {
        self.credential_id
    }

    setters! {
        /// The OAuth scopes the token holds.
        scopes(scopes: impl IntoIterator<Item = impl Into<String>>) => strings,
        /// When it was authorized for the organization.
        authorized_at(authorized_at: DateTime<Utc>),
        /// When it was last used on the organization; `None`: never.
        accessed_at(accessed_at: Option<DateTime<Utc>>),
        /// When the token expires; `None`: never (or an SSH key).
        expires_at(expires_at: Option<DateTime<Utc>>),
        /// The token's note (tokens only).
        note(note: impl Into<String>) => |note| Some(Into::into(note)),
        /// The key's title (SSH keys only).
        title(title: impl Into<String>) => |title| Some(Into::into(title)),
    }

    /// The credential as GitHub's JSON: the fields of its type only (a
    /// token's last eight characters, note and expiry; a key's fingerprint
    /// and title), as the description's example shows them.
    pub fn to_json(&self) -> Value {
        wire::to_value(self)
    }
}

/// The JSON GitHub lists a credential authorization as.
#[derive(Serialize)]
struct Authorization<'a> {
    login: &'a str,
    credential_id: i64,
    credential_type: &'a str,
    credential_authorized_at: Time,
    credential_accessed_at: Option<Time>,
    authorized_credential_id: i64,
    #[serde(flatten)]
    own: Own<'a>,
}

/// What only a key, or only a token, has.
#[derive(Serialize)]
#[serde(untagged)]
enum Own<'a> {
    Key {
        fingerprint: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        authorized_credential_title: Option<&'a str>,
    },
    Token {
        token_last_eight: String,
        scopes: &'a [String],
        authorized_credential_expires_at: Option<Time>,
        #[serde(skip_serializing_if = "Option::is_none")]
        authorized_credential_note: Option<&'a str>,
    },
}

impl Serialize for Credential {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let id = self.credential_id;
        let hash = wire::mix(id as u64);
        let own = if self.credential_type == "SSH key" {
            Own::Key {
                fingerprint: format!("SHA256:{hash:043x}"),
                authorized_credential_title: self.title.as_deref(),
            }
        } else {
            Own::Token {
                token_last_eight: format!("{:08x}", hash as u32),
                scopes: &self.scopes,
                authorized_credential_expires_at: self.expires_at.map(Time),
                authorized_credential_note: self.note.as_deref(),
            }
        };
        Authorization {
            login: &self.login,
            credential_id: id,
            credential_type: self.credential_type,
            credential_authorized_at: Time(self.authorized_at),
            credential_accessed_at: self.accessed_at.map(Time),
            authorized_credential_id: id + 10_000_000,
            own,
        }
        .serialize(s)
    }
}
