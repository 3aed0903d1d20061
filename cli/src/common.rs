//! What every command that reads organizations runs with, whatever it does
//! with them: declared once and held by the audit's, the acting commands'
//! and the trace's options alike.

use crate::render::Format;
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
