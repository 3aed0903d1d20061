#![forbid(unsafe_code)]
//! pat-audit's policy file: any text is a policy or an error naming the
//! line and key, and a policy decides the requests it is given.
#![no_main]

use std::sync::LazyLock;

use github_pat_grants::types::OrganizationProgrammaticAccessGrantRequest as Request;
use libfuzzer_sys::fuzz_target;
use pat_audit::policy::Policy;

/// Requests to decide, as GitHub lists them: read-only on a subset, write
/// on all repositories, a permission group the SDK does not know, and one
/// that never expires.
static REQUESTS: LazyLock<Vec<Request>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("requests.json")).expect("the fixed requests decode")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Policy::parse(text) {
        Err(e) => {
            let _ = e.to_string();
        }
        Ok(policy) => {
            let _ = policy.violations();
            let _ = policy.has_request_rules();
            for request in REQUESTS.iter() {
                let decision = policy.decide(request);
                let _ = (decision.why(), decision.reason());
            }
        }
    }
});
