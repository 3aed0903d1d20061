//! `pat-audit trace`: what leaked tokens did in the organizations' audit
//! logs, and, with `--revoke`, their revocation.
//!
//! For every organization and token, every audit-log event since `--since`
//! with the token's hash is fetched (all pages, newest first) and written as
//! a row as it arrives; then a summary per token. Fetching is
//! [`fetch::audit_log`](crate::fetch::audit_log)'s; rows and summaries are
//! pure functions of the events, here; rendering is `render`'s.
//!
//! A token is never part of a row, a message or the `--output` file: rows
//! show its prefix and last four characters and its hash.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead as _, IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono::{DateTime, TimeZone as _, Utc};
use futures::{FutureExt as _, StreamExt as _};
use github_pat_grants::types::AuditLogEvent;
use serde::Serialize;
use serde_json::Value;

use crate::exit::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::fetch::audit_log::{self, Revocation};
use crate::fetch::connect::Connection;
use crate::findings::timestamp;
use crate::neutral::terminal;
use crate::outfile::{Access, AtomicFile};
use crate::render::{self, Format, markdown_cell};
use crate::row::{Kind, Row};
use crate::token::Token;
use crate::ui::{self, Ui};

/// GitHub's limit of credentials in one revocation call.
pub const MAX_CREDENTIALS_PER_CALL: usize = 1_000;

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
    /// The hash the audit log records.
    pub fn hashed(&self) -> String {
        match self {
            Traced::Token(token) => token.hashed(),
            Traced::Hash(hash) => hash.clone(),
        }
    }

    /// How reports show it: prefix and last four, or nothing for a hash.
    pub fn shown(&self) -> String {
        match self {
            Traced::Token(token) => token.redacted(),
            Traced::Hash(_) => String::new(),
        }
    }
}

/// How a trace runs and reports.
#[derive(Clone, Debug)]
pub struct Options {
    /// The organizations, in order.
    pub orgs: Vec<String>,
    /// The API root, for the `--output` file.
    pub base_url: String,
    /// The report's format.
    pub format: Format,
    /// `--output FILE`: the raw events.
    pub output: Option<PathBuf>,
    /// Events since this moment.
    pub since: DateTime<Utc>,
    /// Audit-log reads in flight at most.
    pub concurrency: usize,
    /// Colour and quietness.
    pub ui: Ui,
    /// `--revoke`: revoke the tokens after the trace.
    pub revoke: bool,
    /// `--yes`: without asking.
    pub yes: bool,
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

/// The columns of a [`TraceRow`], also its JSON keys and the CSV header.
pub const COLUMNS: [&str; 12] = [
    "org",
    "token",
    "hashed_token",
    "created_at",
    "action",
    "actor",
    "repository",
    "programmatic_access_type",
    "token_scopes",
    "user_agent",
    "actor_ip",
    "country",
];

impl Row for TraceRow {
    fn columns() -> Vec<&'static str> {
        COLUMNS.to_vec()
    }

    fn cells(&self) -> Vec<Cow<'_, str>> {
        [
            &self.org,
            &self.token,
            &self.hashed_token,
            &self.created_at,
            &self.action,
            &self.actor,
            &self.repository,
            &self.programmatic_access_type,
            &self.token_scopes,
            &self.user_agent,
            &self.actor_ip,
            &self.country,
        ]
        .into_iter()
        .map(|c| Cow::Borrowed(c.as_str()))
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
    let created_at = Utc
        .timestamp_millis_opt(at_ms)
        .single()
        .map(timestamp)
        .unwrap_or_default();
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
        if !self.errors.is_empty() || self.revocations_failed > 0 {
            EXIT_ERROR
        } else if self.summaries.iter().any(|s| s.events > 0) {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    }

    /// The summary: a headline, a line per token, the organizations not traced.
    pub fn text(&self, orgs: &[String], since: DateTime<Utc>, format: Format) -> String {
        let acted = self.summaries.iter().filter(|s| s.events > 0).count();
        let events: u64 = self.summaries.iter().map(|s| s.events).sum();
        let mut lines = vec![format!(
            "{} token{} traced in {} organization{} since {}: {events} events; {acted} acted",
            self.summaries.len(),
            if self.summaries.len() == 1 { "" } else { "s" },
            orgs.len(),
            if orgs.len() == 1 { "" } else { "s" },
            timestamp(since),
        )];
        lines.extend(self.summaries.iter().map(|s| s.line(since)));
        lines.extend(self.errors.values().map(|e| format!("not traced: {e}")));
        match format {
            Format::Markdown => {
                let mut md = format!("{}.\n\n", lines[0]);
                for line in &lines[1..] {
                    md.push_str(&format!("- {}\n", markdown_cell(line)));
                }
                md
            }
            // The lines quote GitHub (actions, repositories, messages).
            _ => lines.iter().map(|l| terminal(l) + "\n").collect(),
        }
    }
}

/// One traced event on its way from a fetch to the report.
enum Found {
    Event(usize, usize, Box<AuditLogEvent>),
    Failed(usize, String),
}

/// `--output FILE`: the raw events as GitHub sent them, with the summary,
/// written as [`outfile`](crate::outfile) writes every file (a temporary
/// file beside `FILE`, readable by the user only, synced and renamed over
/// it once complete; an unfinished one is removed when dropped).
struct RawOutput {
    out: AtomicFile,
    first: bool,
}

impl RawOutput {
    fn create(path: &Path, opts: &Options) -> io::Result<Self> {
        let mut out = AtomicFile::create(path, Access::Private)?;
        write!(
            out,
            "{{\"format\":\"pat-audit-trace\",\"version\":1,\"base_url\":{},\"since\":{},\"events\":[",
            serde_json::to_string(&opts.base_url)?,
            serde_json::to_string(&timestamp(opts.since))?,
        )?;
        Ok(RawOutput { out, first: true })
    }

    fn event(&mut self, org: &str, hashed_token: &str, event: &AuditLogEvent) -> io::Result<()> {
        self.out
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        let record = serde_json::json!({"org": org, "hashed_token": hashed_token, "event": event});
        serde_json::to_writer(&mut self.out, &record)?;
        Ok(())
    }

    fn finish(mut self, outcome: &Outcome) -> io::Result<()> {
        write!(
            self.out,
            "\n],\"tokens\":{},\"errors\":{}}}\n",
            serde_json::to_string(&outcome.summaries)?,
            serde_json::to_string(&outcome.errors)?,
        )?;
        self.out.commit()
    }
}

/// Reads every (organization, token) audit log concurrently, sending what
/// is found to `found`.
async fn fetch_all(
    connection: &Connection,
    opts: &Options,
    traced: &[Traced],
    found: tokio::sync::mpsc::Sender<Found>,
) {
    let pairs = (0..opts.orgs.len()).flat_map(|o| (0..traced.len()).map(move |t| (o, t)));
    futures::stream::iter(pairs)
        .for_each_concurrent(opts.concurrency.max(1), |(o, t)| {
            let found = found.clone();
            let org = &opts.orgs[o];
            let hash = traced[t].hashed();
            async move {
                let client = match connection.client_for(org) {
                    Ok(client) => client,
                    Err(e) => {
                        let _ = found
                            .send(Found::Failed(o, audit_log::explain(org, &e)))
                            .await;
                        return;
                    }
                };
                let mut events = audit_log::events(&client, org, &hash, opts.since);
                while let Some(next) = events.next().await {
                    let found_now = match next {
                        Ok(event) => Found::Event(o, t, Box::new(event)),
                        Err(e) => Found::Failed(o, audit_log::explain(org, &e)),
                    };
                    let failed = matches!(found_now, Found::Failed(..));
                    if found.send(found_now).await.is_err() || failed {
                        break;
                    }
                }
            }
        })
        .await;
}

/// Runs the trace and writes the report to `out`; with `--revoke`,
/// revokes the tokens before the summary.
///
/// # Errors
/// When the report or `--output` cannot be written, or the confirmation
/// cannot be read. Organizations that cannot be traced are reported and
/// counted in the outcome.
pub async fn run(
    connection: &Connection,
    opts: &Options,
    traced: &[Traced],
    out: impl Write,
) -> anyhow::Result<Outcome> {
    let mut raw = match &opts.output {
        Some(path) => Some(
            RawOutput::create(path, opts).with_context(|| format!("writing {}", path.display()))?,
        ),
        None => None,
    };
    let color = opts.ui.color_stdout();
    let mut report = render::report::<TraceRow>(opts.format, out, opts.orgs.clone(), color)
        .context("writing the report")?;
    let mut outcome = Outcome {
        summaries: traced.iter().map(TokenSummary::of).collect(),
        ..Outcome::default()
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    let fetching = fetch_all(connection, opts, traced, tx).fuse();
    let progress = Progress::new(opts.orgs.len() * traced.len(), opts.ui);
    let consume = async {
        while let Some(found) = rx.recv().await {
            match found {
                Found::Event(o, t, event) => {
                    let row = row(&opts.orgs[o], t, &traced[t], &event);
                    outcome.summaries[t].add(&row);
                    report.row(&row).context("writing the report")?;
                    if let Some(raw) = &mut raw {
                        raw.event(&row.org, &row.hashed_token, &event)
                            .context("writing --output")?;
                    }
                    progress.event();
                }
                Found::Failed(o, message) => {
                    if !outcome.errors.contains_key(&opts.orgs[o]) {
                        progress.error(&message);
                        outcome.errors.insert(opts.orgs[o].clone(), message);
                    }
                }
            }
        }
        anyhow::Ok(())
    };
    let (_, consumed) = futures::join!(fetching, consume);
    consumed?;
    progress.finish();
    if opts.revoke {
        revoke(connection, opts, traced, &mut outcome).await?;
    }
    let text = |f: Format| outcome.text(&opts.orgs, opts.since, f);
    report
        .finish(&mut |f| text(f))
        .context("writing the report")?;
    if matches!(opts.format, Format::Json | Format::Csv) {
        opts.ui.notice(text(Format::Table).trim_end());
    }
    if let Some(raw) = raw {
        raw.finish(&outcome).context("writing --output")?;
    }
    Ok(outcome)
}

/// The events found so far, on stderr when it is a terminal (and not `--quiet`).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(reads: usize, ui: Ui) -> Self {
        let enabled = !ui.quiet() && io::stderr().is_terminal();
        let bar = enabled.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_message(format!("reading {reads} audit logs"));
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    fn event(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(format!("{} events found", bar.position()));
        }
    }

    fn error(&self, message: &str) {
        let print = || ui::error(message);
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Refuses `--revoke` without `--yes` when nobody can be asked: checked
/// before anything is read or fetched. With `--token-stdin`, standard input
/// carries the tokens and cannot answer.
///
/// # Errors
/// `--revoke` without `--yes` and standard input is not a terminal (or carries the tokens).
pub fn check_confirmable(revoke: bool, yes: bool, tokens_on_stdin: bool) -> anyhow::Result<()> {
    if revoke && !yes && (tokens_on_stdin || !io::stdin().is_terminal()) {
        bail!(
            "refusing to revoke without confirmation: standard input is not a terminal{}. \
             Run without --revoke to see the trace, then add --yes to revoke without being asked",
            if tokens_on_stdin {
                " (it carries the tokens)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// `--revoke`: the plan on stderr, the confirmation, then calls of at most
/// [`MAX_CREDENTIALS_PER_CALL`] tokens; each token's summary says what
/// became of it.
async fn revoke(
    connection: &Connection,
    opts: &Options,
    traced: &[Traced],
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    let mut planned = Vec::new();
    for (i, t) in traced.iter().enumerate() {
        let summary = &mut outcome.summaries[i];
        match t {
            Traced::Token(token) if token.kind().revocable() => {
                summary.revocation = "planned".into();
                planned.push(i);
            }
            Traced::Token(token) => {
                summary.revocation = "skipped".into();
                summary.revocation_message = format!(
                    "GitHub's revocation API does not take a {}; it expires within the hour, \
                     and the App can revoke it (DELETE /installation/token)",
                    token.kind().describe()
                );
            }
            Traced::Hash(_) => {
                summary.revocation = "skipped".into();
                summary.revocation_message = "only its hash was given".into();
            }
        }
    }
    if planned.is_empty() {
        return Ok(());
    }
    if !opts.yes && !confirm(outcome, &planned, opts)? {
        bail!("not confirmed; nothing was revoked");
    }
    let client = connection.client();
    for batch in planned.chunks(MAX_CREDENTIALS_PER_CALL) {
        let credentials = batch
            .iter()
            .filter_map(|&i| match &traced[i] {
                Traced::Token(token) => Some(token.expose().to_string()),
                Traced::Hash(_) => None,
            })
            .collect();
        let result = audit_log::revoke(client, credentials).await;
        let (state, message) = match result {
            Revocation::Revoked => ("revoked", String::new()),
            Revocation::Refused(m) => ("refused", m),
            Revocation::Failed(m) => ("failed", m),
        };
        // Whatever the server's message quotes, it never shows the tokens
        // sent: each is replaced by its redacted form.
        let message = batch.iter().fold(message, |m, &i| match &traced[i] {
            Traced::Token(token) => m.replace(token.expose(), &traced[i].shown()),
            Traced::Hash(_) => m,
        });
        for &i in batch {
            let summary = &mut outcome.summaries[i];
            summary.revocation = state.into();
            summary.revocation_message.clone_from(&message);
        }
        if state != "revoked" {
            outcome.revocations_failed += 1;
            // An error: shown even with --quiet.
            ui::error(format_args!(
                "revoking {} tokens failed: {message}",
                batch.len(),
            ));
        }
    }
    Ok(())
}

/// Shows the plan on stderr and asks on the terminal; `true` for yes.
fn confirm(outcome: &Outcome, planned: &[usize], opts: &Options) -> anyhow::Result<bool> {
    let mut stderr = io::stderr().lock();
    writeln!(stderr, "Tokens to revoke:")?;
    for &i in planned {
        let s = &outcome.summaries[i];
        writeln!(
            stderr,
            "  {} (hashed_token {}): {} events",
            s.token, s.hashed_token, s.events
        )?;
    }
    write!(
        stderr,
        "Revoke {} token{} with GitHub's credential revocation API at {}? They stop working at \
         once and GitHub tells their owners. [y/N] ",
        planned.len(),
        if planned.len() == 1 { "" } else { "s" },
        opts.base_url,
    )?;
    stderr.flush()?;
    drop(stderr);
    let mut answer = String::new();
    io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("reading the answer")?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
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
            let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
            bail!(
                "{source}: line{} {} {} not {}",
                if lines.len() == 1 { "" } else { "s" },
                lines.join(", "),
                if lines.len() == 1 { "is" } else { "are" },
                crate::token::EXPECTED
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
