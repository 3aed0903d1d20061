#![forbid(unsafe_code)]
//! A webhook delivery as `pat-audit serve` receives it. The input is the
//! `X-GitHub-Event` header's value, a newline, then the body; the target
//! signs the body with the webhook's secret (the fuzzer cannot forge an
//! HMAC), so that the payload decoders behind the signature check are
//! reached. The signature check itself is fuzzed on the same input with
//! the body's first line as the `X-Hub-Signature-256` header.
#![no_main]

use github_pat_grants::webhook::{
    DELIVERY_HEADER, Delivery, EVENT_HEADER, SIGNATURE_HEADER, verify,
};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"the webhook secret";

fn sign(body: &[u8]) -> String {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, SECRET);
    let tag = aws_lc_rs::hmac::sign(&key, body);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

fuzz_target!(|data: &[u8]| {
    let (event, body) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&data[..0], data),
    };
    let mut headers = HeaderMap::new();
    if let Ok(event) = HeaderValue::from_bytes(event) {
        headers.insert(EVENT_HEADER, event);
    }
    headers.insert(
        DELIVERY_HEADER,
        HeaderValue::from_static("72d3162e-cc78-11e3-81ab-4c9367dc0958"),
    );
    let signature = HeaderValue::from_str(&sign(body)).expect("hex is a header value");
    headers.insert(SIGNATURE_HEADER, signature);
    let _ = Delivery::from_request(SECRET, &headers, body);

    let first_line = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let _ = verify(SECRET, body, std::str::from_utf8(first_line).ok());
});
