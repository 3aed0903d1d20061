//! The cache of an App's installation tokens: what a token is cached under,
//! and what is kept of it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::flights::Flights;

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
