//! Webhook deliveries: GitHub-shaped payloads, signed with the receiver's
//! secret and posted to it with GitHub's headers.
//!
//! What is relied on ("Webhook events and payloads", "Validating webhook
//! deliveries", docs.github.com): a delivery is a `POST` of the JSON payload
//! with `X-GitHub-Event`, `X-GitHub-Delivery` (a GUID, the same when
//! redelivered), `X-GitHub-Hook-ID`, `X-GitHub-Hook-Installation-Target-Type`
//! and `-ID`, `X-Hub-Signature-256` (`sha256=` and the hex HMAC-SHA256 of the
//! body with the secret) and the legacy `X-Hub-Signature` (HMAC-SHA1), and a
//! `User-Agent` starting `GitHub-Hookshot/`; GitHub waits 10 seconds for the
//! answer. A `personal_access_token_request` payload carries the request,
//! the organization, the sender and, for an App, the installation.

use std::sync::atomic::Ordering;
use std::time::Duration;

use aws_lc_rs::hmac;
use axum::body::Bytes;
use serde_json::{Value, json};

use crate::error::Error;
use crate::log::Delivery;
use crate::model::{Org, TokenRequest};
use crate::state::{Receiver, Shared, World};
use crate::wire;

/// How long GitHub waits for a receiver's answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The id of the stand-in's webhook (`X-GitHub-Hook-ID`).
const HOOK_ID: u64 = 546_722_001;

/// A webhook to deliver: the event's name and its payload.
///
/// ```
/// use github_standin::{Org, TokenRequest, Webhook};
///
/// let acme = Org::new("acme", 7);
/// let created = Webhook::token_request("created", &TokenRequest::new(11), &acme).installation(42);
/// assert_eq!(created.event(), "personal_access_token_request");
/// assert_eq!(created.payload()["installation"]["id"], 42);
/// ```
#[derive(Clone, Debug)]
pub struct Webhook {
    event: String,
    payload: Value,
}

impl Webhook {
    /// Any event, with its payload as given.
    pub fn new(event: impl Into<String>, payload: Value) -> Self {
        Webhook {
            event: event.into(),
            payload,
        }
    }

    /// A `personal_access_token_request` event (`action`: `created`,
    /// `approved`, `denied` or `cancelled`) for `request` in `org`, as GitHub
    /// delivers it to a GitHub App: with an `installation`, by default a
    /// stable id made from the organization's (see [`installation`](Self::installation)).
    pub fn token_request(action: &str, request: &TokenRequest, org: &Org) -> Self {
        request_webhook(action, request, org.login(), org.id, None)
    }

    /// Sets the payload's `installation`: the App installation it is delivered for.
    pub fn installation(mut self, id: i64) -> Self {
        self.payload["installation"] = installation(id);
        self
    }

    /// The event (`X-GitHub-Event`).
    pub fn event(&self) -> &str {
        &self.event
    }

    /// The payload.
    pub fn payload(&self) -> &Value {
        &self.payload
    }
}

/// A payload's `installation`.
fn installation(id: i64) -> Value {
    json!({"id": id, "node_id": format!("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u{id}")})
}

/// A `personal_access_token_request` event. GitHub sends these events
/// only to GitHub Apps, so its payload names an installation:
/// `installation_id`, or one made from the organization's id.
fn request_webhook(
    action: &str,
    request: &TokenRequest,
    org: &str,
    org_id: u64,
    installation_id: Option<i64>,
) -> Webhook {
    let listed = request.to_json("https://api.github.com", org_id, request.at);
    let repositories: Vec<Value> = request
        .repositories
        .iter()
        .map(|name| {
            let id = wire::repository_id(org, name);
            json!({"full_name": format!("{org}/{name}"), "id": id, "name": name,
                   "node_id": format!("R_kgDO{id}"), "private": true})
        })
        .collect();
    let api = format!("https://api.github.com/orgs/{org}");
    let payload = json!({
        "action": action,
        "personal_access_token_request": {
            "id": request.id,
            "owner": listed["owner"],
            "permissions_added": listed["permissions"],
            "permissions_upgraded": {},
            "permissions_result": listed["permissions"],
            "repository_selection": request.repository_selection,
            "repository_count": repositories.len(),
            "repositories": repositories,
            "created_at": listed["created_at"],
            "token_id": request.token_id,
            "token_name": request.token_name,
            "token_expired": false,
            "token_expires_at": listed["token_expires_at"],
            "token_last_used_at": listed["token_last_used_at"],
        },
        "organization": {
            "login": org, "id": org_id, "node_id": format!("O_{org_id}"), "url": api,
            "repos_url": format!("{api}/repos"), "events_url": format!("{api}/events"),
            "hooks_url": format!("{api}/hooks"), "issues_url": format!("{api}/issues"),
            "members_url": format!("{api}/members{{/member}}"),
            "public_members_url": format!("{api}/public_members{{/member}}"),
            "avatar_url": format!("https://avatars.githubusercontent.com/u/{org_id}?v=4"),
            "description": null
        },
        "sender": listed["owner"],
        "installation": installation(installation_id.unwrap_or(10_000_000 + org_id as i64)),
    });
    Webhook::new("personal_access_token_request", payload)
}

/// `X-Hub-Signature-256` for `body`: `sha256=` and the hex HMAC-SHA256 with `secret`.
///
/// ```
/// // GitHub's published test vector ("Validating webhook deliveries").
/// assert_eq!(
///     github_standin::sign(b"It's a Secret to Everybody", b"Hello, World!"),
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
/// );
/// ```
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    signature("sha256=", hmac::HMAC_SHA256, secret, body)
}

fn signature(prefix: &str, algorithm: hmac::Algorithm, secret: &[u8], body: &[u8]) -> String {
    let tag = hmac::sign(&hmac::Key::new(algorithm, secret), body);
    format!("{prefix}{}", wire::hex(tag.as_ref()))
}

/// A new delivery of `webhook`, not yet sent, with a new GUID in GitHub's
/// 8-4-4-4-12 form.
pub(crate) fn outgoing(shared: &Shared, webhook: &Webhook) -> Delivery {
    let n = shared.deliveries_sent.fetch_add(1, Ordering::Relaxed) + 1;
    let a = wire::mix(shared.settings.seed ^ n);
    let b = wire::mix(!shared.settings.seed ^ n);
    Delivery {
        guid: format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        ),
        event: webhook.event.clone(),
        action: webhook.payload["action"].as_str().map(str::to_string),
        payload: Bytes::from(webhook.payload.to_string()),
        ..Delivery::default()
    }
}

/// GitHub's `personal_access_token_request` event of `action` for `request`
/// in organization `login` (`org_id`), for the App's installation on it.
pub(crate) fn request_event(
    world: &World,
    action: &str,
    request: &TokenRequest,
    (login, org_id): (&str, u64),
) -> Webhook {
    let app = world.app.as_ref();
    let installation = app.and_then(|app| app.installation_on(login)).map(|i| i.id);
    request_webhook(action, request, login, org_id, installation)
}

/// Posts `delivery` to `receiver` as GitHub would and records it.
///
/// # Errors
/// [`Error::Delivery`] when the receiver cannot be reached (the delivery is
/// recorded, without a status).
pub(crate) async fn send(
    shared: &Shared,
    receiver: &Receiver,
    mut delivery: Delivery,
) -> Result<Delivery, Error> {
    let app_id = shared.world().app.as_ref().map_or(0, |app| app.app_id);
    let (secret, payload) = (&receiver.secret.0, &delivery.payload);
    let legacy = hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY;
    let sha1 = signature("sha1=", legacy, secret, payload);
    let answer = shared
        .http
        .post(&receiver.url)
        .timeout(TIMEOUT)
        .header("content-type", "application/json")
        .header("user-agent", "GitHub-Hookshot/044aadd")
        .header("x-github-event", &delivery.event)
        .header("x-github-delivery", &delivery.guid)
        .header("x-github-hook-id", HOOK_ID.to_string())
        .header("x-github-hook-installation-target-type", "integration")
        .header("x-github-hook-installation-target-id", app_id.to_string())
        .header("x-hub-signature", sha1)
        .header("x-hub-signature-256", sign(secret, payload))
        .body(payload.clone())
        .send()
        .await;
    delivery.url.clone_from(&receiver.url);
    (delivery.status, delivery.response) = match answer {
        Ok(answer) => {
            let status = answer.status().as_u16();
            (Some(status), answer.text().await.unwrap_or_default())
        }
        Err(e) => (None, e.to_string()),
    };
    shared.world().deliveries.push(delivery.clone());
    match delivery.status {
        Some(_) => Ok(delivery),
        None => Err(Error::Delivery {
            url: delivery.url,
            reason: delivery.response,
        }),
    }
}
