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

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::auth;
use crate::failure::Failure;
use crate::listing::{self, Filters, Query};
use crate::log::Caller;
use crate::model::{Collection, Kind, Org, Token, seeded_index};
use crate::respond::{self, Answer, Refused};
use crate::state::{OrgKey, OrgQuery, Shared, both_forms};
use crate::wire::Repository;

/// What differs between the grants' API and the requests'.
pub(crate) trait Area: Send + Sync + 'static {
    /// What is listed: grants or requests.
    type Kind: Kind;
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

    fn collection(org: &mut Org) -> &mut Collection<Token<Self::Kind>>;

    /// What else happens once `items` were acted on with `action` (a
    /// request's webhook delivery, say).
    fn acted(
        _shared: &Arc<Shared>,
        _org: &Admitted<Self::Kind>,
        _items: &HashSet<i64>,
        _action: &str,
    ) {
    }
}

/// The routes of an area.
pub(crate) fn routes<A: Area>() -> Router<Arc<Shared>> {
    let s = <A::Kind as Kind>::SEGMENT;
    let router = Router::new()
        .route(&format!("/orgs/{{org}}/{s}"), post(update::<A>))
        .route(&format!("/orgs/{{org}}/{s}/{{id}}"), post(update::<A>));
    let router = both_forms(router, &format!("/{s}"), get(list::<A>));
    both_forms(
        router,
        &format!("/{s}/{{id}}/repositories"),
        get(repositories::<A>),
    )
}

/// An organization a caller may act on, as it was when admitted.
pub(crate) struct Admitted<K> {
    pub(crate) caller: Caller,
    pub(crate) login: String,
    pub(crate) id: u64,
    pub(crate) collection: Collection<Token<K>>,
    pub(crate) repositories: Arc<Vec<String>>,
    pub(crate) failing_ids: Arc<HashSet<i64>>,
    /// The moment seeded items are generated relative to.
    pub(crate) as_of: DateTime<Utc>,
}

impl<K: Kind> Admitted<K> {
    /// Item `index`, seeded or listed, taken out or not.
    fn item(&self, index: usize) -> Option<Token<K>> {
        let (items, seeded) = (&self.collection, self.collection.seeded_count());
        match items.seeded {
            Some((_, seed)) if index < seeded => Some(K::SEEDED(seed, self.id, index, self.as_of)),
            _ => items.listed.get(index - seeded).cloned(),
        }
    }

    /// Item `id`, when it is listed (not revoked or reviewed).
    fn listed(&self, id: &str) -> Option<Token<K>> {
        let id: i64 = id.parse().ok()?;
        if self.collection.removed.contains(&id) {
            return None;
        }
        // A seeded index below the count is the seeded item of this very id.
        let seeded = seeded_index(self.id, id).filter(|&i| i < self.collection.seeded_count());
        let listed = &self.collection.listed;
        let listed = || listed.iter().find(|item| item.id == id).cloned();
        seeded.and_then(|i| self.item(i)).or_else(listed)
    }

    /// Every item, seeded or listed, taken out or not, made one at a time.
    fn items(&self) -> impl Iterator<Item = Token<K>> + '_ {
        (0..self.collection.len()).filter_map(|i| self.item(i))
    }

    /// The items whose ids are in `ids`, in one pass.
    pub(crate) fn select(&self, ids: &HashSet<i64>) -> Vec<Token<K>> {
        self.items().filter(|item| ids.contains(&item.id)).collect()
    }

    /// The page `query` asks for, after the filters and without the items
    /// the API took out, and the number of items on all pages.
    fn page(&self, query: &Query, max_per_page: usize) -> (Vec<Token<K>>, usize) {
        let (len, removed) = (self.collection.len(), &self.collection.removed);
        if query.filters != Filters::default() || !removed.is_empty() {
            // Filtered: every item is looked at to count what is left.
            let mut kept: Vec<Token<K>> = self
                .items()
                .filter(|i| !removed.contains(&i.id) && query.filters.keep(i))
                .collect();
            let total = kept.len();
            let page = kept.drain(query.window(total, max_per_page));
            (page.collect(), total)
        } else {
            // Unfiltered: only this page's items are made.
            let window = query.window(len, max_per_page);
            (window.filter_map(|i| self.item(i)).collect(), len)
        }
    }
}

/// The organization named by `key`, when the request's credentials reach
/// it (and, for `listing`, when its listing is not configured to fail).
fn admit<A: Area>(
    s: &Shared,
    key: &OrgKey,
    headers: &HeaderMap,
    docs: &str,
    listing: bool,
) -> Result<Admitted<A::Kind>, Refused> {
    let (caller, mut org) = auth::admit(s, key, headers, docs, |org| {
        let collection = A::collection(org).clone();
        if let (Some(failure), true) = (&collection.failing, listing) {
            return Err(failure.clone());
        }
        Ok(Admitted {
            caller: Caller::Unchecked,
            login: org.login.clone(),
            id: org.id,
            collection,
            repositories: org.repositories.clone(),
            failing_ids: org.failing_ids.clone(),
            as_of: s.settings.as_of,
        })
    })?;
    org.caller = caller;
    Ok(org)
}

/// The answer, as given to `caller`.
fn answer(caller: Caller, response: Response) -> Answer {
    Ok(respond::answered_as(response, caller))
}

/// A page of the listing, with GitHub's `Link` to the others.
async fn list<A: Area>(State(s): State<Arc<Shared>>, asked: OrgQuery) -> Answer {
    let org = admit::<A>(&s, &asked.key, &asked.headers, A::LIST_DOCS, true)?;
    let mut query = match listing::parse(asked.raw.as_deref()) {
        Ok(query) => query,
        Err(failure) => return answer(org.caller, respond::failure(&failure, A::LIST_DOCS)),
    };
    if s.settings.ignore_owner_filters {
        query.filters.owners.clear();
    }
    let base = &s.settings.base_url;
    let (items, total) = org.page(&query, s.settings.max_per_page);
    let listed: Vec<_> = items
        .iter()
        .map(|t| t.listed(base, org.id, s.settings.as_of))
        .collect();
    let path = format!("/organizations/{}/{}", org.id, <A::Kind as Kind>::SEGMENT);
    let page = listing::paged(&s, &path, &query, total, &listed);
    answer(org.caller, page)
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

/// A bulk call (`POST .../{segment}`: 202) or a single call (`POST
/// .../{segment}/{id}`: 204, 404 for an item not listed): checks the body
/// and ids (GitHub's 422 when it refuses them), then takes the items out of
/// the listing and lets the area react.
async fn update<A: Area>(
    State(s): State<Arc<Shared>>,
    key: OrgKey,
    Path(path): Path<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let one = path.get("id");
    let (docs, done) = match one {
        Some(_) => (A::ONE_DOCS, respond::empty(204)),
        None => (A::BULK_DOCS, respond::json(202, &serde_json::json!({}))),
    };
    let org = admit::<A>(&s, &key, &headers, docs, false)?;
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let ids: Vec<i64> = match one.map(|id| org.listed(id)) {
        Some(Some(item)) => vec![item.id],
        Some(None) => return answer(org.caller, respond::failure(&Failure::NotFound, docs)),
        None => (body[A::IDS].as_array())
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default(),
    };
    let invalid = invalid::<A>(&body, one.is_none());
    let invalid = invalid.map(|problem| format!("Invalid request: {problem}"));
    let failing = ids.iter().find(|id| org.failing_ids.contains(id));
    let failing = failing.map(|id| format!("Validation Failed: {id} could not be updated"));
    if let Some(message) = invalid.or(failing) {
        return answer(org.caller, respond::error(422, &message, docs));
    }
    let ids: HashSet<i64> = ids.into_iter().collect();
    if let Some(state) = s.world().org_mut(&OrgKey::Login(org.login.clone())) {
        A::collection(state).remove(ids.iter().copied());
    }
    A::acted(&s, &org, &ids, body["action"].as_str().unwrap_or_default());
    answer(org.caller, done)
}

/// A page of the repositories an item reaches: the organization's for
/// `all`, none for `none`, its own for `subset`.
async fn repositories<A: Area>(
    State(s): State<Arc<Shared>>,
    asked: OrgQuery,
    Path((_, item)): Path<(String, String)>,
) -> Answer {
    let docs = A::REPOSITORIES_DOCS;
    let org = admit::<A>(&s, &asked.key, &asked.headers, docs, true)?;
    let query = listing::parse(asked.raw.as_deref());
    let (Some(item), Ok(query)) = (org.listed(&item), query) else {
        return answer(org.caller, respond::failure(&Failure::NotFound, docs));
    };
    let names: Vec<&str> = match item.repository_selection.as_ref() {
        "all" => org.repositories.iter().map(String::as_str).collect(),
        "none" => Vec::new(),
        _ => item.repositories.iter().map(|r| r.as_ref()).collect(),
    };
    let path = item.repositories_url("", org.id);
    let page = listing::paged_items(&s, (&path, &query), &names, |name| {
        Repository::new(&org.login, name)
    });
    answer(org.caller, page)
}
