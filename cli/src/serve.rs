//! `pat-audit serve`: reviews requests the moment they arrive.
//!
//! A webhook receiver for GitHub's `personal_access_token_request` events:
//!
//! - `POST /webhook` checks `X-Hub-Signature-256` over the raw body with the
//!   SDK's [`Delivery::from_request`] (constant time; a missing, malformed or
//!   wrong signature, or a SHA-1 one only, is 401 and nothing is acted on),
//!   decodes the payload into the SDK's generated [`WebhookEvent`], and for
//!   a `created` request applies the policy: approve, deny with the rule's
//!   reason, or leave for a person.
//! - The decision is sent in a task of its own; the answer waits for it at
//!   most [`ANSWER_WITHIN`], well inside GitHub's 10-second window, and is
//!   202 when the call to GitHub is still under way (a rate limit being
//!   waited out, say).
//! - A delivery is acted on once: its `X-GitHub-Delivery` id is remembered,
//!   and a redelivery of it is answered without acting again. A delivery
//!   whose call to GitHub failed is forgotten, so that redelivering it from
//!   the App's settings retries it.
//! - The payload's `installation.id` picks the App installation to act as;
//!   with `GITHUB_TOKEN` instead of an App, that token acts for every
//!   installation.
//! - `GET /healthz` answers 200 once the policy is read and the port bound;
//!   SIGTERM (or Ctrl-C) stops accepting, finishes what is under way and
//!   exits 0.
//!
//! Every decision and every refused delivery is logged on stderr, one line
//! each (`--format json`: one JSON object each, with the report's fields).

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::net::SocketAddr;

use anyhow::Context as _;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use github_pat_grants::types::{
    PersonalAccessTokenRequest, WebhookPersonalAccessTokenRequestCreated,
};
use github_pat_grants::webhook::{DELIVERY_HEADER, Delivery, WebhookError};
use github_pat_grants::{Client, WebhookEvent};
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::act::{self, ActRow, Action, Outcome, Planned};
use crate::exit::{EXIT_ERROR, EXIT_OK};
use crate::fetch::explain::with_causes;
use crate::policy::Policy;
use crate::ui::Ui;

/// The largest body accepted by default: GitHub caps payloads at 25 MB, and
/// a token request's payload is a few kilobytes plus its repositories.
pub const DEFAULT_MAX_BODY: usize = 5 * 1024 * 1024;

/// How long an answer waits for the call to GitHub before saying 202.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// How many delivery ids are remembered to recognise redeliveries.
const REMEMBERED_DELIVERIES: usize = 50_000;

/// How long shutting down waits for calls under way.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Calls to GitHub under way at most; shutting down takes them all back.
const MAX_IN_FLIGHT: u32 = 1 << 16;

/// The webhook's secret; never printed.
pub struct Secret(Vec<u8>);

impl Secret {
    /// The secret's bytes (GitHub's HMAC key).
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Secret(secret.into())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// What `serve` runs with, checked before anything is served.
#[derive(Debug)]
pub struct Options {
    /// The policy whose request rules decide.
    pub policy: Policy,
    /// The webhook's secret.
    pub secret: Secret,
    /// The App-level client (or the token's) that makes each delivery's
    /// installation client.
    pub client: Client,
    /// Act only on requests to these organizations (all when empty).
    pub orgs: Vec<String>,
    /// Decide and log, but send nothing.
    pub dry_run: bool,
    /// Log one JSON object per decision, not plain lines.
    pub json: bool,
    /// Where to listen.
    pub listen: SocketAddr,
    /// The largest body accepted.
    pub max_body_bytes: usize,
    /// `--quiet` leaves out the notices of shutting down; the address and
    /// the log of deliveries are `serve`'s report and stay.
    pub ui: Ui,
}

/// The delivery ids seen, oldest first, bounded.
#[derive(Default)]
struct Deliveries {
    order: VecDeque<String>,
    seen: HashSet<String>,
}

impl Deliveries {
    /// Records a delivery id; `false` when it was already there.
    fn claim(&mut self, id: &str) -> bool {
        if !self.seen.insert(id.to_string()) {
            return false;
        }
        self.order.push_back(id.to_string());
        while self.order.len() > REMEMBERED_DELIVERIES {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        true
    }

    /// Forgets a delivery id, so that a redelivery is acted on.
    fn release(&mut self, id: &str) {
        self.seen.remove(id);
        self.order.retain(|d| d != id);
    }
}

/// What every request handler shares.
struct Shared {
    secret: Secret,
    policy: Policy,
    client: Client,
    orgs: Vec<String>,
    dry_run: bool,
    json: bool,
    deliveries: Mutex<Deliveries>,
    in_flight: Arc<Semaphore>,
}

/// One decision, as logged and as answered: the report's row and the delivery.
#[derive(Clone, Debug, Serialize)]
pub struct Logged {
    /// The `X-GitHub-Delivery` id.
    pub delivery: String,
    /// What was decided and what became of it.
    #[serde(flatten)]
    pub row: ActRow,
}

impl Shared {
    fn deliveries(&self) -> std::sync::MutexGuard<'_, Deliveries> {
        // The set stays consistent whatever panicked while holding it.
        self.deliveries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn log(&self, logged: &Logged) {
        if self.json {
            if let Ok(line) = serde_json::to_string(logged) {
                eprintln!("{line}");
            }
        } else {
            let (r, s) = (&logged.row, &logged.row.subject);
            eprintln!(
                "pat-audit serve: delivery {}: {} request {} (token {:?} of {}): {} ({}): {}: {}",
                logged.delivery,
                s.org,
                s.id,
                s.token_name,
                s.owner,
                r.action.name(),
                r.why,
                r.result.name(),
                r.message
            );
        }
    }

    fn note(&self, delivery: Option<&str>, status: StatusCode, message: &str) {
        if self.json {
            let line = serde_json::json!({
                "delivery": delivery,
                "status": status.as_u16(),
                "message": message,
            });
            eprintln!("{line}");
        } else {
            eprintln!(
                "pat-audit serve: delivery {}: {} {message}",
                delivery.unwrap_or("(no X-GitHub-Delivery)"),
                status.as_u16()
            );
        }
    }
}

/// The client to act with for a delivery: the App's installation named in
/// the payload (or, without one, the App's installation on the
/// organization); with a token instead of an App, the token's client.
pub fn client_for(base: &Client, installation: Option<i64>, org: &str) -> Client {
    let installation = match installation {
        Some(id) => base.for_installation(id),
        None => base.for_org(org),
    };
    // Only a client without App credentials has no installation clients:
    // its token acts for every installation.
    installation.unwrap_or_else(|_| base.clone())
}

/// The row for a request of a `created` delivery, as the policy decides it.
/// The permissions are those the token would hold (`permissions_result`).
pub fn decide(policy: &Policy, org: &str, request: &PersonalAccessTokenRequest) -> Planned {
    act::decided(policy, org, request)
}

/// What a delivery is answered with when it is not acted on: a status and
/// a JSON body that says why.
struct Answer(StatusCode, serde_json::Value);

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        (self.0, axum::Json(self.1)).into_response()
    }
}

fn answer(status: StatusCode, body: serde_json::Value) -> Answer {
    Answer(status, body)
}

/// `POST /webhook`: a verified `created` request is decided and acted on;
/// anything else is answered and left.
async fn webhook(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let delivery = match verified(&s, &headers, &body) {
        Ok(delivery) => delivery,
        Err(refused) => return refused.into_response(),
    };
    let (id, created) = match to_act_on(&s, delivery) {
        Ok(to_act_on) => to_act_on,
        Err(answered) => return answered.into_response(),
    };
    let org = created.organization.login.as_str();
    let planned = decide(&s.policy, org, &created.personal_access_token_request);
    let installation = created.installation.as_ref().map(|i| i.id);
    act_and_answer(s, id, planned, installation).await
}

/// The delivery, when its signature holds and its payload decodes; else
/// the answer that refuses it (401 for the signature, 400 otherwise).
fn verified(s: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Delivery, Answer> {
    let refuse = |status: StatusCode, message: String| {
        let delivery_id = headers.get(DELIVERY_HEADER).and_then(|v| v.to_str().ok());
        s.note(delivery_id, status, &message);
        answer(status, serde_json::json!({ "message": message }))
    };
    Delivery::from_request(&s.secret.0, headers, body).map_err(|e| match e {
        WebhookError::MissingSignature
        | WebhookError::MalformedSignature
        | WebhookError::BadSignature => refuse(StatusCode::UNAUTHORIZED, e.to_string()),
        e => refuse(StatusCode::BAD_REQUEST, with_causes(&e)),
    })
}

/// The delivery's id and its `created` request, when it is one to act on:
/// GitHub's `ping`, other events and other actions are answered, a delivery
/// without an id is refused (its redelivery could not be recognised), and
/// other organizations' requests and redeliveries are left.
fn to_act_on(
    s: &Shared,
    delivery: Delivery,
) -> Result<(String, Box<WebhookPersonalAccessTokenRequestCreated>), Answer> {
    match delivery.event.as_str() {
        // GitHub pings a new webhook; answering shows it is set up.
        "ping" => {
            return Err(answer(
                StatusCode::OK,
                serde_json::json!({"message": "pong"}),
            ));
        }
        "personal_access_token_request" => {}
        other => {
            let message = format!("ignored: the {other} event is not acted on");
            return Err(answer(
                StatusCode::ACCEPTED,
                serde_json::json!({ "message": message }),
            ));
        }
    }
    let Some(WebhookEvent::PersonalAccessTokenRequestCreated(created)) = delivery.payload else {
        // Approved, denied and cancelled requests need nothing more.
        let action = delivery.action.unwrap_or_default();
        let message = format!("ignored: action {action}");
        return Err(answer(
            StatusCode::OK,
            serde_json::json!({ "message": message }),
        ));
    };
    let Some(id) = delivery.id else {
        let message = "no X-GitHub-Delivery header: a delivery that cannot be recognised \
                       when redelivered is not acted on";
        s.note(None, StatusCode::BAD_REQUEST, message);
        return Err(answer(
            StatusCode::BAD_REQUEST,
            serde_json::json!({ "message": message }),
        ));
    };
    let org = &created.organization.login;
    if !s.orgs.is_empty() && !s.orgs.iter().any(|o| o.eq_ignore_ascii_case(org)) {
        let message = format!("ignored: {org} is not among the organizations served (--org)");
        s.note(Some(&id), StatusCode::OK, &message);
        return Err(answer(
            StatusCode::OK,
            serde_json::json!({ "message": message }),
        ));
    }
    if !s.deliveries().claim(&id) {
        let message = "already handled: a redelivery is not acted on twice";
        s.note(Some(&id), StatusCode::OK, message);
        return Err(answer(
            StatusCode::OK,
            serde_json::json!({"delivery": id, "message": message}),
        ));
    }
    Ok((id, created))
}

/// Acts on the decision in a task of its own and answers with its row,
/// waiting for it at most [`ANSWER_WITHIN`]: 200, 502 when the call to
/// GitHub failed, 202 when it is still under way.
async fn act_and_answer(
    s: Arc<Shared>,
    id: String,
    planned: Planned,
    installation: Option<i64>,
) -> Response {
    let Ok(permit) = s.in_flight.clone().acquire_owned().await else {
        s.deliveries().release(&id);
        return answer(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({"message": "shutting down"}),
        )
        .into_response();
    };
    let task = tokio::spawn({
        let (s, id) = (s.clone(), id.clone());
        async move {
            let logged = act_on(&s, &id, planned, installation).await;
            drop(permit);
            logged
        }
    });
    match tokio::time::timeout(ANSWER_WITHIN, task).await {
        Ok(Ok(logged)) => {
            let status = if logged.row.result == Outcome::Failed {
                StatusCode::BAD_GATEWAY
            } else {
                StatusCode::OK
            };
            (status, axum::Json(logged)).into_response()
        }
        Ok(Err(e)) => {
            s.deliveries().release(&id);
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::json!({"message": format!("acting failed: {e}")}),
            )
            .into_response()
        }
        // The task goes on and logs its outcome; GitHub must not wait longer.
        Err(_) => answer(
            StatusCode::ACCEPTED,
            serde_json::json!({"delivery": id, "message": "accepted; the call to GitHub is still under way"}),
        )
        .into_response(),
    }
}

/// Sends the decision (unless it is to leave, or a dry run) and logs it.
async fn act_on(
    s: &Shared,
    delivery: &str,
    mut planned: Planned,
    installation: Option<i64>,
) -> Logged {
    if planned.row.action != Action::Leave && !s.dry_run {
        let client = client_for(&s.client, installation, &planned.row.subject.org);
        let mut one = [planned];
        act::execute(|_| Ok(client.clone()), &mut one, |_, _| {}).await;
        let [done] = one;
        planned = done;
        if planned.row.result == Outcome::Failed {
            // A redelivery from the App's settings may retry it.
            s.deliveries().release(delivery);
        }
    }
    let logged = Logged {
        delivery: delivery.to_string(),
        row: planned.row,
    };
    s.log(&logged);
    logged
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// `pat-audit serve`: serves until SIGTERM; the exit status.
///
/// # Errors
/// An address that cannot be bound, before anything is served.
pub async fn run(opts: Options) -> anyhow::Result<u8> {
    let shared = Arc::new(Shared {
        secret: opts.secret,
        policy: opts.policy,
        client: opts.client,
        orgs: opts.orgs,
        dry_run: opts.dry_run,
        json: opts.json,
        deliveries: Mutex::new(Deliveries::default()),
        in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT as usize)),
    });
    let app = Router::new()
        .route("/webhook", post(webhook))
        .route("/healthz", get(healthz))
        .layer(DefaultBodyLimit::max(opts.max_body_bytes))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .with_context(|| format!("binding {}", opts.listen))?;
    let address = listener.local_addr()?;
    // Said even with --quiet: with port 0 it is the only way to learn the
    // port, and it begins the log that is serve's report.
    eprintln!(
        "pat-audit serve: listening on http://{address} (POST /webhook, GET /healthz){}",
        if opts.dry_run {
            "; dry run: decisions are logged, nothing is sent"
        } else {
            ""
        }
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving")?;
    opts.ui
        .notice("pat-audit serve: shutting down: finishing the calls under way");
    // Every call under way holds a permit; taking them all waits for them.
    let drained =
        tokio::time::timeout(SHUTDOWN_GRACE, shared.in_flight.acquire_many(MAX_IN_FLIGHT)).await;
    if drained.is_err() {
        eprintln!(
            "pat-audit serve: gave up waiting for calls under way after {} s",
            SHUTDOWN_GRACE.as_secs()
        );
        return Ok(EXIT_ERROR);
    }
    opts.ui.notice("pat-audit serve: stopped");
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::act::Planned;
    use axum::extract::Path;

    type Seen = Arc<Mutex<Vec<(String, String)>>>;

    /// A GitHub with the two calls `serve` makes as an App: minting an
    /// installation token and reviewing; it records who called what.
    async fn app_github() -> (String, Seen) {
        let seen: Seen = Arc::default();
        let spec: serde_json::Value =
            serde_json::from_str(include_str!("../../spec/openapi.json")).unwrap();
        let example = spec["components"]["examples"]["installation-token"]["value"].clone();
        let record = |seen: &Seen, path: String, headers: &HeaderMap| {
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            seen.lock().unwrap().push((path, auth));
        };
        let mint = {
            let seen = seen.clone();
            move |Path(id): Path<i64>, headers: HeaderMap| async move {
                record(
                    &seen,
                    format!("/app/installations/{id}/access_tokens"),
                    &headers,
                );
                let mut body = example.clone();
                body["token"] = serde_json::json!(format!("ghs_installation_{id}"));
                body["expires_at"] = serde_json::json!(
                    (chrono::Utc::now() + chrono::TimeDelta::hours(1)).to_rfc3339()
                );
                (StatusCode::CREATED, axum::Json(body))
            }
        };
        let review = {
            let seen = seen.clone();
            move |Path(org): Path<String>, headers: HeaderMap| async move {
                record(
                    &seen,
                    format!("/orgs/{org}/personal-access-token-requests"),
                    &headers,
                );
                (StatusCode::ACCEPTED, axum::Json(serde_json::json!({})))
            }
        };
        let app = Router::new()
            .route("/app/installations/{id}/access_tokens", post(mint))
            .route("/orgs/{org}/personal-access-token-requests", post(review));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, seen)
    }

    fn approval(id: i64) -> Planned {
        Planned {
            row: ActRow {
                subject: crate::row::Subject {
                    org: "acme".into(),
                    kind: crate::row::Kind::Request,
                    id,
                    token_id: id,
                    token_name: "t".into(),
                    owner: "octocat".into(),
                },
                action: Action::Approve,
                result: Outcome::Planned,
                why: String::new(),
                message: String::new(),
            },
            reason: Some("ok".into()),
        }
    }

    #[tokio::test]
    async fn the_payloads_installation_picks_the_token_and_a_token_acts_for_every_installation() {
        let (url, seen) = app_github().await;
        let key = include_str!("../../tests/fixtures/app-key-pkcs1.pem");
        let app = Client::builder()
            .app(github_pat_grants::AppCredentials::from_pem(123_456, key).unwrap())
            .base_url(&url)
            .build()
            .unwrap();
        let mut plan = [approval(1)];
        act::execute(
            |_| Ok(client_for(&app, Some(42), "acme")),
            &mut plan,
            |_, _| {},
        )
        .await;
        assert_eq!(plan[0].row.result, Outcome::Done);
        {
            let seen = seen.lock().unwrap();
            assert_eq!(seen.len(), 2, "{seen:?}");
            assert_eq!(seen[0].0, "/app/installations/42/access_tokens");
            assert!(
                seen[0].1.starts_with("Bearer ey"),
                "the App's JWT: {}",
                seen[0].1
            );
            assert_eq!(
                seen[1],
                (
                    "/orgs/acme/personal-access-token-requests".into(),
                    "Bearer ghs_installation_42".into()
                )
            );
        }

        let token = Client::builder()
            .token("ghs_static")
            .base_url(&url)
            .build()
            .unwrap();
        let mut plan = [approval(2)];
        act::execute(
            |_| Ok(client_for(&token, Some(42), "acme")),
            &mut plan,
            |_, _| {},
        )
        .await;
        assert_eq!(plan[0].row.result, Outcome::Done);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 3, "no token is minted: {seen:?}");
        assert_eq!(seen[2].1, "Bearer ghs_static");
    }

    #[test]
    fn deliveries_are_claimed_once_until_released() {
        let mut d = Deliveries::default();
        assert!(d.claim("a"));
        assert!(!d.claim("a"));
        assert!(d.claim("b"));
        d.release("a");
        assert!(d.claim("a"));
        assert!(!d.claim("b"));
    }

    #[test]
    fn the_oldest_deliveries_are_forgotten_first() {
        let mut d = Deliveries::default();
        for i in 0..=REMEMBERED_DELIVERIES {
            assert!(d.claim(&i.to_string()));
        }
        assert_eq!(d.seen.len(), REMEMBERED_DELIVERIES);
        assert!(d.claim("0"), "the oldest was forgotten");
        assert!(!d.claim(&REMEMBERED_DELIVERIES.to_string()));
    }
}
