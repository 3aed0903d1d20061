//! The Apps installed on an organization: `GET /orgs/{org}/installations`.
//!
//! What is relied on (the description's `orgs/list-app-installations`):
//! 200 with `{"total_count", "installations": [...]}`, paged by `per_page`
//! and `page` with `Link`; a GitHub App needs the organization permission
//! "Administration" (read), without which GitHub answers 403 `Resource not
//! accessible by integration`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

use crate::auth;
use crate::failure::Failure;
use crate::headers::{self, Pages};
use crate::listing;
use crate::respond;
use crate::state::{OrgKey, Shared};

const DOCS: &str =
    "https://docs.github.com/rest/orgs/orgs#list-app-installations-for-an-organization";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/orgs/{org}/installations", get(list))
        .route("/organizations/{org}/installations", get(list_by_id))
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

fn page(s: &Shared, key: OrgKey<'_>, raw: Option<&str>, headers: &HeaderMap) -> Response {
    let admitted = auth::admit(s, key, headers, DOCS, |org| match &org.installed_apps.1 {
        Some(failure) => Err(failure.clone()),
        None => Ok((org.login.clone(), org.id, org.installed_apps.0.clone())),
    });
    let (caller, (login, org_id, apps)) = match admitted {
        Ok(admitted) => admitted,
        Err(refused) => return *refused,
    };
    let Ok(query) = listing::parse(raw) else {
        return respond::answered_as(respond::failure(&Failure::NotFound, DOCS), caller);
    };
    let max = s.settings.max_per_page;
    let base = &s.settings.base_url;
    let installations: Vec<_> = apps[query.window(apps.len(), max)]
        .iter()
        .map(|app| app.to_json(&login, org_id, base))
        .collect();
    let body = json!({"total_count": apps.len(), "installations": installations}).to_string();
    let path = format!("/organizations/{org_id}/installations");
    let pages = Pages {
        base: &s.settings.link_base,
        path: &path,
        kept: &query.kept,
        page: query.page,
        last: query.last_page(apps.len(), max),
        next_only: s.settings.next_links_only,
    };
    respond::answered_as(
        respond::with_link(respond::json(200, body), headers::link(&pages)),
        caller,
    )
}
