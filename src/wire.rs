//! Where every request meets the network, and the one place that decides
//! what of a server's answer is taken at all: redirects and body sizes.
//!
//! - **Redirects.** The SDK's own `reqwest::Client` follows none
//!   (`redirect::Policy::none()`); they are followed here. A `GET` or `HEAD`
//!   follows `301`, `302`, `303`, `307` and `308` up to [`MAX_REDIRECTS`]
//!   times, and only within the origin (scheme, host and port) of the
//!   request, so its credentials never go elsewhere. GitHub's API redirects
//!   within its own origin: `301` for a renamed or transferred repository or
//!   organization (`/repositories/{id}`, `/organizations/{id}`). Any `3xx`
//!   to another method is refused, never sent again: a `307` or `308` would
//!   resend its body (leaked credentials, a review's decision) wherever the
//!   server points.
//! - **Sizes.** Every body the SDK reads is capped at [`MAX_RESPONSE_BYTES`]:
//!   a `Content-Length` over it is refused before the body is read, and a
//!   body that grows past it fails when it does, as an error, never an
//!   allocation of whatever size a server names.
//!
//! - **Clear text.** A request goes out only over `https://`, or plain
//!   `http://` on loopback: whatever made the client (the builder checks
//!   its base URL; progenitor's public `Client::new` does not), its
//!   credentials never cross the network in clear text.
//!
//! A refusal travels as a response made up here with a [`Refusal`] in its
//! extensions (the transport's hooks can only hand on a response); the
//! error layer turns it into the SDK's error, and a caller of a raw `send()`
//! sees a 502 with the same message in GitHub's error shape.

use std::error::Error as _;

use bytes::Bytes;
use http_body_util::{LengthLimitError, Limited};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION};
use reqwest::{Method, Request, Response, ResponseBuilderExt, StatusCode};
use url::{Host, Url};

use crate::redact::scrub;

/// The most bytes of one response body the SDK reads: 32 MiB. GitHub's
/// largest pages (100 items of the largest models) are well under 1 MiB.
pub const MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// The most redirects one `GET` or `HEAD` follows.
pub const MAX_REDIRECTS: usize = 5;

/// Why an answer was not taken; the error layer makes it the SDK's error,
/// whose message is the same as this one's.
#[derive(Clone, Debug, thiserror::Error)]
pub(crate) enum Refusal {
    /// A redirect that would resend a body, leave the origin, or go on too long.
    #[error("redirect refused: {0}")]
    Redirect(String),
    /// A body over [`MAX_RESPONSE_BYTES`].
    #[error("response too large: {0}")]
    TooLarge(String),
    /// A request that would go out in clear text off loopback.
    #[error("invalid client configuration: {0}")]
    Insecure(String),
}

impl Refusal {
    /// The refusal a response carries, if it is a made-up one.
    pub(crate) fn of(response: &Response) -> Option<&Refusal> {
        response.extensions().get::<Refusal>()
    }

    /// The refusal for a body read that failed, if it failed on the cap.
    pub(crate) fn of_body_error(error: &reqwest::Error) -> Option<Refusal> {
        let mut causes = std::iter::successors(error.source(), |&e| e.source());
        causes.any(|e| e.is::<LengthLimitError>()).then(|| {
            let from = error.url().map(|u| format!(" from {}", u.path()));
            Refusal::TooLarge(format!(
                "the body{} grew past the limit of {MAX_RESPONSE_BYTES} bytes",
                from.unwrap_or_default()
            ))
        })
    }
}

/// Why nothing may be sent to `url`, when it is neither `https://` nor
/// plain `http://` on loopback (127.0.0.0/8, `[::1]`, `localhost`), where
/// tests and local tools run.
pub(crate) fn insecure(url: &Url) -> Option<&'static str> {
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    let allowed = url.scheme() == "https" || (url.scheme() == "http" && loopback);
    (!allowed).then_some(
        "https is required; plain http is allowed only on loopback (127.0.0.0/8, [::1], \
         localhost), as credentials would cross the network in clear text",
    )
}

/// Sends `request` once, following the redirects a `GET` or `HEAD` may
/// follow, and returns the answer with its body capped, or a refusal. A
/// request in clear text off loopback is refused before anything is sent.
pub(crate) async fn send(http: &reqwest::Client, request: Request) -> reqwest::Result<Response> {
    if let Some(why) = insecure(request.url()) {
        let origin = shown(&request.url().origin());
        return Ok(refused(Refusal::Insecure(format!("{origin}: {why}"))));
    }
    let method = request.method().clone();
    let origin = request.url().origin();
    // Only these are ever sent again, so only these are kept for it.
    let follows = method == Method::GET || method == Method::HEAD;
    let mut request = request;
    let mut hops = 0;
    loop {
        let again = follows.then(|| request.try_clone()).flatten();
        let url = request.url().clone();
        let response = http.execute(request).await?;
        if let Some(refusal) = followed_by_the_client(&method, &url, &response) {
            return Ok(refused(refusal));
        }
        let next = match next_hop(&method, &url, &origin, hops, &response) {
            Ok(None) => return Ok(capped(response, &method)),
            Err(why) => return Ok(refused(Refusal::Redirect(why))),
            Ok(Some(next)) => next,
        };
        // `next_hop` follows only a GET or HEAD, whose requests have no
        // body and always clone; should one not, the redirect is refused
        // rather than taken for an answer.
        let Some(mut again) = again else {
            let why = format!("{method} {} cannot be sent again", url.path());
            return Ok(refused(Refusal::Redirect(why)));
        };
        *again.url_mut() = next;
        request = again;
        hops += 1;
    }
}

/// What to do with the answer to `method` at `url`, after `hops` redirects
/// from `origin`: take it (`Ok(None)`), ask the same again at the URL it
/// points to, or refuse it for the reason given.
fn next_hop(
    method: &Method,
    url: &Url,
    origin: &url::Origin,
    hops: usize,
    response: &Response,
) -> Result<Option<Url>, String> {
    let status = response.status();
    if !status.is_redirection() {
        return Ok(None);
    }
    let target = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|location| url.join(location));
    // Where the Location points, for a message: its origin, or what is
    // wrong with it.
    let place = match &target {
        None => "no Location".to_string(),
        Some(Err(_)) => "an invalid Location".to_string(),
        Some(Ok(next)) => shown(&next.origin()),
    };
    let (path, code) = (url.path(), status.as_u16());
    let refused = |why: &str| {
        Err(format!(
            "HTTP {code} to {method} {path} points to {place}{why}"
        ))
    };
    if method != Method::GET && method != Method::HEAD {
        return refused(
            "; a request is never sent again through a redirect, which would resend its body",
        );
    }
    let next = match target {
        // `304 Not Modified`, `300`, a redirect without a Location:
        // answers in their own right, for the caller to read.
        _ if !matches!(code, 301 | 302 | 303 | 307 | 308) => return Ok(None),
        None => return Ok(None),
        Some(Err(_)) => return refused(""),
        Some(Ok(next)) => next,
    };
    if next.origin() != *origin {
        let why = format!(
            ", another origin than the request's {}; credentials are not sent there",
            shown(origin)
        );
        return refused(&why);
    }
    if hops == MAX_REDIRECTS {
        return Err(format!(
            "{method} {path} was redirected more than {MAX_REDIRECTS} times"
        ));
    }
    Ok(Some(next))
}

/// An origin for a message, quoted and scrubbed: a server may put anything
/// in a Location.
fn shown(origin: &url::Origin) -> String {
    format!("`{}`", scrub(&origin.ascii_serialization()))
}

/// A redirect that a user's own `reqwest::Client` followed before the SDK
/// saw it ([`ClientBuilder::http_client`](crate::ClientBuilder::http_client)
/// without `Policy::none()`): too late to keep a body from being resent,
/// but its answer, from wherever it came, is not taken.
fn followed_by_the_client(method: &Method, sent: &Url, response: &Response) -> Option<Refusal> {
    let answered = response.url();
    if answered == sent {
        return None;
    }
    let allowed =
        (method == Method::GET || method == Method::HEAD) && answered.origin() == sent.origin();
    (!allowed).then(|| {
        Refusal::Redirect(format!(
            "the HTTP client followed a redirect of {method} {} to {} itself; build it with \
             reqwest::redirect::Policy::none()",
            sent.path(),
            shown(&answered.origin())
        ))
    })
}

/// `response` with its body capped at [`MAX_RESPONSE_BYTES`], or a refusal
/// when its `Content-Length` is over that already.
fn capped(response: Response, method: &Method) -> Response {
    if let Some(length) = response.content_length()
        && length > MAX_RESPONSE_BYTES
    {
        return refused(Refusal::TooLarge(format!(
            "HTTP {} to {method} {} announced a body of {length} bytes (Content-Length), over \
             the limit of {MAX_RESPONSE_BYTES} bytes",
            response.status().as_u16(),
            response.url().path()
        )));
    }
    let url = response.url().clone();
    let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    // Fits: the limit is far below `usize::MAX` on every target.
    let limit = usize::try_from(MAX_RESPONSE_BYTES).unwrap_or(usize::MAX);
    let body = reqwest::Body::wrap(Limited::new(body, limit));
    keep_url(&mut parts.extensions, url);
    Response::from(http::Response::from_parts(parts, body))
}

/// Puts a response's URL back after a conversion: reqwest keeps it in an
/// extension of a private type that only its builder extension sets.
fn keep_url(extensions: &mut http::Extensions, url: Url) {
    if let Ok(marked) = http::Response::builder().url(url).body(()) {
        extensions.extend(marked.into_parts().0.extensions);
    }
}

/// A made-up answer for a refusal: a 502 with the message in GitHub's error
/// shape, and the refusal in its extensions for the error layer.
pub(crate) fn refused(refusal: Refusal) -> Response {
    made_up(StatusCode::BAD_GATEWAY, &refusal.to_string(), refusal)
}

/// A made-up answer: `status` with `message` in GitHub's error shape, and
/// `marker` in its extensions, where the error layer finds it.
pub(crate) fn made_up(
    status: StatusCode,
    message: &str,
    marker: impl Clone + Send + Sync + 'static,
) -> Response {
    let body = serde_json::json!({ "message": message }).to_string();
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.extensions_mut().insert(marker);
    Response::from(response)
}

/// Reads a response's body whole and returns it with an equivalent response
/// carrying the same body, so that a hook can look at an error body and still
/// hand the response on. A body over the cap makes the response a refusal.
pub(crate) async fn buffered(response: Response) -> (Response, Bytes) {
    let (response, body) = read_whole(response).await;
    match body {
        Ok(body) => (response, body),
        // What could be read is gone; the status and headers still tell.
        Err(e) => (
            Refusal::of_body_error(&e).map_or(response, refused),
            Bytes::new(),
        ),
    }
}

/// Reads a response's body whole: an equivalent response carrying the same
/// body (none when the read failed), and the body or the read's error.
pub(crate) async fn read_whole(response: Response) -> (Response, reqwest::Result<Bytes>) {
    let (status, headers) = (response.status(), response.headers().clone());
    let empty = rebuilt(&response, status, headers.clone(), Bytes::new());
    let body = response.bytes().await;
    match body {
        Ok(body) => (rebuilt(&empty, status, headers, body.clone()), Ok(body)),
        Err(e) => (empty, Err(e)),
    }
}

/// A response like `like` (its version, URL and extensions: when it
/// arrived) with another status, headers and body.
pub(crate) fn rebuilt(
    like: &Response,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    *rebuilt.version_mut() = like.version();
    *rebuilt.extensions_mut() = like.extensions().clone();
    keep_url(rebuilt.extensions_mut(), like.url().clone());
    Response::from(rebuilt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_loopback_only() {
        for allowed in [
            "https://example.com",
            "http://127.0.0.1:8080",
            "http://127.3.4.5",
            "http://[::1]:9000/api/v3",
            "http://localhost",
            "http://LOCALHOST:1",
        ] {
            assert!(
                insecure(&Url::parse(allowed).unwrap()).is_none(),
                "{allowed}"
            );
        }
        for refused in [
            "http://example.com",
            "http://10.0.0.1",
            "http://[::2]",
            "http://localhost.example.com",
            "http://0.0.0.0",
        ] {
            assert!(
                insecure(&Url::parse(refused).unwrap()).is_some(),
                "{refused}"
            );
        }
    }

    #[tokio::test]
    async fn a_refusal_is_a_502_in_githubs_error_shape_carrying_the_refusal() {
        let response = refused(Refusal::Redirect("HTTP 307 to POST /x".into()));
        assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
        assert!(matches!(Refusal::of(&response), Some(Refusal::Redirect(_))));
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["message"], "redirect refused: HTTP 307 to POST /x");
    }
}
