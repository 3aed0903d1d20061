//! A GitHub stand-in on loopback: the two listings the audit reads, shaped as
//! github.com sends them, for `pat-audit demo`, the tests and the benchmark.
//!
//! It serves `GET /orgs/{org}/personal-access-tokens` and
//! `GET /orgs/{org}/personal-access-token-requests` (and the
//! `/organizations/{id}/...` paths GitHub's `Link` headers point to) with:
//! GitHub's JSON shapes (the spec's `org-pat-grant-paginated` and
//! `org-pat-grant-request-paginated` examples), `per_page`/`page` pagination
//! with absolute `Link` URLs (`next`, `last`, `prev`, `first`), the
//! `x-ratelimit-*` and `x-github-request-id` headers, the `owner[]`,
//! `last_used_before` and `last_used_after` filters, and GitHub's error bodies
//! (`{"message", "documentation_url", "status"}`) for organizations
//! configured to fail. It can add a fixed latency to every response and
//! records every request line for tests to inspect.
//!
//! Grants are either listed one by one ([`Source::List`]) or generated from a
//! seed on demand ([`Source::Seeded`]), so that 100,000 grants cost no memory.
//!
//! With an [`AppConfig`] it is also GitHub's App side (see [`app`]): it
//! verifies App JWTs, finds and lists installations, mints installation
//! tokens, and then serves the listings only to those tokens. Without one,
//! the listings take the static [`StandIn::token`] (or anything).
//!
//! It also takes the bulk calls `pat-audit revoke`, `review` and `serve`
//! make: `POST /orgs/{org}/personal-access-tokens` (revoke) and
//! `POST /orgs/{org}/personal-access-token-requests` (approve or deny), with
//! GitHub's limits (1 to 100 ids, a reason of at most 1,024 characters) and
//! its 202. Revoked grants and reviewed requests are no longer listed, every
//! call's body is recorded ([`Running::posts`]), and a call carrying one of
//! [`StandIn::failing_ids`] fails whole with a 422, as a batch fails on GitHub.

mod app;

pub use app::{
    AccountKind, AppActivity, AppConfig, InstallationConfig, ThrowawayKey, public_key_from_pem,
};

use std::collections::BTreeMap;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, SecondsFormat, TimeDelta, TimeZone, Utc};
use serde_json::Value;

/// The rate limit the stand-in announces (a GitHub App installation's ceiling).
const RATE_LIMIT: u64 = 15_000;

/// GitHub's documentation pages for the two listings, as its error bodies cite them.
const GRANTS_DOCS: &str = "https://docs.github.com/rest/orgs/personal-access-tokens#list-fine-grained-personal-access-tokens-with-access-to-organization-resources";
const REQUESTS_DOCS: &str = "https://docs.github.com/rest/orgs/personal-access-tokens#list-requests-to-access-organization-resources-with-fine-grained-personal-access-tokens";

/// How an organization's listing fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// 403 `Resource not accessible by integration`: the App lacks the permission.
    Forbidden,
    /// 404 `Not Found`: no such organization, or the App is not installed on it.
    NotFound,
    /// 403 with `x-ratelimit-remaining: 0` and a reset an hour away.
    RateLimited,
}

/// Where an organization's grants or requests come from.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Source<T> {
    /// These, in this order.
    List(Vec<T>),
    /// `count` items generated on demand from `seed` (see [`seeded_grant`]
    /// and [`seeded_request`]), their times relative to the stand-in's `now`.
    Seeded {
        /// How many.
        count: usize,
        /// Varies the mix between organizations.
        seed: u64,
    },
}

impl<T> Default for Source<T> {
    fn default() -> Self {
        Source::List(Vec::new())
    }
}

/// One organization the stand-in knows.
#[derive(Clone, Debug)]
pub struct OrgConfig {
    /// The organization's login.
    pub login: String,
    /// Its numeric id, used in `Link` URLs (`/organizations/{id}/...`).
    pub id: u64,
    /// Its approved grants.
    pub grants: Source<GrantSeed>,
    /// Its pending requests.
    pub requests: Source<RequestSeed>,
    /// Makes the grants listing fail.
    pub fail_grants: Option<Failure>,
    /// Makes the requests listing fail.
    pub fail_requests: Option<Failure>,
}

impl OrgConfig {
    /// An organization with no grants and no requests.
    pub fn new(login: impl Into<String>, id: u64) -> Self {
        OrgConfig {
            login: login.into(),
            id,
            grants: Source::default(),
            requests: Source::default(),
            fail_grants: None,
            fail_requests: None,
        }
    }

    /// Sets the grants.
    pub fn grants(mut self, grants: Source<GrantSeed>) -> Self {
        self.grants = grants;
        self
    }

    /// Sets the requests.
    pub fn requests(mut self, requests: Source<RequestSeed>) -> Self {
        self.requests = requests;
        self
    }

    /// Makes both listings fail this way.
    pub fn failing(mut self, failure: Failure) -> Self {
        self.fail_grants = Some(failure);
        self.fail_requests = Some(failure);
        self
    }
}

/// The stand-in's configuration; [`StandIn::start`] serves it.
#[derive(Clone, Debug)]
pub struct StandIn {
    /// The organizations, looked up by login or id.
    pub orgs: Vec<OrgConfig>,
    /// Added before every response (the benchmark's 50 ms per page).
    pub latency: Duration,
    /// When set, requests without `Authorization: Bearer {token}` get 401
    /// (unless there is an [`app`](Self::app), whose minted tokens replace it).
    pub token: Option<String>,
    /// A GitHub App: its endpoints are served and the listings take only
    /// the installation tokens minted for it.
    pub app: Option<AppConfig>,
    /// The moment seeded times are relative to and `token_expired` is computed at.
    pub now: DateTime<Utc>,
    /// The port to bind on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Sends only `rel="next"` links, as cursor-paginated GitHub endpoints
    /// do, so that clients must follow the links one by one.
    pub next_links_only: bool,
    /// A revoke or review call carrying one of these ids fails whole (422).
    pub failing_ids: HashSet<i64>,
}

impl StandIn {
    /// A stand-in for these organizations, no latency, any token, `now` fixed.
    pub fn new(orgs: Vec<OrgConfig>, now: DateTime<Utc>) -> Self {
        StandIn {
            orgs,
            latency: Duration::ZERO,
            token: None,
            app: None,
            now,
            port: 0,
            next_links_only: false,
            failing_ids: HashSet::new(),
        }
    }

    /// Binds 127.0.0.1 and serves on the current tokio runtime until the
    /// returned handle is dropped.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(self) -> anyhow::Result<Running> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], self.port)))
            .await
            .context("binding the stand-in on 127.0.0.1")?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let inner = Arc::new(Inner {
            config: self,
            base_url: OnceLock::new(),
            log: Mutex::new(Vec::new()),
            served: AtomicU64::new(0),
            reset: Utc::now().timestamp() + 3600,
            app: app::AppState::default(),
            acted: Mutex::new(Acted::default()),
        });
        // Set before the first request can arrive: Link URLs need it.
        let _ = inner.base_url.set(base_url.clone());
        let app = Router::new()
            .route("/orgs/{org}/personal-access-tokens", get(grants_by_login))
            .route(
                "/orgs/{org}/personal-access-token-requests",
                get(requests_by_login),
            )
            .route(
                "/organizations/{id}/personal-access-tokens",
                get(grants_by_id),
            )
            .route(
                "/organizations/{id}/personal-access-token-requests",
                get(requests_by_id),
            )
            .route("/orgs/{org}/installation", get(app::org_installation))
            .route("/app/installations", get(app::list_installations))
            .route(
                "/app/installations/{installation_id}/access_tokens",
                post(app::mint_token),
            )
            .route("/orgs/{org}/personal-access-tokens", post(revoke))
            .route("/orgs/{org}/personal-access-token-requests", post(review))
            .fallback(not_found)
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            // Serving ends only with an I/O error on the listener, which on
            // loopback means the process is going away.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Running {
            base_url,
            inner,
            task,
        })
    }
}

/// A stand-in being served; dropping it stops serving.
#[derive(Debug)]
pub struct Running {
    base_url: String,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// `http://127.0.0.1:PORT`, for `--base-url`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Every request received so far, as `path?query`, in arrival order.
    pub fn requests(&self) -> Vec<String> {
        self.inner.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// What the App endpoints have seen: JWTs, lookups, tokens minted.
    pub fn app_activity(&self) -> AppActivity {
        self.inner.app.activity()
    }

    /// Every revoke or review call received so far, accepted or not, in
    /// arrival order.
    pub fn posts(&self) -> Vec<Post> {
        self.inner
            .acted
            .lock()
            .map(|a| a.posts.clone())
            .unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Debug)]
struct Inner {
    config: StandIn,
    base_url: OnceLock<String>,
    log: Mutex<Vec<String>>,
    served: AtomicU64,
    reset: i64,
    app: app::AppState,
    acted: Mutex<Acted>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Listing {
    Grants,
    Requests,
}

enum Lookup {
    Login(String),
    Id(String),
}

async fn grants_by_login(
    State(s): State<Arc<Inner>>,
    Path(org): Path<String>,
    uri: Uri,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(&s, Lookup::Login(org), Listing::Grants, &uri, q, &headers).await
}

async fn requests_by_login(
    State(s): State<Arc<Inner>>,
    Path(org): Path<String>,
    uri: Uri,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(&s, Lookup::Login(org), Listing::Requests, &uri, q, &headers).await
}

async fn grants_by_id(
    State(s): State<Arc<Inner>>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(&s, Lookup::Id(id), Listing::Grants, &uri, q, &headers).await
}

async fn requests_by_id(
    State(s): State<Arc<Inner>>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(&s, Lookup::Id(id), Listing::Requests, &uri, q, &headers).await
}

async fn not_found(State(s): State<Arc<Inner>>, uri: Uri) -> Response {
    record(&s, &uri);
    error(
        &s,
        StatusCode::NOT_FOUND,
        "Not Found",
        "https://docs.github.com/rest",
        false,
    )
}

/// Waits out the configured latency, accurately.
///
/// tokio's timer has millisecond resolution and wakes up to two milliseconds
/// late, so `tokio::time::sleep(50 ms)` answered pages after about 51.6 ms:
/// over a thousand pages, seconds more than the stand-in was asked to add,
/// charged to every client measured against it. A blocking thread's sleep
/// overshoots by tens of microseconds.
async fn wait_out(latency: Duration) {
    if latency.is_zero() {
        return;
    }
    if tokio::task::spawn_blocking(move || std::thread::sleep(latency))
        .await
        .is_err()
    {
        // The blocking pool is shutting down with the server: no one waits for this answer.
        tokio::time::sleep(latency).await;
    }
}

fn record(s: &Inner, uri: &Uri) {
    if let Ok(mut log) = s.log.lock() {
        log.push(uri.to_string());
    }
}

/// GitHub's headers on every response: rate limit, request id, API version.
fn common_headers(s: &Inner, exhausted: bool) -> HeaderMap {
    let n = s.served.fetch_add(1, Ordering::Relaxed) + 1;
    let used = if exhausted {
        RATE_LIMIT
    } else {
        n.min(RATE_LIMIT)
    };
    let mut h = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set("content-type", "application/json; charset=utf-8".into());
    set("x-github-api-version-selected", "2022-11-28".into());
    set("x-ratelimit-limit", RATE_LIMIT.to_string());
    set("x-ratelimit-remaining", (RATE_LIMIT - used).to_string());
    set("x-ratelimit-used", used.to_string());
    set("x-ratelimit-reset", s.reset.to_string());
    set("x-ratelimit-resource", "core".into());
    set(
        "x-github-request-id",
        format!("5E1F:1B2C:{n:X}:{:X}:6740A1B2", n * 7919),
    );
    h
}

fn error(s: &Inner, status: StatusCode, message: &str, docs: &str, exhausted: bool) -> Response {
    let body = serde_json::json!({
        "message": message,
        "documentation_url": docs,
        "status": status.as_u16().to_string(),
    });
    (status, common_headers(s, exhausted), body.to_string()).into_response()
}

fn failure(s: &Inner, failure: Failure, listing: Listing) -> Response {
    let docs = match listing {
        Listing::Grants => GRANTS_DOCS,
        Listing::Requests => REQUESTS_DOCS,
    };
    match failure {
        Failure::Forbidden => error(
            s,
            StatusCode::FORBIDDEN,
            "Resource not accessible by integration",
            docs,
            false,
        ),
        Failure::NotFound => error(s, StatusCode::NOT_FOUND, "Not Found", docs, false),
        Failure::RateLimited => error(
            s,
            StatusCode::FORBIDDEN,
            "API rate limit exceeded for installation ID 4242.",
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            true,
        ),
    }
}

/// The query parameters the stand-in understands.
#[derive(Default)]
struct Query {
    per_page: usize,
    page: usize,
    owners: HashSet<String>,
    last_used_before: Option<DateTime<Utc>>,
    last_used_after: Option<DateTime<Utc>>,
    /// Everything but `page`, to carry into the Link URLs as GitHub does.
    kept: Vec<(String, String)>,
    /// Revoked grants or reviewed requests, which are no longer listed.
    removed: HashSet<i64>,
}

fn parse_query(q: Option<&str>) -> Query {
    let mut query = Query {
        per_page: 30,
        page: 1,
        ..Query::default()
    };
    let time = |v: &str| {
        DateTime::parse_from_rfc3339(v)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    for (k, v) in url::form_urlencoded::parse(q.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            // GitHub clamps per_page to 1..=100.
            "per_page" => query.per_page = v.parse::<usize>().unwrap_or(30).clamp(1, 100),
            "page" => query.page = v.parse::<usize>().unwrap_or(1).max(1),
            "owner[]" | "owner" => {
                query.owners.insert(v.to_string());
            }
            "last_used_before" => query.last_used_before = time(&v),
            "last_used_after" => query.last_used_after = time(&v),
            _ => {}
        }
        if k != "page" {
            query.kept.push((k.into_owned(), v.into_owned()));
        }
    }
    query
}

/// What the filters need to know of a grant or request.
trait Listed {
    fn id(&self) -> i64;
    fn owner(&self) -> &str;
    fn last_used(&self) -> Option<DateTime<Utc>>;
    fn write_json(&self, out: &mut String, base: &str, org_id: u64, now: DateTime<Utc>);
}

impl Listed for GrantSeed {
    fn id(&self) -> i64 {
        self.id
    }
    fn owner(&self) -> &str {
        &self.owner
    }
    fn last_used(&self) -> Option<DateTime<Utc>> {
        self.token_last_used_at
    }
    fn write_json(&self, out: &mut String, base: &str, org_id: u64, now: DateTime<Utc>) {
        GrantSeed::write_json(self, out, base, org_id, now)
    }
}

impl Listed for RequestSeed {
    fn id(&self) -> i64 {
        self.id
    }
    fn owner(&self) -> &str {
        &self.owner
    }
    fn last_used(&self) -> Option<DateTime<Utc>> {
        self.token_last_used_at
    }
    fn write_json(&self, out: &mut String, base: &str, org_id: u64, now: DateTime<Utc>) {
        RequestSeed::write_json(self, out, base, org_id, now)
    }
}

impl Query {
    fn filters(&self) -> bool {
        !self.owners.is_empty()
            || self.last_used_before.is_some()
            || self.last_used_after.is_some()
            || !self.removed.is_empty()
    }

    fn keeps(&self, item: &impl Listed) -> bool {
        !self.removed.contains(&item.id())
            && (self.owners.is_empty() || self.owners.contains(item.owner()))
            && self
                .last_used_before
                .is_none_or(|t| item.last_used().is_some_and(|u| u < t))
            && self
                .last_used_after
                .is_none_or(|t| item.last_used().is_some_and(|u| u > t))
    }
}

/// One page of a source after the filters: the body (a JSON array) and the
/// number of items on every page.
fn page_of<T: Listed>(
    source: &Source<T>,
    seeded: impl Fn(u64, usize) -> T,
    query: &Query,
    base: &str,
    org_id: u64,
    now: DateTime<Utc>,
) -> (String, usize) {
    let start = (query.page - 1).saturating_mul(query.per_page);
    // About 1.6 kB per grant; one allocation for the page.
    let mut body = String::with_capacity(query.per_page * 1700);
    body.push('[');
    let mut add = |item: &T| {
        if body.len() > 1 {
            body.push(',');
        }
        item.write_json(&mut body, base, org_id, now);
    };
    let total = match source {
        Source::List(items) => {
            let kept: Vec<&T> = items.iter().filter(|i| query.keeps(*i)).collect();
            kept.iter()
                .skip(start)
                .take(query.per_page)
                .for_each(|i| add(i));
            kept.len()
        }
        Source::Seeded { count, seed } if query.filters() => {
            let kept: Vec<usize> = (0..*count)
                .filter(|i| query.keeps(&seeded(*seed, *i)))
                .collect();
            for i in kept.iter().skip(start).take(query.per_page) {
                add(&seeded(*seed, *i));
            }
            kept.len()
        }
        Source::Seeded { count, seed } => {
            let end = start.saturating_add(query.per_page).min(*count);
            for i in start.min(end)..end {
                add(&seeded(*seed, i));
            }
            *count
        }
    };
    body.push(']');
    (body, total)
}

async fn answer(
    s: &Inner,
    lookup: Lookup,
    listing: Listing,
    uri: &Uri,
    raw_query: Option<String>,
    headers: &HeaderMap,
) -> Response {
    record(s, uri);
    wait_out(s.config.latency).await;
    let installation = match app::authorize_listing(s, headers) {
        Ok(installation) => installation,
        Err(refusal) => return refusal.response(s),
    };
    let org = s.config.orgs.iter().find(|o| match &lookup {
        Lookup::Login(login) => o.login.eq_ignore_ascii_case(login),
        Lookup::Id(id) => o.id.to_string() == *id,
    });
    let Some(org) = org else {
        return failure(s, Failure::NotFound, listing);
    };
    // An installation token reaches only its own installation's organization.
    if let Some(installation) = installation
        && !app::installation_covers(s, installation, &org.login)
    {
        return failure(s, Failure::Forbidden, listing);
    }
    let fail = match listing {
        Listing::Grants => org.fail_grants,
        Listing::Requests => org.fail_requests,
    };
    if let Some(f) = fail {
        return failure(s, f, listing);
    }

    let mut query = parse_query(raw_query.as_deref());
    query.removed = s.removed(&org.login, listing);
    let base = s.base_url.get().map(String::as_str).unwrap_or_default();
    let now = s.config.now;
    let (body, total) = match listing {
        Listing::Grants => page_of(
            &org.grants,
            |seed, i| seeded_grant(seed, org.id, i, now),
            &query,
            base,
            org.id,
            now,
        ),
        Listing::Requests => page_of(
            &org.requests,
            |seed, i| seeded_request(seed, org.id, i, now),
            &query,
            base,
            org.id,
            now,
        ),
    };
    let mut h = common_headers(s, false);
    if let Some(link) = link_header(
        base,
        org.id,
        listing,
        &query,
        total,
        s.config.next_links_only,
    ) && let Ok(v) = HeaderValue::from_str(&link)
    {
        h.insert("link", v);
    }
    (StatusCode::OK, h, body).into_response()
}

/// GitHub's Link header: absolute URLs under `/organizations/{id}/`, the
/// query carried over with `page` last, `next` and `last` unless on the last
/// page, `prev` and `first` unless on the first.
fn link_header(
    base: &str,
    org_id: u64,
    listing: Listing,
    query: &Query,
    total: usize,
    next_only: bool,
) -> Option<String> {
    let pages = total.div_ceil(query.per_page).max(1);
    let path = match listing {
        Listing::Grants => "personal-access-tokens",
        Listing::Requests => "personal-access-token-requests",
    };
    let url = |page: usize| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &query.kept {
            q.append_pair(k, v);
        }
        q.append_pair("page", &page.to_string());
        format!("<{base}/organizations/{org_id}/{path}?{}>", q.finish())
    };
    let mut links = Vec::new();
    if query.page < pages {
        links.push(format!("{}; rel=\"next\"", url(query.page + 1)));
        if !next_only {
            links.push(format!("{}; rel=\"last\"", url(pages)));
        }
    }
    if query.page > 1 && !next_only {
        links.push(format!("{}; rel=\"prev\"", url(query.page - 1)));
        links.push(format!("{}; rel=\"first\"", url(1)));
    }
    (!links.is_empty()).then(|| links.join(", "))
}

/// GitHub's documentation pages for the two bulk calls, as its error bodies cite them.
const REVOKE_DOCS: &str = "https://docs.github.com/rest/orgs/personal-access-tokens#update-the-access-to-organization-resources-via-fine-grained-personal-access-tokens";
const REVIEW_DOCS: &str = "https://docs.github.com/rest/orgs/personal-access-tokens#review-requests-to-access-organization-resources-with-fine-grained-personal-access-tokens";

/// One revoke or review call the stand-in received.
#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    /// The path, e.g. `/orgs/acme/personal-access-tokens`.
    pub path: String,
    /// The JSON body as sent (`Value::Null` when it was not JSON).
    pub body: Value,
    /// The status the stand-in answered.
    pub status: u16,
}

impl Post {
    /// The ids of the call: `pat_ids` or `pat_request_ids`.
    pub fn ids(&self) -> Vec<i64> {
        ["pat_ids", "pat_request_ids"]
            .iter()
            .filter_map(|k| self.body[*k].as_array())
            .flatten()
            .filter_map(Value::as_i64)
            .collect()
    }
}

/// What the bulk calls changed, and the calls themselves.
#[derive(Debug, Default)]
struct Acted {
    /// (organization login in lower case, grant id) revoked.
    revoked: HashSet<(String, i64)>,
    /// (organization login in lower case, request id) approved or denied.
    reviewed: HashSet<(String, i64)>,
    posts: Vec<Post>,
}

impl Inner {
    /// The ids a listing no longer shows.
    fn removed(&self, org: &str, listing: Listing) -> HashSet<i64> {
        let org = org.to_ascii_lowercase();
        let Ok(acted) = self.acted.lock() else {
            return HashSet::new();
        };
        let set = match listing {
            Listing::Grants => &acted.revoked,
            Listing::Requests => &acted.reviewed,
        };
        set.iter()
            .filter(|(o, _)| *o == org)
            .map(|(_, id)| *id)
            .collect()
    }
}

async fn revoke(
    State(s): State<Arc<Inner>>,
    Path(org): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    bulk(&s, &org, Listing::Grants, &uri, &headers, &body).await
}

async fn review(
    State(s): State<Arc<Inner>>,
    Path(org): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    bulk(&s, &org, Listing::Requests, &uri, &headers, &body).await
}

/// Why a bulk call's body is refused, as GitHub's 422 says it; `None` when
/// it is acceptable.
fn invalid_bulk(listing: Listing, body: &Value) -> Option<String> {
    let (ids_key, actions): (&str, &[&str]) = match listing {
        Listing::Grants => ("pat_ids", &["revoke"]),
        Listing::Requests => ("pat_request_ids", &["approve", "deny"]),
    };
    let action = body["action"].as_str().unwrap_or_default();
    if !actions.contains(&action) {
        return Some(format!("`action` must be one of {}", actions.join(", ")));
    }
    let Some(ids) = body[ids_key].as_array() else {
        return Some(format!("`{ids_key}` is missing"));
    };
    if ids.is_empty() || ids.len() > 100 || ids.iter().any(|v| !v.is_i64()) {
        return Some(format!(
            "`{ids_key}` must be formed of between 1 and 100 integers; {} given",
            ids.len()
        ));
    }
    if let Some(reason) = body.get("reason").and_then(Value::as_str)
        && reason.chars().count() > 1024
    {
        return Some("`reason` is longer than 1024 characters".into());
    }
    None
}

async fn bulk(
    s: &Inner,
    org: &str,
    listing: Listing,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    record(s, uri);
    wait_out(s.config.latency).await;
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let docs = match listing {
        Listing::Grants => REVOKE_DOCS,
        Listing::Requests => REVIEW_DOCS,
    };
    // The same credentials as the listings: the static token, or with an
    // App a token it minted for an installation on this organization.
    let authorized = app::authorize_listing(s, headers);
    let known = s
        .config
        .orgs
        .iter()
        .find(|o| o.login.eq_ignore_ascii_case(org));
    let ids: Vec<i64> = body[match listing {
        Listing::Grants => "pat_ids",
        Listing::Requests => "pat_request_ids",
    }]
    .as_array()
    .map(|a| a.iter().filter_map(Value::as_i64).collect())
    .unwrap_or_default();
    let response = if let Err(refusal) = authorized {
        refusal.response(s)
    } else if let Ok(Some(installation)) = authorized
        && !app::installation_covers(s, installation, org)
    {
        error(
            s,
            StatusCode::FORBIDDEN,
            "Resource not accessible by integration",
            docs,
            false,
        )
    } else if known.is_none() {
        error(s, StatusCode::NOT_FOUND, "Not Found", docs, false)
    } else if let Some(problem) = invalid_bulk(listing, &body) {
        error(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("Invalid request: {problem}"),
            docs,
            false,
        )
    } else if let Some(id) = ids.iter().find(|id| s.config.failing_ids.contains(id)) {
        error(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("Validation Failed: {id} could not be updated"),
            docs,
            false,
        )
    } else {
        if let Ok(mut acted) = s.acted.lock() {
            let org = org.to_ascii_lowercase();
            let set = match listing {
                Listing::Grants => &mut acted.revoked,
                Listing::Requests => &mut acted.reviewed,
            };
            set.extend(ids.iter().map(|id| (org.clone(), *id)));
        }
        (StatusCode::ACCEPTED, common_headers(s, false), "{}").into_response()
    };
    if let Ok(mut acted) = s.acted.lock() {
        acted.posts.push(Post {
            path: uri.path().to_string(),
            body,
            status: response.status().as_u16(),
        });
    }
    response
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn default_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A string as a JSON string literal, quotes included.
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// An optional time as JSON: a string, or `null`.
fn js_time(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "null".into(), |t| format!("\"{}\"", time(t)))
}

/// A `simple-user` as GitHub sends it. The JSON is written directly rather
/// than built as a `serde_json::Value`: the benchmark serves 100,000 grants
/// and the stand-in's time is not what it measures.
fn write_user(out: &mut String, login: &str) {
    // A stable id per login, so the same owner looks the same everywhere.
    let id = login
        .bytes()
        .fold(1u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 10_000_000;
    let quoted = js(login);
    let l = &quoted[1..quoted.len() - 1];
    let api = format!("https://api.github.com/users/{l}");
    let _ = write!(
        out,
        "{{\"login\":{quoted},\"id\":{id},\"node_id\":\"MDQ6VXNlcn{id}\",\
         \"avatar_url\":\"https://avatars.githubusercontent.com/u/{id}?v=4\",\"gravatar_id\":\"\",\
         \"url\":\"{api}\",\"html_url\":\"https://github.com/{l}\",\
         \"followers_url\":\"{api}/followers\",\"following_url\":\"{api}/following{{/other_user}}\",\
         \"gists_url\":\"{api}/gists{{/gist_id}}\",\"starred_url\":\"{api}/starred{{/owner}}{{/repo}}\",\
         \"subscriptions_url\":\"{api}/subscriptions\",\"organizations_url\":\"{api}/orgs\",\
         \"repos_url\":\"{api}/repos\",\"events_url\":\"{api}/events{{/privacy}}\",\
         \"received_events_url\":\"{api}/received_events\",\"type\":\"User\",\
         \"user_view_type\":\"public\",\"site_admin\":false}}"
    );
}

/// Permissions as `scope -> name -> level`, as GitHub nests them.
type Permissions = BTreeMap<String, BTreeMap<String, String>>;

fn write_permissions(out: &mut String, p: &Permissions) {
    // GitHub sends `organization` and `repository` (possibly empty) and
    // `other` only when there is something in it.
    let empty = BTreeMap::new();
    out.push('{');
    for scope in ["organization", "repository", "other"] {
        let map = match p.get(scope) {
            Some(map) => map,
            None if scope != "other" => &empty,
            None => continue,
        };
        if out.ends_with('}') {
            out.push(',');
        }
        let _ = write!(
            out,
            "\"{scope}\":{}",
            serde_json::to_string(map).unwrap_or_else(|_| "{}".into())
        );
    }
    out.push('}');
}

/// The JSON a `write_json` writes, as a value.
fn to_value(write: impl FnOnce(&mut String)) -> Value {
    let mut out = String::new();
    write(&mut out);
    serde_json::from_str(&out).unwrap_or(Value::Null)
}

/// An approved grant for the stand-in to serve.
#[derive(Clone, Debug, PartialEq)]
pub struct GrantSeed {
    /// The grant id (`pat_id`).
    pub id: i64,
    /// The token id.
    pub token_id: i64,
    /// The token name.
    pub token_name: String,
    /// The owner's login.
    pub owner: String,
    /// `all`, `subset` or `none` (or anything else, to test tolerance).
    pub repository_selection: String,
    /// `scope -> name -> level`.
    pub permissions: Permissions,
    /// When the grant was approved.
    pub access_granted_at: DateTime<Utc>,
    /// When the token expires; `None` for never.
    pub token_expires_at: Option<DateTime<Utc>>,
    /// When the token was last used; `None` for never.
    pub token_last_used_at: Option<DateTime<Utc>>,
    /// Overrides `token_expired`, which is otherwise computed from the expiry and `now`.
    pub token_expired: Option<bool>,
}

impl GrantSeed {
    /// A grant with token id `1000 + id`, owner `octocat`, selected
    /// repositories, no permissions, granted on 2025-01-01, never used, never
    /// expiring.
    pub fn new(id: i64) -> Self {
        GrantSeed {
            id,
            token_id: 1000 + id,
            token_name: format!("token-{id}"),
            owner: "octocat".into(),
            repository_selection: "subset".into(),
            permissions: Permissions::new(),
            access_granted_at: default_time(),
            token_expires_at: None,
            token_last_used_at: None,
            token_expired: None,
        }
    }

    /// Sets the token id.
    pub fn token_id(mut self, id: i64) -> Self {
        self.token_id = id;
        self
    }

    /// Sets the token name.
    pub fn token_name(mut self, name: impl Into<String>) -> Self {
        self.token_name = name.into();
        self
    }

    /// Sets the owner's login.
    pub fn owner(mut self, login: impl Into<String>) -> Self {
        self.owner = login.into();
        self
    }

    /// Sets `repository_selection`.
    pub fn repository_selection(mut self, selection: impl Into<String>) -> Self {
        self.repository_selection = selection.into();
        self
    }

    /// Adds (or replaces) one permission, e.g. `("repository", "contents", "write")`.
    pub fn permission(mut self, scope: &str, name: &str, level: &str) -> Self {
        self.permissions
            .entry(scope.into())
            .or_default()
            .insert(name.into(), level.into());
        self
    }

    /// Sets when the grant was approved.
    pub fn granted_at(mut self, at: DateTime<Utc>) -> Self {
        self.access_granted_at = at;
        self
    }

    /// Sets when the token expires.
    pub fn expires_at(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.token_expires_at = at;
        self
    }

    /// Sets when the token was last used.
    pub fn last_used_at(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.token_last_used_at = at;
        self
    }

    /// Forces GitHub's `token_expired` flag.
    pub fn token_expired(mut self, expired: bool) -> Self {
        self.token_expired = Some(expired);
        self
    }

    /// The grant as GitHub's JSON (`organization-programmatic-access-grant`).
    pub fn to_json(&self, base: &str, org_id: u64, now: DateTime<Utc>) -> Value {
        to_value(|out| self.write_json(out, base, org_id, now))
    }

    /// Appends the grant's JSON to `out`; what the stand-in serves.
    pub fn write_json(&self, out: &mut String, base: &str, org_id: u64, now: DateTime<Utc>) {
        let expired = self
            .token_expired
            .unwrap_or(self.token_expires_at.is_some_and(|t| t <= now));
        let _ = write!(out, "{{\"id\":{},\"owner\":", self.id);
        write_user(out, &self.owner);
        let _ = write!(
            out,
            ",\"repository_selection\":{},\"repositories_url\":{},\"permissions\":",
            js(&self.repository_selection),
            js(&format!(
                "{base}/organizations/{org_id}/personal-access-tokens/{}/repositories",
                self.id
            )),
        );
        write_permissions(out, &self.permissions);
        let _ = write!(
            out,
            ",\"access_granted_at\":\"{}\",\"token_id\":{},\"token_name\":{},\"token_expired\":{expired},\
             \"token_expires_at\":{},\"token_last_used_at\":{}}}",
            time(self.access_granted_at),
            self.token_id,
            js(&self.token_name),
            js_time(self.token_expires_at),
            js_time(self.token_last_used_at),
        );
    }
}

/// A pending request for the stand-in to serve.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestSeed {
    /// The request id (`pat_request_id`).
    pub id: i64,
    /// The token id.
    pub token_id: i64,
    /// The token name.
    pub token_name: String,
    /// The owner's login.
    pub owner: String,
    /// Why the owner asks.
    pub reason: Option<String>,
    /// `all`, `subset` or `none`.
    pub repository_selection: String,
    /// `scope -> name -> level`.
    pub permissions: Permissions,
    /// When the request was made.
    pub created_at: DateTime<Utc>,
    /// When the token expires; `None` for never.
    pub token_expires_at: Option<DateTime<Utc>>,
    /// When the token was last used.
    pub token_last_used_at: Option<DateTime<Utc>>,
}

impl RequestSeed {
    /// A request with token id `2000 + id`, owner `octocat`, selected
    /// repositories, no permissions, made on 2025-01-01, no reason.
    pub fn new(id: i64) -> Self {
        RequestSeed {
            id,
            token_id: 2000 + id,
            token_name: format!("request-{id}"),
            owner: "octocat".into(),
            reason: None,
            repository_selection: "subset".into(),
            permissions: Permissions::new(),
            created_at: default_time(),
            token_expires_at: None,
            token_last_used_at: None,
        }
    }

    /// Sets the owner's login.
    pub fn owner(mut self, login: impl Into<String>) -> Self {
        self.owner = login.into();
        self
    }

    /// Sets the token name.
    pub fn token_name(mut self, name: impl Into<String>) -> Self {
        self.token_name = name.into();
        self
    }

    /// Sets the reason.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Sets `repository_selection`.
    pub fn repository_selection(mut self, selection: impl Into<String>) -> Self {
        self.repository_selection = selection.into();
        self
    }

    /// Adds (or replaces) one permission.
    pub fn permission(mut self, scope: &str, name: &str, level: &str) -> Self {
        self.permissions
            .entry(scope.into())
            .or_default()
            .insert(name.into(), level.into());
        self
    }

    /// Sets when the request was made.
    pub fn created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = at;
        self
    }

    /// Sets when the token expires.
    pub fn expires_at(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.token_expires_at = at;
        self
    }

    /// The request as GitHub's JSON (`organization-programmatic-access-grant-request`).
    pub fn to_json(&self, base: &str, org_id: u64, now: DateTime<Utc>) -> Value {
        to_value(|out| self.write_json(out, base, org_id, now))
    }

    /// Appends the request's JSON to `out`; what the stand-in serves.
    pub fn write_json(&self, out: &mut String, base: &str, org_id: u64, now: DateTime<Utc>) {
        let reason = self.reason.as_deref().map_or_else(|| "null".into(), js);
        let expired = self.token_expires_at.is_some_and(|t| t <= now);
        let _ = write!(out, "{{\"id\":{},\"reason\":{reason},\"owner\":", self.id);
        write_user(out, &self.owner);
        let _ = write!(
            out,
            ",\"repository_selection\":{},\"repositories_url\":{},\"permissions\":",
            js(&self.repository_selection),
            js(&format!(
                "{base}/organizations/{org_id}/personal-access-token-requests/{}/repositories",
                self.id
            )),
        );
        write_permissions(out, &self.permissions);
        let _ = write!(
            out,
            ",\"created_at\":\"{}\",\"token_id\":{},\"token_name\":{},\"token_expired\":{expired},\
             \"token_expires_at\":{},\"token_last_used_at\":{}}}",
            time(self.created_at),
            self.token_id,
            js(&self.token_name),
            js_time(self.token_expires_at),
            js_time(self.token_last_used_at),
        );
    }
}

/// A `personal_access_token_request` webhook payload for `request`, as
/// GitHub delivers it to a GitHub App (`action` is `created`, `approved`,
/// `denied` or `cancelled`): for the serve tests and benchmarks.
pub fn request_event(
    action: &str,
    request: &RequestSeed,
    org: &str,
    org_id: u64,
    installation_id: i64,
) -> Value {
    let listed = request.to_json("https://api.github.com", org_id, request.created_at);
    let api = format!("https://api.github.com/orgs/{org}");
    let repositories: Vec<Value> = (request.repository_selection == "subset")
        .then(|| {
            serde_json::json!({
                "full_name": format!("{org}/app"), "id": 1296269, "name": "app",
                "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "private": true
            })
        })
        .into_iter()
        .collect();
    serde_json::json!({
        "action": action,
        "personal_access_token_request": {
            "id": request.id,
            "owner": listed["owner"],
            "permissions_added": listed["permissions"],
            "permissions_upgraded": {},
            "permissions_result": listed["permissions"],
            "repository_selection": request.repository_selection,
            "repository_count": repositories.len(),
            "repositories": repositories,
            "created_at": listed["created_at"],
            "token_id": request.token_id,
            "token_name": request.token_name,
            "token_expired": false,
            "token_expires_at": listed["token_expires_at"],
            "token_last_used_at": listed["token_last_used_at"],
        },
        "organization": {
            "login": org, "id": org_id, "node_id": format!("O_{org_id}"), "url": api,
            "repos_url": format!("{api}/repos"), "events_url": format!("{api}/events"),
            "hooks_url": format!("{api}/hooks"), "issues_url": format!("{api}/issues"),
            "members_url": format!("{api}/members{{/member}}"),
            "public_members_url": format!("{api}/public_members{{/member}}"),
            "avatar_url": "https://avatars.githubusercontent.com/u/9919?v=4",
            "description": null
        },
        "sender": listed["owner"],
        "installation": {"id": installation_id, "node_id": format!("I_{installation_id}")}
    })
}

/// A well-mixed 64-bit hash (splitmix64), so seeded data look random but
/// are the same on every run.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

const OWNERS: [&str; 12] = [
    "octocat",
    "hubot",
    "monalisa",
    "mojombo",
    "defunkt",
    "pjhyett",
    "wycats",
    "ezmobius",
    "ivey",
    "evanphx",
    "vanpelt",
    "technoweenie",
];
const TOKEN_NAMES: [&str; 10] = [
    "deploy",
    "ci",
    "release-bot",
    "terraform",
    "backup",
    "docs-site",
    "laptop",
    "migration",
    "renovate",
    "dashboards",
];

/// Grant number `index` of an organization, generated from `seed`: about a
/// tenth expired, a tenth expiring within two weeks, a fifth without expiry,
/// a fifth never used, a fifth stale, a fifth reaching all repositories, a
/// third with write access, a tenth with admin access.
pub fn seeded_grant(seed: u64, org_id: u64, index: usize, now: DateTime<Utc>) -> GrantSeed {
    let r = mix(seed ^ mix(org_id) ^ (index as u64).wrapping_mul(0x1000_0001));
    let pick = |shift: u32, n: u64| (r >> shift) % n;
    // Readable ids, unique across up to 1,000 organizations of up to a million grants.
    let id = (org_id % 1000) as i64 * 1_000_000 + index as i64 + 1;
    let hours = |h: u64| TimeDelta::hours(h as i64);
    let days = |d: u64| TimeDelta::days(d as i64);

    let expires_at = match pick(0, 10) {
        0 => Some(now - days(1 + pick(8, 60))),
        1 => Some(now + hours(1 + pick(8, 14 * 24 - 1))),
        2 | 3 => None,
        _ => Some(now + days(15 + pick(8, 350))),
    };
    let (last_used_at, used_age) = match pick(16, 10) {
        0 | 1 => (None, 0),
        2 | 3 => {
            let age = 91 + pick(20, 300);
            (Some(now - days(age)), age)
        }
        _ => {
            let age = pick(20, 89);
            (Some(now - days(age) - hours(pick(28, 23))), age)
        }
    };
    let granted_at = now - days(used_age + 1 + pick(36, 200));
    let selection = match pick(44, 10) {
        0 | 1 => "all",
        2 => "none",
        _ => "subset",
    };
    let mut g = GrantSeed::new(id)
        .token_id(id + 500_000_000)
        .token_name(TOKEN_NAMES[pick(48, TOKEN_NAMES.len() as u64) as usize])
        .owner(OWNERS[pick(52, OWNERS.len() as u64) as usize])
        .repository_selection(selection)
        .granted_at(granted_at)
        .expires_at(expires_at)
        .last_used_at(last_used_at)
        .permission("repository", "metadata", "read");
    if pick(56, 3) == 0 {
        g = g.permission("repository", "contents", "write");
    }
    if pick(58, 2) == 0 {
        g = g.permission("organization", "members", "read");
    }
    if pick(60, 10) == 0 {
        g = g.permission("organization", "administration", "admin");
    }
    g
}

/// Request number `index` of an organization, generated from `seed`: made
/// in the last month, asking for a mix of access.
pub fn seeded_request(seed: u64, org_id: u64, index: usize, now: DateTime<Utc>) -> RequestSeed {
    let r = mix(!seed ^ mix(org_id) ^ (index as u64).wrapping_mul(0x2000_0003));
    let pick = |shift: u32, n: u64| (r >> shift) % n;
    let id = (org_id % 1000) as i64 * 1_000_000 + index as i64 + 1;
    let mut q = RequestSeed::new(id)
        .token_name(TOKEN_NAMES[pick(0, TOKEN_NAMES.len() as u64) as usize])
        .owner(OWNERS[pick(8, OWNERS.len() as u64) as usize])
        .created_at(now - TimeDelta::hours(1 + pick(16, 30 * 24) as i64))
        .repository_selection(if pick(28, 3) == 0 { "all" } else { "subset" })
        .permission("repository", "metadata", "read")
        .reason(
            [
                "release automation",
                "read issues for the dashboard",
                "migrate CI secrets",
            ][pick(32, 3) as usize],
        );
    q.token_id = id + 700_000_000;
    if pick(36, 2) == 0 {
        q = q.permission("repository", "contents", "write");
    }
    q.expires_at(match pick(40, 3) {
        0 => None,
        n => Some(now + TimeDelta::days(30 * n as i64)),
    })
}

/// The demo's fixed "now".
pub fn demo_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The demo's GitHub App (client ID `Iv23liPatAuditDemo`, App ID 424242),
/// installed on every organization of [`demo`], with `public_key` (a
/// [`ThrowawayKey`]'s).
pub fn demo_app(public_key: Vec<u8>) -> AppConfig {
    demo().orgs.iter().enumerate().fold(
        AppConfig::new(424_242, DEMO_CLIENT_ID, public_key),
        |app, (i, org)| app.installed_on(5_000_001 + i as i64, org.login.clone()),
    )
}

/// The client ID of [`demo_app`].
pub const DEMO_CLIENT_ID: &str = "Iv23liPatAuditDemo";

/// The demo's organizations: three, 330 grants and 15 requests between them,
/// every finding present, several pages each.
pub fn demo() -> StandIn {
    StandIn::new(
        vec![
            OrgConfig::new("acme-corp", 40_001)
                .grants(Source::Seeded {
                    count: 180,
                    seed: 1,
                })
                .requests(Source::Seeded { count: 8, seed: 1 }),
            OrgConfig::new("globex", 40_002)
                .grants(Source::Seeded {
                    count: 110,
                    seed: 2,
                })
                .requests(Source::Seeded { count: 5, seed: 2 }),
            OrgConfig::new("initech", 40_003)
                .grants(Source::Seeded { count: 40, seed: 3 })
                .requests(Source::Seeded { count: 2, seed: 3 }),
        ],
        demo_now(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_look_like_githubs() {
        let q = parse_query(Some("per_page=100&page=2&owner%5B%5D=octocat"));
        let link = link_header(
            "http://127.0.0.1:1",
            652551,
            Listing::Grants,
            &q,
            250,
            false,
        )
        .unwrap();
        assert_eq!(
            link,
            "<http://127.0.0.1:1/organizations/652551/personal-access-tokens?per_page=100&owner%5B%5D=octocat&page=3>; rel=\"next\", \
             <http://127.0.0.1:1/organizations/652551/personal-access-tokens?per_page=100&owner%5B%5D=octocat&page=3>; rel=\"last\", \
             <http://127.0.0.1:1/organizations/652551/personal-access-tokens?per_page=100&owner%5B%5D=octocat&page=1>; rel=\"prev\", \
             <http://127.0.0.1:1/organizations/652551/personal-access-tokens?per_page=100&owner%5B%5D=octocat&page=1>; rel=\"first\""
        );
        let last = parse_query(Some("per_page=100&page=3"));
        assert!(
            !link_header("http://h", 1, Listing::Grants, &last, 250, false)
                .unwrap()
                .contains("next")
        );
        let only = parse_query(Some("per_page=100"));
        assert_eq!(
            link_header("http://h", 1, Listing::Grants, &only, 100, false),
            None
        );
        let first = parse_query(Some("per_page=100"));
        assert_eq!(
            link_header("http://h", 1, Listing::Grants, &first, 250, true).unwrap(),
            "<http://h/organizations/1/personal-access-tokens?per_page=100&page=2>; rel=\"next\""
        );
    }

    #[test]
    fn seeded_data_are_deterministic_and_decode_with_the_sdk() {
        let now = demo_now();
        for i in 0..200 {
            let a = seeded_grant(1, 7, i, now);
            assert_eq!(a, seeded_grant(1, 7, i, now));
            let _: github_pat_grants::types::OrganizationProgrammaticAccessGrant =
                serde_json::from_value(a.to_json("http://h", 7, now)).unwrap();
            let _: github_pat_grants::types::OrganizationProgrammaticAccessGrantRequest =
                serde_json::from_value(seeded_request(1, 7, i, now).to_json("http://h", 7, now))
                    .unwrap();
        }
        assert_ne!(seeded_grant(1, 7, 0, now), seeded_grant(2, 7, 0, now));
    }

    #[test]
    fn strings_are_escaped_and_values_land_where_github_puts_them() {
        let now = demo_now();
        let grant = GrantSeed::new(7)
            .token_name("say \"hi\"\n")
            .owner("o\"wner")
            .permission("other", "gists", "write")
            .expires_at(Some(now))
            .last_used_at(Some(now - TimeDelta::days(1)));
        let v = grant.to_json("http://h", 3, now);
        assert_eq!(v["token_name"], "say \"hi\"\n");
        assert_eq!(v["owner"]["login"], "o\"wner");
        assert_eq!(v["owner"]["html_url"], "https://github.com/o\"wner");
        assert_eq!(
            v["permissions"],
            serde_json::json!({"organization": {}, "repository": {}, "other": {"gists": "write"}})
        );
        assert_eq!(v["token_expired"], true);
        assert_eq!(v["token_expires_at"], "2025-06-02T09:00:00Z");
        assert_eq!(v["token_last_used_at"], "2025-06-01T09:00:00Z");
        assert_eq!(
            v["repositories_url"],
            "http://h/organizations/3/personal-access-tokens/7/repositories"
        );
        let decoded: github_pat_grants::types::OrganizationProgrammaticAccessGrant =
            serde_json::from_value(v).unwrap();
        assert_eq!(decoded.token_name, "say \"hi\"\n");
        let request = RequestSeed::new(8).to_json("http://h", 3, now);
        assert_eq!(
            (
                request["reason"].clone(),
                request["token_last_used_at"].clone()
            ),
            (Value::Null, Value::Null)
        );
        assert_eq!(
            request["owner"]["following_url"],
            "https://api.github.com/users/octocat/following{/other_user}"
        );
    }

    #[test]
    fn the_specs_example_and_ours_have_the_same_fields() {
        let spec: Value = serde_json::from_str(include_str!("../../spec/openapi.json")).unwrap();
        let examples = &spec["components"]["examples"];
        let keys = |v: &Value| -> Vec<String> {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        let now = demo_now();
        let grant = GrantSeed::new(1)
            .permission("repository", "metadata", "read")
            .to_json("http://h", 1, now);
        assert_eq!(
            keys(&grant),
            keys(&examples["org-pat-grant-paginated"]["value"][0])
        );
        assert_eq!(
            keys(&grant["owner"]).len(),
            keys(&examples["org-pat-grant-paginated"]["value"][0]["owner"]).len() + 1,
            "the owner carries GitHub's newer user_view_type as well"
        );
        let request = RequestSeed::new(1).reason("x").to_json("http://h", 1, now);
        assert_eq!(
            keys(&request),
            keys(&examples["org-pat-grant-request-paginated"]["value"][0])
        );
    }
}
