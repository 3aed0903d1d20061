//! What an import needs of a description and what depends only on its
//! bytes, kept between runs: where its operations, webhooks and components
//! stand in the file, its version, and its union tags, in
//! `target/xtask/descriptions/<sha256 of the file>.json`.
//!
//! Why: an import reads one operation and its closure, but finding them
//! means reading the whole 13 MB description, and the union tags mean
//! walking a third of it: two thirds of an import's time. A description is
//! the same file from one import to the next (it changes when GitHub
//! publishes a new one, and then its hash does), so that reading is done
//! once. A cache file that is missing, unreadable or of another format is
//! made again; nothing depends on it being there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::output::{self, Output};

/// Bumped whenever [`Layout`] changes meaning, so that old files are remade.
const FORMAT: u32 = 2;

/// A part of the description's text: its byte range.
pub type Span = (usize, usize);

/// Where an operation or a webhook stands: (method, path or webhook name,
/// the operation object).
pub type Place = (String, String, Span);

/// Where everything an import reads stands in a description.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Layout {
    format: u32,
    /// `info.version`.
    pub version: String,
    /// operationId -> where the operation stands.
    pub operations: BTreeMap<String, Place>,
    /// Webhook name -> where the webhook stands.
    pub webhooks: BTreeMap<String, Place>,
    /// Kind -> name -> the component.
    pub components: BTreeMap<String, BTreeMap<String, Span>>,
    /// Where the enums stand that tell a union's members apart.
    pub union_tags: Vec<String>,
}

impl Layout {
    /// A layout of the current format.
    pub fn new(version: String) -> Layout {
        Layout {
            format: FORMAT,
            version,
            ..Layout::default()
        }
    }
}

/// Where the layout of a description with these bytes is kept, under `dir`.
pub fn path(dir: &Path, bytes: &[u8]) -> PathBuf {
    dir.join(format!("{:x}.json", Sha256::digest(bytes)))
}

/// The layout kept at `path`, if it is there, readable and of this format.
pub fn read(path: &Path) -> Option<Layout> {
    let text = std::fs::read(path).ok()?;
    let layout: Layout = serde_json::from_slice(&text).ok()?;
    (layout.format == FORMAT).then_some(layout)
}

/// Keeps a layout at `path`, written whole or not at all (as every output
/// is); a failure only means the next import reads the whole description again.
pub fn write(path: &Path, layout: &Layout) {
    if let Ok(contents) = serde_json::to_string(layout) {
        let output = Output {
            path: path.to_path_buf(),
            contents,
        };
        let _ = output::write_all(Path::new(""), &[output]);
    }
}

/// The folder the layouts are kept in: `xtask/descriptions` in the target
/// folder (`$CARGO_TARGET_DIR`, else `target` under the project).
pub fn dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("xtask/descriptions")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_is_kept_by_the_hash_of_the_bytes_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let at = path(dir.path(), b"{}");
        assert_ne!(at, path(dir.path(), b"{ }"));
        assert_eq!(read(&at), None);
        let mut layout = Layout::new("1.0".into());
        layout.union_tags.push("#/components/schemas/a".into());
        write(&at, &layout);
        assert_eq!(read(&at), Some(layout));
        // Another format, or a damaged file, reads as none.
        std::fs::write(&at, br#"{"format": 0}"#).unwrap();
        assert_eq!(read(&at), None);
    }
}
