//! The token-governance API, written once for grants and requests: the
//! listing, the bulk and single updates or reviews, and the repositories
//! each item reaches. `grants` and `requests` say what differs.
//!
//! What is relied on (the description's `orgs/*-pat-*` operations): the
//! listings answer 200 with `Link`; the bulk calls take 1 to 100 ids
//! (`pat_ids`, `pat_request_ids`), an `action` of the operation's enum and,
//! for reviews, a `reason` of at most 1,024 characters, and answer 202 with
//! `{}`; the single calls answer 204; GitHub's 404 is an unknown
//! organization or item, its 422 a body it refuses. The bulk calls accept
//! ids no longer listed (GitHub acts on them asynchronously after its 202),
//! so running a revocation twice is harmless; the single calls do not (404).

use std::collections::HashSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;

use crate::auth;
use crate::failure::Failure;
use crate::headers::{self, Pages};
use crate::listing::{self, Listed, Source};
use crate::log::Caller;
use crate::respond;
use crate::state::{Collection, OrgKey, OrgState, Shared};

/// What differs between the grants' API and the requests'.
pub(crate) trait Area: Send + Sync + 'static {
    type Item: Listed + Send + Sync + 'static;
    /// The path segment: `personal-access-tokens` or `personal-access-token-requests`.
    const SEGMENT: &'static str;
    /// The bulk body's ids: `pat_ids` or `pat_request_ids`.
    const IDS: &'static str;
    /// The actions the calls take.
    const ACTIONS: &'static [&'static str];
    /// GitHub's documentation pages of the listing, the bulk call, the
    /// single call and the repositories, as its error bodies cite them.
    const LIST_DOCS: &'static str;
    const BULK_DOCS: &'static str;
    const ONE_DOCS: &'static str;
    const REPOSITORIES_DOCS: &'static str;

    fn collection(org: &OrgState) -> &Collection<Self::Item>;
    fn collection_mut(org: &mut OrgState) -> &mut Collection<Self::Item>;

    /// What else happens once `items` were acted on with `action` (a
    /// request's webhook delivery, say).
    fn acted(
        _shared: &Arc<Shared>,
        _org: &Admitted<Self::Item>,
        _items: &HashSet<i64>,
        _action: &str,
    ) {
    }
}

/// The routes of an area.
pub(crate) fn routes<A: Area>() -> Router<Arc<Shared>> {
    let s = A::SEGMENT;
    Router::new()
        .route(
            &format!("/orgs/{{org}}/{s}"),
            get(list::<A>).post(bulk::<A>),
        )
        .route(&format!("/organizations/{{org}}/{s}"), get(list_by_id::<A>))
        .route(&format!("/orgs/{{org}}/{s}/{{id}}"), post(one::<A>))
        .route(
            &format!("/orgs/{{org}}/{s}/{{id}}/repositories"),
            get(repositories::<A>),
        )
        .route(
            &format!("/organizations/{{org}}/{s}/{{id}}/repositories"),
            get(repositories_by_id::<A>),
        )
}

/// An organization a caller may act on, as it was when admitted.
pub(crate) struct Admitted<T> {
    pub(crate) caller: Caller,
    pub(crate) login: String,
    pub(crate) id: u64,
    pub(crate) collection: Collection<T>,
    pub(crate) repositories: Arc<Vec<String>>,
    pub(crate) failing_ids: Arc<HashSet<i64>>,
}

/// The organization named by `key`, when the request's credentials reach
/// it (and, for `listing`, when its listing is not configured to fail).
fn admit<A: Area>(
    s: &Shared,
    key: OrgKey<'_>,
    headers: &HeaderMap,
    docs: &str,
    listing: bool,
) -> Result<Admitted<A::Item>, Box<Response>> {
    let (caller, org) = auth::admit(s, key, headers, docs, |org| {
        let collection = A::collection(org);
        match &collection.failing {
            Some(failure) if listing => Err(failure.clone()),
            _ => Ok((
                org.login.clone(),
                org.id,
                collection.clone(),
                org.repositories.clone(),
                org.failing_ids.clone(),
            )),
        }
    })?;
    let (login, id, collection, repositories, failing_ids) = org;
    Ok(Admitted {
        caller,
        login,
        id,
        collection,
        repositories,
        failing_ids,
    })
}

/// The answer, as given to `caller`.
fn answer(caller: Caller, response: Response) -> Response {
    respond::answered_as(response, caller)
}

async fn list<A: Area>(
    State(s): State<Arc<Shared>>,
    Path(org): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    listing_page::<A>(&s, OrgKey::Login(&org), query.as_deref(), &headers)
}

async fn list_by_id<A: Area>(
    State(s): State<Arc<Shared>>,
    Path(org): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    listing_page::<A>(&s, OrgKey::Id(&org), query.as_deref(), &headers)
}

/// A page of the listing, with GitHub's `Link` to the others.
fn listing_page<A: Area>(
    s: &Shared,
    key: OrgKey<'_>,
    raw: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    let org = match admit::<A>(s, key, headers, A::LIST_DOCS, true) {
        Ok(org) => org,
        Err(refused) => return *refused,
    };
    let query = match listing::parse(raw) {
        Ok(query) => query,
        Err(failure) => return answer(org.caller, respond::failure(&failure, A::LIST_DOCS)),
    };
    let max_per_page = s.settings.max_per_page;
    let source = Source {
        items: &org.collection.items,
        removed: &org.collection.removed,
        base: &s.settings.base_url,
        org_id: org.id,
        as_of: s.settings.as_of,
        max_per_page,
    };
    let (body, total) = listing::page(&source, &query);
    let path = format!("/organizations/{}/{}", org.id, A::SEGMENT);
    let pages = Pages {
        base: &s.settings.link_base,
        path: &path,
        kept: &query.kept,
        page: query.page,
        last: query.last_page(total, max_per_page),
        next_only: s.settings.next_links_only,
    };
    answer(
        org.caller,
        respond::with_link(respond::json(200, body), headers::link(&pages)),
    )
}

/// Why GitHub refuses an update's body (its 422), or `None`. `bulk` calls
/// carry ids.
fn invalid<A: Area>(body: &Value, bulk: bool) -> Option<String> {
    let action = body["action"].as_str().unwrap_or_default();
    if !A::ACTIONS.contains(&action) {
        return Some(format!("`action` must be one of {}", A::ACTIONS.join(", ")));
    }
    if bulk {
        let Some(ids) = body[A::IDS].as_array() else {
            return Some(format!("`{}` is missing", A::IDS));
        };
        if ids.is_empty() || ids.len() > 100 || ids.iter().any(|v| !v.is_i64()) {
            return Some(format!(
                "`{}` must be formed of between 1 and 100 integers; {} given",
                A::IDS,
                ids.len()
            ));
        }
    }
    match body.get("reason") {
        Some(Value::String(reason)) if reason.chars().count() > 1024 => {
            Some("`reason` is longer than 1024 characters".into())
        }
        _ => None,
    }
}

/// Checks an update's body and ids; `Err` is GitHub's 422.
fn check_update<A: Area>(
    org: &Admitted<A::Item>,
    body: &Value,
    ids: &[i64],
    bulk: bool,
) -> Result<(), String> {
    if let Some(problem) = invalid::<A>(body, bulk) {
        return Err(format!("Invalid request: {problem}"));
    }
    match ids.iter().find(|id| org.failing_ids.contains(id)) {
        Some(id) => Err(format!("Validation Failed: {id} could not be updated")),
        None => Ok(()),
    }
}

/// Takes `ids` out of the listing, and lets the area react.
fn apply<A: Area>(s: &Arc<Shared>, org: &Admitted<A::Item>, ids: &[i64], action: &str) {
    let ids: HashSet<i64> = ids.iter().copied().collect();
    if let Some(state) = s.world().org_mut(OrgKey::Login(&org.login)) {
        Arc::make_mut(&mut A::collection_mut(state).removed).extend(&ids);
    }
    A::acted(s, org, &ids, action);
}

async fn bulk<A: Area>(
    State(s): State<Arc<Shared>>,
    Path(org): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let org = match admit::<A>(&s, OrgKey::Login(&org), &headers, A::BULK_DOCS, false) {
        Ok(org) => org,
        Err(refused) => return *refused,
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let ids: Vec<i64> = body[A::IDS]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    if let Err(message) = check_update::<A>(&org, &body, &ids, true) {
        return answer(org.caller, respond::error(422, &message, A::BULK_DOCS));
    }
    apply::<A>(&s, &org, &ids, body["action"].as_str().unwrap_or_default());
    answer(org.caller, respond::json(202, "{}".into()))
}

async fn one<A: Area>(
    State(s): State<Arc<Shared>>,
    Path((org, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let org = match admit::<A>(&s, OrgKey::Login(&org), &headers, A::ONE_DOCS, false) {
        Ok(org) => org,
        Err(refused) => return *refused,
    };
    let Some(id) = listed::<A>(&s, &org, &id) else {
        return answer(
            org.caller,
            respond::failure(&Failure::NotFound, A::ONE_DOCS),
        );
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if let Err(message) = check_update::<A>(&org, &body, &[id], false) {
        return answer(org.caller, respond::error(422, &message, A::ONE_DOCS));
    }
    apply::<A>(&s, &org, &[id], body["action"].as_str().unwrap_or_default());
    answer(org.caller, respond::empty(204))
}

/// Item `id` of the listing, when it is there (not revoked or reviewed).
fn listed<A: Area>(s: &Shared, org: &Admitted<A::Item>, id: &str) -> Option<i64> {
    let id: i64 = id.parse().ok()?;
    if org.collection.removed.contains(&id) {
        return None;
    }
    listing::find(&org.collection.items, id, org.id, s.settings.as_of).map(|item| item.id())
}

async fn repositories<A: Area>(
    State(s): State<Arc<Shared>>,
    Path((org, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    repositories_page::<A>(&s, OrgKey::Login(&org), &id, query.as_deref(), &headers)
}

async fn repositories_by_id<A: Area>(
    State(s): State<Arc<Shared>>,
    Path((org, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    repositories_page::<A>(&s, OrgKey::Id(&org), &id, query.as_deref(), &headers)
}

/// A page of the repositories an item reaches: the organization's for
/// `all`, none for `none`, its own for `subset`.
fn repositories_page<A: Area>(
    s: &Shared,
    key: OrgKey<'_>,
    item: &str,
    raw: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    let docs = A::REPOSITORIES_DOCS;
    let org = match admit::<A>(s, key, headers, docs, true) {
        Ok(org) => org,
        Err(refused) => return *refused,
    };
    let found = item
        .parse()
        .ok()
        .filter(|id| !org.collection.removed.contains(id))
        .and_then(|id| listing::find(&org.collection.items, id, org.id, s.settings.as_of));
    let (Some(item), Ok(query)) = (found, listing::parse(raw)) else {
        return answer(org.caller, respond::failure(&Failure::NotFound, docs));
    };
    let names: Vec<&str> = match item.selection() {
        "all" => org.repositories.iter().map(String::as_str).collect(),
        "none" => Vec::new(),
        _ => item.repositories().iter().map(|r| r.as_ref()).collect(),
    };
    let window = query.window(names.len(), s.settings.max_per_page);
    let mut body = String::from("[");
    for (n, name) in names[window].iter().enumerate() {
        if n > 0 {
            body.push(',');
        }
        crate::json::repository(&mut body, &org.login, name);
    }
    body.push(']');
    let path = format!(
        "/organizations/{}/{}/{}/repositories",
        org.id,
        A::SEGMENT,
        item.id()
    );
    let pages = Pages {
        base: &s.settings.link_base,
        path: &path,
        kept: &query.kept,
        page: query.page,
        last: query.last_page(names.len(), s.settings.max_per_page),
        next_only: s.settings.next_links_only,
    };
    answer(
        org.caller,
        respond::with_link(respond::json(200, body), headers::link(&pages)),
    )
}
