//! `pat-audit trace`: what leaked tokens did in the organizations' audit
//! logs, and, with `--revoke`, their revocation.
//!
//! For every organization and token, every audit-log event since `--since`
//! with the token's hash is fetched (all pages, newest first) and written as
//! a row as it arrives; then a summary per token. Fetching is
//! [`fetch::audit_log`](crate::fetch::audit_log)'s, in the one worker pool
//! ([`fetch::pool`](crate::fetch::pool)); rows and summaries are pure
//! functions of the events ([`rows`]); the revocation is [`revoke`]'s;
//! rendering is `render`'s.

pub mod rows;
pub mod revoke;

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use github_pat_grants::types::AuditLogEvent;
use github_pat_grants::{Client, Error};

use crate::common::Common;
use crate::fetch::audit_log;
use crate::fetch::connect::Connection;
use crate::fetch::pool::{self, Jobs, Sink};
use crate::findings::timestamp;
use crate::outfile::JsonArrayFile;
use crate::render::{Format, Report};
use crate::ui::Progress;

pub use revoke::{MAX_CREDENTIALS_PER_CALL, check_confirmable};
pub use rows::{Outcome, TokenSummary, TraceRow, Traced, row, tokens_from};

/// How a trace runs and reports.
#[derive(Clone, Debug)]
pub struct Options {
    /// The organizations, API root (for the `--output` file), format,
    /// audit-log reads in flight at most, and UI.
    pub common: Common,
    /// `--output FILE`: the raw events.
    pub output: Option<PathBuf>,
    /// Events since this moment.
    pub since: DateTime<Utc>,
    /// `--revoke`: revoke the tokens after the trace.
    pub revoke: bool,
    /// `--yes`: without asking.
    pub yes: bool,
}

/// One traced event on its way from a fetch to the report.
enum Found {
    Event(usize, usize, Box<AuditLogEvent>),
    Failed(usize, String),
}

/// Starts `--output FILE`: the raw events as GitHub sent them, then the
/// summary ([`raw_tail`]), written as [`outfile`](crate::outfile) writes
/// every file (a temporary file beside `FILE`, readable by the user only,
/// synced and renamed over it once complete; an unfinished one is removed
/// when dropped).
fn raw_output(path: &Path, opts: &Options) -> io::Result<JsonArrayFile> {
    let head = format!(
        "{{\"format\":\"pat-audit-trace\",\"version\":1,\"base_url\":{},\"since\":{},\"events\":[",
        serde_json::to_string(&opts.common.base_url)?,
        serde_json::to_string(&timestamp(opts.since))?,
    );
    JsonArrayFile::create(path, &head)
}

/// What `--output` ends with: each token's summary, and the organizations
/// not traced.
fn raw_tail(outcome: &Outcome) -> io::Result<String> {
    Ok(format!(
        ",\"tokens\":{},\"errors\":{}}}",
        serde_json::to_string(&outcome.summaries)?,
        serde_json::to_string(&outcome.errors)?,
    ))
}

/// A trace under way: the (organization, token) audit logs still to read,
/// and where what they hold goes.
struct Trace<'a, 'w> {
    opts: &'a Options,
    traced: &'a [Traced],
    /// The reads not yet started, last first.
    waiting: Vec<(usize, usize)>,
    report: Box<dyn Report<TraceRow> + 'w>,
    raw: Option<JsonArrayFile>,
    outcome: Outcome,
    progress: Progress,
    events: u64,
    /// Writing the report or `--output` failed: the trace stopped.
    failed: Option<anyhow::Error>,
}

impl Jobs for Trace<'_, '_> {
    type Job = (usize, usize);
    type Found = Found;

    fn next(&mut self) -> Option<(usize, usize)> {
        self.waiting.pop()
    }

    fn take(&mut self, found: Found) -> ControlFlow<()> {
        match found {
            Found::Event(o, t, event) => {
                if let Err(e) = self.event(o, t, &event) {
                    self.failed = Some(e);
                    return ControlFlow::Break(());
                }
            }
            Found::Failed(o, message) => {
                let org = &self.opts.common.orgs[o];
                if !self.outcome.errors.contains_key(org) {
                    self.progress.error(&message);
                    self.outcome.errors.insert(org.clone(), message);
                }
            }
        }
        ControlFlow::Continue(())
    }
}

impl Trace<'_, '_> {
    /// Reports, sums up and records one event of token `t` in organization `o`.
    fn event(&mut self, o: usize, t: usize, event: &AuditLogEvent) -> anyhow::Result<()> {
        let row = row(&self.opts.common.orgs[o], t, &self.traced[t], event);
        self.outcome.summaries[t].add(&row);
        self.report.row(&row).context("writing the report")?;
        if let Some(raw) = &mut self.raw {
            let (org, hashed_token) = (&row.org, &row.hashed_token);
            let record =
                serde_json::json!({"org": org, "hashed_token": hashed_token, "event": event});
            raw.item(&record).context("writing --output")?;
        }
        self.events += 1;
        self.progress
            .message(format!("{} events found", self.events));
        Ok(())
    }
}

/// Reads one token's events in one organization's audit log, handing each
/// over; a failure ends the read.
async fn read(
    client: Result<Client, Error>,
    (org, hash, since): (String, String, DateTime<Utc>),
    (o, t): (usize, usize),
    sink: Sink<Found>,
) {
    let failed = |e: &Error| Found::Failed(o, audit_log::explain(&org, e));
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            let _ = sink.send(failed(&e)).await;
            return;
        }
    };
    let mut events = audit_log::events(&client, &org, &hash, since);
    while let Some(next) = events.next().await {
        let last = next.is_err();
        let found = next.map_or_else(|e| failed(&e), |e| Found::Event(o, t, Box::new(e)));
        if sink.send(found).await.is_err() || last {
            break;
        }
    }
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
    let create = |path: &PathBuf| {
        raw_output(path, opts).with_context(|| format!("writing {}", path.display()))
    };
    let raw = opts.output.as_ref().map(create).transpose()?;
    let common = &opts.common;
    let report = common.report(out)?;
    let reads = common.orgs.len() * traced.len();
    let progress = Progress::new(common.ui, None, "");
    progress.message(format!("reading {reads} audit logs"));
    let pairs = (0..common.orgs.len()).flat_map(|o| (0..traced.len()).map(move |t| (o, t)));
    let mut trace = Trace {
        opts,
        traced,
        waiting: pairs.rev().collect(),
        report,
        raw,
        outcome: Outcome {
            summaries: traced.iter().map(TokenSummary::of).collect(),
            ..Outcome::default()
        },
        progress,
        events: 0,
        failed: None,
    };
    pool::run(common.concurrency, &mut trace, |(o, t), sink| {
        let org = common.orgs[o].clone();
        let client = connection.client_for(&org);
        let what = (org, traced[t].hashed(), opts.since);
        read(client, what, (o, t), sink)
    })
    .await;
    trace.progress.finish();
    if let Some(e) = trace.failed {
        return Err(e);
    }
    let mut outcome = trace.outcome;
    if opts.revoke {
        revoke::revoke(connection, opts.yes, &common.base_url, traced, &mut outcome).await?;
    }
    let text = |f: Format| outcome.text(&common.orgs, opts.since, f);
    trace
        .report
        .finish(&mut |f| text(f))
        .context("writing the report")?;
    if common.for_machines() {
        common.ui.notice(text(Format::Table).trim_end());
    }
    if let Some(raw) = trace.raw {
        let finished = raw_tail(&outcome).and_then(|tail| raw.finish(&tail));
        finished.context("writing --output")?;
    }
    Ok(outcome)
}
