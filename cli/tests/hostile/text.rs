//! Attack 5: other people's text written raw. Any member names their
//! token, and whoever holds a leaked token sets the user agent in the audit
//! log: a spreadsheet formula stays data in CSV (OWASP's rule: a cell that
//! begins with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'`), the
//! terminal formats (table, markdown) carry no escape sequence, bell or
//! bidirectional override, and JSON keeps every name exactly.

use std::time::Duration;

use chrono::TimeDelta;
use github_standin::{AuditEvent, Grant, Org};
use serde_json::Value;

use crate::common::{NOW, Server, github, json_lines, now, serve};
use crate::support::{Outcome, assert_no_raw_controls, pat_audit, run};

const FORMULA: &str = "=HYPERLINK(\"https://evil.example\")";
/// Sets the terminal's title (OSC 0 ... BEL), then clears the screen.
const ESCAPES: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2Jy";
/// Shows `exe.txt` reversed as `txt.exe`: a right-to-left override.
const BIDI: &str = "invoice-\u{202e}txt.exe";

const NAMES: [(i64, &str); 3] = [(1, FORMULA), (2, ESCAPES), (3, BIDI)];

const HASH: &str = "LZnp6/BhGslASdxCQk50OyHMMAl9yWKQ61gZz/eY5SU=";

/// acme's three grants named by attackers, each with a finding (no
/// expiry) so that it is reported; and an audit-log event of a leaked
/// token whose user agent carries escape sequences.
fn hostile_names() -> Server {
    let grants = NAMES.map(|(id, name)| Grant::new(id).token_name(name).expires_at(None));
    let event = AuditEvent::new("git.clone", now() - TimeDelta::hours(2))
        .actor("mallory")
        .repository("acme/widgets")
        .hashed_token(HASH)
        .user_agent(ESCAPES);
    serve(github().org(Org::new("acme", 652551).grants(grants).audit_log([event])))
}

fn audit(server: &Server, format: &str) -> Outcome {
    let mut cmd = pat_audit(&["audit", "--base-url", server.url(), "--now", NOW]);
    cmd.args(["--org", "acme", "--format", format, "--color", "never"]);
    let out = run(cmd, b"", Duration::from_secs(120));
    assert_eq!(out.code, Some(0), "{format}: {}", out.stderr);
    // stderr is a terminal's, whatever the format of stdout.
    assert_no_raw_controls(&format!("--format {format}'s stderr"), &out.stderr);
    out
}

#[test]
fn a_token_named_as_a_formula_is_not_a_formula_in_csv() {
    let server = hostile_names();
    let out = audit(&server, "csv");
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let mut names = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        names.push((record[2].parse::<i64>().unwrap(), record[4].to_string()));
    }
    let formula: Vec<&String> = names
        .iter()
        .filter(|(id, _)| *id == 1)
        .map(|(_, n)| n)
        .collect();
    assert!(
        !formula.is_empty(),
        "grant 1 is not reported:\n{}",
        out.stdout
    );
    for name in formula {
        assert_eq!(name, &format!("'{FORMULA}"), "{}", out.stdout);
    }
}

#[test]
fn table_and_markdown_carry_no_escape_sequence_bell_or_bidi_override() {
    let server = hostile_names();
    for format in ["table", "markdown"] {
        let out = audit(&server, format);
        assert!(out.stdout.contains("acme"), "{format}: {}", out.stdout);
        assert_no_raw_controls(&format!("--format {format}"), &out.all_output());
    }
}

#[test]
fn json_keeps_every_name_exactly() {
    let server = hostile_names();
    let out = audit(&server, "json");
    let lines = json_lines(out.stdout.as_bytes());
    for (id, name) in NAMES {
        let names: Vec<&Value> = lines
            .iter()
            .filter(|l| l["id"] == id)
            .map(|l| &l["token_name"])
            .collect();
        assert!(!names.is_empty(), "grant {id} is not reported");
        assert!(names.iter().all(|n| *n == name), "{names:?}");
    }
}

#[test]
fn trace_shows_a_user_agent_of_escape_sequences_escaped_and_json_keeps_it() {
    let server = hostile_names();
    let trace = |format: &str| {
        let mut cmd = pat_audit(&["trace", "--base-url", server.url(), "--now", NOW]);
        cmd.args(["--org", "acme", "--hashed-token", HASH, "--format", format])
            .args(["--color", "never"]);
        run(cmd, b"", Duration::from_secs(120))
    };
    let table = trace("table");
    assert_eq!(table.code, Some(3), "activity found: {}", table.stderr);
    assert!(table.stdout.contains("git.clone"), "{}", table.stdout);
    assert_no_raw_controls("trace --format table", &table.all_output());
    let json = trace("json");
    let rows = json_lines(json.stdout.as_bytes());
    assert_eq!(rows.len(), 1, "{}", json.stdout);
    assert_eq!(rows[0]["user_agent"], ESCAPES);
    assert_no_raw_controls("trace --format json's stderr", &json.stderr);
}
