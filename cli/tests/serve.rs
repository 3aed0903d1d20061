//! `pat-audit serve`, run as a process the way GitHub reaches it: signed
//! deliveries over HTTP on loopback, the GitHub stand-in recording the
//! reviews it sends. Every wait is on an answer or a log line, never a sleep.

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::Duration;

use chrono::TimeDelta;
use common::{TOKEN, now, serve};
use pat_audit::standin::{self, OrgConfig, RequestSeed, StandIn};
use serde_json::{Value, json};

/// The webhook secret: GitHub's published test vector's, so that the vector
/// can be sent to the receiver as it is.
const SECRET: &str = "It's a Secret to Everybody";
const SECRET_ENV: &str = "PAT_AUDIT_TEST_WEBHOOK_SECRET";

const POLICY: &str = r#"
[[requests.deny]]
reason = "Tokens must expire within 90 days"
lifetime_over_days = 90

[[requests.approve]]
reason = "Read-only, selected repositories, short-lived"
max_access = "read"
repository_selection = "subset"
lifetime_at_most_days = 30
"#;

/// A running `pat-audit serve`; killed if a test fails before stopping it.
struct Receiver {
    child: Child,
    address: String,
    stderr: BufReader<ChildStderr>,
    _policy: tempfile::NamedTempFile,
}

impl Receiver {
    fn start(github: &common::Server, extra: &[&str]) -> Receiver {
        let policy = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(policy.path(), POLICY).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_pat-audit"))
            .args(["serve", "--policy"])
            .arg(policy.path())
            .args([
                "--listen",
                "127.0.0.1:0",
                "--webhook-secret-env",
                SECRET_ENV,
                "--base-url",
                github.url(),
                "--max-body-bytes",
                "65536",
            ])
            .args(extra)
            .env(SECRET_ENV, SECRET)
            .env("GITHUB_TOKEN", TOKEN)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let address = line
            .split("listening on http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Receiver {
            child,
            address,
            stderr,
            _policy: policy,
        }
    }

    /// The next log line.
    fn log_line(&mut self) -> String {
        let mut line = String::new();
        self.stderr.read_line(&mut line).unwrap();
        line
    }

    /// An HTTP/1.1 request; the status and the body.
    fn http(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.address,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not HTTP: {response:?}"));
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    /// A delivery as GitHub sends it: signed with `secret`, or with the
    /// signature header given.
    fn deliver(
        &self,
        delivery: &str,
        event: &str,
        body: &[u8],
        signature: Signature,
    ) -> (u16, Value) {
        let signed = sign(SECRET, body);
        let mut headers = vec![
            ("X-GitHub-Event", event),
            ("X-GitHub-Delivery", delivery),
            ("Content-Type", "application/json"),
            ("User-Agent", "GitHub-Hookshot/044aadd"),
        ];
        match signature {
            Signature::Valid => headers.push(("X-Hub-Signature-256", &signed)),
            Signature::Header(name, value) => headers.push((name, value)),
            Signature::None => {}
        }
        let (status, body) = self.http("POST", "/webhook", &headers, body);
        let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
        (status, value)
    }

    /// Sends SIGTERM and waits for the exit; the exit code and the rest of the log.
    fn terminate(mut self) -> (Option<i32>, String) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        let code = self.child.wait().unwrap().code();
        (code, rest)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        // Kills the receiver of a failed test; one that exited is left alone.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

enum Signature<'a> {
    Valid,
    Header(&'a str, &'a str),
    None,
}

/// `sha256=` and the hexadecimal HMAC-SHA256 of `body`.
fn sign(secret: &str, body: &[u8]) -> String {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = aws_lc_rs::hmac::sign(&key, body);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// A `personal_access_token_request` payload for request `id` to `acme`,
/// made at `now()`, for a token living `lifetime` (`None`: forever).
fn payload(action: &str, id: i64, lifetime: Option<TimeDelta>, repository_write: bool) -> Vec<u8> {
    let mut seed = RequestSeed::new(id)
        .created_at(now())
        .expires_at(lifetime.map(|l| now() + l))
        .permission("repository", "metadata", "read");
    if repository_write {
        seed = seed.permission("repository", "contents", "write");
    }
    serde_json::to_vec(&standin::request_event(action, &seed, "acme", 7, 42)).unwrap()
}

fn github() -> common::Server {
    serve(StandIn::new(vec![OrgConfig::new("acme", 7)], now()))
}

const EVENT: &str = "personal_access_token_request";

/// An approvable request is approved once: its redelivery is answered and
/// not acted on again.
fn approves_once(receiver: &mut Receiver, github: &common::Server) {
    // Approvable: read-only, selected repositories, 30 days.
    let approvable = payload("created", 11, Some(TimeDelta::days(30)), false);
    let (status, answer) = receiver.deliver("d-1", EVENT, &approvable, Signature::Valid);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["delivery"], "d-1");
    assert_eq!(answer["org"], "acme");
    assert_eq!(answer["kind"], "request");
    assert_eq!(answer["id"], 11);
    assert_eq!(answer["action"], "approve");
    assert_eq!(answer["result"], "done");
    assert_eq!(answer["why"], "requests.approve #1");
    let log = receiver.log_line();
    assert!(
        log.contains("delivery d-1: acme request 11")
            && log.contains("approve (requests.approve #1): done"),
        "{log}"
    );
    let posts = github.running.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, "/orgs/acme/personal-access-token-requests");
    assert_eq!(
        posts[0].body,
        json!({"action": "approve", "pat_request_ids": [11], "reason": "Read-only, selected repositories, short-lived"})
    );

    // GitHub redelivers it: answered, not acted on again.
    let (status, answer) = receiver.deliver("d-1", EVENT, &approvable, Signature::Valid);
    assert_eq!(status, 200);
    assert_eq!(
        answer["message"],
        "already handled: a redelivery is not acted on twice"
    );
    assert!(receiver.log_line().contains("already handled"));
    assert_eq!(github.running.posts().len(), 1);
}

/// A missing, malformed, wrong or SHA-1-only signature, or a body changed
/// after signing, is 401 and nothing is acted on.
fn refuses_bad_signatures(receiver: &mut Receiver, github: &common::Server) {
    // Missing, malformed, wrong, SHA-1 only: 401 and nothing acted on.
    let other = payload("created", 12, Some(TimeDelta::days(30)), false);
    let wrong = sign("another secret", &other);
    let sha1 = "sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0";
    let cases = [
        Signature::None,
        Signature::Header("X-Hub-Signature-256", "sha256=zz"),
        Signature::Header("X-Hub-Signature-256", &wrong),
        Signature::Header("X-Hub-Signature", sha1),
    ];
    for (n, signature) in cases.into_iter().enumerate() {
        let (status, answer) = receiver.deliver(&format!("bad-{n}"), EVENT, &other, signature);
        assert_eq!(status, 401, "case {n}: {answer}");
        assert!(receiver.log_line().contains(" 401 "));
    }
    // A body changed after signing is refused too.
    let tampered = payload("created", 13, Some(TimeDelta::days(30)), false);
    let headers = [
        ("X-GitHub-Event", EVENT),
        ("X-GitHub-Delivery", "bad-4"),
        ("X-Hub-Signature-256", &sign(SECRET, &other)),
    ];
    assert_eq!(
        receiver.http("POST", "/webhook", &headers, &tampered).0,
        401
    );
    receiver.log_line();
    assert_eq!(github.running.posts().len(), 1);

    // GitHub's published test vector verifies: the body is then refused
    // for what it is (not a payload), not for its signature.
    let vector = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let (status, _) = receiver.deliver(
        "vector",
        EVENT,
        b"Hello, World!",
        Signature::Header("X-Hub-Signature-256", vector),
    );
    assert_eq!(status, 400);
    assert!(receiver.log_line().contains("the payload does not decode"));
}

/// A request a deny rule denies, with its reason, and one no rule decides.
fn decides_by_the_rules(receiver: &mut Receiver, github: &common::Server) {
    // A request no rule approves and one a deny rule denies, with its reason.
    let (status, answer) = receiver.deliver(
        "d-2",
        EVENT,
        &payload("created", 14, None, false),
        Signature::Valid,
    );
    assert_eq!((status, answer["action"].clone()), (200, json!("deny")));
    assert_eq!(answer["message"], "Tokens must expire within 90 days");
    receiver.log_line();
    let (status, answer) = receiver.deliver(
        "d-3",
        EVENT,
        &payload("created", 15, Some(TimeDelta::days(30)), true),
        Signature::Valid,
    );
    assert_eq!((status, answer["result"].clone()), (200, json!("left")));
    assert!(receiver.log_line().contains("leave (no rule): left"));
    let posts = github.running.posts();
    assert_eq!(posts.len(), 2);
    assert_eq!(
        posts[1].body,
        json!({"action": "deny", "pat_request_ids": [14], "reason": "Tokens must expire within 90 days"})
    );
}

/// Other actions and events and GitHub's ping are answered without acting;
/// an oversized body is refused.
fn answers_what_it_does_not_act_on(receiver: &mut Receiver, github: &common::Server) {
    // Other actions and events, and the ping of a new webhook, are answered
    // and not acted on; an oversized body is refused.
    let approved = payload("approved", 11, Some(TimeDelta::days(30)), false);
    assert_eq!(
        receiver
            .deliver("d-4", EVENT, &approved, Signature::Valid)
            .0,
        200
    );
    assert_eq!(
        receiver
            .deliver(
                "d-5",
                "ping",
                b"{\"zen\":\"Keep it logically awesome.\"}",
                Signature::Valid
            )
            .0,
        200
    );
    let huge = vec![b' '; 65_537];
    assert_eq!(
        receiver.deliver("d-6", EVENT, &huge, Signature::Valid).0,
        413
    );
    assert_eq!(github.running.posts().len(), 2);
}

#[test]
fn a_signed_delivery_is_acted_on_once_and_a_bad_signature_not_at_all() {
    let github = github();
    let mut receiver = Receiver::start(&github, &[]);
    assert_eq!(
        receiver.http("GET", "/healthz", &[], b""),
        (200, "ok\n".into())
    );
    approves_once(&mut receiver, &github);
    refuses_bad_signatures(&mut receiver, &github);
    decides_by_the_rules(&mut receiver, &github);
    answers_what_it_does_not_act_on(&mut receiver, &github);
    let (code, rest) = receiver.terminate();
    assert_eq!(code, Some(0), "{rest}");
    assert!(rest.contains("pat-audit serve: stopped"), "{rest}");
}

#[test]
fn a_dry_run_only_logs_and_a_failed_call_can_be_redelivered() {
    let mut standin = StandIn::new(vec![OrgConfig::new("acme", 7)], now());
    standin.failing_ids.insert(21);
    let github = serve(standin);

    let mut dry = Receiver::start(&github, &["--dry-run", "--format", "json"]);
    let approvable = payload("created", 20, Some(TimeDelta::days(7)), false);
    let (status, answer) = dry.deliver("d-1", EVENT, &approvable, Signature::Valid);
    assert_eq!((status, answer["result"].clone()), (200, json!("planned")));
    let logged: Value = serde_json::from_str(&dry.log_line()).unwrap();
    assert_eq!(logged["delivery"], "d-1");
    assert_eq!(logged["action"], "approve");
    assert_eq!(logged["result"], "planned");
    assert!(github.running.posts().is_empty());
    let (code, _) = dry.terminate();
    assert_eq!(code, Some(0));

    let mut receiver = Receiver::start(&github, &[]);
    let failing = payload("created", 21, Some(TimeDelta::days(7)), false);
    let (status, answer) = receiver.deliver("d-9", EVENT, &failing, Signature::Valid);
    assert_eq!(status, 502, "{answer}");
    assert_eq!(answer["result"], "failed");
    assert_eq!(
        answer["message"],
        "Validation Failed: 21 could not be updated (HTTP 422)"
    );
    receiver.log_line();
    // Redelivered from the App's settings: tried again, since it failed.
    let (status, _) = receiver.deliver("d-9", EVENT, &failing, Signature::Valid);
    assert_eq!(status, 502);
    receiver.log_line();
    assert_eq!(github.running.posts().len(), 2);
    let (code, _) = receiver.terminate();
    assert_eq!(code, Some(0));
}

#[test]
fn serve_refuses_to_start_without_a_secret_or_with_a_bad_policy() {
    let github = github();
    let policy = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(policy.path(), POLICY).unwrap();
    let base = [
        "serve",
        "--policy",
        policy.path().to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
        "--webhook-secret-env",
        SECRET_ENV,
        "--base-url",
        github.url(),
    ];
    common::pat_audit()
        .args(base)
        .env_remove(SECRET_ENV)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(format!(
            "the environment variable {SECRET_ENV} (--webhook-secret-env) is not set or empty"
        )));
    std::fs::write(
        policy.path(),
        "[[requests.deny]]\nreason = \"x\"\nlifetime_over_days = -1\n",
    )
    .unwrap();
    common::pat_audit()
        .args(base)
        .env(SECRET_ENV, SECRET)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "line 3, key `requests.deny[0].lifetime_over_days`",
        ));
    assert!(github.running.requests().is_empty());
}
