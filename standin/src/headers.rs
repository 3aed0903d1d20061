//! GitHub's response headers: the rate limit, the request id, the API
//! version, the `Date`, and `Link` pagination.
//!
//! What is relied on: every REST response carries `x-ratelimit-limit`,
//! `-remaining`, `-used`, `-reset` (UTC epoch seconds) and `-resource`
//! ("Rate limits for the REST API"); a paginated one carries `Link` with
//! absolute URLs, `rel="next"` and `rel="last"` unless on the last page,
//! `rel="prev"` and `rel="first"` unless on the first, the query carried
//! over with `page` last ("Using pagination in the REST API"; GitHub's own
//! links for these listings point at `/organizations/{id}/...`).

use axum::http::{HeaderMap, HeaderValue};
use chrono::{DateTime, TimeDelta, Utc};

use crate::clock::http_date;

/// The rate limit a GitHub App installation on GitHub Enterprise Cloud
/// gets, and the stand-in's default.
pub(crate) const DEFAULT_RATE_LIMIT: u64 = 15_000;

/// The primary rate limit's hourly window.
#[derive(Debug, Default)]
pub(crate) struct RateWindow {
    limit: u64,
    used: u64,
    reset: DateTime<Utc>,
}

/// Where one response stands in the window.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Quota {
    pub(crate) limit: u64,
    pub(crate) used: u64,
    pub(crate) reset: i64,
}

impl Quota {
    /// Whether this request was over the limit: GitHub refuses it.
    pub(crate) fn exhausted(self) -> bool {
        self.used > self.limit
    }

    /// The same window with nothing left (a primary rate limit injected as a fault).
    pub(crate) fn spent(self) -> Quota {
        Quota {
            used: self.limit + 1,
            ..self
        }
    }
}

impl RateWindow {
    /// A window of `limit` requests that resets at `reset`.
    pub(crate) fn new(limit: u64, reset: DateTime<Utc>) -> Self {
        RateWindow {
            limit,
            used: 0,
            reset,
        }
    }

    /// Counts one request at `now`: a new window once the old one has reset.
    /// A request over the limit is marked so (`used` one over) and not
    /// counted: GitHub's `x-ratelimit-used` stops at the limit.
    pub(crate) fn count(&mut self, now: DateTime<Utc>) -> Quota {
        if now >= self.reset {
            self.used = 0;
            self.reset = now + TimeDelta::hours(1);
        }
        // One over the limit when it was met already, which the window keeps at the limit.
        let used = self.used + 1;
        self.used = used.min(self.limit);
        Quota {
            limit: self.limit,
            used,
            reset: self.reset.timestamp(),
        }
    }

    /// Gives back the request `quota` counted (answered 304, which GitHub
    /// does not count), when its window has not reset since: the window as
    /// it stands without it.
    pub(crate) fn give_back(&mut self, mut quota: Quota) -> Quota {
        let counted = u64::from(!quota.exhausted() && quota.reset == self.reset.timestamp());
        self.used -= counted;
        quota.used -= counted;
        quota
    }
}

/// Marks a response counted against a limit of its own (the audit log's),
/// which its `x-ratelimit-*` headers then describe.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OwnQuota {
    pub(crate) quota: Quota,
    /// `x-ratelimit-resource`.
    pub(crate) resource: &'static str,
}

/// Sets what GitHub sends on every response. `request` numbers the response
/// (for `x-github-request-id`); `resource` is the limit's name (`core`).
pub(crate) fn common(
    h: &mut HeaderMap,
    (quota, resource): (Quota, &str),
    request: u64,
    now: DateTime<Utc>,
) {
    let used = quota.used.min(quota.limit);
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set("date", http_date(now));
    set("x-github-api-version-selected", "2022-11-28".into());
    set("x-ratelimit-limit", quota.limit.to_string());
    set("x-ratelimit-remaining", (quota.limit - used).to_string());
    set("x-ratelimit-used", used.to_string());
    set("x-ratelimit-reset", quota.reset.to_string());
    set("x-ratelimit-resource", resource.into());
    let hash = request.wrapping_mul(7919);
    set(
        "x-github-request-id",
        format!("5E1F:1B2C:{request:X}:{hash:X}:6740A1B2"),
    );
}

/// GitHub's `Link` header for page `page` of `last` of the listing `at`
/// (its absolute URL), asked with the query `kept` (without `page`), or
/// `None` for a single page. `next_only` sends only `rel="next"`, as
/// cursor-paginated endpoints do.
pub(crate) fn link(
    at: &str,
    kept: &[(String, String)],
    (page, last): (usize, usize),
    next_only: bool,
) -> Option<String> {
    let url = |page: usize| target(at, kept, &[("page", &page.to_string())]);
    let mut links = Vec::new();
    if page < last {
        links.push((url(page + 1), "next"));
        if !next_only {
            links.push((url(last), "last"));
        }
    }
    if page > 1 && !next_only {
        links.push((url(page - 1), "prev"));
        links.push((url(1), "first"));
    }
    joined(&links)
}

/// One target of a `Link` header: `<{at}?{query}>`, the query as asked
/// (`kept`) with `more` after it.
pub(crate) fn target(at: &str, kept: &[(String, String)], more: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(kept).extend_pairs(more);
    format!("<{at}?{}>", query.finish())
}

/// A `Link` header of these targets and their `rel`s, or `None` without any.
pub(crate) fn joined(links: &[(String, &str)]) -> Option<String> {
    let links: Vec<String> = (links.iter())
        .map(|(target, rel)| format!("{target}; rel=\"{rel}\""))
        .collect();
    (!links.is_empty()).then(|| links.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn pages(
        kept: &[(String, String)],
        page: usize,
        last: usize,
        next_only: bool,
    ) -> Option<String> {
        let at = "http://127.0.0.1:1/organizations/652551/personal-access-tokens";
        link(at, kept, (page, last), next_only)
    }

    #[test]
    fn link_headers_look_like_githubs() {
        let kept = [
            ("per_page".to_string(), "100".to_string()),
            ("owner[]".to_string(), "octocat".to_string()),
        ];
        let u = "http://127.0.0.1:1/organizations/652551/personal-access-tokens?per_page=100&owner%5B%5D=octocat&page=";
        assert_eq!(
            pages(&kept, 2, 3, false).unwrap(),
            format!(
                "<{u}3>; rel=\"next\", <{u}3>; rel=\"last\", <{u}1>; rel=\"prev\", <{u}1>; rel=\"first\""
            )
        );
        assert_eq!(
            pages(&kept, 1, 3, true).unwrap(),
            format!("<{u}2>; rel=\"next\"")
        );
        assert!(!pages(&kept, 3, 3, false).unwrap().contains("next"));
        assert_eq!(pages(&kept, 1, 1, false), None);
    }

    #[test]
    fn the_window_counts_to_its_limit_then_resets_an_hour_after_it_began() {
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let mut window = RateWindow::new(2, start + TimeDelta::hours(1));
        assert!(!window.count(start).exhausted());
        let second = window.count(start);
        assert_eq!((second.used, second.exhausted()), (2, false));
        assert_eq!(second.reset, (start + TimeDelta::hours(1)).timestamp());
        let third = window.count(start);
        assert!(third.exhausted());
        let mut h = HeaderMap::new();
        common(&mut h, (third, "core"), 3, start);
        assert_eq!(h["x-ratelimit-remaining"], "0");
        assert_eq!(h["x-ratelimit-used"], "2");
        assert_eq!(h["date"], "Sun, 01 Mar 2026 12:00:00 GMT");
        let later = window.count(start + TimeDelta::hours(1));
        assert_eq!((later.used, later.exhausted()), (1, false));
    }
}
