//! Leaked GitHub tokens, as `pat-audit trace` reads them: their shapes, the
//! hash GitHub's audit log records for them, and how reports show them.
//!
//! A [`Token`] holds the secret and never shows it: its `Debug` and
//! `Display` give the prefix and the last four characters (`ghp_…f3Zq`),
//! and its memory is wiped when it is dropped (`zeroize`).
//! The secret leaves the type only through [`Token::expose`], which the
//! revocation call uses, and [`Token::hashed`], the SHA-256 hash GitHub's
//! audit log records as `hashed_token`.
//!
//! What is relied on (GitHub's docs, "Identifying audit log events performed
//! by an access token"): `hashed_token` is the SHA-256 of the token's bytes,
//! base64-encoded with the standard alphabet and padding, as `echo -n TOKEN
//! | openssl dgst -sha256 -binary | base64` prints it; the audit log's
//! `phrase` finds a token's events with `hashed_token:"HASH"`. The prefixes
//! are GitHub's ("About authentication to GitHub", "GitHub's token
//! formats"): `ghp_` personal access token (classic), `github_pat_`
//! fine-grained personal access token, `gho_` OAuth app token, `ghu_`
//! GitHub App user-to-server token, `ghr_` GitHub App refresh token, `ghs_`
//! GitHub App installation (server-to-server) token.

use std::fmt;

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use strum::VariantArray;
use zeroize::{ZeroizeOnDrop, Zeroizing};

/// What kind of token a prefix says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, VariantArray)]
#[non_exhaustive]
pub enum TokenKind {
    /// `ghp_`: a personal access token (classic).
    Classic,
    /// `github_pat_`: a fine-grained personal access token.
    FineGrained,
    /// `gho_`: an OAuth app's access token.
    OAuth,
    /// `ghu_`: a GitHub App's user-to-server token.
    UserToServer,
    /// `ghr_`: a GitHub App's refresh token.
    Refresh,
    /// `ghs_`: a GitHub App installation token. Its actions are in the audit
    /// log, so it is traced; the revocation API does not take it (it
    /// expires within the hour; the App revokes it with
    /// `DELETE /installation/token`).
    Installation,
}

impl TokenKind {
    /// The prefix that marks it, and what it is in words.
    fn spelled(self) -> (&'static str, &'static str) {
        match self {
            TokenKind::Classic => ("ghp_", "personal access token (classic)"),
            TokenKind::FineGrained => ("github_pat_", "fine-grained personal access token"),
            TokenKind::OAuth => ("gho_", "OAuth app token"),
            TokenKind::UserToServer => ("ghu_", "GitHub App user-to-server token"),
            TokenKind::Refresh => ("ghr_", "GitHub App refresh token"),
            TokenKind::Installation => ("ghs_", "GitHub App installation token"),
        }
    }

    /// The prefix that marks it.
    pub fn prefix(self) -> &'static str {
        self.spelled().0
    }

    /// What it is, in words.
    pub fn describe(self) -> &'static str {
        self.spelled().1
    }

    /// Whether GitHub's credential revocation API (`POST
    /// /credentials/revoke`) takes it: every kind but installation tokens.
    pub fn revocable(self) -> bool {
        self != TokenKind::Installation
    }
}

/// The shortest and longest body after the prefix accepted: GitHub's
/// tokens carry 36 (`ghp_`, `gho_`, ...) to 82 (`github_pat_`) characters
/// today, and GitHub says their length may grow (up to 255 in all).
const BODY_LEN: std::ops::RangeInclusive<usize> = 20..=244;

/// What a line must be, for messages (the line itself is never shown).
pub const EXPECTED: &str = "a GitHub token: ghp_, github_pat_, gho_, ghu_, ghr_ or ghs_ \
     followed by letters, digits and underscores";

/// A GitHub token. Its `Debug` and `Display` never show it; it is
/// zeroized when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    secret: Zeroizing<String>,
    kind: TokenKind,
}

// The secret is a `Zeroizing<String>`: wiped when the token is dropped.
impl ZeroizeOnDrop for Token {}

impl Token {
    /// `text` as a token, if it has one of GitHub's shapes.
    pub fn parse(text: &str) -> Option<Token> {
        // No prefix begins another, so the order of the kinds does not matter.
        let kind = *TokenKind::VARIANTS
            .iter()
            .find(|k| text.starts_with(k.prefix()))?;
        let body = &text[kind.prefix().len()..];
        let shaped = BODY_LEN.contains(&body.len())
            && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        shaped.then(|| Token {
            secret: Zeroizing::new(text.to_string()),
            kind,
        })
    }

    /// What kind of token it is.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// The SHA-256 hash GitHub's audit log records as `hashed_token`:
    /// standard base64 with padding (44 characters).
    pub fn hashed(&self) -> String {
        STANDARD.encode(digest::digest(&digest::SHA256, self.secret.as_bytes()))
    }

    /// The prefix and the last four characters, `ghp_…f3Zq`: what reports show.
    pub fn redacted(&self) -> String {
        let tail = &self.secret[self.secret.len() - 4..];
        format!("{}…{tail}", self.kind.prefix())
    }

    /// The token itself: for the revocation call and nothing else.
    pub fn expose(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({})", self.redacted())
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Whether `text` is a hash as GitHub records it: base64 of 32 bytes.
pub fn is_hash(text: &str) -> bool {
    text.len() == 44
        && STANDARD
            .decode(text)
            .is_ok_and(|bytes| bytes.len() == digest::SHA256_OUTPUT_LEN)
}

/// Whether a command-line argument carries something shaped like a token
/// (alone, or as `--flag=TOKEN`).
pub fn looks_like_token(arg: &str) -> bool {
    arg.split(['=', ' ', ',', ':', '"', '\''])
        .any(|part| Token::parse(part.trim()).is_some())
}

/// The tokens of a file or standard input, one per line; blank lines and
/// lines starting with `#` are skipped, and a token given twice is kept
/// once.
///
/// # Errors
/// The numbers (from 1) of the lines that are not tokens; the lines
/// themselves are never part of an error.
pub fn parse_lines(text: &str) -> Result<Vec<Token>, Vec<usize>> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match Token::parse(line) {
            Some(token) if !tokens.contains(&token) => tokens.push(token),
            Some(_) => {}
            None => bad.push(n + 1),
        }
    }
    if bad.is_empty() { Ok(tokens) } else { Err(bad) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway token of GitHub's classic shape, and its hash worked
    /// out apart from this code, with GitHub's own recipe:
    /// `printf %s ghp_… | openssl dgst -sha256 -binary | base64`.
    const CLASSIC: &str = "ghp_1234567890abcdefghijABCDEFGHIJ0f3Zq9";
    const CLASSIC_HASH: &str = "Rj5hwENyeTHm6bgzU40+5cx+LZMMd2dPJcaUywS44HM=";

    #[test]
    fn the_hash_is_githubs_hashed_token() {
        let token = Token::parse(CLASSIC).unwrap();
        assert_eq!(token.hashed(), CLASSIC_HASH);
        assert!(is_hash(&token.hashed()));
        assert!(!is_hash(CLASSIC));
        assert!(!is_hash("Rj5hwENyeTHm6bgzU40+5cx+LZMMd2dPJcaUywS44H=="));
    }

    #[test]
    fn every_prefix_is_known_and_only_installation_tokens_are_not_revocable() {
        let body = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
        for &kind in TokenKind::VARIANTS {
            let token = Token::parse(&format!("{}{body}", kind.prefix())).unwrap();
            assert_eq!(token.kind(), kind);
            assert_eq!(kind.revocable(), kind != TokenKind::Installation);
        }
        let fine = format!("github_pat_11ABCDEFG0{}_{}", "x".repeat(21), "Y".repeat(59));
        assert_eq!(Token::parse(&fine).unwrap().kind(), TokenKind::FineGrained);
        for not in [
            "",
            "ghp_",
            "ghp_short",
            "ghx_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
            "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r-",
            "Bearer ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        ] {
            assert!(Token::parse(not).is_none(), "{not}");
        }
    }

    #[test]
    fn a_token_shows_its_prefix_and_last_four_only() {
        let token = Token::parse(CLASSIC).unwrap();
        assert_eq!(token.to_string(), "ghp_…3Zq9");
        assert_eq!(format!("{token:?}"), "Token(ghp_…3Zq9)");
        assert_eq!(
            format!("{:?}", Some(vec![token.clone()])),
            "Some([Token(ghp_…3Zq9)])"
        );
        assert_eq!(token.expose(), CLASSIC);
    }

    #[test]
    fn a_token_is_wiped_when_dropped() {
        fn wiped<T: ZeroizeOnDrop>() {}
        wiped::<Token>();
    }

    #[test]
    fn lines_are_tokens_or_named_by_number() {
        let text = format!(
            "# leaked on 2026-03-01\n\n{CLASSIC}\r\n  {CLASSIC}  \nnot a token\n{CLASSIC}x!\n"
        );
        assert_eq!(parse_lines(&text), Err(vec![5, 6]));
        let ok = format!("{CLASSIC}\n\n# note\n{CLASSIC}\n");
        assert_eq!(parse_lines(&ok).unwrap().len(), 1);
        assert_eq!(parse_lines("").unwrap(), Vec::new());
    }

    #[test]
    fn arguments_carrying_a_token_are_spotted() {
        assert!(looks_like_token(CLASSIC));
        assert!(looks_like_token(&format!("--token={CLASSIC}")));
        assert!(!looks_like_token(
            "--hashed-token=Rj5hwENyeTHm6bgzU40+5cx+LZMMd2dPJcaUywS44HM="
        ));
        assert!(!looks_like_token("ghp_"));
        assert!(!looks_like_token("--org=acme"));
    }
}
