//! The audit-log and revocation calls of `trace`: one token's events in one
//! organization's audit log, every page, and the revocation of leaked tokens
//! without credentials.
//!
//! Events decode into the SDK's generated `AuditLogEvent`: `action`,
//! `actor`, `org`, `repo`, `created_at` and `actor_location` are fields of
//! it; GitHub's schema does not declare the token data (`hashed_token`,
//! `programmatic_access_type`, `token_scopes`) nor `user_agent`, `actor_ip`
//! and `country`, which the SDK keeps in the event's `extra` map.

use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use github_pat_grants::types::AuditLogEvent;
use github_pat_grants::{Client, Error, Operation as _, Paginated as _};

use super::explain::{failed, github_message};
use crate::findings::timestamp;

/// Every event of the token with `hashed_token` in `org`'s audit log since
/// `since`, newest first, page after page (100 a page), as they arrive: a
/// page is fetched when the last one's events have been taken, so memory
/// holds one page whatever the number of events. An item is an error when
/// GitHub refuses a page (the SDK has waited out rate limits first).
pub fn events<'a>(
    client: &'a Client,
    org: &str,
    hashed_token: &str,
    since: DateTime<Utc>,
) -> BoxStream<'a, Result<AuditLogEvent, Error>> {
    // The search for the token's events, as GitHub's docs write it
    // ("Identifying audit log events performed by an access token": the
    // hash in quotes; the SDK escapes it for the URL).
    let since = timestamp(since);
    let phrase = format!("hashed_token:\"{hashed_token}\" created:>={since}");
    let log = client.orgs().get_audit_log(org).phrase(phrase);
    log.per_page(100).stream()
}

/// A failed audit-log read in words: GitHub's message, and what it means.
pub fn explain(org: &str, error: &Error) -> String {
    // The App's organization permission the audit log needs, by its name in
    // GitHub's settings and its key in the API.
    let needs =
        "the organization permission \"Administration\" (organization_administration): read";
    let hint = match error.status() {
        Some(404) => format!(
            "the organization has no audit log API (only organizations on GitHub Enterprise \
             Cloud have one), does not exist, or the GitHub App is not installed on it (it \
             needs {needs}; a token needs an organization owner's read:audit_log)"
        ),
        Some(403) => format!(
            "the GitHub App lacks {needs}; grant it in the App's settings and accept it on the \
             organization (a token needs an organization owner's read:audit_log)"
        ),
        Some(401) => "GitHub did not accept the credentials".into(),
        _ => String::new(),
    };
    failed(&format!("{org}: reading the audit log"), error, &hint)
}

/// GitHub's one success for `POST /credentials/revoke`: spec/openapi.json
/// documents `202` ("Accepted") and, besides, only the errors `422` and
/// `500`. Any other answer, a `200` or `204` included, is not GitHub's word
/// that the tokens were revoked.
pub const REVOKED: u16 = 202;

/// Why an answer of another status than [`REVOKED`] is no revocation.
const NOT_SUCCESS: &str =
    "the answer is not 202 Accepted, GitHub's success for a revocation; the tokens may still work";

/// What became of one revocation call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Revocation {
    /// GitHub answered [`REVOKED`].
    Revoked,
    /// GitHub answered with a client error (`4xx`): the message says why.
    Refused(String),
    /// Anything else: no answer, a redirect (never followed with the
    /// tokens: the SDK follows no redirect that would resend a body), a
    /// server error, or a status GitHub does not document for success. The
    /// tokens may still work.
    Failed(String),
}

/// Revokes `credentials` with GitHub's credential revocation API, with no
/// credentials at all (GitHub answers 403 to an authenticated call) and
/// otherwise `client`'s settings. At most 1,000 a call. Only GitHub's
/// documented success ([`REVOKED`]) counts as revoked; whatever else
/// happens is [`Revocation::Refused`] or [`Revocation::Failed`], never
/// taken for a revocation.
pub async fn revoke(client: &Client, credentials: Vec<String>) -> Revocation {
    let answered = client
        .unauthenticated()
        .credentials()
        .revoke()
        .body_map(|b| b.credentials(credentials))
        .call_with_response()
        .await;
    match answered {
        Ok(response) if response.status().as_u16() == REVOKED => Revocation::Revoked,
        // The generated call takes only 202 for success today; a success of
        // another status is checked here as well, so that no change there
        // can turn an answer GitHub never gives into "revoked".
        Ok(response) => Revocation::Failed(format!(
            "{NOT_SUCCESS} (HTTP {})",
            response.status().as_u16()
        )),
        Err(e) => match e.status() {
            Some(400..=499) if matches!(e, Error::Api(_)) => {
                Revocation::Refused(github_message(&e))
            }
            // A redirect, or a success status other than 202.
            Some(100..=399) => Revocation::Failed(format!("{NOT_SUCCESS}: {}", github_message(&e))),
            _ => Revocation::Failed(github_message(&e)),
        },
    }
}
