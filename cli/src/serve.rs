//! `pat-audit serve`: reviews requests the moment they arrive.
//!
//! A webhook receiver for GitHub's `personal_access_token_request` events:
//!
//! - `POST /webhook` checks `X-Hub-Signature-256` over the raw body with the
//!   SDK's [`Delivery::from_request`](github_pat_grants::webhook::Delivery::from_request)
//!   (constant time; a missing, malformed or wrong signature, or a SHA-1 one
//!   only, is 401 and nothing is acted on), decodes the payload into the
//!   SDK's generated [`WebhookEvent`](github_pat_grants::WebhookEvent), and
//!   for a `created` request applies the policy: approve, deny with the
//!   rule's reason, or leave for a person.
//! - The decision is sent in a task of its own; the answer waits for it at
//!   most [`ANSWER_WITHIN`], well inside GitHub's 10-second window, and is
//!   202 when the call to GitHub is still under way (a rate limit being
//!   waited out, say).
//! - A delivery is acted on once: its `X-GitHub-Delivery` id and the SHA-256
//!   of its signed body are remembered (the last 50,000 of each). A
//!   redelivery (same id) is answered without acting again, and so is the
//!   same signed body under another id: GitHub signs the body only, so a
//!   new id proves nothing. A delivery whose call to GitHub failed is
//!   forgotten, so that redelivering it from the App's settings retries it.
//! - The payload's `installation.id` picks the App installation to act as;
//!   with `GITHUB_TOKEN` instead of an App, that token acts for every
//!   installation.
//! - Slow and numerous clients are bounded ([`Limits`]): a request's head
//!   must arrive within [`HEADER_TIMEOUT`] (an idle connection is closed
//!   then too) and its body within [`BODY_TIMEOUT`] (else 408); at most
//!   [`MAX_CONNECTIONS`] connections are open, and one more is closed at
//!   once.
//! - `GET /healthz` answers 200 once the policy is read and the port bound;
//!   SIGTERM (or Ctrl-C) stops accepting, finishes what is under way and
//!   exits 0; whatever clients do, it exits within [`SHUTDOWN_GRACE`] of
//!   the signal, dropping the connections still open then (and exiting 1
//!   if calls to GitHub were still under way).
//!
//! Every decision and every refused delivery is logged on stderr, one line
//! each (`--format json`: one JSON object each, with the report's fields).

mod remembered;
mod listen;
mod webhook;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;

pub use listen::{BODY_TIMEOUT, HEADER_TIMEOUT, Limits, MAX_CONNECTIONS, SHUTDOWN_GRACE};
pub use webhook::{ANSWER_WITHIN, Deciding, Logged, Secret, client_for};

use crate::exit::{EXIT_ERROR, EXIT_OK};
use crate::ui::Ui;

/// The largest body accepted by default: GitHub caps payloads at 25 MB, and
/// a token request's payload is a few kilobytes plus its repositories.
pub const DEFAULT_MAX_BODY: usize = 5 * 1024 * 1024;

/// What `serve` runs with, checked before anything is served.
#[derive(Debug)]
pub struct Options {
    /// What each delivery is decided and acted with.
    pub deciding: Deciding,
    /// Where to listen.
    pub listen: SocketAddr,
    /// The largest body accepted.
    pub max_body_bytes: usize,
    /// `--quiet` leaves out the notices of shutting down; the address and
    /// the log of deliveries are `serve`'s report and stay.
    pub ui: Ui,
}

/// `pat-audit serve`: serves on `opts.listen` with the default [`Limits`]
/// until SIGTERM or Ctrl-C; the exit status.
///
/// # Errors
/// An address that cannot be bound, or signals that cannot be handled,
/// before anything is served.
pub async fn run(opts: Options) -> anyhow::Result<u8> {
    let listener = TcpListener::bind(opts.listen)
        .await
        .with_context(|| format!("binding {}", opts.listen))?;
    let shutdown = listen::shutdown_signal().context("handling SIGTERM and Ctrl-C")?;
    run_on(listener, opts, Limits::default(), shutdown).await
}

/// [`run`] on a bound `listener` (`opts.listen` is not used) with `limits`,
/// until `shutdown` resolves: what tests run with short limits.
///
/// # Errors
/// A listener whose address cannot be read.
pub async fn run_on(
    listener: TcpListener,
    opts: Options,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<u8> {
    let dry_run = if opts.deciding.dry_run {
        "; dry run: decisions are logged, nothing is sent"
    } else {
        ""
    };
    let shared = Arc::new(webhook::Shared::new(opts.deciding, limits.body_timeout));
    let app = webhook::router(shared.clone(), opts.max_body_bytes);
    let address = listener.local_addr().context("reading the bound address")?;
    // Said even with --quiet: with port 0 it is the only way to learn the
    // port, and it begins the log that is serve's report.
    eprintln!(
        "pat-audit serve: listening on http://{address} (POST /webhook, GET /healthz){dry_run}"
    );
    let ui = opts.ui;
    let shutdown = async move {
        shutdown.await;
        ui.notice("pat-audit serve: shutting down: finishing the calls under way");
    };
    let stopped = listen::serve(listener, app, limits, shutdown).await;
    let grace = limits.grace.as_secs_f64();
    if stopped.dropped > 0 {
        eprintln!(
            "pat-audit serve: closed {} connections still open {grace} s after the signal",
            stopped.dropped
        );
    }
    if !shared.drain(stopped.deadline).await {
        eprintln!("pat-audit serve: gave up waiting for calls under way after {grace} s");
        return Ok(EXIT_ERROR);
    }
    ui.notice("pat-audit serve: stopped");
    Ok(EXIT_OK)
}
