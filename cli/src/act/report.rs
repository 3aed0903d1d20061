//! What `revoke`, `review` and `contain` say: the confirmation question
//! with the plan shown before it, and the closing line of the plan or
//! report.

use std::collections::BTreeSet;
use strum::VariantArray as _;

use crate::render::{self, Format};
use crate::row::{Kind, Named as _, Row};
use crate::ui::{self, Ui};

use super::plan::{ActRow, Action, Options, Outcome, Planned, Target, Verb};

/// How many rows of `action` came to `result`.
fn count(rows: &[Planned], action: Action, result: Outcome) -> usize {
    let of = |p: &&Planned| p.row.action == action && p.row.result == result;
    rows.iter().filter(of).count()
}

/// `n thing` or `n things`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What rows of `kind` are called in a sentence, one and many: `grant`,
/// `site tokens`.
fn nouns(kind: Kind) -> (String, String) {
    let one = kind.name().replace('-', " ");
    (one.clone(), one + "s")
}

/// The closing line of a plan or report.
pub(super) fn summary(rows: &[Planned], applied: bool, verb: Verb) -> String {
    let kind = rows.first().map(|p| p.row.subject.kind);
    // What the command does, to what, its actions (and what they are
    // called once done) and what it says when there is nothing to do.
    let (act, kind_named, actions, nothing): (_, _, &[(Action, &str)], _) = match verb {
        Verb::Contain(target) => return contained(rows, target, applied),
        Verb::Revoke(_) => (
            "revoke",
            kind.unwrap_or_default(),
            &[(Action::Revoke, "revoked")],
            "Nothing to revoke.",
        ),
        Verb::Review(_) => (
            "review",
            Kind::Request,
            &[(Action::Approve, "approved"), (Action::Deny, "denied")],
            "No pending request.",
        ),
    };
    let orgs: BTreeSet<&str> = rows.iter().map(|p| p.row.subject.org.as_str()).collect();
    let orgs = match kind.is_some_and(Kind::is_site) {
        true => "the instance".to_string(),
        false => plural(orgs.len(), "organization", "organizations"),
    };
    let (one, many) = nouns(kind_named);
    let mut parts = Vec::new();
    for (action, past) in actions {
        let done = count(rows, *action, Outcome::Done);
        let failed = count(rows, *action, Outcome::Failed);
        let counted = |n: usize| {
            // The noun once, on the first part: "approve 3 requests, deny 2".
            if parts.is_empty() {
                plural(n, &one, &many)
            } else {
                n.to_string()
            }
        };
        let planned = count(rows, *action, Outcome::Planned);
        if applied && done + failed > 0 {
            let mut part = format!("{past} {done} of {}", counted(done + failed));
            if failed > 0 {
                part.push_str(&format!(" ({failed} failed)"));
            }
            parts.push(part);
        } else if !applied && planned > 0 {
            parts.push(format!("{} {}", action.name(), counted(planned)));
        }
    }
    let left = count(rows, Action::Leave, Outcome::Left);
    if left > 0 {
        parts.push(format!(
            "{} left for a person",
            plural(left, "request", "requests")
        ));
    }
    if parts.is_empty() {
        return nothing.into();
    }
    let parts = parts.join(", ");
    if !applied {
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

/// The rows that something is done to (a request left for a person is not).
pub(super) fn acting(rows: &[Planned]) -> impl Iterator<Item = &ActRow> {
    rows.iter()
        .filter(|p| p.row.action != Action::Leave)
        .map(|p| &p.row)
}

/// Shows the rows as a table on stderr and asks whether to send them;
/// `true` for yes.
///
/// # Errors
/// When the table cannot be drawn or the answer cannot be read.
pub async fn confirm<'r, R: Row + Clone + 'r>(
    rows: impl IntoIterator<Item = &'r R>,
    question: &str,
    ui: Ui,
) -> anyhow::Result<bool> {
    let mut shown = Vec::new();
    let color = ui.color_stderr();
    let mut table = render::report::<R>(Format::Table, &mut shown, Vec::new(), color)?;
    for row in rows {
        table.row(row)?;
    }
    table.finish(&mut |_| String::new())?;
    ui::confirm(&shown, question).await
}

/// The confirmation question: what is sent, where, and what it does.
pub(super) fn question(rows: &[Planned], opts: &Options, verb: Verb) -> String {
    let actionable = acting(rows).count();
    let orgs: BTreeSet<&str> = acting(rows).map(|r| r.subject.org.as_str()).collect();
    let orgs = orgs.into_iter().collect::<Vec<_>>().join(", ");
    let (on, kind) = (&opts.common.base_url, rows[0].row.subject.kind);
    let (one, many) = &nouns(kind);
    match verb {
        Verb::Contain(target) => format!(
            "Cut {actionable} of {} in {} on {on}? Their tokens lose access at once.",
            target.users.join(", "),
            opts.common.orgs.join(", "),
        ),
        Verb::Revoke(_) if kind == Kind::Credential => format!(
            "Remove {} in {orgs} on {on}? Their tokens and keys lose access to the organization \
             at once; their owners must authorize them again.",
            plural(
                actionable,
                "credential authorization",
                "credential authorizations"
            ),
        ),
        Verb::Revoke(_) if kind.is_site() => format!(
            "Delete {} of the instance at {on}? They stop working at once; this cannot be undone.",
            plural(actionable, one, many)
        ),
        Verb::Revoke(_) => format!(
            "Revoke {} in {orgs} on {on}? Their tokens lose access at once.",
            plural(actionable, one, many),
        ),
        Verb::Review(_) => {
            let approve = count(rows, Action::Approve, Outcome::Planned);
            let deny = count(rows, Action::Deny, Outcome::Planned);
            let what = match (approve, deny) {
                (0, n) => format!("Deny {}", plural(n, one, many)),
                (n, 0) => format!("Approve {}", plural(n, one, many)),
                (a, d) => format!("Approve {} and deny {d}", plural(a, one, many)),
            };
            format!("{what} in {orgs} on {on}? The requesters are told the rules' reasons.")
        }
    }
}

/// The closing line of `contain`: what is (or was) cut, by kind.
fn contained(rows: &[Planned], target: &Target, applied: bool) -> String {
    let who = target.users.join(", ");
    if rows.is_empty() {
        return format!("Nothing of {who} to contain.");
    }
    let count = |kind: Kind, result: Option<Outcome>| {
        let of =
            |p: &&Planned| p.row.subject.kind == kind && result.is_none_or(|r| p.row.result == r);
        rows.iter().filter(of).count()
    };
    // The kinds in report order; those of no row are left out.
    let parts: Vec<String> = (Kind::VARIANTS.iter().copied())
        .filter(|&k| count(k, None) > 0)
        .map(|k| {
            let all = plural(count(k, None), k.name(), &format!("{}s", k.name()));
            match applied {
                true => format!("{} of {all}", count(k, Some(Outcome::Done))),
                false => all,
            }
        })
        .collect();
    let parts = parts.join(", ");
    if !applied {
        return format!(
            "Plan to contain {who}: cut {parts}. Nothing was sent; run again with --apply to contain."
        );
    }
    // The failed rows say so, with GitHub's message, in the report.
    let part = if rows.iter().any(|p| p.row.result == Outcome::Failed) {
        " in part"
    } else {
        ""
    };
    format!("Contained {who}{part}: cut {parts}.")
}
