//! The `list-grants` example program, run as a user would, against loopback.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{TOKEN, grants};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

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

async fn run(server: &MockServer, extra: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(example());
    cmd.args(["--org", "acme", "--base-url", &server.uri()])
        .args(extra)
        .env("GITHUB_TOKEN", TOKEN);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn prints_one_line_per_grant_across_pages() {
    let server = MockServer::start().await;
    Mock::given(path("/orgs/acme/personal-access-tokens"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(grants(0..2))
                .insert_header("link", format!("<{}/p2>; rel=\"next\"", server.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(path("/p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(grants(2..3)))
        .mount(&server)
        .await;

    let out = run(&server, &["--owner", "octocat"]).await;
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

    let out = run(&server, &["--json"]).await;
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
        [0, 1, 2]
    );
    let first = &server.received_requests().await.unwrap()[0];
    assert_eq!(first.url.query(), Some("owner%5B%5D=octocat&per_page=100"));
}

#[tokio::test]
async fn exits_non_zero_with_githubs_message() {
    for (status, message) in [
        (401, "Bad credentials"),
        (403, "Resource not accessible by integration"),
        (404, "Not Found"),
    ] {
        let server = MockServer::start().await;
        Mock::given(path("/orgs/acme/personal-access-tokens"))
            .respond_with(ResponseTemplate::new(status).set_body_json(
                json!({"message": message, "documentation_url": "https://docs.github.com/rest"}),
            ))
            .mount(&server)
            .await;
        let out = run(&server, &[]).await;
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(message) && stderr.contains(&status.to_string()),
            "{stderr}"
        );
        assert!(!stderr.contains(TOKEN));
    }
}
