//! Sending a plan: bulk calls of at most [`MAX_IDS_PER_CALL`] ids, one
//! after the other in each organization, organizations side by side, each
//! id's outcome recorded in its row. SAML credential
//! authorizations are removed one call each: GitHub's bulk forms revoke by
//! type or by user, not by id; `contain`, which cuts everything of its
//! users', revokes theirs by user, one call per user.

use github_pat_grants::types::{
    OrgsReviewPatGrantRequestsInBulkBodyAction as ReviewAction,
    OrgsReviewPatGrantRequestsInBulkBodyReason as ReviewReason,
    OrgsUpdatePatAccessesBodyAction as RevokeAction,
};
use github_pat_grants::{Client, Error, Operation as _};

use crate::fetch::explain::{self, Endpoint};
use crate::fetch::pool;
use crate::row::{Kind, Named as _, Subject};

use super::plan::{Action, Outcome, Planned};

/// GitHub's limit of ids in one bulk call (`maxItems: 100` for `pat_ids`
/// and `pat_request_ids`).
pub const MAX_IDS_PER_CALL: usize = 100;

/// One bulk call: same organization, same action, same reason; or the
/// removal of one credential authorization, or of all of one user's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// The organization (for a call by user with `--enterprise`, the
    /// enterprise's slug).
    pub org: String,
    /// What the ids are: grants, requests or credentials.
    pub kind: Kind,
    /// `revoke`, `approve` or `deny`.
    pub action: Action,
    /// The review's reason, for all of the batch.
    pub reason: Option<String>,
    /// At most [`MAX_IDS_PER_CALL`] ids.
    pub ids: Vec<i64>,
    /// `contain`'s call that revokes all of one user's SAML credential
    /// authorizations at once (however many `ids`).
    pub by_user: Option<ByUser>,
    /// The positions of those ids' rows in the plan.
    rows: Vec<usize>,
}

/// Whose SAML credential authorizations one call of `contain` revokes,
/// and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByUser {
    /// The user's login, in lower case.
    pub login: String,
    /// One call for the enterprise whose slug is the batch's `org`,
    /// instead of one in that organization.
    pub enterprise: bool,
    /// With `enterprise`: destroy the credentials themselves too.
    pub destroy: bool,
}

/// Splits the actionable rows of a plan into bulk calls: grouped by
/// organization, action and reason in the order they first appear, each
/// group cut into calls of at most [`MAX_IDS_PER_CALL`] ids in plan order.
pub fn batches(plan: &[Planned]) -> Vec<Batch> {
    grouped(plan, |_| None)
}

/// [`batches`], where `by_user` picks the rows that go in `contain`'s
/// calls by user, and where each is sent (an organization, or the
/// enterprise).
pub(super) fn grouped(
    plan: &[Planned],
    by_user: impl Fn(&Subject) -> Option<(String, ByUser)>,
) -> Vec<Batch> {
    let mut calls: Vec<Batch> = Vec::new();
    let acting = plan
        .iter()
        .enumerate()
        .filter(|(_, p)| p.row.action != Action::Leave);
    for (i, p) in acting {
        let (s, action, reason) = (&p.row.subject, p.row.action, p.reason.as_deref());
        let (org, by_user) = match by_user(s) {
            Some((place, user)) => (place, Some(user)),
            None => (s.org.clone(), None),
        };
        // A credential or a site item is removed by a call of its own; a
        // call by user takes all of the user's.
        let size = match (s.kind, &by_user) {
            (_, Some(_)) => usize::MAX,
            (Kind::Grant | Kind::Request, None) => MAX_IDS_PER_CALL,
            _ => 1,
        };
        let key = (&org, s.kind, action, reason, &by_user);
        let group = |b: &Batch| (&b.org, b.kind, b.action, b.reason.as_deref(), &b.by_user) == key;
        // The group's last call takes the id while it has room; else a new
        // call follows it, so that a group's calls stay together.
        match calls.iter().rposition(group) {
            Some(last) if calls[last].ids.len() < size => {
                calls[last].ids.push(s.id);
                calls[last].rows.push(i);
            }
            last => calls.insert(
                last.map_or(calls.len(), |at| at + 1),
                Batch {
                    org,
                    kind: s.kind,
                    action,
                    reason: p.reason.clone(),
                    ids: vec![s.id],
                    by_user,
                    rows: vec![i],
                },
            ),
        }
    }
    calls
}

/// Sends one bulk call.
async fn send(client: &Client, batch: &Batch) -> Result<(), Error> {
    let (org, ids) = (batch.org.as_str(), batch.ids.clone());
    match (batch.action, &batch.by_user) {
        (_, Some(user)) if user.enterprise => {
            client
                .enterprise_admin()
                .revoke_credential_authorizations_for_user(org, user.login.as_str())
                .body_map(|b| b.revoke_credentials(user.destroy))
                .call()
                .await?;
        }
        (_, Some(user)) => {
            client
                .orgs()
                .revoke_credential_authorizations_for_user(org, user.login.as_str())
                .call()
                .await?;
        }
        // A site token or key has no bulk delete: one call each.
        (Action::Revoke, None) if batch.kind.is_site() => {
            let admin = client.enterprise_admin();
            for id in ids {
                match batch.kind {
                    Kind::SiteToken => admin.delete_personal_access_token(id).call().await?,
                    _ => admin.delete_public_key(id.to_string()).call().await?,
                }
            }
        }
        (Action::Revoke, None) if batch.kind == Kind::Credential => {
            for id in ids {
                client
                    .orgs()
                    .remove_saml_sso_authorization(org, id)
                    .call()
                    .await?;
            }
        }
        (Action::Revoke, None) => {
            client
                .orgs()
                .update_pat_accesses(org)
                .body_map(|b| b.action(RevokeAction::Revoke).pat_ids(ids))
                .call()
                .await?;
        }
        (Action::Approve | Action::Deny, None) => {
            let action = if batch.action == Action::Approve {
                ReviewAction::Approve
            } else {
                ReviewAction::Deny
            };
            let reason = batch
                .reason
                .as_deref()
                .map(str::parse::<ReviewReason>)
                .transpose()
                .map_err(|e| Error::InvalidRequest(format!("the review's reason: {e}")))?;
            client
                .orgs()
                .review_pat_grant_requests_in_bulk(org)
                .body_map(|b| b.action(action).pat_request_ids(ids).reason(reason))
                .call()
                .await?;
        }
        (Action::Leave, None) => {}
    }
    Ok(())
}

/// Says on stderr that a call failed, and why.
pub fn failed_call(batch: &Batch, message: &str) {
    let (org, action, n) = (&batch.org, batch.action.name(), batch.ids.len());
    match &batch.by_user {
        Some(user) => crate::ui::error(format_args!(
            "{org}: revoking {}'s authorizations failed: {message}",
            user.login
        )),
        None => crate::ui::error(format_args!("{org}: {action} {n} ids failed: {message}")),
    }
}

/// GitHub's message for a failed call (for its rows), and what the caller
/// is told: the message, with what it means for the App's permissions when
/// GitHub's status says.
fn failure(batch: &Batch, error: &Error) -> (String, String) {
    let message = explain::github_message(error);
    // A site administrator's token is not an App's, and the calls by user
    // need an organization or enterprise owner: GitHub's message says it.
    if batch.kind.is_site()
        || batch.by_user.is_some()
        || !matches!(error, Error::Api(e) if e.status == 403)
    {
        return (message.clone(), message);
    }
    let endpoint = match (batch.kind, batch.action) {
        (Kind::Credential, _) => Endpoint::Credentials,
        (_, Action::Revoke) => Endpoint::Grants,
        _ => Endpoint::Requests,
    };
    let (name, key) = endpoint.permission();
    let told = format!(
        "{message}. Hint: the GitHub App needs the organization permission \"{name}\" ({key}): \
         read and write"
    );
    (message, told)
}

/// Sends every batch of a plan and records each id's outcome in the plan's
/// rows: an organization's calls one after another, and up to `limit`
/// organizations at once in the one worker pool ([`pool`]), as the listings
/// are read. (GitHub asks integrators not to send concurrent writes for one
/// actor; with an App, each organization's calls carry the token of its own
/// installation, and the SDK waits out any secondary rate limit.)
/// `client_for` gives the client for an organization (as an App, its
/// installation there); `on_failure` hears each failed call. Returns the
/// number of failed ids.
pub async fn execute(
    client_for: impl Fn(&str) -> Result<Client, Error>,
    plan: &mut [Planned],
    limit: usize,
    on_failure: impl FnMut(&Batch, &str),
) -> usize {
    let batches = batches(plan);
    execute_batches(client_for, plan, batches, limit, on_failure).await
}

/// [`execute`] for some of a plan's batches.
pub(super) async fn execute_batches(
    client_for: impl Fn(&str) -> Result<Client, Error>,
    plan: &mut [Planned],
    batches: Vec<Batch>,
    limit: usize,
    mut on_failure: impl FnMut(&Batch, &str),
) -> usize {
    let mut orgs: Vec<Vec<Batch>> = Vec::new();
    for batch in batches {
        match orgs.iter_mut().find(|o| o[0].org == batch.org) {
            Some(org) => org.push(batch),
            None => orgs.push(vec![batch]),
        }
    }
    let sent = pool::map(limit, orgs, |batches| {
        let client = client_for(&batches[0].org);
        async move {
            let mut sent = Vec::with_capacity(batches.len());
            for batch in batches {
                let why = match &client {
                    Ok(client) => send(client, &batch)
                        .await
                        .err()
                        .map(|e| failure(&batch, &e)),
                    Err(e) => Some(failure(&batch, e)),
                };
                sent.push((batch, why));
            }
            sent
        }
    })
    .await;
    let mut failed = 0;
    for (batch, why) in sent.into_iter().flatten() {
        if let Some((_, told)) = &why {
            on_failure(&batch, told);
        }
        failed += record(plan, &batch.rows, why.map(|(message, _)| message));
    }
    failed
}

/// Records a call's outcome in the rows it carried: done, or failed with
/// GitHub's `message`; how many of them failed.
pub(super) fn record(plan: &mut [Planned], rows: &[usize], message: Option<String>) -> usize {
    for &i in rows {
        let row = &mut plan[i].row;
        row.result = [Outcome::Done, Outcome::Failed][usize::from(message.is_some())];
        if let Some(message) = &message {
            row.message.clone_from(message);
        }
    }
    if message.is_some() { rows.len() } else { 0 }
}
