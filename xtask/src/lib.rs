//! The project's generator and maintenance tasks, as a library so that the
//! benchmarks in `benches/` measure the same code `cargo xtask` runs.
//!
//! Each module is one stage, and a stage uses only the stages before it, so
//! the modules form a straight chain: [`markdown`] reads GitHub's operation
//! documents, [`bundle`] resolves them into `spec/openapi.json`,
//! [`transform`] adapts a copy of that for progenitor, [`generate`] runs the
//! bundle, the transform and progenitor into `generated/`, and [`check`]
//! compares what `generate` renders with what is checked in. Beside the
//! chain, [`import`] writes operation documents from a full description
//! (with `markdown`, and `bundle`'s closure of references), and [`drift`]
//! compares `bundle`'s document with a description. Under every stage lie
//! two modules that know none: [`openapi`], the typed layer over OpenAPI
//! JSON (methods, operations, references, schema positions, source
//! positions and the one JSON error, the version), and [`output`], the
//! files a run writes. `main.rs` only dispatches.

use std::path::PathBuf;

pub mod bundle;
pub mod check;
pub mod drift;
pub mod enums;
pub mod features;
pub mod generality;
pub mod generate;
pub mod glue;
pub mod import;
pub mod markdown;
pub mod naming;
pub mod openapi;
pub mod output;
pub mod overlay;
pub mod snippets;
pub mod transform;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tidy;

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
