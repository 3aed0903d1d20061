//! The acting half: `revoke`, `review` and `contain` ([`contain`]), one
//! flow ([`run`]) that the [`Verb`] steers. Each lists what is there, plans
//! ([`plan`]: each grant, credential or request, the action, and the
//! finding, rule or user behind it), prints the plan and stops, or, with
//! `--apply` and a confirmation, sends the plan to GitHub ([`apply`]: bulk
//! calls of at most 100 ids) and reports, per id, what happened
//! ([`report`]: what each says).
//!
//! Calls are made one after the other: GitHub asks integrations to send
//! mutating requests serially, and 100 ids a call keeps even 10,000
//! revocations to 100 calls. A call that fails marks its ids failed with
//! GitHub's message and the next call goes on; nothing is retried here
//! (the SDK waits out rate limits), so running the same command again acts
//! on exactly what is left: revoked grants are no longer listed and
//! reviewed requests are no longer pending.

pub mod plan;
pub mod apply;
pub mod report;
pub mod contain;

use std::io::Write;

use anyhow::bail;

use crate::exit::{EXIT_ERROR, EXIT_OK};
use crate::fetch::connect::Connection;
use crate::row::Kind;
use crate::site;
use crate::ui;

use apply::failed_call;
pub use apply::{Batch, MAX_IDS_PER_CALL, batches, execute};
use plan::list;
pub use plan::{ActRow, Action, Options, Outcome, Planned, Selection, Target, Verb, decided};
use report::{acting, confirm, question, summary};

/// `pat-audit revoke`, `review` or `contain`: lists and plans; shows the
/// plan, or with `--apply` asks (unless `--yes`) and sends it; then writes
/// the plan or report and its closing line. The exit status is an error
/// when anything failed: a listing, or a call.
///
/// # Errors
/// When the report cannot be written, the confirmation cannot be read or
/// is refused, an organization's client cannot be made, or (`revoke --kind
/// site-token|site-key`) this is no site administrator of an Enterprise
/// Server; failed listings and calls are reported and give exit status 1.
pub async fn run(
    connection: &Connection,
    opts: &Options,
    verb: Verb<'_>,
    out: impl Write,
) -> anyhow::Result<u8> {
    let (mut rows, mut failed) = match verb {
        Verb::Revoke(selection) if selection.kind.is_site() => {
            (site_rows(connection, opts, selection).await?, 0)
        }
        _ => list(connection, opts, verb).await?,
    };
    // contain's site tokens and keys: when they cannot be listed, what the
    // organizations gave is still cut, and the exit status says it.
    if let Verb::Contain(target) = verb
        && target.site
    {
        match contain::site_rows(connection.client(), target).await {
            Ok(site) => rows.extend(site),
            Err(e) => {
                ui::error(format_args!("{e:#}"));
                failed += 1;
            }
        }
    }
    if opts.apply && acting(&rows).next().is_some() {
        let question = question(&rows, opts, verb);
        if !opts.yes && !confirm(acting(&rows), &question, opts.common.ui).await? {
            bail!("not confirmed; nothing was sent");
        }
        failed += match verb {
            Verb::Contain(target) => contain::cut(connection, opts, target, &mut rows).await?,
            _ => {
                let client_for = |org: &str| connection.client_for(org);
                let limit = opts.common.concurrency;
                execute(client_for, &mut rows, limit, failed_call).await
            }
        };
    }
    let line = summary(&rows, opts.apply, verb);
    opts.common.write(out, rows.iter().map(|p| &p.row), &line)?;
    Ok(if failed > 0 { EXIT_ERROR } else { EXIT_OK })
}

/// The instance's classic tokens or SSH keys that `revoke --kind
/// site-token|site-key` deletes, one call each (`org` is empty: they
/// belong to no organization).
async fn site_rows(
    connection: &Connection,
    opts: &Options,
    selection: &Selection,
) -> anyhow::Result<Vec<Planned>> {
    let (client, rules) = (connection.client(), selection.rules.rules(opts.now));
    let mut rows: Vec<Planned> = if selection.kind == Kind::SiteToken {
        let tokens = site::tokens(client).await?;
        let planned = |t| selection.planned("", t, rules.site_token(t));
        tokens.iter().filter_map(planned).collect()
    } else {
        let keys = site::keys(client).await?;
        keys.iter()
            .filter_map(|k| selection.planned("", k, rules.site_key(k)))
            .collect()
    };
    // GitHub lists keys newest first; the plan goes by id, as the others do.
    rows.sort_by_key(|p| p.row.subject.id);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;
    use crate::row::Subject;
    use report::summary;

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
        // Two reasons taking turns, over 100 each: a group's calls stay
        // together, the groups in the order they first appear.
        let mut turns: Vec<Planned> = (0..202).map(|i| row("acme", i, Action::Deny)).collect();
        for p in &mut turns {
            p.reason = Some(["a", "b"][(p.row.subject.id % 2) as usize].into());
        }
        let b = batches(&turns);
        let shape: Vec<(Option<&str>, usize)> = b
            .iter()
            .map(|b| (b.reason.as_deref(), b.ids.len()))
            .collect();
        assert_eq!(
            shape,
            [
                (Some("a"), 100),
                (Some("a"), 1),
                (Some("b"), 100),
                (Some("b"), 1)
            ]
        );
    }

    #[test]
    fn summaries_say_what_was_planned_and_what_failed() {
        let revoke = Selection::default();
        let mut plan: Vec<Planned> = (1..=3).map(|i| row("acme", i, Action::Revoke)).collect();
        assert_eq!(
            summary(&plan, false, Verb::Revoke(&revoke)),
            "Plan for 1 organization: revoke 3 grants. Nothing was sent; run again with --apply to revoke."
        );
        plan[0].row.result = Outcome::Done;
        plan[1].row.result = Outcome::Failed;
        plan[2].row.result = Outcome::Done;
        assert_eq!(
            summary(&plan, true, Verb::Revoke(&revoke)),
            "Done in 1 organization: revoked 2 of 3 grants (1 failed). Failed: acme 2."
        );
        assert_eq!(
            summary(&[], false, Verb::Revoke(&revoke)),
            "Nothing to revoke."
        );
        let mut reviews = vec![
            row("acme", 1, Action::Approve),
            row("globex", 2, Action::Deny),
            row("acme", 3, Action::Deny),
            row("acme", 4, Action::Leave),
        ];
        reviews[3].row.result = Outcome::Left;
        assert_eq!(
            summary(&reviews, false, Verb::Review(&Policy::default())),
            "Plan for 2 organizations: approve 1 request, deny 2, 1 request left for a person. \
             Nothing was sent; run again with --apply to review."
        );
    }
}
