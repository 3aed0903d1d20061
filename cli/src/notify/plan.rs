//! What `notify` would do, as a pure function of the audit's findings and
//! the issues pat-audit already keeps: one row per owner (their tokens,
//! their findings, and whether their issue is opened, updated, closed or
//! left unchanged), with the title and body each issue gets.
//!
//! An issue is found again by the hidden marker on its last line, which
//! names its owner, matched strictly: the body must begin with the mention
//! of that same owner and hold no other HTML comment. The body says nothing
//! relative to the moment it is written (dates, never "in 3 days"), so that
//! an owner whose findings did not change gets an identical body and
//! nothing is written.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use strum::IntoStaticStr;

use crate::act::Outcome;
use crate::act::report::plural;
use crate::findings::{Finding, FindingKind, dated};
use crate::neutral::issue_text;
use crate::row::{Kind, Named, Row};

/// What happens to an owner's issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[non_exhaustive]
pub enum Action {
    /// A new issue for an owner with findings and none open.
    Open,
    /// The open issue's title or body changes.
    Update,
    /// The owner has nothing left (or this issue is a second one): closed
    /// with a comment saying why.
    Close,
    /// The open issue already says exactly this: nothing is written.
    Unchanged,
}

impl Named for Action {}

/// One owner's row of the plan or report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotifyRow {
    /// The token owner's login.
    pub owner: String,
    /// Their tokens with findings, as `organization/token name`.
    pub tokens: Vec<String>,
    /// Their findings.
    pub findings: Vec<FindingKind>,
    /// What happens to their issue.
    pub action: Action,
    /// The issue's number (none before an issue is opened).
    pub issue: Option<i64>,
    /// Planned, or with `--apply` done or failed.
    pub result: Outcome,
    /// GitHub's message when it failed.
    pub message: String,
}

impl Row for NotifyRow {
    fn columns() -> Vec<&'static str> {
        vec![
            "owner", "tokens", "findings", "action", "issue", "result", "message",
        ]
    }

    fn cells(&self) -> Vec<Cow<'_, str>> {
        let findings: Vec<&str> = self.findings.iter().map(|f| f.name()).collect();
        vec![
            Cow::Borrowed(&self.owner),
            Cow::Owned(self.tokens.join(", ")),
            Cow::Owned(findings.join(", ")),
            Cow::Borrowed(self.action.name()),
            Cow::Owned(self.issue.map(|n| format!("#{n}")).unwrap_or_default()),
            Cow::Borrowed(self.result.name()),
            Cow::Borrowed(&self.message),
        ]
    }

    /// By owner, where other rows go by organization.
    fn sort_key(&self) -> (&str, (Kind, i64, usize)) {
        (&self.owner, (Kind::Grant, self.issue.unwrap_or(0), 0))
    }

    const EMPTY: &'static str = "";

    fn verdict_column() -> Option<usize> {
        Some(3)
    }
}

/// An open issue with the label, written by a GitHub App's bot: the caller
/// checks the author, the plan the marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Its number.
    pub number: i64,
    /// Its title.
    pub title: String,
    /// Its body (empty when it has none).
    pub body: String,
}

/// A row and what is written for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The row.
    pub row: NotifyRow,
    /// The issue's title (open, update).
    pub title: String,
    /// The issue's body (open, update), or the comment it is closed with.
    pub text: String,
}

/// The plan: the steps, by owner, and the owners left out because GitHub
/// gave a name that is no GitHub login (it would go into a mention).
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The steps.
    pub steps: Vec<Step>,
    /// Owner names that are not logins.
    pub rejected: Vec<String>,
}

/// Whether `name` can be a GitHub user's login: 1 to 39 ASCII letters,
/// digits and hyphens, not beginning with a hyphen (older accounts may hold
/// two hyphens in a row or end with one, so those are let through).
pub fn is_login(name: &str) -> bool {
    (1..=39).contains(&name.len())
        && !name.starts_with('-')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The hidden last line of an owner's issue.
fn marker(owner: &str) -> String {
    format!("<!-- pat-audit notify: owner={owner} -->")
}

/// The owner an issue is for, when it carries pat-audit's marker and
/// nothing like it: the marker as its last line, the mention of the same
/// owner first, and no other HTML comment.
pub fn owner_of(issue: &Issue) -> Option<&str> {
    let body = issue.body.trim_end();
    let last = body.rsplit('\n').next()?.trim_end_matches('\r');
    let owner = (last.strip_prefix("<!-- pat-audit notify: owner=")?).strip_suffix(" -->")?;
    let one_comment = body.matches("<!--").count() == 1;
    (is_login(owner) && one_comment && body.starts_with(&format!("@{owner}:"))).then_some(owner)
}

/// The title of an owner's issue.
pub fn title(owner: &str) -> String {
    format!("pat-audit: personal access tokens of {owner} need attention")
}

/// The rows an issue's table lists at most (an issue body holds 65,536
/// characters); the others are counted below it.
const MAX_ROWS: usize = 50;

/// What the owner can do about a finding.
fn advice(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Expired => {
            "the token no longer works. If something still uses it, make a new token (Settings, \
             Developer settings, Personal access tokens) and have it approved again; then \
             delete the expired one."
        }
        FindingKind::Expiring => {
            "the token stops working on the date shown. Regenerate it (or make a new one) \
             before then and move what uses it over, or let it expire if nothing needs it."
        }
        FindingKind::NoExpiry => "regenerate the token with an expiry date.",
        FindingKind::Stale | FindingKind::NeverUsed => "delete the token if nothing uses it.",
        _ => "narrow the token's access, or delete it if nothing needs it.",
    }
}

/// The body of an owner's issue: the mention, the table of their findings
/// (organization, token name, finding, detail), what to do, and the marker.
/// Others' text (token names, details) is shown by [`issue_text`].
pub fn body(owner: &str, rows: &[&Finding]) -> String {
    let tokens: BTreeSet<_> = rows
        .iter()
        .map(|f| (&f.subject.org, f.subject.kind, f.subject.id))
        .collect();
    let mut b = format!(
        "@{owner}: pat-audit found {} of yours that need{} attention in the organizations it \
         audits.\n\n| organization | token name | finding | detail |\n|---|---|---|---|\n",
        plural(
            tokens.len(),
            "personal access token",
            "personal access tokens"
        ),
        if tokens.len() == 1 { "s" } else { "" },
    );
    for f in rows.iter().take(MAX_ROWS) {
        let name = match f.subject.token_name.as_str() {
            "" => format!("(a {} without a name)", f.subject.kind),
            name => issue_text(name),
        };
        let (org, detail) = (issue_text(&f.subject.org), issue_text(&dated(&f.detail)));
        b.push_str(&format!(
            "| {org} | {name} | `{}` | {detail} |\n",
            f.finding
        ));
    }
    if rows.len() > MAX_ROWS {
        b.push_str(&format!("\nAnd {} more.\n", rows.len() - MAX_ROWS));
    }
    b.push_str("\n**What to do**\n\n");
    let kinds: BTreeSet<FindingKind> = rows.iter().map(|f| f.finding).collect();
    for kind in kinds {
        b.push_str(&format!("- `{kind}`: {}\n", advice(kind)));
    }
    b.push_str(
        "\nThis issue is about your tokens alone. pat-audit updates it when these findings \
         change and closes it when none is left.\n\n",
    );
    b + &marker(owner) + "\n"
}

/// Text as GitHub keeps it, for comparing: line endings and the end's
/// white space as the web editor may change them.
fn same(kept: &str, made: &str) -> bool {
    kept.replace("\r\n", "\n").trim_end() == made.trim_end()
}

/// The comment an issue is closed with.
const NOTHING_LEFT: &str = "pat-audit no longer finds any of these tokens with these findings \
    (renewed, revoked or deleted): closing this issue.";

/// The plan for `found` (the audit's findings, already narrowed to those
/// notified) against `issues` (the open issues pat-audit wrote): by owner,
/// in login order; per owner one issue, the others (a second one opened by
/// a concurrent run) closed.
pub fn plan(found: &[Finding], issues: &[Issue]) -> Plan {
    let (logins, rejected): (Vec<_>, Vec<_>) =
        found.iter().partition(|f| is_login(&f.subject.owner));
    let mut result = Plan {
        rejected: rejected.iter().map(|f| f.subject.owner.clone()).collect(),
        ..Plan::default()
    };
    let owners = by_login(logins.into_iter().map(|f| (f.subject.owner.as_str(), f)));
    let theirs = by_login(issues.iter().filter_map(|i| Some((owner_of(i)?, i))));
    let keys: BTreeSet<&String> = owners.keys().chain(theirs.keys()).collect();
    for key in keys {
        let mut open = theirs.get(key).cloned().unwrap_or_default();
        open.sort_by_key(|(_, i)| i.number);
        let mut closing = &open[..];
        if let Some(found @ [(owner, _), ..]) = owners.get(key).map(Vec::as_slice) {
            let mut rows: Vec<&Finding> = found.iter().map(|(_, f)| *f).collect();
            rows.sort_by_key(|f| (&f.subject.org, f.subject.kind, f.subject.id, f.finding));
            rows.dedup_by_key(|f| (&f.subject.org, f.subject.kind, f.subject.id, f.finding));
            let (title, text) = (title(owner), body(owner, &rows));
            let (action, issue) = match open.first() {
                None => (Action::Open, None),
                Some((_, i)) if same(&i.title, &title) && same(&i.body, &text) => {
                    (Action::Unchanged, Some(i.number))
                }
                Some((_, i)) => (Action::Update, Some(i.number)),
            };
            let row = row(owner, &rows, action, issue);
            result.steps.push(Step { row, title, text });
            closing = open.get(1..).unwrap_or_default();
        }
        for (owner, issue) in closing {
            let text = match open.first() {
                Some((_, kept)) if kept.number != issue.number => format!(
                    "pat-audit keeps one issue for each owner, and #{} is the one for {owner}: \
                     closing this one.",
                    kept.number
                ),
                _ => NOTHING_LEFT.to_string(),
            };
            let row = row(owner, &[], Action::Close, Some(issue.number));
            result.steps.push(Step {
                row,
                title: issue.title.clone(),
                text,
            });
        }
    }
    result.rejected.sort();
    result.rejected.dedup();
    result
}

/// `items` by the login each comes with, a login's spellings together
/// (GitHub's logins are case-insensitive), each spelling kept.
fn by_login<'a, T>(
    items: impl Iterator<Item = (&'a str, T)>,
) -> BTreeMap<String, Vec<(&'a str, T)>> {
    let mut grouped: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for (login, item) in items {
        let entry = grouped.entry(login.to_ascii_lowercase());
        entry.or_default().push((login, item));
    }
    grouped
}

fn row(owner: &str, rows: &[&Finding], action: Action, issue: Option<i64>) -> NotifyRow {
    let mut tokens: Vec<String> = (rows.iter())
        .map(|f| format!("{}/{}", f.subject.org, f.subject.token_name))
        .collect();
    // Each token once, where it first comes.
    let mut seen = BTreeSet::new();
    tokens.retain(|t| seen.insert(t.clone()));
    let findings: BTreeSet<FindingKind> = rows.iter().map(|f| f.finding).collect();
    NotifyRow {
        owner: owner.to_string(),
        tokens,
        findings: findings.into_iter().collect(),
        action,
        issue,
        result: Outcome::Planned,
        message: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row::Subject;

    fn found(owner: &str, org: &str, id: i64, name: &str, finding: FindingKind) -> Finding {
        Finding {
            subject: Subject {
                org: org.into(),
                kind: Kind::Grant,
                id,
                token_id: id + 100,
                token_name: name.into(),
                owner: owner.into(),
            },
            finding,
            detail: "expired 2025-04-15T09:00:00Z (48 days ago)".into(),
        }
    }

    fn issue(number: i64, owner: &str, row: &Finding) -> Issue {
        let rows = [row];
        Issue {
            number,
            title: title(owner),
            body: body(owner, &rows),
        }
    }

    fn actions(plan: &Plan) -> Vec<(&str, Action, Option<i64>)> {
        let steps = plan.steps.iter();
        steps
            .map(|s| (s.row.owner.as_str(), s.row.action, s.row.issue))
            .collect()
    }

    #[test]
    fn each_owner_gets_open_update_close_or_unchanged() {
        let octo = found("octocat", "acme", 1, "ci", FindingKind::Expired);
        let hubot = found("hubot", "acme", 2, "deploy", FindingKind::Expiring);
        let gone = found("defunkt", "acme", 3, "old", FindingKind::Expired);
        let mut changed = hubot.clone();
        changed.finding = FindingKind::Expired;
        let issues = [
            issue(7, "octocat", &octo),
            issue(8, "Hubot", &changed),
            issue(9, "defunkt", &gone),
        ];
        let newcomer = found("pjhyett", "globex", 4, "x", FindingKind::Expired);
        let plan = plan(&[octo, hubot, newcomer], &issues);
        assert_eq!(
            actions(&plan),
            [
                ("defunkt", Action::Close, Some(9)),
                ("hubot", Action::Update, Some(8)),
                ("octocat", Action::Unchanged, Some(7)),
                ("pjhyett", Action::Open, None),
            ]
        );
        assert_eq!(plan.steps[0].text, NOTHING_LEFT);
        assert!(plan.rejected.is_empty());
    }

    #[test]
    fn the_body_is_the_owners_alone_stable_and_dated() {
        let rows = [
            found("octocat", "acme", 1, "ci", FindingKind::Expired),
            found("octocat", "acme", 1, "ci", FindingKind::Expired),
            found("hubot", "acme", 2, "theirs", FindingKind::Expired),
        ];
        let plan = plan(&rows, &[]);
        let body = &plan
            .steps
            .iter()
            .find(|s| s.row.owner == "octocat")
            .unwrap()
            .text;
        assert!(body.starts_with("@octocat: pat-audit found 1 personal access token of yours"));
        assert!(
            body.contains("| acme | ci | `expired` | expired 2025"),
            "{body}"
        );
        assert!(!body.contains("ago") && !body.contains("hubot") && !body.contains("theirs"));
        assert!(body.ends_with("<!-- pat-audit notify: owner=octocat -->\n"));
        assert_eq!(
            body.matches("| acme |").count(),
            1,
            "a row listed twice: {body}"
        );
        // Rows in another order make the same body.
        let mut reversed = rows.clone();
        reversed.reverse();
        let again = super::plan(&reversed, &[]);
        assert_eq!(again.steps, plan.steps);
    }

    #[test]
    fn a_forged_or_loose_marker_makes_no_issue_ours() {
        let octo = found("octocat", "acme", 1, "ci", FindingKind::Expired);
        let ours = issue(3, "octocat", &octo);
        assert_eq!(owner_of(&ours), Some("octocat"));
        let forged = [
            // The marker anywhere but last, two comments, another mention.
            format!("{}\nmore", ours.body),
            ours.body.replace("\n\n<!--", "<!-- x -->\n\n<!--"),
            ours.body.replacen("@octocat:", "@hubot:", 1),
            ours.body.replace("owner=octocat", "owner=octo cat"),
            ours.body.replace("owner=octocat", "owner=octocat "),
        ];
        for body in forged {
            let issue = Issue {
                body: body.clone(),
                ..ours.clone()
            };
            assert_eq!(owner_of(&issue), None, "{body}");
            let plan = plan(std::slice::from_ref(&octo), &[issue]);
            assert_eq!(actions(&plan), [("octocat", Action::Open, None)]);
        }
    }

    #[test]
    fn a_second_issue_is_closed_and_a_bad_login_is_left_out() {
        let octo = found("octocat", "acme", 1, "ci", FindingKind::Expired);
        let both = [issue(4, "octocat", &octo), issue(2, "octocat", &octo)];
        let evil = found("@everyone x", "acme", 5, "e", FindingKind::Expired);
        let plan = plan(&[octo, evil], &both);
        assert_eq!(
            actions(&plan),
            [
                ("octocat", Action::Unchanged, Some(2)),
                ("octocat", Action::Close, Some(4))
            ]
        );
        assert!(plan.steps[1].text.contains("#2 is the one for octocat"));
        assert_eq!(plan.rejected, ["@everyone x"]);
        for (login, ok) in [
            ("a", true),
            ("a-b--c-", true),
            ("-a", false),
            ("a[bot]", false),
        ] {
            assert_eq!(is_login(login), ok, "{login}");
        }
        assert!(!is_login(&"a".repeat(40)) && !is_login(""));
    }

    #[test]
    fn a_hostile_token_name_is_text() {
        let rows = [found(
            "octocat",
            "acme",
            1,
            "@hubot <!-- x --> | #1",
            FindingKind::Expired,
        )];
        let plan = plan(&rows, &[]);
        let body = &plan.steps[0].text;
        assert!(
            !body.contains("@hubot") && body.matches("<!--").count() == 1,
            "{body}"
        );
        assert!(body.contains("\\| #&#8203;1"), "{body}");
        assert_eq!(
            owner_of(&Issue {
                number: 1,
                title: String::new(),
                body: body.clone()
            }),
            Some("octocat")
        );
    }
}
