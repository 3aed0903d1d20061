#![forbid(unsafe_code)]
//! The command line's usual conveniences, from outside: `--version`, the
//! shells' completion scripts and the manual pages (and that the copies kept
//! in the repository are current), `--color` and `NO_COLOR`, `--quiet`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::{NOW, audit, github, pat_audit, serve};
use github_standin::{Grant, Org, TokenRequest};
use predicates::prelude::PredicateBooleanExt as _;
use predicates::str::contains;

/// The commands that rewrite the kept copies; a stale copy names them.
const REGENERATE: &str = "cargo run -p pat-audit -- completions --dir cli/completions && \
                          cargo run -p pat-audit -- man --dir cli/man";

fn kept(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn version_names_pat_audit_the_sdk_and_githubs_descriptions() {
    let text = stdout_of(pat_audit().arg("--version"));
    let descriptions: Vec<String> = github_pat_grants::spec::DESCRIPTIONS
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            format!("pat-audit {}", env!("CARGO_PKG_VERSION")),
            format!("SDK: github-pat-grants {}", github_pat_grants::VERSION),
            format!("descriptions: {}", descriptions.join(", ")),
            format!("REST API version: {}", github_pat_grants::spec::API_VERSION),
        ]
    );
    assert!(text.contains("\ndescriptions: api.github.com "), "{text}");
    // -V is the short form.
    let short = stdout_of(pat_audit().arg("-V"));
    assert_eq!(short, format!("pat-audit {}\n", env!("CARGO_PKG_VERSION")));
}

/// Each shell and the file its script is kept in.
const SHELLS: [(&str, &str); 4] = [
    ("bash", "pat-audit.bash"),
    ("zsh", "_pat-audit"),
    ("fish", "pat-audit.fish"),
    ("powershell", "_pat-audit.ps1"),
];

#[test]
fn each_shell_gets_the_completion_script_kept_in_the_repository() {
    for (shell, file) in SHELLS {
        let script = stdout_of(pat_audit().args(["completions", shell]));
        for word in ["audit", "revoke", "completions", "color", "fail-on"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
        let kept = std::fs::read_to_string(kept(&format!("completions/{file}"))).unwrap();
        assert!(
            script == kept,
            "cli/completions/{file} is stale: run `{REGENERATE}`"
        );
    }
    pat_audit()
        .args(["completions", "tcsh"])
        .assert()
        .code(1)
        .stderr(contains("bash, zsh, fish, powershell"));
}

#[test]
fn bash_completes_subcommands_flags_and_values_with_the_script() {
    // What bash does on <TAB>: the function the script registers, called
    // with the words typed so far.
    let complete = |words: &str| {
        let script = kept("completions/pat-audit.bash");
        let program = format!(
            "source '{}'; f=$(complete -p pat-audit | sed -E 's/.*-F ([^ ]+).*/\\1/'); \
             COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             \"$f\" pat-audit \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = Command::new("bash")
            .args(["-c", &program])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let subcommands = complete("pat-audit com");
    assert_eq!(subcommands.trim(), "completions", "{subcommands}");
    assert!(complete("pat-audit --col").contains("--color"));
    // After a subcommand, its own flags and their values.
    assert_eq!(complete("pat-audit audit --fail-o").trim(), "--fail-on");
    assert!(complete("pat-audit audit --fail-on ''").contains("admin-access"));
    let shells = complete("pat-audit completions ''");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.lines().any(|l| l == shell), "{shells}");
    }
}

#[test]
fn man_prints_the_main_page_kept_in_the_repository() {
    let page = stdout_of(pat_audit().arg("man"));
    assert!(page.starts_with(".ie \\n(.g"), "{page}");
    assert!(page.contains(".TH pat-audit 1"), "{page}");
    for section in ["SYNOPSIS", "OPTIONS", "SUBCOMMANDS", "VERSION"] {
        assert!(page.contains(&format!(".SH {section}")), "{section}");
    }
    assert!(page.contains("NO_COLOR"), "the environment is documented");
    let kept = std::fs::read_to_string(kept("man/pat-audit.1")).unwrap();
    assert!(
        page == kept,
        "cli/man/pat-audit.1 is stale: run `{REGENERATE}`"
    );
}

/// The names of the files in `dir`.
fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// The files that differ between what was just made and what is kept:
/// different, missing, or kept but no longer made.
fn stale(made: &Path, kept: &Path, shown: &str) -> Vec<String> {
    let (made_names, kept_names) = (names(made), names(kept));
    made_names
        .union(&kept_names)
        .filter(|name| {
            let read = |dir: &Path| std::fs::read(dir.join(name)).ok();
            read(made) != read(kept)
        })
        .map(|name| format!("{shown}/{name}"))
        .collect()
}

#[test]
fn the_kept_completions_and_manual_pages_are_current() {
    let dir = tempfile::tempdir().unwrap();
    let (completions, man) = (dir.path().join("completions"), dir.path().join("man"));
    pat_audit()
        .args(["completions", "--dir"])
        .arg(&completions)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    pat_audit()
        .args(["man", "--dir"])
        .arg(&man)
        .assert()
        .success();
    assert_eq!(names(&completions).len(), SHELLS.len());
    assert!(names(&man).contains("pat-audit-audit.1"));
    let mut stale_files = stale(&completions, &kept("completions"), "cli/completions");
    stale_files.extend(stale(&man, &kept("man"), "cli/man"));
    assert!(
        stale_files.is_empty(),
        "stale: {stale_files:?}; regenerate them with `{REGENERATE}`"
    );
}

#[test]
fn a_file_that_cannot_be_written_is_named_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the bash script goes: it cannot be replaced by a file.
    std::fs::create_dir(dir.path().join("pat-audit.bash")).unwrap();
    pat_audit()
        .args(["completions", "--dir"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(contains("pat-audit: error: writing ").and(contains("pat-audit.bash")));
    assert!(dir.path().join("pat-audit.bash").is_dir());
    // Nothing half-written is left behind.
    assert_eq!(names(dir.path()), BTreeSet::from(["pat-audit.bash".into()]));
}

/// The demo's table on stdout, with `args` before `demo` and `NO_COLOR`
/// set to `no_color` (or unset).
fn demo_table(args: &[&str], no_color: Option<&str>) -> String {
    let mut cmd = pat_audit();
    match no_color {
        Some(value) => cmd.env("NO_COLOR", value),
        None => cmd.env_remove("NO_COLOR"),
    };
    stdout_of(cmd.args(args).args(["demo", "--format", "table"]))
}

/// The demo's table as a terminal shows it: `script` gives the command a
/// pseudo-terminal for stdout (stderr goes to /dev/null, so that only the
/// table is read).
fn demo_table_on_a_terminal(args: &[&str], no_color: Option<&str>) -> String {
    let command = format!(
        "'{}' {} demo --format table 2>/dev/null",
        env!("CARGO_BIN_EXE_pat-audit"),
        args.join(" ")
    );
    let mut script = Command::new("script");
    script.args(["-qec", &command, "/dev/null"]);
    match no_color {
        Some(value) => script.env("NO_COLOR", value),
        None => script.env_remove("NO_COLOR"),
    };
    let out = script.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// A bold header, and a finding in yellow.
const BOLD: &str = "\x1b[1m";
const YELLOW: &str = "\x1b[38;5;11m";

#[test]
fn color_always_colours_the_table_into_a_pipe_even_with_no_color() {
    for no_color in [None, Some("1")] {
        let table = demo_table(&["--color", "always"], no_color);
        assert!(table.contains(BOLD) && table.contains(YELLOW), "{table:?}");
        assert!(table.contains("expired"), "{table}");
    }
    // The flag goes after the subcommand too.
    let mut cmd = pat_audit();
    cmd.env_remove("NO_COLOR")
        .args(["demo", "--format", "table", "--color", "always"]);
    assert!(stdout_of(&mut cmd).contains(BOLD));
}

#[test]
fn no_color_and_never_leave_no_escape_sequence_even_on_a_terminal() {
    // On a terminal, auto colours: this is what the others must not do.
    let auto = demo_table_on_a_terminal(&[], None);
    assert!(auto.contains(BOLD) && auto.contains(YELLOW), "{auto:?}");
    for (args, no_color) in [
        (&[][..], Some("1")),
        (&["--color", "never"][..], None),
        (&["--color", "auto"][..], Some("true")),
    ] {
        let table = demo_table_on_a_terminal(args, no_color);
        assert!(table.contains("expired"), "{table}");
        assert!(!table.contains('\x1b'), "{args:?} {no_color:?}: {table:?}");
    }
    // Into a pipe, auto does not colour, nor does NO_COLOR.
    for no_color in [None, Some("1")] {
        let table = demo_table(&[], no_color);
        assert!(
            table.contains("expired") && !table.contains('\x1b'),
            "{table:?}"
        );
    }
    // The machine formats never carry colour.
    let json = stdout_of(pat_audit().args(["--color", "always", "demo", "--format", "json"]));
    assert!(!json.contains('\x1b'));
}

#[test]
fn quiet_leaves_the_report_and_errors_in_audit_and_demo() {
    // Without --quiet there is something on stderr to silence.
    pat_audit()
        .args(["demo", "--format", "json"])
        .assert()
        .success()
        .stderr(contains("pat-audit demo:"));
    for args in [
        &["-q", "demo", "--format", "json"][..],
        &["demo", "--format", "csv", "--quiet"][..],
    ] {
        pat_audit()
            .args(args)
            .assert()
            .success()
            .stdout(contains("acme-corp"))
            .stderr("");
    }
    // Errors stay.
    let failing =
        serve(github().org(Org::new("acme", 1).failing_grants(github_standin::Failure::Forbidden)));
    audit(&failing, &["--org", "acme", "--quiet"])
        .assert()
        .code(1)
        .stderr(contains("pat-audit: error: acme:"));
}

#[test]
fn quiet_leaves_the_report_alone_in_diff_revoke_and_review() {
    let server = serve(
        github().org(
            Org::new("acme", 652551)
                .grants([Grant::new(1)])
                .requests([TokenRequest::new(100)]),
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.json"), dir.path().join("new.json"));
    pat_audit()
        .args(["-q", "demo", "--output"])
        .arg(&old)
        .assert()
        .success();
    audit(&server, &["--org", "acme", "-q", "--output"])
        .arg(&new)
        .assert()
        .success();
    // The demo's organizations are not in the new snapshot: warnings, and a summary line.
    let diff = |quiet: &[&str]| {
        let mut cmd = pat_audit();
        cmd.args(quiet)
            .arg("diff")
            .args([&old, &new])
            .args(["--format", "json"]);
        cmd.assert().success()
    };
    diff(&[]).stderr(contains("pat-audit: warning:"));
    diff(&["--quiet"]).stderr("");

    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "[[requests.deny]]\nreason = \"no\"\nlifetime_over_days = 1\n",
    )
    .unwrap();
    let act = |args: &[&str]| {
        let mut cmd = pat_audit();
        cmd.args(args)
            .args(["--org", "acme", "--base-url", server.url(), "--now", NOW])
            .args(["--format", "json"]);
        cmd
    };
    // A summary line and a warning for the grant that is not there.
    act(&["revoke", "--grant", "1,999"])
        .assert()
        .success()
        .stderr(contains("pat-audit: warning: grant 999"));
    act(&["revoke", "--grant", "1,999", "-q"])
        .assert()
        .success()
        .stdout(contains("\"id\":1"))
        .stderr("");
    let review = ["review", "--policy", policy.to_str().unwrap()];
    act(&review)
        .assert()
        .success()
        .stderr(contains("1 request"));
    act(&review)
        .arg("--quiet")
        .assert()
        .success()
        .stdout(contains("\"id\":100"))
        .stderr("");
}
