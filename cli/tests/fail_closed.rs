#![forbid(unsafe_code)]
//! `pat-audit` against a GitHub that lies, on loopback (wiremock, for the
//! answers the stand-in never gives): a `Link` that names a last page that
//! does not exist, a revocation answered with a redirect or with a status
//! that is not GitHub's success, and a request for a permission group the
//! policy does not know. Each fails closed: no request for pages that do not
//! exist, no "revoked" that GitHub did not say, no approval of what the
//! policy never saw.

mod common;

use std::process::Output;

use common::{NOW, json_lines, now, pat_audit};
use github_standin::{Grant, TokenRequest};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Loopback servers on a runtime of their own, so that the test's thread
/// is free to run the binary and wait for it.
struct Servers {
    runtime: tokio::runtime::Runtime,
}

impl Servers {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        Servers { runtime }
    }

    fn start(&self) -> MockServer {
        self.runtime.block_on(MockServer::start())
    }

    fn mount(&self, server: &MockServer, mock: Mock) {
        self.runtime.block_on(mock.mount(server));
    }

    /// Every request `server` received, in order.
    fn requests(&self, server: &MockServer) -> Vec<wiremock::Request> {
        self.runtime
            .block_on(server.received_requests())
            .unwrap_or_default()
    }

    /// The JSON bodies of the POSTs `server` received.
    fn posted(&self, server: &MockServer) -> Vec<(String, Value)> {
        self.requests(server)
            .iter()
            .filter(|r| r.method.as_str() == "POST")
            .map(|r| {
                (
                    r.url.path().to_string(),
                    serde_json::from_slice(&r.body).unwrap_or(Value::Null),
                )
            })
            .collect()
    }
}

fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

#[test]
fn a_last_page_the_server_invents_costs_only_the_pages_that_exist() {
    let servers = Servers::new();
    let github = servers.start();
    let base = github.uri();
    let listing = "/orgs/acme/personal-access-tokens";
    let grants = |ids: std::ops::Range<i64>| {
        Value::Array(
            ids.map(|id| Grant::new(id).to_json(&base, 1, now()))
                .collect(),
        )
    };
    // Page 1 is full and says the last page is 4294967295: as many jobs
    // would take 64 GiB. Page 2 is short, so it is the last page there is.
    let link = format!(
        "<{base}{listing}?per_page=100&page=2>; rel=\"next\", \
         <{base}{listing}?per_page=100&page=4294967295>; rel=\"last\""
    );
    servers.mount(
        &github,
        Mock::given(method("GET"))
            .and(path(listing))
            .and(query_param_is_missing("page"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(grants(1..101))
                    .insert_header("link", link.as_str()),
            ),
    );
    servers.mount(
        &github,
        Mock::given(method("GET"))
            .and(path(listing))
            .and(query_param("page", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(grants(101..104))),
    );
    let (code, stdout, stderr) = run(pat_audit().args([
        "audit",
        "--org",
        "acme",
        "--kind",
        "grant",
        "--base-url",
        &base,
        "--now",
        NOW,
        "--format",
        "json",
        "--concurrency",
        "8",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let mut ids: Vec<i64> = json_lines(stdout.as_bytes())
        .iter()
        .map(|row| row["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable(); // Pages are reported as they arrive: page 2 may come first.
    ids.dedup();
    assert_eq!(
        ids,
        (1..104).collect::<Vec<_>>(),
        "every grant of both pages"
    );
    let pages: Vec<(String, Option<String>)> = servers
        .requests(&github)
        .iter()
        .map(|r| {
            let page = r.url.query_pairs().find(|(k, _)| k == "page");
            (
                format!("{} {}", r.method, r.url.path()),
                page.map(|(_, v)| v.into_owned()),
            )
        })
        .collect();
    let get = format!("GET {listing}");
    assert_eq!(
        pages,
        [(get.clone(), None), (get, Some("2".into()))],
        "exactly the pages that exist"
    );
}

/// A leaked classic token (made up).
const LEAKED: &str = "ghp_LeakedInAPasteBin0123456789abcdefQ7x2";

/// GitHub with an empty audit log for `acme`, whose revocation call
/// answers `answer`.
fn revoking(servers: &Servers, answer: ResponseTemplate) -> MockServer {
    let github = servers.start();
    servers.mount(
        &github,
        Mock::given(method("GET"))
            .and(path("/orgs/acme/audit-log"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))),
    );
    servers.mount(
        &github,
        Mock::given(method("POST"))
            .and(path("/credentials/revoke"))
            .respond_with(answer),
    );
    github
}

fn trace_revoke(github: &MockServer) -> (i32, String, String) {
    let (code, stdout, stderr) = run(pat_audit()
        .args([
            "trace",
            "--org",
            "acme",
            "--base-url",
            &github.uri(),
            "--now",
            NOW,
            "--token-stdin",
            "--revoke",
            "--yes",
            "--format",
            "json",
        ])
        .write_stdin(format!("{LEAKED}\n")));
    assert!(
        !stdout.contains(LEAKED) && !stderr.contains(LEAKED),
        "a token was shown:\n{stdout}\n{stderr}"
    );
    (code, stdout, stderr)
}

#[test]
fn a_revocation_redirected_elsewhere_is_a_failure_and_sends_the_tokens_nowhere() {
    let servers = Servers::new();
    let elsewhere = servers.start();
    servers.mount(
        &elsewhere,
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(202).set_body_json(json!({}))),
    );
    let github = revoking(
        &servers,
        ResponseTemplate::new(307).insert_header(
            "location",
            format!("{}/credentials/revoke", elsewhere.uri()).as_str(),
        ),
    );
    let (code, _, stderr) = trace_revoke(&github);
    assert!(
        servers.requests(&elsewhere).is_empty(),
        "the tokens were sent on to the redirect's target"
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("revocation: failed"), "{stderr}");
    assert!(!stderr.contains("revocation: revoked"), "{stderr}");
    assert_eq!(servers.posted(&github).len(), 1);
}

#[test]
fn a_revocation_answered_with_anything_but_202_is_a_failure() {
    // spec/openapi.json: `POST /credentials/revoke` answers 202 for
    // success; 200 and 204 are successes GitHub does not give there.
    for status in [200, 204, 500] {
        let servers = Servers::new();
        let answer = match status {
            204 => ResponseTemplate::new(204),
            _ => ResponseTemplate::new(status).set_body_json(json!({"message": "whatever"})),
        };
        let github = revoking(&servers, answer);
        let (code, _, stderr) = trace_revoke(&github);
        assert_eq!(code, 1, "HTTP {status}: {stderr}");
        assert!(
            stderr.contains("revocation: failed"),
            "HTTP {status}: {stderr}"
        );
        assert!(
            !stderr.contains("revocation: revoked"),
            "HTTP {status}: {stderr}"
        );
        if status != 500 {
            assert!(
                stderr.contains("the answer is not 202 Accepted"),
                "HTTP {status}: {stderr}"
            );
        }
        let revocations = servers.posted(&github);
        assert!(
            !revocations.is_empty()
                && revocations
                    .iter()
                    .all(|(path, body)| path == "/credentials/revoke"
                        && body["credentials"] == json!([LEAKED])),
            "HTTP {status}: {revocations:?}"
        );
    }
    // GitHub's success is still a revocation.
    let servers = Servers::new();
    let github = revoking(
        &servers,
        ResponseTemplate::new(202).set_body_json(json!({})),
    );
    let (code, _, stderr) = trace_revoke(&github);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("revocation: revoked"), "{stderr}");
}

/// GitHub with three pending requests in `acme`, all read-only in the
/// groups GitHub documents and for selected repositories: #1 asks for
/// nothing else, #2 also for `enterprise.administration:write`, #3 for
/// `enterprise.administration:read`. Reviews are accepted.
fn pending_requests(servers: &Servers) -> MockServer {
    let github = servers.start();
    let base = github.uri();
    let request = |id: i64, enterprise: Option<&str>| {
        let mut json = TokenRequest::new(id)
            .repository_selection("subset")
            .repositories(["widgets"])
            .permission("repository", "metadata", "read")
            .created_at(now() - chrono::TimeDelta::days(1))
            .expires_at(Some(now() + chrono::TimeDelta::days(7)))
            .to_json(&base, 1, now());
        if let Some(level) = enterprise {
            // A group GitHub's description does not have (yet).
            json["permissions"]["enterprise"] = json!({ "administration": level });
        }
        json
    };
    let requests = json!([
        request(1, None),
        request(2, Some("write")),
        request(3, Some("read")),
    ]);
    servers.mount(
        &github,
        Mock::given(method("GET"))
            .and(path("/orgs/acme/personal-access-token-requests"))
            .respond_with(ResponseTemplate::new(200).set_body_json(requests)),
    );
    servers.mount(
        &github,
        Mock::given(method("POST"))
            .and(path("/orgs/acme/personal-access-token-requests"))
            .respond_with(ResponseTemplate::new(202).set_body_json(json!({}))),
    );
    github
}

#[test]
fn review_never_approves_a_request_for_a_permission_group_the_policy_does_not_know() {
    let servers = Servers::new();
    let github = pending_requests(&servers);
    let policy = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        policy.path(),
        "[[requests.approve]]\nreason = \"Read-only, selected repositories\"\n\
         max_access = \"read\"\nrepository_selection = \"subset\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(pat_audit().args([
        "review",
        "--org",
        "acme",
        "--base-url",
        &github.uri(),
        // No `--now`: it is for looking, refused with `--apply`; the
        // policy's rule holds on any date.
        "--format",
        "json",
        "--policy",
        policy.path().to_str().unwrap(),
        "--apply",
        "--yes",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let rows: Vec<(i64, String, String)> = json_lines(stdout.as_bytes())
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["action"].as_str().unwrap().to_string(),
                r["why"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (1, "approve".into(), "requests.approve #1".into()),
            (2, "leave".into(), "unknown permission".into()),
            (3, "leave".into(), "unknown permission".into()),
        ]
    );
    assert!(
        stdout.contains("enterprise.administration:write, which the policy does not know"),
        "{stdout}"
    );
    // One approval was sent, for the request the policy knows all of.
    let posts = servers.posted(&github);
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].1["pat_request_ids"], json!([1]));
    assert_eq!(posts[0].1["action"], "approve");
}
