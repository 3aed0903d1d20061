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
//!
//! The instance's users (`users/get-by-username`, `GET /users/{username}`;
//! `users/get-by-id`, `GET /user/{account_id}`) are the owners of its
//! tokens and keys and those who added them, as `public-user`s, to any
//! caller; others are not found (404).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{delete, get};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::auth::{self, Accepts};
use crate::clock::rfc3339;
use crate::failure::Failure;
use crate::listing::{self, Query};
use crate::log::bearer;
use crate::model::SiteKey;
use crate::respond::{self, Answer};
use crate::state::{Shared, Site};
use crate::wire::{self, Account};

const DOCS: &str = "https://docs.github.com/enterprise-server@3.19/rest/enterprise-admin/users";

/// `tokens` or `keys`.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/admin/{kind}", get(list))
        .route("/admin/{kind}/{id}", delete(remove))
        .route("/users/{username}", get(user))
        .route("/user/{account_id}", get(user))
}

/// A user of the instance, by login (`/users/`) or by id (`/user/`).
async fn user(State(s): State<Arc<Shared>>, Path(wanted): Path<String>) -> Response {
    let at = Value::from(rfc3339(s.clock.now()));
    let world = s.world();
    let site = &world.site;
    let logins = (site.tokens.iter().map(|t| Some(&t.login))).chain(
        site.keys
            .iter()
            .flat_map(|k| [k.user.as_ref(), k.added_by.as_ref()]),
    );
    let found = logins.flatten().find(|login| {
        login.eq_ignore_ascii_case(&wanted) || wire::stable_id(login).to_string() == wanted
    });
    let Some(login) = found else {
        return respond::failure(&Failure::NotFound, DOCS);
    };
    let mut user = serde_json::to_value(Account::user(login)).unwrap_or_default();
    // What a `public-user` holds beyond an account: nothing said, nothing counted.
    let more = json!({"bio": null, "blog": null, "company": null, "email": null, "hireable": null,
        "location": null, "name": null, "followers": 0, "following": 0, "public_gists": 0,
        "public_repos": 0, "created_at": at, "updated_at": at});
    if let (Value::Object(members), Value::Object(more)) = (&mut user, more) {
        members.extend(more);
    }
    respond::json(200, &user)
}

/// `act`'s answer (`None`: 404) when the request bears the site
/// administrator's token (given to `act`); GitHub's refusal otherwise.
fn admitted(
    s: &Shared,
    (kind, headers): (&str, &HeaderMap),
    act: impl FnOnce(&mut Site, &str) -> Option<Response>,
) -> Answer {
    if kind != "tokens" && kind != "keys" {
        return Ok(respond::failure(&Failure::NotFound, DOCS));
    }
    auth::answer(s, headers, Accepts::SiteAdmin, DOCS, |world, _| {
        act(&mut world.site, bearer(headers)?)
    })
}

/// A page of the instance's tokens or keys.
async fn list(
    State(s): State<Arc<Shared>>,
    Path(kind): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Answer {
    admitted(&s, (&kind, &headers), |site, _| {
        let query = listing::parse(raw.as_deref()).ok()?;
        let (base, path) = (&s.settings.base_url, format!("/admin/{kind}"));
        let at = (path.as_str(), &query);
        Some(match kind.as_str() {
            "tokens" => listing::paged_items(&s, at, &site.tokens, |t| t.json(base)),
            _ => listing::paged_items(&s, at, &ordered(&site.keys, &query), |k| k.json(base)),
        })
    })
}

/// The keys `since` keeps, in the order `sort` and `direction` ask (a key
/// has no update time of its own: `updated` sorts as `created`; a key never
/// used sorts as the oldest by `accessed`).
fn ordered(keys: &[SiteKey], query: &Query) -> Vec<SiteKey> {
    let since = (query.asked("since")).and_then(|v| DateTime::parse_from_rfc3339(v).ok());
    let since = since.map(|t| t.with_timezone(&Utc));
    let mut kept: Vec<SiteKey> = keys
        .iter()
        .filter(|k| since.is_none_or(|t| k.last_used.is_some_and(|used| used > t)))
        .cloned()
        .collect();
    if query.asked("sort") == Some("accessed") {
        kept.sort_by_key(|k| k.last_used);
    } else {
        kept.sort_by_key(|k| k.created_at);
    }
    if query.asked("direction") != Some("asc") {
        kept.reverse();
    }
    kept
}

/// Deletes a token (not the one in use) or a key.
async fn remove(
    State(s): State<Arc<Shared>>,
    Path((kind, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    admitted(&s, (&kind, &headers), |site, in_use| {
        if kind == "tokens" {
            let token = site.tokens.iter().find(|t| t.id.to_string() == id)?;
            if token.hashed_token == wire::sha256(in_use.as_bytes()) {
                let message = "This personal access token is in use: it cannot delete itself";
                return Some(respond::error(403, message, DOCS));
            }
            site.tokens.retain(|t| t.id.to_string() != id);
        } else {
            let before = site.keys.len();
            site.keys.retain(|k| k.id.to_string() != id);
            (site.keys.len() < before).then_some(())?;
        }
        Some(respond::empty(204))
    })
}
