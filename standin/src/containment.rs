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

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use crate::auth::{self, Accepts};
use crate::credentials::credentials;
use crate::failure::Failure;
use crate::model::{Credential, Org};
use crate::respond::{self, Answer};
use crate::state::{OrgKey, Shared};

const DOCS: &str = "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#revoke-credential-authorizations-for-a-user";
const TYPE_DOCS: &str = "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#revoke-a-single-credential-type-for-an-organization";

/// The four calls, by user and by type, of an organization and of the enterprise.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    let calls = ["{username}/revoke", "revoke-credential-type"];
    let paths = ["/orgs/{org}", "/enterprises/{enterprise}"]
        .into_iter()
        .flat_map(|at| calls.map(|call| format!("{at}/credential-authorizations/{call}")));
    paths.fold(Router::new(), |router, path| {
        router.route(&path, post(revoke))
    })
}

/// GitHub's 422 message for a by-type body without a type it knows.
const NOT_A_TYPE: &str = "Validation Failed: credential_type is not one of classic_pat, \
                          fine_grained_pat, ssh_key, oauth_app_token";

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
        _ => return Err(Failure::Unprocessable(NOT_A_TYPE.into())),
    };
    Ok(Box::new(move |c| c.credential_type == listed))
}

/// Removes what `cut` selects among the organization's authorizations.
fn remove(org: &mut Org, cut: &Cut) -> Result<(), Failure> {
    let listed = credentials(org)?;
    org.credentials
        .remove(listed.iter().filter(|c| cut(c)).map(|c| c.credential_id));
    Ok(())
}

/// GitHub's 202: the work is queued (and, here, done).
fn queued() -> Response {
    respond::json(
        202,
        &json!({ "message": "Credential revocation has been queued" }),
    )
}

/// Any of the four calls: by the user the path names (else by the body's
/// credential type), in the organization the path names (else in the enterprise).
async fn revoke(
    State(s): State<Arc<Shared>>,
    Path(path): Path<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let (cut, docs) = match path.get("username") {
        Some(username) => (Ok(of_user(username)), DOCS),
        None => (of_type(&body), TYPE_DOCS),
    };
    let Some(org) = path.get("org") else {
        return enterprise_call(&s, &headers, cut, docs);
    };
    let key = OrgKey::Login(org.clone());
    let (caller, ()) = auth::admit(&s, &key, &headers, docs, |org| remove(org, &cut?))?;
    Ok(respond::answered_as(queued(), caller))
}

/// An enterprise call: the static token only (an installation is on no
/// organization without a login), then every SAML organization.
fn enterprise_call(
    s: &Shared,
    headers: &HeaderMap,
    cut: Result<Cut, Failure>,
    docs: &str,
) -> Answer {
    auth::answer(s, headers, Accepts::Org(""), docs, |world, _| {
        let done = cut.map(|cut| {
            for org in world.orgs.iter_mut().filter(|o| o.saml_sso) {
                // An organization whose listing is made to fail is left as it is.
                let _ = remove(org, &cut);
            }
        });
        Some(match done {
            Ok(()) => queued(),
            Err(failure) => respond::failure(&failure, docs),
        })
    })
}
