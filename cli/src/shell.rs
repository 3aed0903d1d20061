//! What the shells and `man` read: completion scripts (clap_complete) and
//! manual pages (clap_mangen), made from a definition of the command line
//! that the caller hands in (the top, `cli`, owns it).
//!
//! The repository keeps them under `cli/completions/` and `cli/man/`;
//! `pat-audit completions --dir DIR` and `pat-audit man --dir DIR` write
//! them there, and a test fails when they are stale.

use std::fs;
use std::io;
use std::path::Path;

use anyhow::Context as _;
use clap::Command;
use clap_complete::Generator as _;

use crate::outfile::{self, Access};

/// A shell `pat-audit completions` writes a script for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum Shell {
    /// Bash (bash-completion).
    Bash,
    /// Zsh (a `_pat-audit` function for `fpath`).
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

impl Shell {
    fn generator(self) -> clap_complete::Shell {
        match self {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
        }
    }
}

/// A file made from the command line's definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// Its name, as the shell or `man` looks for it (`pat-audit.bash`,
    /// `_pat-audit`, `pat-audit-audit.1`).
    pub name: String,
    /// What it holds.
    pub contents: Vec<u8>,
}

/// The completion script of `cmd` for `shell`.
pub fn completion(cmd: &Command, shell: Shell) -> File {
    let mut cmd = cmd.clone();
    let bin = cmd.get_name().to_string();
    let mut contents = Vec::new();
    clap_complete::generate(shell.generator(), &mut cmd, &bin, &mut contents);
    if shell == Shell::Bash {
        contents = bash_states_agree(contents, &bin);
    }
    File {
        name: shell.generator().file_name(&bin),
        contents,
    }
}

/// clap_complete 4.6.12's bash script spells a hyphenated program's
/// subcommand states two ways: the loop that reads the words arrives at
/// `pat__audit__subcmd__revoke`, the `case` that completes them waits for
/// `pat__subcmd__audit__subcmd__revoke`, so nothing after a subcommand
/// completes (clap-rs/clap#6421, open at this version). The `case` labels
/// are respelled the loop's way; once clap_complete spells them alike this
/// finds nothing to change. The completion test in `tests/conveniences.rs`
/// types `pat-audit audit --fa<TAB>` either way.
fn bash_states_agree(script: Vec<u8>, bin: &str) -> Vec<u8> {
    if !bin.contains('-') {
        return script;
    }
    let wrong = format!("{}__subcmd__", bin.replace('-', "__subcmd__"));
    let right = format!("{}__subcmd__", bin.replace('-', "__"));
    String::from_utf8_lossy(&script)
        .replace(&wrong, &right)
        .into_bytes()
}

/// The completion scripts of `cmd` for every shell, in the order of the
/// variants.
pub fn completions(cmd: &Command) -> Vec<File> {
    let shells = <Shell as clap::ValueEnum>::value_variants();
    shells.iter().map(|s| completion(cmd, *s)).collect()
}

/// The manual pages of `cmd`: its own first, then one for each subcommand
/// (`pat-audit-audit.1`), as `man pat-audit-audit` finds them.
///
/// The pages carry the version alone, not `--version`'s longer text: that
/// names the descriptions of GitHub's API the SDK was built from, which move
/// with every regeneration, and the pages would go stale with them.
///
/// # Errors
/// Only if rendering into memory fails, which it does not.
pub fn man_pages(cmd: &Command) -> io::Result<Vec<File>> {
    let mut cmd = cmd
        .clone()
        .long_version(None::<&str>)
        .disable_help_subcommand(true);
    cmd.build();
    pages_of(&cmd)
}

/// The manual page of `cmd`, then those of its subcommands, each followed by its own.
fn pages_of(cmd: &Command) -> io::Result<Vec<File>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut contents = Vec::new();
    man.render(&mut contents)?;
    let name = man.get_filename();
    let mut pages = vec![File { name, contents }];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.extend(pages_of(sub)?);
    }
    Ok(pages)
}

/// Writes `files` into `dir`, each in full or not at all, as
/// [`outfile`](crate::outfile) writes every file, readable by everyone (the
/// shell and `man` read them as any user).
///
/// # Errors
/// A file that cannot be written (or whose path is a symbolic link),
/// named; the files before it are written.
pub fn write_all(dir: &Path, files: &[File]) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for file in files {
        let path = dir.join(&file.name);
        outfile::write(&path, Access::Shared, &file.contents)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
