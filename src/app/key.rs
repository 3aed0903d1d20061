//! Reading an App's RSA private key from PEM as it arrives in practice
//! (pasted into an environment variable, saved by a Windows editor), and
//! saying in words, never quoting it, what is wrong with one that is not
//! usable.

use aws_lc_rs::signature::RsaKeyPair;
use rustls_pki_types::pem::{self, PemObject, SectionKind};
use zeroize::Zeroizing;

/// Undoes what copying a key through an environment variable or a Windows
/// editor does to it: literal `\n` (and `\r\n`) sequences, CR line
/// endings, indentation, surrounding quotes. Base64 and PEM armour never
/// contain a backslash, so no key is altered. The one copy of the key it
/// makes is zeroized when dropped, and none is left behind by a growing
/// buffer: it is allocated at its final size.
fn normalize_pem(pem: &[u8]) -> Result<Zeroizing<String>, &'static str> {
    let text = std::str::from_utf8(pem).map_err(|_| "is not text (expected PEM)")?;
    let text = text.trim().trim_matches(|c| c == '"' || c == '\'');
    // A literal `\n` ends a line as a newline does.
    let pieces = text.split_inclusive("\\n").map(|piece| {
        let escaped = piece.strip_suffix("\\r\\n");
        escaped
            .or_else(|| piece.strip_suffix("\\n"))
            .unwrap_or(piece)
    });
    // Each line gets one newline: at most one more than the text holds.
    let mut out = Zeroizing::new(String::with_capacity(text.len() + 1));
    for line in pieces.flat_map(str::lines) {
        out.push_str(line.trim());
        out.push('\n');
    }
    Ok(out)
}

const EC: &str = "is an EC key; GitHub App keys are RSA";
const TOO_SHORT: &str = "is shorter than 2048 bits; GitHub App keys are 2048-bit RSA";
const ENCRYPTED: &str =
    "is encrypted with a passphrase; decrypt it first (`openssl pkey -in KEY -out DECRYPTED`)";

/// The wrong files a line of their armour tells, and what is wrong with each.
const WRONG_ARMOUR: [(&str, &str); 5] = [
    (
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "is in OpenSSH's format (BEGIN OPENSSH PRIVATE KEY); GitHub App keys are PEM: \
         download the key again from the App's settings, or convert it with \
         `ssh-keygen -p -m PEM -f FILE`",
    ),
    ("-----BEGIN ENCRYPTED PRIVATE KEY-----", ENCRYPTED),
    ("Proc-Type: 4,ENCRYPTED", ENCRYPTED),
    ("-----BEGIN EC PRIVATE KEY-----", EC),
    (
        "-----BEGIN DSA PRIVATE KEY-----",
        "is a DSA key; GitHub App keys are RSA",
    ),
];

/// Parses the first private key of a PEM document into an RSA signing key.
/// The error says what is wrong in words and never quotes the input.
pub(crate) fn parse_private_key(pem: &[u8]) -> Result<RsaKeyPair, &'static str> {
    let text = normalize_pem(pem)?;
    // What can be recognised from the armour alone is refused with a precise
    // reason before any decoding: these are the common wrong files.
    if let Some((_, why)) = WRONG_ARMOUR.iter().find(|(line, _)| text.contains(line)) {
        return Err(why);
    }
    for section in <(SectionKind, Vec<u8>) as PemObject>::pem_slice_iter(text.as_bytes()) {
        // The DER is the key itself: zeroized when dropped, whatever follows.
        let section = section.map(|(kind, der)| (kind, Zeroizing::new(der)));
        let key = match section {
            Ok((SectionKind::RsaPrivateKey, der)) => RsaKeyPair::from_der(&der),
            Ok((SectionKind::PrivateKey, der)) => RsaKeyPair::from_pkcs8(&der),
            Ok((SectionKind::EcPrivateKey, _)) => return Err(EC),
            // A certificate or public key next to the private key is skipped.
            Ok(_) => continue,
            Err(pem::Error::MissingSectionEnd { .. }) => {
                return Err("is truncated: its PEM block has no END line");
            }
            Err(pem::Error::Base64Decode(_)) => {
                return Err("is damaged: its PEM body is not valid base64");
            }
            Err(pem::Error::IllegalSectionStart { .. }) => {
                return Err("is not valid PEM: a BEGIN line is malformed");
            }
            Err(_) => return Err("is not valid PEM"),
        };
        return match key {
            Ok(key) if key.public_modulus_len() * 8 < 2048 => Err(TOO_SHORT),
            Ok(key) => Ok(key),
            Err(rejected) => Err(match rejected.description_() {
                "TooSmall" => TOO_SHORT,
                "TooLarge" => "is longer than 8192 bits, which is not supported",
                "WrongAlgorithm" | "Unspecified" => {
                    "is not an RSA key (EC or Ed25519?); GitHub App keys are RSA"
                }
                _ => "is not a valid RSA key: its contents are truncated or damaged",
            }),
        };
    }
    if text.contains("PUBLIC KEY-----") || text.contains("-----BEGIN CERTIFICATE-----") {
        return Err("is a public key or certificate, not the private key");
    }
    Err(
        "was not found: expected a PEM block `-----BEGIN RSA PRIVATE KEY-----` \
         (PKCS#1, as GitHub hands it out) or `-----BEGIN PRIVATE KEY-----` (PKCS#8)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PKCS1: &str = include_str!("../../tests/fixtures/app-key-pkcs1.pem");

    #[test]
    fn literal_newlines_crlf_quotes_and_indentation_are_undone() {
        let one_line = format!("\"{}\"", PKCS1.trim_end().replace('\n', "\\n"));
        let crlf = PKCS1.replace('\n', "\r\n");
        let indented = PKCS1
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>();
        for variant in [one_line, crlf, indented] {
            parse_private_key(variant.as_bytes()).expect("a usable key");
        }
    }

    #[test]
    fn text_that_is_not_a_key_names_what_was_expected() {
        for input in [&b""[..], b"hello", b"\xff\xfe"] {
            let why = parse_private_key(input).err().unwrap();
            assert!(why.contains("PEM") || why.contains("not text"), "{why}");
        }
    }
}
