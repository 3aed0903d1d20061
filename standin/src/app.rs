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
use axum::routing::{get, post};
use chrono::TimeDelta;
use serde_json::{Value, json};

use crate::auth::{self, Accepts};
use crate::clock::rfc3339;
use crate::listing;
use crate::log::MintedToken;
use crate::model::{AccountKind, App, Installation, InstalledApp};
use crate::respond::{self, Answer};
use crate::state::{Minted, OrgKey, Shared, World};
use crate::wire::{self, Account};

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

/// `GET /orgs/{org}/installation`.
async fn org_installation(
    State(s): State<Arc<Shared>>,
    Path(org): Path<String>,
    headers: HeaderMap,
) -> Answer {
    auth::answer(&s, &headers, Accepts::App, APPS_DOCS, |world, _| {
        // Signed in as the App: the stand-in plays one.
        let app = world.app.clone()?;
        let installation = app.installation_on(&org)?;
        let json = installation_json(&s, world, &app, installation);
        Some(respond::json(200, &json))
    })
}

/// `GET /app/installations`, `per_page`/`page` with GitHub's `Link` header.
async fn list_installations(
    State(s): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Answer {
    auth::answer(&s, &headers, Accepts::App, APPS_DOCS, |world, _| {
        let (app, query) = (world.app.clone()?, listing::parse(raw.as_deref()).ok()?);
        let json = |i: &Installation| installation_json(&s, world, &app, i);
        let at = ("/app/installations", &query);
        Some(listing::paged_items(&s, at, &app.installations, json))
    })
}

/// `POST /app/installations/{installation_id}/access_tokens`: a token for
/// the installation, expiring an hour from now, scoped as the body asks.
async fn mint_token(
    State(s): State<Arc<Shared>>,
    Path(installation_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    auth::answer(&s, &headers, Accepts::App, APPS_DOCS, |world, now| {
        let app = world.app.clone()?;
        let installation = app.installation(installation_id.parse().ok()?)?;
        if installation.suspended {
            let message = "This installation has been suspended";
            return Some(respond::error(403, message, APPS_DOCS));
        }
        let expires_at = now + TimeDelta::hours(1);
        let n = world.tokens.len() as u64 + 1;
        // GitHub's installation tokens are `ghs_` and 36 characters; these
        // differ between runs (the seed is the stand-in's start) and mints.
        let seed = s.settings.seed;
        let (a, b) = (wire::mix(seed ^ n), wire::mix(!seed ^ n));
        let token = format!("ghs_{a:016x}{b:016x}{:04}", n % 10_000);
        world.tokens.push(Minted {
            token: MintedToken {
                token: token.clone(),
                installation: installation.id,
                expires_at,
            },
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
        Some(respond::json(201, &body))
    })
}

/// An installation of the App as GitHub's JSON (`installation`): read
/// access to tokens and requests, on every repository.
fn installation_json(s: &Shared, world: &World, app: &App, installation: &Installation) -> Value {
    let login = installation.account.as_str();
    let kind: &str = installation.kind.into();
    let mut account = Account::new(login, kind);
    if installation.kind == AccountKind::Organization {
        // The organization's own id when the stand-in serves it; a stable one otherwise.
        let org = world.org(&OrgKey::Login(login.to_string()));
        account = account.with_id(org.map_or(account.id, |o| o.id)).org_url();
    }
    let as_of = s.settings.as_of;
    let installed = InstalledApp::new(installation.id, "github-standin")
        .repository_selection("all")
        .permission("organization_personal_access_tokens", "read")
        .permission("organization_personal_access_token_requests", "read")
        .created_at(as_of - TimeDelta::days(400));
    let suspended_at = installation.suspended.then(|| as_of - TimeDelta::days(1));
    let base = &s.settings.base_url;
    installed.json(account, base, (app.app_id, &app.client_id), suspended_at)
}
