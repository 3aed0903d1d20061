//! `pat-audit diff`: what changed between two snapshots, in the report's
//! formats.

use anyhow::Context as _;

use super::session::stdout;
use crate::args::DiffArgs;
use crate::exit::EXIT_OK;
use crate::render::{self, Format};
use crate::snapshot::{self, Change, Snapshot};
use crate::ui::Ui;

/// `pat-audit diff`.
pub fn diff(args: DiffArgs, ui: Ui) -> anyhow::Result<u8> {
    let old = Snapshot::read(&args.old)?;
    let new = Snapshot::read(&args.new)?;
    let (changes, warnings) = snapshot::diff(&old, &new);
    for w in &warnings {
        ui.notice(format_args!("pat-audit: warning: {w}"));
    }
    let format = args.format.chosen();
    let line = snapshot::summary(&changes);
    let write = || -> std::io::Result<()> {
        let mut report = render::report::<Change>(format, stdout(), Vec::new(), ui.color_stdout())?;
        for change in &changes {
            report.row(change)?;
        }
        let end = if format == Format::Markdown { "." } else { "" };
        report.finish(&mut |_| format!("{line}{end}\n"))
    };
    write().context("writing the diff")?;
    if matches!(format, Format::Json | Format::Csv) {
        ui.notice(line);
    }
    Ok(EXIT_OK)
}
