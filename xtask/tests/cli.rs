//! The `cargo xtask` binary as CI and maintainers run it: exit codes and output formats.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn check_passes_on_the_checked_in_tree() {
    let out = xtask(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn drift_reports_json_and_fails_on_breaking_changes() {
    // From spec/ (23.0.2) back to the seed's version, token_id and token_name
    // disappear from the response: breaking for a client that requires them.
    let seed = root().join("xtask/tests/fixtures/seed-description.json");
    let out = xtask(&[
        "drift",
        "--from",
        seed.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["breaking"].as_u64().unwrap() >= 2);
    let op = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operationId"] == "orgs/list-pat-grants")
        .unwrap();
    assert!(
        op["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["where"] == "200 [].token_id" && c["breaking"] == true)
    );
    // Without --fail-on the same report exits 0.
    assert!(
        xtask(&["drift", "--from", seed.to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn drift_against_the_bundled_spec_itself_is_empty_and_passes() {
    let out = xtask(&[
        "drift",
        "--from",
        root().join("spec/openapi.json").to_str().unwrap(),
        "--fail-on",
        "any",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("0 changes, 0 breaking\n"));
}

#[test]
fn a_missing_description_is_named() {
    let out = xtask(&["import", "--from", "nowhere.json", "--operation", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.json"));
}
