//! `serve`'s connections: its own accept loop over hyper's HTTP/1
//! connections, because `axum::serve` has none of what a receiver open to
//! the internet needs: a header-read timeout, a cap on connections, and an
//! end to its graceful shutdown whatever the clients do.
//!
//! What is relied on (hyper 1.x, `server::conn::http1::Builder`): the
//! header-read timeout runs from the moment the connection waits for a
//! request head, so it closes a connection that sends nothing, one idle
//! between keep-alive requests, and one that sends its head a line at a
//! time; a graceful shutdown closes idle connections at once and lets a
//! request under way finish; dropping a connection's future closes it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// How long a client has to send a request's head (its request line and
/// headers), counted from when the connection waits for it. GitHub sends
/// a delivery at once.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a client has to send a request's whole body once its head has
/// arrived. GitHub gives up on a delivery after 10 seconds anyway.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections open at once at most; further ones are closed at once.
pub const MAX_CONNECTIONS: usize = 256;

/// How long shutting down waits, from the signal, for the connections and
/// the calls to GitHub under way; what is left then is dropped.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// After a failed `accept` (out of file descriptors, say), how long the
/// loop waits before accepting again, rather than spinning on the error.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// What a connection over the cap is told before it is closed. With the
/// request already sent, the close may reach the client as a reset
/// instead; either way the client sees a failed request at once.
const BUSY: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

/// The limits that keep slow, idle and numerous clients from holding `serve`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// See [`HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// See [`BODY_TIMEOUT`].
    pub body_timeout: Duration,
    /// See [`MAX_CONNECTIONS`].
    pub max_connections: usize,
    /// See [`SHUTDOWN_GRACE`].
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: HEADER_TIMEOUT,
            body_timeout: BODY_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            grace: SHUTDOWN_GRACE,
        }
    }
}

/// How serving the connections ended.
#[derive(Debug)]
pub struct Stopped {
    /// When the grace ends: the calls under way have until then too.
    pub deadline: Instant,
    /// Connections still open at the deadline, and dropped.
    pub dropped: usize,
}

/// Serves `app` on `listener` until `shutdown` resolves; then stops
/// accepting, lets each connection finish the request under way, and at
/// `limits.grace` after the signal drops those still open.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> Stopped {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    // Whether the cap was met since the last accepted connection: said once
    // per time it is met, not once per refused connection.
    let mut at_cap = false;
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            // Finished connections are reaped as they end, so that the set
            // holds only those open.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        eprintln!("pat-audit serve: accepting a connection failed: {e}");
                        tokio::select! {
                            () = &mut shutdown => break,
                            () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                        }
                    }
                };
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    // Told so, if its socket takes it at once, and closed:
                    // nothing waits on a client that is not served.
                    let _ = stream.try_write(BUSY);
                    if !at_cap {
                        eprintln!(
                            "pat-audit serve: {} connections are open, the most served at once: \
                             closing new ones until one ends",
                            limits.max_connections
                        );
                        at_cap = true;
                    }
                    continue;
                };
                at_cap = false;
                let service = TowerToHyperService::new(app.clone());
                let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                connections.spawn(async move {
                    // A connection's errors (a client gone, a header timeout)
                    // are the client's and end only that connection.
                    let _ = connection.await;
                    drop(slot);
                });
            }
        }
    }
    // New connections are refused from here on.
    drop(listener);
    let deadline = Instant::now() + limits.grace;
    let dropped = finish(graceful, connections, deadline).await;
    Stopped { deadline, dropped }
}

/// Shuts the connections down gracefully until `deadline`, then drops
/// those still open; how many were dropped.
async fn finish(
    graceful: GracefulShutdown,
    mut connections: JoinSet<()>,
    deadline: Instant,
) -> usize {
    if tokio::time::timeout_at(deadline, graceful.shutdown())
        .await
        .is_ok()
    {
        return 0;
    }
    connections.abort_all();
    let mut dropped = 0;
    while let Some(ended) = connections.join_next().await {
        if ended.is_err_and(|e| e.is_cancelled()) {
            dropped += 1;
        }
    }
    dropped
}

/// A future that resolves on SIGTERM or Ctrl-C (SIGINT). The handlers are
/// installed here, before the future is first polled, so that a signal
/// sent as soon as `serve` has said where it listens is not the default
/// action's (an exit without shutting down).
///
/// # Errors
/// A handler that cannot be installed: `serve` could then not be stopped
/// gracefully, and does not start.
#[cfg(unix)]
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
    })
}

/// A future that resolves on Ctrl-C.
///
/// # Errors
/// None here; the handler is installed when the future is first polled.
#[cfg(not(unix))]
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    Ok(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}
