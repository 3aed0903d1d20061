//! Compares what spec/ renders to with what is checked in.

use std::path::Path;

use anyhow::Result;
use similar::TextDiff;

use crate::generate;
use crate::output::Output;

/// The command that brings every output up to date.
pub const FIX: &str = "cargo xtask generate";

/// One output whose checked-in contents differ from what spec/ renders to.
pub struct Stale {
    pub output: Output,
    /// A unified diff from the checked-in file to the rendered one.
    pub diff: String,
}

/// Renders every output in memory and returns the ones that are stale.
pub fn stale_outputs(root: &Path) -> Result<Vec<Stale>> {
    let mut stale = Vec::new();
    for output in generate::render(root)? {
        let on_disk = std::fs::read_to_string(root.join(&output.path)).unwrap_or_default();
        if on_disk != output.contents {
            let shown = output.path.display().to_string();
            let diff = TextDiff::from_lines(&on_disk, &output.contents)
                .unified_diff()
                .context_radius(3)
                .header(
                    &format!("a/{shown} (checked in)"),
                    &format!("b/{shown} (from spec/)"),
                )
                .to_string();
            stale.push(Stale { output, diff });
        }
    }
    Ok(stale)
}

/// A report for people: each diff, then the command that fixes it.
pub fn report(stale: &[Stale]) -> String {
    let mut text: String = stale.iter().map(|s| format!("{}\n", s.diff)).collect();
    let names: Vec<String> = stale
        .iter()
        .map(|s| s.output.path.display().to_string())
        .collect();
    text.push_str(&format!(
        "{} out of date with spec/: {}\nRun `{FIX}` and commit the result.\n",
        if stale.len() == 1 {
            "this file is"
        } else {
            "these files are"
        },
        names.join(", ")
    ));
    text
}
