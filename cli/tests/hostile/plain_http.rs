//! Attack 3: a plain `http://` base URL off loopback would carry JWTs and
//! tokens in clear text. It is refused, saying https, before anything is
//! sent; loopback stays allowed (the stand-in is on it).
//!
//! What is relied on: the HTTP client reads the proxy variables (upper and
//! lower case, `ALL_PROXY` included), so a request that is sent at all is
//! sent to the listener they name, on loopback; and `.invalid` never
//! resolves (RFC 2606), so nothing leaves the machine whatever happens.

use std::time::Duration;

use github_standin::{Grant, Org};

use crate::common::{NOW, github, serve};
use crate::support::{Sink, pat_audit, run};

const PROXY_VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

#[test]
fn plain_http_off_loopback_is_refused_saying_https_and_nothing_is_sent() {
    let proxy = Sink::start();
    for base_url in [
        "http://github.example.invalid/api/v3",
        "http://github.example.invalid",
    ] {
        let mut cmd = pat_audit(&["audit", "--base-url", base_url, "--now", NOW]);
        cmd.args(["--org", "acme"]);
        for variable in PROXY_VARIABLES {
            cmd.env(variable, proxy.url());
        }
        cmd.env_remove("NO_PROXY").env_remove("no_proxy");
        let out = run(cmd, b"", Duration::from_secs(120));
        assert_eq!(
            (proxy.connections(), proxy.bytes()),
            (0, 0),
            "{base_url}: a request was sent:\n{}",
            out.stderr
        );
        assert_ne!(out.code, Some(0), "{base_url}: {}", out.stderr);
        assert_eq!(out.signal, None, "{base_url}: {}", out.stderr);
        assert!(out.stderr.contains("https"), "{base_url}: {}", out.stderr);
    }
}

#[test]
fn plain_http_on_loopback_stays_allowed() {
    let server = serve(github().org(Org::new("acme", 652551).grants([Grant::new(1)])));
    assert!(server.url().starts_with("http://127.0.0.1:"));
    let mut cmd = pat_audit(&["audit", "--base-url", server.url(), "--now", NOW]);
    cmd.args(["--org", "acme", "--format", "json"]);
    for variable in PROXY_VARIABLES {
        cmd.env_remove(variable);
    }
    let out = run(cmd, b"", Duration::from_secs(120));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(!server.requests_to("/orgs/acme/").is_empty());
}
