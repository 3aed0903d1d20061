#![forbid(unsafe_code)]
//! A GitHub stand-in on loopback, for testing programs that call GitHub's
//! fine-grained token-governance API as a GitHub App.
//!
//! It serves what such a program meets on GitHub, shaped as GitHub sends it:
//!
//! - **the token-governance API**: an organization's grants and pending
//!   requests (`GET /orgs/{org}/personal-access-tokens`,
//!   `.../personal-access-token-requests`, with GitHub's filters), the
//!   repositories each reaches, the bulk and single revocations and reviews
//!   with GitHub's limits (1 to 100 ids, a reason of at most 1,024
//!   characters) and answers (202, 204, 404, 422); revoked grants and
//!   reviewed requests are no longer listed;
//! - **the App side**: App JWTs verified with the App's public key (RS256,
//!   issuer, times, with GitHub's messages), installations looked up and
//!   listed, installation tokens minted that expire an hour later, and the
//!   listings served only to a token minted for that organization;
//! - **SAML credential authorizations and installed Apps** (GitHub
//!   Enterprise Cloud): `GET /orgs/{org}/credential-authorizations` with its
//!   `login` filter, the removal of one, `GET /orgs/{org}/installations`;
//!   404 for an organization without SAML single sign-on, 403 where the App
//!   lacks "Administration" ([`Org::credentials`], [`Org::installed_apps`],
//!   [`Org::without_administration`]);
//! - **an organization's audit log** (`GET /orgs/{org}/audit-log`): cursor
//!   pages, the `phrase` qualifiers `hashed_token:`, `created:`, `action:`,
//!   its own limit of 1,750 an hour, and GitHub's 404 for an organization
//!   without one ([`AuditEvent`], [`Org::audit_log`]); and **the credential
//!   revocation API** (`POST /credentials/revoke`: 403 when authenticated,
//!   422 over 1,000 credentials, [`StandIn::revoked_credentials`]);
//! - **a repository's issues and labels** (`/repos/{owner}/{repo}/issues`,
//!   `.../labels`), listed, opened, updated, commented on, 403 where the App
//!   lacks `issues: write` ([`Builder::repository`], [`StandIn::issues`]);
//! - **GitHub Enterprise Server's site administration** (`GET /admin/tokens`,
//!   `GET /admin/keys`, their deletes), to a site administrator's token
//!   alone ([`Builder::site_admin`], [`SiteToken`], [`SiteKey`]);
//! - **signed webhook deliveries** to a receiver URL, with `X-GitHub-Event`,
//!   `X-GitHub-Delivery` and `X-Hub-Signature-256`;
//! - **GitHub's headers**: `Link` pagination with absolute URLs, the
//!   `x-ratelimit-*` family and a real hourly limit, `retry-after`, `Date`,
//!   an `ETag` on every `GET` answered 200 and `304 Not Modified` for a
//!   conditional request it matches, not counted against the limit;
//! - **latency that is what it says**, and **faults**: primary and secondary
//!   rate limits, server errors, installation tokens refused while fresh,
//!   GitHub's clock skewed from the client's (see [`Fault`] and
//!   [`Builder::clock_skew`]);
//! - **a hostile mode**: a GitHub that attacks its client, with an
//!   undecodable answer holding a live token, redirects that resend a
//!   body elsewhere, a lying `Date`, a `Link` to a page four billion pages
//!   on, a body that never ends ([`Hostile`], injected as a [`Fault`]);
//! - **a request log** for assertions ([`StandIn::log`]).
//!
//! ```
//! use github_standin::{Grant, Org, StandIn, TokenRequest};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), github_standin::Error> {
//! let github = StandIn::builder()
//!     .token("ghs_test")
//!     .org(
//!         Org::new("acme", 652551)
//!             .grants((1..=150).map(|id| Grant::new(id).owner("octocat")))
//!             .requests([TokenRequest::new(7).reason("release automation")]),
//!     )
//!     .org(Org::new("globex", 652552).seeded_grants(10_000, 1))
//!     .start()
//!     .await?;
//!
//! // Point the client under test at `github.base_url()`; here, a plain request.
//! let url = format!("{}/orgs/acme/personal-access-tokens?per_page=100", github.base_url());
//! let page = reqwest::Client::new()
//!     .get(&url)
//!     .bearer_auth("ghs_test")
//!     .send()
//!     .await
//!     .map_err(|e| github_standin::Error::Key(e.to_string()))?;
//! assert_eq!(page.status(), 200);
//! let link = page.headers()["link"].to_str().unwrap_or_default().to_string();
//! assert!(link.contains("/organizations/652551/personal-access-tokens?per_page=100&page=2>; rel=\"next\""));
//!
//! // What the program sent, for assertions.
//! let log = github.log();
//! assert_eq!(log[0].target(), "/orgs/acme/personal-access-tokens?per_page=100");
//! assert_eq!(log[0].bearer(), Some("ghs_test"));
//! github.stop().await;
//! # Ok(()) }
//! ```
//!
//! It serializes GitHub's JSON from its own models (serde) and does not
//! depend on any GitHub SDK, so an SDK's own tests can use it; its tests
//! check every answer against the schemas of GitHub's description.
//!
//! # How it is built
//!
//! Modules are declared below in layers, lowest first; each uses only those
//! above it. At the bottom, what it serves (`model`: organizations, grants,
//! requests, the App) and the shapes GitHub's JSON shares (`wire`); then the
//! parts of every answer (`headers`, `log`, `respond`, `conditional`; the hostile mode's
//! attacks, as data, in `hostile`; `faults`), the world the handlers share
//! (`state`), who is calling (`auth`), pages (`listing`) and deliveries
//! (`webhooks`); then one module per API area (`grants` and `requests`,
//! whose routes `governance` makes, `app`, `credentials`, `installations`),
//! each with its own `routes()`; on top, how the attacks are served (`attacks`), the pipeline
//! every request runs through and the server. Another API area (an
//! organization's SAML credential authorizations or audit log, say) is a
//! module with its routes, merged in `server`, and its part of an
//! organization a `Collection` in `model::Org`; a route under an
//! organization takes either form of its path (`/orgs/{org}`,
//! `/organizations/{org_id}`) with `state::OrgKey`.

#![warn(missing_docs)]

mod error;

mod builder;

mod clock;
mod wire;

mod failure;
mod model;

mod keys;

mod headers;
mod log;
mod respond;
mod conditional;

mod hostile;
mod faults;
mod state;

mod auth;
mod listing;
mod webhooks;

mod governance;
mod audit_log;
mod revocation;
mod site;
mod issues;

mod app;
mod grants;
mod requests;

mod credentials;
mod containment;
mod installations;

mod attacks;
mod pipeline;
mod server;

pub use error::Error;
pub use failure::Failure;
pub use faults::Fault;
pub use hostile::Hostile;
pub use keys::{ThrowawayKey, public_key_from_pem};
pub use log::{Activity, Caller, Delivery, LoggedRequest, MintedToken};
pub use model::{
    AccountKind, App, AuditEvent, Credential, Grant, Granted, Installation, InstalledApp,
    IssueRecord, Org, Requested, SiteKey, SiteToken, Token, TokenRequest,
};
pub use server::{Builder, StandIn};
pub use webhooks::{Webhook, sign};
