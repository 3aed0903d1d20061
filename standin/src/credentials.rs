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
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{delete, get};

use crate::auth;
use crate::failure::Failure;
use crate::headers::{self, Pages};
use crate::listing;
use crate::model::Credential;
use crate::respond;
use crate::state::{OrgKey, OrgState, Shared};

const LIST_DOCS: &str = "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#list-saml-sso-authorizations-for-an-organization";
const REMOVE_DOCS: &str = "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#remove-a-saml-sso-authorization-for-an-organization";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/orgs/{org}/credential-authorizations", get(list))
        .route(
            "/organizations/{org}/credential-authorizations",
            get(list_by_id),
        )
        .route(
            "/orgs/{org}/credential-authorizations/{credential_id}",
            delete(remove),
        )
}

/// The organization's credentials, when it lists them: the configured
/// failure first (a missing permission is checked before anything else),
/// then 404 without SAML SSO.
fn credentials(org: &OrgState) -> Result<(u64, Vec<Credential>), Failure> {
    if let Some(failure) = &org.credentials.failing {
        return Err(failure.clone());
    }
    if !org.saml_sso {
        return Err(Failure::NotFound);
    }
    let removed = &org.credentials.removed;
    let listed = org
        .credentials
        .items
        .listed
        .iter()
        .filter(|c| !removed.contains(&c.credential_id))
        .cloned()
        .collect();
    Ok((org.id, listed))
}

async fn list(
    State(s): State<Arc<Shared>>,
    Path(org): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    page(&s, OrgKey::Login(&org), query.as_deref(), &headers)
}

async fn list_by_id(
    State(s): State<Arc<Shared>>,
    Path(org): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    page(&s, OrgKey::Id(&org), query.as_deref(), &headers)
}

/// A page of the listing, after the `login` filter, with GitHub's `Link`.
fn page(s: &Shared, key: OrgKey<'_>, raw: Option<&str>, headers: &HeaderMap) -> Response {
    let (caller, (org_id, listed)) = match auth::admit(s, key, headers, LIST_DOCS, credentials) {
        Ok(admitted) => admitted,
        Err(refused) => return *refused,
    };
    let Ok(query) = listing::parse(raw) else {
        return respond::answered_as(respond::failure(&Failure::NotFound, LIST_DOCS), caller);
    };
    let login = query
        .kept
        .iter()
        .find(|(k, _)| k == "login")
        .map(|(_, v)| v.clone());
    let kept: Vec<Credential> = listed
        .into_iter()
        .filter(|c| {
            login
                .as_deref()
                .is_none_or(|l| c.login.eq_ignore_ascii_case(l))
        })
        .collect();
    let max = s.settings.max_per_page;
    let window = query.window(kept.len(), max);
    let body = serde_json::Value::Array(kept[window].iter().map(Credential::to_json).collect())
        .to_string();
    let path = format!("/organizations/{org_id}/credential-authorizations");
    let pages = Pages {
        base: &s.settings.link_base,
        path: &path,
        kept: &query.kept,
        page: query.page,
        last: query.last_page(kept.len(), max),
        next_only: s.settings.next_links_only,
    };
    respond::answered_as(
        respond::with_link(respond::json(200, body), headers::link(&pages)),
        caller,
    )
}

/// Removes one authorization: 204, then it is no longer listed; 404 when it
/// is unknown or already removed; 422 for one of the organization's
/// `failing_ids`.
async fn remove(
    State(s): State<Arc<Shared>>,
    Path((org, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let admitted = auth::admit(&s, OrgKey::Login(&org), &headers, REMOVE_DOCS, |o| {
        let (_, listed) = credentials(o)?;
        let id: i64 = id.parse().map_err(|_| Failure::NotFound)?;
        if !listed.iter().any(|c| c.credential_id == id) {
            return Err(Failure::NotFound);
        }
        if o.failing_ids.contains(&id) {
            return Err(Failure::Unprocessable(format!(
                "Validation Failed: {id} could not be removed"
            )));
        }
        Ok(id)
    });
    let (caller, id) = match admitted {
        Ok(admitted) => admitted,
        Err(refused) => return *refused,
    };
    if let Some(state) = s.world().org_mut(OrgKey::Login(&org)) {
        Arc::make_mut(&mut state.credentials.removed).insert(id);
    }
    respond::answered_as(respond::empty(204), caller)
}
