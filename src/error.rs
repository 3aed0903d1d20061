//! The SDK's one error type, shaped after what GitHub sends.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;

use crate::clock::Received;
use crate::rate_limit::{self, RateLimit, RateLimitKind, header_str};
use crate::redact::{scrub, scrub_owned};
use crate::wire::Refusal;

/// Everything that can go wrong talking to GitHub.
///
/// ```
/// # async fn demo(client: &github_pat_grants::Client) {
/// use github_pat_grants::prelude::*;
/// match client.orgs().list_pat_grants("my-org").collect_all().await {
///     Ok(grants) => println!("{} grants", grants.len()),
///     Err(Error::Api(e)) if e.status == 404 => eprintln!("no such org: {}", e.message),
///     Err(Error::RateLimited(e)) => eprintln!("rate limited; retry after {:?}", e.retry_after),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// GitHub answered with an error status and (usually) a JSON error body.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// A primary or secondary rate limit stopped the request.
    #[error("{0}")]
    RateLimited(Box<RateLimitError>),
    /// The request never got an HTTP response: connect, TLS, timeout, or a
    /// body cut off mid-way.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// A successful response whose body is not what the API description says.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The request was refused before it was sent (an argument out of range).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A `Link: rel="next"` URL the client will not follow: on another
    /// origin than the base URL, seen before, or not a URL.
    #[error("pagination stopped: {0}")]
    Pagination(String),
    /// A redirect the client will not follow, so nothing was sent again:
    /// any `3xx` to a request other than `GET` or `HEAD` (following it would
    /// resend the body), a redirect to another origin than the request's,
    /// or more than [`MAX_REDIRECTS`](crate::MAX_REDIRECTS). The message
    /// names the status and the origin the `Location` points to.
    #[error("redirect refused: {0}")]
    Redirect(String),
    /// A response body over [`MAX_RESPONSE_BYTES`](crate::MAX_RESPONSE_BYTES),
    /// announced (`Content-Length`) or read; it is not read further.
    #[error("response too large: {0}")]
    ResponseTooLarge(String),
    /// The client was configured with a value that cannot work (a bad
    /// private key, base URL or header value), or a request was refused
    /// before it was sent because it would have gone out in clear text off
    /// loopback (a client made with progenitor's `Client::new` skips the
    /// builder's check of the base URL, never this one).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// Authenticating as a GitHub App failed: the App is not installed on the
    /// organization, an installation token could not be minted, or GitHub
    /// kept rejecting fresh tokens.
    #[error("{0}")]
    AppAuth(Box<AppAuthError>),
}

/// What went wrong authenticating as a GitHub App.
///
/// ```
/// # async fn demo(client: &github_pat_grants::Client) {
/// use github_pat_grants::AppAuthErrorKind;
/// use github_pat_grants::prelude::*;
/// match client.orgs().list_pat_grants("acme").collect_all().await {
///     Err(Error::AppAuth(e)) if e.kind == AppAuthErrorKind::NotInstalled => {
///         eprintln!("install the App on {} first: {e}", e.org.as_deref().unwrap_or("?"))
///     }
///     Err(e) => eprintln!("{e}"),
///     Ok(grants) => println!("{} grants", grants.len()),
/// }
/// # }
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct AppAuthError {
    /// Which step failed.
    pub kind: AppAuthErrorKind,
    /// The installation concerned, when known.
    pub installation_id: Option<i64>,
    /// The organization concerned, when the installation was looked up from it.
    pub org: Option<String>,
    /// What happened, with the cause's message.
    pub message: String,
    #[source]
    cause: Option<Arc<Error>>,
}

impl AppAuthError {
    pub(crate) fn new(kind: AppAuthErrorKind, message: String, cause: Option<Error>) -> Self {
        Self {
            kind,
            installation_id: None,
            org: None,
            message,
            cause: cause.map(Arc::new),
        }
    }

    /// GitHub kept answering 401 to fresh installation tokens.
    fn rejected(installation_id: i64, cause: Error) -> Self {
        let message = format!(
            "GitHub rejected the installation token for installation {installation_id} even \
             after minting a new one and sending the request again: {cause}"
        );
        Self {
            installation_id: Some(installation_id),
            ..AppAuthError::new(AppAuthErrorKind::TokenRejected, message, Some(cause))
        }
    }

    /// The App JWT could not be signed, or sent.
    pub(crate) fn jwt(cause: Error) -> Self {
        let message = format!("signing the App JWT failed: {cause}");
        AppAuthError::new(AppAuthErrorKind::Jwt, message, Some(cause))
    }

    /// Minting an installation token failed.
    pub(crate) fn mint(installation_id: i64, cause: Error) -> Self {
        let hint = match cause.status() {
            Some(401) => " (is the private key this App's, and the App ID or client ID right?)",
            Some(404) => " (is the App still installed there?)",
            Some(422) => " (does the token scope ask for more than the installation was granted?)",
            _ => "",
        };
        let message = format!(
            "minting an installation token for installation {installation_id} failed: {cause}{hint}"
        );
        let mut error = AppAuthError::new(AppAuthErrorKind::Mint, message, Some(cause));
        error.installation_id = Some(installation_id);
        error
    }

    /// Finding the App's installation on `org` failed.
    pub(crate) fn lookup(org: &str, issuer: &impl fmt::Display, cause: Error) -> Self {
        let (kind, message) = if cause.status() == Some(404) {
            let message = format!(
                "the GitHub App `{issuer}` is not installed on the organization `{org}`, or the \
                 private key belongs to another App (GET /orgs/{org}/installation: 404)"
            );
            (AppAuthErrorKind::NotInstalled, message)
        } else {
            let message = format!(
                "finding the App's installation on the organization `{org}` failed: {cause}"
            );
            (AppAuthErrorKind::InstallationLookup, message)
        };
        let mut error = AppAuthError::new(kind, message, Some(cause));
        error.org = Some(org.to_string());
        error
    }

    /// The error GitHub (or the transport) gave, e.g. the [`Error::Api`] of a
    /// 404 or 422; shared by every request that waited on the same mint.
    pub fn cause(&self) -> Option<&Error> {
        self.cause.as_deref()
    }
}

/// The step of GitHub App authentication that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppAuthErrorKind {
    /// `GET /orgs/{org}/installation` answered 404: the App is not installed
    /// on the organization, or the key belongs to another App.
    NotInstalled,
    /// Finding the organization's installation failed otherwise.
    InstallationLookup,
    /// `POST /app/installations/{installation_id}/access_tokens` failed.
    Mint,
    /// GitHub answered 401 to a freshly minted installation token, after
    /// retrying it and minting another.
    TokenRejected,
    /// The App JWT could not be signed.
    Jwt,
    /// GitHub rejected the JWT's times and its `Date` header is further from
    /// this machine's clock than the SDK corrects (an hour): the message
    /// names both clocks. The correction is not made.
    Clock,
}

/// What authentication tells the error layer through a response's
/// extensions: authenticating runs inside the transport's `exec` hook,
/// where only a response can be handed on, and the generated code hands that
/// response on untouched.
#[derive(Clone, Debug)]
pub(crate) enum AuthFailure {
    /// Nothing was sent: authenticating failed first. The response is made up.
    Failed(AppAuthError),
    /// GitHub answered 401 to a freshly minted token, after the retries.
    Rejected { installation_id: i64 },
}

/// An error response from GitHub.
#[derive(Debug, Clone, thiserror::Error)]
#[error("GitHub API error {status}: {message}{}", documentation_url.as_deref().map(|u| format!(" (see {u})")).unwrap_or_default())]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// GitHub's `message`, or the start of the body when it is not JSON;
    /// scrubbed of tokens either way ([`redact::scrub`](crate::redact::scrub)).
    pub message: String,
    /// GitHub's `documentation_url`.
    pub documentation_url: Option<String>,
    /// Validation errors (422): what was wrong with which field.
    pub errors: Vec<ValidationErrorDetail>,
    /// The `x-github-request-id` header, for GitHub support.
    pub request_id: Option<String>,
    /// The rate-limit figures sent with the response.
    pub rate_limit: Option<RateLimit>,
}

/// One item of a 422 response's `errors`, scrubbed of tokens whole (GitHub
/// may echo what was sent: the revocation API's `credentials`). GitHub
/// sends validation errors as objects, and (rarely) as plain strings: an
/// item that is not a detail becomes a detail that is only a message.
fn detail(item: serde_json::Value) -> ValidationErrorDetail {
    let item = scrub_value(item);
    serde_json::from_value(item.clone()).unwrap_or_else(|_| ValidationErrorDetail {
        resource: None,
        field: None,
        code: None,
        message: Some(match item {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        }),
        value: None,
    })
}

/// A JSON value with every string in it scrubbed of tokens.
fn scrub_value(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(scrub_owned(s)),
        Value::Array(items) => Value::Array(items.into_iter().map(scrub_value).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (scrub_owned(k), scrub_value(v)))
                .collect(),
        ),
        other => other,
    }
}

/// One item of a 422 response's `errors`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ValidationErrorDetail {
    /// The kind of resource, e.g. `Issue`.
    pub resource: Option<String>,
    /// The field at fault.
    pub field: Option<String>,
    /// GitHub's error code (`missing`, `missing_field`, `invalid`, `already_exists`, `unprocessable`, `custom`).
    pub code: Option<String>,
    /// A human-readable message (mostly with code `custom`).
    pub message: Option<String>,
    /// The offending value, as GitHub sent it.
    pub value: Option<serde_json::Value>,
}

/// A request GitHub refused because of a rate limit.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{kind:?} rate limit hit (HTTP {status}): {message}{}", retry_after.map(|d| format!("; retry in {}s", d.as_secs())).unwrap_or_default())]
#[non_exhaustive]
pub struct RateLimitError {
    /// Primary or secondary.
    pub kind: RateLimitKind,
    /// 403 or 429.
    pub status: u16,
    /// GitHub's `message`.
    pub message: String,
    /// How long to wait before retrying, when GitHub says (from `retry-after`
    /// or `x-ratelimit-reset`).
    pub retry_after: Option<Duration>,
    /// When the primary window resets (`x-ratelimit-reset`).
    pub reset: Option<DateTime<Utc>>,
    /// The `x-github-request-id` header.
    pub request_id: Option<String>,
    /// The rate-limit figures sent with the response.
    pub rate_limit: Option<RateLimit>,
}

/// A body that does not decode into the model.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot decode the response{}: {reason} at `{path}`{}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default(), if body_start.is_empty() { String::new() } else { format!("; body starts with {body_start:?}") })]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status, when known.
    pub status: Option<u16>,
    /// Where in the body decoding failed, e.g. `[3].token_expires_at` (the
    /// fourth grant of the page); `.` for the body as a whole.
    pub path: String,
    /// serde's message, e.g. ``missing field `token_id` ``.
    pub reason: String,
    /// The first characters of the body, for a look at what came instead,
    /// scrubbed of tokens ([`redact::scrub`](crate::redact::scrub)); empty
    /// for the answer of an authentication call (an installation token's
    /// mint, an installation's lookup), which is never quoted.
    pub body_start: String,
}

/// How many characters of an undecodable body an error shows.
const BODY_START: usize = 200;
/// How much of a body is scrubbed to show its start: more than is shown, so
/// that a secret cut by the end of [`BODY_START`] is still recognised whole.
const BODY_START_SCRUBBED: usize = 16 * 1024;

#[derive(Deserialize, Default)]
struct ErrorBody {
    message: Option<String>,
    documentation_url: Option<String>,
    #[serde(default)]
    errors: Vec<serde_json::Value>,
}

/// The start of a body, scrubbed of secrets, for an error to show.
fn body_start(body: &[u8]) -> String {
    let head = &body[..body.len().min(BODY_START_SCRUBBED)];
    let text = String::from_utf8_lossy(head);
    let text = scrub(&text);
    match text.char_indices().nth(BODY_START) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None if head.len() < body.len() => format!("{text}…"),
        None => text.into_owned(),
    }
}

/// Decodes a body into `T`; on failure, decodes again to learn the failing
/// field's path. Tracking the path costs on every value, so the common,
/// successful case runs without it.
fn decode_tracked<T: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body))
}

/// Decodes a body into `T`, or names the failing field's path.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    status: Option<u16>,
    body: &[u8],
) -> Result<T, Error> {
    decode_tracked(body).map_err(|e| {
        let path = e.path().to_string();
        // serde quotes the values it could not take.
        let reason = scrub_owned(e.into_inner().to_string());
        Error::undecoded(status, scrub_owned(path), reason, body_start(body))
    })
}

/// [`decode`] for the answer of an authentication call, which carries a
/// credential: a failure says where and what kind of failure, and quotes
/// nothing of the body, not even serde's message (it quotes values).
pub(crate) fn decode_secret<T: serde::de::DeserializeOwned>(
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    use serde_json::error::Category;
    decode_tracked(body).map_err(|e| {
        let what = match e.inner().classify() {
            Category::Data => "a value is missing or of the wrong type or format",
            Category::Syntax => "the body is not valid JSON",
            Category::Eof => "the body ended early",
            Category::Io => "the body could not be read",
        };
        let reason = format!(
            "{what} (the answer of an authentication call carries a credential and is not quoted)"
        );
        let path = scrub_owned(e.path().to_string());
        Error::undecoded(Some(status), path, reason, String::new())
    })
}

impl Error {
    /// A [`DecodeError`] from its parts.
    fn undecoded(status: Option<u16>, path: String, reason: String, body_start: String) -> Error {
        Error::Decode(Box::new(DecodeError {
            status,
            path,
            reason,
            body_start,
        }))
    }

    /// Builds the error for a non-success response from its parts; a rate
    /// limit's wait is measured from `received`, when the response arrived
    /// on the client's clock.
    pub(crate) fn from_parts(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        received: DateTime<Utc>,
    ) -> Error {
        let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
        // Without GitHub's message: the body's start, or else the status's name.
        let message = parsed.message.map(scrub_owned).unwrap_or_else(|| {
            Some(body_start(body))
                .filter(|start| !start.is_empty())
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").into())
        });
        let request_id = header_str(headers, "x-github-request-id").map(str::to_string);
        let rate_limit = RateLimit::from_headers(headers);
        let code = status.as_u16();
        if let Some(limited) = rate_limit::classify(code, headers, body, received) {
            return Error::RateLimited(Box::new(RateLimitError {
                kind: limited.kind,
                status: code,
                message,
                retry_after: limited.wait,
                reset: limited.reset,
                request_id,
                rate_limit,
            }));
        }
        let errors = parsed.errors.into_iter().map(detail).collect();
        Error::Api(Box::new(ApiError {
            status: code,
            message,
            documentation_url: parsed.documentation_url.map(scrub_owned),
            errors,
            request_id,
            rate_limit,
        }))
    }

    /// The error for an answer the transport refused.
    pub(crate) fn refused(refusal: Refusal) -> Error {
        match refusal {
            Refusal::Redirect(m) => Error::Redirect(m),
            Refusal::TooLarge(m) => Error::ResponseTooLarge(m),
            Refusal::Insecure(m) => Error::Config(m),
        }
    }

    /// The error for a body that could not be read: over the cap, or a
    /// transport failure.
    pub(crate) fn from_body(e: reqwest::Error) -> Error {
        Refusal::of_body_error(&e).map_or_else(|| Error::Transport(e), Error::refused)
    }

    /// The error for a success whose body could not be read whole: over
    /// the cap, or broken off, when what came is not the model.
    pub(crate) fn from_success_body(e: reqwest::Error) -> Error {
        Refusal::of_body_error(&e).map_or_else(
            || {
                let reason = format!("the body ended early: {e}");
                let status = e.status().map(|s| s.as_u16());
                Error::undecoded(status, ".".into(), reason, String::new())
            },
            Error::refused,
        )
    }

    /// Reads an error response whole and builds the error for it.
    pub(crate) async fn from_response(response: reqwest::Response) -> Error {
        if let Some(refusal) = Refusal::of(&response) {
            return Error::refused(refusal.clone());
        }
        let failure = response.extensions().get::<AuthFailure>().cloned();
        if let Some(AuthFailure::Failed(e)) = failure {
            return Error::AppAuth(Box::new(e));
        }
        let (status, received) = (response.status(), Received::at(&response));
        let headers = response.headers().clone();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(e) => match Refusal::of_body_error(&e) {
                Some(refusal) => return Error::refused(refusal),
                None => format!("(body unreadable: {e})").into(),
            },
        };
        let error = Self::from_parts(status, &headers, &body, received);
        match failure {
            Some(AuthFailure::Rejected { installation_id }) => {
                Error::AppAuth(Box::new(AppAuthError::rejected(installation_id, error)))
            }
            _ => error,
        }
    }

    /// Converts what a generated `send()` returned; `undecodable` is the
    /// error for a success's body that is not the model.
    async fn from_progenitor(
        e: progenitor_client::Error<()>,
        undecodable: fn(&[u8]) -> Error,
    ) -> Error {
        use progenitor_client::Error as P;
        match e {
            P::InvalidRequest(m) | P::Custom(m) => Error::InvalidRequest(m),
            P::CommunicationError(e) | P::InvalidUpgrade(e) => Error::Transport(e),
            P::ResponseBodyError(e) => Error::from_success_body(e),
            // The generated operations never return this (their error types
            // are `()`); it carries no response to tell when it arrived.
            P::ErrorResponse(rv) => Error::from_parts(rv.status(), rv.headers(), b"", Utc::now()),
            P::InvalidResponsePayload(body, _) => undecodable(&body),
            P::UnexpectedResponse(r) => Error::from_response(r).await,
        }
    }

    /// The HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::RateLimited(e) => Some(e.status),
            Error::Decode(e) => e.status,
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            Error::AppAuth(e) => e.cause().and_then(Error::status),
            _ => None,
        }
    }
}

/// The error for what a generated `send()` (or a call made the same way)
/// returned instead of a success of model `T` (a body that is not JSON
/// has none: `serde::de::IgnoredAny` at least tells malformed JSON apart).
pub(crate) async fn failure<T: serde::de::DeserializeOwned>(
    e: progenitor_client::Error<()>,
) -> Error {
    Error::from_progenitor(e, undecodable::<T>).await
}

/// The error for a success's body that is not the model `T`: decoded again
/// with it to name the field at fault.
fn undecodable<T: serde::de::DeserializeOwned>(body: &[u8]) -> Error {
    decode::<T>(None, body).err().unwrap_or_else(|| {
        let reason = "the body does not match the model".into();
        Error::undecoded(None, ".".into(), reason, body_start(body))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::tests::{headers, now};

    #[test]
    fn classifies_rate_limits() {
        let e = Error::from_parts(
            StatusCode::FORBIDDEN,
            &headers(&[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-limit", "5000"),
                ("x-ratelimit-reset", "4102444800"),
            ]),
            br#"{"message":"API rate limit exceeded"}"#,
            now(),
        );
        let Error::RateLimited(e) = e else {
            panic!("{e:?}")
        };
        assert_eq!(e.kind, RateLimitKind::Primary);
        assert_eq!(e.reset.unwrap().timestamp(), 4_102_444_800);
        // Measured from when the response arrived, plus a second of slack.
        let wait = 4_102_444_800 - now().timestamp().unsigned_abs() + 1;
        assert_eq!(e.retry_after, Some(Duration::from_secs(wait)));

        let e = Error::from_parts(
            StatusCode::FORBIDDEN,
            &headers(&[]),
            br#"{"message":"You have exceeded a secondary rate limit."}"#,
            now(),
        );
        let Error::RateLimited(e) = e else {
            panic!("{e:?}")
        };
        assert_eq!((e.kind, e.retry_after), (RateLimitKind::Secondary, None));

        let e = Error::from_parts(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("retry-after", "7")]),
            b"",
            now(),
        );
        let Error::RateLimited(e) = e else {
            panic!("{e:?}")
        };
        assert_eq!(
            (e.kind, e.retry_after),
            (RateLimitKind::Secondary, Some(Duration::from_secs(7)))
        );

        // A plain 403 is an API error.
        let e = Error::from_parts(
            StatusCode::FORBIDDEN,
            &headers(&[("x-ratelimit-remaining", "10")]),
            br#"{"message":"Resource not accessible by integration"}"#,
            now(),
        );
        assert!(matches!(e, Error::Api(ref a) if a.status == 403), "{e:?}");
    }

    const SECRET: &str = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";

    #[test]
    fn every_quoted_body_is_scrubbed_of_tokens() {
        let not_json = format!("<html>token {SECRET}</html>");
        let json = format!(
            r#"{{"message":"bad {SECRET}","errors":[{{"code":"invalid","value":["{SECRET}"]}},"{SECRET}"]}}"#
        );
        for body in [not_json, json] {
            let e = Error::from_parts(
                StatusCode::UNPROCESSABLE_ENTITY,
                &HeaderMap::new(),
                body.as_bytes(),
                now(),
            );
            let text = format!("{e} {e:?}");
            assert!(!text.contains(&SECRET[4..]), "{text}");
            assert!(text.contains("ghs_[REDACTED]"), "{text}");
        }
        // A token cut by the end of what is shown is still recognised whole.
        let long = format!("{}{SECRET}", "x ".repeat(98));
        let Err(Error::Decode(d)) = decode::<i64>(Some(200), long.as_bytes()) else {
            panic!()
        };
        assert!(d.body_start.ends_with("x ghs_…"), "{d:?}");
        assert!(!format!("{d:?}").contains("16C7"), "{d:?}");
    }

    #[test]
    fn the_answer_of_an_authentication_call_is_never_quoted() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Minted {
            token: String,
            expires_at: DateTime<Utc>,
        }
        let answers = [
            format!(r#"{{"token":"{SECRET}","expires_at":"never"}}"#),
            format!(r#"{{"token":"{SECRET}","expires_at":"#),
            format!(r#"{{"token":"{SECRET}","expires_at":"{SECRET}"}}"#),
            format!(r#"{{"token":["{SECRET}"]"#),
            "ZZZ-not-a-token-shape".to_string(),
        ];
        for answer in answers {
            let e = decode_secret::<Minted>(201, answer.as_bytes()).unwrap_err();
            let Error::Decode(d) = &e else {
                panic!("{e:?}")
            };
            assert!(d.body_start.is_empty(), "{d:?}");
            assert_eq!(d.status, Some(201));
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(!text.contains("ghs_"), "{text}");
                assert!(!text.contains("ZZZ") && !text.contains("never"), "{text}");
                assert!(text.contains("not quoted"), "{text}");
            }
        }
    }

    #[test]
    fn an_html_body_becomes_a_message_not_a_panic() {
        let e = Error::from_parts(
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            b"<html><body>Bad gateway</body></html>",
            now(),
        );
        let Error::Api(e) = e else { panic!() };
        assert_eq!(e.message, "<html><body>Bad gateway</body></html>");
    }
}
