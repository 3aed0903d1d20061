#![forbid(unsafe_code)]
//! `pat-audit serve` against slow and numerous clients, run in the test's
//! process through `serve::run_on` so that its limits can be short (a
//! second rather than the binary's ten) and its shutdown triggered without
//! a signal. The clients are raw TCP on loopback: what they send, and when,
//! is the attack under test.
//!
//! Every wait is bounded by a deadline that only a failure reaches; the
//! pauses between a slow client's writes are that client's pace, not a
//! synchronisation.

use std::net::SocketAddr;
use std::time::Duration;

use github_pat_grants::Client;
use pat_audit::policy::Policy;
use pat_audit::serve::{self, Limits};
use pat_audit::ui::Ui;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long any wait may take before the test fails: far over every limit
/// the tests set, far under the limits they would otherwise meet.
const BOUND: Duration = Duration::from_secs(10);

/// A slow client's pace: one write per this.
const PACE: Duration = Duration::from_millis(200);

const POLICY: &str = r#"
[[requests.approve]]
reason = "Read-only"
max_access = "read"
"#;

/// Limits that no test meets unless it means to.
fn long() -> Limits {
    Limits {
        header_timeout: Duration::from_secs(60),
        body_timeout: Duration::from_secs(60),
        max_connections: 256,
        grace: Duration::from_secs(60),
    }
}

/// A receiver served in this process; stopped by [`Running::stop`].
struct Running {
    address: SocketAddr,
    stop: oneshot::Sender<()>,
    done: JoinHandle<anyhow::Result<u8>>,
}

impl Running {
    async fn start(limits: Limits) -> Running {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        // No test here reaches GitHub: nothing is delivered signed.
        let client = Client::builder()
            .token("ghs_unused")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let opts = serve::Options {
            deciding: serve::Deciding {
                policy: Policy::parse(POLICY).unwrap(),
                secret: serve::Secret::new("secret"),
                client,
                orgs: Vec::new(),
                dry_run: true,
                json: false,
            },
            listen: address,
            max_body_bytes: 65_536,
            ui: Ui::PLAIN,
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async {
            let _ = stopped.await;
        };
        let done = tokio::spawn(serve::run_on(listener, opts, limits, shutdown));
        Running {
            address,
            stop,
            done,
        }
    }

    async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.address).await.unwrap()
    }

    /// Shuts down as a signal would; how long it took and the exit status.
    async fn stop(self) -> (Duration, u8) {
        let started = Instant::now();
        self.stop.send(()).unwrap();
        let code = tokio::time::timeout(BOUND, self.done)
            .await
            .unwrap_or_else(|_| panic!("serve did not stop within {BOUND:?}"))
            .unwrap()
            .unwrap();
        (started.elapsed(), code)
    }
}

/// Reads until the server closes the connection (end of stream, or a
/// reset); what was read. Fails the test if it stays open past [`BOUND`].
async fn until_closed(read: &mut (impl AsyncRead + Unpin)) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + BOUND;
    loop {
        match tokio::time::timeout_at(deadline, read.read(&mut buf)).await {
            Err(_) => panic!(
                "the connection is still open after {BOUND:?}; read so far: {:?}",
                String::from_utf8_lossy(&got)
            ),
            Ok(Ok(0) | Err(_)) => return String::from_utf8_lossy(&got).into_owned(),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Sends `GET /healthz` on a kept-alive connection and reads the answer's
/// head and body; `None` when the connection is closed instead.
async fn healthz(stream: &mut TcpStream) -> Option<String> {
    let request = b"GET /healthz HTTP/1.1\r\nHost: receiver\r\n\r\n";
    stream.write_all(request).await.ok()?;
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + BOUND;
    // The answer is a head and the 3-byte body `ok\n`.
    while !got.ends_with(b"\r\n\r\nok\n") {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut buf))
            .await
            .expect("an answer or a close within the bound");
        match read {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    Some(String::from_utf8_lossy(&got).into_owned())
}

/// Writes `first`, then `line` every [`PACE`] until the connection fails:
/// a client that never finishes.
fn trickle(
    mut write: tokio::net::tcp::OwnedWriteHalf,
    first: &'static [u8],
    line: &'static [u8],
) -> JoinHandle<()> {
    tokio::spawn(async move {
        if write.write_all(first).await.is_err() {
            return;
        }
        let mut pace = tokio::time::interval(PACE);
        loop {
            pace.tick().await;
            if write.write_all(line).await.is_err() {
                return;
            }
        }
    })
}

#[tokio::test]
async fn a_head_sent_a_line_at_a_time_is_cut_at_the_header_timeout() {
    let limits = Limits {
        header_timeout: Duration::from_secs(1),
        ..long()
    };
    let running = Running::start(limits).await;
    let started = Instant::now();
    let (mut read, write) = running.connect().await.into_split();
    let writer = trickle(write, b"POST /webhook HTTP/1.1\r\n", b"X-Slow: 1\r\n");
    until_closed(&mut read).await;
    assert!(
        started.elapsed() >= limits.header_timeout,
        "closed after {:?}, before the header timeout",
        started.elapsed()
    );
    writer.abort();

    // A connection that sends nothing at all is closed at the same timeout.
    let (mut read, _write) = running.connect().await.into_split();
    until_closed(&mut read).await;

    let (_, code) = running.stop().await;
    assert_eq!(code, 0);
}

#[tokio::test]
async fn a_body_that_trickles_is_cut_at_the_body_timeout_with_408() {
    let limits = Limits {
        body_timeout: Duration::from_secs(1),
        ..long()
    };
    let running = Running::start(limits).await;
    let started = Instant::now();
    let (mut read, write) = running.connect().await.into_split();
    let head = b"POST /webhook HTTP/1.1\r\nHost: receiver\r\nX-GitHub-Delivery: slow-body\r\n\
                 Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{";
    let writer = trickle(write, head, b" ");
    let answer = until_closed(&mut read).await;
    assert!(
        started.elapsed() >= limits.body_timeout,
        "closed after {:?}, before the body timeout: {answer:?}",
        started.elapsed()
    );
    // The 408 is sent before the close; a close with the client's bytes
    // still unread may reach the client as a reset that discards it.
    assert!(
        answer.is_empty()
            || answer.starts_with("HTTP/1.1 408")
                && answer.contains("the body did not arrive within 1 s"),
        "{answer:?}"
    );
    writer.abort();
    let (_, code) = running.stop().await;
    assert_eq!(code, 0);
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_at_once_and_served_again_when_one_ends() {
    let limits = Limits {
        max_connections: 2,
        ..long()
    };
    let running = Running::start(limits).await;
    // Two kept-alive connections, each shown served: they hold the cap.
    let mut first = running.connect().await;
    let mut second = running.connect().await;
    for held in [&mut first, &mut second] {
        let answer = healthz(held).await.expect("served under the cap");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }

    // A third is not served: closed at once, with a 503 when it gets there.
    let mut third = running.connect().await;
    let answer = healthz(&mut third).await;
    assert!(answer.is_none(), "served over the cap: {answer:?}");

    // One ends; a new connection is served again once the receiver has seen
    // it end. Each try is answered or closed at once, so the loop is
    // bounded by the deadline, not paced.
    drop(first);
    let deadline = Instant::now() + BOUND;
    loop {
        let mut next = running.connect().await;
        if let Some(answer) = healthz(&mut next).await {
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
            break;
        }
        assert!(Instant::now() < deadline, "never served again");
    }
    drop(second);
    let (_, code) = running.stop().await;
    assert_eq!(code, 0);
}

#[tokio::test]
async fn shutting_down_drops_connections_still_open_at_the_end_of_the_grace() {
    let limits = Limits {
        grace: Duration::from_secs(1),
        ..long()
    };
    let running = Running::start(limits).await;
    // A request whose body never comes: `Expect: 100-continue` makes the
    // receiver say when its handler has begun reading the body, so the
    // request is known to be under way before shutting down.
    let mut stream = running.connect().await;
    stream
        .write_all(
            b"POST /webhook HTTP/1.1\r\nHost: receiver\r\nContent-Length: 100\r\n\
              Expect: 100-continue\r\n\r\n",
        )
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(BOUND, stream.read(&mut buf))
        .await
        .expect("100 Continue within the bound")
        .unwrap();
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 100 Continue"),
        "{:?}",
        String::from_utf8_lossy(&buf[..n])
    );

    let (took, code) = running.stop().await;
    assert!(
        took >= limits.grace && took < limits.grace + Duration::from_secs(5),
        "stopped after {took:?} with a grace of {:?}",
        limits.grace
    );
    assert_eq!(code, 0, "no call to GitHub was under way");
    until_closed(&mut stream).await;
}
