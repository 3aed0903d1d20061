//! What every command that reads organizations runs with, whatever it does
//! with them: declared once and held by the audit's, the acting commands'
//! and the trace's options alike.

use std::io::Write;

use anyhow::Context as _;

use crate::render::{self, Format, Report};
use crate::row::Row;
use crate::ui::Ui;

/// Where a command reads, and how it reports.
#[derive(Clone, Debug)]
pub struct Common {
    /// The organizations, in report order.
    pub orgs: Vec<String>,
    /// The API root: recorded in snapshots and `--output` files, and named
    /// in the confirmation question.
    pub base_url: String,
    /// The report's format.
    pub format: Format,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Colour, and whether anything but errors (and a confirmation
    /// question) goes to stderr (`--quiet`: no progress bar, no summary, no
    /// notice).
    pub ui: Ui,
}

impl Common {
    /// The report on `out`, in the chosen format, organizations in order.
    ///
    /// # Errors
    /// When the CSV header cannot be written.
    pub fn report<'w, R: Row + Clone + 'w>(
        &self,
        out: impl Write + 'w,
    ) -> anyhow::Result<Box<dyn Report<R> + 'w>> {
        let color = self.ui.color_stdout();
        render::report(self.format, out, self.orgs.clone(), color).context("writing the report")
    }

    /// Writes `rows` and the closing `line` in the chosen format, and the
    /// line to stderr too for the machine formats.
    ///
    /// # Errors
    /// When the report cannot be written.
    pub fn write<'r, R: Row + Clone + 'r>(
        &self,
        out: impl Write,
        rows: impl IntoIterator<Item = &'r R>,
        line: &str,
    ) -> anyhow::Result<()> {
        let mut report = self.report(out)?;
        for row in rows {
            report.row(row).context("writing the report")?;
        }
        let finished = report.finish(&mut |_| format!("{line}\n"));
        finished.context("writing the report")?;
        if self.for_machines() {
            self.ui.notice(line);
        }
        Ok(())
    }

    /// Whether the report is for machines (JSON lines, CSV): then the
    /// summary a person reads goes to stderr instead.
    pub fn for_machines(&self) -> bool {
        matches!(self.format, Format::Json | Format::Csv)
    }
}
