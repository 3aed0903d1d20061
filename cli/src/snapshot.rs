//! `--output FILE`: a JSON snapshot of everything the audit fetched, written
//! as it is fetched; and `pat-audit diff`: what changed between two.
//!
//! A snapshot is one JSON document:
//!
//! ```json
//! {"format": "pat-audit-snapshot", "version": 1, "now": "2025-06-02T09:00:00Z",
//!  "base_url": "https://api.github.com", "owners": [],
//!  "records": [{"org": "acme", "kind": "grant", "item": { ...the grant as GitHub sent it... }}, ...],
//!  "organizations": [{"org": "acme", "grants": 180, "requests": 8, "grants_complete": true,
//!                     "requests_complete": true, "errors": []}]}
//! ```
//!
//! Records are written as pages arrive (memory holds none of them), into a
//! temporary file beside `FILE` that is renamed to `FILE` once the document
//! is complete ([`outfile`](crate::outfile): created exclusively under a
//! random name, readable by the user only, synced; never through a
//! symbolic link): an interrupted audit never leaves a truncated snapshot
//! under the name, nor anything else.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use github_pat_grants::types::{
    CredentialAuthorization, Installation, OrganizationProgrammaticAccessGrant as Grant,
};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::findings::{self, timestamp};
use crate::outfile::{Access, AtomicFile};
use crate::permission::{Holds as _, Scope};
use crate::row::{Item, Kind, Subject, SubjectRow};

/// The `format` value that marks a snapshot.
pub const FORMAT: &str = "pat-audit-snapshot";
/// The snapshot layout this build writes and reads.
pub const VERSION: u32 = 1;

/// What a snapshot says about one organization.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgStatus {
    /// The organization's login.
    pub org: String,
    /// Grants recorded.
    pub grants: u64,
    /// Requests recorded.
    pub requests: u64,
    /// Every grant was fetched.
    pub grants_complete: bool,
    /// Every request was fetched (false too when requests were not fetched).
    pub requests_complete: bool,
    /// What failed.
    #[serde(default)]
    pub errors: Vec<String>,
    /// SAML credential authorizations recorded.
    #[serde(default)]
    pub credentials: u64,
    /// Installed Apps recorded.
    #[serde(default)]
    pub installations: u64,
    /// Every credential authorization was fetched (false when they were not
    /// listed, or could not be: no SAML SSO, no permission).
    #[serde(default)]
    pub credentials_complete: bool,
    /// Every installed App was fetched.
    #[serde(default)]
    pub installations_complete: bool,
}

/// Writes a snapshot record by record.
#[derive(Debug)]
pub struct Writer {
    out: AtomicFile,
    first: bool,
}

#[derive(Serialize)]
struct Record<'a, T> {
    org: &'a str,
    kind: Kind,
    item: &'a T,
}

impl Writer {
    /// Starts `path` (as a temporary file beside it until [`Writer::finish`]).
    ///
    /// # Errors
    /// When the file cannot be created or written, or `path` is a symbolic link.
    pub fn create(
        path: &Path,
        now: DateTime<Utc>,
        base_url: &str,
        owners: &[String],
    ) -> io::Result<Self> {
        let mut out = AtomicFile::create(path, Access::Private)?;
        write!(
            out,
            "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"now\":{},\"base_url\":{},\"owners\":{},\"records\":[",
            serde_json::to_string(&timestamp(now))?,
            serde_json::to_string(base_url)?,
            serde_json::to_string(owners)?,
        )?;
        Ok(Writer { out, first: true })
    }

    /// Appends one grant or request as fetched.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn record<T: Serialize>(&mut self, org: &str, kind: Kind, item: &T) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",\n")?;
        } else {
            self.out.write_all(b"\n")?;
        }
        self.first = false;
        serde_json::to_writer(&mut self.out, &Record { org, kind, item })?;
        Ok(())
    }

    /// Closes the document with the organizations' status and moves it to its name.
    ///
    /// # Errors
    /// When the file cannot be written or renamed.
    pub fn finish(mut self, orgs: &[OrgStatus]) -> io::Result<()> {
        write!(
            self.out,
            "\n],\"organizations\":{}}}\n",
            serde_json::to_string(orgs)?
        )?;
        // A snapshot abandoned half-way (a write failed, the report could
        // not be written) is dropped unfinished and leaves nothing behind.
        self.out.commit()
    }
}

/// A grant as recorded, with its organization.
#[derive(Debug)]
struct GrantRecord {
    org: String,
    grant: Grant,
}

/// A record as written: its item is decoded once its kind is known.
#[derive(Deserialize)]
struct RecordIn {
    org: String,
    kind: Kind,
    item: serde_json::Value,
}

/// A credential authorization or an installed App as recorded, with its organization.
#[derive(Debug)]
struct ItemRecord<T> {
    org: String,
    item: T,
}

/// The records a diff compares.
#[derive(Debug, Default)]
struct Records {
    grants: Vec<GrantRecord>,
    credentials: Vec<ItemRecord<CredentialAuthorization>>,
    installations: Vec<ItemRecord<Installation>>,
}

/// `record`'s item decoded as the SDK decodes GitHub's answer.
fn decode<'de, T: Deserialize<'de>, E: de::Error>(record: RecordIn) -> Result<(String, T), E> {
    let item = T::deserialize(record.item).map_err(|e| {
        E::custom(format!(
            "a {} of {} is not a {0}: {e}",
            record.kind, record.org
        ))
    })?;
    Ok((record.org, item))
}

/// Reads the records, keeping the grants, credential authorizations and
/// installed Apps (decoded as the SDK decodes GitHub's answer) and dropping
/// the requests as they go by: requests come and go by nature.
fn grant_records<'de, D: Deserializer<'de>>(records: D) -> Result<Records, D::Error> {
    struct Grants;
    impl<'de> Visitor<'de> for Grants {
        type Value = Records;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of records")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut records = Records::default();
            while let Some(record) = seq.next_element::<RecordIn>()? {
                match record.kind {
                    Kind::Grant => {
                        let (org, grant) = decode(record)?;
                        records.grants.push(GrantRecord { org, grant });
                    }
                    Kind::Credential => {
                        let (org, item) = decode(record)?;
                        records.credentials.push(ItemRecord { org, item });
                    }
                    Kind::Installation => {
                        let (org, item) = decode(record)?;
                        records.installations.push(ItemRecord { org, item });
                    }
                    _ => {}
                }
            }
            Ok(records)
        }
    }
    records.deserialize_seq(Grants)
}

/// A snapshot read back for a diff (the grants only; requests come and go).
#[derive(Debug, Deserialize)]
pub struct Snapshot {
    format: String,
    version: u32,
    now: DateTime<Utc>,
    #[serde(deserialize_with = "grant_records")]
    records: Records,
    organizations: Vec<OrgStatus>,
}

impl Snapshot {
    /// Reads a snapshot written by `--output`.
    ///
    /// # Errors
    /// When the file cannot be read or is not a snapshot this build understands.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let snapshot: Snapshot = serde_json::from_reader(io::BufReader::new(file))
            .with_context(|| format!("{} is not a pat-audit snapshot", path.display()))?;
        if snapshot.format != FORMAT {
            bail!(
                "{} is not a pat-audit snapshot (format `{}`)",
                path.display(),
                snapshot.format
            );
        }
        if snapshot.version != VERSION {
            bail!(
                "{} is a version {} snapshot; this build reads version {VERSION}",
                path.display(),
                snapshot.version
            );
        }
        Ok(snapshot)
    }

    /// The grants by organization (case-insensitive) and id.
    fn by_key(&self) -> HashMap<(String, i64), &GrantRecord> {
        self.records
            .grants
            .iter()
            .map(|r| ((r.org.to_ascii_lowercase(), r.grant.id), r))
            .collect()
    }

    fn complete(&self, org: &str) -> Option<bool> {
        self.organizations
            .iter()
            .find(|o| o.org.eq_ignore_ascii_case(org))
            .map(|o| o.grants_complete)
    }
}

/// What changed about one grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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

impl ChangeKind {
    /// The change's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::PermissionsChanged => "permissions-changed",
            ChangeKind::RepositorySelectionChanged => "repository-selection-changed",
            ChangeKind::ScopesChanged => "scopes-changed",
            ChangeKind::NewlyExpired => "newly-expired",
        }
    }
}

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

impl SubjectRow for Change {
    const COLUMNS: &'static [&'static str] = &["change", "detail"];

    fn subject(&self) -> &Subject {
        &self.subject
    }

    fn own_cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            Cow::Borrowed(self.change.name()),
            Cow::Borrowed(self.detail.as_str()),
        ]
    }

    fn order(&self) -> usize {
        self.change as usize
    }
}

impl Change {
    fn of(record: &GrantRecord, change: ChangeKind, detail: String) -> Change {
        Change::about(&record.org, &record.grant, change, detail)
    }

    fn about(org: &str, item: &impl Item, change: ChangeKind, detail: String) -> Change {
        Change {
            subject: Subject::of(org, item),
            change,
            detail,
        }
    }
}

/// A grant's permissions as `scope.name` to level, in a stable order.
fn flat_permissions(grant: &Grant) -> BTreeMap<(Scope, &str), &str> {
    grant
        .permissions()
        .each()
        .map(|(scope, name, level)| ((scope, name), level))
        .collect()
}

fn permission_changes(old: &Grant, new: &Grant) -> Option<String> {
    let (old, new) = (flat_permissions(old), flat_permissions(new));
    let names: BTreeSet<&(Scope, &str)> = old.keys().chain(new.keys()).collect();
    let parts: Vec<String> = names
        .into_iter()
        .filter_map(|key @ (scope, name)| match (old.get(key), new.get(key)) {
            (Some(a), Some(b)) if a != b => Some(format!("{scope}.{name}: {a} -> {b}")),
            (None, Some(b)) => Some(format!("+{scope}.{name}:{b}")),
            (Some(a), None) => Some(format!("-{scope}.{name}:{a}")),
            _ => None,
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Which organizations' grants can be compared: those complete in both
/// snapshots. The others are named in the warnings, since a grant missing
/// from an incomplete listing proves nothing.
fn comparable_orgs(old: &Snapshot, new: &Snapshot) -> (BTreeSet<String>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut comparable = BTreeSet::new();
    let orgs: BTreeSet<String> = old
        .organizations
        .iter()
        .chain(&new.organizations)
        .map(|o| o.org.to_ascii_lowercase())
        .collect();
    for org in orgs {
        let warning = match (old.complete(&org), new.complete(&org)) {
            (Some(true), Some(true)) => {
                comparable.insert(org);
                continue;
            }
            (None, _) => format!("{org} is not in the old snapshot; its grants are not compared"),
            (_, None) => format!("{org} is not in the new snapshot; its grants are not compared"),
            _ => format!(
                "{org}: the grants of one snapshot are incomplete (the audit failed there); \
                 grants are not reported as added or removed"
            ),
        };
        warnings.push(warning);
    }
    (comparable, warnings)
}

/// A grant new in the later snapshot.
fn added(new: &GrantRecord) -> Change {
    let g = &new.grant;
    let detail = format!(
        "granted {}; repositories: {}; permissions: {}",
        timestamp(g.access_granted_at),
        g.repository_selection,
        g.permissions().describe()
    );
    Change::of(new, ChangeKind::Added, detail)
}

/// What changed about a grant in both snapshots, in [`ChangeKind`] order.
fn changed(
    old: &GrantRecord,
    old_now: DateTime<Utc>,
    new: &GrantRecord,
    new_now: DateTime<Utc>,
) -> Vec<Change> {
    let (o, n) = (&old.grant, &new.grant);
    let mut changes = Vec::new();
    if let Some(detail) = permission_changes(o, n) {
        changes.push(Change::of(new, ChangeKind::PermissionsChanged, detail));
    }
    if o.repository_selection != n.repository_selection {
        let detail = format!("{} -> {}", o.repository_selection, n.repository_selection);
        changes.push(Change::of(
            new,
            ChangeKind::RepositorySelectionChanged,
            detail,
        ));
    }
    let was = findings::is_expired(o.token_expires_at, o.token_expired, old_now);
    let is = findings::is_expired(n.token_expires_at, n.token_expired, new_now);
    if !was && is {
        let when = n
            .token_expires_at
            .map_or("GitHub reports it expired".into(), |t| {
                format!("expired {}", timestamp(t))
            });
        changes.push(Change::of(new, ChangeKind::NewlyExpired, when));
    }
    changes
}

/// What changed from `old` to `new`, and warnings about what could not be
/// compared (an organization missing or incomplete in either snapshot: its
/// grants are not reported as added or removed, since absence proves nothing).
pub fn diff(old: &Snapshot, new: &Snapshot) -> (Vec<Change>, Vec<String>) {
    let (old_by_key, new_by_key) = (old.by_key(), new.by_key());
    let (comparable, warnings) = comparable_orgs(old, new);
    let comparable = |org: &str| comparable.contains(&org.to_ascii_lowercase());
    let mut changes = Vec::new();
    for (key, n) in &new_by_key {
        match old_by_key.get(key) {
            None if comparable(&n.org) => changes.push(added(n)),
            None => {}
            Some(o) => changes.extend(changed(o, old.now, n, new.now)),
        }
    }
    for (key, o) in &old_by_key {
        if !new_by_key.contains_key(key) && comparable(&o.org) {
            let detail = "no longer granted (revoked, or the token was deleted or regenerated)";
            changes.push(Change::of(o, ChangeKind::Removed, detail.into()));
        }
    }
    let mut warnings = warnings;
    changes.extend(credential_changes(old, new, &mut warnings));
    changes.extend(installation_changes(old, new, &mut warnings));
    changes.sort_by(|a, b| {
        let key = |c: &Change| {
            let s = &c.subject;
            (s.org.to_ascii_lowercase(), s.kind, s.id, c.change)
        };
        key(a).cmp(&key(b))
    });
    (changes, warnings)
}

/// The organizations whose `kind` can be compared: complete in both
/// snapshots. An organization listed completely in one snapshot only is
/// named in the warnings; one listed in neither (no SAML SSO, say) is not.
fn comparable_by(
    old: &Snapshot,
    new: &Snapshot,
    kind: Kind,
    complete: fn(&OrgStatus) -> bool,
    warnings: &mut Vec<String>,
) -> BTreeSet<String> {
    let status = |s: &Snapshot, org: &str| {
        s.organizations
            .iter()
            .find(|o| o.org.eq_ignore_ascii_case(org))
            .is_some_and(complete)
    };
    let orgs: BTreeSet<String> = old
        .organizations
        .iter()
        .chain(&new.organizations)
        .map(|o| o.org.to_ascii_lowercase())
        .collect();
    let mut comparable = BTreeSet::new();
    for org in orgs {
        match (status(old, &org), status(new, &org)) {
            (true, true) => {
                comparable.insert(org);
            }
            (false, false) => {}
            _ => warnings.push(format!(
                "{org}: the {kind}s of one snapshot are incomplete or were not listed; \
                 {kind}s are not reported as added or removed"
            )),
        }
    }
    comparable
}

/// Added, removed and changed items of one kind, keyed by organization
/// (case-insensitive) and id; `changed` compares an item in both.
fn item_changes<T: Item>(
    (old, new): (&[ItemRecord<T>], &[ItemRecord<T>]),
    comparable: &BTreeSet<String>,
    changed: impl Fn(&T, &T) -> Vec<(ChangeKind, String)>,
    added: impl Fn(&T) -> String,
    removed: &str,
) -> Vec<Change> {
    fn by_key<T: Item>(records: &[ItemRecord<T>]) -> HashMap<(String, i64), &ItemRecord<T>> {
        records
            .iter()
            .map(|r| ((r.org.to_ascii_lowercase(), r.item.id()), r))
            .collect()
    }
    let (old_by_key, new_by_key) = (by_key(old), by_key(new));
    let compared = |org: &str| comparable.contains(&org.to_ascii_lowercase());
    let mut changes = Vec::new();
    for (key, n) in &new_by_key {
        match old_by_key.get(key) {
            None if compared(&n.org) => {
                changes.push(Change::about(
                    &n.org,
                    &n.item,
                    ChangeKind::Added,
                    added(&n.item),
                ));
            }
            None => {}
            Some(o) => changes.extend(
                changed(&o.item, &n.item)
                    .into_iter()
                    .map(|(kind, detail)| Change::about(&n.org, &n.item, kind, detail)),
            ),
        }
    }
    for (key, o) in &old_by_key {
        if !new_by_key.contains_key(key) && compared(&o.org) {
            changes.push(Change::about(
                &o.org,
                &o.item,
                ChangeKind::Removed,
                removed.into(),
            ));
        }
    }
    changes
}

/// What changed about the SAML credential authorizations: added, removed,
/// scopes changed, newly expired.
fn credential_changes(old: &Snapshot, new: &Snapshot, warnings: &mut Vec<String>) -> Vec<Change> {
    let complete = |o: &OrgStatus| o.credentials_complete;
    let comparable = comparable_by(old, new, Kind::Credential, complete, warnings);
    let (old_now, new_now) = (old.now, new.now);
    let changed = |o: &CredentialAuthorization, n: &CredentialAuthorization| {
        let mut changes = Vec::new();
        let gone = o.scopes.iter().filter(|s| !n.scopes.contains(s));
        let came = n.scopes.iter().filter(|s| !o.scopes.contains(s));
        let parts: Vec<String> = came
            .map(|s| format!("+{s}"))
            .chain(gone.map(|s| format!("-{s}")))
            .collect();
        if !parts.is_empty() {
            changes.push((ChangeKind::ScopesChanged, parts.join("; ")));
        }
        let expires = (
            o.authorized_credential_expires_at,
            n.authorized_credential_expires_at,
        );
        if let (Some(was), Some(is)) = expires
            && !findings::is_expired(Some(was), false, old_now)
            && findings::is_expired(Some(is), false, new_now)
        {
            changes.push((
                ChangeKind::NewlyExpired,
                format!("expired {}", timestamp(is)),
            ));
        }
        changes
    };
    let records = (
        old.records.credentials.as_slice(),
        new.records.credentials.as_slice(),
    );
    item_changes(
        records,
        &comparable,
        changed,
        crate::credential::describe,
        "no longer authorized (removed, or the credential was deleted)",
    )
}

/// An installed App's permissions as `name:level`, sorted.
fn app_permissions(installation: &Installation) -> BTreeSet<String> {
    match serde_json::to_value(&installation.permissions) {
        Ok(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(name, level)| format!("{name}:{}", level.as_str().unwrap_or_default()))
            .collect(),
        _ => BTreeSet::new(),
    }
}

/// What changed about the installed Apps: added, removed, permissions or
/// repository selection changed.
fn installation_changes(old: &Snapshot, new: &Snapshot, warnings: &mut Vec<String>) -> Vec<Change> {
    let complete = |o: &OrgStatus| o.installations_complete;
    let comparable = comparable_by(old, new, Kind::Installation, complete, warnings);
    let changed = |o: &Installation, n: &Installation| {
        let mut changes = Vec::new();
        let (was, is) = (app_permissions(o), app_permissions(n));
        if was != is {
            let parts: Vec<String> = is
                .difference(&was)
                .map(|p| format!("+{p}"))
                .chain(was.difference(&is).map(|p| format!("-{p}")))
                .collect();
            changes.push((ChangeKind::PermissionsChanged, parts.join("; ")));
        }
        if o.repository_selection != n.repository_selection {
            let detail = format!("{} -> {}", o.repository_selection, n.repository_selection);
            changes.push((ChangeKind::RepositorySelectionChanged, detail));
        }
        changes
    };
    let added = |i: &Installation| {
        let permissions: Vec<String> = app_permissions(i).into_iter().collect();
        format!(
            "installed {}; repositories: {}; permissions: {}",
            timestamp(i.created_at),
            i.repository_selection,
            permissions.join(", ")
        )
    };
    let records = (
        old.records.installations.as_slice(),
        new.records.installations.as_slice(),
    );
    item_changes(records, &comparable, changed, added, "no longer installed")
}

/// Counts of each change, for the diff's summary line.
pub fn summary(changes: &[Change]) -> String {
    let kinds = [
        ChangeKind::Added,
        ChangeKind::Removed,
        ChangeKind::PermissionsChanged,
        ChangeKind::RepositorySelectionChanged,
        ChangeKind::ScopesChanged,
        ChangeKind::NewlyExpired,
    ];
    let parts: Vec<String> = kinds
        .iter()
        .map(|k| {
            format!(
                "{} {}",
                changes.iter().filter(|c| c.change == *k).count(),
                k.name()
            )
        })
        .collect();
    format!("{} changes: {}", changes.len(), parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};
    use github_standin::{Grant as GrantSeed, TokenRequest as RequestSeed};
    use std::path::PathBuf;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap()
    }

    fn write(
        dir: &Path,
        name: &str,
        at: DateTime<Utc>,
        grants: &[GrantSeed],
        complete: bool,
    ) -> PathBuf {
        let path = dir.join(name);
        let mut w = Writer::create(&path, at, "http://h", &[]).unwrap();
        for g in grants {
            w.record("acme", Kind::Grant, &g.to_json("http://h", 1, at))
                .unwrap();
        }
        w.record(
            "acme",
            Kind::Request,
            &RequestSeed::new(5).to_json("http://h", 1, at),
        )
        .unwrap();
        assert!(!path.exists(), "the snapshot appears only when complete");
        w.finish(&[OrgStatus {
            org: "acme".into(),
            grants: grants.len() as u64,
            requests: 1,
            grants_complete: complete,
            requests_complete: true,
            errors: vec![],
            ..OrgStatus::default()
        }])
        .unwrap();
        path
    }

    #[test]
    fn a_snapshot_reads_back_with_its_grants_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "s.json",
            now(),
            &[GrantSeed::new(1), GrantSeed::new(2)],
            true,
        );
        let s = Snapshot::read(&path).unwrap();
        assert_eq!(s.records.grants.len(), 2);
        assert_eq!(s.now, now());
        let text = std::fs::read_to_string(&path).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["records"].as_array().unwrap().len(), 3);
        assert_eq!(v["format"], FORMAT);
    }

    #[test]
    fn an_abandoned_snapshot_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let mut w = Writer::create(&path, now(), "http://h", &[]).unwrap();
        w.record(
            "acme",
            Kind::Grant,
            &GrantSeed::new(1).to_json("http://h", 1, now()),
        )
        .unwrap();
        drop(w);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn every_kind_of_change() {
        let dir = tempfile::tempdir().unwrap();
        let later = now() + TimeDelta::days(30);
        let old = [
            GrantSeed::new(1),
            GrantSeed::new(2)
                .permission("repository", "contents", "read")
                .permission("repository", "issues", "read"),
            GrantSeed::new(3).repository_selection("subset"),
            GrantSeed::new(4).expires_at(Some(now() + TimeDelta::days(10))),
            GrantSeed::new(5).expires_at(Some(now() - TimeDelta::days(1))),
        ];
        let new = [
            GrantSeed::new(2)
                .permission("repository", "contents", "write")
                .permission("organization", "members", "read"),
            GrantSeed::new(3).repository_selection("all"),
            GrantSeed::new(4).expires_at(Some(now() + TimeDelta::days(10))),
            GrantSeed::new(5).expires_at(Some(now() - TimeDelta::days(1))),
            GrantSeed::new(6).granted_at(now() + TimeDelta::days(3)),
        ];
        let old = Snapshot::read(&write(dir.path(), "old.json", now(), &old, true)).unwrap();
        let new = Snapshot::read(&write(dir.path(), "new.json", later, &new, true)).unwrap();
        let (changes, warnings) = diff(&old, &new);
        assert!(warnings.is_empty(), "{warnings:?}");
        let got: Vec<(i64, &str, &str)> = changes
            .iter()
            .map(|c| (c.subject.id, c.change.name(), c.detail.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    1,
                    "removed",
                    "no longer granted (revoked, or the token was deleted or regenerated)"
                ),
                (
                    2,
                    "permissions-changed",
                    "+organization.members:read; repository.contents: read -> write; -repository.issues:read"
                ),
                (3, "repository-selection-changed", "subset -> all"),
                (4, "newly-expired", "expired 2025-06-11T00:00:00Z"),
                (
                    6,
                    "added",
                    "granted 2025-06-04T00:00:00Z; repositories: subset; permissions: none"
                ),
            ]
        );
    }

    #[test]
    fn an_incomplete_organization_is_not_said_to_have_lost_its_grants() {
        let dir = tempfile::tempdir().unwrap();
        let old = Snapshot::read(&write(
            dir.path(),
            "old.json",
            now(),
            &[GrantSeed::new(1)],
            true,
        ))
        .unwrap();
        let new = Snapshot::read(&write(dir.path(), "new.json", now(), &[], false)).unwrap();
        let (changes, warnings) = diff(&old, &new);
        assert!(changes.is_empty(), "{changes:?}");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn not_a_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, r#"{"format":"other","version":1,"now":"2025-01-01T00:00:00Z","records":[],"organizations":[]}"#)
            .unwrap();
        assert!(
            Snapshot::read(&path)
                .unwrap_err()
                .to_string()
                .contains("not a pat-audit snapshot")
        );
        std::fs::write(&path, "[1,2]").unwrap();
        assert!(Snapshot::read(&path).is_err());
    }
}
