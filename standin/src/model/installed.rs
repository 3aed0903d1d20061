//! A GitHub App installed on an organization, as
//! `GET /orgs/{org}/installations` lists it (GitHub's `installation`).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::model::grant::default_time;

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
#[derive(Clone, Debug, PartialEq, Eq)]
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

    /// `all` or `selected` (GitHub's `repository_selection`).
    pub fn repository_selection(mut self, selection: impl Into<String>) -> Self {
        self.repository_selection = selection.into();
        self
    }

    /// Adds (or replaces) a permission: `contents`, `write`.
    pub fn permission(mut self, name: impl Into<String>, level: impl Into<String>) -> Self {
        let name = name.into();
        self.permissions.retain(|(n, _)| *n != name);
        self.permissions.push((name, level.into()));
        self
    }

    /// When it was installed.
    pub fn created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = at;
        self
    }

    /// The installation as GitHub's JSON, on organization `org` (`org_id`).
    pub fn to_json(&self, org: &str, org_id: u64, base: &str) -> Value {
        let id = self.id;
        let app_id = 100_000 + id;
        let installed = self.created_at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut account =
            crate::json::to_value(|out| crate::json::account(out, org, "Organization"));
        account["id"] = json!(org_id);
        let permissions: Map<String, Value> = self
            .permissions
            .iter()
            .map(|(n, l)| (n.clone(), json!(l)))
            .collect();
        json!({
            "id": id,
            "account": account,
            "repository_selection": self.repository_selection,
            "access_tokens_url": format!("{base}/app/installations/{id}/access_tokens"),
            "repositories_url": format!("{base}/installation/repositories"),
            "html_url": format!("https://github.com/organizations/{org}/settings/installations/{id}"),
            "app_id": app_id,
            "client_id": format!("Iv23li{app_id}"),
            "app_slug": self.app_slug,
            "target_id": org_id,
            "target_type": "Organization",
            "permissions": permissions,
            "events": [],
            "created_at": installed,
            "updated_at": installed,
            "single_file_name": null,
            "has_multiple_single_files": false,
            "single_file_paths": [],
            "suspended_at": null,
            "suspended_by": null,
        })
    }
}
