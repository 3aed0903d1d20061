//! What every generated request builder can do beyond progenitor's `send()`:
//! calls that return this crate's [`Error`], and Link pagination as a stream.
//!
//! The generated code implements these traits, so this module sits below it
//! and knows the generated client only as progenitor's `ClientInfo` over
//! the transport's [`Shared`]: its base URL, connection pool and
//! configuration.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::FutureExt;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use progenitor_client::{ByteStream, ClientInfo, ResponseValue};
use reqwest::Response;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use url::Url;

use crate::cache::FROM_CACHE;
use crate::error::{self, Error};
use crate::link;
use crate::rate_limit::{RateLimit, header_str};
use crate::redact::scrub;
use crate::transport::Shared;
use crate::wire;

/// What an operation's `send_raw` returns: the decoded success, with status
/// and headers, or this crate's [`Error`].
pub type SendFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<ResponseValue<T>, Error>> + Send + 'a>>;

/// One API operation's request builder (implemented by the generated code for
/// every operation in the spec).
///
/// [`Output`](Operation::Output) is what GitHub documents for success:
/// - the model of the JSON body, when there is one kind of success;
/// - `()` when GitHub sends no body (`204`);
/// - [`bytes::Bytes`] when the body is not JSON (HTML, plain text, archives;
///   progenitor's `send()` streams it instead);
/// - `Option<T>` when GitHub documents the JSON body and also a success
///   without one (`201` or `204`, say), which is `None`;
/// - `Vec<T>` for a listing that may also answer `204` (an empty repository),
///   which is an empty list;
/// - [`Outcome<T>`] when other success statuses carry other bodies (a `202`
///   "statistics are being computed", a `207`): the first typed, the others raw.
///
/// ```no_run
/// # async fn demo() -> Result<(), github_pat_grants::Error> {
/// use github_pat_grants::prelude::*;
/// let client = Client::builder().token("ghs_example").build()?;
/// let first_page = client.orgs().list_pat_grants("my-org").per_page(10).call().await?;
/// println!("{} grants on the first page", first_page.len());
/// # Ok(()) }
/// ```
pub trait Operation<'a>: Sized + Send + 'a {
    /// The decoded success (see the trait's documentation for its shapes).
    type Output: Send + 'a;
    /// The operationId in GitHub's description.
    const OPERATION_ID: &'static str;

    /// The client the request goes to: the generated client, known here by
    /// what paginating needs of it.
    #[doc(hidden)]
    fn client_ref(&self) -> &'a (impl ClientInfo<Shared> + Sync + use<'a, Self>);

    #[doc(hidden)]
    fn send_raw(self) -> SendFuture<'a, Self::Output>;

    /// Sends the request and returns the body, with GitHub's errors as [`Error`].
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send + 'a {
        self.send_raw().map(|r| r.map(ResponseValue::into_inner))
    }

    /// Like [`call`](Operation::call), keeping the status and headers
    /// (rate-limit figures: [`RateLimit::from_headers`]).
    fn call_with_response(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Output>, Error>> + Send + 'a {
        self.send_raw()
    }
}

/// The success of an operation whose success statuses carry different bodies.
///
/// ```no_run
/// # async fn demo(stats: github_pat_grants::Outcome<Vec<i64>>) {
/// use github_pat_grants::Outcome;
/// match stats {
///     Outcome::Typed(weeks) => println!("{} weeks", weeks.len()),
///     Outcome::Other { status: 202, .. } => println!("GitHub is computing them; ask again"),
///     Outcome::Other { status, body } => println!("HTTP {status}: {} bytes", body.len()),
///     _ => {}
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Outcome<T> {
    /// The body of the first success status GitHub documents, decoded.
    Typed(T),
    /// Another documented success status, with its body as sent (empty for a `204`).
    Other {
        /// The HTTP status.
        status: u16,
        /// The body, undecoded.
        body: bytes::Bytes,
    },
}

type Sent<T> = Result<ResponseValue<T>, progenitor_client::Error<()>>;

/// A success with the typed body.
pub(crate) async fn typed<T: DeserializeOwned>(
    sent: impl Future<Output = Sent<T>>,
) -> Result<ResponseValue<T>, Error> {
    match sent.await {
        Ok(v) => Ok(v),
        Err(e) => Err(error::failure::<T>(e).await),
    }
}

/// A success with the typed body made `U` by `typed`, or, for one of
/// `statuses`, what `other` makes of the response: the one shape of
/// [`or_none`], [`or_empty`] and [`or_other`].
async fn or_status<T: DeserializeOwned, U>(
    sent: impl Future<Output = Sent<T>>,
    statuses: &[u16],
    typed: impl FnOnce(T) -> U,
    other: impl AsyncFnOnce(reqwest::Response) -> Result<U, Error>,
) -> Result<ResponseValue<U>, Error> {
    let (status, headers, value) = match sent.await {
        Ok(v) => (v.status(), v.headers().clone(), typed(v.into_inner())),
        Err(progenitor_client::Error::UnexpectedResponse(r))
            if statuses.contains(&r.status().as_u16()) =>
        {
            (r.status(), r.headers().clone(), other(r).await?)
        }
        Err(e) => return Err(error::failure::<T>(e).await),
    };
    Ok(ResponseValue::new(value, status, headers))
}

// Generated code calls these for operations of those kinds; a spec may have none.
#[allow(dead_code)]
/// A success with the typed body, or `None` for the statuses without one.
pub(crate) async fn or_none<T: DeserializeOwned>(
    sent: impl Future<Output = Sent<T>>,
    statuses: &[u16],
) -> Result<ResponseValue<Option<T>>, Error> {
    or_status(sent, statuses, Some, async |_| Ok(None)).await
}

#[allow(dead_code)]
/// A listing, empty for the statuses without a body.
pub(crate) async fn or_empty<T: DeserializeOwned>(
    sent: impl Future<Output = Sent<Vec<T>>>,
    statuses: &[u16],
) -> Result<ResponseValue<Vec<T>>, Error> {
    or_status(sent, statuses, |v| v, async |_| Ok(Vec::new())).await
}

#[allow(dead_code)]
/// A success with the typed body, or another documented status with its raw body.
pub(crate) async fn or_other<T: DeserializeOwned>(
    sent: impl Future<Output = Sent<T>>,
    statuses: &[u16],
) -> Result<ResponseValue<Outcome<T>>, Error> {
    or_status(
        sent,
        statuses,
        Outcome::Typed,
        async |r: reqwest::Response| {
            let status = r.status().as_u16();
            let body = r.bytes().await.map_err(Error::from_body)?;
            Ok(Outcome::Other { status, body })
        },
    )
    .await
}

// Generated code calls this for operations of that kind; a spec may have none.
#[allow(dead_code)]
/// A body that is not JSON, read whole.
pub(crate) async fn raw(
    sent: impl Future<Output = Sent<ByteStream>>,
) -> Result<ResponseValue<bytes::Bytes>, Error> {
    let response = match sent.await {
        Ok(v) => v,
        Err(e) => return Err(error::failure::<serde::de::IgnoredAny>(e).await),
    };
    let (status, headers) = (response.status(), response.headers().clone());
    let stream = response.into_inner_stream();
    let body: bytes::BytesMut = stream.try_collect().await.map_err(Error::from_body)?;
    Ok(ResponseValue::new(body.freeze(), status, headers))
}

/// A page on its way.
type PageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send + 'a>>;

/// One page of a paginated listing, with GitHub's links to the others.
///
/// GitHub's `Link` header names the `next`, `prev`, `first` and `last`
/// pages. Listings paged by number carry `page=N` in them, so the number of
/// pages is known from the first ([`last_page`](Self::last_page)); listings
/// paged by cursor (`after=`, `before=`) have no `last` and only the links
/// themselves say where to go.
///
/// ```no_run
/// # async fn demo() -> Result<(), github_pat_grants::Error> {
/// use github_pat_grants::prelude::*;
/// let client = Client::builder().token("ghs_example").build()?;
/// let mut pages = client.orgs().list_pat_grants("my-org").per_page(100).pages();
/// while let Some(page) = pages.try_next().await? {
///     match page.last_page() {
///         // Numbered pages: the others could be asked for at once, by number.
///         Some(last) => println!("{} grants; {last} pages in all", page.items.len()),
///         None => println!("{} grants; next: {:?}", page.items.len(), page.next),
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// The page's rate-limit figures.
    pub rate_limit: Option<RateLimit>,
    /// The `x-github-request-id` of the response.
    pub request_id: Option<String>,
    /// The `rel="next"` URL, if GitHub sent one: the stream follows it.
    pub next: Option<Url>,
    /// The `rel="prev"` URL, if GitHub sent one.
    pub prev: Option<Url>,
    /// The `rel="first"` URL, if GitHub sent one.
    pub first: Option<Url>,
    /// The `rel="last"` URL, if GitHub sent one (not with cursors); never
    /// followed by the SDK.
    pub last: Option<Url>,
    from_cache: bool,
}

impl<T> Page<T> {
    /// The page of a response's `headers` and of the items `items` decodes,
    /// its links resolved against `base`, the URL of the page that sent them
    /// (RFC 8288 §3.2). A `next` link that is not a URL stops the listing
    /// with [`Error::Pagination`]: following it is not possible, and ending
    /// quietly would look like the end of the list. The other links only
    /// inform, and are left out when they are not URLs.
    fn new(
        headers: &HeaderMap,
        base: &Url,
        items: impl FnOnce() -> Result<Vec<T>, Error>,
    ) -> Result<Self, Error> {
        let parsed: Vec<link::Link> = headers
            .get_all(reqwest::header::LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(link::parse)
            .collect();
        let resolve = |rel: &str| link::find(&parsed, rel).map(|t| (t, base.join(t)));
        let not_a_url = |target, e| format!("the next link `{}` is not a URL: {e}", scrub(target));
        let next = resolve("next")
            .map(|(target, url)| url.map_err(|e| Error::Pagination(not_a_url(target, e))))
            .transpose()?;
        let other = |rel: &str| resolve(rel).and_then(|(_, url)| url.ok());
        Ok(Page {
            items: items()?,
            rate_limit: RateLimit::from_headers(headers),
            request_id: header_str(headers, "x-github-request-id").map(str::to_string),
            next,
            prev: other("prev"),
            first: other("first"),
            last: other("last"),
            from_cache: headers.contains_key(FROM_CACHE),
        })
    }

    /// Whether GitHub answered `304 Not Modified` and the page is the one
    /// the client's cache kept ([`ClientBuilder::cache`](crate::ClientBuilder::cache));
    /// its [`rate_limit`](Self::rate_limit) and
    /// [`request_id`](Self::request_id) are the 304's.
    ///
    /// ```
    /// # use github_pat_grants::Page;
    /// # fn demo(page: Page<i64>) {
    /// if page.from_cache() {
    ///     println!("unchanged since the last run");
    /// }
    /// # }
    /// ```
    pub fn from_cache(&self) -> bool {
        self.from_cache
    }

    /// The number of the next page (`page=N` in the `next` link), when
    /// GitHub pages this listing by number.
    pub fn next_page(&self) -> Option<u32> {
        self.next.as_ref().and_then(link::page_number)
    }

    /// The number of the last page (`page=N` in the `last` link), when
    /// GitHub pages this listing by number; on the last page itself there is
    /// no `last` link.
    ///
    /// It is what the server says, unchecked: the SDK never sizes anything
    /// by it or requests pages because of it (the stream follows `next`
    /// only), and neither should a caller without a bound of its own.
    ///
    /// ```
    /// # use github_pat_grants::Page;
    /// # fn demo(page: Page<i64>) {
    /// if let (Some(2), Some(last)) = (page.next_page(), page.last_page()) {
    ///     println!("pages 2 to {last} can be fetched side by side");
    /// }
    /// # }
    /// ```
    pub fn last_page(&self) -> Option<u32> {
        self.last.as_ref().and_then(link::page_number)
    }
}

/// An operation whose results GitHub splits into pages linked by `Link` headers.
///
/// The generator implements it for every operation whose success body is a
/// list (an array, or an object with one array besides counts, such as
/// `{"total_count": 2, "repositories": [...]}`) and that GitHub pages (it
/// documents a `Link` header or takes `per_page`).
///
/// ```no_run
/// # async fn demo() -> Result<(), github_pat_grants::Error> {
/// use github_pat_grants::prelude::*;
/// let client = Client::builder().token("ghs_example").build()?;
/// let mut grants = client
///     .orgs()
///     .list_pat_grants("my-org")
///     .owner(vec!["octocat".to_string()])
///     .per_page(100)
///     .stream();
/// while let Some(grant) = grants.try_next().await? {
///     println!("{} {}", grant.id, grant.owner.login);
/// }
/// # Ok(()) }
/// ```
pub trait Paginated<'a>: Operation<'a, Output: DeserializeOwned> {
    /// One element of a page.
    type Item: Send + 'a;

    /// The items of one page's body.
    #[doc(hidden)]
    fn items(output: Self::Output) -> Vec<Self::Item>;

    /// Every page, lazily: the first from this builder, then each
    /// `rel="next"` URL exactly as GitHub gives it, until there is none.
    ///
    /// A `next` URL on another origin than the client's base URL, or one seen
    /// before, ends the stream with [`Error::Pagination`]; the token is never
    /// sent elsewhere and a loop never spins.
    fn pages(self) -> BoxStream<'a, Result<Page<Self::Item>, Error>> {
        let next_pages = NextPages::of(self.client_ref());
        listing::<Self>(next_pages, self.send_raw())
    }

    /// Every item of every page, lazily; memory holds one page at a time.
    fn stream(self) -> BoxStream<'a, Result<Self::Item, Error>> {
        items(self.pages())
    }

    /// Every item of every page, collected.
    fn collect_all(self) -> impl Future<Output = Result<Vec<Self::Item>, Error>> + Send + 'a {
        self.stream().try_collect()
    }
}

/// The items of every page of `pages`, lazily.
pub(crate) fn items<'a, T: Send + 'a>(
    pages: BoxStream<'a, Result<Page<T>, Error>>,
) -> BoxStream<'a, Result<T, Error>> {
    let items = |page: Page<T>| stream::iter(page.items.into_iter().map(Ok));
    pages.map_ok(items).try_flatten().boxed()
}

/// The pages of a listing: the first from `first`, then each `next`.
/// [`Paginated::pages`] starts from its builder; a listing whose client is
/// made for it (an installation client's App-level listing) starts from a
/// request that owns that client.
pub(crate) fn listing<'a, B: Paginated<'a>>(
    next_pages: NextPages,
    first: SendFuture<'a, B::Output>,
) -> BoxStream<'a, Result<Page<B::Item>, Error>> {
    // progenitor's response does not carry the request URL, so a relative
    // `next` (GitHub sends absolute ones) resolves against the base URL;
    // the origin check applies to the result either way.
    let base = Url::parse(&next_pages.base_url);
    let first = first.map(move |response| {
        let response = response?;
        let base = base.map_err(|e| Error::Config(format!("base URL: {e}")))?;
        let headers = response.headers().clone();
        Page::new(&headers, &base, || Ok(B::items(response.into_inner())))
    });
    Box::pin(PageStream {
        next_pages,
        decode: decode_page::<B>,
        pending: Some(Box::pin(first)),
    })
}

/// Decodes a later page's body into its items; `204 No Content` has none.
fn decode_page<'a, B: Paginated<'a>>(status: u16, body: &[u8]) -> Result<Vec<B::Item>, Error> {
    if status == 204 {
        return Ok(Vec::new());
    }
    error::decode::<B::Output>(Some(status), body).map(B::items)
}

/// The pages after the first. It is written out by hand rather than with
/// `stream::unfold` and `async` blocks, and everything but decoding sits
/// in [`NextPages`], which is the same for every item type, because proving
/// generic futures `Send` is slow to compile: the `unfold` version took
/// about 0.4 s of the SDK's build (`-Z self-profile`), this one 0.1 s.
struct PageStream<'a, T> {
    next_pages: NextPages,
    decode: fn(u16, &[u8]) -> Result<Vec<T>, Error>,
    pending: Option<PageFuture<'a, T>>,
}

impl<'a, T: Send + 'a> Stream for PageStream<'a, T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(pending) = self.pending.as_mut() else {
            return Poll::Ready(None);
        };
        let page = std::task::ready!(pending.as_mut().poll(cx));
        // After an error the stream ends; after a page, the next one is due.
        let decode = self.decode;
        self.pending = match &page {
            Ok(Page {
                next: Some(url), ..
            }) => Some(Box::pin(self.next_pages.fetch(url.clone()).map(
                move |answer| {
                    let (response, body) = answer?;
                    let status = response.status().as_u16();
                    Page::new(response.headers(), response.url(), || decode(status, &body))
                },
            ))),
            _ => None,
        };
        Poll::Ready(Some(page))
    }
}

/// Fetches the pages at `next` URLs, after the origin and loop checks. It
/// owns what it sends with (a connection pool and configuration are cheap to
/// share), so a stream of pages borrows nothing but its first request.
pub(crate) struct NextPages {
    base_url: String,
    origin: Option<url::Origin>,
    sender: Arc<(reqwest::Client, Shared)>,
    seen: HashSet<String>,
}

impl NextPages {
    /// For the pages of a listing of `client`.
    pub(crate) fn of(client: &impl ClientInfo<Shared>) -> Self {
        NextPages {
            base_url: client.baseurl().to_string(),
            origin: Url::parse(client.baseurl()).ok().map(|u| u.origin()),
            sender: Arc::new((client.client().clone(), client.inner().clone())),
            seen: HashSet::new(),
        }
    }

    fn fetch(&mut self, url: Url) -> AnswerFuture {
        let shown = scrub(url.as_str());
        let refused = if !self.seen.insert(url.as_str().to_string()) {
            format!("GitHub sent the next link `{shown}` twice; stopping instead of looping")
        } else if self.origin.as_ref() != Some(&url.origin()) {
            let base = &self.base_url;
            format!(
                "the next link `{shown}` leaves the base URL's origin `{base}`; the token is not sent there"
            )
        } else {
            return Box::pin(fetch_page(self.sender.clone(), url));
        };
        Box::pin(std::future::ready(Err(Error::Pagination(refused))))
    }
}

/// A page's response and body before its items are decoded: relative
/// links resolve against the response's URL, where the page came from after
/// any redirect within the origin.
type AnswerFuture = Pin<Box<dyn Future<Output = Result<(Response, Bytes), Error>> + Send>>;

/// Sends a `next` page's request the way every request is sent (the
/// transport's headers, authentication and retries; no limits apply to a
/// URL GitHub made).
async fn fetch_page(
    sender: Arc<(reqwest::Client, Shared)>,
    url: Url,
) -> Result<(Response, Bytes), Error> {
    let (http, shared) = &*sender;
    let mut request = reqwest::Request::new(reqwest::Method::GET, url);
    shared
        .prepare(&mut request)
        .map_err(Error::InvalidRequest)?;
    let response = shared.send(http, request).await.map_err(Error::Transport)?;
    if !response.status().is_success() {
        return Err(Error::from_response(response).await);
    }
    let (response, body) = wire::read_whole(response).await;
    Ok((response, body.map_err(Error::from_body)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unexpected(status: u16, body: &'static str) -> progenitor_client::Error<()> {
        let response = http::Response::builder().status(status).body(body).unwrap();
        progenitor_client::Error::UnexpectedResponse(response.into())
    }

    #[tokio::test]
    async fn a_documented_status_without_the_typed_body_is_none_empty_or_other() {
        // Boxed as the generated operations box them: the futures are `Send`.
        let none: SendFuture<'_, Option<i64>> =
            Box::pin(or_none(async { Err(unexpected(204, "")) }, &[204]));
        assert_eq!(none.await.unwrap().into_inner(), None);
        let empty: SendFuture<'_, Vec<i64>> =
            Box::pin(or_empty(async { Err(unexpected(204, "")) }, &[204]));
        assert!(empty.await.unwrap().into_inner().is_empty());
        let other: SendFuture<'_, Outcome<i64>> =
            Box::pin(or_other(async { Err(unexpected(202, "wait")) }, &[202]));
        let body = bytes::Bytes::from_static(b"wait");
        let other = other.await.unwrap().into_inner();
        assert_eq!(other, Outcome::Other { status: 202, body });
        // A status not documented as a success stays an error.
        let error = or_none::<i64>(async { Err(unexpected(500, "{}")) }, &[204]).await;
        assert!(matches!(error, Err(Error::Api(e)) if e.status == 500));
    }
}
