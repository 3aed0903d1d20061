//! The hostile mode: what a GitHub that attacks its client answers, as
//! data. How each attack is served is `attacks`, near the top of the
//! layers; which requests meet one is a [`Fault`](crate::Fault), as for
//! every other fault.

use axum::http::{HeaderMap, Method};
use chrono::{DateTime, Utc};

/// An attack on the client under test: an answer a compromised GitHub, or
/// whoever stands between the client and GitHub, could send. The stand-in
/// serves one when it is injected as a fault ([`Fault::hostile`](crate::Fault::hostile)),
/// narrowed like any other by method, path and times; each applies only to
/// the requests it can attack (named on each), so that a fault with
/// [`times`](crate::Fault::times) is used up by those alone.
///
/// ```
/// use chrono::{TimeZone as _, Utc};
/// use github_standin::{Fault, Hostile};
///
/// // The revocation API forwards the leaked tokens to another host.
/// let forward = Fault::hostile(Hostile::Redirect {
///     status: 307,
///     location: "http://127.0.0.1:9/credentials/revoke".into(),
/// })
/// .path("/credentials/revoke");
/// // Every App JWT refused for its `iat`, with a `Date` from 2036.
/// let clock = Fault::hostile(Hostile::ClockLie(Utc.with_ymd_and_hms(2036, 1, 1, 0, 0, 0).unwrap()));
/// # let _ = (forward, clock);
/// ```
///
/// The attacks are those of a hostile server; hostile *data* (token names
/// that are spreadsheet formulas or terminal escapes, permission groups
/// GitHub may add) is seeded as any other ([`Grant::token_name`](crate::Grant::token_name),
/// [`Grant::permission`](crate::Grant::permission),
/// [`AuditEvent::user_agent`](crate::AuditEvent::user_agent)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hostile {
    /// `POST /app/installations/{id}/access_tokens` mints the token (it is
    /// live, and listed by [`StandIn::minted_tokens`](crate::StandIn::minted_tokens))
    /// but answers with an `expires_at` that is not a time: an answer the
    /// client cannot decode that holds a secret it must not quote.
    UndecodableToken,
    /// Any request answered with this redirect `status` (307 and 308 keep
    /// the method and body) to `location`, with an empty body: a server
    /// forwarding what it was sent elsewhere.
    Redirect {
        /// 301, 302, 303, 307 or 308.
        status: u16,
        /// The `Location` header, an absolute URL.
        location: String,
    },
    /// A request bearing an App JWT answered 401 with GitHub's refusal of
    /// the JWT's `'Issued at' claim ('iat')` and a `Date` header of this
    /// moment: a clock, unauthenticated, that the client would correct by.
    ClockLie(DateTime<Utc>),
    /// A page with `rel="last"` in its `Link` header has that link point at
    /// this page number, whatever the listing holds (the other links and
    /// the items stay true). `GET` requests only.
    LastPage(u64),
    /// A `GET` answered 200 with a JSON array of grants that never ends:
    /// streamed until the client hangs up. What was sent is counted by
    /// [`StandIn::streamed`](crate::StandIn::streamed), for a test to stop a
    /// client that reads on without a limit.
    EndlessBody,
}

impl Hostile {
    /// Whether the attack can be made on this request.
    pub(crate) fn applies(&self, method: &Method, headers: &HeaderMap) -> bool {
        match self {
            Hostile::UndecodableToken => method == Method::POST,
            Hostile::Redirect { .. } => true,
            Hostile::ClockLie(_) => bears_jwt(headers),
            Hostile::LastPage(_) | Hostile::EndlessBody => method == Method::GET,
        }
    }
}

/// Whether `Authorization` carries a JWT (three base64url segments, the
/// first a JSON object): an App's, not an installation token.
fn bears_jwt(headers: &HeaderMap) -> bool {
    let segments = crate::log::bearer(headers).and_then(crate::log::jwt_segments);
    segments.is_some_and(|[header, ..]| header.starts_with("eyJ"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn each_attack_applies_only_to_the_requests_it_can_attack() {
        let mut jwt = HeaderMap::new();
        jwt.insert(
            "authorization",
            HeaderValue::from_static("Bearer eyJhbGciOiJSUzI1NiJ9.eyJpYXQiOjF9.c2ln"),
        );
        let mut token = HeaderMap::new();
        token.insert("authorization", HeaderValue::from_static("Bearer ghs_x"));
        let lie = Hostile::ClockLie(Utc.with_ymd_and_hms(2036, 1, 1, 0, 0, 0).unwrap());
        assert!(lie.applies(&Method::GET, &jwt));
        assert!(!lie.applies(&Method::GET, &token));
        assert!(!lie.applies(&Method::GET, &HeaderMap::new()));
        assert!(Hostile::UndecodableToken.applies(&Method::POST, &jwt));
        assert!(!Hostile::UndecodableToken.applies(&Method::GET, &jwt));
        assert!(Hostile::EndlessBody.applies(&Method::GET, &token));
        assert!(!Hostile::LastPage(9).applies(&Method::POST, &token));
    }
}
