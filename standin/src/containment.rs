//! Cutting SAML credential authorizations wholesale (GitHub Enterprise
//! Cloud): by user, `POST /orgs/{org}/credential-authorizations/{username}/revoke`
//! and `POST /enterprises/{enterprise}/credential-authorizations/{username}/revoke`;
//! by type, `POST /orgs/{org}/credential-authorizations/revoke-credential-type`
//! and `POST /enterprises/{enterprise}/credential-authorizations/revoke-credential-type`.
//!
//! What is relied on (`ghec.json`, operations
//! `orgs/revoke-credential-authorizations-for-user`,
//! `enterprise-admin/revoke-credential-authorizations-for-user`,
//! `orgs/revoke-credential-type`, `enterprise-admin/revoke-credential-type-for-enterprise`):
//! each answers 202 with `{"message": ...}` and does the work in the
//! background; the by-type bodies name `credential_type`, one of
//! `classic_pat`, `fine_grained_pat`, `ssh_key`, `oauth_app_token`; the
//! enterprise bodies may set `revoke_credentials` (EMU only). The stand-in
//! does the work at once: the authorizations are no longer listed. It plays
//! one enterprise, whatever its slug, made of every organization with SAML
//! single sign-on; the enterprise endpoints take the static token (an
//! enterprise owner's), not an installation's. An organization without
//! SAML SSO answers 404, as its listing does.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use crate::auth;
use crate::credentials::credentials;
use crate::failure::Failure;
use crate::model::{Credential, Org};
use crate::respond;
use crate::state::{OrgKey, Shared};

const DOCS: &str = "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#revoke-credential-authorizations-for-a-user";
const TYPE_DOCS: &str = "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#revoke-a-single-credential-type-for-an-organization";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    let type_path = "/credential-authorizations/revoke-credential-type";
    Router::new()
        .route(
            "/orgs/{org}/credential-authorizations/{username}/revoke",
            post(org_user),
        )
        .route(&format!("/orgs/{{org}}{type_path}"), post(org_type))
        .route(
            "/enterprises/{enterprise}/credential-authorizations/{username}/revoke",
            post(enterprise_user),
        )
        .route(
            &format!("/enterprises/{{enterprise}}{type_path}"),
            post(enterprise_type),
        )
}

/// Which credentials a call cuts.
type Cut = Box<dyn Fn(&Credential) -> bool + Send>;

fn of_user(username: &str) -> Cut {
    let username = username.to_string();
    Box::new(move |c| c.login.eq_ignore_ascii_case(&username))
}

/// The by-type body's credential type, as the listing names it; GitHub's
/// 422 for a body it refuses. A fine-grained token has no SAML
/// authorization in the stand-in, so that type cuts nothing.
fn of_type(body: &[u8]) -> Result<Cut, Failure> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| Failure::Unprocessable("Problems parsing JSON".into()))?;
    let listed = match value.get("credential_type").and_then(Value::as_str) {
        Some("classic_pat") => "personal access token",
        Some("ssh_key") => "SSH key",
        Some("oauth_app_token") => "OAuth app token",
        Some("fine_grained_pat") => "",
        _ => {
            return Err(Failure::Unprocessable(
                "Validation Failed: credential_type is not one of classic_pat, \
                 fine_grained_pat, ssh_key, oauth_app_token"
                    .into(),
            ));
        }
    };
    Ok(Box::new(move |c| c.credential_type == listed))
}

/// Removes what `cut` selects among the organization's authorizations.
fn remove(org: &mut Org, cut: &Cut) -> Result<(), Failure> {
    let ids: Vec<i64> = credentials(org)?
        .iter()
        .filter(|c| cut(c))
        .map(|c| c.credential_id)
        .collect();
    org.credentials.remove(ids);
    Ok(())
}

fn accepted(message: &str) -> Response {
    respond::json(202, &json!({ "message": message }))
}

fn org_call(
    s: &Shared,
    key: &OrgKey,
    headers: &HeaderMap,
    cut: Result<Cut, Failure>,
    docs: &str,
) -> Response {
    let admitted = auth::admit(s, key, headers, docs, |org| remove(org, &cut?));
    match admitted {
        Ok((caller, ())) => {
            respond::answered_as(accepted("Credential revocation has been queued"), caller)
        }
        Err(refused) => *refused,
    }
}

async fn org_user(
    State(s): State<Arc<Shared>>,
    key: OrgKey,
    Path((_, username)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    org_call(&s, &key, &headers, Ok(of_user(&username)), DOCS)
}

async fn org_type(
    State(s): State<Arc<Shared>>,
    key: OrgKey,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    org_call(&s, &key, &headers, of_type(&body), TYPE_DOCS)
}

/// An enterprise call: the static token only, then every SAML organization.
fn enterprise_call(
    s: &Shared,
    headers: &HeaderMap,
    cut: Result<Cut, Failure>,
    docs: &str,
) -> Response {
    let now = s.clock.now();
    let mut world = s.world();
    let caller = match auth::for_org(&mut world, headers, now, "") {
        Ok(caller) => caller,
        Err(refusal) => return refusal.response(docs),
    };
    let done = cut.map(|cut| {
        for org in world.orgs.iter_mut().filter(|o| o.saml_sso) {
            // An organization whose listing is made to fail is left as it is.
            let _ = remove(org, &cut);
        }
    });
    let answer = match done {
        Ok(()) => accepted("Credential revocation has been queued"),
        Err(failure) => respond::failure(&failure, docs),
    };
    respond::answered_as(answer, caller)
}

async fn enterprise_user(
    State(s): State<Arc<Shared>>,
    Path((_, username)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    enterprise_call(&s, &headers, Ok(of_user(&username)), DOCS)
}

async fn enterprise_type(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    enterprise_call(&s, &headers, of_type(&body), TYPE_DOCS)
}
