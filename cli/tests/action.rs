#![forbid(unsafe_code)]
//! The GitHub Action (`action.yml`) runs `action/run.sh audit` with its
//! inputs as `INPUT_*` variables, on a runner that provides `RUNNER_TEMP`,
//! `GITHUB_STEP_SUMMARY` and `GITHUB_OUTPUT`. These tests run that same
//! script the same way, against the GitHub stand-in signed in as its demo
//! App with a throwaway key, and check what a workflow sees: the job summary,
//! the snapshot, the step's outputs, the exit status, that the key is
//! neither left on disk nor shown, and that with `cache: true` the folder
//! the action keeps between runs gets the next run answered with 304s.

// The demo's organizations and App are the `demo` feature's.
#![cfg(feature = "demo")]

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Output;

use chrono::{TimeDelta, Utc};
use common::{Server, github, serve_app};
use github_standin::{App, Grant, Org, ThrowawayKey};
use pat_audit::demo;
use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The demo's organizations and App, with a key made for this test.
struct Stage {
    server: Server,
    key: ThrowawayKey,
}

fn stage() -> Stage {
    let key = ThrowawayKey::generate().unwrap();
    let demo_github = github().orgs(demo::orgs()).as_of(demo::now());
    let server = serve_app(demo_github, demo::app(key.public_key().to_vec()));
    Stage { server, key }
}

/// What one run of the action's step left behind.
struct Run {
    output: Output,
    summary: String,
    outputs: BTreeMap<String, String>,
    runner_temp: tempfile::TempDir,
}

impl Run {
    fn status(&self) -> Option<i32> {
        self.output.status.code()
    }

    fn log(&self) -> String {
        format!(
            "{}{}",
            String::from_utf8_lossy(&self.output.stdout),
            String::from_utf8_lossy(&self.output.stderr)
        )
    }

    fn snapshot(&self) -> Value {
        let path = self.outputs.get("snapshot").expect("a snapshot output");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// Every file and folder left under `RUNNER_TEMP`, relative to it.
    fn left_in_runner_temp(&self) -> Vec<String> {
        let mut found = Vec::new();
        walk(self.runner_temp.path(), self.runner_temp.path(), &mut found);
        found.sort();
        found
    }
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        found.push(path.strip_prefix(root).unwrap().display().to_string());
        if path.is_dir() {
            walk(root, &path, found);
        }
    }
}

/// Runs `action/run.sh audit` as the action's audit step does: `inputs` by
/// their action.yml names (client-id ...), the private key from `stage`
/// unless `inputs` gives one, `base-url` at the stand-in, and the demo's
/// "now" so that the findings do not depend on today's date.
fn run_action(stage: &Stage, inputs: &[(&str, &str)], env: &[(&str, &str)]) -> Run {
    run_action_in(tempfile::tempdir().unwrap(), stage, inputs, env)
}

/// `run_action` with a `RUNNER_TEMP` that may hold what an earlier step
/// (actions/cache) put there.
fn run_action_in(
    runner_temp: tempfile::TempDir,
    stage: &Stage,
    inputs: &[(&str, &str)],
    env: &[(&str, &str)],
) -> Run {
    let summary = runner_temp.path().join("step_summary.md");
    let outputs = runner_temp.path().join("github_output");
    let mut all: BTreeMap<&str, &str> = BTreeMap::from([
        ("private-key", stage.key.private_key_pem()),
        ("base-url", stage.server.url()),
        ("args", "--now 2025-06-02T09:00:00Z"),
    ]);
    all.extend(inputs.iter().copied());
    let mut command = std::process::Command::new("bash");
    command
        .arg(Path::new(ROOT).join("action/run.sh"))
        .arg("audit")
        .env("PAT_AUDIT", env!("CARGO_BIN_EXE_pat-audit"))
        .env("RUNNER_TEMP", runner_temp.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env_remove("GITHUB_TOKEN")
        .envs(env.iter().copied());
    for (name, value) in all {
        command.env(input_variable(name), value);
    }
    let output = command.output().unwrap();
    let summary = std::fs::read_to_string(&summary).unwrap_or_default();
    // `name=value` lines, as the runner reads them.
    let outputs = std::fs::read_to_string(&outputs)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Run {
        output,
        summary,
        outputs,
        runner_temp,
    }
}

/// `client-id` -> `INPUT_CLIENT_ID`, as action.yml maps it.
fn input_variable(name: &str) -> String {
    format!("INPUT_{}", name.to_uppercase().replace('-', "_"))
}

/// The key's base64 lines: none may appear anywhere a workflow shows.
fn assert_key_not_shown(key: &ThrowawayKey, run: &Run) {
    let shown = format!("{}{}{:?}", run.log(), run.summary, run.outputs);
    for line in key
        .private_key_pem()
        .lines()
        .filter(|l| !l.starts_with("-----"))
    {
        assert!(!shown.contains(line), "a line of the key was shown");
    }
    let left = run.left_in_runner_temp();
    assert!(
        left.iter()
            .all(|p| !p.contains("key") && !p.ends_with(".pem")),
        "the key was left on disk: {left:?}"
    );
}

#[test]
fn all_installations_with_a_fail_on_finding_fails_with_the_report_in_the_summary() {
    let stage = stage();
    let run = run_action(
        &stage,
        &[
            ("client-id", demo::CLIENT_ID),
            ("all-installations", "true"),
            ("fail-on", "expired, admin-access"),
        ],
        &[],
    );
    assert_eq!(run.status(), Some(3), "{}", run.log());
    assert!(
        run.log()
            .contains("::error title=pat-audit::findings named in fail-on occurred")
    );
    // The summary is the markdown report, as GitHub renders it.
    assert!(run.summary.starts_with("## pat-audit\n"), "{}", run.summary);
    assert!(
        run.summary
            .contains("3 organizations audited at 2025-06-02T09:00:00Z")
            && run.summary.contains(
                "| acme-corp | grant | 1000001 | 501000001 | terraform | octocat | expired |"
            ),
        "{}",
        run.summary
    );
    assert_eq!(run.outputs["exit-code"], "3");
    assert_eq!(
        std::fs::read_to_string(&run.outputs["report"]).unwrap(),
        run.summary
    );
    // The snapshot is the whole audit: every organization, every grant.
    let snapshot = run.snapshot();
    let orgs: Vec<_> = snapshot["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["org"].as_str().unwrap(), o["grants"].as_u64().unwrap()))
        .collect();
    assert_eq!(orgs, [("acme-corp", 180), ("globex", 110), ("initech", 40)]);
    assert_key_not_shown(&stage.key, &run);
}

#[test]
fn named_orgs_without_a_fail_on_finding_pass_and_other_formats_go_in_a_code_block() {
    let stage = stage();
    // A permission no demo grant holds: the finding cannot occur.
    let policy = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        policy.path(),
        "[grants]\nforbidden_permissions = [\"organization.secrets:write\"]\n",
    )
    .unwrap();
    let run = run_action(
        &stage,
        &[
            ("app-id", "424242"),
            ("orgs", "globex,\ninitech"),
            ("fail-on", "forbidden-permission"),
            ("policy", policy.path().to_str().unwrap()),
            ("format", "json"),
        ],
        &[],
    );
    assert_eq!(run.status(), Some(0), "{}", run.log());
    assert_eq!(run.outputs["exit-code"], "0");
    let block = run
        .summary
        .strip_prefix("## pat-audit\n\n```\n")
        .and_then(|s| s.strip_suffix("```\n"))
        .unwrap_or_else(|| panic!("not a code block: {}", run.summary));
    let mut orgs: Vec<String> = block
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["org"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    orgs.sort();
    orgs.dedup();
    assert_eq!(orgs, ["globex", "initech"]);
    assert!(run.outputs["report"].ends_with("report.jsonl"));
    assert_key_not_shown(&stage.key, &run);
}

#[test]
fn a_key_the_app_does_not_have_fails_the_step_and_the_key_is_removed() {
    let stage = stage();
    let other = ThrowawayKey::generate().unwrap();
    let run = run_action(
        &stage,
        &[
            ("client-id", demo::CLIENT_ID),
            ("orgs", "acme-corp"),
            ("private-key", other.private_key_pem()),
        ],
        &[],
    );
    assert_eq!(run.status(), Some(1), "{}", run.log());
    assert_eq!(run.outputs["exit-code"], "1");
    assert!(
        run.summary.contains("pat-audit failed (exit status 1)"),
        "{}",
        run.summary
    );
    assert!(run.log().contains("acme-corp"), "{}", run.log());
    assert_key_not_shown(&other, &run);
}

/// A `pat-audit` stand-in that records the mode of the key file it
/// is given and ends with status 3, as a fail-on finding would.
#[test]
fn the_key_file_is_for_the_jobs_user_only_while_the_audit_runs() {
    let stage = stage();
    let bin = tempfile::tempdir().unwrap();
    let seen = bin.path().join("seen");
    let fake = bin.path().join("pat-audit");
    std::fs::write(
        &fake,
        format!(
            "#!/usr/bin/env bash\n\
             while [ $# -gt 0 ]; do [ \"$1\" = --private-key ] && stat -c %a \"$2\" > {seen:?}; shift; done\n\
             exit 3\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = run_action(
        &stage,
        &[
            ("client-id", "Iv23li"),
            ("orgs", "acme-corp"),
            ("fail-on", "expired"),
        ],
        &[("PAT_AUDIT", fake.to_str().unwrap())],
    );
    assert_eq!(std::fs::read_to_string(&seen).unwrap().trim(), "600");
    assert_eq!(run.status(), Some(3), "{}", run.log());
    assert_eq!(run.outputs["exit-code"], "3");
    assert_key_not_shown(&stage.key, &run);
}

#[test]
fn a_report_over_the_summary_limit_is_cut_with_a_note() {
    let stage = stage();
    let run = run_action(
        &stage,
        &[("client-id", demo::CLIENT_ID), ("orgs", "acme-corp")],
        &[("PAT_AUDIT_SUMMARY_LIMIT", "4000")],
    );
    assert_eq!(run.status(), Some(0), "{}", run.log());
    let report = std::fs::read_to_string(&run.outputs["report"]).unwrap();
    assert!(report.len() > 4000, "the report is too small to cut");
    assert!(run.summary.len() < 4200, "{} bytes", run.summary.len());
    assert!(
        run.summary.trim_end().ends_with(
            "*The report was cut at 4000 bytes; the whole of it is in the artifact (report.md).*"
        ),
        "{}",
        run.summary
    );
    // Cut between rows, never inside one.
    let rows: Vec<_> = run.summary.lines().filter(|l| l.starts_with('|')).collect();
    assert!(rows.iter().all(|r| report.lines().any(|l| l == *r)));
}

#[test]
fn inputs_that_cannot_work_are_refused_before_anything_runs() {
    let stage = stage();
    for (inputs, message) in [
        (
            vec![
                ("client-id", "Iv23li"),
                ("app-id", "1"),
                ("orgs", "acme-corp"),
            ],
            "give client-id or app-id, not both",
        ),
        (
            vec![("orgs", "acme-corp")],
            "give the App's client-id (or app-id)",
        ),
        (
            vec![("client-id", "Iv23li")],
            "give orgs, or all-installations: true",
        ),
        (
            vec![("client-id", "Iv23li"), ("orgs", "a"), ("private-key", "")],
            "the input private-key is empty",
        ),
        (
            vec![("client-id", "Iv23li"), ("orgs", "a"), ("format", "yaml")],
            "format is markdown, table, json or csv",
        ),
        (
            vec![("client-id", "Iv23li"), ("orgs", "a"), ("cache", "yes")],
            "cache is true or false",
        ),
    ] {
        let run = run_action(&stage, &inputs, &[]);
        assert_eq!(run.status(), Some(1), "{inputs:?}");
        assert!(
            run.log()
                .contains(&format!("::error title=pat-audit::{message}")),
            "{}",
            run.log()
        );
        assert!(
            run.summary.is_empty() && run.outputs.is_empty(),
            "{inputs:?}"
        );
        assert_eq!(stage.server.activity().jwts_accepted, 0);
    }
}

/// action.yml passes every input the script reads, under the name the tests
/// use, and its audit step runs the script the tests run.
#[test]
fn action_yml_maps_every_input_the_script_reads() {
    let action = std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    let script = std::fs::read_to_string(Path::new(ROOT).join("action/run.sh")).unwrap();
    let inputs = declared_inputs(&action);
    assert!(inputs.contains(&"private-key".to_string()), "{inputs:?}");
    for name in &inputs {
        let variable = input_variable(name);
        let mapped = format!("{variable}: ${{{{ inputs.{name} }}}}");
        if script.contains(&variable) {
            assert!(
                action.contains(&mapped),
                "action.yml does not pass `{mapped}`"
            );
        } else {
            // An input the script does not read is used by action.yml itself.
            assert!(
                action.contains(&format!("inputs.{name} }}}}")),
                "input {name} is unused"
            );
        }
    }
    let read: Vec<&str> = script
        .match_indices("INPUT_")
        .map(|(i, _)| {
            let rest = &script[i..];
            &rest[..rest
                .find(|c: char| !(c.is_ascii_uppercase() || c == '_'))
                .unwrap_or(rest.len())]
        })
        .filter(|v| v.len() > "INPUT_".len())
        .collect();
    for variable in read {
        assert!(
            inputs.iter().any(|n| input_variable(n) == variable),
            "run.sh reads {variable}, which is no input of action.yml"
        );
    }
    assert!(action.contains(r#"run: '"$GITHUB_ACTION_PATH/action/run.sh" audit'"#));
}

/// The keys of action.yml's top-level `inputs:` map.
fn declared_inputs(action: &str) -> Vec<String> {
    action
        .lines()
        .skip_while(|l| *l != "inputs:")
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .filter_map(|l| l.strip_prefix("  ")?.strip_suffix(':'))
        .filter(|k| !k.starts_with(' '))
        .map(str::to_string)
        .collect()
}

/// `run.sh cache-key` in a copy of the sources it hashes, as a runner would
/// run it.
fn cache_key(root: &Path) -> String {
    let output = std::process::Command::new("bash")
        .arg(root.join("action/run.sh"))
        .arg("cache-key")
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("ImageOS", "ubuntu24")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// The cached binary is reused while every source it is built from is the
/// same, and rebuilt when one changes.
#[test]
fn the_cache_key_names_the_runner_and_changes_with_any_source() {
    let copy = tempfile::tempdir().unwrap();
    // The script and every source it hashes (its `sources=(...)` line),
    // whatever joins that list.
    let script = std::fs::read_to_string(Path::new(ROOT).join("action/run.sh")).unwrap();
    let sources = script
        .lines()
        .find_map(|l| l.strip_prefix("sources=(")?.strip_suffix(')'))
        .expect("run.sh lists its sources on one line");
    for path in std::iter::once("action").chain(sources.split_whitespace()) {
        let to = copy.path().join(path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        copy_tree(&Path::new(ROOT).join(path), &to);
    }
    let key = cache_key(copy.path());
    let hash = key
        .strip_prefix("pat-audit-Linux-X64-ubuntu24-")
        .unwrap_or_else(|| panic!("{key}"));
    assert!(
        hash.len() == 32 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{key}"
    );
    assert_eq!(
        cache_key(copy.path()),
        key,
        "the same sources, the same key"
    );
    std::fs::write(copy.path().join("cli/src/main.rs"), "fn main() {}\n").unwrap();
    assert!(sources.split_whitespace().any(|s| s == "cli"), "{sources}");
    assert_ne!(cache_key(copy.path()), key, "a changed source, a new key");
}

/// The folder the action keeps GitHub's answers in, under `RUNNER_TEMP`.
const ANSWERS: &str = "pat-audit-answers";

/// With `cache: true` the script hands pat-audit a folder under
/// `RUNNER_TEMP`; that folder, restored into the next run as actions/cache
/// restores it, gets every page the first run read answered with a 304, and
/// the report stays the same. Without the input nothing is kept.
#[test]
fn with_cache_the_next_run_is_answered_by_304s_from_the_kept_folder() {
    let stage = stage();
    let inputs = [
        ("client-id", demo::CLIENT_ID),
        ("orgs", "acme-corp,globex"),
        ("cache", "true"),
    ];
    let uncached = run_action(&stage, &inputs[..2], &[]);
    assert_eq!(uncached.status(), Some(0), "{}", uncached.log());
    assert!(!uncached.log().contains("--cache"), "{}", uncached.log());
    assert!(!uncached.runner_temp.path().join(ANSWERS).exists());

    let first_from = stage.server.standin.log().len();
    let first = run_action(&stage, &inputs, &[]);
    assert_eq!(first.status(), Some(0), "{}", first.log());
    let answers = first.runner_temp.path().join(ANSWERS);
    assert!(
        first
            .log()
            .contains(&format!("--cache {}", answers.display())),
        "{}",
        first.log()
    );
    assert!(std::fs::read_dir(&answers).unwrap().next().is_some());
    assert_key_not_shown(&stage.key, &first);

    // What actions/cache saves after this run and restores before the next.
    let next_temp = tempfile::tempdir().unwrap();
    copy_tree(&answers, &next_temp.path().join(ANSWERS));
    let second_from = stage.server.standin.log().len();
    let second = run_action_in(next_temp, &stage, &inputs, &[]);
    assert_eq!(second.status(), Some(0), "{}", second.log());
    assert_eq!(first.summary, uncached.summary);
    assert_eq!(second.summary, uncached.summary);

    let log = stage.server.standin.log();
    let answered = |from: usize, to: usize| -> Vec<(String, u16)> {
        // The App's own calls, signed with a JWT made for each run, look up
        // installations and mint tokens; the listings are what is kept.
        log[from..to]
            .iter()
            .filter(|r| r.jwt_claims().is_none())
            .map(|r| (r.target(), r.status()))
            .collect()
    };
    let first_run = answered(first_from, second_from);
    let second_run = answered(second_from, log.len());
    let read: Vec<&String> = first_run
        .iter()
        .filter(|(_, s)| *s == 200)
        .map(|(t, _)| t)
        .collect();
    assert!(read.len() >= 8, "every page read: {first_run:?}");
    for target in read {
        let again = second_run.iter().find(|(t, _)| t == target);
        assert_eq!(
            again.map(|(_, s)| *s),
            Some(304),
            "{target}: {second_run:?}"
        );
    }
}

/// `run.sh answers` with a runner's variables, as action.yml's first step
/// runs it: its `name=value` lines.
fn answers_outputs(env: &[(&str, &str)]) -> BTreeMap<String, String> {
    let output = std::process::Command::new("bash")
        .arg(Path::new(ROOT).join("action/run.sh"))
        .arg("answers")
        .env("RUNNER_TEMP", "/runner/temp")
        .env("RUNNER_OS", "Linux")
        .env("GITHUB_WORKFLOW", "pat-audit, hourly")
        .env("GITHUB_JOB", "audit")
        .env("GITHUB_RUN_ID", "123456")
        .env("GITHUB_RUN_ATTEMPT", "2")
        .env_remove("INPUT_ARTIFACT_NAME")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Each run saves its own entry (caches cannot be replaced) under a prefix
/// the next run restores from; the prefix is the workflow's, the job's and
/// the use's, never holds a comma (which a key may not), and nothing secret
/// is in it.
#[test]
fn the_answers_are_kept_under_a_key_for_each_run_and_restored_by_its_prefix() {
    let outputs = answers_outputs(&[("INPUT_PRIVATE_KEY", "-----BEGIN secret")]);
    assert_eq!(outputs["answers"], format!("/runner/temp/{ANSWERS}"));
    let prefix = &outputs["answers-prefix"];
    assert!(
        prefix.starts_with("pat-audit-answers-Linux-") && prefix.ends_with('-'),
        "{prefix}"
    );
    assert_eq!(outputs["answers-key"], format!("{prefix}123456-2"));
    assert!(
        outputs
            .values()
            .all(|v| !v.contains(',') && !v.contains("secret")),
        "{outputs:?}"
    );
    // The next run of the same job restores it; another use does not.
    let next = answers_outputs(&[("GITHUB_RUN_ID", "123457"), ("GITHUB_RUN_ATTEMPT", "1")]);
    assert_eq!(&next["answers-prefix"], prefix);
    assert_ne!(next["answers-key"], outputs["answers-key"]);
    for other in [
        ("INPUT_ARTIFACT_NAME", "pat-audit-ghes"),
        ("GITHUB_JOB", "other"),
        ("GITHUB_WORKFLOW", "weekly"),
    ] {
        assert_ne!(
            &answers_outputs(&[other])["answers-prefix"],
            prefix,
            "{other:?}"
        );
    }
}

/// With `notify-repo`, the step tells the owners after the audit: one issue
/// each in that repository (as of the clock: notify acts as of now, while
/// the audit looks as of `--now`), and notify's report after the audit's
/// in the summary.
#[test]
fn notify_repo_tells_each_owner_in_the_repository_after_the_audit() {
    let key = ThrowawayKey::generate().unwrap();
    let expiring = |id, owner: &str| {
        Grant::new(id)
            .owner(owner)
            .token_name("ci")
            .expires_at(Some(Utc::now() + TimeDelta::days(3)))
            .permission("repository", "metadata", "read")
    };
    let acme = Org::new("acme", 652551).grants([expiring(1, "octocat"), expiring(2, "hubot")]);
    let app = App::new(424_242, demo::CLIENT_ID, key.public_key().to_vec())
        .installed_on(5_000_001, "acme");
    let server = serve_app(github().org(acme).repository("acme/security"), app);
    let stage = Stage { server, key };
    let inputs = [
        ("client-id", demo::CLIENT_ID),
        ("orgs", "acme"),
        ("notify-repo", "acme/security"),
    ];
    let run = run_action(&stage, &inputs, &[]);
    assert_eq!(run.status(), Some(0), "{}", run.log());
    assert!(
        run.log().contains("notify --repo acme/security"),
        "{}",
        run.log()
    );
    let issues = stage.server.standin.issues("acme/security");
    let mut titles: Vec<&str> = issues.iter().map(|i| i.title.as_str()).collect();
    titles.sort();
    assert!(
        titles.len() == 2 && titles[0].contains("hubot") && titles[1].contains("octocat"),
        "{titles:?}"
    );
    let notified = std::fs::read_to_string(&run.outputs["notify-report"]).unwrap();
    assert!(
        notified.contains("| hubot | acme/ci | expiring | open | #"),
        "{notified}"
    );
    assert!(run.summary.ends_with(&notified), "{}", run.summary);
    assert_key_not_shown(&stage.key, &run);
}
