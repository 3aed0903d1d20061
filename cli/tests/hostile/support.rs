//! What the hostile tests need besides the stand-in: `pat-audit` run with a
//! deadline (killed, and the test failed, when it runs over), and a
//! listener on loopback that counts what reaches it (the host a redirect
//! points at, the proxy the environment names).

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::ExitStatusExt as _;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::TOKEN;

/// `pat-audit` with `GITHUB_TOKEN` set to the stand-in's token, as a
/// process the test waits for itself.
pub fn pat_audit(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pat-audit"));
    cmd.args(args).env("GITHUB_TOKEN", TOKEN);
    cmd
}

/// How a bounded run ended.
#[derive(Debug)]
pub struct Outcome {
    /// The exit code; `None` when a signal ended the process.
    pub code: Option<i32>,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// stdout and stderr together, for assertions on everything it wrote.
    pub fn all_output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `cmd` with `stdin`, for at most `deadline`; a run over it is killed
/// and fails the test, and so is one `stop` finds a reason to stop (asked
/// every 50 ms while it runs).
pub fn run_watched(
    mut cmd: Command,
    stdin: &[u8],
    deadline: Duration,
    stop: impl Fn() -> Option<String>,
) -> Outcome {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pat-audit starts");
    let pid = child.id();
    let mut input = child.stdin.take().expect("a stdin pipe");
    // A child that exits without reading its stdin closes the pipe: not the test's failure.
    let _ = input.write_all(stdin);
    drop(input);
    let (done, finished) = mpsc::channel::<std::io::Result<Output>>();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let why = loop {
        match finished.recv_timeout(Duration::from_millis(50)) {
            Ok(output) => return outcome(output.expect("pat-audit is waited for")),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the waiting thread died"),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if started.elapsed() > deadline {
            break format!("still running after {deadline:?}");
        }
        if let Some(why) = stop() {
            break why;
        }
    };
    // The process may have exited since: `kill` then fails, which is fine.
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
    let output = finished
        .recv_timeout(Duration::from_secs(30))
        .ok()
        .and_then(Result::ok);
    let stderr = output
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .unwrap_or_default();
    panic!("pat-audit was killed: {why}\nits stderr:\n{stderr}");
}

/// [`run_watched`] with nothing to watch but the deadline.
pub fn run(cmd: Command, stdin: &[u8], deadline: Duration) -> Outcome {
    run_watched(cmd, stdin, deadline, || None)
}

fn outcome(output: Output) -> Outcome {
    Outcome {
        code: output.status.code(),
        signal: output.status.signal(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A listener on loopback that takes every connection, reads what is sent
/// (a request head and the body its `Content-Length` announces, or what
/// comes within a few seconds), answers `202 {}` as GitHub's revocation
/// API does, and counts connections and bytes: a host nothing should reach.
pub struct Sink {
    pub address: SocketAddr,
    connections: Arc<AtomicUsize>,
    bytes: Arc<AtomicUsize>,
}

impl Sink {
    pub fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let bytes = Arc::new(AtomicUsize::new(0));
        let (c, b) = (connections.clone(), bytes.clone());
        // The thread lives as long as the test binary: it is blocked in
        // `accept` and holds nothing a test waits for.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                c.fetch_add(1, Ordering::SeqCst);
                take_request(stream, &b);
            }
        });
        Sink {
            address,
            connections,
            bytes,
        }
    }

    /// `http://ADDRESS`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Bytes received so far, on every connection.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }
}

fn take_request(mut stream: TcpStream, bytes: &AtomicUsize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
    let mut received = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        bytes.fetch_add(n, Ordering::SeqCst);
        received.extend_from_slice(&buf[..n]);
        if complete(&received) {
            break;
        }
    }
    let _ = stream.write_all(
        b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
    );
}

/// Whether `received` holds a whole request: its head and the body its
/// `Content-Length` announces.
fn complete(received: &[u8]) -> bool {
    let text = String::from_utf8_lossy(received);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    body.len() >= length
}

/// Characters no terminal line of `pat-audit` may carry raw: ESC, BEL and
/// the bidirectional override U+202E.
pub const RAW_CONTROLS: [char; 3] = ['\u{1b}', '\u{7}', '\u{202e}'];

/// Fails the test if `text` (named `what`) carries one of [`RAW_CONTROLS`].
pub fn assert_no_raw_controls(what: &str, text: &str) {
    for c in RAW_CONTROLS {
        assert!(
            !text.contains(c),
            "{what} carries U+{:04X} raw:\n{}",
            c as u32,
            text.escape_debug()
        );
    }
}
