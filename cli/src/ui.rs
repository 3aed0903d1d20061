//! How pat-audit talks to people: in colour or not, and whether it says
//! anything beyond errors and the report. One small value, [`Ui`], made once
//! from `--color`, `--quiet` and `NO_COLOR` and handed to every command, so
//! that the table, the progress bar and every notice follow the same
//! settings, and a new command has them by taking it.
//!
//! `--quiet` keeps the report (on stdout), errors (`pat-audit: error: ...`
//! on stderr), the question `--apply` asks before it sends anything (it
//! waits for an answer; `--yes` skips it) and `serve`'s log (the address it
//! listens on, then each delivery), which is `serve`'s report; it drops the
//! progress bar, the summaries written to stderr, warnings and every other
//! notice.
//!
//! Every line written to stderr goes through [`say`] (or [`Ui::notice`],
//! [`error`]), which shows other people's text harmless
//! ([`neutral::terminal`]): a message may quote GitHub, a token's name or a
//! file, and none of them may drive the terminal.
//!
//! The two things every command shows the same way live here too: the one
//! progress bar ([`Progress`]) and the one confirmation question
//! ([`confirm`]).

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt;
use std::io::{self, BufRead as _, IsTerminal as _, Write as _};
use std::time::Duration;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::neutral;

/// `--color`: when the table and the progress bar are coloured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum ColorChoice {
    /// Colour what goes to a terminal, unless `NO_COLOR` is set (and not empty).
    #[default]
    Auto,
    /// Colour, even when the output is a file or a pipe, and even with `NO_COLOR`.
    Always,
    /// Never colour.
    Never,
}

/// The output settings of a run: colour and quietness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ui {
    color: ColorChoice,
    quiet: bool,
}

impl Ui {
    /// No colour, every notice: what tests and benchmarks that call the
    /// library directly want.
    pub const PLAIN: Ui = Ui {
        color: ColorChoice::Never,
        quiet: false,
    };

    /// The settings of `--color` and `--quiet`, with `NO_COLOR` read from
    /// the environment.
    pub fn new(color: ColorChoice, quiet: bool) -> Ui {
        Ui::with_no_color(color, quiet, std::env::var_os("NO_COLOR").as_deref())
    }

    /// The settings with `NO_COLOR` given: set and not empty, it turns
    /// `auto` into `never` (<https://no-color.org>); an explicit
    /// `--color always` on the command line still wins, as no-color.org
    /// asks of per-invocation flags.
    pub fn with_no_color(color: ColorChoice, quiet: bool, no_color: Option<&OsStr>) -> Ui {
        let color = match (color, no_color) {
            (ColorChoice::Auto, Some(value)) if !value.is_empty() => ColorChoice::Never,
            (color, _) => color,
        };
        Ui { color, quiet }
    }

    /// Whether `--quiet` was given.
    pub fn quiet(self) -> bool {
        self.quiet
    }

    /// Whether what goes to stdout (the table) is coloured.
    pub fn color_stdout(self) -> bool {
        self.colors(|| io::stdout().is_terminal())
    }

    /// Whether what goes to stderr (the progress bar, the plan shown before
    /// a confirmation) is coloured.
    pub fn color_stderr(self) -> bool {
        self.colors(|| io::stderr().is_terminal())
    }

    fn colors(self, terminal: impl FnOnce() -> bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal(),
        }
    }

    /// Prints a notice on stderr, unless `--quiet`.
    pub fn notice(self, message: impl fmt::Display) {
        if !self.quiet {
            say(message);
        }
    }

    /// Sets the terminal libraries' own colour switches to these settings,
    /// once, before anything is drawn: both read `NO_COLOR` themselves, and
    /// would drop the colours of `--color always` without this. The
    /// table's switch is one for the whole process, whichever stream a
    /// table goes to; a table is only ever given colours where its stream
    /// should have them, so the switch is on unless colour is off
    /// everywhere.
    pub fn configure_terminal_libraries(self) {
        crossterm::style::force_color_output(self.color != ColorChoice::Never);
        console::set_colors_enabled_stderr(self.color_stderr());
    }
}

/// Prints a line on stderr, whatever `--quiet` says, with other people's
/// text in it shown harmless.
pub fn say(message: impl fmt::Display) {
    eprintln!("{}", neutral::terminal(&message.to_string()));
}

/// Prints `pat-audit: error: MESSAGE` on stderr (shown even with `--quiet`).
pub fn error(message: impl fmt::Display) {
    say(format_args!("pat-audit: error: {message}"));
}

/// The progress bar on stderr of `audit` and `trace`: a count of `len`
/// things (`3/10 organizations`) or, without a length, a spinner, then a
/// message. Absent unless stderr is a terminal and `--quiet` is not given;
/// coloured as `--color` says. Errors printed while it is drawn go through
/// [`Progress::error`], which lifts the bar out of their way.
/// (Without a terminal the bar is indicatif's hidden one, which draws
/// nothing and runs what it suspends for at once.)
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar of `len` `things` (or a spinner), shown as `ui` allows.
    pub fn new(ui: Ui, len: Option<u64>, things: &str) -> Progress {
        let enabled = !ui.quiet() && io::stderr().is_terminal();
        let target = enabled.then(ProgressDrawTarget::stderr);
        Progress::drawn_on(target, len, things, ui.color_stderr())
    }

    /// A bar drawn on `target`, or none; its spinner and count in colour
    /// when `color` says so.
    pub fn drawn_on(
        target: Option<ProgressDrawTarget>,
        len: Option<u64>,
        things: &str,
        color: bool,
    ) -> Progress {
        let Some(target) = target else {
            return Progress {
                bar: ProgressBar::hidden(),
            };
        };
        let (spinner, count) = match color {
            true => ("{spinner:.cyan}", "{pos:.bold}/{len:.bold}"),
            false => ("{spinner}", "{pos}/{len}"),
        };
        let template = match len {
            Some(_) => format!("{spinner} {count} {things}  {{wide_msg}}"),
            None => format!("{spinner} {{wide_msg}}"),
        };
        let style = ProgressStyle::with_template(&template);
        let bar = ProgressBar::with_draw_target(len, target);
        bar.set_style(style.unwrap_or_else(|_| ProgressStyle::default_spinner()));
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }

    /// Counts `n` more things done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Replaces the message after the count.
    pub fn message(&self, message: impl Into<Cow<'static, str>>) {
        self.bar.set_message(message);
    }

    /// Prints an error ([`error`]) without tearing the bar.
    pub fn error(&self, message: &str) {
        self.bar.suspend(|| error(message));
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The one confirmation of the commands that act (`revoke`, `review`,
/// `trace --revoke`): shows `plan` and then `question [y/N] ` on stderr, so
/// that stdout carries only the report even when it is redirected, and
/// waits for an answer on the terminal; `true` for `y` or `yes` (any case).
/// The question quotes what GitHub lists (organizations) and is shown
/// harmless; `plan` is the caller's, already made harmless. The answer is
/// read on tokio's blocking threads, so that the runtime's workers are not
/// held while a person thinks.
///
/// # Errors
/// When stderr cannot be written or the answer cannot be read.
pub async fn confirm(plan: &[u8], question: &str) -> anyhow::Result<bool> {
    let mut stderr = io::stderr().lock();
    stderr.write_all(plan)?;
    write!(stderr, "{} [y/N] ", neutral::terminal(question))?;
    stderr.flush()?;
    drop(stderr);
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line).map(|_| line)
    })
    .await
    .context("reading the answer")?
    .context("reading the answer")?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Refuses to act without `--yes` when nobody can be asked: standard input
/// is not a terminal, or it is busy (`busy` says with what: `it carries the
/// tokens`). `what` is the act (`revoke`), `see` the flag that only shows
/// and what it shows (`--apply to see the plan`), `act` what `--yes` does.
///
/// # Errors
/// Nobody can be asked.
pub fn check_confirmable(
    what: &str,
    busy: Option<&str>,
    see: &str,
    act: &str,
) -> anyhow::Result<()> {
    if busy.is_some() || !io::stdin().is_terminal() {
        let busy = busy.map(|b| format!(" ({b})")).unwrap_or_default();
        anyhow::bail!(
            "refusing to {what} without confirmation: standard input is not a terminal{busy}. \
             Run without {see}, then add --yes to {act} without being asked"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_turns_auto_off_but_not_an_explicit_always() {
        let set = Some(OsStr::new("1"));
        let never = Ui::with_no_color(ColorChoice::Auto, false, set);
        assert!(!never.color_stdout() && !never.color_stderr());
        let always = Ui::with_no_color(ColorChoice::Always, false, set);
        assert!(always.color_stdout() && always.color_stderr());
        // An empty NO_COLOR is as if it were not set.
        let empty = Ui::with_no_color(ColorChoice::Auto, false, Some(OsStr::new("")));
        assert_eq!(empty, Ui::with_no_color(ColorChoice::Auto, false, None));
        assert!(!Ui::with_no_color(ColorChoice::Never, true, None).color_stdout());
    }
}
