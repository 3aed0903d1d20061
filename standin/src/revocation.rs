//! GitHub's credential revocation API: `POST /credentials/revoke`.
//!
//! What is relied on (the description's `credentials/revoke`): the body is
//! `{"credentials": [...]}`, at most 1,000 a call, of the kinds GitHub
//! revokes (`ghp_`, `github_pat_`, `gho_`, `ghu_`, `ghr_`); it answers 202
//! with `{}`, 422 for a body it refuses ("Validation failed, or the endpoint
//! has been spammed", with `errors` as strings), and 403 to any
//! authenticated request ("Any authenticated requests will return a 403").
//! The messages below are the stand-in's wording of those refusals. Every
//! credential accepted is kept for [`StandIn::revoked_credentials`](crate::StandIn::revoked_credentials);
//! GitHub's own limit of 60 calls an hour is not applied.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use serde_json::Value;

use crate::log::Caller;
use crate::respond::{self, ErrorBody};
use crate::state::Shared;

/// GitHub's limit of credentials a call.
const MAX_CREDENTIALS: usize = 1_000;

/// The prefixes the API revokes.
const REVOCABLE: [&str; 5] = ["ghp_", "github_pat_", "gho_", "ghu_", "ghr_"];

const DOCS: &str = "https://docs.github.com/rest/credentials/revoke#revoke-a-list-of-credentials";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/credentials/revoke", post(revoke))
}

async fn revoke(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    if headers.contains_key("authorization") {
        let message =
            "Authenticated requests are not allowed: revoke credentials without credentials";
        return respond::answered_as(respond::error(403, message, DOCS), Caller::Unchecked);
    }
    let answer = match credentials(&body) {
        Ok(credentials) => {
            s.world().revoked_credentials.extend(credentials);
            respond::json(202, &serde_json::json!({}))
        }
        Err(why) => {
            let body = ErrorBody {
                message: "Validation Failed",
                errors: &[&why],
                documentation_url: DOCS,
                status: None,
            };
            respond::json(422, &body)
        }
    };
    respond::answered_as(answer, Caller::Anyone)
}

/// The body's credentials, or why GitHub refuses them.
fn credentials(body: &[u8]) -> Result<Vec<String>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| "Problems parsing JSON".to_string())?;
    let Some(list) = value.get("credentials").and_then(Value::as_array) else {
        return Err("credentials is missing or not an array".into());
    };
    if list.is_empty() {
        return Err("credentials must contain at least 1 item".into());
    }
    if list.len() > MAX_CREDENTIALS {
        return Err(format!(
            "credentials must contain at most {MAX_CREDENTIALS} items, got {}",
            list.len()
        ));
    }
    let revocable = |c: &&str| REVOCABLE.iter().any(|p| c.starts_with(p));
    let credential = |(i, c): (usize, &Value)| {
        let c = c.as_str().filter(revocable).map(str::to_string);
        // The credential itself is never quoted back.
        c.ok_or_else(|| format!("credentials[{i}] is not a credential GitHub revokes"))
    };
    list.iter().enumerate().map(credential).collect()
}
