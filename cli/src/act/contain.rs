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

use anyhow::bail;
use github_pat_grants::{Client, Operation as _};

use super::apply::{batches, execute_batches, failed_call, record};
use super::plan::{self, Options, Planned, Target, Verb};
use crate::fetch::connect::Connection;
use crate::fetch::explain;
use crate::fetch::pool;
use crate::row::{Kind, SiteKey};
use crate::site;
use crate::ui;

/// Sends the cut: the bulk calls of the grants, requests and site items,
/// then the SAML authorizations' calls (after one more question with
/// `--destroy-credentials`); the number of rows that failed.
///
/// # Errors
/// The destruction of the credentials is not confirmed.
pub(super) async fn cut(
    connection: &Connection,
    opts: &Options,
    target: &Target,
    rows: &mut [Planned],
) -> anyhow::Result<usize> {
    let destroy = "Also destroy their personal access tokens and SSH keys themselves \
                   (Enterprise Managed Users)? This cannot be undone.";
    if !opts.yes && target.destroy_credentials && !ui::confirm(&[], destroy).await? {
        bail!("not confirmed; nothing was sent");
    }
    let bulk = batches(rows)
        .into_iter()
        .filter(|b| b.kind != Kind::Credential);
    let (client_for, limit) = (
        |org: &str| connection.client_for(org),
        opts.common.concurrency,
    );
    let failed = execute_batches(client_for, rows, bulk.collect(), limit, failed_call).await;
    Ok(failed + revoke_authorizations(connection, target, rows, limit).await)
}

/// Lists and plans the users' grants, requests and credential
/// authorizations in every organization ([`plan::list`]) and, with
/// `--site`, their site tokens and user keys; a failed listing is named on
/// stderr and counted.
pub(super) async fn list(
    connection: &Connection,
    opts: &Options,
    target: &Target,
) -> anyhow::Result<(Vec<Planned>, usize)> {
    let (mut rows, mut failed) = plan::list(connection, opts, Verb::Contain(target)).await?;
    if target.site {
        match site_rows(connection.client(), target).await {
            Ok(site) => rows.extend(site),
            Err(e) => {
                ui::error(format_args!("{e:#}"));
                failed += 1;
            }
        }
    }
    Ok((rows, failed))
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
        if p.row.subject.kind == Kind::Credential {
            let org = match target.enterprise {
                Some(_) => String::new(),
                None => p.row.subject.org.clone(),
            };
            let user = p.row.subject.owner.to_ascii_lowercase();
            calls.entry((org, user)).or_default().push(i);
        }
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
        }
        failed += record(rows, &members, message);
    }
    failed
}
