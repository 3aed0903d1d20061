//! Conditional requests, as GitHub answers them: an `ETag` on every `GET`
//! answered 200, and `304 Not Modified` without a body when the request's
//! `If-None-Match` names it.
//!
//! What is relied on: GitHub's "Best practices for using the REST API"
//! (use conditional requests): most answers carry an `ETag`, a request
//! with `If-None-Match` whose data has not changed is answered 304, and a
//! 304 does not count against the primary rate limit (the pipeline gives
//! the request back to the window). RFC 9110, 13.1.2: `If-None-Match` is
//! `*` or a list of entity tags, compared weakly (`W/"x"` matches `"x"`);
//! 15.4.5: a 304 has no body and carries the `ETag` a 200 would. The tag
//! is strong, the SHA-256 of the body, so it changes exactly when the
//! answer does. `Last-Modified` is not sent: a page of a listing has no
//! one time it last changed that the stand-in keeps.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;

use crate::wire;

/// The handler's answer with its `ETag`, or `304 Not Modified` in its place
/// when `asked` (the request's headers) names that tag. Other answers than
/// a `GET`'s 200 pass unchanged.
pub(crate) async fn answer(method: &Method, asked: &HeaderMap, response: Response) -> Response {
    if method != Method::GET || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // A handler's body is in memory already: reading it cannot fail.
    let body = axum::body::to_bytes(body, usize::MAX).await;
    let body = body.unwrap_or_default();
    let tag = format!("\"{}\"", wire::sha256(&body));
    let etag = HeaderValue::from_str(&tag).map(|value| (header::ETAG, value));
    parts.headers.extend(etag);
    if !names(asked, &tag) {
        return Response::from_parts(parts, Body::from(body));
    }
    parts.status = StatusCode::NOT_MODIFIED;
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::empty())
}

/// Whether the request's `If-None-Match` headers name `tag`: `*`, or a tag
/// equal to it once a weak tag's `W/` is set aside.
fn names(asked: &HeaderMap, tag: &str) -> bool {
    asked
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|list| list.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_is_compared_weakly_and_takes_lists_and_a_star() {
        let asked = |values: &[&str]| {
            let mut h = HeaderMap::new();
            for v in values {
                h.append(header::IF_NONE_MATCH, HeaderValue::from_str(v).unwrap());
            }
            h
        };
        let tag = "\"abc\"";
        assert!(names(&asked(&["\"abc\""]), tag));
        assert!(names(&asked(&["W/\"abc\""]), tag));
        assert!(names(&asked(&["\"x\", W/\"abc\""]), tag));
        assert!(names(&asked(&["\"x\"", "\"abc\""]), tag));
        assert!(names(&asked(&["*"]), tag));
        assert!(!names(&asked(&["\"abcd\"", "abc"]), tag));
        assert!(!names(&HeaderMap::new(), tag));
    }
}
