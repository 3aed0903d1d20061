//! The request log: every request the stand-in answered, for tests to
//! assert on, and the App activity counted from it.

use std::collections::VecDeque;
use std::fmt;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Methods that each read the field of their name: borrowed (`&str` of a
/// `String`, say), `= copied`, or `= as_deref` (`Option<&str>` of an
/// `Option<String>`).
macro_rules! getters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty $(= $how:ident)?,)*) => {
        $($(#[$doc])* pub fn $name(&self) -> $ty {
            getters!(@read self.$name $(, $how)?)
        })*
    };
    (@read $field:expr) => { &$field };
    (@read $field:expr, copied) => { $field };
    (@read $field:expr, as_deref) => { $field.as_deref() };
}

/// A `Debug` that shows only the fields named: secrets (a token) and bodies
/// (a payload, an answer) stay out of test logs and failure messages.
macro_rules! debug_only {
    ($ty:ident: $($field:ident),*) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut shown = f.debug_struct(stringify!($ty));
                $(shown.field(stringify!($field), &self.$field);)*
                shown.finish_non_exhaustive()
            }
        }
    };
}

/// Who a request was answered as: what its credentials were taken for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Caller {
    /// Answered before credentials were looked at: an injected fault, an
    /// exhausted rate limit, a path the stand-in does not serve.
    Unchecked,
    /// Neither a token nor an App is configured, so anyone may call.
    Anyone,
    /// The stand-in's static token ([`Builder::token`](crate::Builder::token)).
    Token,
    /// The site administrator's token ([`Builder::site_admin`](crate::Builder::site_admin)).
    SiteAdmin,
    /// The App, with a JWT whose signature and claims passed.
    App,
    /// A token the stand-in minted for this installation.
    Installation(i64),
    /// An App JWT refused: signature, issuer or times.
    RefusedJwt,
    /// A token refused: not one the stand-in knows, expired, revoked, or
    /// too fresh (see [`Fault::fresh_tokens_rejected`](crate::Fault::fresh_tokens_rejected)).
    RefusedToken,
}

/// One request the stand-in answered.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use github_standin::{Caller, Org, StandIn};
///
/// let github = StandIn::builder().org(Org::new("acme", 1)).start().await?;
/// let url = format!("{}/orgs/acme/personal-access-tokens?per_page=5", github.base_url());
/// reqwest::get(url).await?;
/// let request = &github.log()[0];
/// assert_eq!(request.to_string(), "GET /orgs/acme/personal-access-tokens?per_page=5 -> 200");
/// assert_eq!(request.caller(), Caller::Anyone);
/// # Ok(()) }
/// ```
///
/// Its `Debug` output leaves out the `Authorization` header's value: tokens
/// and JWTs stay out of test logs and failure messages. [`bearer`](Self::bearer)
/// gives it to assertions that need it.
#[derive(Clone)]
pub struct LoggedRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) status: u16,
    pub(crate) caller: Caller,
    pub(crate) at: DateTime<Utc>,
}

impl fmt::Debug for LoggedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoggedRequest")
            .field("method", &self.method)
            .field("target", &self.target())
            .field("status", &self.status)
            .field("caller", &self.caller)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl fmt::Display for LoggedRequest {
    /// `GET /orgs/acme/personal-access-tokens?per_page=100 -> 200`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} -> {}", self.method, self.target(), self.status)
    }
}

impl LoggedRequest {
    getters! {
        /// The method.
        method: &Method,
        /// The path as received, a GitHub Enterprise Server prefix included.
        path: &str,
        /// The request body as sent.
        body: &[u8],
        /// The status the stand-in answered.
        status: u16 = copied,
        /// Who the request was answered as.
        caller: Caller = copied,
        /// When it arrived, by the stand-in's clock (skew included).
        at: DateTime<Utc> = copied,
        /// The query string as received (still percent-encoded), if any.
        query: Option<&str> = as_deref,
    }

    /// `path?query` (or the path alone): the request target.
    pub fn target(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    /// A request header's value, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The token or JWT of `Authorization: Bearer ...` (or `token ...`).
    pub fn bearer(&self) -> Option<&str> {
        bearer(&self.headers)
    }

    /// The claims of the App JWT the request bore, as sent and unverified
    /// (`iss`, `iat`, `exp`, ...): `None` when it bore no JWT. For
    /// assertions on what a client signed, e.g. that no `iat` is far from
    /// now whatever GitHub's `Date` said.
    pub fn jwt_claims(&self) -> Option<Value> {
        let [_, claims, _] = jwt_segments(self.bearer()?)?;
        jwt_json(claims).filter(Value::is_object)
    }

    /// The request body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The credential of `Authorization: Bearer X` or `Authorization: token X`.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("authorization")?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("token "))
}

/// A JWT's three segments (header, claims, signature), when it has three.
pub(crate) fn jwt_segments(jwt: &str) -> Option<[&str; 3]> {
    let mut parts = jwt.split('.');
    let segments = [parts.next()?, parts.next()?, parts.next()?];
    parts.next().is_none().then_some(segments)
}

/// A JWT segment's JSON, when it is base64url-encoded JSON.
pub(crate) fn jwt_json(segment: &str) -> Option<Value> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).ok()?).ok()
}

/// What the App side has seen, counted from the log.
///
/// ```
/// use github_standin::Activity;
///
/// // Nothing has happened yet.
/// assert_eq!(Activity::of(&[]), Activity::default());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Activity {
    /// App JWTs whose signature and claims passed.
    pub jwts_accepted: usize,
    /// App JWTs refused.
    pub jwts_rejected: usize,
    /// `GET /orgs/{org}/installation` answered with an installation.
    pub lookups: usize,
    /// Installation tokens minted.
    pub tokens_minted: usize,
    /// Requests refused for their token.
    pub tokens_rejected: usize,
}

impl Activity {
    /// Counts the App activity in `log`.
    pub fn of(log: &[LoggedRequest]) -> Activity {
        let mut a = Activity::default();
        for r in log {
            match r.caller {
                Caller::App => a.jwts_accepted += 1,
                Caller::RefusedJwt => a.jwts_rejected += 1,
                Caller::RefusedToken => a.tokens_rejected += 1,
                _ => {}
            }
            let ok = (200..300).contains(&r.status);
            // Whether `r` was a success of this method at a path ending so.
            let answered = |method, tail| ok && r.method == method && r.path.ends_with(tail);
            a.lookups += usize::from(answered(Method::GET, "/installation"));
            a.tokens_minted += usize::from(answered(Method::POST, "/access_tokens"));
        }
        a
    }
}

/// The log itself: everything, or the most recent `limit` requests.
#[derive(Debug, Default)]
pub(crate) struct Log {
    entries: VecDeque<LoggedRequest>,
    pub(crate) limit: Option<usize>,
}

impl Log {
    /// Logs a request, the oldest dropped past the limit (`log_limit(0)`
    /// turns the log off).
    pub(crate) fn push(&mut self, entry: LoggedRequest) {
        if self.limit.is_some_and(|l| self.entries.len() >= l) {
            self.entries.pop_front();
        }
        if self.limit != Some(0) {
            self.entries.push_back(entry);
        }
    }

    pub(crate) fn entries(&self) -> Vec<LoggedRequest> {
        self.entries.iter().cloned().collect()
    }
}

/// A webhook delivery the stand-in sent, and the receiver's answer (see
/// [`StandIn::deliver`](crate::StandIn::deliver)).
///
/// ```no_run
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), github_standin::Error> {
/// use github_standin::{Org, StandIn, TokenRequest, Webhook};
///
/// let github = StandIn::builder()
///     .webhook_receiver("http://127.0.0.1:8080/webhook", "the App's webhook secret")
///     .start()
///     .await?;
/// let created = Webhook::token_request("created", &TokenRequest::new(7), &Org::new("acme", 1));
/// let delivery = github.deliver(&created).await?;
/// println!("{} answered {:?}: {}", delivery.guid(), delivery.status(), delivery.response());
/// let again = github.redeliver(&delivery).await?;
/// assert_eq!(again.guid(), delivery.guid());
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct Delivery {
    pub(crate) guid: String,
    pub(crate) event: String,
    pub(crate) action: Option<String>,
    pub(crate) url: String,
    pub(crate) payload: Bytes,
    pub(crate) redelivery: bool,
    pub(crate) status: Option<u16>,
    pub(crate) response: String,
}

debug_only!(Delivery: guid, event, action, redelivery, status);

impl Delivery {
    getters! {
        /// Its `X-GitHub-Delivery`: a GUID, the same when redelivered.
        guid: &str,
        /// Its `X-GitHub-Event`.
        event: &str,
        /// The payload as sent (and signed).
        payload: &[u8],
        /// Whether it was sent again with [`StandIn::redeliver`](crate::StandIn::redeliver).
        redelivery: bool = copied,
        /// The receiver's status, or `None` when it could not be reached.
        status: Option<u16> = copied,
        /// The receiver's answer (or why it could not be reached).
        response: &str,
        /// The payload's `action`, if it has one.
        action: Option<&str> = as_deref,
    }

    /// The receiver's answer as JSON, when it is JSON.
    pub fn response_json(&self) -> Option<Value> {
        serde_json::from_str(&self.response).ok()
    }
}

/// An installation token the stand-in minted. Its `Debug` output leaves the
/// token out; [`token`](Self::token) gives it to assertions.
#[derive(Clone)]
pub struct MintedToken {
    pub(crate) token: String,
    pub(crate) installation: i64,
    pub(crate) expires_at: DateTime<Utc>,
}

debug_only!(MintedToken: installation, expires_at);

impl MintedToken {
    getters! {
        /// The token (`ghs_...`).
        token: &str,
        /// The installation it was minted for.
        installation: i64 = copied,
        /// When it expires, by the stand-in's clock.
        expires_at: DateTime<Utc> = copied,
    }
}
