//! App JWTs and who they name as their issuer. RS256, signed with
//! `aws-lc-rs` directly (it is already in the dependency tree through
//! reqwest's rustls), so no process-wide crypto provider is installed or
//! needed.

use std::fmt;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::SecretString;

use crate::error::Error;

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

/// How far in the past a JWT's `iat` is set, so that a server clock a little
/// behind ours still sees it as issued (GitHub's own advice is 60 seconds).
pub(crate) const JWT_BACKDATE_SECS: i64 = 60;
/// A JWT's lifetime from `iat`; GitHub refuses more than ten minutes.
pub(crate) const JWT_LIFETIME_SECS: i64 = 600;

/// `{"alg":"RS256","typ":"JWT"}`, base64url-encoded: the same for every JWT.
const JWT_HEADER_B64: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";

/// Signs a JWT for `now` (Unix seconds, GitHub's clock) with `key` for
/// `issuer`, and returns it with its `exp`.
pub(crate) fn sign(
    key: &RsaKeyPair,
    issuer: &AppIssuer,
    now: i64,
) -> Result<(SecretString, i64), Error> {
    let iat = now - JWT_BACKDATE_SECS;
    let exp = iat + JWT_LIFETIME_SECS;
    // RFC 7519 makes `iss` a string; GitHub takes the App ID either way.
    let iss = serde_json::to_string(&issuer.to_string())
        .map_err(|e| Error::Config(format!("encoding the JWT issuer: {e}")))?;
    let claims = format!(r#"{{"iat":{iat},"exp":{exp},"iss":{iss}}}"#);
    let mut jwt = String::with_capacity(64 + claims.len() * 2 + 360);
    jwt.push_str(JWT_HEADER_B64);
    jwt.push('.');
    URL_SAFE_NO_PAD.encode_string(claims.as_bytes(), &mut jwt);
    let mut signature = vec![0u8; key.public_modulus_len()];
    key.sign(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jwt_header_constant_is_what_it_says() {
        assert_eq!(
            URL_SAFE_NO_PAD.decode(JWT_HEADER_B64).unwrap(),
            br#"{"alg":"RS256","typ":"JWT"}"#
        );
    }
}
