#![forbid(unsafe_code)]
//! `pat-audit`: audits every fine-grained personal access token with access
//! to GitHub organizations, on top of the `github-pat-grants` SDK.
//!
//! The binary is the product; the library exposes its parts so that tests
//! and benchmarks can reuse them. The modules, lowest layer first (each uses only those before it; xtask's
//! tidy test checks it):
//!
//! - `demo` (the default feature `demo`): the GitHub stand-in behind
//!   `pat-audit demo`, which uses nothing of the crate;
//! - [`exit`]: the exit statuses;
//! - [`neutral`]: other people's text made harmless for each output
//!   (terminal, CSV, markdown);
//! - [`outfile`]: the one way a file is written (exclusively created
//!   temporary file, synced, renamed; never through a symbolic link);
//! - [`ui`]: colour and quietness (`--color`, `NO_COLOR`, `--quiet`), one
//!   value every command hands down; the one progress bar and the one
//!   confirmation question;
//! - [`token`]: leaked tokens' shapes, their audit-log hash and their
//!   redacted form (`trace`);
//! - [`row`]: what every report row is about (organization, kind, id,
//!   token, owner), built once, and what a row is to the formats;
//! - [`permission`]: what a grant or request holds, by scope and level;
//! - [`findings`]: pure functions from a grant or request to its findings;
//! - [`credential`]: the same for SAML credential authorizations and
//!   installed Apps;
//! - [`policy`]: the policy file, its findings and the review decisions;
//! - [`assess`]: findings and policy combined, for `audit` and `revoke`;
//! - [`render`]: table, JSON lines, CSV and markdown;
//! - [`common`]: the organizations, API root, format, concurrency and UI
//!   every reading command runs with;
//! - [`snapshot`]: `--output` snapshots (`file`) and `diff` (`changes`, one
//!   path for every kind);
//! - [`fetch`]: every SDK call of the listings (credentials, clients,
//!   concurrent paginated listing, GitHub's errors in words) and the one
//!   bounded worker pool (`pool`) that the listings and `trace` share;
//! - [`audit`]: the run that ties fetching, assessing and reporting together;
//! - [`site`]: a GitHub Enterprise Server instance's classic tokens and SSH
//!   keys as its site administrator sees them, and their audit;
//! - [`act`]: `revoke`, `review` and `contain` (`plan`, `apply`: the bulk
//!   calls, `report`: the flow they share, what they say, the confirmation);
//! - [`trace`]: `trace`, what leaked tokens did in the audit logs (`rows`),
//!   and their revocation (`revoke`);
//! - [`notify`]: `notify`, the findings told to the tokens' owners in one
//!   issue each (`plan` pure, `issues` the calls);
//! - [`serve`]: the webhook receiver that reviews requests as they arrive;
//! - [`shell`]: the shells' completion scripts and the manual pages, from
//!   a definition of the command line;
//! - [`args`]: the command line, each shared flag declared once, and what
//!   the flags mean;
//! - [`command`]: what each command does with its flags (the top).

#![warn(missing_docs)]

#[cfg(feature = "demo")]
pub mod demo;
pub mod exit;
pub mod neutral;
pub mod outfile;
pub mod ui;
pub mod token;
pub mod row;
pub mod permission;
pub mod findings;
pub mod credential;
pub mod policy;
pub mod assess;
pub mod render;
pub mod common;
pub mod snapshot;
pub mod fetch;
pub mod audit;
pub mod site;
pub mod act;
pub mod trace;
pub mod notify;
pub mod serve;
pub mod shell;
pub mod args;
pub mod command;
