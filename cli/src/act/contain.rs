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
//! again ([`Target::row`]), since a filter GitHub ignores must not widen
//! the cut.

use anyhow::bail;
use github_pat_grants::Client;

use super::apply::{ByUser, execute_batches, failed_call, grouped};
use super::plan::{Options, Planned, Target};
use crate::fetch::connect::Connection;
use crate::row::{Kind, SiteKey, Subject};
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
    // The credentials' authorizations are revoked by user: one call per
    // organization and user, or with `--enterprise` one per user.
    let by_user = |s: &Subject| {
        let place = target.enterprise.clone().unwrap_or_else(|| s.org.clone());
        let (login, enterprise) = (s.owner.to_ascii_lowercase(), target.enterprise.is_some());
        let user = ByUser {
            login,
            enterprise,
            destroy: target.destroy_credentials,
        };
        (s.kind == Kind::Credential).then_some((place, user))
    };
    let (saml, bulk) = grouped(rows, by_user)
        .into_iter()
        .partition(|b| b.by_user.is_some());
    let limit = opts.common.concurrency;
    let client_for = |org: &str| connection.client_for(org);
    let failed = execute_batches(client_for, rows, bulk, limit, failed_call).await;
    // With `--enterprise`, the calls are the enterprise owner's.
    let client_for = |org: &str| match target.enterprise {
        Some(_) => Ok(connection.client().clone()),
        None => connection.client_for(org),
    };
    Ok(failed + execute_batches(client_for, rows, saml, limit, failed_call).await)
}

/// The users' site tokens and user keys (never a deploy key, which is a
/// repository's). GitHub filters neither listing by user, so each item's
/// owner is checked here, and a key's `user_id` against the user's id too.
pub(super) async fn site_rows(client: &Client, target: &Target) -> anyhow::Result<Vec<Planned>> {
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
