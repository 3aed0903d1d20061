//! The project's maintenance tasks: `cargo xtask <command>`.
//!
//! This file only dispatches; each task lives in the module named after it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

mod bundle;
mod check;
mod generate;
mod markdown;
mod transform;

#[cfg(test)]
mod tests;

#[derive(Parser)]
#[command(about = "Maintenance tasks for github-pat-grants")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Resolve spec/ into spec/openapi.json.
    Bundle,
    /// Bundle, then generate the client and models into generated/.
    Generate {
        /// Write nothing; fail with a diff when an output is stale.
        #[arg(long)]
        check: bool,
    },
    /// Same as `generate --check`.
    Check,
}

/// The workspace root: the parent of this crate's manifest folder.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let root = project_root();
    match cli.command {
        Command::Bundle => {
            let out = generate::render_bundle(&root)?;
            generate::write_all(&root, &[out])?;
        }
        Command::Generate { check: false } => {
            let outputs = generate::render(&root)?;
            generate::write_all(&root, &outputs)?;
        }
        Command::Generate { check: true } | Command::Check => {
            let stale = check::stale_outputs(&root)?;
            if !stale.is_empty() {
                eprint!("{}", check::report(&stale));
                return Ok(ExitCode::FAILURE);
            }
            eprintln!("spec/openapi.json and generated/ are up to date with spec/");
        }
    }
    Ok(ExitCode::SUCCESS)
}
