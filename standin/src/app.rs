//! The GitHub App side: the three endpoints an App uses to reach an
//! organization, authenticated with its JWT.
//!
//! - `GET /orgs/{org}/installation` finds the App's installation on an organization;
//! - `GET /app/installations` lists them, in pages with `Link`;
//! - `POST /app/installations/{installation_id}/access_tokens` mints an
//!   installation token that expires an hour later (by the stand-in's
//!   clock), refused for a suspended installation.
//!
//! What is relied on ("Create an installation access token for an App"):
//! the token starts `ghs_`, the answer is 201 with `token`, `expires_at`,
//! `permissions` and `repository_selection`; a suspended installation is
//! 403 `This installation has been suspended`; an unknown one 404.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::TimeDelta;
use serde_json::{Value, json};

use crate::auth;
use crate::clock::rfc3339;
use crate::failure::Failure;
use crate::headers::{self, Pages};
use crate::json;
use crate::listing;
use crate::log::Caller;
use crate::model::{AccountKind, App, Installation};
use crate::respond;
use crate::state::{Minted, Shared, World};

/// GitHub's documentation for the App endpoints, as its error bodies cite it.
const APPS_DOCS: &str = "https://docs.github.com/rest/apps/apps";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/orgs/{org}/installation", get(org_installation))
        .route("/app/installations", get(list_installations))
        .route(
            "/app/installations/{installation_id}/access_tokens",
            post(mint_token),
        )
}

/// The App, when the request's JWT passes; else GitHub's refusal (or 404
/// when the stand-in plays no App).
fn authenticated<'w>(
    s: &Shared,
    world: &'w World,
    headers: &HeaderMap,
) -> Result<&'w App, Box<Response>> {
    match auth::app(world, headers, s.clock.now()) {
        None => Err(Box::new(respond::failure(&Failure::NotFound, APPS_DOCS))),
        Some(Err(refusal)) => Err(Box::new(refusal.response(APPS_DOCS))),
        Some(Ok(app)) => Ok(app),
    }
}

fn as_app(response: Response) -> Response {
    respond::answered_as(response, Caller::App)
}

/// `GET /orgs/{org}/installation`.
async fn org_installation(
    State(s): State<Arc<Shared>>,
    Path(org): Path<String>,
    headers: HeaderMap,
) -> Response {
    let world = s.world();
    let app = match authenticated(&s, &world, &headers) {
        Ok(app) => app,
        Err(refused) => return *refused,
    };
    as_app(match app.installation_on(&org) {
        Some(installation) => {
            let body = installation_json(&s, &world, app, installation);
            respond::json(200, body.to_string())
        }
        None => respond::failure(&Failure::NotFound, APPS_DOCS),
    })
}

/// `GET /app/installations`, `per_page`/`page` with GitHub's `Link` header.
async fn list_installations(
    State(s): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let world = s.world();
    let app = match authenticated(&s, &world, &headers) {
        Ok(app) => app,
        Err(refused) => return *refused,
    };
    let Ok(query) = listing::parse(raw.as_deref()) else {
        return as_app(respond::failure(&Failure::NotFound, APPS_DOCS));
    };
    let total = app.installations.len();
    let items: Vec<Value> = app.installations[query.window(total, s.settings.max_per_page)]
        .iter()
        .map(|i| installation_json(&s, &world, app, i))
        .collect();
    let pages = Pages {
        base: &s.settings.link_base,
        path: "/app/installations",
        kept: &query.kept,
        page: query.page,
        last: query.last_page(total, s.settings.max_per_page),
        next_only: s.settings.next_links_only,
    };
    let response = respond::with_link(
        respond::json(200, Value::Array(items).to_string()),
        headers::link(&pages),
    );
    as_app(response)
}

/// `POST /app/installations/{installation_id}/access_tokens`: a token for
/// the installation, expiring an hour from now, scoped as the body asks.
async fn mint_token(
    State(s): State<Arc<Shared>>,
    Path(installation_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = s.clock.now();
    let mut world = s.world();
    let installation = match authenticated(&s, &world, &headers) {
        Ok(app) => installation_id
            .parse()
            .ok()
            .and_then(|id| app.installation(id))
            .cloned(),
        Err(refused) => return *refused,
    };
    let Some(installation) = installation else {
        return as_app(respond::failure(&Failure::NotFound, APPS_DOCS));
    };
    if installation.suspended {
        return as_app(respond::error(
            403,
            "This installation has been suspended",
            APPS_DOCS,
        ));
    }
    let expires_at = now + TimeDelta::hours(1);
    let n = world.tokens.minted.len() as u64 + 1;
    // GitHub's installation tokens are `ghs_` and 36 characters; these
    // differ between runs (the seed is the stand-in's start) and mints.
    let seed = s.settings.seed;
    let token = format!(
        "ghs_{:016x}{:016x}{:04}",
        json::mix(seed ^ n),
        json::mix(!seed ^ n),
        n % 10_000
    );
    world.tokens.push(Minted {
        token: token.clone(),
        installation: installation.id,
        expires_at,
        uses: 0,
        revoked: false,
    });
    let asked: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let permissions = match &asked["permissions"] {
        Value::Object(p) if !p.is_empty() => Value::Object(p.clone()),
        _ => json!({
            "organization_personal_access_tokens": "read",
            "organization_personal_access_token_requests": "read",
        }),
    };
    let scoped = asked["repositories"].is_array() || asked["repository_ids"].is_array();
    let body = json!({
        "token": token,
        "expires_at": rfc3339(expires_at),
        "permissions": permissions,
        "repository_selection": if scoped { "selected" } else { "all" },
    });
    as_app(respond::json(201, body.to_string()))
}

/// An installation as GitHub's JSON (`installation`).
fn installation_json(s: &Shared, world: &World, app: &App, installation: &Installation) -> Value {
    let login = installation.account.as_str();
    // The organization's own id when the stand-in serves it; a stable one otherwise.
    let account_id = world
        .orgs
        .iter()
        .find(|o| o.login.eq_ignore_ascii_case(login))
        .map_or_else(|| json::stable_id(login), |o| o.id);
    let kind = installation.kind.target_type();
    let mut account = json::to_value(|out| json::account(out, login, kind));
    if installation.kind == AccountKind::Organization {
        account["id"] = json!(account_id);
        account["url"] = json!(format!("https://api.github.com/orgs/{login}"));
    }
    let base = &s.settings.base_url;
    let installed = rfc3339(s.settings.as_of - TimeDelta::days(400));
    let id = installation.id;
    json!({
        "id": id,
        "account": account,
        "repository_selection": "all",
        "access_tokens_url": format!("{base}/app/installations/{id}/access_tokens"),
        "repositories_url": format!("{base}/installation/repositories"),
        "html_url": format!("https://github.com/organizations/{login}/settings/installations/{id}"),
        "app_id": app.app_id,
        "client_id": app.client_id,
        "app_slug": "github-standin",
        "target_id": account_id,
        "target_type": kind,
        "permissions": {
            "organization_personal_access_tokens": "read",
            "organization_personal_access_token_requests": "read",
            "metadata": "read",
        },
        "events": [],
        "created_at": installed,
        "updated_at": installed,
        "single_file_name": null,
        "has_multiple_single_files": false,
        "single_file_paths": [],
        "suspended_at": installation.suspended.then(|| rfc3339(s.settings.as_of - TimeDelta::days(1))),
        "suspended_by": null,
    })
}
