#![forbid(unsafe_code)]
//! `pat-audit trace` end to end against the GitHub stand-in: tokens from
//! stdin and files, what is refused before anything is sent, events across
//! pages and organizations, `--since`, an organization without an audit
//! log, every format, the exit statuses, and `--revoke`. No output of any
//! run may contain a token.

mod common;

use std::io::Write as _;

use chrono::{DateTime, TimeDelta, Utc};
use common::{NOW, Server, json_lines, now, pat_audit, serve};
use github_standin::{AuditEvent, Failure, Fault, Org};
use serde_json::Value;

/// A leaked classic token, and its hash worked out apart from pat-audit,
/// with GitHub's recipe: `printf %s TOKEN | openssl dgst -sha256 -binary | base64`.
const LEAKED: &str = "ghp_LeakedInAPasteBin0123456789abcdefQ7x2";
const LEAKED_HASH: &str = "LZnp6/BhGslASdxCQk50OyHMMAl9yWKQ61gZz/eY5SU=";
/// A fine-grained token that did nothing.
const QUIET: &str = "github_pat_11AAAAAAA0SecondLeakedTokenAbcdefghij_KLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789AB";
const QUIET_HASH: &str = "bxrndmjALPsYeahnzkcVRvOiv+q55OcBspLcXYf1SN0=";

fn hours_ago(h: i64) -> DateTime<Utc> {
    now() - TimeDelta::hours(h)
}

/// acme: 150 events of the leaked token an hour apart (two pages of 100),
/// and one 100 days ago; globex: 2 of its events; initech: no audit log.
fn github() -> Server {
    let event = |h: i64, action: &str, repo: &str| {
        AuditEvent::new(action, hours_ago(h))
            .actor("mallory")
            .repository(repo)
            .hashed_token(LEAKED_HASH)
            .programmatic_access_type("Personal access token (classic)")
            .token_scopes("repo,read:org")
            .user_agent("curl/8.5.0")
            .actor_ip("192.0.2.7")
            .country("Iceland")
    };
    let acme = (1..=150)
        .map(|h| {
            event(
                h,
                if h % 3 == 0 {
                    "repo.download_zip"
                } else {
                    "git.clone"
                },
                "acme/widgets",
            )
        })
        .chain([event(100 * 24, "git.clone", "acme/old")]);
    serve(
        common::github()
            .org(Org::new("acme", 1).audit_log(acme))
            .org(Org::new("globex", 2).audit_log([
                event(5, "repo.create", "globex/loot"),
                event(6, "git.push", "globex/loot"),
            ]))
            .org(Org::new("initech", 3).failing_audit_log(Failure::NotFound))
            .org(Org::new("hooli", 4).failing_audit_log(Failure::Forbidden)),
    )
}

/// `pat-audit trace --base-url URL --now NOW` plus `args`.
fn trace(server: &Server, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = pat_audit();
    cmd.args(["trace", "--base-url", server.url(), "--now", NOW])
        .args(args);
    cmd
}

/// Runs `cmd` and returns (status, stdout, stderr), checking no token shows.
fn run(mut cmd: impl std::borrow::BorrowMut<assert_cmd::Command>) -> (i32, String, String) {
    let cmd = cmd.borrow_mut();
    let output = cmd.output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    );
    for token in [LEAKED, QUIET] {
        assert!(
            !stdout.contains(token) && !stderr.contains(token),
            "a token shows:\n{stdout}\n{stderr}"
        );
    }
    (output.status.code().unwrap(), stdout, stderr)
}

fn tokens_file(lines: &[&str]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(file, "# leaked on 2025-06-01").unwrap();
    for line in lines {
        writeln!(file, "{line}").unwrap();
    }
    file
}

#[test]
fn tokens_on_stdin_are_traced_across_pages_and_organizations_newest_first() {
    let server = github();
    let (code, stdout, stderr) = run(trace(
        &server,
        &["--org", "acme,globex", "--token-stdin", "--format", "json"],
    )
    .write_stdin(format!("{LEAKED}\n{QUIET}\n")));
    assert_eq!(code, 3, "{stderr}");
    let rows = json_lines(stdout.as_bytes());
    assert_eq!(
        rows.len(),
        152,
        "the event of 100 days ago is before --since's 90 days"
    );
    // The keys' order is read off the line as printed: a parsed `Value`
    // sorts its keys unless serde_json's `preserve_order` is on somewhere in
    // the build.
    let first = stdout.lines().next().unwrap();
    let declared = [
        "org",
        "token",
        "hashed_token",
        "created_at",
        "action",
        "actor",
        "repository",
        "programmatic_access_type",
        "token_scopes",
        "user_agent",
        "actor_ip",
        "country",
    ];
    let at: Vec<usize> = declared
        .iter()
        .map(|k| {
            first
                .find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k} in {first}"))
        })
        .collect();
    assert!(at.is_sorted(), "keys out of order: {first}");
    assert_eq!(
        rows[0].as_object().unwrap().len(),
        declared.len(),
        "{first}"
    );
    let acme: Vec<&Value> = rows.iter().filter(|r| r["org"] == "acme").collect();
    assert_eq!(acme.len(), 150);
    assert_eq!(acme[0]["created_at"], "2025-06-01T11:00:00Z");
    assert_eq!(acme[149]["created_at"], "2025-05-26T06:00:00Z");
    let row = &acme[0];
    assert_eq!(row["token"], "ghp_…Q7x2");
    assert_eq!(row["hashed_token"], LEAKED_HASH);
    assert_eq!(row["country"], "Iceland");
    assert_eq!(row["token_scopes"], "repo,read:org");
    // Two pages for acme, followed by their cursor; each token asked once per organization.
    let acme_reads = server.requests_to("/orgs/acme/audit-log").len()
        + server.requests_to("/organizations/1/audit-log").len();
    assert_eq!(acme_reads, 3, "{:?}", server.requests());
    let phrase = server.standin.log().iter().find_map(|r| {
        (r.path() == "/orgs/globex/audit-log").then(|| r.query().unwrap_or_default().to_string())
    });
    assert!(
        phrase
            .unwrap()
            .contains("created%3A%3E%3D2025-03-03T12%3A00%3A00Z")
    );
    assert!(stderr.contains("152 events; 1 acted"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "ghp_…Q7x2 (hashed_token {LEAKED_HASH}): 152 events in acme, globex"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("hashed_token {QUIET_HASH}): no activity")),
        "{stderr}"
    );
}

#[test]
fn a_token_file_and_since_and_a_token_that_did_nothing_exit_0() {
    let server = github();
    let file = tokens_file(&[QUIET]);
    let path = file.path().to_str().unwrap();
    let (code, stdout, stderr) = run(trace(
        &server,
        &["--org", "acme", "--token-file", path, "--format", "json"],
    ));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    let file = tokens_file(&[LEAKED]);
    let path = file.path().to_str().unwrap();
    let (code, stdout, _) = run(trace(
        &server,
        &[
            "--org",
            "acme",
            "--token-file",
            path,
            "--format",
            "json",
            "--since",
            "2025-06-01T07:00:00Z",
        ],
    ));
    assert_eq!(code, 3);
    assert_eq!(json_lines(stdout.as_bytes()).len(), 5);
    let (code, stdout, _) = run(trace(
        &server,
        &[
            "--org",
            "acme",
            "--hashed-token",
            LEAKED_HASH,
            "--since",
            "200",
            "--format",
            "json",
        ],
    ));
    assert_eq!(code, 3);
    let rows = json_lines(stdout.as_bytes());
    assert_eq!(rows.len(), 151, "200 days back reaches the old event");
    assert_eq!(rows[0]["token"], "");
}

#[test]
fn a_malformed_line_is_named_by_number_and_nothing_is_sent() {
    let server = github();
    let (code, stdout, stderr) = run(trace(&server, &["--org", "acme", "--token-stdin"])
        .write_stdin(format!("{LEAKED}\nhunter2-password\n\n")));
    assert_eq!(code, 1);
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("standard input: line 2 is not a GitHub token"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(server.requests().is_empty());
}

#[test]
fn a_token_on_the_command_line_is_refused_with_the_reason() {
    let server = github();
    for args in [
        vec!["--org", "acme", "--hashed-token", LEAKED],
        vec!["--org", "acme", &*format!("--token={LEAKED}")],
    ] {
        let (code, _, stderr) = run(trace(&server, &args));
        assert_eq!(code, 1);
        assert!(stderr.contains("looks like a GitHub token"), "{stderr}");
        assert!(stderr.contains("every user of this machine"), "{stderr}");
    }
    assert!(server.requests().is_empty());
}

#[test]
fn an_organization_without_an_audit_log_is_named_and_the_others_are_traced() {
    let server = github();
    let (code, stdout, stderr) = run(trace(
        &server,
        &[
            "--org",
            "initech,globex",
            "--hashed-token",
            LEAKED_HASH,
            "--format",
            "json",
        ],
    ));
    assert_eq!(code, 1, "errors win over activity");
    assert_eq!(json_lines(stdout.as_bytes()).len(), 2);
    assert!(
        stderr.contains("initech: reading the audit log failed: GitHub API error 404: Not Found"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\"Administration\" (organization_administration): read"),
        "{stderr}"
    );
    assert!(stderr.contains("GitHub Enterprise Cloud"), "{stderr}");
    let (code, _, stderr) = run(trace(
        &server,
        &["--org", "hooli", "--hashed-token", LEAKED_HASH],
    ));
    assert_eq!(code, 1);
    assert!(stderr.contains("hooli: reading the audit log failed: GitHub API error 403: Resource not accessible by integration"), "{stderr}");
    assert!(
        stderr.contains("the GitHub App lacks the organization permission \"Administration\""),
        "{stderr}"
    );
}

#[test]
fn every_format_parses_back_and_output_keeps_the_raw_events() {
    let server = github();
    let args = ["--org", "globex", "--hashed-token", LEAKED_HASH];
    let (_, csv, _) = run(trace(&server, &args).args(["--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.headers().unwrap().len(), 12);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(&records[0][4], "repo.create");
    let (_, md, _) = run(trace(&server, &args).args(["--format", "markdown"]));
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with("| globex |")).collect();
    assert_eq!(table.len(), 2, "{md}");
    assert_eq!(table[0].matches(" | ").count(), 11, "{md}");
    assert!(md.contains("1 token traced in 1 organization"), "{md}");
    let (_, text, _) = run(trace(&server, &args).args(["--format", "table"]));
    assert!(
        text.contains("repo.create") && text.contains("git.push"),
        "{text}"
    );
    assert!(text.contains("2 events in globex"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("trace.json");
    let (code, _, _) =
        run(trace(&server, &args).args(["--format", "json", "--output", out.to_str().unwrap()]));
    assert_eq!(code, 3);
    let kept: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(kept["format"], "pat-audit-trace");
    let events = kept["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["event"]["user_agent"], "curl/8.5.0");
    assert_eq!(
        events[0]["event"]["actor_location"]["country_name"],
        "Iceland"
    );
    assert_eq!(kept["tokens"][0]["events"], 2);
    assert!(!dir.path().join("trace.json.partial").exists());
}

#[test]
fn revoke_asks_first_and_never_reads_confirmation_from_the_tokens() {
    let server = github();
    let (code, stdout, stderr) = run(trace(
        &server,
        &["--org", "acme", "--token-stdin", "--revoke"],
    )
    .write_stdin(format!("{LEAKED}\n")));
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(
        stderr.contains("refusing to revoke without confirmation"),
        "{stderr}"
    );
    assert!(stderr.contains("it carries the tokens"), "{stderr}");
    assert!(server.requests().is_empty());
}

#[test]
fn revoke_yes_sends_the_tokens_without_credentials_and_reports_each() {
    let server = github();
    let (code, _, stderr) = run(trace(
        &server,
        &[
            "--org",
            "globex",
            "--token-stdin",
            "--revoke",
            "--yes",
            "--format",
            "json",
        ],
    )
    .write_stdin(format!(
        "{LEAKED}\n{QUIET}\nghs_InstallationTokenAbcdefghij0123456789\n"
    )));
    assert_eq!(code, 3, "{stderr}");
    let posts: Vec<_> = server
        .standin
        .log()
        .into_iter()
        .filter(|r| r.path() == "/credentials/revoke")
        .collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].header("authorization"), None);
    assert_eq!(posts[0].status(), 202);
    assert_eq!(server.standin.revoked_credentials(), [LEAKED, QUIET]);
    assert!(stderr.contains("revocation: revoked"), "{stderr}");
    assert!(stderr.contains("revocation: skipped (GitHub's revocation API does not take a GitHub App installation token"), "{stderr}");
    // The audit log was read with the credentials, the revocation without.
    assert!(
        server
            .standin
            .log()
            .iter()
            .filter(|r| r.path().ends_with("/audit-log"))
            .all(|r| r.bearer().is_some())
    );
}

#[test]
fn revoke_sends_at_most_1000_tokens_a_call() {
    let server = github();
    let tokens: Vec<String> = (0..1001).map(|i| format!("ghp_{i:036}")).collect();
    let file = tokens_file(&tokens.iter().map(String::as_str).collect::<Vec<_>>());
    let (code, _, stderr) = run(trace(
        &server,
        &[
            "--org",
            "globex",
            "--token-file",
            file.path().to_str().unwrap(),
            "--revoke",
            "--yes",
            "--format",
            "json",
            "--concurrency",
            "16",
            "--quiet",
        ],
    ));
    assert_eq!(code, 0, "{stderr}");
    let sizes: Vec<usize> = server
        .standin
        .log()
        .iter()
        .filter(|r| r.path() == "/credentials/revoke")
        .map(|r| r.json().unwrap()["credentials"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [1000, 1]);
    assert_eq!(server.standin.revoked_credentials().len(), 1001);
}

#[test]
fn a_refused_revocation_is_reported_with_githubs_message() {
    let server = github();
    server.standin.inject(
        Fault::respond(Failure::Unprocessable("Validation Failed".into()))
            .path("/credentials/revoke"),
    );
    let file = tokens_file(&[LEAKED]);
    let (code, _, stderr) = run(trace(
        &server,
        &[
            "--org",
            "globex",
            "--token-file",
            file.path().to_str().unwrap(),
            "--revoke",
            "--yes",
            "--format",
            "csv",
        ],
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("revocation: refused (Validation Failed (HTTP 422))"),
        "{stderr}"
    );
    assert!(server.standin.revoked_credentials().is_empty());
}

#[cfg(feature = "demo")]
#[test]
fn the_demo_traces_its_planted_token() {
    let token = pat_audit::token::Token::parse(pat_audit::demo::LEAKED_TOKEN).unwrap();
    assert_eq!(token.hashed(), pat_audit::demo::LEAKED_HASH);
    let (code, stdout, stderr) = run(pat_audit().args(["demo", "--trace", "--format", "json"]));
    assert_eq!(code, 3, "{stderr}");
    assert!(
        !stdout.contains(pat_audit::demo::LEAKED_TOKEN)
            && !stderr.contains(pat_audit::demo::LEAKED_TOKEN)
    );
    let rows = json_lines(stdout.as_bytes());
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0]["token"], "ghp_…6789");
    assert!(stderr.contains("5 events in acme-corp, globex"), "{stderr}");
}

#[test]
fn the_audit_logs_own_rate_limit_is_waited_out() {
    // One audit-log query left in this window, which resets in two seconds.
    let reset = Utc::now() + TimeDelta::seconds(2);
    let server =
        serve(
            common::github()
                .audit_log_rate_limit(1)
                .rate_limit_reset(reset)
                .org(Org::new("acme", 1))
                .org(Org::new("globex", 2).audit_log([
                    AuditEvent::new("git.clone", hours_ago(1)).hashed_token(LEAKED_HASH),
                ])),
        );
    let (code, stdout, stderr) = run(trace(
        &server,
        &[
            "--org",
            "acme,globex",
            "--hashed-token",
            LEAKED_HASH,
            "--format",
            "json",
            "--concurrency",
            "1",
        ],
    ));
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(json_lines(stdout.as_bytes()).len(), 1);
    let statuses: Vec<u16> = server.standin.log().iter().map(|r| r.status()).collect();
    assert_eq!(
        statuses,
        [200, 403, 200],
        "the refused query is sent again after the reset"
    );
    assert!(server.standin.log()[2].at() >= reset - TimeDelta::seconds(1));
}
