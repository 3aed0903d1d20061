//! What a GitHub App owner holds, parsed once: the App's identity and its
//! private key, with the cache of the installation tokens minted with them.
//! The key is parsed when [`AppCredentials`] is made, so that a bad key is a
//! configuration error at start-up rather than a failed request later.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use aws_lc_rs::signature::RsaKeyPair;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::app::jwt::{self, AppIssuer};
use crate::app::key::parse_private_key;
use crate::error::Error;
use crate::flights::Flights;

/// A GitHub App's identity and private key, ready to sign JWTs.
///
/// Cloning is cheap and clones share one cache of installation tokens, keyed
/// by base URL, issuer, installation and token scope: every client built from
/// these credentials (or a clone of them) reuses the same tokens.
///
/// ```no_run
/// use github_pat_grants::{AppCredentials, Client};
/// let credentials = AppCredentials::from_pem_file(123456, "my-app.private-key.pem")?;
/// let client = Client::builder().app(credentials).installation_for_org("acme").build()?;
/// # Ok::<(), github_pat_grants::Error>(())
/// ```
#[derive(Clone)]
pub struct AppCredentials {
    pub(crate) inner: Arc<CredentialsInner>,
}

pub(crate) struct CredentialsInner {
    pub(crate) issuer: AppIssuer,
    key: RsaKeyPair,
    /// The installation tokens minted with these credentials.
    pub(crate) tokens: Flights<TokenKey, Arc<TokenEntry>>,
}

/// What an installation token is cached under.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TokenKey {
    pub(crate) base_url: String,
    pub(crate) issuer: String,
    pub(crate) installation_id: i64,
    /// The mint request's body as JSON: equal scopes, equal keys.
    pub(crate) scope: String,
}

/// One minted installation token.
pub(crate) struct TokenEntry {
    pub(crate) token: SecretString,
    /// When GitHub says it expires (GitHub's clock).
    pub(crate) expires_at: DateTime<Utc>,
    /// When the mint was asked for (this client's clock).
    pub(crate) minted_at: DateTime<Utc>,
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Neither key material nor cached tokens: only who the App is.
        f.debug_struct("AppCredentials")
            .field("issuer", &self.inner.issuer)
            .field("key", &format_args!("RSA-{} [redacted]", self.key_bits()))
            .finish()
    }
}

impl AppCredentials {
    /// Parses an RSA private key in PEM, PKCS#1 (`-----BEGIN RSA PRIVATE
    /// KEY-----`, the file GitHub hands out) or PKCS#8 (`-----BEGIN PRIVATE
    /// KEY-----`).
    ///
    /// Windows line endings, surrounding white space and literal `\n`
    /// sequences (a key pasted into one line of an environment variable) are
    /// accepted.
    ///
    /// ```
    /// use github_pat_grants::AppCredentials;
    /// let pem = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/app-key-pkcs1.pem"))?;
    /// // As it arrives from an environment variable set on one line.
    /// let one_line = pem.trim_end().replace('\n', "\\n");
    /// let credentials = AppCredentials::from_pem("Iv23liAbC", one_line)?;
    /// assert_eq!(credentials.issuer().to_string(), "Iv23liAbC");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] saying what is wrong with the key (encrypted, not
    /// RSA, in OpenSSH's format, truncated, shorter than 2048 bits, not PEM);
    /// the message never contains any of the key's bytes.
    pub fn from_pem(issuer: impl Into<AppIssuer>, pem: impl AsRef<[u8]>) -> Result<Self, Error> {
        let issuer = issuer.into();
        if let AppIssuer::ClientId(id) = &issuer
            && (id.trim().is_empty() || id.chars().any(|c| c.is_control()))
        {
            return Err(Error::Config(
                "the App's client ID is empty or contains control characters".into(),
            ));
        }
        let key = parse_private_key(pem.as_ref())
            .map_err(|why| Error::Config(format!("the App's private key {why}")))?;
        Ok(Self {
            inner: Arc::new(CredentialsInner {
                issuer,
                key,
                tokens: Flights::default(),
            }),
        })
    }

    /// Reads and parses the private key file GitHub let you download
    /// (`APP-NAME.YYYY-MM-DD.private-key.pem`); see [`from_pem`](Self::from_pem).
    ///
    /// ```no_run
    /// use github_pat_grants::AppCredentials;
    /// let credentials = AppCredentials::from_pem_file(123456, "my-app.2026-01-02.private-key.pem")?;
    /// # Ok::<(), github_pat_grants::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when the file cannot be read or holds no usable key.
    pub fn from_pem_file(
        issuer: impl Into<AppIssuer>,
        path: impl AsRef<Path>,
    ) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map(Zeroizing::new).map_err(|e| {
            Error::Config(format!(
                "reading the App's private key file `{}`: {e}",
                path.display()
            ))
        })?;
        Self::from_pem(issuer, &*bytes).map_err(|e| match e {
            Error::Config(m) => Error::Config(format!("{m} (file `{}`)", path.display())),
            other => other,
        })
    }

    /// The JWT `iss` claim: the App ID or client ID.
    pub fn issuer(&self) -> &AppIssuer {
        &self.inner.issuer
    }

    /// The key's size in bits.
    ///
    /// ```
    /// # let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/app-key-pkcs8.pem"))?;
    /// let credentials = github_pat_grants::AppCredentials::from_pem(1, pem)?;
    /// assert_eq!(credentials.key_bits(), 2048);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key_bits(&self) -> usize {
        self.inner.key.public_modulus_len() * 8
    }

    /// Signs an App JWT (RS256) as of `now` on GitHub's clock: `iat` 60
    /// seconds before `now`, `exp` ten minutes after `iat`, `iss` the issuer.
    ///
    /// Clients sign and renew their JWTs themselves; this is for calling an
    /// App endpoint with another tool, and for measuring.
    ///
    /// ```
    /// use secrecy::ExposeSecret;
    /// # let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/app-key-pkcs1.pem"))?;
    /// let credentials = github_pat_grants::AppCredentials::from_pem(123456, pem)?;
    /// let jwt = credentials.jwt(chrono::Utc::now())?;
    /// assert_eq!(jwt.expose_secret().split('.').count(), 3);
    /// // The JWT is a secret: its Debug output is redacted.
    /// assert!(!format!("{jwt:?}").contains(jwt.expose_secret()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] if the crypto library fails to sign, which a key it
    /// accepted does not do.
    pub fn jwt(&self, now: DateTime<Utc>) -> Result<SecretString, Error> {
        Ok(self.sign(now.timestamp())?.0)
    }

    /// Signs a JWT for `now` (Unix seconds, GitHub's clock) and returns it
    /// with its `exp`.
    pub(crate) fn sign(&self, now: i64) -> Result<(SecretString, i64), Error> {
        jwt::sign(&self.inner.key, &self.inner.issuer, now)
    }
}
