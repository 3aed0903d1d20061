//! The Apps installed on an organization: `GET /orgs/{org}/installations`.
//!
//! What is relied on (the description's `orgs/list-app-installations`):
//! 200 with `{"total_count", "installations": [...]}`, paged by `per_page`
//! and `page` with `Link`; a GitHub App needs the organization permission
//! "Administration" (read), without which GitHub answers 403 `Resource not
//! accessible by integration`.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::json;

use crate::listing;
use crate::model::Org;
use crate::respond::Answer;
use crate::state::{OrgQuery, Shared, both_forms};

const DOCS: &str =
    "https://docs.github.com/rest/orgs/orgs#list-app-installations-for-an-organization";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    both_forms(Router::new(), "/installations", get(list))
}

async fn list(State(s): State<Arc<Shared>>, asked: OrgQuery) -> Answer {
    let read = |org: &mut Org| match &org.installed_apps.failing {
        Some(failure) => Err(failure.clone()),
        None => Ok((org.login.clone(), org.id, org.installed_apps.listed.clone())),
    };
    listing::admitted(&s, &asked, DOCS, read, |(login, org_id, apps), query| {
        let base = &s.settings.base_url;
        let installations: Vec<_> = apps[query.window(apps.len(), s.settings.max_per_page)]
            .iter()
            .map(|app| app.to_json(&login, org_id, base))
            .collect();
        let body = json!({"total_count": apps.len(), "installations": installations});
        let path = format!("/organizations/{org_id}/installations");
        listing::paged(&s, &path, query, apps.len(), &body)
    })
}
