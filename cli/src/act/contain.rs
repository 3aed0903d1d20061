//! `pat-audit contain`: everything of a person's that gives access to the
//! organizations, cut in one step: their grants revoked, their pending
//! requests denied, their SAML credential authorizations revoked (one call
//! per organization, or one for the enterprise); with `--site`, their
//! classic tokens and SSH keys on a GitHub Enterprise Server instance
//! deleted (not deploy keys, which are repositories'). The plan, the
//! confirmation, the bulk calls and the report are `revoke`'s.
//!
//! It never touches anyone else's: GitHub is asked for the users' items
//! where it filters (`owner[]`, `login`), and each item's owner is checked
//! again here, since a filter GitHub ignores must not widen the cut.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::bail;
use github_pat_grants::{Client, Error, Operation as _};
use strum::VariantArray as _;

use super::apply::{execute, failed_call};
use super::plan::{self, ActRow, Action, Options, Outcome, Planned, sort};
use super::report::{acting, confirm};
use crate::exit::{EXIT_ERROR, EXIT_OK};
use crate::fetch::connect::Connection;
use crate::fetch::explain::{self, Endpoint};
use crate::fetch::pages::Items;
use crate::fetch::pool;
use crate::row::Named as _;
use crate::row::{Item, Kind, SiteKey, Subject};
use crate::site;
use crate::ui;

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
    fn row(&self, org: &str, item: &impl Item) -> Option<Planned> {
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
        Some(Planned {
            row: ActRow {
                subject,
                action,
                result: Outcome::Planned,
                why: format!("--user {user}"),
                message,
            },
            reason,
        })
    }

    /// The rows of a page's items that are the users'.
    fn rows<'a>(&'a self, org: &'a str, page: &'a [impl Item]) -> impl Iterator<Item = Planned> {
        page.iter().filter_map(move |i| self.row(org, i))
    }
}

/// `pat-audit contain`: plans, confirms, cuts and reports; the exit status.
///
/// # Errors
/// When the report cannot be written, the confirmation cannot be read or
/// is refused; unreachable organizations and failed calls are reported and
/// give exit status 1.
pub async fn contain(
    connection: &Connection,
    opts: &Options,
    target: &Target,
    out: impl Write,
) -> anyhow::Result<u8> {
    let (mut rows, mut errors) = list(connection, opts, target).await?;
    if target.site {
        match site_rows(connection.client(), target).await {
            Ok(site) => rows.extend(site),
            Err(e) => {
                ui::error(format_args!("{e:#}"));
                errors += 1;
            }
        }
    }
    let status = |failed: usize| [EXIT_OK, EXIT_ERROR][usize::from(failed + errors > 0)];
    if !opts.apply || rows.is_empty() {
        opts.common.write(
            out,
            rows.iter().map(|p| &p.row),
            &summary(&rows, target, opts.apply),
        )?;
        return Ok(status(0));
    }
    if !opts.yes {
        let question = format!(
            "Cut {} of {} in {} on {}? Their tokens lose access at once.",
            rows.len(),
            target.users.join(", "),
            opts.common.orgs.join(", "),
            opts.common.base_url
        );
        if !confirm(acting(&rows), &question, opts.common.ui).await? {
            bail!("not confirmed; nothing was sent");
        }
        let destroy = "Also destroy their personal access tokens and SSH keys themselves \
                       (Enterprise Managed Users)? This cannot be undone.";
        if target.destroy_credentials && !ui::confirm(&[], destroy).await? {
            bail!("not confirmed; nothing was sent");
        }
    }
    let (mut credentials, mut others): (Vec<Planned>, Vec<Planned>) = rows
        .drain(..)
        .partition(|p| p.row.subject.kind == Kind::Credential);
    let mut failed = execute(
        |org| connection.client_for(org),
        &mut others,
        opts.common.concurrency,
        failed_call,
    )
    .await;
    failed += revoke_authorizations(
        connection,
        target,
        &mut credentials,
        opts.common.concurrency,
    )
    .await;
    others.append(&mut credentials);
    sort(opts, &mut others);
    opts.common.write(
        out,
        others.iter().map(|p| &p.row),
        &summary(&others, target, true),
    )?;
    Ok(status(failed))
}

/// Lists the users' grants, requests and credential authorizations in
/// every organization and plans each one of theirs. A failed listing is
/// named on stderr and counted; what was listed is still cut (every row is
/// the users'). An organization without SAML single sign-on has no
/// authorizations to revoke, which is not an error.
async fn list(
    connection: &Connection,
    opts: &Options,
    target: &Target,
) -> anyhow::Result<(Vec<Planned>, usize)> {
    let kinds = [Kind::Grant, Kind::Request, Kind::Credential];
    let plan_page = |org: &str, items, planned: &mut Vec<Planned>| match items {
        Items::Grants(page) => planned.extend(target.rows(org, &page)),
        Items::Requests(page) => planned.extend(target.rows(org, &page)),
        Items::Credentials(page) => planned.extend(target.rows(org, &page)),
        _ => {}
    };
    let mut errors = 0;
    let failed = |org: &str, endpoint, e: &Error| match endpoint {
        Endpoint::Credentials if e.status() == Some(404) => opts.common.ui.notice(format_args!(
            "pat-audit: {org}: no SAML credential authorizations to revoke (no SAML single \
             sign-on there)"
        )),
        _ => {
            ui::error(explain::explain(org, endpoint, e));
            errors += 1;
        }
    };
    let mut planned =
        plan::list(connection, opts, (&kinds, &target.users), plan_page, failed).await?;
    // Offset pagination shows an item twice when the list changes between pages.
    planned.dedup_by(|a, b| a.row.subject == b.row.subject);
    Ok((planned, errors))
}

/// The users' site tokens and user keys (never a deploy key, which is a
/// repository's). GitHub filters neither listing by user, so each item's
/// owner is checked here, and a key's `user_id` against the user's id too.
async fn site_rows(client: &Client, target: &Target) -> anyhow::Result<Vec<Planned>> {
    // The tokens first: their listing says when this is no site administrator.
    let tokens = site::tokens(client).await?;
    let mut ids = Vec::new();
    for user in &target.users {
        ids.push(site::user_id(client, user).await?);
    }
    let mut rows: Vec<Planned> = tokens.iter().filter_map(|t| target.row("", t)).collect();
    let keys = site::keys(client).await?;
    let users = |k: &&SiteKey| {
        k.key.repository_id.is_none() && k.key.user_id.is_some_and(|id| ids.contains(&id))
    };
    rows.extend(keys.iter().filter(users).filter_map(|k| target.row("", k)));
    rows.sort_by_key(|p| (p.row.subject.kind, p.row.subject.id));
    Ok(rows)
}

/// Revokes the credential rows' authorizations: one call per organization
/// and user, or with `--enterprise` one per user; each row gets its call's
/// outcome. Returns the number of failed rows.
async fn revoke_authorizations(
    connection: &Connection,
    target: &Target,
    rows: &mut [Planned],
    limit: usize,
) -> usize {
    let mut calls: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, p) in rows.iter().enumerate() {
        let org = match target.enterprise {
            Some(_) => String::new(),
            None => p.row.subject.org.clone(),
        };
        let user = p.row.subject.owner.to_ascii_lowercase();
        calls.entry((org, user)).or_default().push(i);
    }
    // One call per organization and user (or per user, for the enterprise),
    // up to `limit` at once, as `execute` sends the bulk calls.
    let (enterprise, destroy) = (target.enterprise.clone(), target.destroy_credentials);
    let mut sent = pool::map(limit, calls, |((org, user), members)| {
        let client = match &enterprise {
            Some(_) => Ok(connection.client().clone()),
            None => connection.client_for(&org),
        };
        let enterprise = enterprise.clone();
        async move {
            let sent = match (client, &enterprise) {
                (Ok(client), Some(slug)) => client
                    .enterprise_admin()
                    .revoke_credential_authorizations_for_user(slug.as_str(), user.as_str())
                    .body_map(|b| b.revoke_credentials(destroy))
                    .call()
                    .await
                    .map(drop),
                (Ok(client), None) => client
                    .orgs()
                    .revoke_credential_authorizations_for_user(org.as_str(), user.as_str())
                    .call()
                    .await
                    .map(drop),
                (Err(e), _) => Err(e),
            };
            let message = sent.as_ref().err().map(explain::github_message);
            ((org, user), members, message)
        }
    })
    .await;
    sent.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failed = 0;
    for ((org, user), members, message) in sent {
        if let Some(m) = &message {
            let place = target.enterprise.as_ref().unwrap_or(&org);
            ui::error(format_args!(
                "{place}: revoking {user}'s authorizations failed: {m}"
            ));
            failed += members.len();
        }
        for i in members {
            let row = &mut rows[i].row;
            row.result = [Outcome::Done, Outcome::Failed][usize::from(message.is_some())];
            row.message = message.clone().unwrap_or_else(|| row.message.clone());
        }
    }
    failed
}

/// The closing line: what is (or was) cut, by kind.
fn summary(rows: &[Planned], target: &Target, applied: bool) -> String {
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
            let (all, noun) = (count(k, None), k.name());
            let s = if all == 1 { "" } else { "s" };
            if applied {
                format!("{} of {all} {noun}{s}", count(k, Some(Outcome::Done)))
            } else {
                format!("{all} {noun}{s}")
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
