//! A snapshot's file: written record by record as the audit fetches, and
//! read back for a diff.

use std::io;
use std::path::Path;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use github_pat_grants::types::{
    CredentialAuthorization, Installation, OrganizationProgrammaticAccessGrant as Grant,
};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::findings::timestamp;
use crate::outfile::JsonArrayFile;
use crate::row::Kind;

/// The `format` value that marks a snapshot.
pub const FORMAT: &str = "pat-audit-snapshot";
/// The snapshot layout this build writes and reads.
pub const VERSION: u32 = 1;

/// What a snapshot says about one organization: the audit's summary of it,
/// whose counts and completeness are written at the snapshot's end.
pub use crate::render::OrgSummary as OrgStatus;

/// Writes a snapshot record by record.
#[derive(Debug)]
pub struct Writer(JsonArrayFile);

/// A record of the snapshot: an item as GitHub sent it (written), as
/// JSON (read, until its kind is known) or decoded (read), with its
/// organization and kind.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Record<O, T> {
    pub(super) org: O,
    kind: Kind,
    pub(super) item: T,
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
        let head = format!(
            "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"now\":{},\"base_url\":{},\"owners\":{},\"records\":[",
            serde_json::to_string(&timestamp(now))?,
            serde_json::to_string(base_url)?,
            serde_json::to_string(owners)?,
        );
        JsonArrayFile::create(path, &head).map(Writer)
    }

    /// Appends one grant or request as fetched.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn record<T: Serialize>(&mut self, org: &str, kind: Kind, item: &T) -> io::Result<()> {
        self.0.item(&Record { org, kind, item })
    }

    /// Closes the document with the organizations' status and moves it to
    /// its name. A snapshot abandoned half-way (a write failed, the report
    /// could not be written) is dropped unfinished and leaves nothing behind.
    ///
    /// # Errors
    /// When the file cannot be written or renamed.
    pub fn finish(self, orgs: &[OrgStatus]) -> io::Result<()> {
        let tail = format!(",\"organizations\":{}}}", serde_json::to_string(orgs)?);
        self.0.finish(&tail)
    }
}

/// A grant, credential authorization or installed App as recorded.
pub(super) type ItemRecord<T> = Record<String, T>;

/// A record as read: its item is decoded once its kind is known.
type RecordIn = Record<String, serde_json::Value>;

/// The records a diff compares.
#[derive(Debug, Default)]
pub(super) struct Records {
    pub(super) grants: Vec<ItemRecord<Grant>>,
    pub(super) credentials: Vec<ItemRecord<CredentialAuthorization>>,
    pub(super) installations: Vec<ItemRecord<Installation>>,
}

/// `record`'s item decoded as the SDK decodes GitHub's answer.
fn decode<'de, T: Deserialize<'de>, E: de::Error>(record: RecordIn) -> Result<ItemRecord<T>, E> {
    let item = T::deserialize(record.item).map_err(|e| {
        E::custom(format!(
            "a {} of {} is not a {0}: {e}",
            record.kind, record.org
        ))
    })?;
    Ok(Record {
        org: record.org,
        kind: record.kind,
        item,
    })
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
                    Kind::Grant => records.grants.push(decode(record)?),
                    Kind::Credential => records.credentials.push(decode(record)?),
                    Kind::Installation => records.installations.push(decode(record)?),
                    _ => {}
                }
            }
            Ok(records)
        }
    }
    records.deserialize_seq(Grants)
}

/// A snapshot read back for a diff (without the requests, which come and go).
#[derive(Debug, Deserialize)]
pub struct Snapshot {
    format: String,
    version: u32,
    pub(super) now: DateTime<Utc>,
    #[serde(deserialize_with = "grant_records")]
    pub(super) records: Records,
    pub(super) organizations: Vec<OrgStatus>,
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
}
