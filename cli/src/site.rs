//! A GitHub Enterprise Server instance as its site administrator sees it:
//! every user's classic tokens (`GET /admin/tokens`) and every SSH key
//! (`GET /admin/keys`), their owners, and the audit of both
//! (`audit --kind site-token,site-key`). Their rows belong to no
//! organization: `org` is empty. A key's owner is the login of its
//! `user_id` (`GET /user/{account_id}`, once per user); a deploy key has no
//! user, and its owner is whoever added it (`added_by`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use anyhow::{Context as _, anyhow};
use github_pat_grants::types::{Authorization, UsersGetByIdResponse, UsersGetByUsernameResponse};
use github_pat_grants::{Client, Error, Operation as _, Paginated as _};

use crate::audit::Options;
use crate::exit::{EXIT_FINDINGS, EXIT_OK};
use crate::fetch::explain::github_message;
use crate::findings::Finding;
use crate::row::{Kind, SiteKey};

/// A failed site listing in words: what it takes, and GitHub's message.
fn refused(what: &str, error: &Error) -> anyhow::Error {
    let needs = match error.status() {
        Some(401 | 403) => {
            "only a site administrator's classic token (GITHUB_TOKEN) may list it, and this \
             credential is not one"
        }
        Some(404) => {
            "the API root has no site administration: it is GitHub Enterprise Server's (give \
             --base-url https://HOST/api/v3), not GitHub.com's or Enterprise Cloud's"
        }
        _ => "GitHub did not answer",
    };
    anyhow!(
        "listing the instance's {what} failed: {needs}: {}",
        github_message(error)
    )
}

/// Every classic token of the instance.
///
/// # Errors
/// Not a site administrator, not Enterprise Server, or a failed page.
pub async fn tokens(client: &Client) -> anyhow::Result<Vec<Authorization>> {
    let listing = client.enterprise_admin().list_personal_access_tokens();
    let tokens = listing.per_page(100).collect_all().await;
    tokens.map_err(|e| refused("classic tokens (GET /admin/tokens)", &e))
}

/// Every SSH key of the instance, with its owner's login.
///
/// # Errors
/// As [`tokens`], or a user GitHub cannot name.
pub async fn keys(client: &Client) -> anyhow::Result<Vec<SiteKey>> {
    let listing = client.enterprise_admin().list_public_keys().per_page(100);
    let keys =
        (listing.collect_all().await).map_err(|e| refused("SSH keys (GET /admin/keys)", &e))?;
    let ids: BTreeSet<i64> = keys.iter().filter_map(|k| k.user_id).collect();
    let mut logins = BTreeMap::new();
    for id in ids {
        let user = client.users().get_by_id(id).call().await;
        let login = match user.with_context(|| format!("naming user id {id}"))? {
            UsersGetByIdResponse::PrivateUser(u) => u.login,
            UsersGetByIdResponse::PublicUser(u) => u.login,
        };
        logins.insert(id, login);
    }
    Ok(keys
        .into_iter()
        .map(|key| {
            let owner = key.user_id.and_then(|id| logins.get(&id).cloned());
            let owner = owner.or_else(|| key.added_by.clone()).unwrap_or_default();
            SiteKey { key, owner }
        })
        .collect())
}

/// The id of user `login`, which a key names its owner by.
///
/// # Errors
/// A user GitHub does not know, or a failed call.
pub async fn user_id(client: &Client, login: &str) -> anyhow::Result<i64> {
    let user = client.users().get_by_username(login).call().await;
    match user.with_context(|| format!("looking up the user {login}"))? {
        UsersGetByUsernameResponse::PrivateUser(u) => Ok(u.id),
        UsersGetByUsernameResponse::PublicUser(u) => Ok(u.id),
    }
}

/// `audit --kind site-token,site-key`: the instance's tokens and keys,
/// assessed and reported as the organizations' kinds are; the exit status.
///
/// # Errors
/// Not a site administrator or not Enterprise Server (exit 1), or a
/// report that cannot be written.
pub async fn audit(client: &Client, opts: &Options, out: impl Write) -> anyhow::Result<u8> {
    let rules = opts.rules.rules(opts.now);
    let mut found: Vec<Finding> = Vec::new();
    let mut counts = Vec::new();
    if opts.covers(Kind::SiteToken) {
        let tokens = tokens(client).await?;
        counts.push(format!("{} site tokens", tokens.len()));
        found.extend(tokens.iter().flat_map(|t| rules.site_token(t)));
    }
    if opts.covers(Kind::SiteKey) {
        let keys = keys(client).await?;
        counts.push(format!("{} site keys", keys.len()));
        found.extend(keys.iter().flat_map(|k| rules.site_key(k)));
    }
    let owned =
        |f: &Finding| (opts.owners.iter()).any(|o| o.eq_ignore_ascii_case(&f.subject.owner));
    found.retain(|f| opts.reported(f.finding) && (opts.owners.is_empty() || owned(f)));
    let line = format!(
        "The instance at {} audited at {}: {}, {} findings",
        opts.common.base_url,
        crate::findings::timestamp(opts.now),
        counts.join(", "),
        found.len()
    );
    opts.common.write(out, &found, &line)?;
    let gate = found.iter().any(|f| opts.fail_on.contains(&f.finding));
    Ok([EXIT_OK, EXIT_FINDINGS][usize::from(gate)])
}
