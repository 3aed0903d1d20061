//! GitHub Enterprise Server's site administration: every user's classic
//! tokens and every SSH key on the instance, listed and deleted
//! (`GET /admin/tokens`, `DELETE /admin/tokens/{token_id}`,
//! `GET /admin/keys`, `DELETE /admin/keys/{key_ids}`).
//!
//! What is relied on (the `ghes-3.19` description, operations
//! `enterprise-admin/list-personal-access-tokens`, `-delete-personal-access-token`,
//! `-list-public-keys`, `-delete-public-key`): the listings are plain JSON
//! arrays paged by `per_page` and `page` with a `Link`; the keys' also take
//! `sort` (`created`, `updated`, `accessed`), `direction` (`desc` by
//! default) and `since` (keys used after that time). A deletion answers
//! 204; deleting the token the request is authenticated with is refused
//! with 403 ("Returns a `403 - Forbidden` status when a personal access
//! token is in use"). The operations are not enabled for GitHub Apps: only
//! a site administrator's token reaches them; any other credential GitHub
//! knows is refused with 403, in the stand-in's wording below. Without a
//! site administrator configured the stand-in plays GitHub.com, where
//! these paths do not exist (404).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{delete, get};
use chrono::{DateTime, Utc};

use crate::auth;
use crate::failure::Failure;
use crate::listing::{self, Query};
use crate::log::{Caller, bearer};
use crate::model::{SiteKey, hashed};
use crate::respond;
use crate::state::{Shared, Site};

const TOKENS_DOCS: &str = "https://docs.github.com/enterprise-server@3.19/rest/enterprise-admin/users#list-personal-access-tokens";
const KEYS_DOCS: &str =
    "https://docs.github.com/enterprise-server@3.19/rest/enterprise-admin/users#list-public-keys";

/// The stand-in's wording of GitHub's refusal to anyone but a site administrator.
const NOT_ADMIN: &str = "Must have admin rights: only a site administrator may use this endpoint";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/admin/tokens", get(list_tokens))
        .route("/admin/tokens/{token_id}", delete(delete_token))
        .route("/admin/keys", get(list_keys))
        .route("/admin/keys/{key_ids}", delete(delete_key))
}

/// `act`'s answer when the request bears the site administrator's token
/// (given to `act`); GitHub's refusal otherwise.
fn admitted(
    s: &Shared,
    headers: &HeaderMap,
    docs: &str,
    act: impl FnOnce(&mut Site, &str) -> Response,
) -> Response {
    let now = s.clock.now();
    let mut world = s.world();
    let Some(admin) = &world.site.admin else {
        return respond::failure(&Failure::NotFound, docs);
    };
    let Some(token) = bearer(headers) else {
        let refused = respond::error(401, "Requires authentication", docs);
        return respond::answered_as(refused, Caller::RefusedToken);
    };
    if admin.is(token) {
        return respond::answered_as(act(&mut world.site, token), Caller::SiteAdmin);
    }
    let caller = if world.token.as_ref().is_some_and(|t| t.is(token)) {
        Some(Caller::Token)
    } else if let Some(minted) = world.tokens.get_mut(token) {
        Some(Caller::Installation(minted.token.installation))
    } else {
        let app = world.app.as_ref();
        app.filter(|app| auth::check_jwt(app, token, now.timestamp()).is_ok())
            .map(|_| Caller::App)
    };
    match caller {
        Some(caller) => respond::answered_as(respond::error(403, NOT_ADMIN, docs), caller),
        None => respond::answered_as(
            respond::error(401, "Bad credentials", docs),
            Caller::RefusedToken,
        ),
    }
}

/// A page of `items` (all of a listing at `path`), written by `json`.
fn page<'a, T, J: serde::Serialize>(
    s: &Shared,
    path: &str,
    query: &Query,
    items: &'a [T],
    json: impl Fn(&'a T) -> J,
) -> Response {
    let window = query.window(items.len(), s.settings.max_per_page);
    let page: Vec<J> = items[window].iter().map(json).collect();
    listing::paged(s, path, query, items.len(), &page)
}

async fn list_tokens(
    State(s): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    admitted(&s, &headers, TOKENS_DOCS, |site, _| {
        let Ok(query) = listing::parse(raw.as_deref()) else {
            return respond::failure(&Failure::NotFound, TOKENS_DOCS);
        };
        let base = &s.settings.base_url;
        page(&s, "/admin/tokens", &query, &site.tokens, |t| t.json(base))
    })
}

async fn list_keys(
    State(s): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    admitted(&s, &headers, KEYS_DOCS, |site, _| {
        let Ok(query) = listing::parse(raw.as_deref()) else {
            return respond::failure(&Failure::NotFound, KEYS_DOCS);
        };
        let keys = ordered(&site.keys, &query);
        let base = &s.settings.base_url;
        page(&s, "/admin/keys", &query, &keys, |k| k.json(base))
    })
}

/// The keys `since` keeps, in the order `sort` and `direction` ask (a key
/// has no update time of its own: `updated` sorts as `created`; a key never
/// used sorts as the oldest by `accessed`).
fn ordered(keys: &[SiteKey], query: &Query) -> Vec<SiteKey> {
    let asked = |name: &str| {
        query
            .kept
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let since = asked("since").and_then(|v| DateTime::parse_from_rfc3339(v).ok());
    let since = since.map(|t| t.with_timezone(&Utc));
    let mut kept: Vec<SiteKey> = keys
        .iter()
        .filter(|k| since.is_none_or(|t| k.last_used.is_some_and(|used| used > t)))
        .cloned()
        .collect();
    let accessed = asked("sort") == Some("accessed");
    kept.sort_by_key(|k| {
        if accessed {
            k.last_used
        } else {
            Some(k.created_at)
        }
    });
    if asked("direction") != Some("asc") {
        kept.reverse();
    }
    kept
}

async fn delete_token(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    admitted(&s, &headers, TOKENS_DOCS, |site, in_use| {
        let Some(at) = site.tokens.iter().position(|t| t.id.to_string() == id) else {
            return respond::failure(&Failure::NotFound, TOKENS_DOCS);
        };
        if site.tokens[at].hashed_token == hashed(in_use) {
            let message = "This personal access token is in use: it cannot delete itself";
            return respond::error(403, message, TOKENS_DOCS);
        }
        site.tokens.remove(at);
        respond::empty(204)
    })
}

async fn delete_key(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    admitted(&s, &headers, KEYS_DOCS, |site, _| {
        let before = site.keys.len();
        site.keys.retain(|k| k.id.to_string() != id);
        if site.keys.len() == before {
            return respond::failure(&Failure::NotFound, KEYS_DOCS);
        }
        respond::empty(204)
    })
}
