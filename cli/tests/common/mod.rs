//! Helpers for the end-to-end tests: the GitHub stand-in served on loopback
//! by the test process while the `pat-audit` binary runs against it.

#![allow(dead_code)] // Each test binary uses a different subset.

use assert_cmd::Command;
use chrono::{DateTime, TimeZone, Utc};
use github_standin::{Activity, App, Builder, StandIn, public_key_from_pem};
use serde_json::Value;

/// The token the stand-ins expect.
pub const TOKEN: &str = "ghs_test_installation_token";

/// The tests' fixed "now".
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
}

/// `--now` for [`now`].
pub const NOW: &str = "2025-06-01T12:00:00Z";

/// A GitHub stand-in with the tests' "now".
pub fn github() -> Builder {
    StandIn::builder().as_of(now())
}

/// A stand-in being served; it stops when dropped.
pub struct Server {
    // Dropped before the runtime, which serves it.
    pub standin: StandIn,
    runtime: tokio::runtime::Runtime,
}

/// A revoke or review call the stand-in received.
#[derive(Debug)]
pub struct Post {
    pub path: String,
    pub body: Value,
    pub status: u16,
}

impl Post {
    /// The ids of the call: `pat_ids` or `pat_request_ids`.
    pub fn ids(&self) -> Vec<i64> {
        ["pat_ids", "pat_request_ids"]
            .iter()
            .filter_map(|k| self.body[*k].as_array())
            .flatten()
            .filter_map(Value::as_i64)
            .collect()
    }
}

impl Server {
    pub fn url(&self) -> &str {
        self.standin.base_url()
    }

    /// Every request received, as `path?query`, in order.
    pub fn requests(&self) -> Vec<String> {
        self.standin.log().iter().map(|r| r.target()).collect()
    }

    /// The requests received for a path prefix, e.g. `/orgs/acme/personal-access-tokens`.
    pub fn requests_to(&self, prefix: &str) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter(|r| r.starts_with(prefix))
            .collect()
    }

    /// Every revoke or review call received, accepted or not, in order.
    pub fn posts(&self) -> Vec<Post> {
        self.standin
            .log()
            .iter()
            .filter(|r| r.method() == "POST" && !r.path().ends_with("/access_tokens"))
            .map(|r| Post {
                path: r.path().to_string(),
                body: r.json().unwrap_or(Value::Null),
                status: r.status(),
            })
            .collect()
    }

    /// What the stand-in's App side has seen.
    pub fn activity(&self) -> Activity {
        self.standin.activity()
    }

    /// Runs `future` on the stand-in's runtime (a delivery, say).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

/// Serves `github` (expecting [`TOKEN`]) from a runtime of its own, so that
/// the test's thread is free to run the binary and wait for it.
pub fn serve(github: Builder) -> Server {
    start(github.token(TOKEN))
}

fn start(github: Builder) -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let standin = runtime.block_on(github.start()).unwrap();
    Server { standin, runtime }
}

/// Serves `github` as GitHub with the App `app`: the App endpoints take
/// its JWTs and the listings only the tokens they mint.
pub fn serve_app(github: Builder, app: App) -> Server {
    start(github.app(app))
}

/// The test App's ID and client ID; its key is `tests/fixtures/app-key-pkcs1.pem`.
pub const APP_ID: &str = "31337";
pub const CLIENT_ID: &str = "Iv23liPatAuditTest";

/// A file of `tests/fixtures`.
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The test App, installed nowhere yet; it verifies JWTs with the fixture's public key.
pub fn test_app() -> App {
    let pem = std::fs::read_to_string(fixture("app-key-public.pem")).unwrap();
    App::new(
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

/// The report's columns, which are the JSON keys and the CSV header.
pub const COLUMNS: [&str; 8] = [
    "org",
    "kind",
    "id",
    "token_id",
    "token_name",
    "owner",
    "finding",
    "detail",
];

/// Every JSON line has exactly the columns as keys, in the columns' order.
pub fn assert_contract_keys(json: &str, lines: &[Value]) {
    for (line, raw) in lines.iter().zip(json.lines()) {
        let mut keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        let mut expected = COLUMNS;
        expected.sort();
        assert_eq!(keys, expected);
        let at: Vec<usize> = COLUMNS
            .iter()
            .map(|c| raw.find(&format!("\"{c}\":")).unwrap())
            .collect();
        assert!(at.is_sorted(), "{raw}");
    }
}

/// (org, kind, id, finding) of each CSV row, sorted; the header is the columns.
pub fn csv_keys(text: &str) -> Vec<(String, String, i64, String)> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), COLUMNS.to_vec());
    let mut keys: Vec<_> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let id = r[2].parse().unwrap();
            (r[0].to_string(), r[1].to_string(), id, r[6].to_string())
        })
        .collect();
    keys.sort();
    keys
}

/// (org, kind, id, finding) of each row of the markdown's findings table, sorted.
pub fn markdown_keys(md: &str) -> Vec<(String, String, i64, String)> {
    let header = format!("| {} |", COLUMNS.join(" | "));
    let table = md.split(&header).nth(1).expect("a findings table");
    let mut keys: Vec<_> = table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("|---"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            let id = cells[2].parse().unwrap();
            (cells[0].into(), cells[1].into(), id, cells[6].into())
        })
        .collect();
    keys.sort();
    keys
}
