//! What `revoke`, `review` and `contain` would do: the rows of a plan
//! (each grant, credential or request, the action, and the finding, rule
//! or user behind it), made from the listings.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::ControlFlow;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::Serialize;
use strum::{IntoStaticStr, VariantArray as _};

use crate::assess::RuleSet;
use crate::common::Common;
use crate::fetch::connect::Connection;
use crate::fetch::explain::{self, Endpoint};
use crate::fetch::listing::{self, Event};
use crate::fetch::pages::{Items, Plan as FetchPlan};
use crate::findings::FindingKind;
use crate::policy::{PendingRequest, Policy, Verdict};
use crate::row::{Item, Kind, Named, Subject, SubjectRow};
use crate::ui;

/// What is done to a grant or a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
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

impl Named for Action {}

/// What became of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
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

impl Named for Outcome {}

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

impl Planned {
    /// The plan's row of `action` on `subject`: planned, or left for a
    /// person; `why` and `message` as [`ActRow`] says, `reason` sent.
    fn new(
        subject: Subject,
        action: Action,
        why: String,
        message: String,
        reason: Option<String>,
    ) -> Planned {
        let result = match action {
            Action::Leave => Outcome::Left,
            _ => Outcome::Planned,
        };
        let row = ActRow {
            subject,
            action,
            result,
            why,
            message,
        };
        Planned { row, reason }
    }
}

/// Where the acting commands act, as whom, and how they report.
#[derive(Clone, Debug)]
pub struct Options {
    /// The organizations, API root (named in the confirmation question),
    /// format, concurrency and UI.
    pub common: Common,
    /// "Now", for the findings.
    pub now: DateTime<Utc>,
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
    /// The windows, the policy's `[grants]` table (for its findings) and
    /// what `classic-token` and `broad-scope` go by.
    pub rules: RuleSet,
}

impl Selection {
    /// The revocation of `item`, when its findings or its id select it.
    pub(super) fn planned(
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
        let subject = Subject::of(org, item);
        Some(Planned::new(
            subject,
            Action::Revoke,
            why.join(", "),
            message,
            None,
        ))
    }
}

/// Whose access is cut, and how their SAML authorizations are revoked.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// The users' logins (GitHub compares them case-insensitively).
    pub users: Vec<String>,
    /// One enterprise call instead of one call per organization.
    pub enterprise: Option<String>,
    /// With `enterprise`: destroy the credentials themselves (EMU only).
    pub destroy_credentials: bool,
    /// Also the users' site tokens and user keys (Enterprise Server).
    pub site: bool,
}

impl Target {
    /// The row cutting `item`, when one of the users owns it.
    pub(super) fn row(&self, org: &str, item: &impl Item) -> Option<Planned> {
        let user = self
            .users
            .iter()
            .find(|u| u.eq_ignore_ascii_case(item.owner()))?;
        let subject = Subject::of(org, item);
        let contained = format!("access of {user} contained");
        let (action, reason) = match subject.kind {
            Kind::Request => (Action::Deny, Some(format!("Denied: the {contained}"))),
            _ => (Action::Revoke, None),
        };
        let message = reason.clone().unwrap_or(contained);
        let why = format!("--user {user}");
        Some(Planned::new(subject, action, why, message, reason))
    }

    /// The rows of a page's items that are the users'.
    pub(super) fn rows<'a>(
        &'a self,
        org: &'a str,
        page: &'a [impl Item],
    ) -> impl Iterator<Item = Planned> {
        page.iter().filter_map(move |i| self.row(org, i))
    }
}

/// Which command a plan is for, with what it goes by: what is listed and
/// planned, what its question and closing line say, and how it is sent.
#[derive(Clone, Copy, Debug)]
pub enum Verb<'a> {
    /// `revoke`: grants, credentials, or the instance's tokens or keys.
    Revoke(&'a Selection),
    /// `review`: the pending requests, as the policy decides them.
    Review(&'a Policy),
    /// `contain`: everything of these users'.
    Contain(&'a Target),
}

impl Verb<'_> {
    /// Plans the items of a listed page that the command acts on.
    fn plan_page(self, org: &str, items: Items, now: DateTime<Utc>, planned: &mut Vec<Planned>) {
        match (self, items) {
            (Verb::Revoke(s), Items::Grants(page)) => {
                let rules = s.rules.rules(now);
                planned.extend(
                    page.iter()
                        .filter_map(|g| s.planned(org, g, rules.grant(org, g))),
                );
            }
            (Verb::Revoke(s), Items::Credentials(page)) => {
                let rules = s.rules.rules(now);
                planned.extend(
                    (page.iter()).filter_map(|c| s.planned(org, c, rules.credential(org, c))),
                );
            }
            (Verb::Review(policy), Items::Requests(page)) => {
                planned.extend(page.iter().map(|r| decided(policy, org, r)));
            }
            (Verb::Contain(t), Items::Grants(page)) => planned.extend(t.rows(org, &page)),
            (Verb::Contain(t), Items::Requests(page)) => planned.extend(t.rows(org, &page)),
            (Verb::Contain(t), Items::Credentials(page)) => planned.extend(t.rows(org, &page)),
            _ => {}
        }
    }
}

/// The row for a pending request, in either of GitHub's shapes (the
/// listing's, or a webhook's), as the policy decides it: `review` and
/// `serve` share it, so a request gets the same row from both.
pub fn decided(policy: &Policy, org: &str, request: &impl PendingRequest) -> Planned {
    let decision = policy.decide(request);
    let action = match decision.verdict {
        Verdict::Approve => Action::Approve,
        Verdict::Deny => Action::Deny,
        _ => Action::Leave,
    };
    let reason = decision.reason().map(str::to_string);
    let message = reason
        .clone()
        .unwrap_or_else(|| match decision.unknown.as_slice() {
            [] => "no rule decides this request; it is left for a person to review".into(),
            unknown => format!(
                "it asks for {}, which the policy does not know (a permission group or \
                 level GitHub added): no approve rule applies; it is left for a person \
                 to review",
                unknown.join(", ")
            ),
        });
    let subject = Subject::of(org, request);
    Planned::new(subject, action, decision.why(), message, reason)
}

/// Lists what `verb` acts on in every organization (for `contain`, only
/// the users' items) and plans each item; the rows come in the report's
/// order, each once. A failed listing is named on stderr and counted (the
/// number of organizations with one). `revoke` and `review` leave those
/// organizations out of the plan: it would be a part chosen by where the
/// listing stopped. `contain` still cuts what was listed (every row is the
/// users'), and an organization without SAML single sign-on, which has no
/// authorizations to revoke, is no error for it.
pub(super) async fn list(
    connection: &Connection,
    opts: &Options,
    verb: Verb<'_>,
) -> anyhow::Result<(Vec<Planned>, usize)> {
    let (kinds, owners) = match verb {
        Verb::Revoke(selection) => (vec![selection.kind], Vec::new()),
        Verb::Review(_) => (vec![Kind::Request], Vec::new()),
        Verb::Contain(target) => (
            vec![Kind::Grant, Kind::Request, Kind::Credential],
            target.users.clone(),
        ),
    };
    let fetch_plan = FetchPlan {
        orgs: opts.common.orgs.clone(),
        listings: (Endpoint::VARIANTS.iter().copied())
            .filter(|e| kinds.contains(&e.kind()))
            .collect(),
        owners,
        last_used_before: None,
        concurrency: opts.common.concurrency,
    };
    let (orgs, contain) = (&opts.common.orgs, matches!(verb, Verb::Contain(_)));
    let (mut planned, mut failed) = (Vec::new(), BTreeSet::new());
    listing::fetch_all(connection, &fetch_plan, |event| {
        match event {
            Event::Page { org, items, .. } => {
                verb.plan_page(&orgs[org], items, opts.now, &mut planned)
            }
            Event::Done {
                org,
                endpoint: Endpoint::Credentials,
                error: Some(e),
            } if contain && e.status() == Some(404) => opts.common.ui.notice(format_args!(
                "pat-audit: {}: no SAML credential authorizations to revoke (no SAML single \
                 sign-on there)",
                orgs[org]
            )),
            Event::Done {
                org,
                endpoint,
                error: Some(e),
            } => {
                ui::error(explain::explain(&orgs[org], endpoint, &e));
                failed.insert(orgs[org].as_str());
            }
            Event::Done { .. } => {}
        }
        ControlFlow::Continue(())
    })
    .await
    .context("setting up the organizations' GitHub clients")?;
    if !contain {
        planned.retain(|p| !failed.contains(p.row.subject.org.as_str()));
    }
    // The report's order: organizations as given, then kind and id; so
    // which ids share a call does not depend on the order pages arrived in.
    // Offset pagination shows an item twice when the list changes between
    // two pages; it is acted on once.
    let position = |org: &str| orgs.iter().position(|o| o == org);
    let key = |p: &Planned| {
        let s = &p.row.subject;
        (position(&s.org), s.kind, s.id)
    };
    planned.sort_by_key(key);
    planned.dedup_by(|a, b| key(a) == key(b));
    if let Verb::Revoke(selection) = verb
        && failed.is_empty()
    {
        for id in &selection.grants {
            if !planned.iter().any(|p| p.row.subject.id == *id) {
                let kind = selection.kind.name();
                opts.common.ui.notice(format_args!(
                    "pat-audit: warning: {kind} {id} is not among the {kind}s of {} (already \
                     revoked?); nothing to do for it",
                    orgs.join(", ")
                ));
            }
        }
    }
    Ok((planned, failed.len()))
}
