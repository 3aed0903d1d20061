//! Attack 8: `serve` against slow and replaying clients. A client that
//! sends one header line a second is disconnected; SIGTERM ends the
//! process within the grace whatever a client does; and a signed body
//! already decided is not acted on again under another `X-GitHub-Delivery`.

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use github_standin::{Org, TokenRequest, Webhook};

use crate::common::{github, now, serve};
use crate::receiver::Receiver;

/// serve's header read timeout (`HEADER_TIMEOUT` in cli/src/serve/listen.rs),
/// which the binary has no flag to change: the test meets the default.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long serve waits for calls under way after SIGTERM
/// (`SHUTDOWN_GRACE` in cli/src/serve.rs).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// Slack for a loaded machine on top of every bound.
const MARGIN: Duration = Duration::from_secs(10);

/// How a slow client is slow.
#[derive(Clone, Copy, Debug)]
enum Slow {
    /// One header line a second, the head never finished.
    Headers,
    /// A whole head announcing a body of 100 kB, then one byte of it a second.
    Body,
}

impl Slow {
    /// What the client sends each second.
    fn piece(self, n: usize) -> String {
        match self {
            Slow::Headers => format!("X-Slow-{n}: 1\r\n"),
            Slow::Body => " ".into(),
        }
    }
}

/// Connects to `address` and sends a complete request first, read to its
/// answer, so that the connection is surely the server's (accepted and
/// served) before the slow request begins on it.
fn slow_client(address: &str, slow: Slow) -> TcpStream {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: serve\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.ends_with(b"ok\n") {
        assert!(started.elapsed() < MARGIN, "no answer to /healthz");
        match stream.read(&mut buf) {
            Ok(0) => panic!("serve hung up before answering /healthz"),
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("reading /healthz's answer: {e}"),
        }
    }
    let head = match slow {
        Slow::Headers => "POST /webhook HTTP/1.1\r\nHost: serve\r\n".to_string(),
        Slow::Body => "POST /webhook HTTP/1.1\r\nHost: serve\r\nContent-Type: application/json\r\n\
                       X-GitHub-Event: ping\r\nX-GitHub-Delivery: slow\r\nContent-Length: 100000\r\n\r\n"
            .to_string(),
    };
    stream.write_all(head.as_bytes()).unwrap();
    stream
}

/// Sends a piece a second (the read timeout paces it) until the server
/// hangs up: how long that took, or `None` if it had not by `within`.
fn trickle(mut stream: TcpStream, slow: Slow, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    for n in 0.. {
        if started.elapsed() > within {
            return None;
        }
        if stream.write_all(slow.piece(n).as_bytes()).is_err() {
            return Some(started.elapsed());
        }
        match stream.read(&mut buf) {
            // An answer (a 408, say) is read on until the server hangs up.
            Ok(n) if n > 0 => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Ok(_) | Err(_) => return Some(started.elapsed()),
        }
    }
    None
}

fn acme() -> Org {
    Org::new("acme", 7)
}

#[test]
fn a_client_sending_one_header_line_a_second_is_disconnected() {
    let server = serve(github().org(acme()));
    let receiver = Receiver::start(&server, &[]);
    let slow = slow_client(&receiver.address, Slow::Headers);
    let held = trickle(slow, Slow::Headers, HEADER_TIMEOUT + MARGIN);
    assert!(
        held.is_some(),
        "still connected {MARGIN:?} after the header timeout of {HEADER_TIMEOUT:?}"
    );
}

#[test]
fn sigterm_ends_serve_within_the_grace_while_slow_clients_are_connected() {
    for slow in [Slow::Headers, Slow::Body] {
        let server = serve(github().org(acme()));
        let receiver = Receiver::start(&server, &[]);
        let stream = slow_client(&receiver.address, slow);
        // The client keeps sending while serve shuts down, and gives up by itself.
        let bound = SHUTDOWN_GRACE + MARGIN;
        let client = std::thread::spawn(move || trickle(stream, slow, bound + MARGIN));
        let (code, log, took) = receiver.terminate(bound).unwrap_or_else(|| {
            panic!("serve was still running {bound:?} after SIGTERM, with a client slow in its {slow:?}")
        });
        assert!(took <= bound, "{slow:?}: {took:?}");
        assert!(matches!(code, Some(0 | 1)), "{slow:?}: {code:?}: {log}");
        let _ = client.join();
    }
}

#[test]
fn a_signed_body_replayed_under_another_delivery_id_is_not_acted_on_again() {
    // Approvable by the policy: read-only, a week.
    let request = TokenRequest::new(11)
        .created_at(now())
        .expires_at(Some(now() + TimeDelta::days(7)))
        .repositories(["app"])
        .permission("repository", "metadata", "read");
    let server = serve(github().org(acme().requests([request.clone()])));
    let receiver = Receiver::start(&server, &[]);
    let webhook = Webhook::token_request("created", &request, &acme()).installation(42);
    let first = server.block_on(server.standin.deliver(&webhook)).unwrap();
    let replay = server.block_on(server.standin.deliver(&webhook)).unwrap();
    assert_ne!(first.guid(), replay.guid());
    assert_eq!(first.payload(), replay.payload(), "the same signed body");
    assert_eq!(first.status(), Some(200), "{}", first.response());
    let reviews: Vec<_> = server
        .posts()
        .into_iter()
        .filter(|p| p.path == "/orgs/acme/personal-access-token-requests")
        .collect();
    assert_eq!(
        reviews.len(),
        1,
        "the replayed body was acted on again: {reviews:?}\nits answer: {}",
        replay.response()
    );
    drop(receiver);
}
