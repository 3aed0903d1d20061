//! The opt-in retry policy, following GitHub's guidance for rate limits
//! (which response is one, and how long to wait, is
//! `rate_limit::classify`'s to say), and backing off exponentially with
//! jitter between attempts. It waits, and measures its time budget, on the
//! client's clock.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{Response, StatusCode};

use crate::clock::Clock;
use crate::rate_limit::{self, RateLimitKind};
use crate::setters::setters;
use crate::wire::{self, Refusal};

/// When and how often failed requests are tried again. Off unless set with
/// [`ClientBuilder::retry`](crate::ClientBuilder::retry).
///
/// The policy waits, and counts the time it has spent, on the client's
/// [`Clock`] ([`ClientBuilder::clock`](crate::ClientBuilder::clock)), the
/// same that dates rate limits: a test's virtual clock makes its waits
/// instant and observable.
///
/// ```
/// use std::time::Duration;
/// use github_pat_grants::{Client, RetryPolicy, SystemClock};
/// let policy = RetryPolicy::new().max_attempts(4).max_total(Duration::from_secs(600));
/// let client = Client::builder().retry(policy).clock(SystemClock).build()?;
/// # let _ = client;
/// # Ok::<(), github_pat_grants::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) max_total: Duration,
    pub(crate) base_backoff: Duration,
    pub(crate) secondary_minimum: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryPolicy {
    /// Three attempts within fifteen minutes, one second base backoff, and
    /// GitHub's minimum of sixty seconds for a secondary limit without `retry-after`.
    pub fn new() -> Self {
        Self {
            max_attempts: 3,
            max_total: Duration::from_secs(15 * 60),
            base_backoff: Duration::from_secs(1),
            secondary_minimum: Duration::from_secs(60),
        }
    }

    setters! {
        /// Attempts in all, the first included (at least 1).
        max_attempts(attempts: u32) => max_attempts = attempts.max(1);

        /// The most time spent on one request, waits included; a retry that
        /// would end later is not made and the last error is returned.
        max_total(total: Duration) => max_total = total;

        /// The first backoff for server errors and connection failures; it
        /// doubles with each attempt, plus up to 50% jitter.
        base_backoff(backoff: Duration) => base_backoff = backoff;

        /// The least wait after a secondary rate limit that names no time.
        secondary_minimum(wait: Duration) => secondary_minimum = wait;
    }

    fn backoff(&self, retry: u32) -> Duration {
        let exp = self.base_backoff.saturating_mul(1u32 << retry.min(16));
        exp + exp.mul_f64(fastrand::f64() * 0.5)
    }

    /// How long to wait before trying again, or `None` when the outcome is
    /// final; a rate limit's wait is measured from `now`.
    async fn plan(
        &self,
        outcome: &mut reqwest::Result<Response>,
        idempotent: bool,
        retry: u32,
        now: DateTime<Utc>,
    ) -> Option<Duration> {
        let response = match outcome {
            Err(e) if idempotent && (e.is_connect() || e.is_timeout()) => {
                return Some(self.backoff(retry));
            }
            Err(_) => return None,
            // A refused answer (a redirect, a body over the cap) is final:
            // asking again would only be refused again.
            Ok(response) if Refusal::of(response).is_some() => return None,
            Ok(response) => response,
        };
        let status = response.status();
        if status != StatusCode::FORBIDDEN && status != StatusCode::TOO_MANY_REQUESTS {
            return (idempotent && status.is_server_error()).then(|| self.backoff(retry));
        }
        // Whether it is a rate limit may be said only in the body: read it,
        // and put the response back together for the caller.
        let taken = std::mem::replace(
            response,
            Response::from(http::Response::new(Vec::<u8>::new())),
        );
        let (rebuilt, body) = wire::buffered(taken).await;
        *response = rebuilt;
        if Refusal::of(response).is_some() {
            return None;
        }
        let limited = rate_limit::classify(status.as_u16(), response.headers(), &body, now)?;
        // Without a time GitHub named, a secondary limit is waited at least a
        // minute, and exponentially longer on repeats (GitHub's advice); for a
        // primary limit without a reset nothing says when, so it is final.
        let secondary = limited.kind == RateLimitKind::Secondary;
        let minute = || secondary.then(|| self.secondary_minimum.max(self.backoff(retry)));
        limited.wait.or_else(minute)
    }
}

/// Sends `request`, retrying as `policy` says and waiting on `clock`; each
/// attempt goes through [`wire::send`] (redirects and body sizes).
pub(crate) async fn execute(
    client: &reqwest::Client,
    policy: Option<&RetryPolicy>,
    clock: &dyn Clock,
    request: reqwest::Request,
) -> reqwest::Result<Response> {
    let Some(policy) = policy else {
        return wire::send(client, request).await;
    };
    // The methods HTTP calls idempotent (GET, PUT, DELETE, ...; RFC 9110,
    // 9.2.2): asking again cannot do twice what was asked once.
    let idempotent = request.method().is_idempotent();
    let started = clock.now();
    let mut waited = Duration::ZERO;
    let mut pending = request;
    // Every attempt but the last may be followed by another.
    for retry in 0..policy.max_attempts.saturating_sub(1) {
        // A request whose body is a stream cannot be repeated: send it once.
        let Some(spare) = pending.try_clone() else {
            break;
        };
        let mut outcome = wire::send(client, pending).await;
        pending = spare;
        let wait = policy
            .plan(&mut outcome, idempotent, retry, clock.now())
            .await;
        // A clock that moves only when slept on counts only the waits; one
        // set back counts nothing. Either way the larger is right.
        let elapsed = (clock.now() - started).to_std().unwrap_or_default();
        let Some(wait) = wait.filter(|&wait| elapsed.max(waited) + wait <= policy.max_total) else {
            return outcome;
        };
        drop(outcome);
        clock.sleep(wait).await;
        waited += wait;
    }
    wire::send(client, pending).await
}
