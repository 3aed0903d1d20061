#![forbid(unsafe_code)]
//! Webhook deliveries: the signature check and the generated event types.

use github_pat_grants::WebhookEvent;
use github_pat_grants::webhook::{self, Delivery, WebhookError};
use http::HeaderMap;
use serde_json::{Value, json};

const SECRET: &[u8] = b"It's a Secret to Everybody";

/// GitHub's published test vector ("Validating webhook deliveries").
#[test]
fn githubs_test_vector_verifies() {
    let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    webhook::verify(SECRET, b"Hello, World!", Some(signature)).unwrap();
    // Upper-case hex is the same signature.
    webhook::verify(
        SECRET,
        b"Hello, World!",
        Some(&signature.to_uppercase().replace("SHA256", "sha256")),
    )
    .unwrap();
}

#[test]
fn missing_malformed_wrong_and_sha1_only_signatures_are_refused() {
    let body = b"Hello, World!";
    let good = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    type Expected = fn(&WebhookError) -> bool;
    let cases: &[(Option<&str>, Expected)] = &[
        (None, |e| matches!(e, WebhookError::MissingSignature)),
        (Some(good), |e| {
            matches!(e, WebhookError::MalformedSignature)
        }),
        (Some("sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0"), |e| {
            matches!(e, WebhookError::MalformedSignature)
        }),
        (Some("sha256=xyz"), |e| {
            matches!(e, WebhookError::MalformedSignature)
        }),
        (Some("sha256=757107ea"), |e| {
            matches!(e, WebhookError::MalformedSignature)
        }),
        (
            Some("sha256=857107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
            |e| matches!(e, WebhookError::BadSignature),
        ),
    ];
    for (signature, expected) in cases {
        let err = webhook::verify(SECRET, body, *signature).unwrap_err();
        assert!(expected(&err), "{signature:?}: {err:?}");
    }
    // The right signature with another secret, or over another body.
    let signature = format!("sha256={good}");
    assert!(matches!(
        webhook::verify(b"another secret", body, Some(&signature)),
        Err(WebhookError::BadSignature)
    ));
    assert!(matches!(
        webhook::verify(SECRET, b"Hello, World! ", Some(&signature)),
        Err(WebhookError::BadSignature)
    ));
}

fn spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A `personal_access_token_request` payload built from the spec's examples.
fn payload(action: &str) -> Value {
    let doc = spec();
    let request = &doc["components"]["examples"]["org-pat-grant-request-paginated"]["value"][0];
    let owner = request["owner"].clone();
    json!({
        "action": action,
        "personal_access_token_request": {
            "id": request["id"],
            "owner": owner,
            "permissions_added": request["permissions"],
            "permissions_upgraded": {},
            "permissions_result": request["permissions"],
            "repository_selection": "subset",
            "repository_count": 1,
            "repositories": [{"full_name": "acme/app", "id": 1, "name": "app", "node_id": "R_1", "private": true}],
            "created_at": request["created_at"],
            "token_id": request["token_id"],
            "token_name": request["token_name"],
            "token_expired": false,
            "token_expires_at": request["token_expires_at"],
            "token_last_used_at": null
        },
        "organization": {
            "login": "acme", "id": 7, "node_id": "O_7", "url": "https://api.github.com/orgs/acme",
            "repos_url": "https://api.github.com/orgs/acme/repos", "events_url": "https://api.github.com/orgs/acme/events",
            "hooks_url": "https://api.github.com/orgs/acme/hooks", "issues_url": "https://api.github.com/orgs/acme/issues",
            "members_url": "https://api.github.com/orgs/acme/members{/member}",
            "public_members_url": "https://api.github.com/orgs/acme/public_members{/member}",
            "avatar_url": "https://github.com/images/error/octocat_happy.gif", "description": null
        },
        "sender": owner,
        "installation": {"id": 42, "node_id": "I_42"}
    })
}

fn signed(body: &[u8], event: &str) -> HeaderMap {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, SECRET);
    let tag = aws_lc_rs::hmac::sign(&key, body);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-hub-signature-256",
        format!("sha256={hex}").parse().unwrap(),
    );
    headers.insert("x-github-event", event.parse().unwrap());
    headers.insert(
        "x-github-delivery",
        "72d3162e-cc78-11e3-81ab-4c9367dc0958".parse().unwrap(),
    );
    headers
}

#[test]
fn each_personal_access_token_request_action_decodes_into_its_event() {
    for action in ["created", "approved", "denied", "cancelled"] {
        let body = serde_json::to_vec(&payload(action)).unwrap();
        let delivery = Delivery::from_request(
            SECRET,
            &signed(&body, "personal_access_token_request"),
            &body,
        )
        .unwrap();
        assert_eq!(delivery.action.as_deref(), Some(action));
        assert_eq!(delivery.installation_id, Some(42));
        assert_eq!(
            delivery.id.as_deref(),
            Some("72d3162e-cc78-11e3-81ab-4c9367dc0958")
        );
        let event = delivery.payload.expect("a known event");
        assert_eq!(
            event.name(),
            format!("personal-access-token-request-{action}")
        );
        if action == "created" {
            let WebhookEvent::PersonalAccessTokenRequestCreated(created) = event else {
                panic!("{event:?}");
            };
            assert_eq!(created.personal_access_token_request.id, 25381);
            assert_eq!(created.organization.login, "acme");
        }
    }
}

#[test]
fn an_event_the_spec_does_not_have_is_verified_but_not_decoded() {
    let body = br#"{"action": "opened", "installation": {"id": 5}}"#;
    let delivery = Delivery::from_request(SECRET, &signed(body, "issues"), body).unwrap();
    assert_eq!(
        (delivery.event.as_str(), delivery.action.as_deref()),
        ("issues", Some("opened"))
    );
    assert!(delivery.payload.is_none());
}

#[test]
fn a_bad_signature_decodes_nothing_and_a_bad_payload_names_the_field() {
    let body = serde_json::to_vec(&payload("created")).unwrap();
    let mut headers = signed(&body, "personal_access_token_request");
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    assert!(matches!(
        Delivery::from_request(SECRET, &headers, &tampered),
        Err(WebhookError::BadSignature)
    ));
    headers.remove("x-hub-signature-256");
    assert!(matches!(
        Delivery::from_request(SECRET, &headers, &body),
        Err(WebhookError::MissingSignature)
    ));
    // Signed, but the payload lacks a required field.
    let mut broken = payload("created");
    broken["personal_access_token_request"]
        .as_object_mut()
        .unwrap()
        .remove("token_id");
    let body = serde_json::to_vec(&broken).unwrap();
    let err = Delivery::from_request(
        SECRET,
        &signed(&body, "personal_access_token_request"),
        &body,
    )
    .unwrap_err();
    assert!(err.to_string().contains("token_id"), "{err}");
}
