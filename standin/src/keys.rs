//! App keys for tests and demos: a throwaway RSA key pair made at run time,
//! and public keys read from PEM.

use std::fmt;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::Error;

/// A credential the stand-in holds (a static token, a webhook secret):
/// `Debug` shows that it is there, never what it is.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(pub(crate) Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Secret {
    pub(crate) fn new(secret: impl AsRef<[u8]>) -> Self {
        Secret(secret.as_ref().to_vec())
    }

    /// Whether `credential` is this secret.
    pub(crate) fn is(&self, credential: &str) -> bool {
        self.0 == credential.as_bytes()
    }
}

/// Reads a public key from PEM: `RSA PUBLIC KEY` (PKCS#1, what `openssl rsa
/// -RSAPublicKey_out` writes) or `PUBLIC KEY` (X.509), as DER for
/// [`App::new`](crate::App::new).
///
/// ```no_run
/// use github_standin::{App, public_key_from_pem};
///
/// // openssl rsa -in my-app.private-key.pem -pubout > my-app.public.pem
/// let pem = std::fs::read_to_string("my-app.public.pem").unwrap();
/// let app = App::new(123456, "Iv23liMyApp", public_key_from_pem(&pem)?);
/// # let _ = app;
/// # Ok::<(), github_standin::Error>(())
/// ```
///
/// # Errors
/// [`Error::Key`] when it is not one of those PEM blocks.
pub fn public_key_from_pem(pem: &str) -> Result<Vec<u8>, Error> {
    let pem = pem.trim();
    if !(pem.starts_with("-----BEGIN RSA PUBLIC KEY-----")
        || pem.starts_with("-----BEGIN PUBLIC KEY-----"))
    {
        return Err(Error::Key(
            "expected a PEM public key (BEGIN RSA PUBLIC KEY or BEGIN PUBLIC KEY)".into(),
        ));
    }
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----"))
        .collect();
    STANDARD
        .decode(body)
        .map_err(|_| Error::Key("the public key's PEM body is not base64".into()))
}

/// An RSA key made at run time for a test's or a demo's App: never
/// registered with GitHub, gone when the process ends.
///
/// aws-lc-rs writes private keys as PKCS#8 only (GitHub hands out PKCS#1);
/// GitHub's SDKs read both.
///
/// ```
/// let key = github_standin::ThrowawayKey::generate()?;
/// assert!(key.private_key_pem().starts_with("-----BEGIN PRIVATE KEY-----"));
/// assert_eq!(format!("{key:?}"), "ThrowawayKey { .. }");
/// # Ok::<(), github_standin::Error>(())
/// ```
pub struct ThrowawayKey {
    pem: String,
    public_key: Vec<u8>,
}

impl fmt::Debug for ThrowawayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Throwaway or not, a private key stays out of formatted output.
        f.write_str("ThrowawayKey { .. }")
    }
}

impl ThrowawayKey {
    /// A new 2048-bit key, the size GitHub's App keys have.
    ///
    /// # Errors
    /// [`Error::Key`] when the crypto library fails to make or encode one.
    pub fn generate() -> Result<Self, Error> {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| Error::Key("making a throwaway RSA key failed".into()))?;
        let der = pair
            .as_der()
            .map_err(|_| Error::Key("encoding the throwaway RSA key failed".into()))?;
        let body = STANDARD.encode(der.as_ref());
        // Base64 is ASCII: lines of 64 bytes are lines of 64 characters.
        let lines = body.as_bytes().chunks(64).map(String::from_utf8_lossy);
        let lines: Vec<_> = lines.collect();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            lines.join("\n")
        );
        Ok(ThrowawayKey {
            pem,
            public_key: pair.public_key().as_ref().to_vec(),
        })
    }

    /// The private key as PKCS#8 PEM, for the client under test.
    pub fn private_key_pem(&self) -> &str {
        &self.pem
    }

    /// The public key as DER `RSAPublicKey`, for [`App::new`](crate::App::new).
    pub fn public_key(&self) -> &[u8] {
        &self.public_key
    }
}
