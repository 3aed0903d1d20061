//! `pat-audit`: audits every fine-grained personal access token with access
//! to GitHub organizations, on top of the `github-pat-grants` SDK.
//!
//! The binary is the product; the library exposes its parts so that tests
//! and benchmarks can reuse them:
//!
//! - [`cli`]: the command line and what each command does;
//! - [`fetch`]: every SDK call (client construction, concurrent paginated listing);
//! - [`findings`]: pure functions from a grant or request to its findings;
//! - [`render`]: table, JSON lines, CSV and markdown;
//! - [`snapshot`]: `--output` snapshots and `diff`;
//! - [`audit`]: the run that ties them together;
//! - [`policy`]: the policy file and the review decisions;
//! - [`act`]: `revoke` and `review` (plan, confirm, bulk calls, report);
//! - [`serve`]: the webhook receiver that reviews requests as they arrive;
//! - `demo` (feature `demo`, on by default): the GitHub stand-in behind `pat-audit demo`.

#![warn(missing_docs)]

// The demo's GitHub uses nothing of the crate: lowest in the layer order.
#[cfg(feature = "demo")]
pub mod demo;

pub mod act;
pub mod audit;
pub mod cli;
pub mod fetch;
pub mod findings;
pub mod policy;
pub mod render;
pub mod serve;
pub mod snapshot;
