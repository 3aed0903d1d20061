//! `POST /webhook` and `GET /healthz`: a delivery is read within the body
//! timeout, verified, decided once, acted on and answered; every decision
//! and every refused delivery is logged on stderr.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest as _, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use github_pat_grants::types::WebhookPersonalAccessTokenRequestCreated;
use github_pat_grants::webhook::{DELIVERY_HEADER, Delivery, WebhookError};
use github_pat_grants::{Client, WebhookEvent};
use secrecy::{ExposeSecret as _, SecretSlice};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::remembered::{BodyDigest, Deliveries, Seen, body_digest};
use crate::act::{self, ActRow, Action, Outcome, Planned};
use crate::fetch::explain::with_causes;
use crate::policy::Policy;
use crate::row::Named as _;
use crate::ui;

/// How long an answer waits for the call to GitHub before saying 202.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// Calls to GitHub under way at most; shutting down takes them all back.
const MAX_IN_FLIGHT: u32 = 1 << 16;

/// The webhook's secret; never printed (its `Debug` is redacted), wiped
/// when dropped.
#[derive(Debug)]
pub struct Secret(SecretSlice<u8>);

impl Secret {
    /// The secret's bytes (GitHub's HMAC key).
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Secret(secret.into().into())
    }
}

/// What every request handler shares.
pub struct Shared {
    deciding: Deciding,
    body_timeout: Duration,
    deliveries: Mutex<Deliveries>,
    in_flight: Arc<Semaphore>,
}

/// What a delivery is decided and acted with.
#[derive(Debug)]
pub struct Deciding {
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
}

impl Shared {
    /// The state of a receiver that has acted on nothing yet, whose
    /// requests' bodies may take `body_timeout` to arrive.
    pub fn new(deciding: Deciding, body_timeout: Duration) -> Self {
        Shared {
            deciding,
            body_timeout,
            deliveries: Mutex::new(Deliveries::default()),
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT as usize)),
        }
    }

    /// Waits until `deadline` for the calls to GitHub under way; whether
    /// they all ended. Every call holds a permit: taking them all waits.
    pub async fn drain(&self, deadline: Instant) -> bool {
        tokio::time::timeout_at(deadline, self.in_flight.acquire_many(MAX_IN_FLIGHT))
            .await
            .is_ok()
    }

    fn deliveries(&self) -> std::sync::MutexGuard<'_, Deliveries> {
        // The set stays consistent whatever panicked while holding it.
        self.deliveries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// One line of the log on stderr: `json` with `--format json`, else `text`.
    fn log(&self, json: &impl Serialize, text: std::fmt::Arguments<'_>) {
        if !self.deciding.json {
            // Token names, logins and GitHub's messages are others' text:
            // shown escaped and scrubbed, as every terminal line.
            ui::say(text);
        } else if let Ok(line) = serde_json::to_string(json) {
            eprintln!("{line}");
        }
    }

    /// Logs a delivery not acted on: its status and why.
    fn note(&self, delivery: Option<&str>, status: StatusCode, message: &str) {
        let json = serde_json::json!({
            "delivery": delivery,
            "status": status.as_u16(),
            "message": message,
        });
        let id = delivery.unwrap_or("(no X-GitHub-Delivery)");
        let status = status.as_u16();
        self.log(
            &json,
            format_args!("pat-audit serve: delivery {id}: {status} {message}"),
        );
    }

    /// Logs why a delivery is not acted on and answers with it.
    fn refuse(&self, delivery: Option<&str>, status: StatusCode, message: &str) -> Answer {
        self.note(delivery, status, message);
        answer(status, message)
    }
}

/// The routes, with the body limit, over `shared`.
pub fn router(shared: Arc<Shared>, max_body_bytes: usize) -> Router {
    Router::new()
        .route("/webhook", post(webhook))
        .route("/healthz", get(healthz))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(shared)
}

/// Every text `serve` quotes in a reply or a log line passes here: the
/// messages of GitHub's errors (through the SDK error's `Display`, never a
/// response body) and of refused deliveries.
fn said(text: &str) -> String {
    github_pat_grants::redact::scrub(text).into_owned()
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

/// A reply: a status and a JSON body.
struct Answer(StatusCode, serde_json::Value);

impl From<Answer> for Response {
    fn from(Answer(status, body): Answer) -> Response {
        (status, axum::Json(body)).into_response()
    }
}

/// What a delivery is answered with when it is not acted on: a status and
/// `{"message": message}`, which says why.
fn answer(status: StatusCode, message: &str) -> Answer {
    Answer(status, serde_json::json!({ "message": message }))
}

/// [`answer`] naming the delivery: `{"delivery": id, "message": message}`.
fn answer_delivery(status: StatusCode, id: &str, message: &str) -> Answer {
    Answer(
        status,
        serde_json::json!({"delivery": id, "message": message}),
    )
}

/// The `X-GitHub-Delivery` id of a request, when it has one.
fn delivery_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(DELIVERY_HEADER).and_then(|v| v.to_str().ok())
}

/// A delivery being acted on: its id and its signed body's digest.
struct Claimed {
    id: String,
    body: BodyDigest,
}

/// `POST /webhook`: a verified `created` request is decided and acted on;
/// anything else is answered and left.
async fn webhook(State(s): State<Arc<Shared>>, request: Request) -> Response {
    let headers = request.headers().clone();
    let acted = async {
        let body = read_body(&s, &headers, request).await?;
        let delivery = verified(&s, &headers, &body)?;
        let (claimed, created) = to_act_on(&s, delivery, body_digest(&body))?;
        let org = created.organization.login.as_str();
        // The permissions are those the token would hold (`permissions_result`).
        let planned = act::decided(
            &s.deciding.policy,
            org,
            &created.personal_access_token_request,
        );
        let installation = created.installation.as_ref().map(|i| i.id);
        Ok(act_and_answer(s.clone(), claimed, planned, installation).await)
    };
    acted.await.unwrap_or_else(|refused: Response| refused)
}

/// The body, read whole within the body timeout and the body limit; else
/// the answer: 408 (and the connection closed) for a body that trickles,
/// 413 for one over the limit.
async fn read_body(s: &Shared, headers: &HeaderMap, request: Request) -> Result<Bytes, Response> {
    match tokio::time::timeout(s.body_timeout, Bytes::from_request(request, &())).await {
        Ok(Ok(body)) => Ok(body),
        Ok(Err(rejection)) => Err(rejection.into_response()),
        Err(_) => {
            let message = format!(
                "the body did not arrive within {} s",
                s.body_timeout.as_secs_f64()
            );
            let refused = s.refuse(delivery_id(headers), StatusCode::REQUEST_TIMEOUT, &message);
            Err(([(header::CONNECTION, "close")], Response::from(refused)).into_response())
        }
    }
}

/// The delivery, when its signature holds and its payload decodes; else
/// the answer that refuses it (401 for the signature, 400 otherwise).
fn verified(s: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Delivery, Answer> {
    let secret = s.deciding.secret.0.expose_secret();
    Delivery::from_request(secret, headers, body).map_err(|e| {
        let (status, message) = match e {
            WebhookError::MissingSignature
            | WebhookError::MalformedSignature
            | WebhookError::BadSignature => (StatusCode::UNAUTHORIZED, e.to_string()),
            e => (StatusCode::BAD_REQUEST, with_causes(&e)),
        };
        s.refuse(delivery_id(headers), status, &said(&message))
    })
}

/// The delivery's id and its `created` request, when it is one to act on:
/// GitHub's `ping`, other events and other actions are answered, a delivery
/// without an id is refused (its redelivery could not be recognised), and
/// other organizations' requests, redeliveries and replays are left.
fn to_act_on(
    s: &Shared,
    delivery: Delivery,
    body: BodyDigest,
) -> Result<(Claimed, Box<WebhookPersonalAccessTokenRequestCreated>), Answer> {
    match delivery.event.as_str() {
        // GitHub pings a new webhook; answering shows it is set up.
        "ping" => return Err(answer(StatusCode::OK, "pong")),
        "personal_access_token_request" => {}
        other => {
            let message = format!("ignored: the {other} event is not acted on");
            return Err(answer(StatusCode::ACCEPTED, &message));
        }
    }
    let Some(WebhookEvent::PersonalAccessTokenRequestCreated(created)) = delivery.payload else {
        // Approved, denied and cancelled requests need nothing more.
        let action = delivery.action.unwrap_or_default();
        return Err(answer(StatusCode::OK, &format!("ignored: action {action}")));
    };
    let Some(id) = delivery.id else {
        let message = "no X-GitHub-Delivery header: a delivery that cannot be recognised \
                       when redelivered is not acted on";
        return Err(s.refuse(None, StatusCode::BAD_REQUEST, message));
    };
    let org = &created.organization.login;
    if !s.deciding.orgs.is_empty() && !s.deciding.orgs.iter().any(|o| o.eq_ignore_ascii_case(org)) {
        let message = format!("ignored: {org} is not among the organizations served (--org)");
        return Err(s.refuse(Some(&id), StatusCode::OK, &message));
    }
    if let Err(seen) = s.deliveries().claim(&id, body) {
        let message = match seen {
            Seen::Redelivery => "already handled: a redelivery is not acted on twice".to_string(),
            // GitHub signs the body, not X-GitHub-Delivery: the same signed
            // body under a new id is a replay, not a new request.
            Seen::Replay { first } => format!(
                "already decided: this signed body was acted on as delivery {first}; a replay \
                 under another delivery id is not acted on"
            ),
        };
        s.note(Some(&id), StatusCode::OK, &message);
        return Err(answer_delivery(StatusCode::OK, &id, &message));
    }
    Ok((Claimed { id, body }, created))
}

/// Acts on the decision in a task of its own and answers with its row,
/// waiting for it at most [`ANSWER_WITHIN`]: 200, 502 when the call to
/// GitHub failed, 202 when it is still under way.
async fn act_and_answer(
    s: Arc<Shared>,
    claimed: Claimed,
    planned: Planned,
    installation: Option<i64>,
) -> Response {
    let Ok(permit) = s.in_flight.clone().acquire_owned().await else {
        s.deliveries().release(&claimed.id, claimed.body);
        return answer(StatusCode::SERVICE_UNAVAILABLE, "shutting down").into();
    };
    let (id, body) = (claimed.id.clone(), claimed.body);
    let task = tokio::spawn({
        let s = s.clone();
        async move {
            let logged = act_on(&s, &claimed, planned, installation).await;
            drop(permit);
            logged
        }
    });
    match tokio::time::timeout(ANSWER_WITHIN, task).await {
        Ok(Ok(logged)) if logged.row.result == Outcome::Failed => {
            (StatusCode::BAD_GATEWAY, axum::Json(logged)).into_response()
        }
        Ok(Ok(logged)) => (StatusCode::OK, axum::Json(logged)).into_response(),
        Ok(Err(_)) => {
            s.deliveries().release(&id, body);
            // The task's panic message is not quoted: it could hold anything.
            let message = "acting failed: the call to GitHub ended without an outcome";
            answer(StatusCode::INTERNAL_SERVER_ERROR, message).into()
        }
        // The task goes on and logs its outcome; GitHub must not wait longer.
        Err(_) => {
            let message = "accepted; the call to GitHub is still under way";
            answer_delivery(StatusCode::ACCEPTED, &id, message).into()
        }
    }
}

/// Sends the decision (unless it is to leave, or a dry run) and logs it.
async fn act_on(
    s: &Shared,
    claimed: &Claimed,
    mut planned: Planned,
    installation: Option<i64>,
) -> Logged {
    if planned.row.action != Action::Leave && !s.deciding.dry_run {
        let client = client_for(&s.deciding.client, installation, &planned.row.subject.org);
        let one = std::slice::from_mut(&mut planned);
        act::execute(|_| Ok(client.clone()), one, 1, |_, _| {}).await;
        if planned.row.result == Outcome::Failed {
            // A redelivery from the App's settings may retry it.
            s.deliveries().release(&claimed.id, claimed.body);
        }
    }
    // The row's message is GitHub's message for a failed call, made from
    // the SDK error's `Display` (never a response body); it goes into the
    // log line and the 502 reply GitHub shows in its delivery log.
    planned.row.message = said(&planned.row.message);
    let logged = Logged {
        delivery: claimed.id.clone(),
        row: planned.row,
    };
    let (r, subject) = (&logged.row, &logged.row.subject);
    s.log(
        &logged,
        format_args!(
            "pat-audit serve: delivery {}: {} request {} (token {:?} of {}): {} ({}): {}: {}",
            logged.delivery,
            subject.org,
            subject.id,
            subject.token_name,
            subject.owner,
            r.action.name(),
            r.why,
            r.result.name(),
            r.message
        ),
    );
    logged
}

async fn healthz() -> &'static str {
    "ok\n"
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
            serde_json::from_str(include_str!("../../../spec/openapi.json")).unwrap();
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
        let key = include_str!("../../../tests/fixtures/app-key-pkcs1.pem");
        let app = Client::builder()
            .app(github_pat_grants::AppCredentials::from_pem(123_456, key).unwrap())
            .base_url(&url)
            .build()
            .unwrap();
        let mut plan = [approval(1)];
        act::execute(
            |_| Ok(client_for(&app, Some(42), "acme")),
            &mut plan,
            1,
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
            1,
            |_, _| {},
        )
        .await;
        assert_eq!(plan[0].row.result, Outcome::Done);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 3, "no token is minted: {seen:?}");
        assert_eq!(seen[2].1, "Bearer ghs_static");
    }
}
