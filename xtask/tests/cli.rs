#![forbid(unsafe_code)]
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

/// A copy of a description under the name of GitHub's `api.github.com`
/// description, which spec/'s operations came from: drift compares the
/// operations of the description a file is named after.
fn as_api_github_com(from: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("api.github.com.json");
    std::fs::copy(from, &copy).unwrap();
    (dir, copy)
}

#[test]
fn drift_reports_json_and_fails_on_breaking_changes() {
    // From spec/ (23.0.2) back to the seed's version, token_id and token_name
    // disappear from the response: breaking for a client that requires them.
    let (_dir, seed) =
        as_api_github_com(&root().join("xtask/tests/fixtures/seed-description.json"));
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
fn drift_against_the_bundled_spec_itself_shows_only_the_overlays() {
    // spec/openapi.json is spec/ with spec/overlays/ applied; drift compares
    // GitHub's own text, so the overlay's correction is the only difference.
    let (_dir, bundled) = as_api_github_com(&root().join("spec/openapi.json"));
    let out = xtask(&[
        "drift",
        "--from",
        bundled.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changed: Vec<&str> = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["status"] != "unchanged")
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["apps/list-installations"]);
    // Without the overlay's target (a copy of spec/ without it), there is no drift at all.
    let copy = tempfile::tempdir().unwrap();
    for sub in ["spec", "spec/operations", "spec/components"] {
        std::fs::create_dir_all(copy.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(root().join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, copy.path().join(sub).join(path.file_name().unwrap()))
                    .unwrap();
            }
        }
    }
    let bundled = copy.path().join("api.github.com.json");
    let out = xtask(&["--root", copy.path().to_str().unwrap(), "bundle"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::copy(copy.path().join("spec/openapi.json"), &bundled).unwrap();
    let out = xtask(&[
        "--root",
        copy.path().to_str().unwrap(),
        "drift",
        "--from",
        bundled.to_str().unwrap(),
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

/// Copies a folder and everything under it.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// With a shared `CARGO_TARGET_DIR` (a common global setting) every checkout
/// runs the same binary, whichever checkout built it last, so the binary must
/// act on the checkout that `cargo run` names at run time in
/// `CARGO_MANIFEST_DIR`, never on the one it was compiled in.
#[test]
fn the_binary_acts_on_the_checkout_cargo_runs_it_for() {
    let scratch = tempfile::tempdir().unwrap();
    let copy = scratch.path();
    for dir in ["spec", "generated", "xtask"] {
        std::fs::create_dir_all(copy.join(dir)).unwrap();
    }
    copy_tree(&root().join("spec"), &copy.join("spec"));
    copy_tree(&root().join("generated"), &copy.join("generated"));
    let outputs = ["spec/openapi.json", "generated/client.rs"];
    let read = |base: &Path| -> Vec<Vec<u8>> {
        outputs
            .iter()
            .map(|p| std::fs::read(base.join(p)).unwrap())
            .collect()
    };
    let checkout_before = read(&root());
    let op = copy.join("spec/operations/orgs-list-pat-grants.md");
    let text = std::fs::read_to_string(&op).unwrap();
    let old_summary = "\"summary\": \"List fine-grained personal access tokens with access to organization resources\"";
    assert!(text.contains(old_summary));
    std::fs::write(
        &op,
        text.replace(old_summary, "\"summary\": \"List approved token grants\""),
    )
    .unwrap();
    // What `cargo xtask <args>` runs in the copy: the same binary, with the
    // copy's manifest folder set by cargo.
    let in_copy = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .env("CARGO_MANIFEST_DIR", copy.join("xtask"))
            .output()
            .unwrap()
    };

    let check = in_copy(&["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(
        check.status.code(),
        Some(1),
        "check read the copy's spec/:\n{stderr}"
    );
    assert!(
        stderr.contains("+        \"summary\": \"List approved token grants\""),
        "{stderr}"
    );

    let generate = in_copy(&["generate"]);
    assert!(
        generate.status.success(),
        "{}",
        String::from_utf8_lossy(&generate.stderr)
    );
    let written = std::fs::read_to_string(copy.join("spec/openapi.json")).unwrap();
    assert!(
        written.contains("List approved token grants"),
        "generate wrote the copy's outputs"
    );
    assert!(in_copy(&["check"]).status.success());
    assert!(
        read(&root()) == checkout_before,
        "the checkout's outputs are untouched"
    );
}
