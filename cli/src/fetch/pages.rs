//! One listing's pages, through the SDK: the first page, whose links say
//! how many there are; a page by number; and, when GitHub's links carry no
//! page numbers, the chain of `next` links from the first page on.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{FutureExt as _, StreamExt as _, TryFutureExt as _, TryStreamExt as _};
use github_pat_grants::types::{
    CredentialAuthorization, Installation, OrganizationProgrammaticAccessGrant as Grant,
    OrganizationProgrammaticAccessGrantRequest as Request,
};
use github_pat_grants::{Client, Error, Page, Paginated, RateLimit, builder};

use super::explain::Endpoint;

/// The page size: GitHub's maximum, so the fewest requests.
pub const PER_PAGE: u32 = 100;

/// What to fetch.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The organizations, in report order.
    pub orgs: Vec<String>,
    /// The listings each organization has, in the order they are fetched
    /// (approved grants, pending requests, SAML credential authorizations,
    /// installed Apps, or some of them).
    pub listings: Vec<Endpoint>,
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
    /// A page of SAML credential authorizations.
    Credentials(Vec<CredentialAuthorization>),
    /// A page of installed Apps.
    Installations(Vec<Installation>),
}

impl Items {
    /// How many items the page holds.
    pub(super) fn len(&self) -> usize {
        match self {
            Items::Grants(items) => items.len(),
            Items::Requests(items) => items.len(),
            Items::Credentials(items) => items.len(),
            Items::Installations(items) => items.len(),
        }
    }
}

/// A page as the workers hand it over: its items and rate-limit figures.
pub(super) type PageOut = (Items, Option<RateLimit>);

/// The pages of a listing that follow `next` links, one by one.
pub(super) type Chain<'a> = BoxStream<'a, Result<PageOut, Error>>;

/// What follows a listing's first page (`C`: the rest of a chain of links).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Continuation<C> {
    /// It was the only page.
    Nothing,
    /// Pages from 2 on, by number, at most to this one (the last page the
    /// links name, which the server may invent: a bound, never a count).
    /// Any worker may take any of them.
    Numbered(u32),
    /// The rest of the chain of `next` links (the first page already taken).
    Serial(C),
}

fn grants<'a>(client: &'a Client, plan: &Plan, org: &str) -> builder::OrgsListPatGrants<'a> {
    let mut b = client.orgs().list_pat_grants(org).per_page(PER_PAGE);
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
        .orgs()
        .list_pat_grant_requests(org)
        .per_page(PER_PAGE);
    if !plan.owners.is_empty() {
        b = b.owner(plan.owners.clone());
    }
    b
}

/// The credential authorizations; GitHub filters by one `login` only, so
/// with one `--owner` it filters, with more the audit does.
fn credentials<'a>(
    client: &'a Client,
    plan: &Plan,
    org: &str,
) -> builder::OrgsListSamlSsoAuthorizations<'a> {
    let b = client
        .orgs()
        .list_saml_sso_authorizations(org)
        .per_page(PER_PAGE);
    match plan.owners.as_slice() {
        [one] => b.login(one.clone()),
        _ => b,
    }
}

fn installations<'a>(client: &'a Client, org: &str) -> builder::OrgsListAppInstallations<'a> {
    client.orgs().list_app_installations(org).per_page(PER_PAGE)
}

/// A page from the SDK, with what its links say of the pages after it:
/// whether there is a `next`, its page number and the last page's.
struct Linked {
    page: PageOut,
    links: (bool, Option<u32>, Option<u32>),
}

/// A listing's first page, and what follows it: GitHub's `Link` header on
/// it names the last page (`rel="last"`, `page=N`) when the listing is
/// paged by number, so the pages after it can be fetched side by side (the
/// caller asks for them in a window and stops at the first short page,
/// since N is only what the server says); else the `next` links are
/// followed one by one. The first page is requested without `page`, as
/// GitHub's own links do, and `next` is followed with the SDK's stream
/// (which checks that each link stays on the API's origin).
pub(super) async fn first_page<'a>(
    client: &'a Client,
    plan: &Plan,
    org: &str,
    endpoint: Endpoint,
) -> Result<(PageOut, Continuation<Chain<'a>>), Error> {
    fn linked<'a, B: Paginated<'a>>(
        listing: B,
        items: fn(Vec<B::Item>) -> Items,
    ) -> BoxStream<'a, Result<Linked, Error>> {
        let linked = move |page: Page<B::Item>| Linked {
            links: (page.next.is_some(), page.next_page(), page.last_page()),
            page: (items(page.items), page.rate_limit),
        };
        listing.pages().map_ok(linked).boxed()
    }
    let mut pages = match endpoint {
        Endpoint::Grants => linked(grants(client, plan, org), Items::Grants),
        Endpoint::Requests => linked(requests(client, plan, org), Items::Requests),
        Endpoint::Credentials => linked(credentials(client, plan, org), Items::Credentials),
        Endpoint::Installations => linked(installations(client, org), Items::Installations),
    };
    // The SDK's stream always yields its first page, or the error instead.
    let no_page = || Error::Pagination("the listing gave no first page".into());
    let first = pages.try_next().await?.ok_or_else(no_page)?;
    let chain = || pages.map_ok(|linked| linked.page).boxed();
    Ok((first.page, rest(first.links, chain)))
}

/// By number when the first page links to page 2 and names the last page;
/// one by one when the links carry no page numbers (cursors); not at all
/// without a `next` link.
fn rest<C>(links: (bool, Option<u32>, Option<u32>), chain: impl FnOnce() -> C) -> Continuation<C> {
    match links {
        (false, _, _) => Continuation::Nothing,
        (true, Some(2), Some(last)) if last >= 2 => Continuation::Numbered(last),
        (true, _, _) => Continuation::Serial(chain()),
    }
}

/// Page `page` of a listing paged by number.
pub(super) async fn numbered_page(
    client: &Client,
    plan: &Plan,
    org: &str,
    endpoint: Endpoint,
    page: u32,
) -> Result<PageOut, Error> {
    fn one<'a, B: Paginated<'a>>(
        listing: B,
        items: fn(Vec<B::Item>) -> Items,
    ) -> BoxFuture<'a, Result<PageOut, Error>> {
        let page = listing.call_with_response().map_ok(move |response| {
            let rate_limit = RateLimit::from_headers(response.headers());
            (items(B::items(response.into_inner())), rate_limit)
        });
        page.boxed()
    }
    let page = match endpoint {
        Endpoint::Grants => one(grants(client, plan, org).page(page), Items::Grants),
        Endpoint::Requests => one(requests(client, plan, org).page(page), Items::Requests),
        Endpoint::Credentials => one(
            credentials(client, plan, org).page(page),
            Items::Credentials,
        ),
        Endpoint::Installations => one(installations(client, org).page(page), Items::Installations),
    };
    page.await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_links_let_the_pages_be_fetched_side_by_side() {
        assert_eq!(
            rest((true, Some(2), Some(7)), || ()),
            Continuation::Numbered(7)
        );
        assert_eq!(
            rest((true, Some(2), Some(2)), || ()),
            Continuation::Numbered(2)
        );
    }

    #[test]
    fn without_page_numbers_the_links_are_followed_one_by_one() {
        // Cursors (`after=`): a next link without a number, and no last.
        assert_eq!(rest((true, None, None), || ()), Continuation::Serial(()));
        // Numbered, but the last page is not named.
        assert_eq!(rest((true, Some(2), None), || ()), Continuation::Serial(()));
        // A first page that does not lead to page 2.
        assert_eq!(
            rest((true, Some(3), Some(9)), || ()),
            Continuation::Serial(())
        );
        assert_eq!(rest((false, None, Some(1)), || ()), Continuation::Nothing);
    }
}
