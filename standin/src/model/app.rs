//! The GitHub App the stand-in knows: who it is, the public half of its
//! key, and where it is installed.

use crate::builder::setters;

/// The kind of account an App is installed on: its name is GitHub's `target_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr)]
#[non_exhaustive]
pub enum AccountKind {
    /// An organization: it has fine-grained token grants.
    Organization,
    /// A user account.
    User,
}

/// One installation of the App.
///
/// ```
/// use github_standin::Installation;
///
/// let suspended = Installation::organization(13, "gamma").suspended(true);
/// let personal = Installation::user(12, "octocat");
/// # let _ = (suspended, personal);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installation {
    pub(crate) id: i64,
    pub(crate) account: String,
    pub(crate) kind: AccountKind,
    pub(crate) suspended: bool,
}

impl Installation {
    /// Installation `id` on organization `login`.
    pub fn organization(id: i64, login: impl Into<String>) -> Self {
        Installation {
            id,
            account: login.into(),
            kind: AccountKind::Organization,
            suspended: false,
        }
    }

    /// Installation `id` on user account `login`.
    pub fn user(id: i64, login: impl Into<String>) -> Self {
        Installation {
            kind: AccountKind::User,
            ..Installation::organization(id, login)
        }
    }

    setters! {
        /// Suspended by the account's owner: GitHub refuses to mint tokens for it.
        suspended(suspended: bool),
    }

    /// Whether this installation reaches organization `org`'s resources.
    pub(crate) fn covers(&self, org: &str) -> bool {
        self.kind == AccountKind::Organization && self.account.eq_ignore_ascii_case(org)
    }
}

/// A GitHub App: its endpoints are served, its JWTs verified with its
/// public key, and the token-governance endpoints then take only the
/// installation tokens minted for it.
///
/// ```
/// use github_standin::{App, ThrowawayKey};
///
/// let key = ThrowawayKey::generate()?;
/// let app = App::new(4242, "Iv23liExample", key.public_key().to_vec())
///     .installed_on(11, "acme")
///     .installed_on(12, "globex");
/// # let _ = app;
/// # Ok::<(), github_standin::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct App {
    pub(crate) app_id: u64,
    pub(crate) client_id: String,
    pub(crate) public_key: Vec<u8>,
    pub(crate) installations: Vec<Installation>,
}

impl App {
    /// An App installed nowhere yet. A JWT's `iss` may be `app_id` (as a
    /// number or a string) or `client_id`; `public_key` is DER, PKCS#1
    /// `RSAPublicKey` or X.509 `SubjectPublicKeyInfo` (see
    /// [`public_key_from_pem`](crate::public_key_from_pem)).
    pub fn new(app_id: u64, client_id: impl Into<String>, public_key: Vec<u8>) -> Self {
        App {
            app_id,
            client_id: client_id.into(),
            public_key,
            installations: Vec::new(),
        }
    }

    /// Installs the App on organization `org` as installation `id`.
    pub fn installed_on(self, id: i64, org: impl Into<String>) -> Self {
        self.install(Installation::organization(id, org))
    }

    /// Adds an installation; `GET /app/installations` lists them in this order.
    pub fn install(mut self, installation: Installation) -> Self {
        self.installations.push(installation);
        self
    }

    pub(crate) fn installation(&self, id: i64) -> Option<&Installation> {
        self.installations.iter().find(|i| i.id == id)
    }

    /// The installation on organization `org`, if any.
    pub(crate) fn installation_on(&self, org: &str) -> Option<&Installation> {
        self.installations.iter().find(|i| i.covers(org))
    }
}
