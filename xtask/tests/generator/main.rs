#![forbid(unsafe_code)]
//! End-to-end tests of the generator's tasks, on the real spec/ and on broken
//! copies of it: the spec's checks (`spec.rs`), importing and drift
//! (`importing.rs`), and the generated client's shape (`client.rs`).

use std::path::{Path, PathBuf};

use xtask::project_root;
use xtask::{bundle, generate, output};

mod client;
mod importing;
mod spec;

/// A scratch copy of spec/ and generated/.
struct Scratch {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        for sub in [
            "spec",
            "spec/operations",
            "spec/webhooks",
            "spec/components",
            "spec/overlays",
            "generated",
        ] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
            for entry in std::fs::read_dir(project_root().join(sub)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    std::fs::copy(&path, root.join(sub).join(path.file_name().unwrap())).unwrap();
                }
            }
        }
        Scratch { _dir: dir, root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.path(rel)).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(self.path(rel), text.replacen(from, to, 1)).unwrap();
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }

    fn outputs(&self) -> Vec<Vec<u8>> {
        [
            bundle::OPENAPI_JSON,
            generate::CLIENT_RS,
            generate::GOLDEN_RS,
        ]
        .iter()
        .map(|p| std::fs::read(self.path(p)).unwrap())
        .collect()
    }

    /// What `cargo xtask generate` does: render everything, then write.
    fn generate(&self) -> anyhow::Result<()> {
        let outputs = generate::render(&self.root)?;
        output::write_all(&self.root, &outputs)
    }

    /// Runs generate, expects it to fail, and checks that nothing changed on disk.
    fn expect_error(&self) -> String {
        let before = self.outputs();
        let err = format!("{:#}", self.generate().expect_err("generate should fail"));
        assert!(before == self.outputs(), "a failed run changed an output");
        err
    }
}

const OP: &str = "spec/operations/orgs-list-pat-grants.md";
const COMPONENTS: &str = "spec/components/api.github.com-23.0.2.md";

fn assert_contains(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(haystack.contains(n), "expected {n:?} in:\n{haystack}");
    }
}

fn fixture(name: &str) -> PathBuf {
    project_root().join("xtask/tests/fixtures").join(name)
}

/// What `cargo xtask import --from <fixture> --operation ...` does.
fn import(root: &Path, fixture_name: &str, ids: &[&str]) -> anyhow::Result<xtask::import::Plan> {
    let from = fixture(fixture_name);
    let request = xtask::import::Request {
        operations: ids.iter().map(|s| s.to_string()).collect(),
        webhooks: Vec::new(),
        beside: xtask::descriptions::beside(&from),
    };
    xtask::import::run(root, &from, &request)
}
