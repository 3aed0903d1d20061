//! What an installation token may reach: repositories and permissions.

use std::collections::BTreeMap;

use crate::setters::setters;

/// Which repositories and permissions an installation token is limited to;
/// by default a token has everything the installation was granted.
///
/// ```
/// use github_pat_grants::{Access, TokenScope};
/// let read_only = TokenScope::new().permission("organization_personal_access_tokens", Access::Read);
/// assert!(!read_only.is_empty());
/// assert!(TokenScope::new().is_empty());
/// ```
///
/// With the `apps` feature, [`TokenScope::permissions`] also takes GitHub's
/// typed `AppPermissions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenScope {
    /// Repository names the token may reach (at most 500).
    pub repositories: Vec<String>,
    /// Repository IDs the token may reach (at most 500).
    pub repository_ids: Vec<i64>,
    /// Permissions by GitHub's name (`organization_personal_access_tokens`)
    /// and level (`read`, `write`, `admin`), at most those the installation
    /// was granted; empty for all of them.
    pub permissions: BTreeMap<String, String>,
}

/// A permission's level, for [`TokenScope::permission`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Access {
    /// `read`.
    Read,
    /// `write`.
    Write,
    /// `admin`.
    Admin,
}

impl Access {
    /// The level as GitHub names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Admin => "admin",
        }
    }
}

impl TokenScope {
    /// No restriction: what the installation was granted.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Limits the token to these repositories, by name.
        repositories(names: impl IntoIterator<Item = impl Into<String>>) =>
            repositories = names.into_iter().map(Into::into).collect();

        /// Limits the token to these repositories, by ID.
        repository_ids(ids: impl IntoIterator<Item = i64>) =>
            repository_ids = ids.into_iter().collect();
    }

    /// Limits the token to a permission at a level, by GitHub's name for it
    /// (the fields of `AppPermissions`: `organization_personal_access_tokens`,
    /// `members`, `contents`, ...); may be called for several.
    pub fn permission(mut self, name: impl Into<String>, access: Access) -> Self {
        self.permissions
            .insert(name.into(), access.as_str().to_string());
        self
    }

    /// Whether the token is unrestricted.
    pub fn is_empty(&self) -> bool {
        self.repositories.is_empty()
            && self.repository_ids.is_empty()
            && self.permissions.is_empty()
    }
}
