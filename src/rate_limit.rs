//! GitHub's rate-limit headers, and the one place that decides whether a
//! response is a rate limit, which one, and how long GitHub asks to wait:
//! the retry policy and the error type both ask `classify`.

use std::borrow::Cow;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use serde::Deserialize;

/// The rate-limit figures GitHub sends with every response
/// (`x-ratelimit-limit`, `-remaining`, `-used`, `-reset`, `-resource`).
///
/// ```
/// use github_pat_grants::RateLimit;
/// let mut headers = reqwest::header::HeaderMap::new();
/// headers.insert("x-ratelimit-limit", "5000".parse().unwrap());
/// headers.insert("x-ratelimit-remaining", "4999".parse().unwrap());
/// headers.insert("x-ratelimit-used", "1".parse().unwrap());
/// headers.insert("x-ratelimit-reset", "1700000000".parse().unwrap());
/// headers.insert("x-ratelimit-resource", "core".parse().unwrap());
/// let rl = RateLimit::from_headers(&headers).unwrap();
/// assert_eq!((rl.limit, rl.remaining, rl.used), (5000, 4999, 1));
/// assert_eq!(rl.reset.timestamp(), 1_700_000_000);
/// assert_eq!(rl.resource.as_deref(), Some("core"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the current window.
    pub limit: u64,
    /// Requests left in the current window.
    pub remaining: u64,
    /// Requests made in the current window.
    pub used: u64,
    /// When the window resets.
    pub reset: DateTime<Utc>,
    /// The rate-limit bucket (`core`, `search`, ...), when GitHub names it.
    pub resource: Option<String>,
}

pub(crate) fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

pub(crate) fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    header_str(headers, name)?.parse().ok()
}

/// When the primary window resets (`x-ratelimit-reset`, Unix seconds).
fn reset_of(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(
        header_u64(headers, "x-ratelimit-reset")?.try_into().ok()?,
        0,
    )
}

impl RateLimit {
    /// Reads the figures from response headers; `None` when `limit`,
    /// `remaining` or `reset` is absent or unreadable.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let limit = header_u64(headers, "x-ratelimit-limit")?;
        let remaining = header_u64(headers, "x-ratelimit-remaining")?;
        let reset = reset_of(headers)?;
        Some(Self {
            limit,
            remaining,
            used: header_u64(headers, "x-ratelimit-used")
                .unwrap_or(limit.saturating_sub(remaining)),
            reset,
            resource: header_str(headers, "x-ratelimit-resource").map(str::to_string),
        })
    }
}

/// Which rate limit was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitKind {
    /// The hourly request budget is used up (`x-ratelimit-remaining: 0`).
    Primary,
    /// GitHub's abuse protection (a message that says so, or `retry-after`).
    Secondary,
}

/// A response that is a rate limit: which one, how long GitHub asks to
/// wait, and when the primary window resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limited {
    pub(crate) kind: RateLimitKind,
    /// The time GitHub named: `retry-after`, or until `x-ratelimit-reset`.
    /// Without one, a secondary limit means "wait for at least one minute",
    /// longer on each repeat, and for a primary limit nothing says when.
    pub(crate) wait: Option<Duration>,
    pub(crate) reset: Option<DateTime<Utc>>,
}

/// One second of slack on a wait until `x-ratelimit-reset`: GitHub's clock
/// and ours differ, and the reset is given in whole seconds.
const RESET_SLACK: Duration = Duration::from_secs(1);

/// Whether a response is a rate limit, which one and how long to wait,
/// from its status, headers and body.
///
/// The rules are GitHub's ("Rate limits for the REST API", *Exceeding the
/// rate limit*): a rate limit is a 403 or 429; the primary one comes with
/// `x-ratelimit-remaining: 0` and is over at `x-ratelimit-reset`; a secondary
/// one comes with a message that says so, and then `retry-after` seconds are
/// waited when sent, else until `x-ratelimit-reset` when `remaining` is 0,
/// else at least a minute. Where the signals disagree, this precedence holds:
///
/// - the kind: a message naming the secondary limit (or, in GitHub's older
///   wording, abuse detection) makes it secondary even with `remaining: 0`,
///   since GitHub documents that a secondary limit may come with it; else
///   `remaining: 0` is primary; else `retry-after`, or a 429 alone, is
///   secondary (429 means "too many requests" whatever the body says); else
///   a 403 is no rate limit (`Resource not accessible by integration`).
/// - the wait: `retry-after` first, as GitHub lists it, then the reset;
///   without either, a secondary limit's minute is the retry policy's to
///   wait, and a primary limit has none.
pub(crate) fn classify(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Option<Limited> {
    if status != 403 && status != 429 {
        return None;
    }
    let retry_after = header_u64(headers, "retry-after").map(Duration::from_secs);
    let exhausted = header_u64(headers, "x-ratelimit-remaining") == Some(0);
    let reset = reset_of(headers);
    let kind = if names_secondary(&message_of(body)) {
        RateLimitKind::Secondary
    } else if exhausted {
        RateLimitKind::Primary
    } else if retry_after.is_some() || status == 429 {
        RateLimitKind::Secondary
    } else {
        return None;
    };
    let until_reset = reset
        .filter(|_| exhausted)
        .map(|r| (r - now).to_std().unwrap_or(Duration::ZERO) + RESET_SLACK);
    let wait = retry_after.or(until_reset);
    Some(Limited { kind, wait, reset })
}

/// GitHub's `message`, or the body itself when it is not GitHub's JSON.
fn message_of(body: &[u8]) -> Cow<'_, str> {
    #[derive(Deserialize)]
    struct ErrorBody<'a> {
        #[serde(borrow)]
        message: Option<Cow<'a, str>>,
    }
    match serde_json::from_slice::<ErrorBody<'_>>(body) {
        Ok(ErrorBody { message: Some(m) }) => m,
        _ => String::from_utf8_lossy(body),
    }
}

/// Whether GitHub's message speaks of a secondary rate limit ("You have
/// exceeded a secondary rate limit", and "abuse detection" before GitHub
/// renamed it).
fn names_secondary(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("secondary rate limit") || m.contains("abuse")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Response headers from name-value pairs (the error layer's tests use it too).
    pub(crate) fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    /// When the tests' responses arrive.
    pub(crate) fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    const SECONDARY: &str = r#"{"message": "You have exceeded a secondary rate limit."}"#;
    const IN_30_S: &str = "1700000030";

    fn limited(status: u16, pairs: &[(&'static str, &str)], body: &str) -> Option<Limited> {
        classify(status, &headers(pairs), body.as_bytes(), now())
    }

    #[test]
    fn only_403_and_429_can_be_rate_limits() {
        for status in [200, 401, 404, 500] {
            let got = limited(status, &[("x-ratelimit-remaining", "0")], SECONDARY);
            assert_eq!(got, None, "{status}");
        }
    }

    #[test]
    fn the_primary_limit_waits_until_the_reset_with_a_second_of_slack() {
        let got = limited(
            403,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", IN_30_S),
            ],
            "API rate limit exceeded",
        );
        let got = got.unwrap();
        assert_eq!(got.kind, RateLimitKind::Primary);
        assert_eq!(got.wait, Some(Duration::from_secs(31)));
        assert_eq!(got.reset.unwrap().timestamp(), 1_700_000_030);
        // A reset already past: just the slack.
        let past = limited(
            403,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "1699999000"),
            ],
            "",
        );
        assert_eq!(past.unwrap().wait, Some(RESET_SLACK));
        // Without a reset nothing says when.
        let unknown = limited(403, &[("x-ratelimit-remaining", "0")], "").unwrap();
        assert_eq!((unknown.kind, unknown.wait), (RateLimitKind::Primary, None));
    }

    #[test]
    fn the_secondary_message_wins_over_remaining_zero_and_retry_after_over_the_reset() {
        let pairs = [
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", IN_30_S),
        ];
        let got = limited(403, &pairs, SECONDARY).unwrap();
        assert_eq!(
            (got.kind, got.wait),
            (RateLimitKind::Secondary, Some(Duration::from_secs(31)))
        );
        let with_retry_after = [pairs[0], pairs[1], ("retry-after", "7")];
        let got = limited(429, &with_retry_after, "API rate limit exceeded").unwrap();
        assert_eq!(
            (got.kind, got.wait),
            (RateLimitKind::Primary, Some(Duration::from_secs(7)))
        );
    }

    #[test]
    fn a_secondary_limit_without_a_time_waits_at_least_a_minute() {
        let got = limited(
            403,
            &[("x-ratelimit-remaining", "12")],
            "You have triggered an abuse detection mechanism.",
        )
        .unwrap();
        assert_eq!((got.kind, got.wait), (RateLimitKind::Secondary, None));
        // A reset does not count while requests remain: that is the primary window.
        let got = limited(
            403,
            &[
                ("x-ratelimit-remaining", "12"),
                ("x-ratelimit-reset", IN_30_S),
            ],
            SECONDARY,
        );
        let got = got.unwrap();
        assert_eq!((got.kind, got.wait), (RateLimitKind::Secondary, None));
    }

    #[test]
    fn only_githubs_message_names_the_secondary_limit() {
        // The documentation link of a plain 403 may well mention the limits.
        let body = r#"{"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest#abuse-and-secondary-rate-limits"}"#;
        assert_eq!(limited(403, &[], body), None);
    }

    #[test]
    fn retry_after_or_a_bare_429_is_secondary_and_a_bare_403_is_no_limit() {
        let got = limited(403, &[("retry-after", "17")], "").unwrap();
        assert_eq!(
            (got.kind, got.wait),
            (RateLimitKind::Secondary, Some(Duration::from_secs(17)))
        );
        let got = limited(429, &[], "Too Many Requests").unwrap();
        assert_eq!((got.kind, got.wait), (RateLimitKind::Secondary, None));
        let plain = limited(
            403,
            &[("x-ratelimit-remaining", "10")],
            "Resource not accessible by integration",
        );
        assert_eq!(plain, None);
    }
}
