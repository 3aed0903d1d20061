//! Attack 9: writing through symlinks. Whoever can write to the report's
//! directory plants a symlink at the temporary file's predictable name
//! (`FILE.partial`) or at `FILE` itself, pointing at a file of the user's;
//! that file is left as it was, and the report is readable by the user
//! only (0600).

use std::os::unix::fs::{PermissionsExt as _, symlink};
use std::path::Path;
use std::time::Duration;

use chrono::TimeDelta;
use github_standin::{AuditEvent, Grant, Org};

use crate::common::{NOW, Server, github, now, serve};
use crate::support::{Outcome, pat_audit, run};

const VICTIM: &str = "the user's own file: a pat-audit report must never land here\n";
const HASH: &str = "LZnp6/BhGslASdxCQk50OyHMMAl9yWKQ61gZz/eY5SU=";

fn acme() -> Server {
    let event = AuditEvent::new("git.clone", now() - TimeDelta::hours(1)).hashed_token(HASH);
    serve(
        github().org(
            Org::new("acme", 652551)
                .grants([Grant::new(1)])
                .audit_log([event]),
        ),
    )
}

/// `audit --output FILE`, or `trace --output FILE`.
fn write_report(server: &Server, command: &str, file: &Path) -> Outcome {
    let mut cmd = pat_audit(&[command, "--base-url", server.url(), "--now", NOW]);
    cmd.args(["--org", "acme", "--format", "json", "--output"])
        .arg(file);
    if command == "trace" {
        cmd.args(["--hashed-token", HASH]);
    }
    run(cmd, b"", Duration::from_secs(120))
}

fn assert_untouched(victim: &Path, what: &str, out: &Outcome) {
    assert_eq!(
        std::fs::read_to_string(victim).unwrap(),
        VICTIM,
        "{what}: the file the symlink points at was written:\n{}",
        out.stderr
    );
}

#[test]
fn a_symlink_planted_at_the_temporary_name_is_not_written_through() {
    let server = acme();
    for command in ["audit", "trace"] {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, VICTIM).unwrap();
        let report = dir.path().join("report.json");
        symlink(&victim, dir.path().join("report.json.partial")).unwrap();
        let out = write_report(&server, command, &report);
        assert_untouched(&victim, command, &out);
        if out.code != Some(1) {
            // Written: as a file of its own, not through the link.
            let meta = std::fs::symlink_metadata(&report).unwrap();
            assert!(meta.file_type().is_file(), "{command}: {meta:?}");
        }
    }
}

#[test]
fn output_naming_a_symlink_does_not_write_through_it() {
    let server = acme();
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, VICTIM).unwrap();
    let report = dir.path().join("report.json");
    symlink(&victim, &report).unwrap();
    let out = write_report(&server, "audit", &report);
    assert_untouched(&victim, "audit", &out);
}

#[test]
fn reports_are_readable_by_the_user_only() {
    let server = acme();
    for command in ["audit", "trace"] {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report.json");
        let out = write_report(&server, command, &report);
        assert_ne!(out.code, Some(1), "{command}: {}", out.stderr);
        let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{command}: mode {mode:o}");
    }
}
