#![forbid(unsafe_code)]
//! The `list-grants` example program, run as a user would, against loopback.

mod common;

use std::path::PathBuf;
use std::process::Command;

use chrono::{TimeZone, Utc};
use common::TOKEN;
use common::github_app::{
    APP_ID, CLIENT_ID, FakeGitHub, INSTALLATION_ID, fixture, fixture_path, github, key_lines,
};
use github_standin::{Builder, Failure, Grant, Org, StandIn};

/// `cargo test` builds the examples next to the test binaries' folder; a run
/// filtered to this test alone (`--test example`) does not, so build it then.
fn example() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let mut p = std::env::current_exe().unwrap();
            p.pop();
            if p.ends_with("deps") {
                p.pop();
            }
            let exe = p
                .join("examples")
                .join(format!("list-grants{}", std::env::consts::EXE_SUFFIX));
            if !exe.exists() {
                let status = Command::new(env!("CARGO"))
                    .args(["build", "--quiet", "--example", "list-grants"])
                    .current_dir(env!("CARGO_MANIFEST_DIR"))
                    .status()
                    .unwrap();
                assert!(status.success(), "building the list-grants example failed");
            }
            exe
        })
        .clone()
}

async fn run(base_url: &str, extra: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(example());
    cmd.args(["--org", "acme", "--base-url", base_url])
        .args(extra)
        .env("GITHUB_TOKEN", TOKEN);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// GitHub with the token [`TOKEN`] and `orgs`.
async fn github_with(orgs: impl IntoIterator<Item = Org>) -> StandIn {
    StandIn::builder()
        .token(TOKEN)
        .orgs(orgs)
        .max_per_page(2)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn prints_one_line_per_grant_across_pages() {
    let expires = Utc.with_ymd_and_hms(2023, 11, 16, 15, 47, 9).unwrap();
    let grants = (0..3).map(|id| {
        Grant::new(id)
            .repository_selection("all")
            .expires_at(Some(expires))
    });
    let acme = Org::new("acme", 652551).grants(grants);
    let github = github_with([acme.grants([Grant::new(3).owner("hubot")])]).await;

    let out = run(github.base_url(), &["--owner", "octocat"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(
        lines[0],
        "0\toctocat\tall\texpires 2023-11-16T15:47:09+00:00\tlast used never"
    );
    let log = github.log();
    assert_eq!(log.len(), 2, "two pages of two: {log:?}");
    assert_eq!(log[0].query(), Some("owner%5B%5D=octocat&per_page=100"));

    let out = run(github.base_url(), &["--json"]).await;
    let stdout = String::from_utf8(out.stdout).unwrap();
    let parsed: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        parsed
            .iter()
            .map(|g| g["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
}

#[tokio::test]
async fn exits_non_zero_with_githubs_message() {
    let acme = || Org::new("acme", 652551).grants([Grant::new(1)]);
    let cases: [(u16, &str, Builder); 3] = [
        (
            401,
            "Bad credentials",
            StandIn::builder().token("ghs_another").org(acme()),
        ),
        (
            403,
            "Resource not accessible by integration",
            StandIn::builder().org(acme().failing(Failure::Forbidden)),
        ),
        (
            404,
            "Not Found",
            StandIn::builder().org(Org::new("globex", 7)),
        ),
    ];
    for (status, message, github) in cases {
        let github = github.start().await.unwrap();
        let out = run(github.base_url(), &[]).await;
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(message) && stderr.contains(&status.to_string()),
            "{stderr}"
        );
        assert!(!stderr.contains(TOKEN));
    }
}

/// Runs the example as a GitHub App against the stand-in, without GITHUB_TOKEN.
async fn run_app(gh: &FakeGitHub, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(example());
    cmd.args(["--base-url", &gh.base_url()])
        .args(args)
        .env_remove("GITHUB_TOKEN");
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_app_id_and_private_key_find_the_installation_mint_and_stream() {
    let gh = FakeGitHub::on_system_clock(github(3)).await;
    let key = fixture_path("app-key-pkcs1.pem");
    let out = run_app(
        &gh,
        &[
            "--app-id",
            &APP_ID.to_string(),
            "--private-key",
            &key,
            "--org",
            "acme",
        ],
    )
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect::<Vec<_>>(),
        ["1", "2", "3"]
    );
    assert_eq!(
        gh.requests()[..2],
        [
            "GET /orgs/acme/installation".to_string(),
            format!("POST /app/installations/{INSTALLATION_ID}/access_tokens"),
        ]
    );
    assert_eq!(gh.mints(), 1);
    let minted = gh.minted(0);
    assert!(gh.pages().iter().all(|(_, t)| *t == minted));
    assert!(!stdout.contains(&minted) && !stderr.contains(&minted));

    // The client ID instead of the App ID, and JSON lines.
    let gh = FakeGitHub::on_system_clock(github(1)).await;
    let key = fixture_path("app-key-pkcs8.pem");
    let out = run_app(
        &gh,
        &[
            "--client-id",
            CLIENT_ID,
            "--private-key",
            &key,
            "--org",
            "acme",
            "--json",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["id"], 1);
}

#[tokio::test]
async fn app_mistakes_exit_non_zero_with_a_clear_message() {
    let gh = FakeGitHub::on_system_clock(github(1)).await;
    let app_id = APP_ID.to_string();
    let good = fixture_path("app-key-pkcs1.pem");
    let openssh = fixture_path("bad-openssh.pem");
    let missing = fixture_path("no-such-key.pem");
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec![
                "--app-id",
                &app_id,
                "--private-key",
                &good,
                "--org",
                "globex",
            ],
            1,
            "is not installed on the organization `globex`",
        ),
        (
            vec![
                "--app-id",
                &app_id,
                "--private-key",
                &openssh,
                "--org",
                "acme",
            ],
            1,
            "OpenSSH's format",
        ),
        (
            vec![
                "--app-id",
                &app_id,
                "--private-key",
                &missing,
                "--org",
                "acme",
            ],
            1,
            "reading the App's private key file",
        ),
        (
            vec!["--app-id", "999", "--private-key", &good, "--org", "acme"],
            1,
            "A JSON web token could not be decoded",
        ),
        (vec!["--org", "acme"], 1, "set GITHUB_TOKEN"),
        (
            vec![
                "--app-id",
                &app_id,
                "--client-id",
                CLIENT_ID,
                "--private-key",
                &good,
                "--org",
                "acme",
            ],
            2,
            "cannot be used with",
        ),
        (
            vec!["--app-id", &app_id, "--org", "acme"],
            2,
            "--private-key",
        ),
    ];
    for (args, code, says) in cases {
        let out = run_app(&gh, &args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        for line in key_lines(&fixture("app-key-pkcs1.pem")) {
            assert!(!stderr.contains(&line), "{args:?} shows the key");
        }
    }
}
