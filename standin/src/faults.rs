//! Fault injection: failures and attacks for matching requests, and
//! installation tokens refused while they are fresh.

use std::time::Duration;

use axum::http::{HeaderMap, Method};

use crate::builder::setters;
use crate::failure::Failure;
use crate::hostile::Hostile;

/// A fault to inject, before the stand-in starts ([`Builder::fault`](crate::Builder::fault))
/// or while it serves ([`StandIn::inject`](crate::StandIn::inject)).
///
/// A response fault answers matching requests with its [`Failure`] before
/// anything else is looked at (credentials included), as GitHub's edge does
/// with rate limits and outages; a [hostile](Self::hostile) one attacks
/// them (see [`Hostile`]). Either matches every request unless narrowed
/// by [`method`](Self::method) and [`path`](Self::path), and lasts until
/// [`times`](Self::times) requests have met it.
///
/// ```
/// use std::time::Duration;
/// use github_standin::Fault;
///
/// // The next two listings of acme's grants answer 502, then all is well.
/// let outage = Fault::server_error(502).path("/orgs/acme/personal-access-tokens").times(2);
/// // One secondary rate limit, with GitHub's `retry-after`.
/// let burst = Fault::secondary_rate_limit(Some(Duration::from_secs(17))).times(1);
/// // Every new installation token is refused its first two uses (401), as
/// // when GitHub has not yet propagated it.
/// let lag = Fault::fresh_tokens_rejected(2);
/// # let _ = (outage, burst, lag);
/// ```
#[derive(Clone, Debug)]
pub struct Fault {
    kind: Kind,
    method: Option<Method>,
    path: Option<String>,
    times: Option<usize>,
}

#[derive(Clone, Debug)]
enum Kind {
    /// What a matching request meets.
    Inject(Injected),
    FreshTokens(usize),
}

/// What a matching fault does to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Injected {
    /// Refused with this failure, before the handler.
    Failure(Failure),
    /// Attacked so.
    Hostile(Hostile),
}

impl Fault {
    /// A fault of this kind on every request, as long as it lasts.
    fn of(kind: Kind) -> Self {
        Fault {
            kind,
            method: None,
            path: None,
            times: None,
        }
    }

    /// Answers matching requests with `failure`.
    pub fn respond(failure: Failure) -> Self {
        Fault::of(Kind::Inject(Injected::Failure(failure)))
    }

    /// Attacks matching requests (see [`Hostile`]): those of the requests
    /// the attack applies to that the method, path and times let through.
    pub fn hostile(attack: Hostile) -> Self {
        Fault::of(Kind::Inject(Injected::Hostile(attack)))
    }

    /// The primary rate limit: 403, `x-ratelimit-remaining: 0`, and the
    /// window's `x-ratelimit-reset`.
    pub fn primary_rate_limit() -> Self {
        Fault::respond(Failure::PrimaryRateLimit)
    }

    /// A secondary rate limit: 403 with GitHub's message, and `retry-after`
    /// when `retry_after` is given.
    pub fn secondary_rate_limit(retry_after: Option<Duration>) -> Self {
        Fault::respond(Failure::SecondaryRateLimit { retry_after })
    }

    /// A server error (500, 502, 503, ...) with GitHub's body.
    pub fn server_error(status: u16) -> Self {
        Fault::respond(Failure::ServerError(status))
    }

    /// Each installation token minted from now on is refused (401 `Bad
    /// credentials`) its first `uses` uses: GitHub not yet knowing a new
    /// token everywhere. Method, path and times do not apply to it.
    pub fn fresh_tokens_rejected(uses: usize) -> Self {
        Fault::of(Kind::FreshTokens(uses))
    }

    setters! {
        /// Only requests with this method (`GET`, `POST`, ...).
        method(method: &str) => |m: &str| Method::from_bytes(m.as_bytes()).ok(),
        /// Only requests whose path (after a GitHub Enterprise Server prefix)
        /// starts with this prefix, e.g. `/orgs/acme/personal-access-tokens`.
        path(path: impl Into<String>) => |prefix| Some(Into::into(prefix)),
        /// Only the next `n` matching requests.
        times(times: usize) => Some,
    }

    fn matches(&self, method: &Method, path: &str, headers: &HeaderMap) -> bool {
        let applies = match &self.kind {
            Kind::Inject(Injected::Hostile(attack)) => attack.applies(method, headers),
            _ => true,
        };
        applies
            && self.method.as_ref().is_none_or(|m| m == method)
            && self.path.as_deref().is_none_or(|p| path.starts_with(p))
    }
}

/// The faults in force.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    responses: Vec<Fault>,
    /// How many uses of a fresh token are refused.
    pub(crate) fresh_token_rejections: usize,
}

impl Faults {
    pub(crate) fn add(&mut self, fault: Fault) {
        match fault.kind {
            Kind::FreshTokens(uses) => self.fresh_token_rejections = uses,
            Kind::Inject(_) => self.responses.push(fault),
        }
    }

    /// What befalls this request, if a fault matches it (the earliest
    /// injected first); the fault is used up after its `times`.
    pub(crate) fn take(
        &mut self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
    ) -> Option<Injected> {
        let at = self
            .responses
            .iter()
            .position(|f| f.matches(method, path, headers))?;
        let fault = &mut self.responses[at];
        let Kind::Inject(injected) = fault.kind.clone() else {
            return None;
        };
        if let Some(n) = &mut fault.times {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.responses.remove(at);
            }
        }
        Some(injected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_matches_its_method_and_path_and_runs_out() {
        let mut faults = Faults::default();
        faults.add(
            Fault::server_error(502)
                .method("GET")
                .path("/orgs/acme/")
                .times(2),
        );
        let none = HeaderMap::new();
        assert_eq!(faults.take(&Method::POST, "/orgs/acme/x", &none), None);
        assert_eq!(faults.take(&Method::GET, "/orgs/beta/x", &none), None);
        assert_eq!(
            faults.take(&Method::GET, "/orgs/acme/x", &none),
            Some(Injected::Failure(Failure::ServerError(502)))
        );
        assert!(faults.take(&Method::GET, "/orgs/acme/y", &none).is_some());
        assert_eq!(faults.take(&Method::GET, "/orgs/acme/x", &none), None);
        faults.add(Fault::fresh_tokens_rejected(2));
        assert_eq!(faults.fresh_token_rejections, 2);
        assert_eq!(faults.take(&Method::GET, "/anything", &none), None);
    }

    #[test]
    fn an_attack_is_used_up_only_by_the_requests_it_applies_to() {
        let mut faults = Faults::default();
        faults.add(Fault::hostile(Hostile::EndlessBody).times(1));
        let none = HeaderMap::new();
        assert_eq!(faults.take(&Method::POST, "/orgs/acme/x", &none), None);
        assert_eq!(
            faults.take(&Method::GET, "/orgs/acme/x", &none),
            Some(Injected::Hostile(Hostile::EndlessBody))
        );
        assert_eq!(faults.take(&Method::GET, "/orgs/acme/x", &none), None);
    }
}
