//! A GitHub App installed on an organization, as
//! `GET /orgs/{org}/installations` lists it (GitHub's `installation`).

use crate::builder::setters;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::clock::rfc3339;
use crate::model::token::default_time;
use crate::wire::Account;

/// An App installed on an organization: its slug, the permissions the
/// organization accepted and the repositories it reaches.
///
/// ```
/// use github_standin::InstalledApp;
///
/// let ci = InstalledApp::new(501, "ci-bot")
///     .repository_selection("all")
///     .permission("contents", "write")
///     .permission("administration", "admin");
/// let json = ci.to_json("acme", 652551, "https://api.github.com");
/// assert_eq!(json["permissions"]["contents"], "write");
/// assert_eq!(json["app_slug"], "ci-bot");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstalledApp {
    pub(crate) id: i64,
    pub(crate) app_slug: String,
    pub(crate) repository_selection: String,
    pub(crate) permissions: Vec<(String, String)>,
    pub(crate) created_at: DateTime<Utc>,
}

impl InstalledApp {
    /// Installation `id` of the App `app_slug`, on selected repositories,
    /// with `metadata: read` only.
    pub fn new(id: i64, app_slug: impl Into<String>) -> Self {
        InstalledApp {
            id,
            app_slug: app_slug.into(),
            repository_selection: "selected".into(),
            permissions: vec![("metadata".into(), "read".into())],
            created_at: default_time(),
        }
    }

    setters! {
        /// `all` or `selected` (GitHub's `repository_selection`).
        repository_selection(repository_selection: impl Into<String>) => Into::into,
        /// When it was installed.
        created_at(created_at: DateTime<Utc>),
    }

    /// Adds (or replaces) a permission: `contents`, `write`.
    pub fn permission(mut self, name: impl Into<String>, level: impl Into<String>) -> Self {
        let name = name.into();
        self.permissions.retain(|(n, _)| *n != name);
        self.permissions.push((name, level.into()));
        self
    }

    /// The installation as GitHub's JSON, on organization `org` (`org_id`).
    pub fn to_json(&self, org: &str, org_id: u64, base: &str) -> Value {
        let app_id = 100_000 + self.id as u64;
        let account = Account::new(org, "Organization").with_id(org_id);
        self.json(account, base, (app_id, &format!("Iv23li{app_id}")), None)
    }

    /// The installation as GitHub serves it (`installation`), on `account`,
    /// of the App `app_id` (`client_id`); suspended at `suspended_at`.
    pub(crate) fn json(
        &self,
        account: Account,
        base: &str,
        (app_id, client_id): (u64, &str),
        suspended_at: Option<DateTime<Utc>>,
    ) -> Value {
        let (id, login, created) = (self.id, account.login, rfc3339(self.created_at));
        let permissions = self.permissions.iter().cloned();
        let permissions: Map<String, Value> = permissions.map(|(n, l)| (n, l.into())).collect();
        json!({
            "id": id, "account": account, "repository_selection": self.repository_selection,
            "access_tokens_url": format!("{base}/app/installations/{id}/access_tokens"),
            "repositories_url": format!("{base}/installation/repositories"),
            "html_url": format!("https://github.com/organizations/{login}/settings/installations/{id}"),
            "app_id": app_id, "client_id": client_id, "app_slug": self.app_slug,
            "target_id": account.id, "target_type": account.kind, "permissions": permissions,
            "events": [], "created_at": created, "updated_at": created, "single_file_name": null,
            "has_multiple_single_files": false, "single_file_paths": [],
            "suspended_at": suspended_at.map(rfc3339), "suspended_by": null,
        })
    }
}
