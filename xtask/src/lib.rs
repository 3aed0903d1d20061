#![forbid(unsafe_code)]
//! The project's generator and maintenance tasks, as a library so that the
//! benchmarks in `benches/` measure the same code `cargo xtask` runs.
//!
//! The modules are declared in layer order, lowest first, each layer named
//! below, and a module uses only modules declared before it: the generator's
//! stages run from reading spec/ ([`markdown`]) through bundling
//! ([`bundle`]), adapting for progenitor ([`transform`]) and generating
//! ([`generate`]) to checking ([`check`]); the tasks over a full
//! description ([`import`], [`drift`], [`generality`]) build on them.
//!
//! `main.rs` only dispatches.

// Knowing no other module: where the project is, the typed layer over
// OpenAPI JSON, the files a run writes, reading progenitor's output.
pub mod openapi;
pub mod output;
pub mod project;
pub mod syntax;

// The inputs in spec/ besides the operation documents' JSON.
pub mod markdown;
pub mod overlay;

// Which description each document came from, and how descriptions differ.
pub mod descriptions;

// What the bundle and the generator agree on: type names, string enums.
pub mod naming;
pub mod enums;

// spec/ -> spec/openapi.json.
pub mod bundle;

// The bundle adapted for progenitor.
pub mod transform;

// What Cargo features gate.
pub mod features;

// What the SDK layer needs beyond progenitor's output.
pub mod glue;

// spec/ -> generated/.
pub mod generate;

// What generate renders against what is checked in.
pub mod check;

// The tasks over a full description.
pub mod import;

// Those that build on import.
pub mod drift;
pub mod generality;

// The docs' workflow snippets, written out for the workflow linters.
pub mod snippets;

pub use project::project_root;
