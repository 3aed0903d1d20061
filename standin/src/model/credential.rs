//! A SAML SSO credential authorization: a classic personal access token,
//! an SSH key, an OAuth app token or a GitHub App user token a member
//! authorized for an organization, as `GET /orgs/{org}/credential-authorizations`
//! lists it (GitHub Enterprise Cloud's `credential-authorization`).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::model::grant::default_time;

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
#[derive(Clone, Debug, PartialEq, Eq)]
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
            scopes: Vec::new(),
            authorized_at: default_time(),
            accessed_at: None,
            expires_at: None,
            note: None,
            title: None,
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

    /// The OAuth scopes the token holds.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// When it was authorized for the organization.
    pub fn authorized_at(mut self, at: DateTime<Utc>) -> Self {
        self.authorized_at = at;
        self
    }

    /// When it was last used on the organization; `None`: never.
    pub fn accessed_at(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.accessed_at = at;
        self
    }

    /// When the token expires; `None`: never (or an SSH key).
    pub fn expires_at(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.expires_at = at;
        self
    }

    /// The token's note (tokens only).
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// The key's title (SSH keys only).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    fn is_key(&self) -> bool {
        self.credential_type == "SSH key"
    }

    /// The credential as GitHub's JSON: the fields of its type only (a
    /// token's last eight characters, note and expiry; a key's fingerprint
    /// and title), as the description's example shows them.
    pub fn to_json(&self) -> Value {
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let id = self.credential_id;
        let mut o = Map::new();
        o.insert("login".into(), json!(self.login));
        o.insert("credential_id".into(), json!(id));
        o.insert("credential_type".into(), json!(self.credential_type));
        o.insert(
            "credential_authorized_at".into(),
            json!(time(self.authorized_at)),
        );
        o.insert(
            "credential_accessed_at".into(),
            json!(self.accessed_at.map(time)),
        );
        o.insert("authorized_credential_id".into(), json!(id + 10_000_000));
        if self.is_key() {
            o.insert(
                "fingerprint".into(),
                json!(format!("SHA256:{:043x}", crate::json::mix(id as u64))),
            );
            if let Some(title) = &self.title {
                o.insert("authorized_credential_title".into(), json!(title));
            }
        } else {
            let last_eight = format!("{:08x}", crate::json::mix(id as u64) as u32);
            o.insert("token_last_eight".into(), json!(last_eight));
            o.insert("scopes".into(), json!(self.scopes));
            o.insert(
                "authorized_credential_expires_at".into(),
                json!(self.expires_at.map(time)),
            );
            if let Some(note) = &self.note {
                o.insert("authorized_credential_note".into(), json!(note));
            }
        }
        Value::Object(o)
    }
}
