//! Every call to GitHub the audit makes, through the SDK: building the
//! client, listing each organization's grants and requests, and explaining
//! what GitHub's errors mean for the App's permissions.
//!
//! Keeping every SDK call here means authentication (GitHub App support is
//! coming to the SDK) and the calls can be swapped in one place.
//!
//! # How the pages are fetched
//!
//! Each organization has two listings (grants and requests). `concurrency`
//! workers share one queue of requests to make. The first page of every
//! listing is requested first; GitHub's `Link` header on it names the last
//! page (`rel="last"`, `page=N`), so pages 2 to N are then queued by number
//! and taken by whichever worker is free, from any organization. That keeps
//! every worker busy until the very last page, where fetching organization by
//! organization would leave workers idle while the largest organizations
//! finish. A listing whose `Link` header has no page numbers is followed link
//! by link, by one worker, with the SDK's stream.
//!
//! Workers hand each page over through a channel of `concurrency` places and
//! go on at once; the caller assesses it and drops it. Memory holds at most
//! twice `concurrency` pages whatever the number of grants.

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::{StreamExt as _, TryStreamExt as _};
use github_pat_grants::types::{
    OrganizationProgrammaticAccessGrant as Grant,
    OrganizationProgrammaticAccessGrantRequest as Request,
};
use github_pat_grants::{
    Client, Error, Operation as _, Paginated as _, RateLimit, RetryPolicy, builder,
};

use tokio::sync::{Notify, mpsc};
use tokio::task::JoinSet;

use crate::cli::AuthArgs;

/// The page size: GitHub's maximum, so the fewest requests.
pub const PER_PAGE: u32 = 100;

/// Builds the client every call goes through.
///
/// This is the one place that turns the command line's credentials into a
/// [`Client`]. Today the SDK takes a bearer token, read from `GITHUB_TOKEN`
/// (or [`AuthArgs::token`], which `demo` sets); the GitHub App flags are
/// accepted by the command line and refused here until the SDK can sign in
/// as an App.
///
/// # Errors
/// App flags given, no token, or a base URL the SDK refuses.
pub fn connect(auth: &AuthArgs, base_url: &str) -> anyhow::Result<Client> {
    if auth.app_id.is_some()
        || auth.client_id.is_some()
        || auth.private_key.is_some()
        || auth.all_installations
    {
        bail!(
            "GitHub App authentication is not available in this build yet; set GITHUB_TOKEN \
             to an installation token instead (--app-id, --client-id, --private-key and \
             --all-installations need it)"
        );
    }
    let token = auth
        .token
        .clone()
        .or_else(|| std::env::var("GITHUB_TOKEN").ok())
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            anyhow!(
                "no credentials: set GITHUB_TOKEN to a GitHub App installation token \
                 (only GitHub Apps may list an organization's fine-grained token grants)"
            )
        })?;
    Client::builder()
        .token(token.trim())
        .base_url(base_url)
        .user_agent(concat!("pat-audit/", env!("CARGO_PKG_VERSION")))
        // Waits out rate limits (up to the policy's 15 minutes) and retries 5xx.
        .retry(RetryPolicy::new())
        .build()
        .context("setting up the GitHub client")
}

/// The organizations to audit: those named with `--org`, each once, in the
/// order given. With `--all-installations` it will list every organization
/// the App is installed on (GitHub App authentication, not in this build).
///
/// # Errors
/// No organization named and none to discover.
pub async fn organizations(
    _client: &Client,
    auth: &AuthArgs,
    named: &[String],
) -> anyhow::Result<Vec<String>> {
    if auth.all_installations {
        bail!(
            "--all-installations needs GitHub App authentication, which is not available in this build yet"
        );
    }
    let mut orgs: Vec<String> = Vec::new();
    for org in named.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        // Logins are case-insensitive on GitHub.
        if !orgs.iter().any(|o| o.eq_ignore_ascii_case(org)) {
            orgs.push(org.to_string());
        }
    }
    if orgs.is_empty() {
        bail!("name at least one organization with --org ORG");
    }
    Ok(orgs)
}

/// One of the two listings of an organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `GET /orgs/{org}/personal-access-tokens`.
    Grants,
    /// `GET /orgs/{org}/personal-access-token-requests`.
    Requests,
}

impl Endpoint {
    /// The App's organization permission the listing needs: its name in
    /// GitHub's settings and its key in the API.
    pub fn permission(self) -> (&'static str, &'static str) {
        match self {
            Endpoint::Grants => (
                "Personal access tokens",
                "organization_personal_access_tokens",
            ),
            Endpoint::Requests => (
                "Personal access token requests",
                "organization_personal_access_token_requests",
            ),
        }
    }

    /// What the listing is, for messages.
    pub fn what(self) -> &'static str {
        match self {
            Endpoint::Grants => "listing grants",
            Endpoint::Requests => "listing token requests",
        }
    }
}

/// What to fetch.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The organizations, in report order.
    pub orgs: Vec<String>,
    /// Fetch the approved grants.
    pub grants: bool,
    /// Fetch the pending requests.
    pub requests: bool,
    /// Only tokens of these owners (`owner[]`, at most 10).
    pub owners: Vec<String>,
    /// Only grants last used before this moment (`last_used_before`).
    pub last_used_before: Option<DateTime<Utc>>,
    /// Requests in flight at most.
    pub concurrency: usize,
}

/// One page's items.
#[derive(Debug)]
#[non_exhaustive]
pub enum Items {
    /// A page of grants.
    Grants(Vec<Grant>),
    /// A page of requests.
    Requests(Vec<Request>),
}

/// What [`fetch_all`] reports as it goes.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// A page arrived.
    Page {
        /// Index into [`Plan::orgs`].
        org: usize,
        /// Its items.
        items: Items,
        /// The rate-limit figures that came with it.
        rate_limit: Option<RateLimit>,
    },
    /// A listing is finished, completely or with an error (the pages before
    /// the error have been reported).
    Done {
        /// Index into [`Plan::orgs`].
        org: usize,
        /// Which listing.
        endpoint: Endpoint,
        /// Why it stopped early.
        error: Option<Error>,
    },
}

type PageOut = (Items, Option<RateLimit>);
type PageStream<'a> = BoxStream<'a, Result<PageOut, Error>>;

/// What to do after a listing's first page.
enum Continuation {
    /// It was the only page.
    Nothing,
    /// Pages 2 to this one, by number.
    Numbered(u32),
    /// Follow the `next` links one by one.
    Serial,
}

/// One request (or, for `Serial`, one chain of requests) a worker makes.
enum Job {
    First,
    Numbered(u32),
    Serial,
}

fn grants<'a>(client: &'a Client, plan: &Plan, org: &str) -> builder::OrgsListPatGrants<'a> {
    let mut b = client
        .orgs_list_pat_grants()
        .org(org.to_string())
        .per_page(PER_PAGE);
    if !plan.owners.is_empty() {
        b = b.owner(plan.owners.clone());
    }
    if let Some(before) = plan.last_used_before {
        b = b.last_used_before(before);
    }
    b
}

fn requests<'a>(
    client: &'a Client,
    plan: &Plan,
    org: &str,
) -> builder::OrgsListPatGrantRequests<'a> {
    let mut b = client
        .orgs_list_pat_grant_requests()
        .org(org.to_string())
        .per_page(PER_PAGE);
    if !plan.owners.is_empty() {
        b = b.owner(plan.owners.clone());
    }
    b
}

/// The `next` and `last` targets of a response's `Link` headers.
#[derive(Debug, Default, PartialEq)]
struct Links {
    next: Option<String>,
    last: Option<String>,
}

/// Parses `Link` header values (RFC 8288): `<url>; rel="next", <url>; rel="last"`.
fn parse_links<'h>(values: impl Iterator<Item = &'h str>) -> Links {
    let mut links = Links::default();
    for value in values {
        let mut rest = value;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('>') else { break };
            let target = &after[..close];
            let params = &after[close + 1..];
            // The parameters run up to the next link (a comma, then `<`).
            let end = params
                .match_indices(',')
                .find(|(i, _)| params[i + 1..].trim_start().starts_with('<'))
                .map_or(params.len(), |(i, _)| i);
            for param in params[..end].split(';') {
                let Some((name, value)) = param.split_once('=') else {
                    continue;
                };
                if !name.trim().eq_ignore_ascii_case("rel") {
                    continue;
                }
                for rel in value.trim().trim_matches('"').split_whitespace() {
                    let slot = match rel.to_ascii_lowercase().as_str() {
                        "next" => &mut links.next,
                        "last" => &mut links.last,
                        _ => continue,
                    };
                    slot.get_or_insert_with(|| target.to_string());
                }
            }
            rest = &params[end..];
        }
    }
    links
}

/// The `page` query parameter of a link target.
fn page_number(target: &str) -> Option<u32> {
    let url = url::Url::parse(target).ok()?;

    url.query_pairs().find(|(k, _)| k == "page")?.1.parse().ok()
}

impl Links {
    fn continuation(&self) -> Continuation {
        match (&self.next, &self.last) {
            (None, _) => Continuation::Nothing,
            (Some(next), Some(last)) if page_number(next) == Some(2) => match page_number(last) {
                Some(last) if last >= 2 => Continuation::Numbered(last),
                _ => Continuation::Serial,
            },
            (Some(_), _) => Continuation::Serial,
        }
    }
}

async fn first_page(
    client: &Client,
    plan: &Plan,
    org: &str,
    endpoint: Endpoint,
) -> Result<(PageOut, Continuation), Error> {
    // The first page is requested without `page`, as GitHub's own links do.
    macro_rules! first {
        ($builder:expr, $variant:ident) => {{
            let response = $builder.call_with_response().await?;
            let links = parse_links(
                response
                    .headers()
                    .get_all("link")
                    .iter()
                    .filter_map(|v| v.to_str().ok()),
            );
            let rate_limit = RateLimit::from_headers(response.headers());
            Ok((
                (Items::$variant(response.into_inner()), rate_limit),
                links.continuation(),
            ))
        }};
    }
    match endpoint {
        Endpoint::Grants => first!(grants(client, plan, org), Grants),
        Endpoint::Requests => first!(requests(client, plan, org), Requests),
    }
}

async fn numbered_page(
    client: &Client,
    plan: &Plan,
    org: &str,
    endpoint: Endpoint,
    page: u32,
) -> Result<PageOut, Error> {
    macro_rules! numbered {
        ($builder:expr, $variant:ident) => {{
            let response = $builder.page(page).call_with_response().await?;
            let rate_limit = RateLimit::from_headers(response.headers());
            Ok((Items::$variant(response.into_inner()), rate_limit))
        }};
    }
    match endpoint {
        Endpoint::Grants => numbered!(grants(client, plan, org), Grants),
        Endpoint::Requests => numbered!(requests(client, plan, org), Requests),
    }
}

/// The pages after the first, following GitHub's `next` links with the
/// SDK's stream (which checks that each link stays on the API's origin).
/// The stream starts over from the first page, which was already reported.
fn serial_pages<'a>(
    client: &'a Client,
    plan: &Plan,
    org: &str,
    endpoint: Endpoint,
) -> PageStream<'a> {
    match endpoint {
        Endpoint::Grants => grants(client, plan, org)
            .pages()
            .skip(1)
            .map_ok(|page| (Items::Grants(page.items), page.rate_limit))
            .boxed(),
        Endpoint::Requests => requests(client, plan, org)
            .pages()
            .skip(1)
            .map_ok(|page| (Items::Requests(page.items), page.rate_limit))
            .boxed(),
    }
}

/// Progress of one listing.
#[derive(Default)]
struct Unit {
    /// Jobs queued or running.
    outstanding: usize,
    error: Option<Error>,
    done: bool,
}

/// What the workers share, behind a mutex that is never held across an `.await`.
struct Board {
    /// The listings: (index into `Plan::orgs`, which listing).
    listings: Vec<(usize, Endpoint)>,
    units: Vec<Unit>,
    queue: VecDeque<(usize, Job)>,
    /// Jobs queued or running, all listings together: the workers stop at 0.
    outstanding: usize,
}

/// The state shared by the workers of one `fetch_all`.
struct Shared {
    client: Client,
    plan: Plan,
    board: Mutex<Board>,
    /// Wakes workers waiting for jobs (or for the end).
    wake: Notify,
    events: mpsc::Sender<Event>,
}

impl Shared {
    fn board(&self) -> MutexGuard<'_, Board> {
        // A worker that panicked while holding the lock left the board as
        // consistent as any other moment: every change is a few plain writes.
        self.board
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues jobs for a listing.
    fn add(&self, unit: usize, jobs: impl IntoIterator<Item = Job>) {
        let mut board = self.board();
        let before = board.queue.len();
        board.queue.extend(jobs.into_iter().map(|job| (unit, job)));
        let added = board.queue.len() - before;
        board.units[unit].outstanding += added;
        board.outstanding += added;
        drop(board);
        self.wake.notify_waiters();
    }

    /// Records a listing's failure; its jobs not yet started are dropped and
    /// the first error is the one reported.
    fn fail(&self, unit: usize, error: Error) {
        let mut board = self.board();
        let before = board.queue.len();
        board.queue.retain(|(u, _)| *u != unit);
        let dropped = before - board.queue.len();
        board.units[unit].outstanding -= dropped;
        board.outstanding -= dropped;
        board.units[unit].error.get_or_insert(error);
    }

    /// Marks a job finished; reports the listing when it was its last.
    async fn finish(&self, unit: usize) -> Result<(), mpsc::error::SendError<Event>> {
        let done = {
            let mut board = self.board();
            board.units[unit].outstanding -= 1;
            board.outstanding -= 1;
            let last = board.units[unit].outstanding == 0 && !board.units[unit].done;
            if last {
                board.units[unit].done = true;
            }
            let (org, endpoint) = board.listings[unit];
            last.then(|| (org, endpoint, board.units[unit].error.take()))
        };
        self.wake.notify_waiters();
        match done {
            Some((org, endpoint, error)) => {
                self.events
                    .send(Event::Done {
                        org,
                        endpoint,
                        error,
                    })
                    .await
            }
            None => Ok(()),
        }
    }

    async fn page(
        &self,
        org: usize,
        (items, rate_limit): PageOut,
    ) -> Result<(), mpsc::error::SendError<Event>> {
        self.events
            .send(Event::Page {
                org,
                items,
                rate_limit,
            })
            .await
    }
}

/// One of the `concurrency` workers: takes the next job, makes the request,
/// hands the page over, and goes on until no job is left anywhere. A worker
/// never waits for the pages it hands over to be processed (unless the
/// bounded channel is full), so the next request leaves at once.
async fn worker(shared: Arc<Shared>) {
    let (client, plan) = (&shared.client, &shared.plan);
    loop {
        // Registered before looking, so that a wake-up between the look and
        // the wait is not lost.
        let woken = shared.wake.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let next = {
            let mut board = shared.board();
            match board.queue.pop_front() {
                Some((unit, job)) => Some((unit, job, board.listings[unit])),
                None if board.outstanding == 0 => return,
                None => None,
            }
        };
        let Some((unit, job, (org, endpoint))) = next else {
            woken.await;
            continue;
        };
        let name = plan.orgs[org].as_str();
        let sent = match job {
            Job::First => match first_page(client, plan, name, endpoint).await {
                Ok((page, continuation)) => {
                    match continuation {
                        Continuation::Nothing => {}
                        Continuation::Numbered(last) => {
                            shared.add(unit, (2..=last).map(Job::Numbered))
                        }
                        Continuation::Serial => shared.add(unit, [Job::Serial]),
                    }
                    shared.page(org, page).await
                }
                Err(e) => {
                    shared.fail(unit, e);
                    Ok(())
                }
            },
            Job::Numbered(n) => match numbered_page(client, plan, name, endpoint, n).await {
                Ok(page) => shared.page(org, page).await,
                Err(e) => {
                    shared.fail(unit, e);
                    Ok(())
                }
            },
            Job::Serial => {
                // A chain of `next` links cannot be parallel: one worker follows it.
                let mut pages = serial_pages(client, plan, name, endpoint);
                let mut sent = Ok(());
                while let Some(page) = pages.next().await {
                    match page {
                        Ok(page) => sent = shared.page(org, page).await,
                        Err(e) => shared.fail(unit, e),
                    }
                    if sent.is_err() {
                        break;
                    }
                }
                sent
            }
        };
        // A closed channel means the caller stopped listening: stop too.
        if sent.is_err() || shared.finish(unit).await.is_err() {
            return;
        }
    }
}

/// Fetches every listing of the plan and reports each page and each
/// finished listing to `on_event`, which may stop everything by returning
/// [`ControlFlow::Break`] (for instance when the report cannot be written).
///
/// `concurrency` workers make the requests; pages wait for `on_event` in a
/// channel of `concurrency` places, so memory holds at most twice
/// `concurrency` pages. A listing that fails is reported once, with its
/// error; the others go on. Must run inside a tokio runtime.
pub async fn fetch_all(
    client: &Client,
    plan: &Plan,
    mut on_event: impl FnMut(Event) -> ControlFlow<()>,
) {
    let mut listings: Vec<(usize, Endpoint)> = Vec::new();
    for org in 0..plan.orgs.len() {
        if plan.grants {
            listings.push((org, Endpoint::Grants));
        }
        if plan.requests {
            listings.push((org, Endpoint::Requests));
        }
    }
    let limit = plan.concurrency.max(1);
    let (events, mut received) = mpsc::channel(limit);
    let shared = Arc::new(Shared {
        client: client.clone(),
        plan: plan.clone(),
        board: Mutex::new(Board {
            units: listings
                .iter()
                .map(|_| Unit {
                    outstanding: 1,
                    ..Unit::default()
                })
                .collect(),
            queue: (0..listings.len()).map(|u| (u, Job::First)).collect(),
            outstanding: listings.len(),
            listings,
        }),
        wake: Notify::new(),
        events,
    });
    let mut workers = JoinSet::new();
    for _ in 0..limit {
        workers.spawn(worker(shared.clone()));
    }
    // The workers hold the only senders: the channel closes when they are done.
    drop(shared);
    loop {
        tokio::select! {
            event = received.recv() => match event {
                Some(event) => {
                    if on_event(event).is_break() {
                        workers.abort_all();
                        return;
                    }
                }
                None => return,
            },
            Some(joined) = workers.join_next() => {
                // A worker that panicked is a bug; say so rather than wait forever.
                if let Err(e) = joined
                    && e.is_panic()
                {
                    workers.abort_all();
                    std::panic::resume_unwind(e.into_panic());
                }
            }
        }
    }
}

/// A failed listing in words: GitHub's message, and what it means for the
/// App's permissions or installation.
pub fn explain(org: &str, endpoint: Endpoint, error: &Error) -> String {
    let (name, key) = endpoint.permission();
    let needs = format!("the organization permission \"{name}\" ({key}): read");
    let hint = match error {
        Error::Api(e) if e.status == 403 => format!(
            "the GitHub App lacks {needs}; grant it in the App's settings and accept the new \
             permission on the organization (a token that is not a GitHub App installation \
             token cannot call this endpoint at all)"
        ),
        Error::Api(e) if e.status == 404 => format!(
            "the organization does not exist, or the GitHub App is not installed on it (the App \
             needs {needs})"
        ),
        Error::Api(e) if e.status == 401 => {
            "GitHub did not accept the token: is GITHUB_TOKEN a current installation token? \
             (they expire after an hour)"
                .into()
        }
        Error::RateLimited(e) => match e.reset {
            Some(reset) => format!(
                "the rate limit is exhausted until {}; run again then, or audit fewer organizations at once",
                reset.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            None => "GitHub's rate limit stopped the audit; run again later".into(),
        },
        _ => String::new(),
    };
    // reqwest's errors keep the cause (connection refused, a TLS failure)
    // in their source chain, out of their own message.
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !message.contains(&cause_text) {
            message.push_str(&format!(": {cause_text}"));
        }
        source = cause.source();
    }
    if hint.is_empty() {
        format!("{org}: {} failed: {message}", endpoint.what())
    } else {
        format!("{org}: {} failed: {message}. Hint: {hint}", endpoint.what())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_githubs_link_header() {
        let header = "<https://api.github.com/organizations/652551/personal-access-tokens?per_page=100&page=2>; rel=\"next\", \
                      <https://api.github.com/organizations/652551/personal-access-tokens?per_page=100&page=7>; rel=\"last\"";
        let links = parse_links([header].into_iter());
        assert_eq!(page_number(links.next.as_deref().unwrap()), Some(2));
        assert_eq!(page_number(links.last.as_deref().unwrap()), Some(7));
        assert!(matches!(links.continuation(), Continuation::Numbered(7)));
    }

    #[test]
    fn links_in_separate_headers_commas_in_urls_and_several_rels() {
        let links = parse_links(
            [
                "<https://h/x?a=1,2&page=2>; rel=\"next prefetch\"",
                "<https://h/x?page=3>;rel=last",
            ]
            .into_iter(),
        );
        assert_eq!(links.next.as_deref(), Some("https://h/x?a=1,2&page=2"));
        assert_eq!(links.last.as_deref(), Some("https://h/x?page=3"));
        assert!(matches!(links.continuation(), Continuation::Numbered(3)));
    }

    #[test]
    fn without_page_numbers_the_links_are_followed_one_by_one() {
        let cursor = parse_links(["<https://h/x?after=abc>; rel=\"next\""].into_iter());
        assert!(matches!(cursor.continuation(), Continuation::Serial));
        let no_last = parse_links(["<https://h/x?page=2>; rel=\"next\""].into_iter());
        assert!(matches!(no_last.continuation(), Continuation::Serial));
        let none = parse_links(["<https://h/x?page=1>; rel=\"prev\""].into_iter());
        assert!(matches!(none.continuation(), Continuation::Nothing));
        assert_eq!(
            parse_links(["garbage <unterminated"].into_iter()),
            Links::default()
        );
    }
}
