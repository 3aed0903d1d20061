//! What a grant or a request holds: permissions by scope, name and level,
//! as GitHub nests them (`{"organization": {"members": "read"},
//! "repository": {...}, "other": {...}}`), read the same way by the
//! findings, the policy and the snapshot diff.
//!
//! GitHub adds groups as it adds kinds of permission; the SDK's models keep
//! any group beyond the three this version knows (`extra`), and so does
//! [`Permissions`], so that the policy sees what it does not know and never
//! approves it.

use std::collections::BTreeMap;

use github_pat_grants::types::{
    OrganizationProgrammaticAccessGrant as Grant,
    OrganizationProgrammaticAccessGrantRequest as Request, PersonalAccessTokenRequest,
};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

use crate::row::Named;

/// One scope's permissions: name to level.
pub type PermissionMap = BTreeMap<String, String>;

/// The groups GitHub sent beyond [`Scope::VARIANTS`], by name: name to level.
pub type AddedGroups = BTreeMap<String, PermissionMap>;

/// Which permissions a name belongs to, as GitHub groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
// `VARIANTS` lists the scopes in the order reports list them.
#[derive(Display, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "lowercase")]
#[non_exhaustive]
pub enum Scope {
    /// `organization`.
    Organization,
    /// `repository`.
    Repository,
    /// `other` (for instance a user's gists).
    Other,
}

impl Named for Scope {}

/// A group of permissions as GitHub sent it: one of the three this version
/// knows, or one GitHub added since (its name as sent); shown by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Display)]
pub enum Group<'a> {
    /// `organization`, `repository` or `other`.
    #[strum(transparent)]
    Known(Scope),
    /// Any other group, for instance `enterprise`.
    #[strum(transparent)]
    Added(&'a str),
}

/// The permissions of one grant or request: organization, repository and
/// other, in [`Scope::VARIANTS`] order, and the groups GitHub added.
#[derive(Clone, Copy, Debug)]
pub struct Permissions<'a> {
    known: [&'a PermissionMap; 3],
    added: &'a AddedGroups,
}

impl<'a> Permissions<'a> {
    /// The permissions of the three known groups, in [`Scope::VARIANTS`] order,
    /// and of the groups GitHub added.
    pub fn new(known: [&'a PermissionMap; 3], added: &'a AddedGroups) -> Self {
        Permissions { known, added }
    }

    /// The permissions of the three known groups as (scope, name, level as
    /// GitHub sent it): the organization's, then the repositories', then
    /// the rest, each by name. [`every`](Permissions::every) adds the
    /// groups GitHub added.
    pub fn each(self) -> impl Iterator<Item = (Scope, &'a str, &'a str)> {
        (Scope::VARIANTS.iter().copied())
            .zip(self.known)
            .flat_map(|(scope, map)| {
                map.iter()
                    .map(move |(name, level)| (scope, name.as_str(), level.as_str()))
            })
    }

    /// Every permission as (group, name, level as GitHub sent it): those
    /// of [`each`](Permissions::each), then those of the groups GitHub
    /// added, by group and name.
    pub fn every(self) -> impl Iterator<Item = (Group<'a>, &'a str, &'a str)> {
        let known = self
            .each()
            .map(|(scope, name, level)| (Group::Known(scope), name, level));
        let added = self.added.iter().flat_map(|(group, map)| {
            map.iter()
                .map(move |(name, level)| (Group::Added(group), name.as_str(), level.as_str()))
        });
        known.chain(added)
    }

    /// `group.name` of every permission held at exactly `level`, in any group.
    pub fn at(self, level: &str) -> Vec<String> {
        self.every()
            .filter(|(_, _, l)| *l == level)
            .map(|(group, name, _)| format!("{group}.{name}"))
            .collect()
    }

    /// Every permission as `group.name:level`, or `none`.
    pub fn describe(self) -> String {
        let list: Vec<String> = self
            .every()
            .map(|(group, name, level)| format!("{group}.{name}:{level}"))
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

/// [`Holds`] for a generated type whose permissions are in `$field`.
macro_rules! holds {
    ($($type:ty: $field:ident),+) => {$(
        impl Holds for $type {
            fn permissions(&self) -> Permissions<'_> {
                let p = &self.$field;
                Permissions::new([&p.organization, &p.repository, &p.other], &p.extra)
            }
        }
    )+};
}

holds!(Grant: permissions, Request: permissions, PersonalAccessTokenRequest: permissions_result);
