//! GitHub's rate-limit headers.

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

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

impl RateLimit {
    /// Reads the figures from response headers; `None` when `limit`,
    /// `remaining` or `reset` is absent or unreadable.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let limit = header_u64(headers, "x-ratelimit-limit")?;
        let remaining = header_u64(headers, "x-ratelimit-remaining")?;
        let reset = DateTime::from_timestamp(
            header_u64(headers, "x-ratelimit-reset")?.try_into().ok()?,
            0,
        )?;
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
