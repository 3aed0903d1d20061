//! Serving the hostile mode's attacks ([`Hostile`]): an answer in place
//! of the handler's (a redirect, a lying clock, a body that never ends), or
//! the handler's answer made hostile (an undecodable token, a `Link` that
//! lies about the last page).
//!
//! What is relied on: a `307`/`308` keeps the method and the body
//! (RFC 9110, 15.4.8 and 15.4.9), so a client that follows one resends
//! what it sent; GitHub refuses a JWT issued in the future with
//! `'Issued at' claim ('iat') ...` and sends a `Date` header on every
//! response, which is not authenticated.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::auth::NOT_ISSUED;
use crate::clock::http_date;
use crate::headers;
use crate::hostile::Hostile;
use crate::log::Caller;
use crate::model::Grant;
use crate::respond;
use crate::state::Shared;
use crate::wire;

/// The documentation an App endpoint's refusal cites.
const APPS_DOCS: &str = "https://docs.github.com/rest/apps/apps";

/// What an endless body sends at a time (about 40 grants).
const CHUNK: usize = 64 * 1024;

/// The largest handler answer an attack rewrites (a token's is 300 bytes).
const MAX_REWRITTEN: usize = 1 << 20;

/// The attack's answer in place of the handler's, for the attacks that
/// make one; `None` lets the handler answer (and [`after`] change it).
pub(crate) fn before(s: &Shared, attack: &Hostile) -> Option<Response> {
    match attack {
        Hostile::Redirect { status, location } => {
            let mut response = respond::empty(*status);
            if let Ok(location) = HeaderValue::from_str(location) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            Some(respond::answered_as(response, Caller::Unchecked))
        }
        Hostile::ClockLie(_) => Some(respond::answered_as(
            respond::error(401, NOT_ISSUED, APPS_DOCS),
            Caller::RefusedJwt,
        )),
        Hostile::EndlessBody => Some(endless(s)),
        Hostile::UndecodableToken | Hostile::LastPage(_) => None,
    }
}

/// The answer, once GitHub's headers are on it, made hostile as the
/// attack makes it.
pub(crate) async fn after(attack: &Hostile, mut response: Response) -> Response {
    match attack {
        Hostile::ClockLie(lie) => {
            if let Ok(value) = HeaderValue::from_str(&http_date(*lie)) {
                response.headers_mut().insert(header::DATE, value);
            }
            response
        }
        Hostile::LastPage(page) => {
            let link = response.headers().get("link").and_then(|v| v.to_str().ok());
            if let Some(lying) = link.and_then(|l| lie_about_last(l, *page))
                && let Ok(value) = HeaderValue::from_str(&lying)
            {
                response.headers_mut().insert("link", value);
            }
            response
        }
        Hostile::UndecodableToken if response.status() == StatusCode::CREATED => {
            undecodable_token(response).await
        }
        _ => response,
    }
}

/// The `Link` header with its `rel="last"` URL's `page` set to `page`;
/// `None` when it has no such link.
fn lie_about_last(link: &str, page: u64) -> Option<String> {
    let mut lied = false;
    let mut lie = |part: &str| {
        let target = part.strip_suffix(">; rel=\"last\"")?.strip_prefix('<')?;
        let url = url::Url::parse(target).ok()?;
        let kept: Vec<(String, String)> = (url.query_pairs())
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let at = &url[..url::Position::AfterPath];
        lied = true;
        let page = page.to_string();
        Some(headers::target(at, &kept, &[("page", &page)]) + "; rel=\"last\"")
    };
    let parts: Vec<String> = (link.split(", "))
        .map(|part| lie(part).unwrap_or_else(|| part.to_string()))
        .collect();
    lied.then(|| parts.join(", "))
}

/// The minted token's answer with `expires_at` no time at all; the token
/// stays as minted.
async fn undecodable_token(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, MAX_REWRITTEN)
        .await
        .unwrap_or_default();
    let mut value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if let Some(answer) = value.as_object_mut() {
        answer.insert("expires_at".into(), Value::from("in an hour or so"));
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(value.to_string()))
}

/// A 200 whose JSON array of grants is streamed until the client hangs up,
/// every byte counted in `s.streamed`.
fn endless(s: &Shared) -> Response {
    let base = s.settings.base_url.clone();
    let as_of = s.settings.as_of;
    let streamed = Arc::clone(&s.streamed);
    let chunks = futures_util::stream::unfold(0_i64, move |next| {
        let (chunk, next) = grants_from(next, &base, as_of);
        streamed.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        std::future::ready(Some((Ok::<_, Infallible>(Bytes::from(chunk)), next)))
    });
    let mut response = respond::json(200, &());
    *response.body_mut() = Body::from_stream(chunks);
    response
}

/// About [`CHUNK`] bytes of the endless array from grant `first` on (the
/// opening bracket before the first), and the grant to go on from.
fn grants_from(first: i64, base: &str, as_of: DateTime<Utc>) -> (Vec<u8>, i64) {
    let mut out = Vec::with_capacity(CHUNK + 2048);
    out.push(if first == 0 { b'[' } else { b',' });
    let mut id = first;
    while out.len() < CHUNK {
        if id > first {
            out.push(b',');
        }
        wire::write(&mut out, &Grant::new(id + 1).listed(base, 1, as_of));
        id += 1;
    }
    (out, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_link_lies() {
        let link = "<http://127.0.0.1:1/organizations/7/personal-access-tokens?per_page=100&page=2>; rel=\"next\", \
                    <http://127.0.0.1:1/organizations/7/personal-access-tokens?per_page=100&page=2>; rel=\"last\"";
        let lying = lie_about_last(link, 4_294_967_295).unwrap();
        assert_eq!(
            lying,
            "<http://127.0.0.1:1/organizations/7/personal-access-tokens?per_page=100&page=2>; rel=\"next\", \
             <http://127.0.0.1:1/organizations/7/personal-access-tokens?per_page=100&page=4294967295>; rel=\"last\""
        );
        assert_eq!(lie_about_last("<http://x/?page=1>; rel=\"prev\"", 9), None);
    }

    #[test]
    fn the_endless_array_goes_on_where_the_last_chunk_stopped() {
        let as_of = chrono::Utc::now();
        let (first, next) = grants_from(0, "http://127.0.0.1:1", as_of);
        let (second, _) = grants_from(next, "http://127.0.0.1:1", as_of);
        assert!(first.len() >= CHUNK && first.starts_with(b"["));
        // Closed, the two chunks are one array of consecutive grants.
        let value: Value =
            serde_json::from_slice(&[first, second, b"]".to_vec()].concat()).unwrap();
        let ids: Vec<i64> = value
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>());
    }
}
