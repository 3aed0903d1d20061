#![forbid(unsafe_code)]
//! What other people write reaches the reports harmless, files are written
//! safely, and `--now` never decides what is sent: `pat-audit` run as a user
//! runs it, against the GitHub stand-in on loopback, with hostile text where
//! members and token holders put it (token names, user agents) and where
//! GitHub does (its error messages).

mod common;

use std::path::Path;

use common::{NOW, audit, github, json_lines, now, pat_audit, serve};
use github_standin::{AuditEvent, Failure, Grant, Org};
use pat_audit::args::AuthArgs;

/// A token name a spreadsheet would run as a formula.
const FORMULA: &str = "=HYPERLINK(\"https://evil.example\")";
/// A token name that would retitle the terminal window, ring its bell and
/// clear its screen, with a right-to-left override for good measure.
const ESCAPES: &str = "\x1b]0;pwned\x07 ci \x1b[2J deploy \u{202e}txt.exe";

/// `acme` with two grants named `FORMULA` and `ESCAPES` (both never expire:
/// each is a `no-expiry` finding, a row of every report).
fn named_grants() -> common::Server {
    serve(github().org(Org::new("acme", 652551).grants([
        Grant::new(1).token_name(FORMULA),
        Grant::new(2).token_name(ESCAPES),
    ])))
}

fn report(server: &common::Server, format: &str) -> (String, String) {
    let out = audit(server, &["--org", "acme", "--format", format])
        .assert()
        .success();
    let o = out.get_output();
    (
        String::from_utf8(o.stdout.clone()).unwrap(),
        String::from_utf8(o.stderr.clone()).unwrap(),
    )
}

/// Whether `text` carries a byte a terminal acts on (ESC, BEL) or a
/// bidirectional override, raw.
fn raw_controls(text: &str) -> bool {
    text.contains(['\x1b', '\x07', '\u{202e}'])
}

#[test]
fn a_formula_in_a_token_name_is_text_in_csv() {
    let server = named_grants();
    let (csv_text, _) = report(&server, "csv");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[4].to_string())
        .collect();
    assert!(names.contains(&format!("'{FORMULA}")), "{csv_text}");
    assert!(!raw_controls(&csv_text), "{csv_text:?}");
}

#[test]
fn escape_sequences_in_a_token_name_never_reach_the_terminal_raw() {
    let server = named_grants();
    for format in ["table", "markdown"] {
        let (out, err) = report(&server, format);
        assert!(!raw_controls(&out), "{format}: {out:?}");
        assert!(!raw_controls(&err), "{format}: {err:?}");
        // Shown escaped, not dropped: the reader sees what was there.
        assert!(
            out.contains("u{1b}") && out.contains("0;pwned"),
            "{format}: {out}"
        );
    }
    let (markdown, _) = report(&server, "markdown");
    // The formula stays one cell's text; nothing in it opens a link.
    assert!(markdown.contains("=HYPERLINK(\"https://evil.example\")"));
}

#[test]
fn json_keeps_the_names_exactly() {
    let server = named_grants();
    let (json, _) = report(&server, "json");
    let names: Vec<String> = json_lines(json.as_bytes())
        .iter()
        .map(|l| l["token_name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&FORMULA.to_string()), "{names:?}");
    assert!(names.contains(&ESCAPES.to_string()), "{names:?}");
    // serde_json writes the control characters escaped, never raw.
    assert!(!json.contains(['\x1b', '\x07']), "{json:?}");
}

#[test]
fn githubs_error_messages_are_shown_escaped_on_stderr() {
    let message = "Validation \x1b]0;pwned\x07Failed\x1b[2J";
    let server = serve(
        github()
            .org(Org::new("acme", 652551).failing_grants(Failure::Unprocessable(message.into()))),
    );
    for format in ["json", "markdown"] {
        let out = audit(&server, &["--org", "acme", "--format", format])
            .assert()
            .code(1);
        let o = out.get_output();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        assert!(stderr.contains("Validation \\u{1b}]0;pwned"), "{stderr}");
        assert!(!raw_controls(&stderr), "{stderr:?}");
        assert!(!raw_controls(&stdout), "{stdout:?}");
    }
}

/// A leaked token's holder sets the user agent the audit log records.
#[test]
fn a_user_agent_chosen_by_a_tokens_holder_is_harmless_in_trace() {
    const LEAKED: &str = "ghp_LeakedInAPasteBin0123456789abcdefQ7x2";
    const LEAKED_HASH: &str = "LZnp6/BhGslASdxCQk50OyHMMAl9yWKQ61gZz/eY5SU=";
    let agent = "=cmd|' /C calc'!A0 \x1b]0;pwned\x07";
    let server = serve(
        github().org(
            Org::new("acme", 1).audit_log([AuditEvent::new(
                "git.clone",
                now() - chrono::TimeDelta::hours(1),
            )
            .hashed_token(LEAKED_HASH)
            .user_agent(agent)]),
        ),
    );
    let run = |format: &str| {
        let out = pat_audit()
            .args(["trace", "--base-url", server.url(), "--now", NOW])
            .args(["--org", "acme", "--token-stdin", "--format", format])
            .write_stdin(format!("{LEAKED}\n"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let table = run("table");
    assert!(!raw_controls(&table), "{table:?}");
    let csv_text = run("csv");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert!(row[9].starts_with("'=cmd|"), "{csv_text}");
    let json = run("json");
    assert_eq!(json_lines(json.as_bytes())[0]["user_agent"], agent);
}

/// `--now` is only for looking: with `--apply` the command line is refused
/// before anything is fetched or sent (a bad command line: status 1, the
/// contract's status for every error).
#[test]
fn now_with_apply_is_refused_and_nothing_is_sent() {
    let server = named_grants();
    let policy = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        policy.path(),
        "[[requests.deny]]\nreason = \"no\"\nlifetime_over_days = 1\n",
    )
    .unwrap();
    let base = ["--org", "acme", "--base-url", server.url()];
    let later = ["--now", "2035-01-01T00:00:00Z", "--format", "json"];
    let commands: [&[&str]; 2] = [
        &[
            "revoke",
            "--finding",
            "no-expiry,expired",
            "--apply",
            "--yes",
        ],
        &[
            "review",
            "--policy",
            policy.path().to_str().unwrap(),
            "--apply",
            "--yes",
        ],
    ];
    for command in commands {
        let out = pat_audit()
            .args(&command[..1])
            .args(base)
            .args(later)
            .args(&command[1..])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command:?}: {stderr}");
        assert!(
            stderr.contains("--now") && stderr.contains("--apply"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    // clap waives --yes's need of --apply when --now (which conflicts with
    // --apply) is given: refused all the same.
    let out = pat_audit()
        .args(["revoke"])
        .args(base)
        .args(later)
        .args(["--finding", "no-expiry", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--apply"));
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    // Without --apply, --now still shows what would be done then.
    pat_audit()
        .args(["revoke"])
        .args(base)
        .args(later)
        .args(["--finding", "no-expiry"])
        .assert()
        .success();
    assert!(server.posts().is_empty());
}

#[test]
fn the_credentials_debug_shows_no_token() {
    let secret = "ghs_sEcReTiNsTaLlAtIoNtOkEn0123456789abcd";
    let args = AuthArgs {
        token: Some(secret.to_string().into()),
        ..AuthArgs::default()
    };
    let shown = format!("{args:?} {args:#?}");
    assert!(!shown.contains(secret), "{shown}");
    assert!(!shown.contains("sEcReT"), "{shown}");
}

/// `audit --output FILE` into `dir`, returning the run's status and stderr.
fn snapshot_into(server: &common::Server, path: &Path) -> (Option<i32>, String) {
    let out = audit(server, &["--org", "acme", "--format", "json", "--output"])
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[cfg(unix)]
#[test]
fn a_link_planted_at_the_old_temporary_name_is_not_written_through() {
    let server = named_grants();
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let path = dir.path().join("snap.json");
    // The name the snapshot was once written under, before being renamed.
    std::os::unix::fs::symlink(&victim, dir.path().join("snap.json.partial")).unwrap();
    let (status, stderr) = snapshot_into(&server, &path);
    assert_eq!(status, Some(0), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(snapshot["format"], "pat-audit-snapshot");
    // Nothing is left beside it: the victim, the link and the snapshot.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[cfg(unix)]
#[test]
fn a_snapshot_is_the_users_alone_and_a_link_in_its_place_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let server = named_grants();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    assert_eq!(snapshot_into(&server, &path).0, Some(0));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let (status, stderr) = snapshot_into(&server, &link);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains(&link.display().to_string()) && stderr.contains("symbolic link"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");

    // trace's --output is written the same way.
    let trace_out = pat_audit()
        .args(["trace", "--base-url", server.url(), "--now", NOW])
        .args(["--org", "acme", "--format", "json", "--output"])
        .arg(&link)
        .args([
            "--hashed-token",
            "LZnp6/BhGslASdxCQk50OyHMMAl9yWKQ61gZz/eY5SU=",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&trace_out.stderr);
    assert_eq!(trace_out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn a_snapshot_that_cannot_be_put_in_place_leaves_what_was_there() {
    let server = named_grants();
    let dir = tempfile::tempdir().unwrap();
    // A directory stands where the snapshot would go: the rename fails.
    let path = dir.path().join("snap.json");
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("kept"), "old").unwrap();
    let (status, stderr) = snapshot_into(&server, &path);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(stderr.contains("snap.json"), "{stderr}");
    assert_eq!(std::fs::read_to_string(path.join("kept")).unwrap(), "old");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
