//! The client's one clock: what "now" is for JWTs, token expiry and
//! rate-limit waits, and how the client waits (retries, fresh tokens).
//! Every response is dated on it when it arrives ([`Received`]), so that
//! the error layer, which has no client at hand, measures a rate limit's
//! wait on the same clock as the retry policy.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Response;

/// The client's time source and timer: JWTs, installation tokens' expiry,
/// rate-limit waits, and the waits of the retry policy and of the
/// fresh-token retry. Set with
/// [`ClientBuilder::clock`](crate::ClientBuilder::clock); replaceable so
/// that tests (and simulations) can move time without waiting.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use chrono::{DateTime, Utc};
/// use github_pat_grants::{Clock, RetryPolicy};
///
/// /// A clock that stands still unless moved; sleeping moves it.
/// #[derive(Clone)]
/// struct Manual(Arc<Mutex<DateTime<Utc>>>);
/// impl Clock for Manual {
///     fn now(&self) -> DateTime<Utc> {
///         *self.0.lock().unwrap()
///     }
///     fn sleep(&self, d: std::time::Duration) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
///         *self.0.lock().unwrap() += d;
///         Box::pin(std::future::ready(()))
///     }
/// }
/// let clock = Manual(Arc::new(Mutex::new(Utc::now())));
/// # let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/app-key-pkcs1.pem"))?;
/// let client = github_pat_grants::Client::builder()
///     .app(github_pat_grants::AppCredentials::from_pem(123456, pem)?)
///     .installation_id(42)
///     .retry(RetryPolicy::new())
///     .clock(clock.clone())
///     .build()?;
/// // Two hours later, as far as JWTs, token expiry and rate limits are concerned.
/// *clock.0.lock().unwrap() += chrono::Duration::hours(2);
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;

    /// Waits for `duration`; tokio's timer unless replaced.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

impl fmt::Debug for dyn Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// The system's clock and tokio's timer: what clients use unless told otherwise.
///
/// ```
/// use github_pat_grants::{Clock, SystemClock};
/// assert!((SystemClock.now() - chrono::Utc::now()).num_seconds().abs() < 5);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// When a response arrived, on the clock of the client that received it:
/// kept in the response's extensions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Received(pub(crate) DateTime<Utc>);

impl Received {
    /// When `response` arrived. Every answer the client receives is dated
    /// on its clock; only one it did not receive itself (there is none on
    /// the SDK's own paths) is dated on the system's.
    pub(crate) fn at(response: &Response) -> DateTime<Utc> {
        response
            .extensions()
            .get::<Received>()
            .map_or_else(Utc::now, |received| received.0)
    }
}
