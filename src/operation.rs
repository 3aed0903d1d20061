//! What every generated request builder can do beyond progenitor's `send()`:
//! calls that return this crate's [`Error`], and Link pagination as a stream.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{self, Error};
use crate::generated::{ClientInfo, ResponseValue};
use crate::rate_limit::RateLimit;
use crate::{Client, link};
use progenitor_client::{ClientHooks, OperationInfo};

/// The future a generated builder's `send()` returns.
pub type SendFuture<'a, T> = Pin<
    Box<dyn Future<Output = Result<ResponseValue<T>, progenitor_client::Error<()>>> + Send + 'a>,
>;

/// One API operation's request builder (implemented by the generated code for
/// every operation in the spec).
///
/// ```no_run
/// # async fn demo() -> Result<(), github_pat_grants::Error> {
/// use github_pat_grants::{Client, Operation};
/// let client = Client::builder().token("ghs_example").build()?;
/// let first_page = client.list_pat_grants("my-org").per_page(10).call().await?;
/// println!("{} grants on the first page", first_page.len());
/// # Ok(()) }
/// ```
pub trait Operation<'a>: Sized + Send + 'a {
    /// The decoded success body.
    type Output: DeserializeOwned + Send + 'a;
    /// The operationId in GitHub's description.
    const OPERATION_ID: &'static str;

    #[doc(hidden)]
    fn client_ref(&self) -> &'a Client;

    #[doc(hidden)]
    fn send_raw(self) -> SendFuture<'a, Self::Output>;

    /// Sends the request and returns the body, with GitHub's errors as [`Error`].
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send + 'a {
        async move { Ok(self.call_with_response().await?.into_inner()) }
    }

    /// Like [`call`](Operation::call), keeping the status and headers
    /// (rate-limit figures: [`RateLimit::from_headers`]).
    fn call_with_response(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Output>, Error>> + Send + 'a {
        async move {
            match self.send_raw().await {
                Ok(v) => Ok(v),
                // Decode again with the model to name the field at fault.
                Err(progenitor_client::Error::InvalidResponsePayload(body, _)) => {
                    Err(error::decode_error_with_model::<Self::Output>(None, &body))
                }
                Err(e) => Err(Error::from_progenitor(e).await),
            }
        }
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
/// ```no_run
/// # async fn demo() -> Result<(), github_pat_grants::Error> {
/// use futures::TryStreamExt;
/// use github_pat_grants::{Client, Paginated};
/// let client = Client::builder().token("ghs_example").build()?;
/// let mut grants = client
///     .list_pat_grants("my-org")
///     .owner(vec!["octocat".to_string()])
///     .per_page(100)
///     .stream();
/// while let Some(grant) = grants.try_next().await? {
///     println!("{} {}", grant.id, grant.owner.login);
/// }
/// # Ok(()) }
/// ```
pub trait Paginated<'a>: Operation<'a, Output = Vec<<Self as Paginated<'a>>::Item>> {
    /// One element of a page.
    type Item: DeserializeOwned + Send + 'a;

    /// Every page, lazily: the first from this builder, then each
    /// `rel="next"` URL exactly as GitHub gives it, until there is none.
    ///
    /// A `next` URL on another origin than the client's base URL, or one seen
    /// before, ends the stream with [`Error::Pagination`]; the token is never
    /// sent elsewhere and a loop never spins.
    fn pages(self) -> BoxStream<'a, Result<Page<Self::Item>, Error>> {
        enum State<B> {
            First(B),
            Next { url: Url },
            Done,
        }
        let client = self.client_ref();
        let origin = Url::parse(client.baseurl()).map(|u| u.origin());
        let mut seen = HashSet::new();
        stream::try_unfold(State::First(self), move |state| {
            let origin = origin.clone();
            let page = match state {
                State::Done => None,
                State::First(builder) => Some(first_page(builder)),
                State::Next { url } => {
                    let repeat = !seen.insert(url.as_str().to_string());
                    Some(
                        Box::pin(next_page::<Self::Item>(client, url, origin.ok(), repeat))
                            as Pin<
                                Box<
                                    dyn Future<Output = Result<Page<Self::Item>, Error>>
                                        + Send
                                        + 'a,
                                >,
                            >,
                    )
                }
            };
            async move {
                let Some(page) = page else { return Ok(None) };
                let page = page.await?;
                let state = match &page.next {
                    Some(url) => State::Next { url: url.clone() },
                    None => State::Done,
                };
                Ok(Some((page, state)))
            }
        })
        .boxed()
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

fn first_page<'a, B: Paginated<'a>>(builder: B) -> PageFuture<'a, B::Item> {
    Box::pin(async move {
        let client = builder.client_ref();
        let response = builder.call_with_response().await?;
        // progenitor's response does not carry the request URL, so a relative
        // `next` (GitHub sends absolute ones) resolves against the base URL;
        // the origin check applies to the result either way.
        let base =
            Url::parse(client.baseurl()).map_err(|e| Error::Config(format!("base URL: {e}")))?;
        let next = next_link(response.headers(), &base)?;
        let headers = response.headers().clone();
        Ok(Page::from_parts(response.into_inner(), &headers, next))
    })
}

async fn next_page<T: DeserializeOwned>(
    client: &Client,
    url: Url,
    origin: Option<url::Origin>,
    repeated: bool,
) -> Result<Page<T>, Error> {
    if repeated {
        return Err(Error::Pagination(format!(
            "GitHub sent the next link `{url}` twice; stopping instead of looping"
        )));
    }
    if origin.as_ref() != Some(&url.origin()) {
        return Err(Error::Pagination(format!(
            "the next link `{url}` leaves the base URL's origin `{}`; the token is not sent there",
            client.baseurl()
        )));
    }
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
    let items = error::decode::<Vec<T>>(Some(status.as_u16()), &body)?;
    let next = next_link(&headers, &url)?;
    Ok(Page::from_parts(items, &headers, next))
}
