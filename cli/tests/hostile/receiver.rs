//! `pat-audit serve` as a process, pointed at by the stand-in's webhooks.

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{Server, TOKEN};

/// The webhook secret the receivers verify with.
pub const SECRET: &str = "It's a Secret to Everybody";
const SECRET_ENV: &str = "PAT_AUDIT_HOSTILE_WEBHOOK_SECRET";

/// A policy that approves read-only requests and nothing else.
pub const READ_ONLY_POLICY: &str = r#"
[[requests.approve]]
reason = "Read-only access"
max_access = "read"
"#;

/// A running `pat-audit serve`; killed when dropped unless it exited.
pub struct Receiver {
    child: Child,
    pub address: String,
    stderr: Option<BufReader<ChildStderr>>,
    _policy: tempfile::NamedTempFile,
}

impl Receiver {
    /// Starts `serve` against `github` with `extra` flags, and points the
    /// stand-in's webhook at it.
    pub fn start(github: &Server, extra: &[&str]) -> Receiver {
        let policy = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(policy.path(), READ_ONLY_POLICY).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_pat-audit"))
            .args(["serve", "--policy"])
            .arg(policy.path())
            .args([
                "--listen",
                "127.0.0.1:0",
                "--webhook-secret-env",
                SECRET_ENV,
            ])
            .args(["--base-url", github.url()])
            .args(extra)
            .env(SECRET_ENV, SECRET)
            .env("GITHUB_TOKEN", TOKEN)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let Some(address) = line
            .split("listening on http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
        else {
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
            let _ = child.kill();
            panic!("serve did not start: {line}{rest}");
        };
        let address = address.to_string();
        github
            .standin
            .set_webhook_receiver(format!("http://{address}/webhook"), SECRET);
        Receiver {
            child,
            address,
            stderr: Some(stderr),
            _policy: policy,
        }
    }

    /// Sends SIGTERM and waits at most `deadline` for the exit: the exit
    /// code and everything it logged since it started listening; `None`
    /// when it was still running at the deadline (it is then killed).
    pub fn terminate(mut self, deadline: Duration) -> Option<(Option<i32>, String, Duration)> {
        let started = Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        // stderr ends when the process does: read it on a thread, so that
        // the wait is bounded by the deadline.
        let mut stderr = self.stderr.take().unwrap();
        let (done, finished) = mpsc::channel();
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = stderr.read_to_string(&mut rest);
            let _ = done.send(rest);
        });
        let rest = finished.recv_timeout(deadline).ok()?;
        let code = self.child.wait().unwrap().code();
        Some((code, rest, started.elapsed()))
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
