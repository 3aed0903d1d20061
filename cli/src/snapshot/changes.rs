//! `pat-audit diff`: what changed between two snapshots. Grants, SAML
//! credential authorizations and installed Apps go the same way: keyed by
//! organization (case-insensitive) and id, compared only where both
//! snapshots listed the organization completely, each kind saying through
//! [`Compared`] what "changed" means for it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use github_pat_grants::types::{
    CredentialAuthorization, Installation, OrganizationProgrammaticAccessGrant as Grant,
};
use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantArray};

use crate::credential;
use crate::findings::{self, timestamp};
use crate::permission::{Group, Holds as _};
use crate::row::{Item, Kind, Named, Subject, detail_row};

use super::file::{ItemRecord, OrgStatus, Snapshot};

/// What changed about one grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[derive(IntoStaticStr, VariantArray)]
#[strum(serialize_all = "kebab-case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// The grant is new.
    Added,
    /// The grant is gone (revoked, or the token deleted).
    Removed,
    /// Its permissions differ.
    PermissionsChanged,
    /// Its repository selection differs.
    RepositorySelectionChanged,
    /// A credential's scopes differ.
    ScopesChanged,
    /// Its token had not expired at the old snapshot's time and has at the new one's.
    NewlyExpired,
}

impl Named for ChangeKind {}

/// One row of a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The grant, credential authorization or installed App.
    #[serde(flatten)]
    pub subject: Subject,
    /// What changed.
    pub change: ChangeKind,
    /// How, for a person to read.
    pub detail: String,
}

detail_row!(Change, change);

/// The "now" of the old snapshot and of the new one.
type Nows = (DateTime<Utc>, DateTime<Utc>);

/// A kind of item a diff compares, and what a change of it is: the parts
/// of it a diff looks at, which [`changed`] compares.
trait Compared: Item + Sized {
    /// Which kind.
    const KIND: Kind;
    /// The detail of a removed item.
    const REMOVED: &'static str;
    /// The detail of an added item.
    fn added(&self) -> String;
    /// What changed about its permissions or scopes, when anything did.
    fn access_change(old: &Self, new: &Self) -> Option<(ChangeKind, String)>;
    /// Its repository selection as GitHub spells it; none when it has none.
    fn selection(&self) -> Option<String> {
        None
    }
    /// When its token expires and whether GitHub says it has expired; none
    /// when there is nothing to compare (an App, a credential without an
    /// expiry).
    fn expiry(&self) -> Option<(Option<DateTime<Utc>>, bool)> {
        None
    }
}

/// What changed about an item in both snapshots, whose "now" are `nows`.
fn changed<T: Compared>(o: &T, n: &T, (old_now, new_now): Nows) -> Vec<(ChangeKind, String)> {
    let mut changes: Vec<_> = T::access_change(o, n).into_iter().collect();
    if let (Some(was), Some(is)) = (o.selection(), n.selection())
        && was != is
    {
        let detail = format!("{was} -> {is}");
        changes.push((ChangeKind::RepositorySelectionChanged, detail));
    }
    if let (Some((was, was_flagged)), Some((is, is_flagged))) = (o.expiry(), n.expiry())
        && !findings::is_expired(was, was_flagged, old_now)
        && findings::is_expired(is, is_flagged, new_now)
    {
        let when = is.map_or("GitHub reports it expired".into(), |t| {
            format!("expired {}", timestamp(t))
        });
        changes.push((ChangeKind::NewlyExpired, when));
    }
    changes
}

/// `+came; -gone` between two lists, when they differ.
fn added_removed(old: &[String], new: &[String]) -> Option<String> {
    let only = |sign: char, of: &[String], not: &[String]| -> Vec<String> {
        let kept = of.iter().filter(|s| !not.contains(s));
        kept.map(|s| format!("{sign}{s}")).collect()
    };
    let parts = [only('+', new, old), only('-', old, new)].concat();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A grant's permissions, those of the groups GitHub added included, as
/// (group, name) to level, in a stable order.
fn flat_permissions(grant: &Grant) -> BTreeMap<(Group<'_>, &str), &str> {
    grant
        .permissions()
        .every()
        .map(|(group, name, level)| ((group, name), level))
        .collect()
}

impl Compared for Grant {
    const KIND: Kind = Kind::Grant;
    const REMOVED: &'static str =
        "no longer granted (revoked, or the token was deleted or regenerated)";

    fn added(&self) -> String {
        format!(
            "granted {}; repositories: {}; permissions: {}",
            timestamp(self.access_granted_at),
            self.repository_selection,
            self.permissions().describe()
        )
    }

    fn access_change(old: &Self, new: &Self) -> Option<(ChangeKind, String)> {
        let (old, new) = (flat_permissions(old), flat_permissions(new));
        let names: BTreeSet<&(Group<'_>, &str)> = old.keys().chain(new.keys()).collect();
        let parts: Vec<String> = names
            .into_iter()
            .filter_map(|key @ (group, name)| match (old.get(key), new.get(key)) {
                (Some(a), Some(b)) if a != b => Some(format!("{group}.{name}: {a} -> {b}")),
                (None, Some(b)) => Some(format!("+{group}.{name}:{b}")),
                (Some(a), None) => Some(format!("-{group}.{name}:{a}")),
                _ => None,
            })
            .collect();
        (!parts.is_empty()).then(|| (ChangeKind::PermissionsChanged, parts.join("; ")))
    }

    fn selection(&self) -> Option<String> {
        Some(self.repository_selection.to_string())
    }

    fn expiry(&self) -> Option<(Option<DateTime<Utc>>, bool)> {
        Some((self.token_expires_at, self.token_expired))
    }
}

impl Compared for CredentialAuthorization {
    const KIND: Kind = Kind::Credential;
    const REMOVED: &'static str = "no longer authorized (removed, or the credential was deleted)";

    fn added(&self) -> String {
        credential::describe(self)
    }

    fn access_change(old: &Self, new: &Self) -> Option<(ChangeKind, String)> {
        let scopes = added_removed(&old.scopes, &new.scopes);
        scopes.map(|detail| (ChangeKind::ScopesChanged, detail))
    }

    fn expiry(&self) -> Option<(Option<DateTime<Utc>>, bool)> {
        // Without a date there is nothing to compare: GitHub has no flag.
        let at = self.authorized_credential_expires_at;
        at.map(|at| (Some(at), false))
    }
}

/// An installed App's permissions as `name:level`, sorted.
fn app_permissions(installation: &Installation) -> Vec<String> {
    let all = credential::app_permissions(installation);
    let each: BTreeSet<String> = all.iter().map(|(name, l)| format!("{name}:{l}")).collect();
    each.into_iter().collect()
}

impl Compared for Installation {
    const KIND: Kind = Kind::Installation;
    const REMOVED: &'static str = "no longer installed";

    fn added(&self) -> String {
        format!(
            "installed {}; repositories: {}; permissions: {}",
            timestamp(self.created_at),
            self.repository_selection,
            app_permissions(self).join(", ")
        )
    }

    fn access_change(old: &Self, new: &Self) -> Option<(ChangeKind, String)> {
        let permissions = added_removed(&app_permissions(old), &app_permissions(new));
        permissions.map(|detail| (ChangeKind::PermissionsChanged, detail))
    }

    fn selection(&self) -> Option<String> {
        Some(self.repository_selection.to_string())
    }
}

/// Where a snapshot keeps the records of a kind, and whether an
/// organization's listing of it was complete.
type Listing<T> = (fn(&Snapshot) -> &[ItemRecord<T>], fn(&OrgStatus) -> bool);

/// The organizations whose items of kind `T` can be compared: complete in
/// both snapshots. The others are named in the warnings, since an item
/// missing from an incomplete listing proves nothing.
fn comparable<T: Compared>(
    (old, new): (&Snapshot, &Snapshot),
    complete: fn(&OrgStatus) -> bool,
    warnings: &mut Vec<String>,
) -> BTreeSet<String> {
    // Per organization (case-insensitive), whether the old and the new
    // snapshot listed it completely; the first entry of each counts.
    let mut orgs: BTreeMap<String, [Option<bool>; 2]> = BTreeMap::new();
    for (side, snapshot) in [old, new].into_iter().enumerate() {
        for o in &snapshot.organizations {
            let sides = orgs.entry(o.org.to_ascii_lowercase()).or_default();
            sides[side].get_or_insert(complete(o));
        }
    }
    let kind = T::KIND;
    let grants = kind == Kind::Grant;
    let mut comparable = BTreeSet::new();
    for (org, [was, is]) in orgs {
        let warning = match (was, is) {
            (Some(true), Some(true)) => {
                comparable.insert(org);
                continue;
            }
            // Every audit lists the grants: an organization missing or
            // failed in either snapshot is named, and how.
            (None, _) | (_, None) if grants => {
                let which = if was.is_none() { "old" } else { "new" };
                format!("{org} is not in the {which} snapshot; its grants are not compared")
            }
            _ if grants => format!(
                "{org}: the grants of one snapshot are incomplete (the audit failed there); \
                 grants are not reported as added or removed"
            ),
            // The other kinds are not listed everywhere (no SAML SSO, say):
            // only a listing complete on one side is worth a word.
            (Some(true), _) | (_, Some(true)) => format!(
                "{org}: the {kind}s of one snapshot are incomplete or were not listed; \
                 {kind}s are not reported as added or removed"
            ),
            _ => continue,
        };
        warnings.push(warning);
    }
    comparable
}

/// Added, removed and changed items of kind `T`, keyed by organization
/// (case-insensitive) and id, in the organizations both snapshots listed
/// completely.
fn changes_of<T: Compared>(
    (old, new): (&Snapshot, &Snapshot),
    (records, complete): Listing<T>,
    warnings: &mut Vec<String>,
) -> Vec<Change> {
    fn by_key<T: Item>(records: &[ItemRecord<T>]) -> HashMap<(String, i64), &ItemRecord<T>> {
        records
            .iter()
            .map(|r| ((r.org.to_ascii_lowercase(), r.item.id()), r))
            .collect()
    }
    let comparable = comparable::<T>((old, new), complete, warnings);
    let compared = |org: &str| comparable.contains(&org.to_ascii_lowercase());
    let (old_by_key, new_by_key) = (by_key(records(old)), by_key(records(new)));
    let keys: BTreeSet<&(String, i64)> = old_by_key.keys().chain(new_by_key.keys()).collect();
    let mut changes = Vec::new();
    for key in keys {
        let (record, found) = match (old_by_key.get(key), new_by_key.get(key)) {
            (Some(o), Some(n)) => (n, changed(&o.item, &n.item, (old.now, new.now))),
            (None, Some(n)) if compared(&n.org) => (n, vec![(ChangeKind::Added, n.item.added())]),
            (Some(o), None) if compared(&o.org) => {
                (o, vec![(ChangeKind::Removed, T::REMOVED.into())])
            }
            _ => continue,
        };
        let subject = Subject::of(&record.org, &record.item);
        changes.extend(found.into_iter().map(|(change, detail)| Change {
            subject: subject.clone(),
            change,
            detail,
        }));
    }
    changes
}

/// What changed from `old` to `new`, and warnings about what could not be
/// compared (an organization missing or incomplete in either snapshot: its
/// items are not reported as added or removed, since absence proves nothing).
pub fn diff(old: &Snapshot, new: &Snapshot) -> (Vec<Change>, Vec<String>) {
    let (both, mut warnings) = ((old, new), Vec::new());
    let grants: Listing<Grant> = (|s| &s.records.grants, |o| o.grants_complete);
    let credentials: Listing<CredentialAuthorization> =
        (|s| &s.records.credentials, |o| o.credentials_complete);
    let installations: Listing<Installation> =
        (|s| &s.records.installations, |o| o.installations_complete);
    let mut changes = changes_of(both, grants, &mut warnings);
    changes.extend(changes_of(both, credentials, &mut warnings));
    changes.extend(changes_of(both, installations, &mut warnings));
    changes.sort_by_key(|c| {
        let s = &c.subject;
        (s.org.to_ascii_lowercase(), s.kind, s.id, c.change)
    });
    (changes, warnings)
}

/// Counts of each change, for the diff's summary line.
pub fn summary(changes: &[Change]) -> String {
    let count = |k: ChangeKind| changes.iter().filter(|c| c.change == k).count();
    let parts: Vec<String> = (ChangeKind::VARIANTS.iter())
        .map(|&k| format!("{} {}", count(k), k.name()))
        .collect();
    format!("{} changes: {}", changes.len(), parts.join(", "))
}
