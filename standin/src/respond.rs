//! Building GitHub's responses: JSON bodies, error bodies, and the marks the
//! pipeline reads to finish them (who the caller was, a spent rate limit).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};

use crate::failure::Failure;
use crate::log::Caller;

/// Marks a response whose rate limit reads as spent (`x-ratelimit-remaining: 0`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SpentRateLimit;

/// A JSON response with this status and body.
pub(crate) fn json(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// A response without a body (`204 No Content`).
pub(crate) fn empty(status: u16) -> Response {
    StatusCode::from_u16(status)
        .unwrap_or(StatusCode::NO_CONTENT)
        .into_response()
}

/// GitHub's error body: `{"message", "documentation_url", "status"}`
/// (`basic-error`); a 422 is a `validation-error`, which has no `status`.
fn error_body(status: u16, message: &str, docs: &str) -> String {
    let mut body = String::with_capacity(message.len() + docs.len() + 64);
    body.push_str("{\"message\":");
    crate::json::string(&mut body, message);
    body.push_str(",\"documentation_url\":");
    crate::json::string(&mut body, docs);
    if status != 422 {
        body.push_str(&format!(",\"status\":\"{status}\""));
    }
    body.push('}');
    body
}

/// GitHub's answer for `failure`, citing `docs` (the endpoint's page)
/// unless the failure has its own.
pub(crate) fn failure(failure: &Failure, docs: &str) -> Response {
    let status = failure.status();
    let mut response = json(
        status,
        error_body(status, failure.message(), failure.documentation_url(docs)),
    );
    match failure {
        Failure::PrimaryRateLimit => {
            response.extensions_mut().insert(SpentRateLimit);
        }
        Failure::SecondaryRateLimit {
            retry_after: Some(wait),
        } => {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs()));
        }
        _ => {}
    }
    response
}

/// GitHub's error response with this status and message.
pub(crate) fn error(status: u16, message: &str, docs: &str) -> Response {
    json(status, error_body(status, message, docs))
}

/// Records who the response was answered as, for the log.
pub(crate) fn answered_as(mut response: Response, caller: Caller) -> Response {
    response.extensions_mut().insert(caller);
    response
}

/// Adds GitHub's `Link` header, when there is one (every paginated listing).
pub(crate) fn with_link(mut response: Response, link: Option<String>) -> Response {
    if let Some(link) = link
        && let Ok(value) = HeaderValue::from_str(&link)
    {
        response.headers_mut().insert("link", value);
    }
    response
}
