//! What happens to every request, around the API areas' handlers: the
//! latency, the injected faults and the rate limit, then GitHub's common
//! headers and the log.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use crate::attacks;
use crate::conditional;
use crate::failure::Failure;
use crate::faults::Injected;
use crate::headers;
use crate::log::{Caller, LoggedRequest};
use crate::respond::{self, SpentRateLimit};
use crate::state::Shared;

/// The largest request body read (GitHub's bodies here are a few kB).
const MAX_BODY: usize = 1 << 20;

/// GitHub's generic documentation page, cited where no endpoint's applies.
pub(crate) const REST_DOCS: &str = "https://docs.github.com/rest";

/// Waits out the configured latency, accurately.
///
/// tokio's timer has millisecond resolution and wakes up to two milliseconds
/// late, so `tokio::time::sleep(50 ms)` answered pages after about 51.6 ms:
/// over a thousand pages, seconds more than the stand-in was asked to add,
/// charged to every client measured against it. A blocking thread's sleep
/// overshoots by tens of microseconds.
async fn wait_out(latency: Duration) {
    if latency.is_zero() {
        return;
    }
    let slept = tokio::task::spawn_blocking(move || std::thread::sleep(latency)).await;
    if slept.is_err() {
        // The blocking pool is shutting down with the server: no one waits for this answer.
        tokio::time::sleep(latency).await;
    }
}

/// The middleware every route and the fallback run in.
pub(crate) async fn around(State(s): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY).await;
    let body = body.unwrap_or_default();
    wait_out(s.settings.latency).await;
    let now = s.clock.now();
    let path = parts.uri.path().to_string();
    let prefix = s.settings.prefix.as_str();
    let api_path = path.strip_prefix(prefix).unwrap_or(&path);
    let (injected, mut quota) = {
        let mut world = s.world();
        let injected = world.faults.take(&parts.method, api_path, &parts.headers);
        (injected, world.rate.count(now))
    };
    let (early, attack) = match injected {
        Some(Injected::Failure(failure)) => (Some(respond::failure(&failure, REST_DOCS)), None),
        Some(Injected::Hostile(attack)) => (attacks::before(&s, &attack), Some(attack)),
        None => (None, None),
    };
    let refused = || respond::failure(&Failure::PrimaryRateLimit, REST_DOCS);
    let early = early.or_else(|| quota.exhausted().then(refused));
    let method = parts.method.clone();
    let query = parts.uri.query().map(str::to_string);
    let headers = parts.headers.clone();
    let mut response = match early {
        Some(response) => response,
        None => {
            let answer = next
                .run(Request::from_parts(parts, Body::from(body.clone())))
                .await;
            conditional::answer(&method, &headers, answer).await
        }
    };
    // GitHub does not count a 304 against the primary rate limit.
    if response.status() == StatusCode::NOT_MODIFIED {
        quota = s.world().rate.give_back(quota);
    }
    let quota = if let Some(own) = response.extensions().get::<headers::OwnQuota>() {
        (own.quota, own.resource)
    } else if response.extensions().get::<SpentRateLimit>().is_some() {
        (quota.spent(), "core")
    } else {
        (quota, "core")
    };
    let request = s.served.fetch_add(1, Ordering::Relaxed) + 1;
    headers::common(response.headers_mut(), quota, request, now);
    if let Some(attack) = &attack {
        response = attacks::after(attack, response).await;
    }
    let caller = response.extensions().get::<Caller>();
    let logged = LoggedRequest {
        method,
        path,
        query,
        headers,
        body,
        status: response.status().as_u16(),
        caller: caller.copied().unwrap_or(Caller::Unchecked),
        at: now,
    };
    s.world().log.push(logged);
    response
}

/// What the stand-in answers for a path it does not serve.
pub(crate) async fn not_found() -> Response {
    respond::failure(&Failure::NotFound, REST_DOCS)
}
