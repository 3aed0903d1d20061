//! `pat-audit notify`: the audit's findings told to the tokens' owners, one
//! issue per owner in a repository of the organization's, kept up to date
//! from run to run. The audit is [`audit::findings`]; the plan, a pure
//! function of the findings and the open issues, is [`plan`]; the calls,
//! paced a second apart, are [`issues`]; the report and the confirmation
//! are `revoke`'s.
//!
//! Nothing is written without `--apply`, nothing when a listing failed (an
//! issue made from part of the tokens would close what is still there),
//! and nothing before the label is there: an unknown repository or a label
//! that cannot be made stops the run before its first write.

pub mod plan;
pub mod issues;

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::{anyhow, bail};
use github_pat_grants::{Client, Error};

use crate::act::Outcome;
use crate::act::report::{confirm, plural};
use crate::audit;
use crate::exit::{EXIT_ERROR, EXIT_OK};
use crate::fetch::connect::Connection;
use crate::fetch::explain::github_message;
use crate::row::{Kind, Named as _};
use crate::ui;
use issues::{Pace, Repo};
use plan::{Action, NotifyRow, Step};

/// What `notify` tells, where.
#[derive(Clone, Debug)]
pub struct Options {
    /// The audit whose findings are told: its organizations, "now", windows,
    /// findings (`only`) and kinds; its format is the plan's.
    pub audit: audit::Options,
    /// The repository the issues are in.
    pub repo: Repo,
    /// The label that marks them.
    pub label: String,
    /// Write (else only plan).
    pub apply: bool,
    /// Do not ask before writing.
    pub yes: bool,
}

/// GitHub's refusal in `repo` in words, with what it means there.
fn explained(repo: &Repo, error: &Error, access: &str) -> String {
    let message = github_message(error);
    match error.status() {
        Some(403) => format!(
            "{message}. Hint: the GitHub App (or token) lacks the repository permission \
             `issues: {access}` on {repo}"
        ),
        Some(404) => format!(
            "{message}. Hint: there is no repository {repo}, or the GitHub App cannot see it \
             (is it installed on {} with access to it?)",
            repo.owner
        ),
        _ => message,
    }
}

/// `notify`: reads the issues, audits, plans, and with `--apply` writes;
/// the exit status.
///
/// # Errors
/// An unknown repository, issues that cannot be read, a label that cannot
/// be made, a report that cannot be written, no confirmation.
pub async fn run(connection: &Connection, opts: &Options, out: impl Write) -> anyhow::Result<u8> {
    let (repo, common) = (&opts.repo, &opts.audit.common);
    let reading = |e: Error| {
        anyhow!(
            "{repo}: reading its issues failed: {}",
            explained(repo, &e, "read")
        )
    };
    let client = connection.client_for(&repo.owner).map_err(reading)?;
    let issues = issues::ours(&client, repo, &opts.label)
        .await
        .map_err(reading)?;
    let (mut found, outcome) = audit::findings(connection, &opts.audit).await?;
    // An installed App's "owner" is the organization: nobody to tell.
    found.retain(|f| f.subject.kind != Kind::Installation);
    let mut plan = plan::plan(&found, &issues);
    for owner in &plan.rejected {
        ui::error(format_args!(
            "the owner {owner:?} is not a GitHub login: not notified"
        ));
    }
    let mut failed = plan.rejected.len() + outcome.errors;
    if opts.apply && outcome.errors > 0 {
        ui::error(
            "a listing failed, so nothing is written: issues made from part of the tokens would be wrong",
        );
    }
    let (steps, applied) = (&mut plan.steps, opts.apply && outcome.errors == 0);
    if applied {
        let acting: Vec<_> = (steps.iter().map(|s| &s.row))
            .filter(|r| r.action != Action::Unchanged)
            .collect();
        let question = question(&acting, repo, &common.base_url);
        if !(acting.is_empty() || opts.yes || confirm(acting, &question, common.ui).await?) {
            bail!("not confirmed; nothing was written");
        }
        failed += apply(&client, opts, steps).await?;
    }
    let line = summary(steps, repo, applied);
    common.write(out, steps.iter().map(|s| &s.row), &line)?;
    Ok(if failed > 0 { EXIT_ERROR } else { EXIT_OK })
}

/// Writes the plan's steps one at a time, each a second after the last
/// write: the label first (nothing is written when it cannot be), and
/// after a 403 nothing more (the permission is missing for all). Returns
/// the number that failed.
async fn apply(client: &Client, opts: &Options, steps: &mut [Step]) -> anyhow::Result<usize> {
    let (repo, label) = (&opts.repo, &opts.label);
    let mut pace = Pace::default();
    if steps.iter().any(|s| s.row.action == Action::Open) {
        issues::ensure_label(client, repo, label, &mut pace).await.map_err(|e| {
            anyhow!(
                "{repo}: the label {label:?} cannot be read or created: {}; nothing was written",
                explained(repo, &e, "write")
            )
        })?;
    }
    let (mut refused, mut failed) = (None::<String>, 0);
    for step in steps.iter_mut() {
        let sent = match (&refused, step.row.action) {
            (_, Action::Unchanged) => Ok(step.row.issue),
            (Some(message), _) => Err(message.clone()),
            (None, _) => (issues::write(client, repo, label, step, &mut pace).await).map_err(|e| {
                let message = explained(repo, &e, "write");
                refused = (e.status() == Some(403)).then(|| message.clone());
                message
            }),
        };
        match sent {
            Ok(number) => (step.row.issue, step.row.result) = (number, Outcome::Done),
            Err(message) => {
                let (action, owner) = (step.row.action.name(), &step.row.owner);
                ui::error(format_args!(
                    "{repo}: {action} the issue of {owner} failed: {message}"
                ));
                (step.row.result, step.row.message) = (Outcome::Failed, message);
                failed += 1;
            }
        }
    }
    Ok(failed)
}

/// The confirmation question: what is written, where.
fn question(rows: &[&NotifyRow], repo: &Repo, base_url: &str) -> String {
    let count = |a: Action| rows.iter().filter(|r| r.action == a).count();
    format!(
        "Open {}, update {} and close {} in {repo} on {base_url}? Each owner is mentioned in \
         their issue, and GitHub notifies them.",
        plural(count(Action::Open), "issue", "issues"),
        count(Action::Update),
        count(Action::Close),
    )
}

/// The closing line of a plan or report: `Plan for acme/security (3
/// owners): open 2, close 1, 4 unchanged. Nothing was written; ...`.
fn summary(steps: &[Step], repo: &Repo, applied: bool) -> String {
    let owners: BTreeSet<String> = steps.iter().map(|s| s.row.owner.to_lowercase()).collect();
    let count = |keep: &dyn Fn(&NotifyRow) -> bool| steps.iter().filter(|s| keep(&s.row)).count();
    let mut parts = Vec::new();
    for (action, verb) in [
        (Action::Open, ["open", "opened"]),
        (Action::Update, ["update", "updated"]),
        (Action::Close, ["close", "closed"]),
        (Action::Unchanged, ["unchanged"; 2]),
    ] {
        let n = count(&|r| r.action == action && (!applied || r.result == Outcome::Done));
        parts.extend((n > 0).then(|| format!("{} {n}", verb[usize::from(applied)])));
    }
    let failed = count(&|r| r.result == Outcome::Failed);
    parts.extend((failed > 0).then(|| format!("failed {failed}")));
    if parts.is_empty() {
        return format!(
            "Nothing to tell in {repo}: no owner has these findings, and pat-audit has no issue open there."
        );
    }
    let unchanged = steps.iter().all(|s| s.row.action == Action::Unchanged);
    let (head, tail) = match (applied, unchanged) {
        (true, _) => ("Done in", ""),
        (false, true) => ("Plan for", " Nothing to write."),
        (false, false) => (
            "Plan for",
            " Nothing was written; run again with --apply to write it.",
        ),
    };
    let owners = plural(owners.len(), "owner", "owners");
    format!("{head} {repo} ({owners}): {}.{tail}", parts.join(", "))
}
