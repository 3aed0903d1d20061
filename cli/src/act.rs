//! The acting half: `revoke`, `review` and `contain` ([`contain`]). Each
//! lists what is there, plans ([`plan`]: each grant, credential or request,
//! the action, and the finding, rule or user behind it), prints the plan
//! and stops, or, with `--apply` and a confirmation, sends the plan to
//! GitHub ([`apply`]: bulk calls of at most 100 ids) and reports, per id,
//! what happened ([`report`]: the flow they share, and what each says).
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

use crate::fetch::connect::Connection;
use crate::fetch::pages::Items;
use crate::policy::Policy;
use crate::row::{Kind, Named as _};
use crate::site;

use apply::failed_call;
pub use apply::{Batch, MAX_IDS_PER_CALL, batches, execute};
use plan::list_and_plan;
pub use plan::{
    ActRow, Action, Options, Outcome, Planned, Selection, Target, Verb, check_confirmable, decided,
};
use report::plan_confirm_send;

/// Plans, confirms, sends the bulk calls and reports; the exit status.
async fn bulk(
    connection: &Connection,
    opts: &Options,
    out: impl Write,
    listed: (Vec<Planned>, usize),
    verb: Verb<'_>,
) -> anyhow::Result<u8> {
    let client_for = |org: &str| connection.client_for(org);
    let limit = opts.common.concurrency;
    let send = async |rows: &mut [Planned]| Ok(execute(client_for, rows, limit, failed_call).await);
    plan_confirm_send(out, opts, verb, listed, send).await
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
    let rules = selection.rules.rules(opts.now);
    let plan_page = |org: &str, items, planned: &mut Vec<Planned>| match items {
        Items::Grants(page) => planned
            .extend((page.iter()).filter_map(|g| selection.planned(org, g, rules.grant(org, g)))),
        Items::Credentials(page) => planned.extend(
            (page.iter()).filter_map(|c| selection.planned(org, c, rules.credential(org, c))),
        ),
        _ => {}
    };
    let (mut rows, errors) = list_and_plan(connection, opts, selection.kind, plan_page).await?;
    // Offset pagination shows a grant twice when the list changes between
    // two pages; it is revoked once.
    rows.dedup_by(|a, b| {
        (&a.row.subject.org, a.row.subject.id) == (&b.row.subject.org, b.row.subject.id)
    });
    for id in &selection.grants {
        if !rows.iter().any(|p| p.row.subject.id == *id) && errors == 0 {
            let kind = selection.kind.name();
            opts.common.ui.notice(format_args!(
                "pat-audit: warning: {kind} {id} is not among the {kind}s of {} (already \
                 revoked?); nothing to do for it",
                opts.common.orgs.join(", ")
            ));
        }
    }
    bulk(connection, opts, out, (rows, errors), Verb::Revoke).await
}

/// `pat-audit revoke --kind site-token|site-key`: deletes the instance's
/// classic tokens or SSH keys with the selected findings or ids, one call
/// each (`org` is empty: they belong to no organization).
///
/// # Errors
/// Not a site administrator or not Enterprise Server, a report that cannot
/// be written or a confirmation that cannot be read; failed deletes are
/// reported and give exit status 1.
pub async fn revoke_site(
    connection: &Connection,
    opts: &Options,
    selection: &Selection,
    out: impl Write,
) -> anyhow::Result<u8> {
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
    bulk(connection, opts, out, (rows, 0), Verb::Revoke).await
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
    let listed = list_and_plan(connection, opts, Kind::Request, |org, items, planned| {
        if let Items::Requests(page) = items {
            planned.extend(page.iter().map(|r| decided(policy, org, r)));
        }
    });
    bulk(connection, opts, out, listed.await?, Verb::Review).await
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let mut plan: Vec<Planned> = (1..=3).map(|i| row("acme", i, Action::Revoke)).collect();
        assert_eq!(
            summary(&plan, false, Verb::Revoke),
            "Plan for 1 organization: revoke 3 grants. Nothing was sent; run again with --apply to revoke."
        );
        plan[0].row.result = Outcome::Done;
        plan[1].row.result = Outcome::Failed;
        plan[2].row.result = Outcome::Done;
        assert_eq!(
            summary(&plan, true, Verb::Revoke),
            "Done in 1 organization: revoked 2 of 3 grants (1 failed). Failed: acme 2."
        );
        assert_eq!(summary(&[], false, Verb::Revoke), "Nothing to revoke.");
        let mut reviews = vec![
            row("acme", 1, Action::Approve),
            row("globex", 2, Action::Deny),
            row("acme", 3, Action::Deny),
            row("acme", 4, Action::Leave),
        ];
        reviews[3].row.result = Outcome::Left;
        assert_eq!(
            summary(&reviews, false, Verb::Review),
            "Plan for 2 organizations: approve 1 request, deny 2, 1 request left for a person. \
             Nothing was sent; run again with --apply to review."
        );
    }
}
