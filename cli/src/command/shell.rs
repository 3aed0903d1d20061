//! `pat-audit completions` and `pat-audit man`: the shells' scripts and
//! the manual pages, made by [`crate::shell`] from the command line's
//! definition.

use std::io::Write as _;

use anyhow::bail;
use clap::CommandFactory as _;

use super::session::stdout;
use crate::args::{Cli, CompletionsArgs, ManArgs};
use crate::exit::EXIT_OK;
use crate::shell;

/// `pat-audit completions`: one shell's script on stdout, or every shell's
/// into a folder.
pub fn completions(args: CompletionsArgs) -> anyhow::Result<u8> {
    let cmd = Cli::command();
    match (args.shell, &args.dir) {
        (_, Some(dir)) => shell::write_all(dir, &shell::completions(&cmd))?,
        (Some(sh), None) => print(&shell::completion(&cmd, sh).contents)?,
        (None, None) => bail!("name a shell (bash, zsh, fish, powershell) or give --dir DIR"),
    }
    Ok(EXIT_OK)
}

/// `pat-audit man`: the main page on stdout, or every page into a folder.
pub fn man(args: ManArgs) -> anyhow::Result<u8> {
    let pages = shell::man_pages(&Cli::command())?;
    match &args.dir {
        Some(dir) => shell::write_all(dir, &pages)?,
        None => print(&pages[0].contents)?,
    }
    Ok(EXIT_OK)
}

/// Writes a file made from the command line's definition on stdout.
fn print(contents: &[u8]) -> std::io::Result<()> {
    let mut out = stdout();
    out.write_all(contents)?;
    out.flush()
}
