//! The one scrubber of secrets in text: whatever the SDK quotes of a body
//! it did not write (an error body, the start of an undecodable answer), and
//! whatever a program prints of GitHub's answers, goes through [`scrub`]
//! first, so that a token GitHub (or anyone posing as GitHub) echoes back
//! never reaches a terminal, a log or a report.
//!
//! The shapes are GitHub's ("About authentication to GitHub", "GitHub's
//! token formats"): `ghp_` personal access tokens (classic), `github_pat_`
//! fine-grained ones, `gho_` OAuth app tokens, `ghu_` and `ghr_` GitHub App
//! user-to-server and refresh tokens, `ghs_` installation tokens, each
//! followed by letters, digits and `_`; and JSON Web Tokens (a GitHub App's
//! JWT among them), three base64url parts of which the first two are JSON
//! objects and so start with `eyJ`. Each keeps its prefix, so that a reader
//! still sees what kind of secret was there.
//!
//! ```
//! use github_pat_grants::redact::scrub;
//! let line = r#"{"token":"ghs_16C7e42F292c6912E7710c838347Ae178B4a","expires_at":"2016-07-11T22:14:10Z"}"#;
//! assert_eq!(
//!     scrub(line),
//!     r#"{"token":"ghs_[REDACTED]","expires_at":"2016-07-11T22:14:10Z"}"#
//! );
//! // Ordinary words are left alone, and so is text without a secret (not copied).
//! assert!(matches!(scrub("the ghost laughs_loudly"), std::borrow::Cow::Borrowed(_)));
//! ```

use std::borrow::Cow;

/// What replaces a secret after its prefix: `ghs_[REDACTED]`, `eyJ[REDACTED]`.
pub const REDACTED: &str = "[REDACTED]";

/// GitHub's token prefixes; none is a prefix of another.
const TOKEN_PREFIXES: [&str; 6] = ["github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"];

/// How every JWT starts: the base64url of `{"`.
const JWT_START: &str = "eyJ";

/// `text` with every GitHub token and JWT in it replaced by its prefix and
/// [`REDACTED`]; borrowed, not copied, when there is none.
///
/// A secret is recognised only where a word starts (at the start of `text`
/// or after a character that is not an ASCII letter or digit), so that
/// words which merely contain a prefix (`laughs_total`) stay as they are.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // Everything before `copied` is in `out` already; a secret found moves
    // it, so it stays 0 (and `out` empty, unallocated) while there is none.
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let secret = match bytes[i] {
            b'g' | b'e' if starts_word => secret_at(&bytes[i..]),
            _ => None,
        };
        let Some((kept, len)) = secret else {
            i += 1;
            continue;
        };
        // `i` is at an ASCII byte and the secret is ASCII: both ends are
        // character boundaries.
        out.push_str(&text[copied..i + kept]);
        out.push_str(REDACTED);
        i += len;
        copied = i;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// `scrub` for an owned string, which is kept when there is nothing to hide.
pub(crate) fn scrub_owned(text: String) -> String {
    match scrub(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(scrubbed) => scrubbed,
    }
}

/// The secret `rest` starts with, if any: how much of it is kept (the
/// prefix) and its whole length.
fn secret_at(rest: &[u8]) -> Option<(usize, usize)> {
    for prefix in TOKEN_PREFIXES {
        if let Some(after) = rest.strip_prefix(prefix.as_bytes()) {
            let body = run(after, is_token_byte);
            return (body > 0).then_some((prefix.len(), prefix.len() + body));
        }
    }
    jwt_len(rest).map(|len| (JWT_START.len(), len))
}

/// The length of a JWT at the start of `rest`: `eyJ….eyJ….signature`, the
/// signature possibly empty (an unsigned JWT still carries its claims).
fn jwt_len(rest: &[u8]) -> Option<usize> {
    let mut at = 0;
    for _ in 0..2 {
        if !rest[at..].starts_with(JWT_START.as_bytes()) {
            return None;
        }
        at += run(&rest[at..], is_base64url_byte);
        if rest.get(at) != Some(&b'.') {
            return None;
        }
        at += 1;
    }
    Some(at + run(&rest[at..], is_base64url_byte))
}

/// How many bytes at the start of `bytes` satisfy `keep`.
fn run(bytes: &[u8], keep: fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|&&b| keep(b)).count()
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_base64url_byte(b: u8) -> bool {
    is_token_byte(b) || b == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjEsImV4cCI6NjAxLCJpc3MiOiIxIn0.c2lnbmF0dXJl-_x";

    #[test]
    fn every_token_shape_keeps_its_prefix_only() {
        for prefix in TOKEN_PREFIXES {
            let token = format!("{prefix}16C7e42F292c6912E7710c838347Ae178B4a");
            let text = format!("before {token} after");
            assert_eq!(
                scrub(&text),
                format!("before {prefix}[REDACTED] after"),
                "{prefix}"
            );
        }
        let fine_grained = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567";
        assert_eq!(scrub(fine_grained), "github_pat_[REDACTED]");
    }

    #[test]
    fn a_jwt_is_scrubbed_whole_signed_or_not() {
        assert_eq!(scrub(&format!("Bearer {JWT}.")), "Bearer eyJ[REDACTED].");
        let unsigned = "eyJhbGciOiJub25lIn0.eyJpc3MiOiIxIn0.";
        assert_eq!(scrub(unsigned), "eyJ[REDACTED]");
    }

    #[test]
    fn secrets_in_json_urls_and_glued_to_punctuation_are_found() {
        assert_eq!(
            scrub(r#"{"a":"ghp_abc","b":["gho_x1"],"c":"x=ghu_y&z=ghr_z"}"#),
            r#"{"a":"ghp_[REDACTED]","b":["gho_[REDACTED]"],"c":"x=ghu_[REDACTED]&z=ghr_[REDACTED]"}"#
        );
        assert_eq!(scrub("ghs_a\nghs_b"), "ghs_[REDACTED]\nghs_[REDACTED]");
        assert_eq!(scrub("_ghs_a"), "_ghs_[REDACTED]");
    }

    #[test]
    fn ordinary_words_and_bare_prefixes_are_no_false_positives() {
        for text in [
            "ghost",
            "the ghosts of gho and ghp",
            "laughs_total coughs_",
            "prefixes: ghp_, github_pat_, gho_, ghu_, ghr_ or ghs_",
            "github_patch",
            "eyJ alone",
            "eyJabc.notjwt.x",
            "keyJar.eyJx.y",
            "",
            "é ghs",
        ] {
            assert!(
                matches!(scrub(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn scrubbing_is_idempotent_and_keeps_non_ascii_text() {
        let text = format!("ünïcode ghs_abc — {JWT} ✓");
        let once = scrub(&text).into_owned();
        assert_eq!(once, "ünïcode ghs_[REDACTED] — eyJ[REDACTED] ✓");
        assert_eq!(scrub(&once), once);
        assert_eq!(scrub_owned(once.clone()), once);
    }
}
