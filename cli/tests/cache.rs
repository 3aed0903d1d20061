#![forbid(unsafe_code)]
//! `--cache DIR`: GitHub's answers kept between runs and asked for again
//! with conditional requests, run as a user runs it against the GitHub
//! stand-in (which, as GitHub, answers `304 Not Modified` to a matching
//! `If-None-Match` and does not count it against the rate limit).

mod common;

use common::{audit, github, serve};
use github_standin::{Grant, Org, TokenRequest};

/// Two organizations, one of them three pages of grants long.
fn two_orgs() -> github_standin::Builder {
    let grants = (1..=250).map(|id| Grant::new(id).owner(format!("user{}", id % 7)));
    github()
        .org(
            Org::new("acme", 1)
                .grants(grants)
                .requests([TokenRequest::new(9001)]),
        )
        .org(Org::new("globex", 2).grants([Grant::new(7)]))
}

fn stdout_of(cmd: &mut assert_cmd::Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn a_second_run_is_answered_by_304s_and_reports_byte_for_byte_the_same() {
    let server = serve(two_orgs());
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    // Markdown, whose rows are sorted: JSON lines come as pages arrive.
    let args = ["--org", "acme,globex", "--format", "markdown"];
    let uncached = stdout_of(&mut audit(&server, &args));
    let before = server.standin.log().len();
    let cached_args = [&args[..], &["--cache", cache.to_str().unwrap()]].concat();
    let first = stdout_of(&mut audit(&server, &cached_args));
    let second_from = server.standin.log().len();
    let second = stdout_of(&mut audit(&server, &cached_args));
    assert_eq!(first, uncached, "the cache changes nothing in the report");
    assert_eq!(
        second, uncached,
        "nor does an answer kept from the last run"
    );

    // Each answer the first run read in full (an organization without SAML
    // single sign-on answers its credentials listing with 404, which is
    // never kept) is a 304 the second time.
    let log = server.standin.log();
    let first_run: Vec<(String, u16)> = log[before..second_from]
        .iter()
        .map(|r| (r.target(), r.status()))
        .collect();
    let second_run: Vec<(String, u16)> = log[second_from..]
        .iter()
        .map(|r| (r.target(), r.status()))
        .collect();
    let read: Vec<&String> = first_run
        .iter()
        .filter(|(_, s)| *s == 200)
        .map(|(t, _)| t)
        .collect();
    assert!(read.len() >= 5, "every page read: {first_run:?}");
    for target in read {
        let again = second_run.iter().find(|(t, _)| t == target);
        assert_eq!(
            again.map(|(_, s)| *s),
            Some(304),
            "{target}: {second_run:?}"
        );
    }
}

#[test]
fn a_cache_folder_that_cannot_be_made_is_named_and_nothing_is_sent() {
    let server = serve(two_orgs());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let out = audit(
        &server,
        &["--org", "acme", "--cache", file.to_str().unwrap()],
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(file.to_str().unwrap()), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(server.standin.log().is_empty(), "nothing is sent");
}
