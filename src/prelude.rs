//! What a program needs to call GitHub and page through its listings, in
//! one import.
//!
//! An operation's `call()` and a listing's `stream()`, `pages()` and
//! `collect_all()` are methods of the traits [`Operation`] and
//! [`Paginated`], which every generated request builder implements; a trait
//! is only usable where it is imported, so a program that imports the
//! client alone meets "no method named `stream` found". This module brings
//! those traits with the names a first program uses around them:
//!
//! ```no_run
//! use github_pat_grants::prelude::*;
//!
//! # async fn audit() -> Result<(), Error> {
//! let client = Client::builder()
//!     .token(std::env::var("GITHUB_TOKEN").unwrap_or_default())
//!     .retry(RetryPolicy::new())
//!     .build()?;
//!
//! // Every grant, page after page, as one stream (`try_next` comes with the prelude too).
//! let mut grants = client.orgs().list_pat_grants("my-org").per_page(100).stream();
//! while let Some(grant) = grants.try_next().await? {
//!     println!("{} {}", grant.id, grant.owner.login);
//! }
//!
//! // One call, one page.
//! let first_page = client.orgs().list_pat_grants("my-org").call().await?;
//! println!("{} grants on the first page", first_page.len());
//!
//! // GitHub's refusals, told apart.
//! match client.orgs().list_pat_grant_requests("my-org").collect_all().await {
//!     Ok(requests) => println!("{} pending requests", requests.len()),
//!     Err(Error::Api(e)) if e.status == 404 => println!("no such organization: {e}"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```
//!
//! Without it, the same program does not compile:
//!
//! ```compile_fail,E0599
//! use github_pat_grants::{Client, Error};
//!
//! # async fn audit(client: Client) -> Result<(), Error> {
//! let grants = client.orgs().list_pat_grants("my-org").collect_all().await?;
//! # Ok(()) }
//! ```
//!
//! # What it holds
//!
//! The prelude is kept small and stable: a name leaves it only in a
//! breaking release, and one joins it only when most programs need it.
//!
//! | names | for |
//! |---|---|
//! | [`Client`], [`AppCredentials`], [`RetryPolicy`] | a client, signed in as a GitHub App or with a token, that waits out rate limits |
//! | [`Operation`], [`Paginated`], [`Page`] | `call()`, `call_with_response()`; `stream()`, `pages()`, `collect_all()` and the page they yield |
//! | [`Error`], [`ApiError`], [`RateLimitError`], [`DecodeError`], [`AppAuthError`] | what a call returns when it fails, and what each variant carries |
//! | `futures::TryStreamExt`, unnamed | `try_next()`, `try_collect()` and the rest on the streams, without a `futures` import |
//!
//! The trait from `futures` is imported unnamed (`as _`): its methods work,
//! its name is not taken, and a program that imports it by name as well sees
//! no clash. The models (`types::...`), the
//! request builders (`builder::...`), webhooks and rate-limit details are
//! imported by path where a program needs them.

pub use crate::app::AppCredentials;
pub use crate::error::{ApiError, AppAuthError, DecodeError, Error, RateLimitError};
pub use crate::generated::Client;
pub use crate::operation::{Operation, Page, Paginated};
pub use crate::retry::RetryPolicy;
pub use futures::TryStreamExt as _;
