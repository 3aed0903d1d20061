#![forbid(unsafe_code)]
//! The App's private key as a PEM file: whatever the file holds, reading it
//! is an error or a key, and a key signs a JWT.
#![no_main]

use chrono::{TimeZone, Utc};
use github_pat_grants::AppCredentials;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(credentials) = AppCredentials::from_pem(123456_u64, data) else {
        return;
    };
    let _ = credentials.key_bits();
    let now = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("a fixed, valid date");
    let _ = credentials.jwt(now);
});
