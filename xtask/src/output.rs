//! The files the tool writes: rendered in memory first, written only once
//! every output of a run exists, each one atomically, so that a failed run
//! changes nothing.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

/// One file this tool writes.
#[derive(Debug, Clone)]
pub struct Output {
    /// Relative to the project root.
    pub path: PathBuf,
    pub contents: String,
}

/// Serializes a document the way every JSON file this tool writes is serialized.
pub fn to_pretty_json(value: &Value) -> String {
    let mut text =
        serde_json::to_string_pretty(value).expect("a serde_json::Value always serializes");
    text.push('\n');
    text
}

/// JSON the way GitHub's documents print it: four spaces, no escaping
/// beyond JSON's own.
pub fn json4(value: &impl serde::Serialize) -> String {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    value
        .serialize(&mut ser)
        .expect("a document always serializes");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes every output atomically: a temporary file beside the target, then a rename.
pub fn write_all(root: &Path, outputs: &[Output]) -> Result<()> {
    for out in outputs {
        let target = root.join(&out.path);
        if std::fs::read_to_string(&target).is_ok_and(|old| old == out.contents) {
            continue;
        }
        let dir = target
            .parent()
            .ok_or_else(|| anyhow!("{} has no parent folder", target.display()))?;
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            target.file_name().unwrap().to_string_lossy(),
            std::process::id()
        ));
        std::fs::write(&tmp, &out.contents)
            .with_context(|| format!("writing {}", tmp.display()))?;
        if let Err(e) = std::fs::rename(&tmp, &target) {
            let _ = std::fs::remove_file(&tmp);
            bail!("replacing {}: {e}", target.display());
        }
    }
    Ok(())
}
