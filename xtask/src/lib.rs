//! The project's generator and maintenance tasks, as a library so that the
//! benchmarks in `benches/` measure the same code `cargo xtask` runs.

use std::path::{Path, PathBuf};

pub mod bundle;
pub mod check;
pub mod drift;
pub mod enums;
pub mod generality;
pub mod generate;
pub mod glue;
pub mod import;
pub mod markdown;
pub mod naming;
pub mod transform;

#[cfg(test)]
mod tests;

/// The workspace root: the parent of this crate's manifest folder.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}
