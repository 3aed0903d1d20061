#![forbid(unsafe_code)]
//! The generator at scale: GitHub's full description (13 MB) and spec/.
//!
//! `cargo bench -p xtask --bench pipeline`. The description is read from
//! `../shared/github-rest/api.github.com.json` or `$GITHUB_REST_DESCRIPTION`;
//! without it the scale benchmarks say so and measure nothing.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::Bencher;
use serde_json::Value;
use xtask::{bundle, generate, import, openapi, output, project_root};

fn main() {
    divan::main();
}

fn description_path() -> Option<PathBuf> {
    let path = std::env::var_os("GITHUB_REST_DESCRIPTION")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("../shared/github-rest/api.github.com.json"));
    path.exists().then_some(path)
}

fn description_bytes() -> Option<&'static [u8]> {
    static BYTES: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    BYTES
        .get_or_init(|| {
            let bytes = description_path().map(|p| std::fs::read(p).unwrap());
            if bytes.is_none() {
                eprintln!("no GitHub description found: set GITHUB_REST_DESCRIPTION; scale benchmarks skipped");
            }
            bytes
        })
        .as_deref()
}

/// The limit: parse the whole description and pretty-print it back, with serde_json alone.
#[divan::bench(sample_count = 10)]
fn serde_json_parse_and_write(bencher: Bencher) {
    let Some(bytes) = description_bytes() else {
        return;
    };
    bencher.bench(|| {
        let v: Value = serde_json::from_slice(bytes).unwrap();
        serde_json::to_string_pretty(&v).unwrap()
    });
}

/// What `cargo xtask import --operation orgs/list-pat-grants` does in memory:
/// index the description, find the operation, render its document and the
/// closure of its components.
#[divan::bench(sample_count = 10)]
fn import_one_operation(bencher: Bencher) {
    let Some(bytes) = description_bytes() else {
        return;
    };
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(empty.path().join("spec/operations")).unwrap();
    let request = import::Request {
        operations: vec!["orgs/list-pat-grants".to_string()],
        ..import::Request::default()
    };
    bencher.bench(|| {
        let index = import::Index::parse(bytes, "api.github.com.json").unwrap();
        import::plan(empty.path(), &index, &request).unwrap()
    });
}

/// The same, as `cargo xtask import` runs it from the second import of a
/// description on: where its operations and components stand, and its
/// union tags, read from what the first import kept (`import/cache.rs`).
#[divan::bench(sample_count = 10)]
fn import_one_operation_layout_kept(bencher: Bencher) {
    let Some(bytes) = description_bytes() else {
        return;
    };
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(empty.path().join("spec/operations")).unwrap();
    let kept = empty.path().join("kept");
    import::Index::load(bytes, "api.github.com.json", &kept).unwrap();
    let request = import::Request {
        operations: vec!["orgs/list-pat-grants".to_string()],
        ..import::Request::default()
    };
    bencher.bench(|| {
        let index = import::Index::load(bytes, "api.github.com.json", &kept).unwrap();
        import::plan(empty.path(), &index, &request).unwrap()
    });
}

/// Resolve every `$ref` of every operation in the description into one bundled document.
#[divan::bench(sample_count = 10)]
fn resolve_every_ref(bencher: Bencher) {
    let Some(bytes) = description_bytes() else {
        return;
    };
    bencher.bench(|| {
        let desc = load(bytes);
        let lookup = |p: &str| openapi::lookup(&desc, p).cloned();
        let mut found = std::collections::BTreeMap::new();
        bundle::closure(&desc["paths"], "paths", &lookup, &mut found).unwrap();
        let mut doc = desc.as_object().unwrap().clone();
        doc.insert(
            "components".into(),
            Value::Object(bundle::components_object(&found)),
        );
        output::to_pretty_json(&Value::Object(doc))
    });
}

fn load(bytes: &[u8]) -> Value {
    // openapi::read_description reads a file; the benchmark keeps the read out of the loop.
    serde_json::from_slice(bytes).unwrap()
}

/// `cargo xtask generate` in process: bundle, transform, progenitor,
/// prettyplease and the (atomic, skip-if-unchanged) write, on a copy of spec/.
#[divan::bench(sample_count = 10)]
fn generate_spec(bencher: Bencher) {
    let scratch = tempfile::tempdir().unwrap();
    copy_tree(&project_root().join("spec"), &scratch.path().join("spec"));
    copy_tree(
        &project_root().join("generated"),
        &scratch.path().join("generated"),
    );
    bencher.bench(|| {
        let outputs = generate::render(scratch.path()).unwrap();
        output::write_all(scratch.path(), &outputs).unwrap();
    });
}

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
