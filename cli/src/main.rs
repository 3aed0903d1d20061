#![forbid(unsafe_code)]
//! `pat-audit`: see `pat-audit --help` and the repository's README.

use std::process::ExitCode;

use clap::Parser as _;
use pat_audit::args::Cli;

fn main() -> ExitCode {
    // A token on the command line is readable by every user of the machine
    // (`ps`), and clap would quote it back in its errors: refused before
    // parsing, by position, never quoted.
    if let Some(position) = std::env::args_os()
        .skip(1)
        .position(|arg| arg.to_str().is_some_and(pat_audit::token::looks_like_token))
    {
        pat_audit::ui::error(format_args!(
            "argument {} looks like a GitHub token; refusing to read tokens \
             from the command line, where every user of this machine can see them (ps). \
             Pass them with `trace --token-stdin` or `--token-file FILE`, or give their \
             --hashed-token",
            position + 1
        ));
        return ExitCode::from(pat_audit::exit::EXIT_ERROR);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // clap's errors quote the command line, which a CI job may
            // build from other people's text (a branch name, an input):
            // shown harmless, as every line on stderr is.
            pat_audit::ui::say(e.render().to_string().trim_end());
            // A bad command line is an error, and the contract's status for
            // errors is 1 (clap's own would be 2).
            return ExitCode::from(pat_audit::exit::EXIT_ERROR);
        }
        Err(e) => {
            // --help and --version are not errors, and pat-audit's own text.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            pat_audit::ui::error(format_args!("starting the async runtime: {e}"));
            return ExitCode::from(pat_audit::exit::EXIT_ERROR);
        }
    };
    runtime.block_on(pat_audit::command::run(cli))
}
