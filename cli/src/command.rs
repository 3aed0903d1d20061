//! What each command does with its parsed command line: the top of
//! pat-audit, which nothing else imports. Each command is a module of its
//! own; signing in and the report's stream are `session`'s.

mod session;
mod audit;
mod act;
mod notify;
mod serve;
mod trace;
#[cfg(feature = "demo")]
mod demo;
mod diff;
mod shell;

use std::io::{self, Write as _};
use std::process::ExitCode;

use crate::args::{Cli, Command};
use crate::exit::{EXIT_ERROR, EXIT_OK};
use crate::ui::Ui;

/// Runs a parsed command line and returns the exit status: 0 when it ran,
/// 3 when a `--fail-on` finding occurred, 1 on any error (errors win).
pub async fn run(cli: Cli) -> ExitCode {
    let ui = Ui::new(cli.global.color, cli.global.quiet);
    ui.configure_terminal_libraries();
    let result = match cli.command {
        Command::Audit(args) => audit::audit(args, ui).await,
        #[cfg(feature = "demo")]
        Command::Demo(args) => demo::demo(args, ui).await,
        // A build without the stand-in has no demo to run.
        #[cfg(not(feature = "demo"))]
        Command::Demo(_) => Err(anyhow::anyhow!(
            "this pat-audit was built without the `demo` feature, which holds the demo's GitHub \
             stand-in; build it with the default features (`cargo install --path cli`) to run \
             the demo"
        )),
        Command::Diff(args) => diff::diff(args, ui),
        Command::Revoke(args) => act::revoke(args, ui).await,
        Command::Review(args) => act::review(args, ui).await,
        Command::Contain(args) => act::contain(args, ui).await,
        Command::Notify(args) => notify::notify(args, ui).await,
        Command::Serve(args) => serve::serve(args, ui).await,
        Command::Trace(args) => trace::trace(args, ui).await,
        Command::Completions(args) => shell::completions(args),
        Command::Man(args) => shell::man(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader of the report went away (`pat-audit audit | head`):
        // what it wanted has been written, so stop quietly, as Unix tools do.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_OK),
        Err(e) => {
            let _ = io::stdout().flush();
            crate::ui::error(format_args!("{e:#}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Whether an error comes from writing to a pipe whose reader has closed it.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
