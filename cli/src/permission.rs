//! What a grant or a request holds: permissions by scope, name and level,
//! as GitHub nests them (`{"organization": {"members": "read"},
//! "repository": {...}, "other": {...}}`), read the same way by the
//! findings, the policy and the snapshot diff.

use std::collections::BTreeMap;
use std::fmt;

use github_pat_grants::types::{
    OrganizationProgrammaticAccessGrant as Grant,
    OrganizationProgrammaticAccessGrantRequest as Request, PersonalAccessTokenRequest,
};

/// One scope's permissions: name to level.
pub type PermissionMap = BTreeMap<String, String>;

/// Which permissions a name belongs to, as GitHub groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// `organization`.
    Organization,
    /// `repository`.
    Repository,
    /// `other` (for instance a user's gists).
    Other,
}

impl Scope {
    /// The scopes in the order reports list them.
    pub const ALL: [Scope; 3] = [Scope::Organization, Scope::Repository, Scope::Other];

    /// The scope's name, as in GitHub's `permissions` object.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Organization => "organization",
            Scope::Repository => "repository",
            Scope::Other => "other",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The permissions of one grant or request: organization, repository and
/// other, in [`Scope::ALL`] order.
#[derive(Clone, Copy, Debug)]
pub struct Permissions<'a>(pub [&'a PermissionMap; 3]);

impl<'a> Permissions<'a> {
    /// Every permission as (scope, name, level as GitHub sent it): the
    /// organization's, then the repositories', then the rest, each by name.
    pub fn each(self) -> impl Iterator<Item = (Scope, &'a str, &'a str)> {
        Scope::ALL.into_iter().zip(self.0).flat_map(|(scope, map)| {
            map.iter()
                .map(move |(name, level)| (scope, name.as_str(), level.as_str()))
        })
    }

    /// `scope.name` of every permission held at exactly `level`.
    pub fn at(self, level: &str) -> Vec<String> {
        self.each()
            .filter(|(_, _, l)| *l == level)
            .map(|(scope, name, _)| format!("{scope}.{name}"))
            .collect()
    }

    /// Every permission as `scope.name:level`, or `none`.
    pub fn describe(self) -> String {
        let list: Vec<String> = self
            .each()
            .map(|(scope, name, level)| format!("{scope}.{name}:{level}"))
            .collect();
        if list.is_empty() {
            "none".into()
        } else {
            list.join(", ")
        }
    }
}

/// A grant or request, in any of GitHub's shapes, and what it holds.
pub trait Holds {
    /// Its permissions; for a webhook's request, those the token would hold
    /// (`permissions_result`).
    fn permissions(&self) -> Permissions<'_>;
}

impl Holds for Grant {
    fn permissions(&self) -> Permissions<'_> {
        let p = &self.permissions;
        Permissions([&p.organization, &p.repository, &p.other])
    }
}

impl Holds for Request {
    fn permissions(&self) -> Permissions<'_> {
        let p = &self.permissions;
        Permissions([&p.organization, &p.repository, &p.other])
    }
}

impl Holds for PersonalAccessTokenRequest {
    fn permissions(&self) -> Permissions<'_> {
        let p = &self.permissions_result;
        Permissions([&p.organization, &p.repository, &p.other])
    }
}
