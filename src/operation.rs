//! What every generated request builder can do beyond progenitor's `send()`:
//! calls that return this crate's [`Error`], and Link pagination as a stream.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{self, Error};
use crate::generated::{ByteStream, ClientInfo, ResponseValue};
use crate::rate_limit::RateLimit;
use crate::{Client, link};
use progenitor_client::{ClientHooks, OperationInfo};

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
/// use github_pat_grants::{Client, Operation};
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

    #[doc(hidden)]
    fn client_ref(&self) -> &'a Client;

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
        Err(e) => Err(failure::<T>(e).await),
    }
}

// Generated code calls this for operations of that kind; a spec may have none.
#[allow(dead_code)]
/// A success with the typed body, or `None` for the statuses without one.
pub(crate) async fn or_none<T: DeserializeOwned>(
    sent: impl Future<Output = Sent<T>>,
    statuses: &[u16],
) -> Result<ResponseValue<Option<T>>, Error> {
    match sent.await {
        Ok(v) => Ok(rewrap(v, Some)),
        Err(progenitor_client::Error::UnexpectedResponse(r))
            if statuses.contains(&r.status().as_u16()) =>
        {
            Ok(ResponseValue::new(None, r.status(), r.headers().clone()))
        }
        Err(e) => Err(failure::<T>(e).await),
    }
}

// Generated code calls this for operations of that kind; a spec may have none.
#[allow(dead_code)]
/// A listing, empty for the statuses without a body.
pub(crate) async fn or_empty<T: DeserializeOwned>(
    sent: impl Future<Output = Sent<Vec<T>>>,
    statuses: &[u16],
) -> Result<ResponseValue<Vec<T>>, Error> {
    match sent.await {
        Ok(v) => Ok(v),
        Err(progenitor_client::Error::UnexpectedResponse(r))
            if statuses.contains(&r.status().as_u16()) =>
        {
            Ok(ResponseValue::new(
                Vec::new(),
                r.status(),
                r.headers().clone(),
            ))
        }
        Err(e) => Err(failure::<Vec<T>>(e).await),
    }
}

// Generated code calls this for operations of that kind; a spec may have none.
#[allow(dead_code)]
/// A success with the typed body, or another documented status with its raw body.
pub(crate) async fn or_other<T: DeserializeOwned>(
    sent: impl Future<Output = Sent<T>>,
    statuses: &[u16],
) -> Result<ResponseValue<Outcome<T>>, Error> {
    match sent.await {
        Ok(v) => Ok(rewrap(v, Outcome::Typed)),
        Err(progenitor_client::Error::UnexpectedResponse(r))
            if statuses.contains(&r.status().as_u16()) =>
        {
            let (status, headers) = (r.status(), r.headers().clone());
            let body = r.bytes().await.map_err(Error::Transport)?;
            let other = Outcome::Other {
                status: status.as_u16(),
                body,
            };
            Ok(ResponseValue::new(other, status, headers))
        }
        Err(e) => Err(failure::<T>(e).await),
    }
}

// Generated code calls this for operations of that kind; a spec may have none.
#[allow(dead_code)]
/// A body that is not JSON, read whole.
pub(crate) async fn raw(
    sent: impl Future<Output = Sent<ByteStream>>,
) -> Result<ResponseValue<bytes::Bytes>, Error> {
    let response = match sent.await {
        Ok(v) => v,
        Err(e) => return Err(Error::from_progenitor(e).await),
    };
    let (status, headers) = (response.status(), response.headers().clone());
    let mut stream = response.into_inner_stream();
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = stream.try_next().await.map_err(Error::Transport)? {
        body.extend_from_slice(&chunk);
    }
    Ok(ResponseValue::new(body.freeze(), status, headers))
}

// Generated code calls this for operations of that kind; a spec may have none.
#[allow(dead_code)]
/// The same response around another value.
fn rewrap<T, U>(v: ResponseValue<T>, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
    let (status, headers) = (v.status(), v.headers().clone());
    ResponseValue::new(f(v.into_inner()), status, headers)
}

/// The error for what a generated `send()` returned instead of a success.
async fn failure<T: DeserializeOwned>(e: progenitor_client::Error<()>) -> Error {
    match e {
        // Decode again with the model to name the field at fault.
        progenitor_client::Error::InvalidResponsePayload(body, _) => {
            error::decode_error_with_model::<T>(None, &body)
        }
        e => Error::from_progenitor(e).await,
    }
}

/// A page on its way.
type PageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send + 'a>>;

/// One page of a paginated listing.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// The page's rate-limit figures.
    pub rate_limit: Option<RateLimit>,
    /// The `x-github-request-id` of the response.
    pub request_id: Option<String>,
    /// The `rel="next"` URL, if GitHub sent one.
    pub next: Option<Url>,
}

impl<T> Page<T> {
    fn from_parts(items: Vec<T>, headers: &HeaderMap, next: Option<Url>) -> Self {
        Page {
            items,
            rate_limit: RateLimit::from_headers(headers),
            request_id: crate::rate_limit::header_str(headers, "x-github-request-id")
                .map(str::to_string),
            next,
        }
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
/// use futures::TryStreamExt;
/// use github_pat_grants::{Client, Paginated};
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
        let fetch_next = next_page_fetcher(self.client_ref());
        Box::pin(PageStream {
            fetch_next,
            decode: decode_page::<Self>,
            pending: Some(first_page(self)),
        })
    }

    /// Every item of every page, lazily; memory holds one page at a time.
    fn stream(self) -> BoxStream<'a, Result<Self::Item, Error>> {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every item of every page, collected.
    fn collect_all(self) -> impl Future<Output = Result<Vec<Self::Item>, Error>> + Send + 'a {
        self.stream().try_collect()
    }
}

fn next_link(headers: &HeaderMap, base: &Url) -> Result<Option<Url>, Error> {
    let mut targets = headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok());
    let Some(target) =
        targets.find_map(|v| link::find(&link::parse(v), "next").map(str::to_string))
    else {
        return Ok(None);
    };
    // A relative reference resolves against the URL of the page that sent it (RFC 8288 §3.2).
    base.join(&target)
        .map(Some)
        .map_err(|e| Error::Pagination(format!("the next link `{target}` is not a URL: {e}")))
}

/// Decodes a later page's body into its items; `204 No Content` has none.
fn decode_page<'a, B: Paginated<'a>>(status: u16, body: &[u8]) -> Result<Vec<B::Item>, Error> {
    if status == 204 {
        return Ok(Vec::new());
    }
    error::decode::<B::Output>(Some(status), body).map(B::items)
}

fn first_page<'a, B: Paginated<'a>>(builder: B) -> PageFuture<'a, B::Item> {
    // progenitor's response does not carry the request URL, so a relative
    // `next` (GitHub sends absolute ones) resolves against the base URL;
    // the origin check applies to the result either way.
    let base = Url::parse(builder.client_ref().baseurl());
    Box::pin(builder.call_with_response().map(move |response| {
        let response = response?;
        let base = base.map_err(|e| Error::Config(format!("base URL: {e}")))?;
        let next = next_link(response.headers(), &base)?;
        let headers = response.headers().clone();
        Ok(Page::from_parts(
            B::items(response.into_inner()),
            &headers,
            next,
        ))
    }))
}

/// The pages after the first. It is written out by hand rather than with
/// `stream::unfold` and `async` blocks, and everything but decoding sits
/// behind `fetch_next`, which is the same for every item type, because
/// proving generic futures `Send` is slow to compile: the `unfold` version
/// took about 0.4 s of the SDK's build (`-Z self-profile`), this one 0.1 s.
struct PageStream<'a, T> {
    fetch_next: NextPageFetcher<'a>,
    decode: fn(u16, &[u8]) -> Result<Vec<T>, Error>,
    pending: Option<PageFuture<'a, T>>,
}

/// Fetches the page at a `next` URL, after the origin and loop checks.
type NextPageFetcher<'a> = Box<dyn FnMut(Url) -> RawPageFuture<'a> + Send + 'a>;

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
            }) => Some(Box::pin((self.fetch_next)(url.clone()).map(move |raw| {
                let raw = raw?;
                let items = decode(raw.status, &raw.body)?;
                Ok(Page::from_parts(items, &raw.headers, raw.next))
            }))),
            _ => None,
        };
        Poll::Ready(Some(page))
    }
}

fn next_page_fetcher(client: &Client) -> NextPageFetcher<'_> {
    let origin = Url::parse(client.baseurl()).ok().map(|u| u.origin());
    let mut seen = HashSet::new();
    Box::new(move |url: Url| -> RawPageFuture<'_> {
        if !seen.insert(url.as_str().to_string()) {
            return Box::pin(std::future::ready(Err(Error::Pagination(format!(
                "GitHub sent the next link `{url}` twice; stopping instead of looping"
            )))));
        }
        if origin.as_ref() != Some(&url.origin()) {
            return Box::pin(std::future::ready(Err(Error::Pagination(format!(
                "the next link `{url}` leaves the base URL's origin `{}`; the token is not sent there",
                client.baseurl()
            )))));
        }
        Box::pin(fetch_page(client, url))
    })
}

/// A page's response before its items are decoded.
struct RawPage {
    status: u16,
    headers: HeaderMap,
    body: bytes::Bytes,
    next: Option<Url>,
}

type RawPageFuture<'a> = Pin<Box<dyn Future<Output = Result<RawPage, Error>> + Send + 'a>>;

async fn fetch_page(client: &Client, url: Url) -> Result<RawPage, Error> {
    let mut request = reqwest::Request::new(reqwest::Method::GET, url.clone());
    // progenitor passes the operation id to the hooks; the follow-up pages of
    // any listing share the same rules, and no limits apply to a ready-made URL.
    let info = OperationInfo {
        operation_id: "next_page",
    };
    client
        .pre::<()>(&mut request, &info)
        .await
        .map_err(|e| match e {
            progenitor_client::Error::InvalidRequest(m) => Error::InvalidRequest(m),
            other => Error::InvalidRequest(other.to_string()),
        })?;
    let response = client
        .exec(request, &info)
        .await
        .map_err(Error::Transport)?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::from_response(response).await);
    }
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::Transport)?;
    let next = next_link(&headers, &url)?;
    Ok(RawPage {
        status: status.as_u16(),
        headers,
        body,
        next,
    })
}
