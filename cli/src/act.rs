//! The acting half: `revoke` and `review`. Both list what is there, plan
//! (each grant, credential or request, the action, and the finding or rule
//! behind it), print the plan and stop, or, with `--apply` and a
//! confirmation, send the plan to GitHub in bulk calls of at most 100 ids
//! and report, per id, what happened. SAML credential authorizations are
//! removed one call each: GitHub's bulk forms revoke by type or by user,
//! not by id.
//!
//! Calls are made one after the other: GitHub asks integrations to send
//! mutating requests serially, and 100 ids a call keeps even 10,000
//! revocations to 100 calls. A call that fails marks its ids failed with
//! GitHub's message and the next call goes on; nothing is retried here
//! (the SDK waits out rate limits), so running the same command again acts
//! on exactly what is left: revoked grants are no longer listed and
//! reviewed requests are no longer pending.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::io::{self, BufRead as _, IsTerminal as _, Write};
use std::ops::ControlFlow;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use github_pat_grants::types::{
    CredentialAuthorization, OrganizationProgrammaticAccessGrant as Grant,
    OrgsReviewPatGrantRequestsInBulkBodyAction as ReviewAction,
    OrgsReviewPatGrantRequestsInBulkBodyReason as ReviewReason,
    OrgsUpdatePatAccessesBodyAction as RevokeAction,
};
use github_pat_grants::{Client, Error, Operation as _};
use serde::Serialize;

use crate::assess::Rules;
use crate::credential::CredentialRules;
use crate::exit::{EXIT_ERROR, EXIT_OK};
use crate::fetch::connect::Connection;
use crate::fetch::explain::{self, Endpoint};
use crate::fetch::listing::{self, Event};
use crate::fetch::pages::{Items, Plan as FetchPlan};
use crate::findings::{FindingKind, Thresholds};
use crate::policy::{GrantPolicy, PendingRequest, Policy, RequestFacts, Verdict};
use crate::render::{self, Format};
use crate::row::{Item, Kind, Subject, SubjectRow};
use crate::ui::Ui;

/// GitHub's limit of ids in one bulk call (`maxItems: 100` for `pat_ids`
/// and `pat_request_ids`).
pub const MAX_IDS_PER_CALL: usize = 100;

/// What is done to a grant or a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Action {
    /// Revoke a grant's access.
    Revoke,
    /// Approve a request.
    Approve,
    /// Deny a request.
    Deny,
    /// Leave a request for a person.
    Leave,
}

impl Action {
    /// `revoke`, `approve`, `deny` or `leave`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Revoke => "revoke",
            Action::Approve => "approve",
            Action::Deny => "deny",
            Action::Leave => "leave",
        }
    }

    fn from_verdict(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Approve => Action::Approve,
            Verdict::Deny => Action::Deny,
            _ => Action::Leave,
        }
    }
}

/// What became of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Outcome {
    /// In the plan; nothing was sent (no `--apply`).
    Planned,
    /// GitHub accepted it.
    Done,
    /// GitHub refused the call that carried it, or the call did not arrive.
    Failed,
    /// No rule decides the request: a person must review it.
    Left,
}

impl Outcome {
    /// `planned`, `done`, `failed` or `left`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Planned => "planned",
            Outcome::Done => "done",
            Outcome::Failed => "failed",
            Outcome::Left => "left",
        }
    }
}

/// One grant or request in a plan or report: a row of the output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActRow {
    /// The grant (`id` is its `pat_id`) or request (its `pat_request_id`).
    #[serde(flatten)]
    pub subject: Subject,
    /// What is done.
    pub action: Action,
    /// What became of it.
    pub result: Outcome,
    /// The findings (`stale, admin-access`), `--grant`, or the rule
    /// (`requests.deny #2`) behind the action.
    pub why: String,
    /// The rule's reason for reviews (sent to GitHub), `--reason` or the
    /// findings' details for revocations, GitHub's message on failure.
    pub message: String,
}

impl SubjectRow for ActRow {
    const COLUMNS: &'static [&'static str] = &["action", "result", "why", "message"];

    fn subject(&self) -> &Subject {
        &self.subject
    }

    fn own_cells(&self) -> Vec<Cow<'_, str>> {
        vec![
            Cow::Borrowed(self.action.name()),
            Cow::Borrowed(self.result.name()),
            Cow::Borrowed(self.why.as_str()),
            Cow::Borrowed(self.message.as_str()),
        ]
    }

    // The closing line says it when there is nothing to act on.
    const EMPTY: &'static str = "";
}

/// A planned row and, for reviews, the reason GitHub is sent with it.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The row.
    pub row: ActRow,
    /// The review's reason on the wire; `None` for revocations.
    pub reason: Option<String>,
}

/// One bulk call: same organization, same action, same reason; or the
/// removal of one credential authorization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// The organization.
    pub org: String,
    /// What the ids are: grants, requests or credentials.
    pub kind: Kind,
    /// `revoke`, `approve` or `deny`.
    pub action: Action,
    /// The review's reason, for all of the batch.
    pub reason: Option<String>,
    /// At most [`MAX_IDS_PER_CALL`] ids.
    pub ids: Vec<i64>,
    /// The positions of those ids' rows in the plan.
    rows: Vec<usize>,
}

/// Splits the actionable rows of a plan into bulk calls: grouped by
/// organization, action and reason in the order they first appear, each
/// group cut into calls of at most [`MAX_IDS_PER_CALL`] ids in plan order.
pub fn batches(plan: &[Planned]) -> Vec<Batch> {
    let mut groups: Vec<Batch> = Vec::new();
    let mut index: HashMap<(&str, Kind, Action, Option<&str>), usize> = HashMap::new();
    for (i, p) in plan.iter().enumerate() {
        if p.row.action == Action::Leave {
            continue;
        }
        let key = (
            p.row.subject.org.as_str(),
            p.row.subject.kind,
            p.row.action,
            p.reason.as_deref(),
        );
        let g = *index.entry(key).or_insert_with(|| {
            groups.push(Batch {
                org: p.row.subject.org.clone(),
                kind: p.row.subject.kind,
                action: p.row.action,
                reason: p.reason.clone(),
                ids: Vec::new(),
                rows: Vec::new(),
            });
            groups.len() - 1
        });
        groups[g].ids.push(p.row.subject.id);
        groups[g].rows.push(i);
    }
    groups
        .into_iter()
        .flat_map(|group| {
            let Batch {
                org,
                kind,
                action,
                reason,
                ids,
                rows,
            } = group;
            let size = match kind {
                Kind::Credential => 1,
                _ => MAX_IDS_PER_CALL,
            };
            ids.chunks(size)
                .zip(rows.chunks(size))
                .map(|(ids, rows)| Batch {
                    org: org.clone(),
                    kind,
                    action,
                    reason: reason.clone(),
                    ids: ids.to_vec(),
                    rows: rows.to_vec(),
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Sends one bulk call.
async fn send(client: &Client, batch: &Batch) -> Result<(), Error> {
    let ids = batch.ids.clone();
    match batch.action {
        Action::Revoke if batch.kind == Kind::Credential => {
            for id in ids {
                client
                    .orgs()
                    .remove_saml_sso_authorization(batch.org.as_str(), id)
                    .call()
                    .await?;
            }
        }
        Action::Revoke => {
            client
                .orgs()
                .update_pat_accesses(batch.org.as_str())
                .body_map(|b| b.action(RevokeAction::Revoke).pat_ids(ids))
                .call()
                .await?;
        }
        Action::Approve | Action::Deny => {
            let action = if batch.action == Action::Approve {
                ReviewAction::Approve
            } else {
                ReviewAction::Deny
            };
            let reason = batch
                .reason
                .as_deref()
                .map(str::parse::<ReviewReason>)
                .transpose()
                .map_err(|e| Error::InvalidRequest(format!("the review's reason: {e}")))?;
            client
                .orgs()
                .review_pat_grant_requests_in_bulk(batch.org.as_str())
                .body_map(|b| b.action(action).pat_request_ids(ids).reason(reason))
                .call()
                .await?;
        }
        Action::Leave => {}
    }
    Ok(())
}

/// What a failed call means for the App's permissions, when GitHub's
/// status says.
fn hint(batch: &Batch, error: &Error) -> Option<String> {
    let endpoint = match (batch.kind, batch.action) {
        (Kind::Credential, _) => Endpoint::Credentials,
        (_, Action::Revoke) => Endpoint::Grants,
        _ => Endpoint::Requests,
    };
    let (name, key) = endpoint.permission();
    match error {
        Error::Api(e) if e.status == 403 => Some(format!(
            "the GitHub App needs the organization permission \"{name}\" ({key}): read and write"
        )),
        _ => None,
    }
}

/// Sends every batch of a plan, one call after another, and records each
/// id's outcome in the plan's rows. `client_for` gives the client for an
/// organization (as an App, its installation there); `on_failure` hears
/// each failed call. Returns the number of failed ids.
pub async fn execute(
    client_for: impl Fn(&str) -> Result<Client, Error>,
    plan: &mut [Planned],
    mut on_failure: impl FnMut(&Batch, &str),
) -> usize {
    let mut failed = 0;
    for batch in batches(plan) {
        let sent = match client_for(&batch.org) {
            Ok(client) => send(&client, &batch).await,
            Err(e) => Err(e),
        };
        match sent {
            Ok(()) => {
                for &i in &batch.rows {
                    plan[i].row.result = Outcome::Done;
                }
            }
            Err(e) => {
                let message = explain::github_message(&e);
                let mut told = message.clone();
                if let Some(hint) = hint(&batch, &e) {
                    told.push_str(&format!(". Hint: {hint}"));
                }
                on_failure(&batch, &told);
                for &i in &batch.rows {
                    plan[i].row.result = Outcome::Failed;
                    plan[i].row.message = message.clone();
                }
                failed += batch.rows.len();
            }
        }
    }
    failed
}

/// Where the acting commands act, as whom, and how they report.
#[derive(Clone, Debug)]
pub struct Options {
    /// The organizations, in report order.
    pub orgs: Vec<String>,
    /// The API root, for the confirmation question.
    pub base_url: String,
    /// The report's format.
    pub format: Format,
    /// "Now", for the findings.
    pub now: DateTime<Utc>,
    /// Listing requests in flight at most.
    pub concurrency: usize,
    /// Colour, and whether anything but errors and the confirmation
    /// question goes to stderr (`--quiet`: no summary, no warning).
    pub ui: Ui,
    /// Send the plan (else only print it).
    pub apply: bool,
    /// Do not ask before sending.
    pub yes: bool,
}

/// What `revoke` revokes.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Grants (the default) or SAML credential authorizations.
    pub kind: Kind,
    /// Grants (or credentials) with any of these findings.
    pub findings: Vec<FindingKind>,
    /// Grants (or credentials) with these ids (`pat_id`, `credential_id`).
    pub grants: Vec<i64>,
    /// `--reason`, recorded in the report.
    pub reason: Option<String>,
    /// The windows of `expiring`, `stale` and `never-used`.
    pub thresholds: Thresholds,
    /// The policy's `[grants]` table, for its findings.
    pub policy: Option<GrantPolicy>,
    /// What `classic-token` and `broad-scope` go by.
    pub credential_rules: CredentialRules,
}

impl Selection {
    fn rules(&self, now: DateTime<Utc>) -> Rules<'_> {
        Rules {
            now,
            thresholds: self.thresholds,
            policy: self.policy.as_ref(),
            credentials: &self.credential_rules,
        }
    }

    /// The row for a grant, when it is selected.
    fn select(&self, org: &str, grant: &Grant, now: DateTime<Utc>) -> Option<Planned> {
        self.planned(org, grant, self.rules(now).grant(org, grant))
    }

    /// The row for a credential authorization, when it is selected.
    fn select_credential(
        &self,
        org: &str,
        credential: &CredentialAuthorization,
        now: DateTime<Utc>,
    ) -> Option<Planned> {
        self.planned(org, credential, self.rules(now).credential(org, credential))
    }

    /// The revocation of `item`, when its findings or its id select it.
    fn planned(
        &self,
        org: &str,
        item: &impl Item,
        mut found: Vec<crate::findings::Finding>,
    ) -> Option<Planned> {
        found.retain(|f| self.findings.contains(&f.finding));
        let by_id = self.grants.contains(&item.id());
        if found.is_empty() && !by_id {
            return None;
        }
        let mut why: Vec<&str> = found.iter().map(|f| f.finding.name()).collect();
        if by_id {
            why.push("--grant");
        }
        let message = match &self.reason {
            Some(reason) => reason.clone(),
            // `why` names the finding; with several, each detail says whose it is.
            None if found.len() == 1 => found[0].detail.clone(),
            None => found
                .iter()
                .map(|f| format!("{}: {}", f.finding, f.detail))
                .collect::<Vec<_>>()
                .join("; "),
        };
        Some(Planned {
            row: ActRow {
                subject: Subject::of(org, item),
                action: Action::Revoke,
                result: Outcome::Planned,
                why: why.join(", "),
                message,
            },
            reason: None,
        })
    }
}

/// The row for a pending request, in either of GitHub's shapes (the
/// listing's, or a webhook's), as the policy decides it: `review` and
/// `serve` share it, so a request gets the same row from both.
pub fn decided(policy: &Policy, org: &str, request: &impl PendingRequest) -> Planned {
    let decision = policy.decide(&RequestFacts::of(request));
    let action = Action::from_verdict(decision.verdict);
    let reason = decision.reason().map(str::to_string);
    Planned {
        row: ActRow {
            subject: Subject::of(org, request),
            action,
            result: if action == Action::Leave {
                Outcome::Left
            } else {
                Outcome::Planned
            },
            why: decision.why(),
            message: reason
                .clone()
                .unwrap_or_else(|| match decision.unknown.as_slice() {
                    [] => "no rule decides this request; it is left for a person to review".into(),
                    unknown => format!(
                        "it asks for {}, which the policy does not know (a permission group or \
                     level GitHub added): no approve rule applies; it is left for a person \
                     to review",
                        unknown.join(", ")
                    ),
                }),
        },
        reason,
    }
}

/// Refuses `--apply` without `--yes` when nobody can be asked: checked
/// before anything is fetched.
///
/// # Errors
/// `--apply` without `--yes` and standard input is not a terminal.
pub fn check_confirmable(opts: &Options, what: &str) -> anyhow::Result<()> {
    if opts.apply && !opts.yes && !io::stdin().is_terminal() {
        bail!(
            "refusing to {what} without confirmation: standard input is not a terminal. \
             Run without --apply to see the plan, then add --yes to act without being asked"
        );
    }
    Ok(())
}

/// Lists what the command acts on and plans each item with `plan_item`.
/// Failed listings are reported on stderr and counted; their organizations
/// are left out of the plan.
async fn list_and_plan(
    connection: &Connection,
    opts: &Options,
    kind: Kind,
    mut plan_item: impl FnMut(&str, Items, &mut Vec<Planned>),
) -> anyhow::Result<(Vec<Planned>, usize)> {
    let fetch_plan = FetchPlan {
        orgs: opts.orgs.clone(),
        grants: kind == Kind::Grant,
        requests: kind == Kind::Request,
        credentials: kind == Kind::Credential,
        installations: false,
        owners: Vec::new(),
        last_used_before: None,
        concurrency: opts.concurrency,
    };
    let mut planned = Vec::new();
    let mut errors = 0usize;
    let mut failed_orgs = BTreeSet::new();
    listing::fetch_all(connection, &fetch_plan, |event| {
        match event {
            Event::Page { org, items, .. } => plan_item(&opts.orgs[org], items, &mut planned),
            Event::Done {
                org,
                endpoint,
                error: Some(e),
            } => {
                crate::ui::error(explain::explain(&opts.orgs[org], endpoint, &e));
                failed_orgs.insert(opts.orgs[org].clone());
                errors += 1;
            }
            Event::Done { .. } => {}
        }
        ControlFlow::Continue(())
    })
    .await
    .context("setting up the organizations' GitHub clients")?;
    // An organization whose listing broke off is not acted on at all: its
    // plan would be a part chosen by where the listing stopped.
    planned.retain(|p| !failed_orgs.contains(&p.row.subject.org));
    // Pages arrive in whatever order the concurrent requests finish; the
    // plan, and so which ids share a call, must not depend on it.
    let position = |org: &str| opts.orgs.iter().position(|o| o == org);
    planned.sort_by_key(|p| (position(&p.row.subject.org), p.row.subject.id));
    Ok((planned, errors))
}

/// Counts of a plan or a report, by action and outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    planned: usize,
    done: usize,
    failed: usize,
    left: usize,
}

fn tally(rows: &[Planned], action: Action) -> Tally {
    let mut t = Tally::default();
    for p in rows.iter().filter(|p| p.row.action == action) {
        match p.row.result {
            Outcome::Planned => t.planned += 1,
            Outcome::Done => t.done += 1,
            Outcome::Failed => t.failed += 1,
            Outcome::Left => t.left += 1,
        }
    }
    t
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Whether the rows are credential authorizations.
fn credentials(rows: &[Planned]) -> bool {
    rows.first()
        .is_some_and(|p| p.row.subject.kind == Kind::Credential)
}

/// The closing line of a plan or report.
fn summary(rows: &[Planned], applied: bool, revoke: bool) -> String {
    let orgs: BTreeSet<&str> = rows.iter().map(|p| p.row.subject.org.as_str()).collect();
    let orgs = plural(orgs.len(), "organization", "organizations");
    let noun = match (revoke, credentials(rows)) {
        (true, true) => ("credential", "credentials"),
        (true, false) => ("grant", "grants"),
        _ => ("request", "requests"),
    };
    let actions: &[(Action, &str, &str)] = if revoke {
        &[(Action::Revoke, "revoke", "revoked")]
    } else {
        &[
            (Action::Approve, "approve", "approved"),
            (Action::Deny, "deny", "denied"),
        ]
    };
    let mut parts = Vec::new();
    for (action, verb, past) in actions {
        let t = tally(rows, *action);
        let count = |n: usize| {
            // The noun once, on the first part: "approve 3 requests, deny 2".
            if parts.is_empty() {
                plural(n, noun.0, noun.1)
            } else {
                n.to_string()
            }
        };
        if applied && t.done + t.failed > 0 {
            let mut part = format!("{past} {} of {}", t.done, count(t.done + t.failed));
            if t.failed > 0 {
                part.push_str(&format!(" ({} failed)", t.failed));
            }
            parts.push(part);
        } else if !applied && t.planned > 0 {
            parts.push(format!("{verb} {}", count(t.planned)));
        }
    }
    let left = tally(rows, Action::Leave).left;
    if left > 0 {
        parts.push(format!(
            "{} left for a person",
            plural(left, "request", "requests")
        ));
    }
    if parts.is_empty() {
        return if revoke {
            "Nothing to revoke.".into()
        } else {
            "No pending request.".into()
        };
    }
    let parts = parts.join(", ");
    if !applied {
        let act = if revoke { "revoke" } else { "review" };
        return format!(
            "Plan for {orgs}: {parts}. Nothing was sent; run again with --apply to {act}."
        );
    }
    let mut line = format!("Done in {orgs}: {parts}.");
    let failed: Vec<String> = rows
        .iter()
        .filter(|p| p.row.result == Outcome::Failed)
        .map(|p| format!("{} {}", p.row.subject.org, p.row.subject.id))
        .collect();
    if !failed.is_empty() {
        line.push_str(&format!(" Failed: {}.", failed.join(", ")));
    }
    line
}

/// Writes the rows and the closing line in the chosen format.
fn report(opts: &Options, out: impl Write, rows: &[Planned], line: &str) -> anyhow::Result<()> {
    let color = opts.ui.color_stdout();
    let mut report = render::report::<ActRow>(opts.format, out, opts.orgs.clone(), color)
        .context("writing the report")?;
    for p in rows {
        report.row(&p.row).context("writing the report")?;
    }
    report
        .finish(&mut |_| format!("{line}\n"))
        .context("writing the report")?;
    if matches!(opts.format, Format::Json | Format::Csv) {
        opts.ui.notice(line);
    }
    Ok(())
}

/// Asks on the terminal whether to send the plan; `true` for yes.
async fn confirm(rows: &[Planned], question: String, ui: Ui) -> anyhow::Result<bool> {
    // The plan goes to stderr with the question, so that stdout carries
    // only the final report even when it is redirected.
    let mut shown = Vec::new();
    let color = ui.color_stderr();
    let mut table = render::report::<ActRow>(Format::Table, &mut shown, Vec::new(), color)?;
    for p in rows.iter().filter(|p| p.row.action != Action::Leave) {
        table.row(&p.row)?;
    }
    table.finish(&mut |_| String::new())?;
    let mut stderr = io::stderr().lock();
    stderr.write_all(&shown)?;
    // The question names organizations, which GitHub lists: shown harmless.
    write!(stderr, "{} [y/N] ", crate::neutral::terminal(&question))?;
    stderr.flush()?;
    drop(stderr);
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line).map(|_| line)
    })
    .await
    .context("reading the answer")?
    .context("reading the answer")?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Plans, confirms, sends and reports; the exit status.
async fn plan_confirm_send(
    connection: &Connection,
    opts: &Options,
    out: impl Write,
    mut rows: Vec<Planned>,
    listing_errors: usize,
    revoke: bool,
) -> anyhow::Result<u8> {
    let actionable = rows
        .iter()
        .filter(|p| p.row.action != Action::Leave)
        .count();
    if !opts.apply || actionable == 0 {
        let line = summary(&rows, opts.apply, revoke);
        report(opts, out, &rows, &line)?;
        return Ok(if listing_errors > 0 {
            EXIT_ERROR
        } else {
            EXIT_OK
        });
    }
    if !opts.yes && !confirm(&rows, question(&rows, opts, actionable, revoke), opts.ui).await? {
        bail!("not confirmed; nothing was sent");
    }
    let failed = execute(
        |org| connection.client_for(org),
        &mut rows,
        |batch, message| {
            crate::ui::error(format_args!(
                "{}: {} {} ids failed: {message}",
                batch.org,
                batch.action.name(),
                batch.ids.len(),
            ));
        },
    )
    .await;
    let line = summary(&rows, true, revoke);
    report(opts, out, &rows, &line)?;
    Ok(if failed > 0 || listing_errors > 0 {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

/// The confirmation question: what is sent, where, and what it does.
fn question(rows: &[Planned], opts: &Options, actionable: usize, revoke: bool) -> String {
    let orgs: BTreeSet<&str> = rows
        .iter()
        .filter(|p| p.row.action != Action::Leave)
        .map(|p| p.row.subject.org.as_str())
        .collect();
    let orgs = orgs.into_iter().collect::<Vec<_>>().join(", ");
    if revoke && credentials(rows) {
        return format!(
            "Remove {} in {orgs} on {}? Their tokens and keys lose access to the organization \
             at once; their owners must authorize them again.",
            plural(
                actionable,
                "credential authorization",
                "credential authorizations"
            ),
            opts.base_url
        );
    }
    if revoke {
        return format!(
            "Revoke {} in {orgs} on {}? Their tokens lose access at once.",
            plural(actionable, "grant", "grants"),
            opts.base_url
        );
    }
    let approve = tally(rows, Action::Approve).planned;
    let deny = tally(rows, Action::Deny).planned;
    let what = match (approve, deny) {
        (0, n) => format!("Deny {}", plural(n, "request", "requests")),
        (n, 0) => format!("Approve {}", plural(n, "request", "requests")),
        (a, d) => format!("Approve {} and deny {d}", plural(a, "request", "requests")),
    };
    format!(
        "{what} in {orgs} on {}? The requesters are told the rules' reasons.",
        opts.base_url
    )
}

/// `pat-audit revoke`: revokes the grants with the selected findings or ids.
///
/// # Errors
/// When the report cannot be written, the confirmation cannot be read or
/// an organization's client cannot be made; failed listings and calls are reported and give exit status 1.
pub async fn revoke(
    connection: &Connection,
    opts: &Options,
    selection: &Selection,
    out: impl Write,
) -> anyhow::Result<u8> {
    let now = opts.now;
    let (mut rows, errors) = list_and_plan(
        connection,
        opts,
        selection.kind,
        |org, items, planned| match items {
            Items::Grants(page) => {
                planned.extend(page.iter().filter_map(|g| selection.select(org, g, now)));
            }
            Items::Credentials(page) => planned.extend(
                page.iter()
                    .filter_map(|c| selection.select_credential(org, c, now)),
            ),
            _ => {}
        },
    )
    .await?;
    // Offset pagination shows a grant twice when the list changes between
    // two pages; it is revoked once.
    let mut seen = BTreeSet::new();
    rows.retain(|p| seen.insert((p.row.subject.org.clone(), p.row.subject.id)));
    for id in &selection.grants {
        if !rows.iter().any(|p| p.row.subject.id == *id) && errors == 0 {
            let kind = selection.kind.name();
            opts.ui.notice(format_args!(
                "pat-audit: warning: {kind} {id} is not among the {kind}s of {} (already \
                 revoked?); nothing to do for it",
                opts.orgs.join(", ")
            ));
        }
    }
    plan_confirm_send(connection, opts, out, rows, errors, true).await
}

/// `pat-audit review`: approves, denies or leaves every pending request as
/// the policy says.
///
/// # Errors
/// When the report cannot be written, the confirmation cannot be read or
/// an organization's client cannot be made; failed listings and calls are reported and give exit status 1.
pub async fn review(
    connection: &Connection,
    opts: &Options,
    policy: &Policy,
    out: impl Write,
) -> anyhow::Result<u8> {
    let (rows, errors) = list_and_plan(connection, opts, Kind::Request, |org, items, planned| {
        if let Items::Requests(page) = items {
            planned.extend(page.iter().map(|r| decided(policy, org, r)));
        }
    })
    .await?;
    plan_confirm_send(connection, opts, out, rows, errors, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(org: &str, id: i64, action: Action) -> Planned {
        Planned {
            row: ActRow {
                subject: Subject {
                    org: org.into(),
                    kind: Kind::Grant,
                    id,
                    token_id: id,
                    token_name: String::new(),
                    owner: String::new(),
                },
                action,
                result: Outcome::Planned,
                why: String::new(),
                message: String::new(),
            },
            reason: None,
        }
    }

    #[test]
    fn batches_hold_at_most_100_ids_per_org_action_and_reason() {
        let mut plan: Vec<Planned> = (1..=250).map(|i| row("acme", i, Action::Revoke)).collect();
        plan.push(row("globex", 1000, Action::Revoke));
        plan.push(row("acme", 2000, Action::Leave));
        let b = batches(&plan);
        let sizes: Vec<(&str, usize)> = b.iter().map(|b| (b.org.as_str(), b.ids.len())).collect();
        assert_eq!(
            sizes,
            vec![("acme", 100), ("acme", 100), ("acme", 50), ("globex", 1)]
        );
        assert_eq!(b[1].ids.first(), Some(&101));
        assert_eq!(b[2].ids.last(), Some(&250));

        let mut reviews = vec![
            row("acme", 1, Action::Approve),
            row("acme", 2, Action::Deny),
            row("acme", 3, Action::Deny),
            row("acme", 4, Action::Approve),
        ];
        reviews[1].reason = Some("a".into());
        reviews[2].reason = Some("b".into());
        let b = batches(&reviews);
        let shape: Vec<(Action, Option<&str>, Vec<i64>)> = b
            .iter()
            .map(|b| (b.action, b.reason.as_deref(), b.ids.clone()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (Action::Approve, None, vec![1, 4]),
                (Action::Deny, Some("a"), vec![2]),
                (Action::Deny, Some("b"), vec![3]),
            ]
        );
    }

    #[test]
    fn summaries_say_what_was_planned_and_what_failed() {
        let mut plan: Vec<Planned> = (1..=3).map(|i| row("acme", i, Action::Revoke)).collect();
        assert_eq!(
            summary(&plan, false, true),
            "Plan for 1 organization: revoke 3 grants. Nothing was sent; run again with --apply to revoke."
        );
        plan[0].row.result = Outcome::Done;
        plan[1].row.result = Outcome::Failed;
        plan[2].row.result = Outcome::Done;
        assert_eq!(
            summary(&plan, true, true),
            "Done in 1 organization: revoked 2 of 3 grants (1 failed). Failed: acme 2."
        );
        assert_eq!(summary(&[], false, true), "Nothing to revoke.");
        let mut reviews = vec![
            row("acme", 1, Action::Approve),
            row("globex", 2, Action::Deny),
            row("acme", 3, Action::Deny),
            row("acme", 4, Action::Leave),
        ];
        reviews[3].row.result = Outcome::Left;
        assert_eq!(
            summary(&reviews, false, false),
            "Plan for 2 organizations: approve 1 request, deny 2, 1 request left for a person. \
             Nothing was sent; run again with --apply to review."
        );
    }
}
