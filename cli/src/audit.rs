//! The audit: fetches (through [`fetch`](crate::fetch)), assesses (with
//! [`assess`](crate::assess)), reports (with [`render`]) and records (with
//! [`snapshot`]), page by page.

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::Serialize;
use strum::VariantArray as _;

use crate::assess::{RuleSet, Rules};
use crate::common::Common;
use crate::exit;
use crate::fetch::connect::Connection;
use crate::fetch::explain::{self, Endpoint};
use crate::fetch::listing::{self, Event};
use crate::fetch::pages::{Items, Plan};
use crate::findings::{Finding, FindingKind};
use crate::render::{Format, OrgSummary, Report, Summary};
use crate::row::{Item, Kind, Named as _};
use crate::snapshot;
use crate::ui;

/// What an audit run does, from the command line.
#[derive(Clone, Debug)]
pub struct Options {
    /// The organizations, API root (recorded in the snapshot), format,
    /// concurrency and UI.
    pub common: Common,
    /// Where to write the snapshot.
    pub output: Option<PathBuf>,
    /// "Now" for every finding.
    pub now: DateTime<Utc>,
    /// The windows, the policy's `[grants]` table (whose violations are
    /// findings too) and what `classic-token` and `broad-scope` go by.
    pub rules: RuleSet,
    /// Findings that make the exit status 3.
    pub fail_on: Vec<FindingKind>,
    /// Report only these findings (all when empty).
    pub only: Vec<FindingKind>,
    /// Only tokens of these owners.
    pub owners: Vec<String>,
    /// `--kind`: the kinds named; `None` for all four, when a listing GitHub
    /// cannot serve an organization (credentials without SAML SSO, a missing
    /// permission) is noted as not audited rather than an error.
    pub kinds: Option<Vec<Kind>>,
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

impl Outcome {
    /// 1 if anything failed, else 3 if a `--fail-on` finding occurred, else 0.
    pub fn exit_code(&self) -> u8 {
        exit::status(self.errors > 0, !self.fail_on_hit.is_empty())
    }
}

impl Options {
    /// Whether the audit covers `kind`.
    pub fn covers(&self, kind: Kind) -> bool {
        self.kinds.as_ref().is_none_or(|k| k.contains(&kind))
    }

    /// Whether `--kind` named `kind`.
    fn named(&self, kind: Kind) -> bool {
        self.kinds.as_ref().is_some_and(|k| k.contains(&kind))
    }

    /// Whether a finding is reported: all are without `--only`; with it,
    /// those named and those `--fail-on` gates on (a gate on a finding the
    /// report hides would be a trap).
    pub fn reported(&self, kind: FindingKind) -> bool {
        self.only.is_empty() || self.only.contains(&kind) || self.fail_on.contains(&kind)
    }

    /// What to fetch. Everything, unless `--only` makes part of it useless
    /// and no snapshot needs it: requests are skipped when
    /// `pending-request` is not reported, grants when no grant finding is,
    /// and with `--only stale` GitHub filters by `last_used_before` itself.
    pub fn plan(&self) -> Plan {
        let everything = self.output.is_some() || self.only.is_empty();
        let stale = |k: &FindingKind| *k == FindingKind::Stale;
        let only_stale = !self.only.is_empty() && self.only.iter().chain(&self.fail_on).all(stale);
        let fetched = |endpoint: &Endpoint| {
            let kind = endpoint.kind();
            let reports_any =
                (FindingKind::ALL.iter()).any(|k| k.found_on(kind) && self.reported(*k));
            // An installation has no owner: `--owner` leaves them out.
            (kind != Kind::Installation || self.owners.is_empty())
                && self.covers(kind)
                && (everything || reports_any)
        };
        Plan {
            orgs: self.common.orgs.clone(),
            listings: Endpoint::VARIANTS.iter().copied().filter(fetched).collect(),
            owners: self.owners.clone(),
            last_used_before: (!everything && only_stale)
                .then(|| self.rules.thresholds.stale_cutoff(self.now)),
            concurrency: self.common.concurrency,
        }
    }
}

/// What the progress bar says after the organizations done: grants and
/// requests fetched in all, requests left in the rate limit.
fn progress(grants: u64, requests: u64, remaining: Option<u64>) -> String {
    let left = remaining
        .map(|r| format!("; {r} API requests left in the rate limit"))
        .unwrap_or_default();
    format!("{grants} grants, {requests} requests fetched{left}")
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
    let report = opts.common.report(out)?;
    run_into(connection, opts, report).await
}

/// The audit's findings, kept rather than reported, for a command that
/// acts on them (`notify`); its progress and errors go to stderr as
/// always, its summary nowhere.
///
/// # Errors
/// As [`run`].
pub async fn findings(
    connection: &Connection,
    opts: &Options,
) -> anyhow::Result<(Vec<Finding>, Outcome)> {
    let mut kept = Vec::new();
    let mut opts = opts.clone();
    // The machine formats' summary would go to stderr: there is none.
    opts.common.format = Format::Table;
    let outcome = run_into(connection, &opts, Box::new(Kept(&mut kept))).await?;
    Ok((kept, outcome))
}

/// A report that keeps its rows.
struct Kept<'a>(&'a mut Vec<Finding>);

impl Report<Finding> for Kept<'_> {
    fn row(&mut self, row: &Finding) -> io::Result<()> {
        self.0.push(row.clone());
        Ok(())
    }

    fn finish(self: Box<Self>, _: &mut dyn FnMut(Format) -> String) -> io::Result<()> {
        Ok(())
    }
}

/// [`run`] into `report`.
async fn run_into<'w>(
    connection: &Connection,
    opts: &Options,
    report: Box<dyn Report<Finding> + 'w>,
) -> anyhow::Result<Outcome> {
    let plan = opts.plan();
    let mut audit = Audit::start(opts, &plan, report)?;
    let fetched = listing::fetch_all(connection, &plan, |event| audit.event(event)).await;
    audit.bar.finish();
    fetched.context("setting up the organizations' GitHub clients")?;
    audit.finish()
}

/// An audit under way: what it has counted, reported and recorded so far.
struct Audit<'o, 'w> {
    opts: &'o Options,
    rules: Rules<'o>,
    /// The progress bar, and the requests left in the rate limit it shows.
    bar: ui::Progress,
    remaining: Option<u64>,
    report: Box<dyn Report<Finding> + 'w>,
    /// Per organization, what it found and fetched.
    orgs: Vec<OrgSummary>,
    /// Per organization, the listings not yet done.
    listings_left: Vec<usize>,
    /// Listings or snapshot writes that failed.
    errors: usize,
    snapshot: Option<snapshot::Writer>,
    snapshot_error: Option<io::Error>,
    report_error: Option<io::Error>,
}

impl<'o, 'w> Audit<'o, 'w> {
    /// Opens the report and the snapshot.
    fn start(
        opts: &'o Options,
        plan: &Plan,
        report: Box<dyn Report<Finding> + 'w>,
    ) -> anyhow::Result<Self> {
        let common = &opts.common;
        let create = |path: &PathBuf| {
            snapshot::Writer::create(path, opts.now, &common.base_url, &opts.owners)
                .with_context(|| format!("creating the snapshot {}", path.display()))
        };
        let snapshot = opts.output.as_ref().map(create).transpose()?;
        let orgs = (common.orgs.iter())
            .map(|o| OrgSummary {
                org: o.clone(),
                ..OrgSummary::default()
            })
            .collect();
        Ok(Audit {
            opts,
            rules: opts.rules.rules(opts.now),
            listings_left: vec![plan.listings.len(); common.orgs.len()],
            bar: ui::Progress::new(common.ui, Some(common.orgs.len() as u64), "organizations"),
            remaining: None,
            report,
            orgs,
            errors: 0,
            snapshot,
            snapshot_error: None,
            report_error: None,
        })
    }

    fn event(&mut self, event: Event) -> ControlFlow<()> {
        match event {
            Event::Page {
                org,
                items,
                rate_limit,
            } => {
                self.remaining = rate_limit.map(|rl| rl.remaining).or(self.remaining);
                self.page(org, &items)
            }
            Event::Done {
                org,
                endpoint,
                error,
            } => {
                self.done(org, endpoint, error);
                ControlFlow::Continue(())
            }
        }
    }

    /// Records a page's items, assesses them and reports their findings;
    /// stops everything when the report cannot be written.
    fn page(&mut self, org: usize, items: &Items) -> ControlFlow<()> {
        let opts = self.opts;
        let found = match items {
            Items::Grants(page) => self.items(org, page.iter(), Rules::grant),
            Items::Requests(page) => self.items(org, page.iter(), Rules::request),
            Items::Credentials(page) => {
                // GitHub filters by one login; with several owners, here.
                let owners = &opts.owners;
                let kept = page.iter().filter(|c| {
                    owners.is_empty() || owners.iter().any(|o| o.eq_ignore_ascii_case(&c.login))
                });
                self.items(org, kept, Rules::credential)
            }
            Items::Installations(page) => self.items(org, page.iter(), Rules::installation),
        };
        for finding in found.iter().filter(|f| opts.reported(f.finding)) {
            self.orgs[org].counts[finding.finding.index()] += 1;
            if let Err(e) = self.report.row(finding) {
                self.report_error = Some(e);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    /// Counts, records and assesses the items of one page; their
    /// findings.
    fn items<'i, T: Serialize + Item + 'i>(
        &mut self,
        org: usize,
        page: impl Iterator<Item = &'i T>,
        assess: impl Fn(&Rules<'o>, &str, &T) -> Vec<Finding>,
    ) -> Vec<Finding> {
        let name = self.opts.common.orgs[org].as_str();
        let mut found = Vec::new();
        for item in page {
            let kind = item.fields().0;
            *self.orgs[org].listing(kind).0 += 1;
            self.record(name, kind, item);
            found.extend(assess(&self.rules, name, item));
        }
        let total = |count: fn(&OrgSummary) -> u64| self.orgs.iter().map(count).sum();
        let grants = total(|o| o.grants);
        self.bar
            .message(progress(grants, total(|o| o.requests), self.remaining));
        found
    }

    /// Writes an item to the snapshot; after a failed write, the snapshot
    /// is abandoned and the error kept for the end.
    fn record(&mut self, org: &str, kind: Kind, item: &impl Serialize) {
        if let Some(writer) = self.snapshot.as_mut()
            && let Err(e) = writer.record(org, kind, item)
        {
            self.snapshot_error = Some(e);
            self.snapshot = None;
        }
    }

    /// A listing is finished: its error is explained on stderr and kept for
    /// the summary.
    fn done(&mut self, org: usize, endpoint: Endpoint, error: Option<github_pat_grants::Error>) {
        let (common, kind) = (&self.opts.common, endpoint.kind());
        let (name, summary) = (&common.orgs[org], &mut self.orgs[org]);
        // Grants and requests are always audited: their failure is an error.
        let optional =
            matches!(kind, Kind::Credential | Kind::Installation) && !self.opts.named(kind);
        let skipped = |e| explain::not_audited(endpoint, e).filter(|_| optional);
        match error {
            None => *summary.listing(kind).1 = true,
            Some(e) => match skipped(&e) {
                Some(why) => {
                    let note = format!("{}s not audited: {why}", kind.name());
                    // Once on stderr: there the machine formats' summary says it.
                    if !common.for_machines() {
                        common.ui.notice(format_args!("pat-audit: {name}: {note}"));
                    }
                    summary.not_audited.push(note);
                }
                None => {
                    let message = explain::explain(name, endpoint, &e);
                    self.bar.error(&message);
                    summary.errors.push(message);
                    self.errors += 1;
                }
            },
        }
        self.listings_left[org] -= 1;
        if self.listings_left[org] == 0 {
            self.bar.inc(1);
        }
    }

    /// Closes the snapshot, then the report with its summary.
    fn finish(mut self) -> anyhow::Result<Outcome> {
        if let Some(e) = self.report_error.take() {
            return Err(e).context("writing the report");
        }
        self.orgs.iter_mut().for_each(OrgSummary::settle);
        self.finish_snapshot();
        let opts = self.opts;
        let summary = Summary {
            now: opts.now,
            thresholds: opts.rules.thresholds,
            orgs: self.orgs,
            policy: opts.rules.policy.is_some(),
        };
        self.report
            .finish(&mut |format| match format {
                Format::Markdown => summary.to_markdown(),
                _ => summary.to_text(opts.common.ui.color_stdout()),
            })
            .context("writing the report")?;
        if opts.common.for_machines() && !opts.common.ui.quiet() {
            eprint!("{}", summary.to_text(opts.common.ui.color_stderr()));
        }
        let hit = |k: &FindingKind| summary.orgs.iter().any(|o| o.counts[k.index()] > 0);
        let fail_on_hit = opts.fail_on.iter().copied().filter(hit).collect();
        Ok(Outcome {
            summary,
            errors: self.errors,
            fail_on_hit,
        })
    }

    /// Ends the snapshot with each organization's status and renames it into
    /// place; a failed write is an error of the run.
    fn finish_snapshot(&mut self) {
        let Some(path) = &self.opts.output else {
            return;
        };
        if let Some(writer) = self.snapshot.take() {
            match writer.finish(&self.orgs) {
                Err(e) => self.snapshot_error = Some(e),
                Ok(()) => self.opts.common.ui.notice(format_args!(
                    "pat-audit: snapshot written to {}",
                    path.display()
                )),
            }
        }
        if let Some(e) = self.snapshot_error.take() {
            self.bar
                .error(&format!("writing the snapshot {}: {e}", path.display()));
            self.errors += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::{ProgressDrawTarget, TermLike};
    use std::sync::{Arc, Mutex};

    /// A terminal that keeps everything drawn on it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl Screen {
        fn put(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
    }

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.put(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.put(s)
        }
        fn clear_line(&self) -> io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    /// What the bar draws for one page of one organization of two.
    fn drawn(color: bool) -> String {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let bar = ui::Progress::drawn_on(Some(target), Some(2), "organizations", color);
        bar.message(progress(100, 0, None));
        bar.inc(1);
        bar.finish();
        screen.0.lock().unwrap().clone()
    }

    #[test]
    fn the_progress_bar_is_coloured_only_when_asked() {
        // indicatif colours through console's switch, which the command
        // line sets from --color at the start (for stderr, where the bar
        // goes; this screen is not stderr, so it reads the other switch).
        console::set_colors_enabled(true);
        let coloured = drawn(true);
        assert!(
            coloured.contains("100 grants, 0 requests fetched"),
            "{coloured:?}"
        );
        assert!(
            coloured.contains("\x1b[36m"),
            "no cyan spinner: {coloured:?}"
        );
        let plain = drawn(false);
        assert!(
            plain.contains("100 grants, 0 requests fetched"),
            "{plain:?}"
        );
        assert!(!plain.contains('\x1b'), "{plain:?}");
    }
}
