//! An organization's audit-log events, as tests describe them.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// Builder methods that each set one text field of an event: `name(text)`
/// sets `"key"`.
macro_rules! text_fields {
    ($($(#[$doc:meta])* $name:ident => $key:literal,)*) => {
        $($(#[$doc])* pub fn $name(self, text: &str) -> Self {
            self.field($key, text)
        })*
    };
}

/// One event of an organization's audit log (`GET /orgs/{org}/audit-log`),
/// written as GitHub sends it: `@timestamp` and `created_at` in Unix
/// milliseconds, `_document_id`, `action`, `actor`, `org`, and what the
/// event carries besides (GitHub's events are free-form).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use github_standin::{AuditEvent, Org};
///
/// let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
/// let pushed = AuditEvent::new("git.push", at)
///     .actor("mallory")
///     .repository("acme/widgets")
///     .hashed_token("Rj5hwENyeTHm6bgzU40+5cx+LZMMd2dPJcaUywS44HM=")
///     .programmatic_access_type("Personal access token (classic)")
///     .token_scopes("repo")
///     .user_agent("curl/8.5.0")
///     .actor_ip("192.0.2.7")
///     .country("Iceland");
/// let acme = Org::new("acme", 1).audit_log([pushed]);
/// # let _ = acme;
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditEvent {
    pub(crate) at: DateTime<Utc>,
    pub(crate) fields: Map<String, Value>,
}

impl AuditEvent {
    /// An event of `action` (`repo.create`, `git.clone`, ...) at `at`.
    pub fn new(action: impl Into<String>, at: DateTime<Utc>) -> Self {
        let mut fields = Map::new();
        fields.insert("action".into(), Value::String(action.into()));
        AuditEvent { at, fields }
    }

    /// When it happened.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The field `key`, as it will be sent.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    /// Sets any field of the event (GitHub's events carry what their action has).
    pub fn field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(key.into(), value.into());
        self
    }

    text_fields! {
        /// Who acted (`actor`).
        actor => "actor",
        /// The repository acted on (`repo`, `owner/name`).
        repository => "repo",
        /// The SHA-256 of the token used, base64 (`hashed_token`).
        hashed_token => "hashed_token",
        /// How the actor authenticated (`programmatic_access_type`).
        programmatic_access_type => "programmatic_access_type",
        /// The token's scopes (`token_scopes`, comma-separated).
        token_scopes => "token_scopes",
        /// The client's `User-Agent` (`user_agent`).
        user_agent => "user_agent",
        /// The client's address (`actor_ip`).
        actor_ip => "actor_ip",
    }

    /// The country the address is in (`actor_location.country_name`, and
    /// `country` as events with token data carry it).
    pub fn country(self, name: &str) -> Self {
        let location = serde_json::json!({ "country_name": name });
        self.field("country", name)
            .field("actor_location", location)
    }
}

impl AuditEvent {
    /// `events` newest first (as GitHub's `order=desc`), each with `org`,
    /// `org_id`, the times in milliseconds and a `_document_id` unless given.
    pub(crate) fn newest_first(
        org: &str,
        org_id: u64,
        mut events: Vec<AuditEvent>,
    ) -> Vec<AuditEvent> {
        for (i, e) in events.iter_mut().enumerate() {
            let (ms, fields) = (e.at.timestamp_millis(), &mut e.fields);
            fields.insert("@timestamp".into(), ms.into());
            fields.insert("created_at".into(), ms.into());
            fields.insert("org".into(), org.into());
            fields.insert("org_id".into(), org_id.into());
            let id = || format!("{org_id:x}-{i:06}").into();
            fields.entry("_document_id").or_insert_with(id);
        }
        events.sort_by(|a, b| b.key().cmp(&a.key()));
        events
    }

    /// Where the event sorts: its time, then its document id.
    pub(crate) fn key(&self) -> (i64, &str) {
        let id = self.get("_document_id").and_then(Value::as_str);
        (self.at.timestamp_millis(), id.unwrap_or_default())
    }
}
