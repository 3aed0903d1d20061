//! How GitHub refuses a request: status, message and headers, for the
//! failures tests inject and organizations are configured with.
//!
//! What is relied on: GitHub's error body is `{"message",
//! "documentation_url", "status"}`; a primary rate limit is a 403 (or 429)
//! with `x-ratelimit-remaining: 0`, to be retried after `x-ratelimit-reset`;
//! a secondary rate limit is a 403 or 429 whose message says so, with
//! `retry-after` when GitHub gives a wait, else at least a minute
//! ("Rate limits for the REST API", docs.github.com, 2022-11-28).

use std::time::Duration;

/// GitHub's documentation page on rate limits, as its rate-limit bodies cite it.
pub(crate) const RATE_LIMIT_DOCS: &str =
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";

/// A refusal GitHub answers with.
///
/// ```
/// use github_standin::{Failure, Fault, Org};
///
/// assert_eq!(Failure::Forbidden.status(), 403);
/// assert_eq!(Failure::Forbidden.message(), "Resource not accessible by integration");
/// // An organization whose listings always fail so, or one request that does.
/// let locked = Org::new("locked", 2).failing(Failure::Forbidden);
/// let once = Fault::respond(Failure::NotFound).times(1);
/// # let _ = (locked, once);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// 401 `Bad credentials`.
    Unauthorized,
    /// 403 `Resource not accessible by integration`: the App lacks a permission.
    Forbidden,
    /// 404 `Not Found`: no such organization, or no access to it.
    NotFound,
    /// 403 `API rate limit exceeded`, `x-ratelimit-remaining: 0` and the
    /// window's reset: the primary rate limit.
    PrimaryRateLimit,
    /// 403 `You have exceeded a secondary rate limit`, with `retry-after`
    /// when given (GitHub sends it for most, not all, secondary limits).
    SecondaryRateLimit {
        /// The `retry-after` header, in whole seconds.
        retry_after: Option<Duration>,
    },
    /// A server error with GitHub's `Server Error` body (500, 502, 503, ...).
    ServerError(u16),
    /// 422 with this message.
    Unprocessable(String),
}

impl Failure {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.answer().0
    }

    /// GitHub's `message`.
    pub fn message(&self) -> &str {
        self.answer().1
    }

    /// The status and message, side by side for each failure.
    fn answer(&self) -> (u16, &str) {
        match self {
            Failure::Unauthorized => (401, "Bad credentials"),
            Failure::Forbidden => (403, "Resource not accessible by integration"),
            Failure::NotFound => (404, "Not Found"),
            Failure::PrimaryRateLimit => (403, "API rate limit exceeded for installation ID 4242."),
            Failure::SecondaryRateLimit { .. } => (
                403,
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            ),
            Failure::ServerError(status) => (*status, "Server Error"),
            Failure::Unprocessable(message) => (422, message),
        }
    }

    /// The `documentation_url` GitHub cites, or `docs` (the endpoint's page).
    pub(crate) fn documentation_url<'a>(&self, docs: &'a str) -> &'a str {
        match self {
            Failure::PrimaryRateLimit | Failure::SecondaryRateLimit { .. } => RATE_LIMIT_DOCS,
            _ => docs,
        }
    }
}
