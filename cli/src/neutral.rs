//! Other people's text made harmless where pat-audit shows it: the one
//! place that decides how untrusted text looks in each output.
//!
//! Who writes the text pat-audit prints: any member of an organization
//! names their tokens and writes their requests' reasons; whoever holds a
//! leaked token sets the user agent the audit log records; GitHub (or
//! whatever answers at `--base-url`) writes its error messages; files
//! name themselves. Each output gets one function, and every writer of
//! that output goes through it:
//!
//! - [`terminal`]: everything shown on a terminal (tables, stderr's
//!   notices, warnings and errors). Control characters (C0 but line feed
//!   and tab, DEL, C1) and the bidirectional marks, embeddings, overrides
//!   and isolates are shown escaped (`\u{1b}`), so that `ESC ] 0 ; … BEL`
//!   cannot retitle the window, `ESC [ 2 J` cannot clear the screen, and
//!   U+202E cannot make `exe.txt` read `txt.exe`. Line feeds and tabs only
//!   lay text out, and messages of several lines (a policy file's error
//!   with its caret) keep them.
//! - [`csv_cell`]: a CSV cell that begins with `=`, `+`, `-`, `@`, tab or
//!   carriage return is prefixed with `'`, OWASP's rule against CSV
//!   injection ("CSV Injection", owasp.org), so that a spreadsheet shows
//!   `=HYPERLINK(…)` as text instead of running it. Every cell is treated
//!   alike, including the numbers pat-audit writes itself: none of them
//!   begins with those characters (ids are positive, dates start with the
//!   year), and a rule with exceptions is a rule someone gets wrong. The
//!   terminal's escapes apply too, since CSV is read with `cat` as often as
//!   with a spreadsheet.
//! - [`markdown_cell`]: a cell of a markdown table (and an item of a
//!   markdown list): the terminal's escapes, and nothing that breaks out of
//!   the cell (`|`, line breaks) or becomes a link, an image or HTML in a
//!   job summary (`[`, `]`, `<`, `>`, backticks).
//! - [`issue_text`]: text in an issue GitHub renders and notifies from
//!   (`notify`): the terminal's escapes, every ASCII punctuation character
//!   escaped with a backslash (no table cell left, no link, image, HTML,
//!   emphasis or entity made), and a zero-width space after `@`, `#`, `:`
//!   and `.`, so that `@someone` pings nobody, `org/repo#1` references
//!   nothing and `https://…` or `www.…` links nowhere.
//! - JSON is left exact: serde_json escapes control characters itself, and
//!   a program reading JSON gets the data as GitHub sent it.

use std::borrow::Cow;

/// Whether `c` is shown escaped on a terminal.
fn unsafe_on_terminal(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        // `char::is_control` is Unicode's Cc: C0 (U+0000 to U+001F), DEL
        // and C1 (U+0080 to U+009F); ESC and BEL among them.
        c if c.is_control() => true,
        // The Arabic letter mark, the left-to-right and right-to-left
        // marks, the embeddings and overrides (U+202A to U+202E) and the
        // isolates (U+2066 to U+2069): they reorder what a terminal shows.
        '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// `text` with each character `escape` picks written as `\u{…}`, borrowed
/// when there is none.
fn escape_where(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    let Some(first) = text.find(&escape) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text as a terminal shows it: control characters (but line feed and
/// tab) and bidirectional controls escaped as `\u{…}`. Every line pat-audit
/// writes to a terminal (stderr, the table) goes through here, and every
/// other output function of this module starts here: it is the hook where
/// secrets are taken out of text before it is shown. Borrowed from `text`
/// when nothing changed.
pub fn terminal(text: &str) -> Cow<'_, str> {
    match github_pat_grants::redact::scrub(text) {
        Cow::Borrowed(text) => escape_where(text, unsafe_on_terminal),
        Cow::Owned(text) => Cow::Owned(escape_where(&text, unsafe_on_terminal).into_owned()),
    }
}

/// The characters that start a formula in a spreadsheet (OWASP).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell: the terminal's escapes, and `'` before a cell that a
/// spreadsheet would take for a formula.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let shown = terminal(text);
    if shown.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{shown}"))
    } else {
        shown
    }
}

/// A markdown table cell (or list item): the terminal's escapes; `\`, `|`
/// and what would make a link, an image, code or HTML escaped with a
/// backslash; line breaks turned into spaces.
pub fn markdown_cell(text: &str) -> String {
    each_char(text, |out, c| match c {
        '\\' | '|' | '[' | ']' | '<' | '>' | '`' => out.extend(['\\', c]),
        '\n' => out.push(' '),
        c => out.push(c),
    })
}

/// Text in an issue or comment that GitHub renders, links and notifies
/// from: see the module's notes. GitHub finds a mention, a reference or a
/// link only where `@`, `#`, `://` or `www.` runs straight into what
/// follows, and a backslash does not stop it (it finds them in the text
/// markdown leaves), so a zero-width space goes between, written as an
/// entity so that the body stays plain ASCII, as bots quoting others' text
/// on GitHub do.
pub fn issue_text(text: &str) -> String {
    each_char(text, |out, c| match c {
        '@' | '#' | ':' | '.' => out.push_str(&format!("{c}&#8203;")),
        c if c.is_ascii_punctuation() => out.extend(['\\', c]),
        c if c.is_whitespace() => out.push(' '),
        c => out.push(c),
    })
}

/// Text as a terminal shows it ([`terminal`]), each character then written
/// by `write`.
fn each_char(text: &str, write: impl Fn(&mut String, char)) -> String {
    let shown = terminal(text);
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        write(&mut out, c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_is_left_alone_and_borrowed() {
        for text in [
            "",
            "ci deploy token",
            "café déjà vu",
            "部署トークン",
            "emoji 🚀 and tabs\tand\nlines",
            "C:\\path\\to",
        ] {
            assert!(
                matches!(terminal(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
        assert!(matches!(csv_cell("部署 2026-01-01"), Cow::Borrowed(_)));
        assert_eq!(markdown_cell("café 部署"), "café 部署");
    }

    #[test]
    fn escape_sequences_never_reach_the_terminal_raw() {
        assert_eq!(terminal("\x1b]0;pwned\x07"), "\\u{1b}]0;pwned\\u{7}");
        assert_eq!(terminal("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(terminal("nul\0 del\x7f"), "nul\\u{0} del\\u{7f}");
        // C1: the one-character CSI (U+009B) and the string terminator (U+009C).
        assert_eq!(terminal("\u{9b}2J\u{9c}"), "\\u{9b}2J\\u{9c}");
        assert_eq!(terminal("over\rwrite"), "over\\u{d}write");
        // U+0080 and U+009F are the first and last of C1; U+00A0 is not.
        assert_eq!(terminal("\u{80}\u{9f}\u{a0}"), "\\u{80}\\u{9f}\u{a0}");
    }

    #[test]
    fn bidirectional_controls_are_shown_escaped() {
        for (c, shown) in [
            ('\u{061C}', "\\u{61c}"),
            ('\u{200E}', "\\u{200e}"),
            ('\u{200F}', "\\u{200f}"),
            ('\u{202A}', "\\u{202a}"),
            ('\u{202E}', "\\u{202e}"),
            ('\u{2066}', "\\u{2066}"),
            ('\u{2069}', "\\u{2069}"),
        ] {
            assert_eq!(terminal(&format!("a{c}b")), format!("a{shown}b"));
        }
        // Their neighbours are ordinary text.
        for c in ['\u{200D}', '\u{2029}', '\u{202F}', '\u{2065}', '\u{206A}'] {
            let text = format!("a{c}b");
            assert_eq!(terminal(&text), text);
        }
    }

    #[test]
    fn a_csv_cell_that_a_spreadsheet_would_run_starts_with_a_quote() {
        for text in [
            "=HYPERLINK(\"https://evil.example\")",
            "+1",
            "-1+2",
            "@SUM(A1)",
            "\tx",
        ] {
            assert_eq!(csv_cell(text), format!("'{text}"), "{text:?}");
        }
        // A carriage return is escaped first, which makes it harmless.
        assert_eq!(csv_cell("\r=1"), "\\u{d}=1");
        for text in ["x=1", " =1", "2026-03-01T12:00:00Z", "'quoted", "a-b", ""] {
            assert_eq!(csv_cell(text), text, "{text:?}");
        }
        assert_eq!(csv_cell("=\x1b[2J"), "'=\\u{1b}[2J");
    }

    #[test]
    fn a_markdown_cell_stays_in_its_cell_and_links_nothing() {
        assert_eq!(markdown_cell("ci | deploy"), "ci \\| deploy");
        assert_eq!(markdown_cell("line\nbreak"), "line break");
        assert_eq!(
            markdown_cell("[x](https://evil.example) <img src=x> `c` \\"),
            "\\[x\\](https://evil.example) \\<img src=x\\> \\`c\\` \\\\"
        );
        assert_eq!(markdown_cell("\x1b]0;t\x07|"), "\\\\u{1b}\\]0;t\\\\u{7}\\|");
        assert!(!markdown_cell("\r\n").contains(['\r', '\n']));
    }

    #[test]
    fn issue_text_pings_links_and_breaks_out_of_nothing() {
        let zw = "&#8203;";
        assert_eq!(issue_text("@someone"), format!("@{zw}someone"));
        assert_eq!(issue_text("a/b#1"), format!("a\\/b#{zw}1"));
        assert_eq!(
            issue_text("https://x.example"),
            format!("https:{zw}\\/\\/x.{zw}example")
        );
        // An entity written by someone else stays text: `&#64;` is no `@`.
        assert_eq!(issue_text("&#64;x"), format!("\\&#{zw}64\\;x"));
        assert_eq!(
            issue_text("<!-- x --> | [a](b)\n`c`"),
            "\\<\\!\\-\\- x \\-\\-\\> \\| \\[a\\]\\(b\\) \\`c\\`"
        );
        assert_eq!(issue_text("ci \x1b[2J"), "ci \\\\u\\{1b\\}\\[2J");
        assert_eq!(issue_text("部署 token_1"), "部署 token\\_1");
    }
}
