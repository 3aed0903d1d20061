//! `pat-audit`: see `pat-audit --help` and the repository's README.

use std::process::ExitCode;

use clap::Parser as _;
use pat_audit::cli::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors; a bad command line is, and
            // the contract's status for errors is 1 (clap's own would be 2).
            return if e.use_stderr() {
                ExitCode::from(pat_audit::exit::EXIT_ERROR)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("pat-audit: error: starting the async runtime: {e}");
            return ExitCode::from(pat_audit::exit::EXIT_ERROR);
        }
    };
    runtime.block_on(pat_audit::cli::run(cli))
}
