//! Every call to GitHub the audit makes, through the SDK: building the
//! client, listing each organization's grants and requests, and explaining
//! what GitHub's errors mean for the App's permissions.
//!
//! Keeping every SDK call here means authentication (GitHub App support is
//! coming to the SDK) and the calls can be swapped in one place.
//!
//! # How the pages are fetched
//!
//! Each organization has two listings (grants and requests). The first page
//! of every listing is requested first; GitHub's `Link` header on it names
//! the last page (`rel="last"`, `page=N`), so pages 2 to N are then requested
//! by number, from any organization, with at most `concurrency` requests in
//! flight. That keeps every slot busy until the very last page, where
//! fetching organization by organization would leave slots idle while the
//! largest organizations finish. A listing whose `Link` header has no page
//! numbers is followed link by link with the SDK's stream instead.
//!
//! Pages are handed to the caller as they arrive and dropped after, so memory
//! holds at most `concurrency` pages whatever the number of grants.

use std::collections::VecDeque;
use std::ops::ControlFlow;

use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::stream::{BoxStream, FuturesUnordered};
use futures::{FutureExt as _, StreamExt as _, TryStreamExt as _};
use github_pat_grants::types::{
    OrganizationProgrammaticAccessGrant as Grant,
    OrganizationProgrammaticAccessGrantRequest as Request,
};
use github_pat_grants::{
    Client, Error, Operation as _, Paginated as _, RateLimit, RetryPolicy, builder,
};

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

enum Job<'a> {
    First,
    Numbered(u32),
    Serial(PageStream<'a>),
}

enum Outcome<'a> {
    First(Result<(PageOut, Continuation), Error>),
    Numbered(Result<PageOut, Error>),
    Serial(Option<Result<PageOut, Error>>, PageStream<'a>),
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

fn start<'a>(
    client: &'a Client,
    plan: &'a Plan,
    unit: usize,
    (org, endpoint): (usize, Endpoint),
    job: Job<'a>,
) -> BoxFuture<'a, (usize, Outcome<'a>)> {
    let name = plan.orgs[org].as_str();
    match job {
        Job::First => async move {
            (
                unit,
                Outcome::First(first_page(client, plan, name, endpoint).await),
            )
        }
        .boxed(),
        Job::Numbered(page) => async move {
            (
                unit,
                Outcome::Numbered(numbered_page(client, plan, name, endpoint, page).await),
            )
        }
        .boxed(),
        Job::Serial(stream) => stream
            .into_future()
            .map(move |(page, rest)| (unit, Outcome::Serial(page, rest)))
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

/// Fetches every listing of the plan and reports each page and each
/// finished listing to `on_event`, which may stop everything by returning
/// [`ControlFlow::Break`] (for instance when the report cannot be written).
///
/// A listing that fails is reported once, with its error; the others go on.
pub async fn fetch_all(
    client: &Client,
    plan: &Plan,
    mut on_event: impl FnMut(Event) -> ControlFlow<()>,
) {
    let mut units: Vec<(usize, Endpoint)> = Vec::new();
    for org in 0..plan.orgs.len() {
        if plan.grants {
            units.push((org, Endpoint::Grants));
        }
        if plan.requests {
            units.push((org, Endpoint::Requests));
        }
    }
    let mut state: Vec<Unit> = units
        .iter()
        .map(|_| Unit {
            outstanding: 1,
            ..Unit::default()
        })
        .collect();
    let mut queue: VecDeque<(usize, Job<'_>)> = (0..units.len()).map(|u| (u, Job::First)).collect();
    let mut running = FuturesUnordered::new();
    let limit = plan.concurrency.max(1);

    loop {
        while running.len() < limit {
            let Some((unit, job)) = queue.pop_front() else {
                break;
            };
            running.push(start(client, plan, unit, units[unit], job));
        }
        let Some((unit, outcome)) = running.next().await else {
            break;
        };
        state[unit].outstanding -= 1;
        let (org, endpoint) = units[unit];
        let mut page = None;
        let mut error = None;
        match outcome {
            Outcome::First(Ok((out, continuation))) => {
                page = Some(out);
                match continuation {
                    Continuation::Nothing => {}
                    Continuation::Numbered(last) => {
                        for n in 2..=last {
                            queue.push_back((unit, Job::Numbered(n)));
                        }
                        state[unit].outstanding += (last - 1) as usize;
                    }
                    Continuation::Serial => {
                        queue.push_back((
                            unit,
                            Job::Serial(serial_pages(client, plan, &plan.orgs[org], endpoint)),
                        ));
                        state[unit].outstanding += 1;
                    }
                }
            }
            Outcome::Numbered(Ok(out)) | Outcome::Serial(Some(Ok(out)), _)
                if state[unit].error.is_some() =>
            {
                // The listing already failed; what else arrives is still data.
                page = Some(out);
            }
            Outcome::Numbered(Ok(out)) => page = Some(out),
            Outcome::Serial(Some(Ok(out)), rest) => {
                page = Some(out);
                // Keep the chain going ahead of new work: it cannot be parallel.
                queue.push_front((unit, Job::Serial(rest)));
                state[unit].outstanding += 1;
            }
            Outcome::Serial(None, _) => {}
            Outcome::First(Err(e))
            | Outcome::Numbered(Err(e))
            | Outcome::Serial(Some(Err(e)), _) => error = Some(e),
        }
        if let Some((items, rate_limit)) = page
            && on_event(Event::Page {
                org,
                items,
                rate_limit,
            })
            .is_break()
        {
            return;
        }
        if let Some(e) = error {
            // Pages not yet requested are dropped; the first error is the one reported.
            let before = queue.len();
            queue.retain(|(u, _)| *u != unit);
            state[unit].outstanding -= before - queue.len();
            state[unit].error.get_or_insert(e);
        }
        if state[unit].outstanding == 0 && !state[unit].done {
            state[unit].done = true;
            let error = state[unit].error.take();
            if on_event(Event::Done {
                org,
                endpoint,
                error,
            })
            .is_break()
            {
                return;
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
