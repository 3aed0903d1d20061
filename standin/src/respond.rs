//! Building GitHub's responses: JSON bodies, error bodies, and the marks the
//! pipeline reads to finish them (who the caller was, a spent rate limit).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::failure::Failure;
use crate::log::Caller;

/// Marks a response whose rate limit reads as spent (`x-ratelimit-remaining: 0`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SpentRateLimit;

/// An answer given in place of the one a handler was making (a refusal):
/// boxed, as a response is large, so that handlers pass it on with `?`.
pub(crate) struct Refused(Box<Response>);

impl From<Response> for Refused {
    fn from(response: Response) -> Self {
        Refused(Box::new(response))
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// What a handler answers: its response, or a refusal met on the way.
pub(crate) type Answer = Result<Response, Refused>;

/// A JSON response with this status and body. A body serde cannot write
/// is GitHub's 500, not a `null` a test would take for an answer.
pub(crate) fn json(status: u16, body: &(impl Serialize + ?Sized)) -> Response {
    let (status, body) = match serde_json::to_vec(body) {
        Ok(body) => (status, body),
        Err(_) => (500, br#"{"message":"Server Error"}"#.to_vec()),
    };
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
/// (`basic-error`); a 422 is a `validation-error`, with `errors` and no `status`.
#[derive(Serialize)]
pub(crate) struct ErrorBody<'a> {
    pub(crate) message: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub(crate) errors: &'a [&'a str],
    pub(crate) documentation_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<String>,
}

/// GitHub's answer for `failure`, citing `docs` (the endpoint's page)
/// unless the failure has its own.
pub(crate) fn failure(failure: &Failure, docs: &str) -> Response {
    let docs = failure.documentation_url(docs);
    let mut response = error(failure.status(), failure.message(), docs);
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
    let body = ErrorBody {
        message,
        errors: &[],
        documentation_url: docs,
        status: (status != 422).then(|| status.to_string()),
    };
    json(status, &body)
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
