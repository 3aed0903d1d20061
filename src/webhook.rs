//! Receiving GitHub's webhooks: the signature check over the raw body, and
//! (with the `webhooks` feature) the typed events of the webhooks in the
//! SDK's spec (`WebhookEvent`, generated from `x-webhooks` like the
//! operations).
//!
//! ```
//! use github_pat_grants::webhook::{self, Delivery, WebhookError};
//! # fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
//! let delivery = Delivery::from_request(b"the webhook secret", headers, body)?;
//! if (delivery.event.as_str(), delivery.action.as_deref())
//!     == ("personal_access_token_request", Some("created"))
//! {
//!     println!("a request waits for review (installation {:?})", delivery.installation_id);
//! }
//! # Ok(()) }
//! ```
//!
//! With the `webhooks` feature, `delivery.payload` holds the payload decoded:
//!
//! ```
//! # #[cfg(feature = "webhooks")]
//! # fn handle(delivery: github_pat_grants::webhook::Delivery) {
//! use github_pat_grants::WebhookEvent;
//! if let Some(WebhookEvent::PersonalAccessTokenRequestCreated(created)) = &delivery.payload {
//!     println!("request {} waits for review", created.personal_access_token_request.id);
//! }
//! # }
//! ```

use http::HeaderMap;
use serde::Deserialize;

use crate::error::Error;
#[cfg(feature = "webhooks")]
pub use crate::generated::WebhookEvent;

/// The header with GitHub's HMAC-SHA256 of the body, `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
/// The header naming the event (`personal_access_token_request`).
pub const EVENT_HEADER: &str = "x-github-event";
/// The header with the delivery's unique id (the same on a redelivery).
pub const DELIVERY_HEADER: &str = "x-github-delivery";

/// Why a delivery was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No `X-Hub-Signature-256`: the webhook has no secret, or GitHub sent
    /// only the SHA-1 `X-Hub-Signature`, which is not accepted.
    #[error(
        "no X-Hub-Signature-256 header; set a secret on the webhook (SHA-1 signatures are not accepted)"
    )]
    MissingSignature,
    /// The header is not `sha256=` followed by 64 hexadecimal digits.
    #[error("X-Hub-Signature-256 is not `sha256=` and 64 hexadecimal digits")]
    MalformedSignature,
    /// The signature is not the HMAC of this body with this secret.
    #[error("X-Hub-Signature-256 does not match the body (wrong secret, or the body was changed)")]
    BadSignature,
    /// No `X-GitHub-Event` header.
    #[error("no X-GitHub-Event header")]
    MissingEvent,
    /// The body is not the payload the event's schema describes.
    #[error("the payload does not decode: {0}")]
    Decode(#[source] Box<Error>),
}

/// Checks GitHub's `X-Hub-Signature-256` (`signature`, the header's value)
/// over the raw `body`, in constant time.
///
/// ```
/// use github_pat_grants::webhook::verify;
/// // GitHub's own example (docs: "Validating webhook deliveries").
/// let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
/// assert!(verify(b"It's a Secret to Everybody", b"Hello, World!", Some(signature)).is_ok());
/// assert!(verify(b"It's a Secret to Everybody", b"Hello, World?", Some(signature)).is_err());
/// ```
pub fn verify(secret: &[u8], body: &[u8], signature: Option<&str>) -> Result<(), WebhookError> {
    let signature = signature.ok_or(WebhookError::MissingSignature)?;
    let hex = signature
        .trim()
        .strip_prefix("sha256=")
        .ok_or(WebhookError::MalformedSignature)?;
    let tag = decode_hex(hex).ok_or(WebhookError::MalformedSignature)?;
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
    // `verify` compares in constant time.
    aws_lc_rs::hmac::verify(&key, body, &tag).map_err(|_| WebhookError::BadSignature)
}

/// 32 bytes from 64 hexadecimal digits, or `None`.
fn decode_hex(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

/// One verified webhook delivery.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivery {
    /// `X-GitHub-Delivery`: the same for a redelivery, so a receiver can
    /// act on each delivery once.
    pub id: Option<String>,
    /// `X-GitHub-Event`, e.g. `personal_access_token_request`.
    pub event: String,
    /// The payload's `action`, e.g. `created`.
    pub action: Option<String>,
    /// The App installation the delivery is for (`installation.id`), which
    /// picks the installation token to act with.
    pub installation_id: Option<i64>,
    /// The decoded payload, when the event is one the SDK's spec has;
    /// `None` for other events, which a receiver may ignore. Needs the
    /// `webhooks` feature.
    #[cfg(feature = "webhooks")]
    pub payload: Option<WebhookEvent>,
}

/// The fields every payload may carry that a receiver needs before it
/// knows the event's type.
#[derive(Deserialize)]
struct Envelope {
    action: Option<String>,
    installation: Option<Installation>,
}

#[derive(Deserialize)]
struct Installation {
    id: i64,
}

impl Delivery {
    /// Verifies the signature, then decodes the delivery.
    ///
    /// # Errors
    /// [`WebhookError`]: a missing, malformed or wrong signature (nothing is
    /// decoded then), no event header, a body that is not a JSON object, or
    /// (with the `webhooks` feature) a payload that does not decode into its
    /// event's type.
    // Inline, so that the payloads' decoders are compiled only in programs
    // that receive webhooks, not in every build of the SDK.
    #[inline]
    pub fn from_request(
        secret: &[u8],
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self, WebhookError> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        verify(secret, body, header(SIGNATURE_HEADER))?;
        let event = header(EVENT_HEADER)
            .ok_or(WebhookError::MissingEvent)?
            .to_string();
        // A payload that is not JSON, or not an object, or whose
        // installation is not one, names what came and where.
        let envelope: Envelope =
            crate::error::decode(None, body).map_err(|e| WebhookError::Decode(Box::new(e)))?;
        #[cfg(feature = "webhooks")]
        let payload = WebhookEvent::decode(&event, envelope.action.as_deref(), body)
            .transpose()
            .map_err(|e| WebhookError::Decode(Box::new(e)))?;
        Ok(Delivery {
            id: header(DELIVERY_HEADER).map(str::to_string),
            event,
            action: envelope.action,
            installation_id: envelope.installation.map(|i| i.id),
            #[cfg(feature = "webhooks")]
            payload,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_that_is_not_an_object_of_the_envelopes_shape_names_what_and_where() {
        let secret = b"the secret";
        for (body, said) in [
            (&b"not json"[..], "line 1 column 2 at `.`"),
            (b"7", "expected struct Envelope"),
            (br#"{"installation":{"id":"7"}}"#, "at `installation.id`"),
        ] {
            let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
            let tag = aws_lc_rs::hmac::sign(&key, body);
            let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
            let mut headers = HeaderMap::new();
            headers.insert(SIGNATURE_HEADER, format!("sha256={hex}").parse().unwrap());
            headers.insert(EVENT_HEADER, "ping".parse().unwrap());
            let err = Delivery::from_request(secret, &headers, body).unwrap_err();
            assert!(
                matches!(&err, WebhookError::Decode(e) if matches!(**e, Error::Decode(_))),
                "{err:?}"
            );
            assert!(err.to_string().contains(said), "{err}");
        }
    }

    #[test]
    fn hex_is_read_exactly() {
        assert_eq!(decode_hex(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(decode_hex(&"AB".repeat(32)), Some([0xab; 32]));
        assert_eq!(decode_hex(&"ab".repeat(31)), None);
        assert_eq!(decode_hex(&"zz".repeat(32)), None);
    }
}
