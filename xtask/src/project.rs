//! Where the project is.

use std::path::PathBuf;

/// The workspace root: the parent of the xtask crate's manifest folder.
///
/// The folder comes from `CARGO_MANIFEST_DIR` at run time, which `cargo run`
/// and `cargo test` set for the binary they run (as rust-analyzer's xtask
/// does). The value compiled in is only a fallback for a binary started by
/// hand: with a shared `CARGO_TARGET_DIR` one binary serves every checkout,
/// and the compiled-in folder is whichever checkout built it last.
pub fn project_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}
