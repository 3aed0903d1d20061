//! Every call to GitHub the audit makes, through the SDK: building the
//! client, listing each organization's grants and requests, and explaining
//! what GitHub's errors mean for the App's permissions.
//!
//! Keeping every SDK call here means authentication and the calls can be
//! changed in one place.
//!
//! # Credentials
//!
//! [`connect`] turns the command line's credentials into a [`Connection`]:
//! a GitHub App (`--app-id` or `--client-id` with `--private-key`), whose
//! App-level client hands out one installation client per organization, or
//! a token (`GITHUB_TOKEN`) used for every organization. The SDK signs the
//! App's JWTs, finds each organization's installation, and mints and renews
//! its tokens; nothing here handles a JWT or a token.
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

use std::collections::{HashMap, VecDeque};
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::{StreamExt as _, TryStreamExt as _};
use github_pat_grants::types::InstallationAccount;
use github_pat_grants::types::{
    OrganizationProgrammaticAccessGrant as Grant,
    OrganizationProgrammaticAccessGrantRequest as Request,
};
use github_pat_grants::{
    AppAuthErrorKind, AppCredentials, AppIssuer, Client, Error, Operation as _, Paginated as _,
    RateLimit, RetryPolicy, builder,
};

use tokio::sync::{Notify, mpsc};
use tokio::task::JoinSet;

use crate::cli::AuthArgs;

/// The page size: GitHub's maximum, so the fewest requests.
pub const PER_PAGE: u32 = 100;

/// The credentials an audit runs with, as SDK clients.
///
/// Ask it for each organization's client with [`client_for`](Self::client_for):
/// with a token that is the same client for every organization; as a GitHub
/// App it is the App's installation on that organization, and all of them
/// share one HTTP connection pool, one JWT and one cache of installation
/// tokens.
#[derive(Clone, Debug)]
pub struct Connection {
    /// The App-level client (it sends the App's JWT), or the token's client.
    client: Client,
    app: Option<Installations>,
}

/// What is known of an App's installations: organization login (lower
/// case) to installation ID, from `GET /app/installations`.
#[derive(Clone, Debug, Default)]
struct Installations(HashMap<String, i64>);

impl Connection {
    /// The App-level client (it sends the App's JWT and makes installation
    /// clients), or the token's client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The client for one organization's endpoints. As an App: the
    /// installation found by `--all-installations`, or else the one the SDK
    /// looks up with `GET /orgs/{org}/installation` on the first request.
    ///
    /// # Errors
    /// Only if the SDK refuses to make an installation client, which it does
    /// for clients without App credentials and [`connect`] never builds one.
    pub fn client_for(&self, org: &str) -> Result<Client, Error> {
        match &self.app {
            None => Ok(self.client.clone()),
            Some(known) => match known.0.get(&org.to_ascii_lowercase()) {
                Some(&id) => self.client.for_installation(id),
                None => self.client.for_org(org),
            },
        }
    }
}

/// The identification headers and retry policy every client gets.
fn builder_for(base_url: &str) -> github_pat_grants::ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .user_agent(concat!("pat-audit/", env!("CARGO_PKG_VERSION")))
        // Waits out rate limits (up to the policy's 15 minutes) and retries 5xx.
        .retry(RetryPolicy::new())
}

/// Builds the clients every call goes through.
///
/// This is the one place that turns the command line's credentials into
/// clients. The App flags win over `GITHUB_TOKEN`, which is then not read:
/// a CI job may well have both, and the App's tokens are the ones that do
/// not expire mid-audit.
///
/// # Errors
/// An App ID that is not a number, an App flag without its partner, a
/// private key the SDK cannot use (its message says what is wrong, without
/// the key's bytes), no credentials at all, or a base URL the SDK refuses.
pub fn connect(auth: &AuthArgs, base_url: &str) -> anyhow::Result<Connection> {
    if let Some(credentials) = app_credentials(auth)? {
        let client = builder_for(base_url)
            .app(credentials)
            .build()
            .context("setting up the GitHub client")?;
        return Ok(Connection {
            client,
            app: Some(Installations::default()),
        });
    }
    if auth.all_installations {
        bail!("{ALL_INSTALLATIONS_NEEDS_APP}");
    }
    let token = auth
        .token
        .clone()
        .or_else(|| std::env::var("GITHUB_TOKEN").ok())
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            anyhow!(
                "no credentials: give the GitHub App's --app-id (or --client-id) and \
                 --private-key, or set GITHUB_TOKEN to a GitHub App installation token \
                 (only GitHub Apps may list an organization's fine-grained token grants)"
            )
        })?;
    let client = builder_for(base_url)
        .token(token.trim())
        .build()
        .context("setting up the GitHub client")?;
    Ok(Connection { client, app: None })
}

const ALL_INSTALLATIONS_NEEDS_APP: &str = "--all-installations needs GitHub App \
     authentication: --app-id ID (or --client-id ID) and --private-key FILE";

/// The App's credentials from the command line, `None` without App flags.
///
/// clap already refuses the incomplete combinations; they are checked again
/// here because [`AuthArgs`] can also be built in code.
fn app_credentials(auth: &AuthArgs) -> anyhow::Result<Option<AppCredentials>> {
    if let Some(credentials) = &auth.credentials {
        return Ok(Some(credentials.clone()));
    }
    let issuer = match (&auth.app_id, &auth.client_id) {
        (Some(_), Some(_)) => {
            bail!("give --app-id or --client-id, not both: either one names the App")
        }
        (Some(id), None) => AppIssuer::AppId(id.trim().parse().map_err(|_| {
            anyhow!(
                "--app-id takes the App's numeric ID (\"App ID\" on the App's settings page); \
                 for its client ID (Iv23li...) use --client-id"
            )
        })?),
        (None, Some(id)) => AppIssuer::ClientId(id.trim().to_string()),
        (None, None) if auth.private_key.is_some() => {
            bail!("--private-key needs the App it belongs to: --app-id ID or --client-id ID")
        }
        (None, None) => return Ok(None),
    };
    let Some(path) = &auth.private_key else {
        bail!(
            "--app-id and --client-id need --private-key FILE, the App's private key \
             (PEM, as downloaded from the App's settings)"
        );
    };
    // The SDK reads the key once, here, and says what is wrong with a bad
    // one without quoting it.
    Ok(Some(AppCredentials::from_pem_file(issuer, path)?))
}

/// The organizations [`organizations`] found, and the installations it left out.
#[derive(Clone, Debug, Default)]
pub struct Organizations {
    /// The organizations to audit, each once, in order.
    pub logins: Vec<String>,
    /// Installations of the App that are not audited, and why (for stderr).
    pub skipped: Vec<String>,
}

/// The organizations to audit: those named with `--org`, each once, in the
/// order given, then with `--all-installations` every other organization
/// the App is installed on, in the order GitHub lists them. Installations on
/// user accounts (which have no organization token grants) and suspended
/// installations (GitHub mints no tokens for them) are left out and listed
/// in [`Organizations::skipped`].
///
/// # Errors
/// `--all-installations` without App authentication, GitHub refusing to
/// list the installations, or no organization to audit.
pub async fn organizations(
    connection: &mut Connection,
    auth: &AuthArgs,
    named: &[String],
) -> anyhow::Result<Organizations> {
    let mut found = Organizations::default();
    for org in named.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        push_once(&mut found.logins, org);
    }
    if !auth.all_installations {
        if found.logins.is_empty() {
            bail!("name at least one organization with --org ORG");
        }
        return Ok(found);
    }
    let Some(known) = connection.app.as_mut() else {
        bail!("{ALL_INSTALLATIONS_NEEDS_APP}");
    };
    let mut installations = connection.client.installations();
    while let Some(installation) = installations.try_next().await.map_err(|e| {
        let hint = app_hint(&e)
            .map(|h| format!(". Hint: {h}"))
            .unwrap_or_default();
        anyhow!(
            "listing the GitHub App's installations (GET /app/installations) failed: {}{hint}",
            with_causes(&e)
        )
    })? {
        let id = installation.id;
        let organization = installation
            .target_type
            .eq_ignore_ascii_case("Organization");
        match &installation.account {
            Some(InstallationAccount::SimpleUser(account)) if organization => {
                let org = account.login.as_str();
                if installation.suspended_at.is_some() {
                    found.skipped.push(format!(
                        "the installation on the organization `{org}` (installation {id}): it \
                         is suspended, and GitHub gives suspended installations no tokens"
                    ));
                } else {
                    known.0.insert(org.to_ascii_lowercase(), id);
                    push_once(&mut found.logins, org);
                }
            }
            account => {
                let name = match account {
                    Some(InstallationAccount::SimpleUser(user)) => user.login.as_str(),
                    Some(InstallationAccount::Enterprise(enterprise)) => enterprise.slug.as_str(),
                    None => "?",
                };
                found.skipped.push(format!(
                    "the installation on the {} account `{name}` (installation {id}): only \
                     organizations have fine-grained token grants",
                    installation.target_type.to_lowercase()
                ));
            }
        }
    }
    if found.logins.is_empty() {
        let why = if found.skipped.is_empty() {
            " (it has no installations)".to_string()
        } else {
            format!(": skipped {}", found.skipped.join("; "))
        };
        bail!(
            "the GitHub App is installed on no organization it can audit{why}; install it on \
             an organization (the App's page, Install App) or name one with --org"
        );
    }
    Ok(found)
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
    /// One per organization of the plan, in its order.
    clients: Vec<Client>,
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
    let plan = &shared.plan;
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
        let client = &shared.clients[org];
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
/// `concurrency` workers make the requests, each with the organization's
/// client from `connection`; pages wait for `on_event` in a channel of
/// `concurrency` places, so memory holds at most twice `concurrency` pages.
/// A listing that fails is reported once, with its error; the others go on.
/// Must run inside a tokio runtime.
///
/// # Errors
/// Only when an organization's client cannot be made (see
/// [`Connection::client_for`]); nothing has been fetched then.
pub async fn fetch_all(
    connection: &Connection,
    plan: &Plan,
    mut on_event: impl FnMut(Event) -> ControlFlow<()>,
) -> Result<(), Error> {
    let clients = plan
        .orgs
        .iter()
        .map(|org| connection.client_for(org))
        .collect::<Result<Vec<_>, _>>()?;
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
        clients,
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
                        return Ok(());
                    }
                }
                None => return Ok(()),
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
             (they expire after an hour; --app-id or --client-id with --private-key lets \
             pat-audit mint and renew them itself)"
                .into()
        }
        Error::AppAuth(e) if e.kind == AppAuthErrorKind::NotInstalled => format!(
            "install the GitHub App on {org} (the App's page, Install App) with {needs}; \
             --all-installations audits only the organizations it is installed on"
        ),
        Error::AppAuth(_) => app_hint(error).unwrap_or_default(),
        Error::RateLimited(e) => match e.reset {
            Some(reset) => format!(
                "the rate limit is exhausted until {}; run again then, or audit fewer organizations at once",
                reset.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            None => "GitHub's rate limit stopped the audit; run again later".into(),
        },
        _ => String::new(),
    };
    let message = with_causes(error);
    if hint.is_empty() {
        format!("{org}: {} failed: {message}", endpoint.what())
    } else {
        format!("{org}: {} failed: {message}. Hint: {hint}", endpoint.what())
    }
}

/// Adds `org` unless it is there already; logins are case-insensitive on GitHub.
fn push_once(logins: &mut Vec<String>, org: &str) {
    if !logins.iter().any(|o| o.eq_ignore_ascii_case(org)) {
        logins.push(org.to_string());
    }
}

/// What to check when GitHub App authentication fails, by the status of
/// GitHub's answer; `None` when there is nothing useful to say.
fn app_hint(error: &Error) -> Option<String> {
    let status = match error {
        Error::AppAuth(e) if e.kind == AppAuthErrorKind::TokenRejected => Some(401),
        Error::AppAuth(e) => e.cause().and_then(Error::status),
        // `GET /app/installations` fails with GitHub's own error.
        _ => error.status(),
    };
    match status {
        Some(401) => Some(
            "GitHub did not accept the App's JWT. Is --private-key this App's key (a key of \
             another App, or one revoked in the App's settings, is refused)? Is --app-id the \
             App ID (a number) or --client-id the client ID (Iv23li...) of that same App? \
             Is this machine's clock right (a JWT is valid for 10 minutes)?"
                .into(),
        ),
        Some(403) => Some(
            "the installation may be suspended (the organization's Settings, GitHub Apps), \
             or the App lacks a permission"
                .into(),
        ),
        Some(404) => Some(
            "the installation no longer exists: the App was uninstalled, or the key belongs \
             to another App"
                .into(),
        ),
        _ => None,
    }
}

/// An error's message followed by its causes' where they add something:
/// reqwest's errors keep the cause (connection refused, a TLS failure) in
/// their source chain, out of their own message.
fn with_causes(error: &Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !message.contains(&cause_text) {
            message.push_str(&format!(": {cause_text}"));
        }
        source = cause.source();
    }
    message
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
