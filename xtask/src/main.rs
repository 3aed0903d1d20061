#![forbid(unsafe_code)]
//! The project's maintenance tasks: `cargo xtask <command>`.
//!
//! This file only dispatches; each task lives in the module named after it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use xtask::generality::{self, Selection};
use xtask::{bundle, check, descriptions, drift, generate, import, output, project_root, snippets};

#[derive(Parser)]
#[command(about = "Maintenance tasks for github-pat-grants")]
struct Cli {
    /// The project to work on (default: this workspace); benchmarks point it at a scratch copy.
    #[arg(long, global = true)]
    root: Option<PathBuf>,
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
    /// Copy operations from a full OpenAPI description into spec/, in GitHub's layout.
    Import {
        /// The description (JSON), e.g. GitHub's api.github.com.json.
        #[arg(long)]
        from: PathBuf,
        /// An operationId to import; repeat for more.
        #[arg(long = "operation", required_unless_present = "webhooks")]
        operations: Vec<String>,
        /// A webhook of `x-webhooks` to import (`personal-access-token-request-created`); repeat for more.
        #[arg(long = "webhook")]
        webhooks: Vec<String>,
    },
    /// Import operations of a description into a scratch copy, generate,
    /// compile and run the golden tests; one line per failure, then totals.
    Generality {
        /// The description (default: $GITHUB_REST_DESCRIPTION, else
        /// ../shared/github-rest/api.github.com.json beside the project).
        #[arg(long)]
        from: Option<PathBuf>,
        /// Every operation of the description.
        #[arg(long, conflicts_with_all = ["sample", "operations"])]
        all: bool,
        /// This many operations, drawn with --seed.
        #[arg(long)]
        sample: Option<usize>,
        /// The seed of the sample.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// These operationIds (repeat).
        #[arg(long = "operation")]
        operations: Vec<String>,
        /// Import and generate only; do not compile.
        #[arg(long)]
        no_compile: bool,
        /// Where the scratch copy goes (default: target/generality/sdk).
        #[arg(long)]
        scratch: Option<PathBuf>,
    },
    /// Report what changed between the operations in spec/ and a description.
    Drift {
        /// The newer description (JSON).
        #[arg(long)]
        from: PathBuf,
        /// `text` for people, `json` for machines.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit 1 when a change of this kind is found.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Write the YAML blocks of README.md and docs/*.md as workflow files, for the linters.
    Snippets {
        /// The folder to write them to (its .yml files are replaced).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Breaking,
    Any,
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
    let root = cli.root.unwrap_or_else(project_root);
    match cli.command {
        Command::Bundle => output::write_all(&root, &[bundle::render(&root)?])?,
        Command::Generate { check: false } => output::write_all(&root, &generate::render(&root)?)?,
        Command::Generate { check: true } | Command::Check => return check(&root),
        Command::Import {
            from,
            operations,
            webhooks,
        } => import(&root, &from, operations, webhooks)?,
        Command::Generality {
            from,
            all,
            sample,
            seed,
            operations,
            no_compile,
            scratch,
        } => {
            let selection = match (all, sample) {
                (true, _) => Selection::All,
                (false, Some(count)) => Selection::Sample { count, seed },
                (false, None) if !operations.is_empty() => Selection::Named(operations),
                (false, None) => {
                    anyhow::bail!("say which operations: --all, --sample N or --operation ID")
                }
            };
            return generality(&root, from, &selection, scratch, !no_compile);
        }
        Command::Drift {
            from,
            format,
            fail_on,
        } => return drift(&root, &from, format, fail_on),
        Command::Snippets { out } => {
            for (path, source) in snippets::write_workflows(&root, &out)? {
                eprintln!("{source} -> {}", path.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(root: &Path) -> Result<ExitCode> {
    let stale = check::stale_outputs(root)?;
    if !stale.is_empty() {
        eprint!("{}", check::report(&stale));
        return Ok(ExitCode::FAILURE);
    }
    eprintln!("spec/openapi.json and generated/ are up to date with spec/");
    Ok(ExitCode::SUCCESS)
}

fn import(root: &Path, from: &Path, operations: Vec<String>, webhooks: Vec<String>) -> Result<()> {
    let request = import::Request {
        operations,
        webhooks,
        beside: descriptions::beside(from),
    };
    let plan = import::run(root, from, &request)?;
    for note in &plan.notes {
        eprintln!("{note}");
    }
    for output in &plan.outputs {
        eprintln!("wrote {}", output.path.display());
    }
    for path in &plan.superseded {
        eprintln!(
            "removed {}",
            path.strip_prefix(root).unwrap_or(path).display()
        );
    }
    eprintln!("now run `cargo xtask generate`");
    Ok(())
}

fn generality(
    root: &Path,
    from: Option<PathBuf>,
    selection: &Selection,
    scratch: Option<PathBuf>,
    compile: bool,
) -> Result<ExitCode> {
    let from = from
        .or_else(|| std::env::var_os("GITHUB_REST_DESCRIPTION").map(PathBuf::from))
        .unwrap_or_else(|| root.join("../shared/github-rest/api.github.com.json"));
    let scratch = scratch.unwrap_or_else(|| root.join("target/generality/sdk"));
    let report = generality::run(root, &from, selection, &scratch, compile)?;
    print!("{}", report.render());
    Ok(exit_code(report.failed()))
}

fn drift(root: &Path, from: &Path, format: Format, fail_on: Option<FailOn>) -> Result<ExitCode> {
    let report = drift::run(root, from)?;
    match format {
        Format::Text => print!("{}", drift::render_text(&report)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(exit_code(match fail_on {
        Some(FailOn::Breaking) => report.breaking > 0,
        Some(FailOn::Any) => report.total > 0,
        None => false,
    }))
}

/// A task that found what it looks for (stale outputs, failures, drift)
/// fails: 1, as `ExitCode::FAILURE`, else 0.
fn exit_code(failed: bool) -> ExitCode {
    ExitCode::from(u8::from(failed))
}
