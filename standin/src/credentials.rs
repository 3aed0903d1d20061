//! SAML single sign-on credential authorizations (GitHub Enterprise Cloud):
//! `GET /orgs/{org}/credential-authorizations` and
//! `DELETE /orgs/{org}/credential-authorizations/{credential_id}`; and the
//! admission both this area and `installations` share.
//!
//! What is relied on. GitHub's description (`ghec.json`, operations
//! `orgs/list-saml-sso-authorizations` and `orgs/remove-saml-sso-authorization`):
//! the listing answers 200 with a plain JSON array, paged by `per_page`
//! (default 30, at most 100) and `page`, with an optional `login` filter;
//! the removal answers 204, and 404 for an authorization it does not know.
//! Both need the App's organization permission "Administration" (read to
//! list, write to remove); without it GitHub answers as for any missing
//! permission, 403 `Resource not accessible by integration`. The
//! description documents no answer for an organization without SAML SSO,
//! nor for GitHub.com or GitHub Enterprise Server, where the endpoint does
//! not exist: GitHub answers 404 `Not Found` there (its answer for a route
//! it does not serve), and the stand-in answers the same for an
//! organization without SAML SSO. A client cannot tell these apart from
//! the answer, and should not need to: either way there is nothing to audit.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{delete, get};

use crate::auth;
use crate::failure::Failure;
use crate::listing;
use crate::model::{Credential, Org};
use crate::respond::{self, Answer};
use crate::state::{OrgKey, OrgQuery, Shared, both_forms};

const LIST_DOCS: &str = "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#list-saml-sso-authorizations-for-an-organization";
const REMOVE_DOCS: &str = "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#remove-a-saml-sso-authorization-for-an-organization";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    let router = Router::new().route(
        "/orgs/{org}/credential-authorizations/{credential_id}",
        delete(remove),
    );
    both_forms(router, "/credential-authorizations", get(list))
}

/// The organization's credentials, when it lists them: the configured
/// failure first (a missing permission is checked before anything else),
/// then 404 without SAML SSO.
pub(crate) fn credentials(org: &Org) -> Result<Vec<Credential>, Failure> {
    if let Some(failure) = &org.credentials.failing {
        return Err(failure.clone());
    }
    if !org.saml_sso {
        return Err(Failure::NotFound);
    }
    let removed = &org.credentials.removed;
    let listed = org.credentials.listed.iter();
    Ok(listed
        .filter(|c| !removed.contains(&c.credential_id))
        .cloned()
        .collect())
}

/// A page of the listing, after the `login` filter, with GitHub's `Link`.
async fn list(State(s): State<Arc<Shared>>, asked: OrgQuery) -> Answer {
    let read = |org: &mut Org| Ok((org.id, credentials(org)?));
    listing::admitted(&s, &asked, LIST_DOCS, read, |(org_id, listed), query| {
        let login = query
            .asked("login")
            .filter(|_| !s.settings.ignore_owner_filters);
        let kept: Vec<Credential> = listed
            .into_iter()
            .filter(|c| login.is_none_or(|l| c.login.eq_ignore_ascii_case(l)))
            .collect();
        let path = format!("/organizations/{org_id}/credential-authorizations");
        listing::paged_items(&s, (&path, query), &kept, |c| c)
    })
}

/// Removes one authorization: 204, then it is no longer listed; 404 when it
/// is unknown or already removed; 422 for one of the organization's
/// `failing_ids`.
async fn remove(
    State(s): State<Arc<Shared>>,
    key: OrgKey,
    Path((_, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    let (caller, ()) = auth::admit(&s, &key, &headers, REMOVE_DOCS, |org| {
        let listed = credentials(org)?;
        let id: i64 = id.parse().map_err(|_| Failure::NotFound)?;
        if !listed.iter().any(|c| c.credential_id == id) {
            return Err(Failure::NotFound);
        }
        if org.failing_ids.contains(&id) {
            return Err(Failure::Unprocessable(format!(
                "Validation Failed: {id} could not be removed"
            )));
        }
        org.credentials.remove([id]);
        Ok(())
    })?;
    Ok(respond::answered_as(respond::empty(204), caller))
}
