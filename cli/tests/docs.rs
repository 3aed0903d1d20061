#![forbid(unsafe_code)]
//! The shell blocks of README.md and docs/*.md run as shown: every
//! `pat-audit` command line in them parses with pat-audit's own command line
//! (flags, values, finding names), and every example, benchmark, install path
//! and script they name exists, with the flags they give it. The Rust blocks
//! are doctests (src/lib.rs) and the YAML blocks are linted as workflows
//! (`cargo xtask snippets`, `.ci/run`).

use std::path::Path;

use clap::Parser as _;
use pat_audit::args::Cli;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// One command of a shell block, split into words as the shell would.
#[derive(Debug)]
struct Command {
    /// `docs/pat-audit.md:175`.
    source: String,
    words: Vec<String>,
}

/// Every command of every `sh` block of the README and docs/.
fn commands() -> Vec<Command> {
    let root = Path::new(ROOT);
    let mut found = Vec::new();
    for path in doc_blocks::documents(root).unwrap() {
        let text = std::fs::read_to_string(root.join(&path)).unwrap();
        for block in doc_blocks::blocks(&text)
            .into_iter()
            .filter(|b| b.lang == "sh")
        {
            for (offset, line) in logical_lines(&block.text) {
                let words = words(&line);
                if !words.is_empty() {
                    found.push(Command {
                        source: format!("{}:{}", path.display(), block.line + 1 + offset),
                        words,
                    });
                }
            }
        }
    }
    found
}

/// Lines with `\` continuations joined, each with its offset in the block.
fn logical_lines(block: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in block.lines().enumerate() {
        let (start, mut text) = current.take().unwrap_or((i, String::new()));
        match line.strip_suffix('\\') {
            Some(continued) => {
                text.push_str(continued);
                current = Some((start, text));
            }
            None => {
                text.push_str(line);
                lines.push((start, text));
            }
        }
    }
    lines.extend(current);
    lines
}

/// The words of a command: quotes removed, up to a comment, a redirection
/// or a pipe, without leading `NAME=value` assignments.
fn words(line: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_default().push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, '#' | '>' | '|') if word.is_none() => break,
            (None, c) => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    let assignments = words
        .iter()
        .take_while(|w| w.split_once('=').is_some_and(|(name, _)| is_name(name)))
        .count();
    words.drain(..assignments);
    words
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What a command is, and so how it is checked.
#[derive(Debug, PartialEq)]
enum Kind<'a> {
    /// `pat-audit ARGS` or `cargo run -p pat-audit -- ARGS`.
    PatAudit(&'a [String]),
    /// `cargo run [--release] --example NAME -- ...`.
    Example(&'a str),
    /// `cargo bench --bench NAME`.
    Bench(&'a str),
    /// `cargo install --path DIR ...` (`--git URL` is not checked).
    Install(Option<&'a str>),
    /// `python3 SCRIPT FLAGS...`.
    Script(&'a str, &'a [String]),
    /// Known, and not checked here: `cargo xtask` (its command line is the
    /// xtask binary's own), `cargo test`, `export`.
    Unchecked,
}

fn kind(words: &[String]) -> Option<Kind<'_>> {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let after_dashes = || {
        let at = w.iter().position(|x| *x == "--").map_or(w.len(), |i| i + 1);
        &words[at..]
    };
    let value_of = |flag: &str| {
        w.iter()
            .position(|x| *x == flag)
            .and_then(|i| w.get(i + 1))
            .copied()
    };
    Some(match w.as_slice() {
        ["pat-audit", ..] => Kind::PatAudit(&words[1..]),
        ["cargo", "run", "-p", "pat-audit", ..] => Kind::PatAudit(after_dashes()),
        ["cargo", "run", ..] if w.contains(&"--example") => Kind::Example(value_of("--example")?),
        ["cargo", "bench", ..] => Kind::Bench(value_of("--bench")?),
        ["cargo", "install", ..] => Kind::Install(value_of("--path")),
        ["python3", script, ..] => Kind::Script(script, &words[2..]),
        ["cargo", "xtask" | "test", ..] | ["export", ..] => Kind::Unchecked,
        _ => return None,
    })
}

/// The file of an example or benchmark of the SDK's package, pat-audit's
/// or the generator's.
fn target_file(folder: &str, name: &str) -> bool {
    [".", "cli", "xtask"].iter().any(|package| {
        Path::new(ROOT)
            .join(package)
            .join(folder)
            .join(format!("{name}.rs"))
            .is_file()
    })
}

fn check(command: &Command) -> Result<(), String> {
    match kind(&command.words) {
        None => Err("a command the docs test does not know: teach it to check this one".into()),
        Some(Kind::PatAudit(args)) => {
            let argv = std::iter::once("pat-audit").chain(args.iter().map(String::as_str));
            Cli::try_parse_from(argv)
                .map(drop)
                .map_err(|e| e.to_string())
        }
        Some(Kind::Example(name)) if !target_file("examples", name) => {
            Err(format!("no example {name}"))
        }
        Some(Kind::Bench(name)) if !target_file("benches", name) => {
            Err(format!("no benchmark {name}"))
        }
        Some(Kind::Install(Some(path)))
            if !Path::new(ROOT).join(path).join("Cargo.toml").is_file() =>
        {
            Err(format!("no package at {path}"))
        }
        Some(Kind::Script(script, args)) => {
            let text = std::fs::read_to_string(Path::new(ROOT).join(script))
                .map_err(|e| format!("{script}: {e}"))?;
            // A flag is a quoted string in the script (argparse's "--audit-only").
            let defined = |flag: &str| {
                ['"', '\'']
                    .iter()
                    .any(|q| text.contains(&format!("{q}{flag}{q}")))
            };
            match args.iter().find(|a| a.starts_with("--") && !defined(a)) {
                Some(flag) => Err(format!("{script} has no {flag}")),
                None => Ok(()),
            }
        }
        Some(_) => Ok(()),
    }
}

#[test]
fn every_shell_command_of_the_readme_and_docs_runs_as_shown() {
    let commands = commands();
    let pat_audit = commands
        .iter()
        .filter(|c| matches!(kind(&c.words), Some(Kind::PatAudit(_))))
        .count();
    // The README's four-line tour, the demo and the reference's examples.
    assert!(pat_audit >= 15, "only {pat_audit} pat-audit commands found");
    let failures: Vec<String> = commands
        .iter()
        .filter_map(|c| {
            check(c)
                .err()
                .map(|e| format!("{}: `{}`: {e}", c.source, c.words.join(" ")))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn words_are_split_as_the_shell_splits_them() {
    assert_eq!(
        words(
            r#"GITHUB_TOKEN=ghs_... pat-audit revoke --reason "INC 42" --apply >> "$GITHUB_STEP_SUMMARY""#
        ),
        ["pat-audit", "revoke", "--reason", "INC 42", "--apply"]
    );
    assert_eq!(
        words("cargo test --workspace    # every test"),
        ["cargo", "test", "--workspace"]
    );
    assert_eq!(words("  # a comment"), Vec::<String>::new());
    let joined = logical_lines("a \\\n  b\nc\n");
    assert_eq!(joined, [(0, "a   b".to_string()), (2, "c".to_string())]);
}

/// The check refuses what the docs could get wrong.
#[test]
fn a_wrong_flag_an_unknown_finding_or_a_missing_example_is_caught() {
    for (line, error) in [
        (
            "pat-audit audit --org acme --fail-on expird",
            "invalid value 'expird'",
        ),
        (
            "pat-audit audit --org acme --colour never",
            "unexpected argument '--colour'",
        ),
        (
            "cargo run --example list-grant -- --org x",
            "no example list-grant",
        ),
        ("python3 benches/run.py --audit-onl", "has no --audit-onl"),
        ("curl https://example.com", "does not know"),
    ] {
        let command = Command {
            source: "test".into(),
            words: words(line),
        };
        let message = check(&command).expect_err(line);
        assert!(message.contains(error), "{line}: {message}");
    }
}
