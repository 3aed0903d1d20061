//! Helpers for the end-to-end tests: a GitHub stand-in served on loopback by
//! the test process while the `pat-audit` binary runs against it.

#![allow(dead_code)] // Each test binary uses a different subset.

use assert_cmd::Command;
use chrono::{DateTime, TimeZone, Utc};
use pat_audit::standin::{AppConfig, Running, StandIn, public_key_from_pem};
use serde_json::Value;

/// The token the stand-ins expect.
pub const TOKEN: &str = "ghs_test_installation_token";

/// The tests' fixed "now".
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
}

/// `--now` for [`now`].
pub const NOW: &str = "2025-06-01T12:00:00Z";

/// A stand-in being served; it stops when dropped.
pub struct Server {
    // Dropped before the runtime, which serves it.
    pub running: Running,
    _runtime: tokio::runtime::Runtime,
}

impl Server {
    pub fn url(&self) -> &str {
        self.running.base_url()
    }

    /// The request lines received for a path prefix, e.g. `/orgs/acme/personal-access-tokens`.
    pub fn requests_to(&self, prefix: &str) -> Vec<String> {
        self.running
            .requests()
            .into_iter()
            .filter(|r| r.starts_with(prefix))
            .collect()
    }
}

/// Serves `standin` (expecting [`TOKEN`]) from a runtime of its own, so that
/// the test's thread is free to run the binary and wait for it.
pub fn serve(mut standin: StandIn) -> Server {
    standin.token = Some(TOKEN.into());
    start(standin)
}

fn start(standin: StandIn) -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let running = runtime.block_on(standin.start()).unwrap();
    Server {
        running,
        _runtime: runtime,
    }
}

/// Serves `standin` as GitHub with the App `app`: the App endpoints take
/// its JWTs and the listings only the tokens they mint.
pub fn serve_app(mut standin: StandIn, app: AppConfig) -> Server {
    standin.app = Some(app);
    start(standin)
}

/// The test App's ID and client ID; its key is `tests/fixtures/app-key-pkcs1.pem`.
pub const APP_ID: &str = "31337";
pub const CLIENT_ID: &str = "Iv23liPatAuditTest";

/// A file of `tests/fixtures`.
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The test App, installed nowhere yet; it verifies JWTs with the fixture's public key.
pub fn test_app() -> AppConfig {
    let pem = std::fs::read_to_string(fixture("app-key-public.pem")).unwrap();
    AppConfig::new(
        APP_ID.parse().unwrap(),
        CLIENT_ID,
        public_key_from_pem(&pem).unwrap(),
    )
}

/// The binary with `GITHUB_TOKEN` set to [`TOKEN`].
pub fn pat_audit() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("pat-audit");
    cmd.env("GITHUB_TOKEN", TOKEN);
    cmd
}

/// `pat-audit audit --base-url URL --now NOW` plus `args`.
pub fn audit(server: &Server, args: &[&str]) -> Command {
    let mut cmd = pat_audit();
    cmd.args(["audit", "--base-url", server.url(), "--now", NOW])
        .args(args);
    cmd
}

/// Parses stdout as JSON lines; fails the test on any line that is not JSON.
pub fn json_lines(stdout: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(stdout).expect("stdout is UTF-8");
    text.lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}\n{text}"))
        })
        .collect()
}

/// `(org, kind, id, finding)` of each JSON line, sorted.
pub fn keys(lines: &[Value]) -> Vec<(String, String, i64, String)> {
    let mut keys: Vec<_> = lines
        .iter()
        .map(|v| {
            (
                v["org"].as_str().unwrap().to_string(),
                v["kind"].as_str().unwrap().to_string(),
                v["id"].as_i64().unwrap(),
                v["finding"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    keys.sort();
    keys
}
