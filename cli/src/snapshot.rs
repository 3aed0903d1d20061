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
//!
//! [`file`] writes and reads the file; [`changes`] is the diff.

pub mod file;
pub mod changes;

pub use changes::{Change, ChangeKind, diff, summary};
pub use file::{FORMAT, OrgStatus, Snapshot, VERSION, Writer};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row::{Kind, Named as _};
    use chrono::{DateTime, TimeDelta, TimeZone, Utc};
    use github_standin::{Grant as GrantSeed, TokenRequest as RequestSeed};
    use std::path::Path;
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
    fn a_permission_group_github_added_is_compared_too() {
        let dir = tempfile::tempdir().unwrap();
        let old = [GrantSeed::new(7).permission("enterprise", "administration", "read")];
        let new = [GrantSeed::new(7)
            .permission("enterprise", "administration", "write")
            .permission("enterprise", "billing", "read")];
        let old = Snapshot::read(&write(dir.path(), "old.json", now(), &old, true)).unwrap();
        let new = Snapshot::read(&write(dir.path(), "new.json", now(), &new, true)).unwrap();
        let (changes, _) = diff(&old, &new);
        let got: Vec<(&str, &str)> = changes
            .iter()
            .map(|c| (c.change.name(), c.detail.as_str()))
            .collect();
        assert_eq!(
            got,
            [(
                "permissions-changed",
                "enterprise.administration: read -> write; +enterprise.billing:read"
            )]
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
    fn an_organization_is_compared_whatever_its_case_and_by_its_first_entry() {
        let dir = tempfile::tempdir().unwrap();
        let grants = [GrantSeed::new(1)];
        let old = Snapshot::read(&write(dir.path(), "old.json", now(), &grants, true)).unwrap();
        let mut new = Snapshot::read(&write(dir.path(), "new.json", now(), &[], true)).unwrap();
        // The new snapshot spells the organization otherwise, then lists it
        // again as incomplete: its first entry is the one that counts.
        new.organizations[0].org = "ACME".into();
        let again = OrgStatus {
            org: "acme".into(),
            ..OrgStatus::default()
        };
        new.organizations.push(again);
        let (changes, warnings) = diff(&old, &new);
        assert!(warnings.is_empty(), "{warnings:?}");
        let got: Vec<(i64, &str)> = changes
            .iter()
            .map(|c| (c.subject.id, c.change.name()))
            .collect();
        assert_eq!(got, [(1, "removed")]);
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
