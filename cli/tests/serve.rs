#![forbid(unsafe_code)]
//! `pat-audit serve`, run as a process the way GitHub reaches it: the GitHub
//! stand-in delivers signed webhooks to it over HTTP on loopback and records
//! the reviews it sends back; deliveries GitHub would never send (bad
//! signatures, oversized bodies) are written by hand. Every wait is on an
//! answer or a log line, never a sleep.

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use common::{TOKEN, github, now, serve};
use github_standin::{Delivery, Org, TokenRequest, Webhook, sign};
use pat_audit::serve::SHUTDOWN_GRACE;
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
    /// Starts the receiver, and points the stand-in's webhook at it.
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
        github
            .standin
            .set_webhook_receiver(format!("http://{address}/webhook"), SECRET);
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

    /// A delivery GitHub would not send: with the signature header given,
    /// or none.
    fn forge(
        &self,
        delivery: &str,
        event: &str,
        body: &[u8],
        signature: Signature,
    ) -> (u16, Value) {
        let mut headers = vec![
            ("X-GitHub-Event", event),
            ("X-GitHub-Delivery", delivery),
            ("Content-Type", "application/json"),
            ("User-Agent", "GitHub-Hookshot/044aadd"),
        ];
        if let Signature::Header(name, value) = signature {
            headers.push((name, value));
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

    /// Sends `signal` (`TERM`, `INT`) and waits for the exit at most
    /// `bound`: the exit code, how long it took, and the rest of the log.
    /// A receiver still running at the bound fails the test (and is killed).
    fn signal_within(mut self, signal: &str, bound: Duration) -> (Option<i32>, Duration, String) {
        let started = Instant::now();
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let code = loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                break exit.code();
            }
            assert!(
                started.elapsed() < bound,
                "still running {bound:?} after SIG{signal}"
            );
            // How often the exit is looked for; the deadline above decides.
            std::thread::sleep(Duration::from_millis(20));
        };
        let took = started.elapsed();
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        (code, took, rest)
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
    Header(&'a str, &'a str),
    None,
}

fn acme() -> Org {
    Org::new("acme", 7)
}

/// Request `id` to `acme`, made at `now()`, for a token living `lifetime`
/// (`None`: forever).
fn request(id: i64, lifetime: Option<TimeDelta>, repository_write: bool) -> TokenRequest {
    let request = TokenRequest::new(id)
        .created_at(now())
        .expires_at(lifetime.map(|l| now() + l))
        .repositories(["app"])
        .permission("repository", "metadata", "read");
    if repository_write {
        request.permission("repository", "contents", "write")
    } else {
        request
    }
}

/// The `personal_access_token_request` event for `request`, for the App's installation 42.
fn event(action: &str, request: &TokenRequest) -> Webhook {
    Webhook::token_request(action, request, &acme()).installation(42)
}

/// The payload of [`event`], as bytes to forge deliveries with.
fn payload(action: &str, request: &TokenRequest) -> Vec<u8> {
    event(action, request).payload().to_string().into_bytes()
}

/// Delivers `webhook` as GitHub does (signed with [`SECRET`]); the delivery
/// and the receiver's answer.
fn deliver(github: &common::Server, webhook: &Webhook) -> (Delivery, Value) {
    let delivery = github.block_on(github.standin.deliver(webhook)).unwrap();
    let answer = delivery
        .response_json()
        .unwrap_or_else(|| Value::String(delivery.response().into()));
    (delivery, answer)
}

/// Sends `delivery` again, as the App settings' *Redeliver* does.
fn redeliver(github: &common::Server, delivery: &Delivery) -> (Delivery, Value) {
    let again = github.block_on(github.standin.redeliver(delivery)).unwrap();
    let answer = again.response_json().unwrap_or_default();
    (again, answer)
}

fn github_with_acme() -> common::Server {
    serve(github().org(acme()))
}

const EVENT: &str = "personal_access_token_request";

#[test]
fn a_signed_delivery_is_acted_on_once_and_a_bad_signature_not_at_all() {
    let github = github_with_acme();
    let mut receiver = Receiver::start(&github, &[]);
    assert_eq!(
        receiver.http("GET", "/healthz", &[], b""),
        (200, "ok\n".into())
    );

    a_created_request_is_acted_on_once(&github, &mut receiver);
    bad_signatures_are_refused(&github, &mut receiver);
    the_policy_denies_or_leaves(&github, &mut receiver);
    other_events_are_answered_and_not_acted_on(&github, &mut receiver);

    let (code, rest) = receiver.terminate();
    assert_eq!(code, Some(0), "{rest}");
    assert!(rest.contains("pat-audit serve: stopped"), "{rest}");
}

/// A request arrives and GitHub delivers `created`: approved by the policy, once,
/// however often GitHub redelivers it.
fn a_created_request_is_acted_on_once(github: &common::Server, receiver: &mut Receiver) {
    // A request arrives at acme and GitHub delivers `created`. Approvable:
    // read-only, selected repositories, 30 days.
    let approvable = request(11, Some(TimeDelta::days(30)), false);
    let first = github
        .block_on(github.standin.add_request("acme", approvable))
        .unwrap()
        .expect("a receiver is set");
    let answer = first.response_json().unwrap();
    assert_eq!(first.status(), Some(200), "{answer}");
    assert_eq!(answer["delivery"], first.guid());
    assert_eq!(answer["org"], "acme");
    assert_eq!(answer["kind"], "request");
    assert_eq!(answer["id"], 11);
    assert_eq!(answer["action"], "approve");
    assert_eq!(answer["result"], "done");
    assert_eq!(answer["why"], "requests.approve #1");
    let log = receiver.log_line();
    assert!(
        log.contains(&format!("delivery {}: acme request 11", first.guid()))
            && log.contains("approve (requests.approve #1): done"),
        "{log}"
    );
    let posts = github.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, "/orgs/acme/personal-access-token-requests");
    assert_eq!(
        posts[0].body,
        json!({"action": "approve", "pat_request_ids": [11], "reason": "Read-only, selected repositories, short-lived"})
    );

    // GitHub redelivers it: answered, not acted on again.
    let (again, answer) = redeliver(github, &first);
    assert_eq!((again.status(), again.guid()), (Some(200), first.guid()));
    assert_eq!(
        answer["message"],
        "already handled: a redelivery is not acted on twice"
    );
    let line = receiver.log_line();
    assert!(line.contains("already handled"), "{line}");
    assert_eq!(github.posts().len(), 1);
}

/// Deliveries GitHub would not send are refused for their signature (or,
/// signed, for their body) and nothing is acted on.
fn bad_signatures_are_refused(github: &common::Server, receiver: &mut Receiver) {
    // Missing, malformed, wrong, SHA-1 only: 401 and nothing acted on.
    let other = payload("created", &request(12, Some(TimeDelta::days(30)), false));
    let wrong = sign(b"another secret", &other);
    let sha1 = "sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0";
    let cases = [
        Signature::None,
        Signature::Header("X-Hub-Signature-256", "sha256=zz"),
        Signature::Header("X-Hub-Signature-256", &wrong),
        Signature::Header("X-Hub-Signature", sha1),
    ];
    for (n, signature) in cases.into_iter().enumerate() {
        let (status, answer) = receiver.forge(&format!("bad-{n}"), EVENT, &other, signature);
        assert_eq!(status, 401, "case {n}: {answer}");
        assert!(receiver.log_line().contains(" 401 "));
    }
    // A body changed after signing is refused too.
    let tampered = payload("created", &request(13, Some(TimeDelta::days(30)), false));
    let signed = sign(SECRET.as_bytes(), &other);
    let (status, _) = receiver.forge(
        "bad-4",
        EVENT,
        &tampered,
        Signature::Header("X-Hub-Signature-256", &signed),
    );
    assert_eq!(status, 401);
    receiver.log_line();
    assert_eq!(github.posts().len(), 1);

    // GitHub's published test vector verifies: the body is then refused
    // for what it is (not a payload), not for its signature.
    let vector = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let (status, _) = receiver.forge(
        "vector",
        EVENT,
        b"Hello, World!",
        Signature::Header("X-Hub-Signature-256", vector),
    );
    assert_eq!(status, 400);
    assert!(receiver.log_line().contains("the payload does not decode"));
}

/// A request a deny rule denies, with its reason, and one no rule decides.
fn the_policy_denies_or_leaves(github: &common::Server, receiver: &mut Receiver) {
    // A request no rule approves and one a deny rule denies, with its reason.
    let (delivery, answer) = deliver(github, &event("created", &request(14, None, false)));
    assert_eq!(
        (delivery.status(), answer["action"].clone()),
        (Some(200), json!("deny"))
    );
    assert_eq!(answer["message"], "Tokens must expire within 90 days");
    receiver.log_line();
    let writes = request(15, Some(TimeDelta::days(30)), true);
    let (delivery, answer) = deliver(github, &event("created", &writes));
    assert_eq!(
        (delivery.status(), answer["result"].clone()),
        (Some(200), json!("left"))
    );
    assert!(receiver.log_line().contains("leave (no rule): left"));
    let posts = github.posts();
    assert_eq!(posts.len(), 2);
    assert_eq!(
        posts[1].body,
        json!({"action": "deny", "pat_request_ids": [14], "reason": "Tokens must expire within 90 days"})
    );
}

/// Other actions and events, and the ping of a new webhook, are answered and
/// not acted on; an oversized body is refused.
fn other_events_are_answered_and_not_acted_on(github: &common::Server, receiver: &mut Receiver) {
    // Other actions and events, and the ping of a new webhook, are answered
    // and not acted on; an oversized body is refused.
    let approved = event("approved", &request(11, Some(TimeDelta::days(30)), false));
    assert_eq!(deliver(github, &approved).0.status(), Some(200));
    let ping = Webhook::new("ping", json!({"zen": "Keep it logically awesome."}));
    assert_eq!(deliver(github, &ping).0.status(), Some(200));
    let huge = vec![b' '; 65_537];
    let signed = sign(SECRET.as_bytes(), &huge);
    let (status, _) = receiver.forge(
        "d-6",
        EVENT,
        &huge,
        Signature::Header("X-Hub-Signature-256", &signed),
    );
    assert_eq!(status, 413);
    assert_eq!(github.posts().len(), 2);
}

#[test]
fn a_dry_run_only_logs_and_a_failed_call_can_be_redelivered() {
    let github = serve(github().org(acme().failing_ids([21])));

    let mut dry = Receiver::start(&github, &["--dry-run", "--format", "json"]);
    let approvable = event("created", &request(20, Some(TimeDelta::days(7)), false));
    let (delivery, answer) = deliver(&github, &approvable);
    assert_eq!(
        (delivery.status(), answer["result"].clone()),
        (Some(200), json!("planned"))
    );
    let logged: Value = serde_json::from_str(&dry.log_line()).unwrap();
    assert_eq!(logged["delivery"], delivery.guid());
    assert_eq!(logged["action"], "approve");
    assert_eq!(logged["result"], "planned");
    assert!(github.posts().is_empty());
    let (code, _) = dry.terminate();
    assert_eq!(code, Some(0));

    let mut receiver = Receiver::start(&github, &[]);
    let failing = event("created", &request(21, Some(TimeDelta::days(7)), false));
    let (failed, answer) = deliver(&github, &failing);
    assert_eq!(failed.status(), Some(502), "{answer}");
    assert_eq!(answer["result"], "failed");
    assert_eq!(
        answer["message"],
        "Validation Failed: 21 could not be updated (HTTP 422)"
    );
    receiver.log_line();
    // Redelivered from the App's settings: tried again, since it failed.
    let (again, _) = redeliver(&github, &failed);
    assert_eq!(again.status(), Some(502));
    receiver.log_line();
    assert_eq!(github.posts().len(), 2);
    let (code, _) = receiver.terminate();
    assert_eq!(code, Some(0));
}

#[test]
fn quiet_keeps_the_address_and_the_log_of_deliveries_and_drops_the_rest() {
    let github = github_with_acme();
    // Receiver::start reads the address from the first line, --quiet or not.
    let mut receiver = Receiver::start(&github, &["--quiet"]);
    let approvable = event("created", &request(30, Some(TimeDelta::days(7)), false));
    let (delivery, _) = deliver(&github, &approvable);
    let line = receiver.log_line();
    assert!(
        line.contains(&format!("delivery {}: acme request 30", delivery.guid())),
        "{line}"
    );
    let (code, rest) = receiver.terminate();
    assert_eq!((code, rest.as_str()), (Some(0), ""));
}

#[test]
fn serve_refuses_to_start_without_a_secret_or_with_a_bad_policy() {
    let github = github_with_acme();
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
    assert!(github.requests().is_empty());
}

#[test]
fn a_signed_body_is_not_acted_on_again_under_another_delivery_id() {
    let github = github_with_acme();
    let mut receiver = Receiver::start(&github, &[]);
    let approvable = request(40, Some(TimeDelta::days(30)), false);
    let first = github
        .block_on(github.standin.add_request("acme", approvable))
        .unwrap()
        .expect("a receiver is set");
    assert_eq!(first.status(), Some(200));
    receiver.log_line();
    assert_eq!(github.posts().len(), 1);

    // Whoever has seen the signed body sends it again under a delivery id
    // of their own: the signature holds, since GitHub signs the body only.
    let body = first.payload().to_vec();
    let signature = sign(SECRET.as_bytes(), &body);
    let (status, answer) = receiver.forge(
        "replayed-delivery",
        EVENT,
        &body,
        Signature::Header("X-Hub-Signature-256", &signature),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["delivery"], "replayed-delivery");
    assert_eq!(
        answer["message"],
        format!(
            "already decided: this signed body was acted on as delivery {}; a replay under \
             another delivery id is not acted on",
            first.guid()
        )
    );
    let line = receiver.log_line();
    assert!(
        line.contains("delivery replayed-delivery: 200 already decided"),
        "{line}"
    );
    assert_eq!(github.posts().len(), 1, "GitHub is not called again");
    let (code, _) = receiver.terminate();
    assert_eq!(code, Some(0));
}

/// A slow client's pace: one write per this. A pause between a slow
/// client's writes is the attack, not a synchronisation.
const PACE: Duration = Duration::from_millis(500);

/// Writes `line` every [`PACE`] until the connection fails.
fn trickle(mut stream: TcpStream, line: &'static [u8]) -> JoinHandle<()> {
    std::thread::spawn(move || {
        while stream.write_all(line).is_ok() {
            std::thread::sleep(PACE);
        }
    })
}

/// A client that sends a request head a line at a time and never ends it.
fn slow_head(address: &str) -> JoinHandle<()> {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(b"POST /webhook HTTP/1.1\r\n").unwrap();
    trickle(stream, b"X-Slow: 1\r\n")
}

/// A client whose request is under way (the receiver has asked for its
/// body with `100 Continue`) and whose body comes a byte at a time.
fn slow_body(address: &str) -> JoinHandle<()> {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .write_all(
            b"POST /webhook HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\n\
              Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n",
        )
        .unwrap();
    let mut buf = [0u8; 64];
    let n = stream.read(&mut buf).unwrap();
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 100 Continue"),
        "{:?}",
        String::from_utf8_lossy(&buf[..n])
    );
    trickle(stream, b" ")
}

#[test]
fn sigterm_and_ctrl_c_end_serve_within_the_grace_whatever_clients_do() {
    let github = github_with_acme();
    let term = Receiver::start(&github, &[]);
    let int = Receiver::start(&github, &[]);
    let mut clients = Vec::new();
    for receiver in [&term, &int] {
        clients.push(slow_head(&receiver.address));
        clients.push(slow_body(&receiver.address));
        // Held by slow clients, the receiver still serves others.
        assert_eq!(
            receiver.http("GET", "/healthz", &[], b""),
            (200, "ok\n".into())
        );
    }

    let bound = SHUTDOWN_GRACE + Duration::from_secs(5);
    let by_term = std::thread::spawn(move || term.signal_within("TERM", bound));
    let by_int = int.signal_within("INT", bound);
    for (signal, (code, took, rest)) in [("TERM", by_term.join().unwrap()), ("INT", by_int)] {
        assert_eq!(code, Some(0), "SIG{signal} after {took:?}: {rest}");
        assert!(rest.contains("pat-audit serve: stopped"), "{rest}");
    }
    // The receivers are gone: every slow client's next write fails.
    for client in clients {
        client.join().unwrap();
    }
}

#[test]
fn serve_has_no_now() {
    // `--now` is for looking at a snapshot of time; serve acts, on the clock.
    common::pat_audit()
        .args([
            "serve",
            "--now",
            "2035-01-01T00:00:00Z",
            "--policy",
            "policy.toml",
            "--listen",
            "127.0.0.1:0",
            "--webhook-secret-env",
            SECRET_ENV,
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("unexpected argument '--now'"));
}
