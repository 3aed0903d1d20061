//! The report's formats: a table for people, JSON lines and CSV for
//! machines, markdown for CI job summaries.
//!
//! JSON lines and CSV are written row by row as findings arrive, so their
//! memory does not grow with the audit; the table and markdown need every row
//! before the first is printed (column widths, summary first) and keep the
//! findings, never the grants.
//!
//! The table is coloured when the caller says so (`--color`, see
//! [`Ui`](crate::ui::Ui)): bold headers, each row's verdict (its finding,
//! action or change) in yellow, an organization's status in green or red.
//! The machine formats never are.
//!
//! Other people's text (token names, GitHub's messages, user agents) is
//! shown harmless in each format by [`neutral`](crate::neutral): escaped
//! in the table and markdown, `'`-prefixed where a spreadsheet would run
//! it in CSV, exact in JSON.

use std::borrow::Cow;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use comfy_table::{
    Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, Width,
    presets,
};

use serde::{Deserialize, Serialize};

use crate::findings::{FindingKind, Thresholds, timestamp};
pub use crate::neutral::markdown_cell;
use crate::neutral::{csv_cell, terminal};
use crate::row::{Kind, Named as _, Row};

/// How the report is written; its names (`--format`) are the variants'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "lowercase")]
#[non_exhaustive]
pub enum Format {
    /// A table (the default on a terminal), then the summary.
    Table,
    /// One JSON object per line (the default when stdout is not a terminal).
    Json,
    /// CSV with a header row.
    Csv,
    /// A summary and a table in GitHub-flavoured markdown.
    Markdown,
}

/// Counts of one organization, for the summary; also what a snapshot says
/// about it (`snapshot::OrgStatus`), whose fields it writes in this order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSummary {
    /// The organization's login.
    pub org: String,
    /// Grants fetched.
    pub grants: u64,
    /// Requests fetched.
    pub requests: u64,
    /// Every grant was fetched.
    pub grants_complete: bool,
    /// Every request was fetched (false too when requests were not fetched).
    pub requests_complete: bool,
    /// What failed, in words (see `fetch::explain`).
    #[serde(default)]
    pub errors: Vec<String>,
    /// SAML credential authorizations fetched.
    #[serde(default)]
    pub credentials: u64,
    /// Installed Apps fetched.
    #[serde(default)]
    pub installations: u64,
    /// Every credential authorization was fetched (false when they were not
    /// listed, or could not be: no SAML SSO, no permission).
    #[serde(default)]
    pub credentials_complete: bool,
    /// Every installed App was fetched.
    #[serde(default)]
    pub installations_complete: bool,
    /// What was not audited and why (`credentials not audited: ...`): not
    /// an error unless `--kind` named the kind.
    #[serde(skip)]
    pub not_audited: Vec<String>,
    /// Findings reported, by [`FindingKind::index`].
    #[serde(skip)]
    pub counts: [u64; FindingKind::ALL.len()],
}

impl OrgSummary {
    /// How many items of `kind` were fetched, and whether every one was.
    pub fn listing(&mut self, kind: Kind) -> (&mut u64, &mut bool) {
        match kind {
            Kind::Grant => (&mut self.grants, &mut self.grants_complete),
            Kind::Request => (&mut self.requests, &mut self.requests_complete),
            Kind::Credential => (&mut self.credentials, &mut self.credentials_complete),
            _ => (&mut self.installations, &mut self.installations_complete),
        }
    }

    /// Puts what failed and what was not audited in one order: an
    /// organization's listings end in whatever order the network gives, and
    /// two runs over the same data must read, and diff, the same.
    pub fn settle(&mut self) {
        self.errors.sort();
        self.not_audited.sort();
    }
}

/// What the summary shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The audit's "now".
    pub now: DateTime<Utc>,
    /// The thresholds used.
    pub thresholds: Thresholds,
    /// One entry per organization, in the order they were named.
    pub orgs: Vec<OrgSummary>,
    /// Whether a policy was applied, which adds its findings' columns.
    pub policy: bool,
}

impl Summary {
    fn headline(&self) -> String {
        let grants: u64 = self.orgs.iter().map(|o| o.grants).sum();
        let requests: u64 = self.orgs.iter().map(|o| o.requests).sum();
        let credentials: u64 = self.orgs.iter().map(|o| o.credentials).sum();
        let installations: u64 = self.orgs.iter().map(|o| o.installations).sum();
        let findings: u64 = self.orgs.iter().flat_map(|o| o.counts).sum();
        let failed = self.orgs.iter().filter(|o| !o.errors.is_empty()).count();
        let mut line = format!(
            "{} organization{} audited at {} (expiring within {} days, stale after {} days): \
             {grants} grants, {requests} requests, {credentials} credentials, \
             {installations} installations, {findings} findings",
            self.orgs.len(),
            if self.orgs.len() == 1 { "" } else { "s" },
            timestamp(self.now),
            self.thresholds.expiring_within_days,
            self.thresholds.stale_after_days,
        );
        if failed > 0 {
            line.push_str(&format!("; {failed} failed"));
        }
        line
    }

    /// The findings the summary has a column for: those of a policy only
    /// when one was applied; not `unverified`, which only an instance's SSH
    /// key has, never an organization's item.
    fn columns(&self) -> impl Iterator<Item = FindingKind> + '_ {
        (FindingKind::ALL.iter().copied())
            .filter(|k| (self.policy || !k.needs_policy()) && *k != FindingKind::Unverified)
    }

    /// An organization's status, and its colour in a coloured table.
    fn status(org: &OrgSummary) -> (&'static str, Color) {
        match org.errors.is_empty() {
            true => ("ok", Color::Green),
            false => ("failed", Color::Red),
        }
    }

    /// The summary table's header, for the text and the markdown alike.
    fn header(&self) -> Vec<&'static str> {
        let mut header = vec!["organization", "status", "grants", "requests"];
        header.extend(self.columns().map(FindingKind::name));
        header
    }

    /// An organization's row, in the header's order: its login, its status
    /// and its numbers.
    fn cells(&self, org: &OrgSummary) -> Vec<String> {
        let counts = [org.grants, org.requests]
            .into_iter()
            .chain(self.columns().map(|k| org.counts[k.index()]));
        let status = Self::status(org).0.to_string();
        [org.org.clone(), status]
            .into_iter()
            .chain(counts.map(|n| n.to_string()))
            .collect()
    }

    /// The summary as a headline and a text table, for a terminal;
    /// coloured when `color` says so.
    pub fn to_text(&self, color: bool) -> String {
        let mut table = new_table(&self.header(), color);
        for org in &self.orgs {
            // The status, the second cell, in its colour.
            let tone = Self::status(org).1;
            let cells = self.cells(org).into_iter().enumerate();
            table.add_row(cells.map(|(i, c)| painted(&c, (i == 1).then_some(tone), color)));
        }
        for column in table.column_iter_mut().skip(2) {
            column.set_cell_alignment(CellAlignment::Right);
        }
        // The errors themselves were printed on stderr as they happened.
        // The table's cells are shown harmless as they are made; the lines
        // around it here (the notes quote GitHub).
        format!(
            "{}\n{table}\n{}",
            self.headline(),
            terminal(&self.not_audited_lines())
        )
    }

    /// One line per listing not audited, and why.
    fn not_audited_lines(&self) -> String {
        self.orgs
            .iter()
            .flat_map(|o| {
                o.not_audited
                    .iter()
                    .map(move |n| format!("{}: {n}\n", o.org))
            })
            .collect()
    }

    /// The summary as markdown: a headline, a table and the errors.
    pub fn to_markdown(&self) -> String {
        let mut md = format!("{}.\n\n", self.headline());
        let header = self.header();
        md.push_str(&markdown_row(&header));
        md.push_str(&format!("|---|---|{}\n", "---:|".repeat(header.len() - 2)));
        for org in &self.orgs {
            md.push_str(&markdown_row(&self.cells(org)));
        }
        let skipped = self.not_audited_lines();
        let errors: Vec<&str> = (self.orgs.iter())
            .flat_map(|o| &o.errors)
            .map(String::as_str)
            .collect();
        for (title, lines) in [
            ("Not audited", skipped.lines().collect()),
            ("Errors", errors),
        ] {
            if !lines.is_empty() {
                md.push_str(&format!("\n**{title}**\n\n{}", markdown_list(&lines)));
            }
        }
        md
    }
}

/// A table in the report's style, with its header; styled, even when
/// stdout is not a terminal, when `color` says so.
fn new_table(header: &[&str], color: bool) -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    let bold = |cell: Cell| match color {
        true => cell.add_attribute(Attribute::Bold),
        false => cell,
    };
    table.set_header(header.iter().map(|h| bold(painted(h, None, false))));
    if color {
        table.enforce_styling();
    }
    table
}

/// A cell of the table, its text shown harmless; in `tone`, when colours
/// are on. Every cell of every table is made here.
fn painted(text: &str, tone: Option<Color>, color: bool) -> Cell {
    let cell = Cell::new(terminal(text));
    match tone {
        Some(tone) if color => cell.fg(tone),
        _ => cell,
    }
}

/// A markdown list of `lines`, each shown harmless.
pub fn markdown_list(lines: &[impl AsRef<str>]) -> String {
    lines
        .iter()
        .map(|line| format!("- {}\n", markdown_cell(line.as_ref())))
        .collect()
}

fn markdown_row(cells: &[impl AsRef<str>]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| markdown_cell(c.as_ref())).collect();
    format!("| {} |\n", cells.join(" | "))
}

/// Writes a report's rows as they come and what closes it at the end.
pub trait Report<R: Row> {
    /// One row.
    ///
    /// # Errors
    /// When the output cannot be written.
    fn row(&mut self, row: &R) -> io::Result<()>;

    /// Writes what remains: buffered rows, and the summary text when the
    /// format carries it (`summary` is called only then).
    ///
    /// # Errors
    /// When the output cannot be written.
    fn finish(self: Box<Self>, summary: &mut dyn FnMut(Format) -> String) -> io::Result<()>;
}

/// The formats written row by row as the rows come: JSON lines and CSV.
enum Streamed<W: Write> {
    Json(W),
    // Boxed: the CSV writer carries its own buffer, which JSON lines need
    // not carry too.
    Csv(Box<csv::Writer<W>>),
}

impl<R: Row, W: Write> Report<R> for Streamed<W> {
    fn row(&mut self, row: &R) -> io::Result<()> {
        match self {
            Streamed::Json(out) => {
                serde_json::to_writer(&mut *out, row)?;
                out.write_all(b"\n")
            }
            Streamed::Csv(out) => {
                let cells = row.cells();
                let shown: Vec<Cow<'_, str>> = cells.iter().map(|c| csv_cell(c)).collect();
                (out.write_record(shown.iter().map(|c| c.as_bytes()))).map_err(io::Error::other)
            }
        }
    }

    fn finish(self: Box<Self>, _: &mut dyn FnMut(Format) -> String) -> io::Result<()> {
        match *self {
            Streamed::Json(mut out) => out.flush(),
            Streamed::Csv(mut out) => out.flush(),
        }
    }
}

/// The rows a table is drawn with at a time, when it is not laid out to a
/// terminal's width.
const CHUNK: usize = 1_000;

/// The width a cell's text takes on a terminal, shown harmless as
/// [`painted`] shows it: its widest line, as comfy-table measures it
/// (Unicode width).
fn text_width(text: &str) -> usize {
    terminal(text)
        .lines()
        .map(console::measure_text_width)
        .max()
        .unwrap_or(0)
}

/// The table and markdown formats, which print everything at the end.
struct Buffered<R, W: Write> {
    format: Format,
    rows: Vec<R>,
    org_order: Vec<String>,
    out: W,
    /// Whether the table is coloured.
    color: bool,
}

impl<R: Row, W: Write> Buffered<R, W> {
    /// The rows as a table, wrapped to the terminal's width when there is
    /// one of a usable size: a pseudo-terminal without a size reports 0,
    /// which would squeeze every column to a letter.
    fn table(&self, rows: &[R]) -> Table {
        let mut table = new_table(&R::columns(), self.color);
        if table.width().is_some_and(|w| w >= 60) {
            table.set_content_arrangement(ContentArrangement::Dynamic);
        }
        let verdict = R::verdict_column();
        for row in rows {
            table.add_row(row.cells().iter().enumerate().map(|(i, c)| {
                let tone = (Some(i) == verdict).then_some(Color::Yellow);
                painted(c, tone, self.color)
            }));
        }
        table
    }

    /// Writes the rows as one table. On a terminal the table is laid out
    /// whole, to its width. Elsewhere (a file, a pipe) the columns are as
    /// wide as their widest cell, so the table is drawn [`CHUNK`] rows at a
    /// time with those widths and the pieces joined: the same table, without
    /// ever holding more than a chunk of drawn rows.
    fn write_table(&mut self) -> io::Result<()> {
        if self.table(&[]).width().is_some_and(|w| w >= 60) {
            let table = self.table(&self.rows);
            return writeln!(self.out, "{table}");
        }
        let mut widths: Vec<usize> = R::columns().iter().map(|c| text_width(c)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row.cells()) {
                *w = (*w).max(text_width(&cell));
            }
        }
        let constraints = widths.iter().map(|w| {
            let padded = u16::try_from(w + 2).unwrap_or(u16::MAX);
            ColumnConstraint::Absolute(Width::Fixed(padded))
        });
        let chunks: Vec<&[R]> = self.rows.chunks(CHUNK).collect();
        let last = chunks.len().saturating_sub(1);
        for (n, chunk) in chunks.into_iter().enumerate() {
            let mut table = self.table(chunk);
            table.set_constraints(constraints.clone());
            let drawn = table.to_string();
            let lines: Vec<&str> = drawn.lines().collect();
            // The top border, the header and its rule open the first piece
            // only; the bottom border closes the last only.
            let from = if n == 0 { 0 } else { 3 };
            let to = lines.len() - usize::from(n != last);
            for line in lines.get(from..to).unwrap_or_default() {
                writeln!(self.out, "{line}")?;
            }
        }
        Ok(())
    }
}

impl<R: Row, W: Write> Report<R> for Buffered<R, W>
where
    R: Clone,
{
    fn row(&mut self, row: &R) -> io::Result<()> {
        self.rows.push(row.clone());
        Ok(())
    }

    fn finish(mut self: Box<Self>, summary: &mut dyn FnMut(Format) -> String) -> io::Result<()> {
        let order = &self.org_order;
        let position = |org: &str| order.iter().position(|o| o == org).unwrap_or(usize::MAX);
        self.rows.sort_by_cached_key(|r| {
            let (org, rest) = r.sort_key();
            (position(org), org.to_string(), rest)
        });
        // Markdown: the summary, then the rows; the table: the other way round.
        let markdown = self.format == Format::Markdown;
        if markdown {
            writeln!(self.out, "## pat-audit\n\n{}", summary(Format::Markdown))?;
        }
        if self.rows.is_empty() {
            if !R::EMPTY.is_empty() {
                writeln!(self.out, "{}", R::EMPTY)?;
            }
        } else if markdown {
            let columns = R::columns();
            self.out.write_all(markdown_row(&columns).as_bytes())?;
            writeln!(self.out, "|{}", "---|".repeat(columns.len()))?;
            for row in &self.rows {
                self.out.write_all(markdown_row(&row.cells()).as_bytes())?;
            }
        } else {
            self.write_table()?;
        }
        if !markdown {
            if !self.rows.is_empty() || !R::EMPTY.is_empty() {
                writeln!(self.out)?;
            }
            self.out.write_all(summary(Format::Table).as_bytes())?;
        }
        self.out.flush()
    }
}

/// A report in `format` on `out`. `org_order` is the order organizations
/// are listed in by the table and markdown; `color` colours the table (the
/// caller knows where `out` goes: [`Ui::color_stdout`](crate::ui::Ui::color_stdout)).
///
/// # Errors
/// When the CSV header cannot be written.
pub fn report<'w, R: Row + Clone + 'w>(
    format: Format,
    out: impl Write + 'w,
    org_order: Vec<String>,
    color: bool,
) -> io::Result<Box<dyn Report<R> + 'w>> {
    Ok(match format {
        Format::Json => Box::new(Streamed::Json(out)),
        Format::Csv => {
            // The header comes first even when no row follows (the writer
            // writes one itself only for the rows it serializes, never here).
            let mut out = csv::Writer::from_writer(out);
            out.write_record(R::columns()).map_err(io::Error::other)?;
            Box::new(Streamed::Csv(Box::new(out)))
        }
        Format::Table | Format::Markdown => Box::new(Buffered {
            format,
            rows: Vec::new(),
            org_order,
            out,
            color,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Finding;
    use crate::row::{Kind, Subject};
    use chrono::TimeZone;

    fn finding(org: &str, id: i64, finding: FindingKind, detail: &str) -> Finding {
        Finding {
            subject: Subject {
                org: org.into(),
                kind: Kind::Grant,
                id,
                token_id: id + 1000,
                token_name: "ci | deploy".into(),
                owner: "octocat".into(),
            },
            finding,
            detail: detail.into(),
        }
    }

    #[test]
    fn a_table_drawn_in_pieces_is_the_table_drawn_whole() {
        let rows: Vec<Finding> = (0..2_345)
            .map(|i| {
                let detail = format!("{}é–{}", "x".repeat(i % 97), "line\nbreak".repeat(i % 3));
                finding(
                    ["acme", "a-much-longer-org"][i % 2],
                    i as i64,
                    FindingKind::ALL[i % 13],
                    &detail,
                )
            })
            .collect();
        for color in [false, true] {
            let mut pieces = Buffered {
                format: Format::Table,
                rows: rows.clone(),
                org_order: Vec::new(),
                out: Vec::new(),
                color,
            };
            let whole = pieces.table(&rows).to_string();
            pieces.write_table().unwrap();
            assert_eq!(String::from_utf8(pieces.out).unwrap(), format!("{whole}\n"));
        }
    }

    fn summary() -> Summary {
        Summary {
            now: Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap(),
            thresholds: Thresholds::default(),
            orgs: vec![OrgSummary {
                org: "acme".into(),
                grants: 2,
                counts: [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
                ..OrgSummary::default()
            }],
            policy: false,
        }
    }

    fn render(format: Format, rows: &[Finding]) -> String {
        render_in(format, rows, false)
    }

    fn render_in(format: Format, rows: &[Finding], color: bool) -> String {
        let mut out = Vec::new();
        let orgs = vec!["zeta".into(), "acme".into()];
        let mut report = report::<Finding>(format, &mut out, orgs, color).unwrap();
        for r in rows {
            report.row(r).unwrap();
        }
        let s = summary();
        report
            .finish(&mut |f| {
                if f == Format::Markdown {
                    s.to_markdown()
                } else {
                    s.to_text(color)
                }
            })
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_lines_have_the_contract_keys_in_order() {
        let out = render(
            Format::Json,
            &[finding("acme", 1, FindingKind::Expired, "x")],
        );
        assert_eq!(
            out,
            "{\"org\":\"acme\",\"kind\":\"grant\",\"id\":1,\"token_id\":1001,\"token_name\":\"ci | deploy\",\
             \"owner\":\"octocat\",\"finding\":\"expired\",\"detail\":\"x\"}\n"
        );
    }

    #[test]
    fn csv_has_a_header_even_without_rows_and_quotes_what_needs_it() {
        assert_eq!(
            render(Format::Csv, &[]),
            "org,kind,id,token_id,token_name,owner,finding,detail\n"
        );
        let out = render(
            Format::Csv,
            &[finding("acme", 1, FindingKind::Stale, "a, b \"c\"")],
        );
        assert_eq!(
            out.lines().nth(1).unwrap(),
            "acme,grant,1,1001,ci | deploy,octocat,stale,\"a, b \"\"c\"\"\""
        );
    }

    #[test]
    fn table_and_markdown_list_orgs_in_the_given_order_and_escape_pipes() {
        let rows = [
            finding("acme", 2, FindingKind::WriteAccess, "w"),
            finding("zeta", 9, FindingKind::Expired, "e"),
            finding("acme", 1, FindingKind::Expired, "line\nbreak"),
        ];
        let md = render(Format::Markdown, &rows);
        let table_rows: Vec<&str> = md.lines().filter(|l| l.contains("| grant |")).collect();
        assert_eq!(table_rows.len(), 3, "{md}");
        assert!(table_rows[0].starts_with("| zeta | grant | 9 |"), "{md}");
        assert!(table_rows[1].starts_with("| acme | grant | 1 |"), "{md}");
        assert!(
            table_rows[1].contains("ci \\| deploy") && table_rows[1].contains("line break"),
            "{md}"
        );
        assert!(
            md.starts_with("## pat-audit\n\n1 organization audited at 2025-06-01T00:00:00Z"),
            "{md}"
        );

        let table = render(Format::Table, &rows);
        let zeta = table.find("zeta").unwrap();
        let acme = table.find("acme").unwrap();
        assert!(zeta < acme, "{table}");
        assert!(
            table.contains("organization") && table.contains("write-access"),
            "{table}"
        );
        assert!(render(Format::Table, &[]).starts_with("No findings.\n"));
    }

    #[test]
    fn listings_ending_in_either_order_give_the_same_summary() {
        let settled = |notes: [&str; 2], errors: [&str; 2]| {
            let mut s = summary();
            s.orgs[0].not_audited = notes.map(String::from).to_vec();
            s.orgs[0].errors = errors.map(String::from).to_vec();
            s.orgs[0].settle();
            (s.to_markdown(), s.to_text(false), s.orgs[0].errors.clone())
        };
        let notes = ["installations not audited: x", "credentials not audited: y"];
        let errors = [
            "acme: listing requests failed",
            "acme: listing grants failed",
        ];
        let one = settled(notes, errors);
        let [n0, n1] = notes;
        let [e0, e1] = errors;
        assert_eq!(one, settled([n1, n0], [e1, e0]));
        let md = &one.0;
        let (c, i) = (
            md.find("credentials not").unwrap(),
            md.find("installations not").unwrap(),
        );
        assert!(c < i, "{md}");
        assert_eq!(one.2, [e1, e0]);
    }

    #[test]
    fn only_a_table_asked_to_be_coloured_carries_escape_sequences() {
        let rows = [finding("acme", 1, FindingKind::Expired, "e")];
        let coloured = render_in(Format::Table, &rows, true);
        // The header is bold; the finding and the status are coloured too
        // (unless NO_COLOR is set in the tests' environment, which only
        // the command line's `--color always` overrides).
        assert!(coloured.contains("\x1b[1m"), "{coloured:?}");
        let plain = render_in(Format::Table, &rows, false);
        assert!(!plain.contains('\x1b'), "{plain:?}");
        // Machine formats never are, whatever they are asked.
        for format in [Format::Json, Format::Csv, Format::Markdown] {
            assert!(
                !render_in(format, &rows, true).contains('\x1b'),
                "{format:?}"
            );
        }
    }
}
