//! What a GitHub App owner holds: the App's ID (or client ID) and its RSA
//! private key, and the JWTs signed with it.
//!
//! The key is parsed once, when [`AppCredentials`] is made, so that a bad key
//! is a configuration error at start-up rather than a failed request later.
//! Signing uses `aws-lc-rs` directly (it is already in the dependency tree
//! through reqwest's rustls), so no process-wide crypto provider is installed
//! or needed.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rustls_pki_types::pem::{self, PemObject, SectionKind};
use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::flights::Flights;

/// How far in the past a JWT's `iat` is set, so that a server clock a little
/// behind ours still sees it as issued (GitHub's own advice is 60 seconds).
pub(crate) const JWT_BACKDATE_SECS: i64 = 60;
/// A JWT's lifetime from `iat`; GitHub refuses more than ten minutes.
pub(crate) const JWT_LIFETIME_SECS: i64 = 600;

/// Who a GitHub App is: the JWT's `iss` claim.
///
/// The client ID (`Iv23li...`) is what GitHub now recommends; GitHub
/// Enterprise Server before 3.14 only accepts the numeric App ID. Both convert
/// with `into()`:
///
/// ```
/// use github_pat_grants::AppIssuer;
/// assert_eq!(AppIssuer::from(123456), AppIssuer::AppId(123456));
/// assert_eq!(AppIssuer::from("Iv23liAbC"), AppIssuer::ClientId("Iv23liAbC".into()));
/// assert_eq!(AppIssuer::from(123456).to_string(), "123456");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AppIssuer {
    /// The numeric App ID from the App's settings page.
    AppId(u64),
    /// The App's client ID.
    ClientId(String),
}

impl From<u64> for AppIssuer {
    fn from(id: u64) -> Self {
        AppIssuer::AppId(id)
    }
}

impl From<&str> for AppIssuer {
    fn from(client_id: &str) -> Self {
        AppIssuer::ClientId(client_id.to_string())
    }
}

impl From<String> for AppIssuer {
    fn from(client_id: String) -> Self {
        AppIssuer::ClientId(client_id)
    }
}

impl fmt::Display for AppIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppIssuer::AppId(id) => write!(f, "{id}"),
            AppIssuer::ClientId(id) => f.write_str(id),
        }
    }
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

/// Installation tokens of one set of App credentials.
pub(crate) type TokenCache = Flights<TokenKey, Arc<TokenEntry>>;

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
    pub(crate) tokens: TokenCache,
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
                tokens: TokenCache::default(),
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
        let iat = now - JWT_BACKDATE_SECS;
        let exp = iat + JWT_LIFETIME_SECS;
        // RFC 7519 makes `iss` a string; GitHub takes the App ID either way.
        let iss = serde_json::to_string(&self.inner.issuer.to_string())
            .map_err(|e| Error::Config(format!("encoding the JWT issuer: {e}")))?;
        let claims = format!(r#"{{"iat":{iat},"exp":{exp},"iss":{iss}}}"#);
        let mut jwt = String::with_capacity(64 + claims.len() * 2 + 360);
        jwt.push_str(JWT_HEADER_B64);
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(claims.as_bytes(), &mut jwt);
        let mut signature = vec![0u8; self.inner.key.public_modulus_len()];
        self.inner
            .key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                jwt.as_bytes(),
                &mut signature,
            )
            .map_err(|_| Error::Config("signing the App JWT failed".into()))?;
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(&signature, &mut jwt);
        Ok((SecretString::from(jwt), exp))
    }
}

/// `{"alg":"RS256","typ":"JWT"}`, base64url-encoded: the same for every JWT.
const JWT_HEADER_B64: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";

/// Undoes what copying a key through an environment variable or a Windows
/// editor does to it: literal `\n` sequences, CR line endings, indentation.
/// Base64 and PEM armour never contain a backslash, so no key is altered.
/// Every copy of the key it makes is zeroized when dropped, and none is
/// left behind by a growing buffer: each is allocated at its final size.
fn normalize_pem(pem: &[u8]) -> Result<Zeroizing<String>, &'static str> {
    let text = std::str::from_utf8(pem).map_err(|_| "is not text (expected PEM)")?;
    let text = unescape_newlines(text.trim().trim_matches(|c| c == '"' || c == '\''));
    // Each line gets one newline: at most one more than the text holds.
    let mut out = Zeroizing::new(String::with_capacity(text.len() + 1));
    for line in text.lines() {
        out.push_str(line.trim());
        out.push('\n');
    }
    Ok(out)
}

/// `text` with the literal sequences `\r\n` and `\n` made newlines; the
/// result is never longer than `text`, so its buffer never grows.
fn unescape_newlines(text: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest
            .strip_prefix("\\r\\n")
            .or_else(|| rest.strip_prefix("\\n"))
        {
            out.push('\n');
            rest = after;
        } else {
            out.push('\\');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Parses the first private key of a PEM document into an RSA signing key.
/// The error says what is wrong in words and never quotes the input.
fn parse_private_key(pem: &[u8]) -> Result<RsaKeyPair, &'static str> {
    let text = normalize_pem(pem)?;
    // What can be recognised from the armour alone is refused with a precise
    // reason before any decoding: these are the common wrong files.
    if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
        return Err(
            "is in OpenSSH's format (BEGIN OPENSSH PRIVATE KEY); GitHub App keys are PEM: \
             download the key again from the App's settings, or convert it with \
             `ssh-keygen -p -m PEM -f FILE`",
        );
    }
    if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || text.contains("Proc-Type: 4,ENCRYPTED")
    {
        return Err("is encrypted with a passphrase; decrypt it first \
             (`openssl pkey -in KEY -out DECRYPTED`)");
    }
    if text.contains("-----BEGIN EC PRIVATE KEY-----") {
        return Err("is an EC key; GitHub App keys are RSA");
    }
    if text.contains("-----BEGIN DSA PRIVATE KEY-----") {
        return Err("is a DSA key; GitHub App keys are RSA");
    }
    for section in <(SectionKind, Vec<u8>) as PemObject>::pem_slice_iter(text.as_bytes()) {
        // The DER is the key itself: zeroized when dropped, whatever follows.
        let section = section.map(|(kind, der)| (kind, Zeroizing::new(der)));
        let key = match section {
            Ok((SectionKind::RsaPrivateKey, der)) => RsaKeyPair::from_der(&der),
            Ok((SectionKind::PrivateKey, der)) => RsaKeyPair::from_pkcs8(&der),
            Ok((SectionKind::EcPrivateKey, _)) => {
                return Err("is an EC key; GitHub App keys are RSA");
            }
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
            Ok(key) if key.public_modulus_len() * 8 < 2048 => {
                Err("is shorter than 2048 bits; GitHub App keys are 2048-bit RSA")
            }
            Ok(key) => Ok(key),
            Err(rejected) => Err(match rejected.description_() {
                "TooSmall" => "is shorter than 2048 bits; GitHub App keys are 2048-bit RSA",
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

/// Which repositories and permissions an installation token is limited to;
/// by default a token has everything the installation was granted.
///
/// ```
/// use github_pat_grants::{Access, TokenScope};
/// let read_only = TokenScope::new().permission("organization_personal_access_tokens", Access::Read);
/// assert!(!read_only.is_empty());
/// assert!(TokenScope::new().is_empty());
/// ```
///
/// With the `apps` feature, [`TokenScope::permissions`] also takes GitHub's
/// typed `AppPermissions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenScope {
    /// Repository names the token may reach (at most 500).
    pub repositories: Vec<String>,
    /// Repository IDs the token may reach (at most 500).
    pub repository_ids: Vec<i64>,
    /// Permissions by GitHub's name (`organization_personal_access_tokens`)
    /// and level (`read`, `write`, `admin`), at most those the installation
    /// was granted; empty for all of them.
    pub permissions: BTreeMap<String, String>,
}

/// A permission's level, for [`TokenScope::permission`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Access {
    /// `read`.
    Read,
    /// `write`.
    Write,
    /// `admin`.
    Admin,
}

impl Access {
    /// The level as GitHub names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Admin => "admin",
        }
    }
}

impl TokenScope {
    /// No restriction: what the installation was granted.
    pub fn new() -> Self {
        Self::default()
    }

    /// Limits the token to these repositories, by name.
    pub fn repositories(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.repositories = names.into_iter().map(Into::into).collect();
        self
    }

    /// Limits the token to these repositories, by ID.
    pub fn repository_ids(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        self.repository_ids = ids.into_iter().collect();
        self
    }

    /// Limits the token to a permission at a level, by GitHub's name for it
    /// (the fields of `AppPermissions`: `organization_personal_access_tokens`,
    /// `members`, `contents`, ...); may be called for several.
    pub fn permission(mut self, name: impl Into<String>, access: Access) -> Self {
        self.permissions
            .insert(name.into(), access.as_str().to_string());
        self
    }

    /// Whether the token is unrestricted.
    pub fn is_empty(&self) -> bool {
        self.repositories.is_empty()
            && self.repository_ids.is_empty()
            && self.permissions.is_empty()
    }
}

/// The time source for JWTs and token expiry, and the waits of the
/// fresh-token retry; replaceable so that tests (and simulations) can move
/// time without waiting.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use chrono::{DateTime, Utc};
/// use github_pat_grants::Clock;
///
/// /// A clock that stands still unless moved; sleeping moves it.
/// #[derive(Clone)]
/// struct Manual(Arc<Mutex<DateTime<Utc>>>);
/// impl Clock for Manual {
///     fn now(&self) -> DateTime<Utc> {
///         *self.0.lock().unwrap()
///     }
///     fn sleep(&self, d: std::time::Duration) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
///         *self.0.lock().unwrap() += d;
///         Box::pin(std::future::ready(()))
///     }
/// }
/// let clock = Manual(Arc::new(Mutex::new(Utc::now())));
/// # let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/app-key-pkcs1.pem"))?;
/// let client = github_pat_grants::Client::builder()
///     .app(github_pat_grants::AppCredentials::from_pem(123456, pem)?)
///     .installation_id(42)
///     .clock(clock.clone())
///     .build()?;
/// // Two hours later, as far as JWTs and token expiry are concerned.
/// *clock.0.lock().unwrap() += chrono::Duration::hours(2);
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;

    /// Waits for `duration`; tokio's timer unless replaced.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The system's clock and tokio's timer: what clients use unless told otherwise.
///
/// ```
/// use github_pat_grants::{Clock, SystemClock};
/// assert!((SystemClock.now() - chrono::Utc::now()).num_seconds().abs() < 5);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PKCS1: &str = include_str!("../tests/fixtures/app-key-pkcs1.pem");

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
    fn the_jwt_header_constant_is_what_it_says() {
        assert_eq!(
            URL_SAFE_NO_PAD.decode(JWT_HEADER_B64).unwrap(),
            br#"{"alg":"RS256","typ":"JWT"}"#
        );
    }

    #[test]
    fn text_that_is_not_a_key_names_what_was_expected() {
        for input in [&b""[..], b"hello", b"\xff\xfe"] {
            let why = parse_private_key(input).err().unwrap();
            assert!(why.contains("PEM") || why.contains("not text"), "{why}");
        }
    }
}
