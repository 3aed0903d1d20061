//! The stand-in's clock: what time GitHub thinks it is.
//!
//! App JWTs, installation tokens' expiry, the rate-limit window and every
//! response's `Date` header read it. It is the system clock unless a test
//! gives its own (so that the client and the stand-in move together), plus a
//! skew that plays a GitHub whose clock disagrees with the client's.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};

/// Where the time comes from: the system clock, or a test's.
#[derive(Clone)]
pub(crate) struct TimeSource(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl TimeSource {
    pub(crate) fn new(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        TimeSource(Arc::new(now))
    }
}

impl fmt::Debug for TimeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TimeSource")
    }
}

/// The stand-in's time: a source plus a skew that can change while serving.
#[derive(Debug)]
pub(crate) struct Clock {
    source: TimeSource,
    /// The skew in milliseconds, GitHub's clock minus the source's.
    skew_ms: AtomicI64,
}

impl Clock {
    pub(crate) fn new(source: Option<TimeSource>, skew: TimeDelta) -> Self {
        Clock {
            source: source.unwrap_or_else(|| TimeSource::new(Utc::now)),
            skew_ms: AtomicI64::new(skew.num_milliseconds()),
        }
    }

    /// GitHub's "now".
    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.source.0)() + TimeDelta::milliseconds(self.skew_ms.load(Ordering::Relaxed))
    }

    pub(crate) fn set_skew(&self, skew: TimeDelta) {
        self.skew_ms
            .store(skew.num_milliseconds(), Ordering::Relaxed);
    }
}

/// A time as GitHub writes it in JSON: RFC 3339 in UTC, whole seconds, `Z`.
pub(crate) fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A time as an HTTP `Date` header (RFC 7231's IMF-fixdate).
pub(crate) fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_skew_moves_githubs_time_and_the_date_header_with_it() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let clock = Clock::new(Some(TimeSource::new(move || at)), TimeDelta::zero());
        assert_eq!(http_date(clock.now()), "Sun, 01 Mar 2026 12:00:00 GMT");
        clock.set_skew(TimeDelta::hours(-1));
        assert_eq!(rfc3339(clock.now()), "2026-03-01T11:00:00Z");
    }
}
