//! The audit: fetches (through [`fetch`]), assesses (with [`findings`]),
//! reports (with [`render`]) and records (with [`snapshot`]), page by page.

use std::io::{self, IsTerminal as _, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use github_pat_grants::RateLimit;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::fetch::{self, Connection, Endpoint, Event, Items, Plan};
use crate::findings::{self, Finding, FindingKind, Kind, Thresholds};
use crate::policy::{self, GrantPolicy};
use crate::render::{self, Format, OrgSummary, Summary};
use crate::snapshot::{self, OrgStatus};

/// What an audit run does, from the command line.
#[derive(Clone, Debug)]
pub struct Options {
    /// The organizations, in report order.
    pub orgs: Vec<String>,
    /// The API root, recorded in the snapshot.
    pub base_url: String,
    /// The report's format.
    pub format: Format,
    /// Where to write the snapshot.
    pub output: Option<PathBuf>,
    /// The windows of `expiring`, `stale` and `never-used`.
    pub thresholds: Thresholds,
    /// "Now" for every finding.
    pub now: DateTime<Utc>,
    /// Findings that make the exit status 3.
    pub fail_on: Vec<FindingKind>,
    /// Report only these findings (all when empty).
    pub only: Vec<FindingKind>,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Only tokens of these owners.
    pub owners: Vec<String>,
    /// No progress bar and no summary on stderr.
    pub quiet: bool,
    /// The policy's `[grants]` table, whose violations are findings too
    /// (`forbidden-permission`, `lifetime-over-policy`).
    pub policy: Option<GrantPolicy>,
}

/// How an audit went.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Counts per organization and finding.
    pub summary: Summary,
    /// Listings or snapshot writes that failed.
    pub errors: usize,
    /// The `--fail-on` findings that occurred.
    pub fail_on_hit: Vec<FindingKind>,
}

/// The exit status when the audit ran and nothing failed or matched `--fail-on`.
pub const EXIT_OK: u8 = 0;
/// The exit status on any error; it wins over [`EXIT_FINDINGS`].
pub const EXIT_ERROR: u8 = 1;
/// The exit status when a `--fail-on` finding occurred.
pub const EXIT_FINDINGS: u8 = 3;

impl Outcome {
    /// 1 if anything failed, else 3 if a `--fail-on` finding occurred, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.errors > 0 {
            EXIT_ERROR
        } else if !self.fail_on_hit.is_empty() {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    }
}

impl Options {
    /// Whether a finding is reported: all are without `--only`; with it,
    /// those named and those `--fail-on` gates on (a gate on a finding the
    /// report hides would be a trap).
    fn reported(&self, kind: FindingKind) -> bool {
        self.only.is_empty() || self.only.contains(&kind) || self.fail_on.contains(&kind)
    }

    /// What to fetch. Everything, unless `--only` makes part of it useless
    /// and no snapshot needs it: requests are skipped when
    /// `pending-request` is not reported, grants when no grant finding is,
    /// and with `--only stale` GitHub filters by `last_used_before` itself.
    pub fn plan(&self) -> Plan {
        let everything = self.output.is_some() || self.only.is_empty();
        let grant_findings = FindingKind::ALL
            .iter()
            .any(|k| *k != FindingKind::PendingRequest && self.reported(*k));
        let only_stale = !self.only.is_empty()
            && self
                .only
                .iter()
                .chain(&self.fail_on)
                .all(|k| *k == FindingKind::Stale);
        Plan {
            orgs: self.orgs.clone(),
            grants: everything || grant_findings,
            requests: everything || self.reported(FindingKind::PendingRequest),
            owners: self.owners.clone(),
            last_used_before: (!everything && only_stale)
                .then(|| self.thresholds.stale_cutoff(self.now)),
            concurrency: self.concurrency,
        }
    }
}

/// The progress bar on stderr: organizations done, grants and requests
/// fetched, requests left in the rate limit. Absent unless stderr is a
/// terminal and `--quiet` is not given.
struct Progress {
    bar: Option<ProgressBar>,
    grants: u64,
    requests: u64,
    remaining: Option<u64>,
}

impl Progress {
    fn new(orgs: usize, enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(orgs as u64), ProgressDrawTarget::stderr());
            let style =
                ProgressStyle::with_template("{spinner} {pos}/{len} organizations  {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            grants: 0,
            requests: 0,
            remaining: None,
        }
    }

    fn page(&mut self, grants: usize, requests: usize, rate_limit: Option<&RateLimit>) {
        self.grants += grants as u64;
        self.requests += requests as u64;
        if let Some(rl) = rate_limit {
            self.remaining = Some(rl.remaining);
        }
        if let Some(bar) = &self.bar {
            let left = self
                .remaining
                .map(|r| format!("; {r} API requests left in the rate limit"))
                .unwrap_or_default();
            bar.set_message(format!(
                "{} grants, {} requests fetched{left}",
                self.grants, self.requests
            ));
        }
    }

    fn org_done(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn error(&self, message: &str) {
        let print = || eprintln!("pat-audit: error: {message}");
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

/// Per-organization bookkeeping.
#[derive(Default)]
struct OrgState {
    summary: OrgSummary,
    listings_done: usize,
    grants_complete: bool,
    requests_complete: bool,
}

/// Runs the audit with `connection`'s clients and writes the report to
/// `out`. Failures of single organizations are reported on stderr and in
/// the outcome; the other organizations are still audited.
///
/// # Errors
/// When the report itself cannot be written, or the organizations' clients
/// cannot be made.
pub async fn run(
    connection: &Connection,
    opts: &Options,
    out: impl Write,
) -> anyhow::Result<Outcome> {
    let plan = opts.plan();
    let listings = usize::from(plan.grants) + usize::from(plan.requests);
    let progress_bar = !opts.quiet && io::stderr().is_terminal();
    let mut progress = Progress::new(opts.orgs.len(), progress_bar);
    let mut report = render::report::<Finding>(opts.format, out, opts.orgs.clone())
        .context("writing the report")?;
    let mut orgs: Vec<OrgState> = opts
        .orgs
        .iter()
        .map(|o| OrgState {
            summary: OrgSummary {
                org: o.clone(),
                ..OrgSummary::default()
            },
            ..OrgState::default()
        })
        .collect();
    let mut errors = 0usize;
    let mut snapshot = match &opts.output {
        Some(path) => Some(
            snapshot::Writer::create(path, opts.now, &opts.base_url, &opts.owners)
                .with_context(|| format!("creating the snapshot {}", path.display()))?,
        ),
        None => None,
    };
    let mut snapshot_error: Option<io::Error> = None;
    let mut report_error: Option<io::Error> = None;

    let fetched = fetch::fetch_all(connection, &plan, |event| {
        match event {
            Event::Page {
                org,
                items,
                rate_limit,
            } => {
                let state = &mut orgs[org];
                let name = opts.orgs[org].as_str();
                let (grants, requests) = match &items {
                    Items::Grants(g) => (g.len(), 0),
                    Items::Requests(r) => (0, r.len()),
                };
                progress.page(grants, requests, rate_limit.as_ref());
                let mut record = |kind: Kind, item: &dyn erased::Record| {
                    if let Some(writer) = snapshot.as_mut()
                        && let Err(e) = item.write(writer, name, kind)
                    {
                        snapshot_error = Some(e);
                        snapshot = None;
                    }
                };
                let mut found = Vec::new();
                match &items {
                    Items::Grants(page) => {
                        for grant in page {
                            state.summary.grants += 1;
                            record(Kind::Grant, grant);
                            found.extend(findings::assess_grant(
                                name,
                                grant,
                                opts.now,
                                &opts.thresholds,
                            ));
                            if let Some(policy) = &opts.policy {
                                found.extend(policy::assess_grant(name, grant, policy));
                            }
                        }
                    }
                    Items::Requests(page) => {
                        for request in page {
                            state.summary.requests += 1;
                            record(Kind::Request, request);
                            found.extend(findings::assess_request(
                                name,
                                request,
                                opts.now,
                                &opts.thresholds,
                            ));
                        }
                    }
                }
                for finding in found.iter().filter(|f| opts.reported(f.finding)) {
                    state.summary.counts[finding.finding.index()] += 1;
                    if let Err(e) = report.row(finding) {
                        report_error = Some(e);
                        return ControlFlow::Break(());
                    }
                }
            }
            Event::Done {
                org,
                endpoint,
                error,
            } => {
                let state = &mut orgs[org];
                state.listings_done += 1;
                match error {
                    Some(e) => {
                        let message = fetch::explain(&opts.orgs[org], endpoint, &e);
                        progress.error(&message);
                        state.summary.errors.push(message);
                        errors += 1;
                    }
                    None if endpoint == Endpoint::Grants => state.grants_complete = true,
                    None => state.requests_complete = true,
                }
                if state.listings_done == listings {
                    progress.org_done();
                }
            }
        }
        ControlFlow::Continue(())
    })
    .await;
    progress.finish();
    fetched.context("setting up the organizations' GitHub clients")?;

    if let Some(e) = report_error {
        return Err(e).context("writing the report");
    }
    let statuses: Vec<OrgStatus> = orgs
        .iter()
        .map(|o| OrgStatus {
            org: o.summary.org.clone(),
            grants: o.summary.grants,
            requests: o.summary.requests,
            grants_complete: o.grants_complete,
            requests_complete: o.requests_complete,
            errors: o.summary.errors.clone(),
        })
        .collect();
    if let (Some(writer), Some(path)) = (snapshot, &opts.output) {
        if let Err(e) = writer.finish(&statuses) {
            snapshot_error = Some(e);
        } else if !opts.quiet {
            eprintln!("pat-audit: snapshot written to {}", path.display());
        }
    }
    if let (Some(e), Some(path)) = (snapshot_error, &opts.output) {
        progress.error(&format!("writing the snapshot {}: {e}", path.display()));
        errors += 1;
    }

    let summary = Summary {
        now: opts.now,
        thresholds: opts.thresholds,
        orgs: orgs.into_iter().map(|o| o.summary).collect(),
        policy: opts.policy.is_some(),
    };
    let text_summary = |format: Format| match format {
        Format::Markdown => summary.to_markdown(),
        _ => summary.to_text(),
    };
    report
        .finish(&mut |format| text_summary(format))
        .context("writing the report")?;
    if matches!(opts.format, Format::Json | Format::Csv) && !opts.quiet {
        eprint!("{}", summary.to_text());
    }
    let fail_on_hit = opts
        .fail_on
        .iter()
        .copied()
        .filter(|k| summary.orgs.iter().any(|o| o.counts[k.index()] > 0))
        .collect();
    Ok(Outcome {
        summary,
        errors,
        fail_on_hit,
    })
}

/// Lets grants and requests go into the snapshot through one closure.
mod erased {
    use crate::findings::Kind;
    use crate::snapshot::Writer;

    pub(super) trait Record {
        fn write(&self, writer: &mut Writer, org: &str, kind: Kind) -> std::io::Result<()>;
    }

    impl<T: serde::Serialize> Record for T {
        fn write(&self, writer: &mut Writer, org: &str, kind: Kind) -> std::io::Result<()> {
            writer.record(org, kind, self)
        }
    }
}
