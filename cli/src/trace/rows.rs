//! What `trace` reports, as pure functions of the events: a row per event,
//! a summary per token, the outcome and its exit status; and the tokens read
//! from a file or stdin.
//!
//! A token is never part of a row, a message or the `--output` file: rows
//! show its prefix and last four characters and its hash.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use anyhow::bail;
use chrono::{DateTime, Utc};
use github_pat_grants::types::AuditLogEvent;
use serde::Serialize;
use serde_json::Value;

use crate::act::report::plural;
use crate::exit;
use crate::findings::timestamp;
use crate::neutral::terminal;
use crate::render::{Format, markdown_list};
use crate::row::{Kind, Row};
use crate::token::Token;

/// What is traced: a token read from a file or stdin, or only its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Traced {
    /// A token (which `--revoke` can revoke).
    Token(Token),
    /// A hash given with `--hashed-token`.
    Hash(String),
}

impl Traced {
    /// The token, unless only its hash was given.
    pub fn token(&self) -> Option<&Token> {
        match self {
            Traced::Token(token) => Some(token),
            Traced::Hash(_) => None,
        }
    }

    /// The hash the audit log records.
    pub fn hashed(&self) -> String {
        match self {
            Traced::Token(token) => token.hashed(),
            Traced::Hash(hash) => hash.clone(),
        }
    }

    /// How reports show it: prefix and last four, or nothing for a hash.
    pub fn shown(&self) -> String {
        self.token().map(Token::redacted).unwrap_or_default()
    }
}

/// One audit-log event of a traced token: a row of the report, its columns
/// the command-line contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceRow {
    /// The organization whose audit log has it.
    pub org: String,
    /// The token's prefix and last four characters (empty for a hash).
    pub token: String,
    /// The token's SHA-256, as the audit log records it.
    pub hashed_token: String,
    /// When it happened.
    pub created_at: String,
    /// What was done (`git.clone`, `repo.create`, ...).
    pub action: String,
    /// Who acted.
    pub actor: String,
    /// The repository acted on.
    pub repository: String,
    /// How the actor authenticated.
    pub programmatic_access_type: String,
    /// The token's scopes.
    pub token_scopes: String,
    /// The client's `User-Agent`.
    pub user_agent: String,
    /// The client's address.
    pub actor_ip: String,
    /// The country of that address.
    pub country: String,
    /// Unix milliseconds, for ordering.
    #[serde(skip)]
    pub at_ms: i64,
    /// The token's position among those traced.
    #[serde(skip)]
    pub token_index: usize,
}

/// A column's name and how a row's cell of it is found.
type Column = (&'static str, fn(&TraceRow) -> &String);

/// The columns of a [`TraceRow`], each with its cell: the names are also
/// its JSON keys (the fields' names) and the CSV header.
const COLUMNS: [Column; 12] = [
    ("org", |r| &r.org),
    ("token", |r| &r.token),
    ("hashed_token", |r| &r.hashed_token),
    ("created_at", |r| &r.created_at),
    ("action", |r| &r.action),
    ("actor", |r| &r.actor),
    ("repository", |r| &r.repository),
    ("programmatic_access_type", |r| &r.programmatic_access_type),
    ("token_scopes", |r| &r.token_scopes),
    ("user_agent", |r| &r.user_agent),
    ("actor_ip", |r| &r.actor_ip),
    ("country", |r| &r.country),
];

impl Row for TraceRow {
    fn columns() -> Vec<&'static str> {
        COLUMNS.iter().map(|(name, _)| *name).collect()
    }

    fn cells(&self) -> Vec<Cow<'_, str>> {
        COLUMNS
            .iter()
            .map(|(_, cell)| Cow::Borrowed(cell(self).as_str()))
            .collect()
    }

    /// Within an organization, newest first, then by token. The key's
    /// shape is the grants' and requests' (`Kind`, id, order); an event is
    /// neither, and every event takes the same `Kind`, so that time and
    /// token alone order them.
    fn sort_key(&self) -> (&str, (Kind, i64, usize)) {
        (&self.org, (Kind::Grant, -self.at_ms, self.token_index))
    }

    const EMPTY: &'static str = "No activity.";

    fn verdict_column() -> Option<usize> {
        Some(4)
    }
}

/// A field of an event as text: a string as it is, a list joined with
/// commas, nothing when absent.
fn text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| text(Some(i)))
            .collect::<Vec<_>>()
            .join(","),
        Some(other) => other.to_string(),
    }
}

/// The row of `event`, found in `org`'s audit log for traced token `index`.
pub fn row(org: &str, index: usize, traced: &Traced, event: &AuditLogEvent) -> TraceRow {
    let extra = |key: &str| text(event.extra.get(key));
    let at_ms = event.created_at.or(event.timestamp).unwrap_or_default();
    let created_at = DateTime::from_timestamp_millis(at_ms).map(timestamp);
    let created_at = created_at.unwrap_or_default();
    let country = match extra("country") {
        c if c.is_empty() => event
            .actor_location
            .as_ref()
            .and_then(|l| l.country_name.clone())
            .unwrap_or_default(),
        c => c,
    };
    TraceRow {
        org: event.org.clone().unwrap_or_else(|| org.to_string()),
        token: traced.shown(),
        hashed_token: Some(extra("hashed_token"))
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| traced.hashed()),
        created_at,
        action: event.action.clone().unwrap_or_default(),
        actor: event.actor.clone().unwrap_or_default(),
        repository: event
            .repo
            .clone()
            .or_else(|| event.repository.clone())
            .unwrap_or_default(),
        programmatic_access_type: extra("programmatic_access_type"),
        token_scopes: extra("token_scopes"),
        user_agent: extra("user_agent"),
        actor_ip: extra("actor_ip"),
        country,
        at_ms,
        token_index: index,
    }
}

/// What one token did, summed up from its rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TokenSummary {
    /// Prefix and last four (empty for a hash).
    pub token: String,
    /// Its hash.
    pub hashed_token: String,
    /// Events found.
    pub events: u64,
    /// Organizations where it acted.
    pub organizations: BTreeSet<String>,
    /// The earliest event.
    pub first_seen: Option<String>,
    /// The latest event.
    pub last_seen: Option<String>,
    /// Events per action.
    pub actions: BTreeMap<String, u64>,
    /// Repositories it touched.
    pub repositories: BTreeSet<String>,
    /// What `--revoke` did: `revoked` (GitHub answered its success, 202),
    /// `refused` (GitHub answered a client error), `failed` (anything
    /// else: no answer, a redirect, a server error, another status),
    /// `skipped`, `planned` (empty without it).
    pub revocation: String,
    /// GitHub's message for a refusal, what went wrong for a failure, or
    /// why it was skipped.
    pub revocation_message: String,
    #[serde(skip)]
    first_ms: i64,
    #[serde(skip)]
    last_ms: i64,
}

impl TokenSummary {
    /// An empty summary of `traced`.
    pub fn of(traced: &Traced) -> Self {
        TokenSummary {
            token: traced.shown(),
            hashed_token: traced.hashed(),
            ..TokenSummary::default()
        }
    }

    /// Counts one row.
    pub fn add(&mut self, row: &TraceRow) {
        if self.events == 0 || row.at_ms < self.first_ms {
            self.first_ms = row.at_ms;
            self.first_seen = Some(row.created_at.clone());
        }
        if self.events == 0 || row.at_ms > self.last_ms {
            self.last_ms = row.at_ms;
            self.last_seen = Some(row.created_at.clone());
        }
        self.events += 1;
        self.organizations.insert(row.org.clone());
        *self.actions.entry(row.action.clone()).or_default() += 1;
        if !row.repository.is_empty() {
            self.repositories.insert(row.repository.clone());
        }
    }

    /// One line: what the token did, where and when.
    pub fn line(&self, since: DateTime<Utc>) -> String {
        let who = match self.token.is_empty() {
            true => format!("hashed_token {}", self.hashed_token),
            false => format!("{} (hashed_token {})", self.token, self.hashed_token),
        };
        let mut line = if self.events == 0 {
            format!("{who}: no activity since {}", timestamp(since))
        } else {
            let join = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
            let actions: Vec<String> = self
                .actions
                .iter()
                .map(|(a, n)| format!("{a} {n}"))
                .collect();
            format!(
                "{who}: {} events in {} from {} to {}; actions: {}; repositories: {}",
                self.events,
                join(&self.organizations),
                self.first_seen.as_deref().unwrap_or_default(),
                self.last_seen.as_deref().unwrap_or_default(),
                actions.join(", "),
                if self.repositories.is_empty() {
                    "none".into()
                } else {
                    join(&self.repositories)
                },
            )
        };
        if !self.revocation.is_empty() {
            line.push_str(&format!("; revocation: {}", self.revocation));
            if !self.revocation_message.is_empty() {
                line.push_str(&format!(" ({})", self.revocation_message));
            }
        }
        line
    }
}

/// What a trace found.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Per traced token, in order.
    pub summaries: Vec<TokenSummary>,
    /// Per organization that could not be traced: its error in words.
    pub errors: BTreeMap<String, String>,
    /// Revocation calls that did not revoke: refused or failed.
    pub revocations_failed: usize,
}

impl Outcome {
    /// 1 on any error, else 3 when any token acted, else 0.
    pub fn exit_code(&self) -> u8 {
        let failed = !self.errors.is_empty() || self.revocations_failed > 0;
        exit::status(failed, self.summaries.iter().any(|s| s.events > 0))
    }

    /// The summary: a headline, a line per token, the organizations not traced.
    pub fn text(&self, orgs: &[String], since: DateTime<Utc>, format: Format) -> String {
        let acted = self.summaries.iter().filter(|s| s.events > 0).count();
        let events: u64 = self.summaries.iter().map(|s| s.events).sum();
        let mut lines = vec![format!(
            "{} traced in {} since {}: {events} events; {acted} acted",
            plural(self.summaries.len(), "token", "tokens"),
            plural(orgs.len(), "organization", "organizations"),
            timestamp(since),
        )];
        lines.extend(self.summaries.iter().map(|s| s.line(since)));
        lines.extend(self.errors.values().map(|e| format!("not traced: {e}")));
        match format {
            Format::Markdown => format!("{}.\n\n{}", lines[0], markdown_list(&lines[1..])),
            // The lines quote GitHub (actions, repositories, messages).
            _ => lines.iter().map(|l| terminal(l) + "\n").collect(),
        }
    }
}

/// The tokens of `text` (a file's or stdin's), or an error naming the
/// lines that are not tokens (never quoting them).
///
/// # Errors
/// Lines that are not tokens, or no token at all.
pub fn tokens_from(text: &str, source: &str) -> anyhow::Result<Vec<Traced>> {
    match crate::token::parse_lines(text) {
        Ok(tokens) if tokens.is_empty() => bail!("{source} has no token"),
        Ok(tokens) => Ok(tokens.into_iter().map(Traced::Token).collect()),
        Err(lines) => {
            let (s, are) = [("", "is"), ("s", "are")][usize::from(lines.len() != 1)];
            let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
            let (lines, expected) = (lines.join(", "), crate::token::EXPECTED);
            bail!("{source}: line{s} {lines} {are} not {expected}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
    use chrono::TimeZone as _;

    const CLASSIC: &str = "ghp_1234567890abcdefghijABCDEFGHIJ0f3Zq9";

    fn event(json: serde_json::Value) -> AuditLogEvent {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_row_takes_the_declared_fields_and_the_token_data_github_adds() {
        let traced = Traced::Token(Token::parse(CLASSIC).unwrap());
        let e = event(serde_json::json!({
            "action": "git.clone", "actor": "mallory", "org": "acme", "repo": "acme/widgets",
            "created_at": 1_772_366_400_000i64, "hashed_token": traced.hashed(),
            "programmatic_access_type": "Personal access token (classic)",
            "token_scopes": ["repo", "read:org"], "user_agent": "curl/8.5.0",
            "actor_ip": "192.0.2.7", "actor_location": {"country_name": "Iceland"}
        }));
        let r = row("ACME", 0, &traced, &e);
        assert_eq!(
            r.cells(),
            [
                "acme",
                "ghp_…3Zq9",
                &traced.hashed(),
                "2026-03-01T12:00:00Z",
                "git.clone",
                "mallory",
                "acme/widgets",
                "Personal access token (classic)",
                "repo,read:org",
                "curl/8.5.0",
                "192.0.2.7",
                "Iceland"
            ]
        );
        let json = serde_json::to_string(&r).unwrap();
        assert!(!json.contains(CLASSIC) && !json.contains("at_ms"), "{json}");
        let bare = row(
            "acme",
            1,
            &Traced::Hash("h".into()),
            &event(serde_json::json!({})),
        );
        assert_eq!(
            (
                bare.token.as_str(),
                bare.hashed_token.as_str(),
                bare.org.as_str()
            ),
            ("", "h", "acme")
        );
    }

    #[test]
    fn the_summary_counts_and_the_exit_status_follows_it() {
        let traced = Traced::Token(Token::parse(CLASSIC).unwrap());
        let mut summary = TokenSummary::of(&traced);
        for (ms, action, org) in [
            (2_000, "git.clone", "b"),
            (1_000, "repo.create", "a"),
            (3_000, "git.clone", "a"),
        ] {
            let e = event(serde_json::json!({"action": action, "created_at": ms, "repo": "a/r"}));
            summary.add(&row(org, 0, &traced, &e));
        }
        assert_eq!(summary.events, 3);
        assert_eq!(summary.first_seen.as_deref(), Some("1970-01-01T00:00:01Z"));
        assert_eq!(summary.last_seen.as_deref(), Some("1970-01-01T00:00:03Z"));
        assert_eq!(summary.actions["git.clone"], 2);
        let since = Utc.timestamp_opt(0, 0).unwrap();
        let line = summary.line(since);
        assert!(
            line.starts_with("ghp_…3Zq9 (hashed_token ") && line.contains("3 events in a, b"),
            "{line}"
        );
        let mut outcome = Outcome {
            summaries: vec![TokenSummary::of(&traced)],
            ..Outcome::default()
        };
        assert_eq!(outcome.exit_code(), EXIT_OK);
        outcome.summaries.push(summary);
        assert_eq!(outcome.exit_code(), EXIT_FINDINGS);
        outcome.errors.insert("c".into(), "c: failed".into());
        assert_eq!(outcome.exit_code(), EXIT_ERROR);
    }

    #[test]
    fn input_lines_that_are_not_tokens_are_named_not_shown() {
        let err = tokens_from(&format!("{CLASSIC}\nhunter2\n"), "standard input").unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("standard input: line 2 is not a GitHub token"),
            "{message}"
        );
        assert!(!message.contains("hunter2"));
        assert!(tokens_from("\n# none\n", "tokens.txt").is_err());
        assert_eq!(tokens_from(CLASSIC, "x").unwrap().len(), 1);
    }
}
