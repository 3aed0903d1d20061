//! What a report row is about, built once: the subject (organization, kind,
//! id, token id, token name, owner) of every row of every command, from a
//! grant, a request or a webhook's request; and what a row is to the
//! formats that write it.
//!
//! A new kind of row (a SAML credential authorization, an App installation)
//! is a [`Kind`] variant and an [`Item`] impl for its SDK type; a row about
//! it is a [`SubjectRow`]. A row of another shape (one without a subject)
//! implements [`Row`] itself.

use std::borrow::Cow;

use github_pat_grants::types::{
    Authorization, CredentialAuthorization, Installation,
    OrganizationProgrammaticAccessGrant as Grant,
    OrganizationProgrammaticAccessGrantRequest as Request, PersonalAccessTokenRequest,
    PublicKeyFull,
};
use serde::{Deserialize, Serialize};
use strum::{Display, IntoStaticStr, VariantArray};

/// The name of a kind of thing (a finding, an action, a change, a
/// permission's scope or level...) as the command line, the policy file and
/// the reports spell it: strum derives each enum's names from its variants,
/// and this one method reads them for all of them. (Implemented for each
/// enum rather than for every `Into<&'static str>`, so that the method is
/// also found through a reference.)
pub trait Named: Copy + Into<&'static str> {
    /// The name.
    fn name(self) -> &'static str {
        self.into()
    }
}

impl Named for Kind {}

/// What a row is about: an approved grant, a pending request, a SAML
/// credential authorization or an App installed on the organization. Its
/// names and its table of every kind (report order) are the variants'.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[derive(Display, IntoStaticStr, VariantArray)]
#[strum(serialize_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// An approved grant (`GET /orgs/{org}/personal-access-tokens`).
    #[default]
    Grant,
    /// A pending request (`GET /orgs/{org}/personal-access-token-requests`).
    Request,
    /// A credential a member authorized for an organization that uses SAML
    /// single sign-on (`GET /orgs/{org}/credential-authorizations`): a
    /// classic token, an SSH key, an OAuth app or GitHub App token.
    Credential,
    /// A GitHub App installed on the organization (`GET /orgs/{org}/installations`).
    Installation,
    /// A user's classic token on a GitHub Enterprise Server instance, as
    /// its site administrator sees it (`GET /admin/tokens`); no organization.
    SiteToken,
    /// An SSH key on the instance, a user's or a repository's deploy key
    /// (`GET /admin/keys`); no organization.
    SiteKey,
}

impl Kind {
    /// Whether it is the instance's (`site-token`, `site-key`) rather than
    /// an organization's.
    pub fn is_site(self) -> bool {
        matches!(self, Kind::SiteToken | Kind::SiteKey)
    }
}

/// Which grant or request a row is about: the first six columns of every
/// report (`org`, `kind`, `id`, `token_id`, `token_name`, `owner`), part of
/// the command-line contract.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Subject {
    /// The organization's login.
    pub org: String,
    /// Grant or request.
    pub kind: Kind,
    /// The grant's `id` (the `pat_id`), the request's `id`, the
    /// credential's `credential_id` or the installation's `id`.
    pub id: i64,
    /// The token's `token_id`; a credential's `authorized_credential_id`
    /// (0 when GitHub gives none); an installation's `app_id`.
    pub token_id: i64,
    /// The token's name; a credential's note (tokens) or title (SSH keys),
    /// empty when it has none; an installation's `app_slug`.
    pub token_name: String,
    /// The token owner's login; a credential's `login`; for an installation,
    /// the organization it is installed on.
    pub owner: String,
}

impl Subject {
    /// The subject's columns, also its JSON keys.
    pub const COLUMNS: [&'static str; 6] = ["org", "kind", "id", "token_id", "token_name", "owner"];

    /// The subject of `item`, listed in `org`.
    pub fn of(org: &str, item: &impl Item) -> Subject {
        let (kind, id, token_id, token_name, owner) = item.fields();
        Subject {
            org: org.to_string(),
            kind,
            id,
            token_id,
            token_name: token_name.to_string(),
            owner: owner.to_string(),
        }
    }

    /// The subject's cells, in [`COLUMNS`](Self::COLUMNS) order.
    pub fn cells(&self) -> [Cow<'_, str>; 6] {
        [
            Cow::Borrowed(self.org.as_str()),
            Cow::Borrowed(self.kind.name()),
            Cow::Owned(self.id.to_string()),
            Cow::Owned(self.token_id.to_string()),
            Cow::Borrowed(self.token_name.as_str()),
            Cow::Borrowed(self.owner.as_str()),
        ]
    }
}

/// Something GitHub lists that a row can be about; one impl for each shape
/// GitHub gives it in.
pub trait Item {
    /// What its [`Subject`] says but the organization: its kind, id
    /// (`pat_id`, `pat_request_id`), token's id, token's name and token
    /// owner's login.
    fn fields(&self) -> (Kind, i64, i64, &str, &str);

    /// Its id.
    fn id(&self) -> i64 {
        self.fields().1
    }

    /// Its token owner's login.
    fn owner(&self) -> &str {
        self.fields().4
    }
}

/// An [`Item`] impl from an expression per field of the value `$s`, in
/// [`Item::fields`] order; without them, the fields GitHub names the same
/// in every shape of a grant or request.
macro_rules! item {
    ($type:ty, $kind:expr) => {
        item!($type, $kind, |s| s.id, s.token_id, &s.token_name, &s.owner.login);
    };
    ($type:ty, $kind:expr, |$s:ident| $($field:expr),+) => {
        impl Item for $type {
            fn fields(&self) -> (Kind, i64, i64, &str, &str) {
                let $s = self;
                ($kind, $($field),+)
            }
        }
    };
}

item!(Grant, Kind::Grant);
item!(Request, Kind::Request);
// A webhook's `personal_access_token_request`: the same request in another shape.
item!(PersonalAccessTokenRequest, Kind::Request);
// A credential's name is its note (tokens) or title (SSH keys).
item! { CredentialAuthorization, Kind::Credential, |s| s.credential_id,
s.authorized_credential_id.unwrap_or_default(),
(s.authorized_credential_note.as_deref().or(s.authorized_credential_title.as_deref()))
    .unwrap_or_default(),
&s.login }
// An installation's token is its App; its owner the account it is
// installed on, which GitHub names in `account`.
item! { Installation, Kind::Installation, |s| s.id, s.app_id, &s.app_slug, installation_account(s) }

// A site token's name is its note, else its app's name (GitHub names a
// token without a note after the app that made it); its owner the user.
item! { Authorization, Kind::SiteToken, |s| s.id, s.id, s.note.as_deref().unwrap_or(&s.app.name),
s.user.as_ref().map_or("", |u| u.login.as_str()) }

/// An SSH key of the instance with its owner's login, which GitHub gives
/// only as `user_id`: a user key's owner; for a deploy key (no `user_id`)
/// whoever added it (`added_by`).
#[derive(Clone, Debug)]
pub struct SiteKey {
    /// The key as GitHub lists it.
    pub key: PublicKeyFull,
    /// The owner's login (empty when GitHub names nobody).
    pub owner: String,
}

item! { SiteKey, Kind::SiteKey, |s| s.key.id, s.key.id, &s.key.title, &s.owner }

/// The login or slug of the account an App is installed on.
fn installation_account(installation: &Installation) -> &str {
    use github_pat_grants::types::InstallationAccount;
    match &installation.account {
        Some(InstallationAccount::SimpleUser(user)) => &user.login,
        Some(InstallationAccount::Enterprise(enterprise)) => &enterprise.slug,
        None => "",
    }
}

/// A row of a report, as every format writes it: JSON with the columns as
/// keys (its `Serialize`), CSV and tables with its cells.
pub trait Row: Serialize {
    /// The column names, which are also the JSON keys and the CSV header.
    fn columns() -> Vec<&'static str>;
    /// The cells, in column order.
    fn cells(&self) -> Vec<Cow<'_, str>>;
    /// The organization the row belongs to, and its order among that
    /// organization's rows (table and markdown sort by them).
    fn sort_key(&self) -> (&str, (Kind, i64, usize));
    /// What the table and markdown say instead of an empty table; nothing
    /// when empty.
    const EMPTY: &'static str = "No findings.";
    /// The column that says what the row found or did (a finding, an
    /// action, a change, an audit-log event's action), which a coloured
    /// table highlights.
    fn verdict_column() -> Option<usize>;
}

/// A row about one grant or request: its subject's columns, then its own.
/// Its JSON is the subject's keys then its own (`#[serde(flatten)]` on the
/// subject).
pub trait SubjectRow: Serialize {
    /// The columns after the subject's.
    const COLUMNS: &'static [&'static str];
    /// What the row is about.
    fn subject(&self) -> &Subject;
    /// The cells after the subject's.
    fn own_cells(&self) -> Vec<Cow<'_, str>>;
    /// The order of rows about the same subject.
    fn order(&self) -> usize {
        0
    }
    /// See [`Row::EMPTY`].
    const EMPTY: &'static str = "No findings.";
}

/// [`SubjectRow`] for a row that says one named thing about its subject,
/// and how: a `subject`, a fieldless kind in the field `$kind` (its name the
/// column's cell, its place in its enum the order among a subject's rows)
/// and a `detail`. Findings and snapshot changes are such rows; written
/// once here so that their tables cannot drift apart.
macro_rules! detail_row {
    ($row:ty, $kind:ident) => {
        impl $crate::row::SubjectRow for $row {
            const COLUMNS: &'static [&'static str] = &[stringify!($kind), "detail"];

            fn subject(&self) -> &$crate::row::Subject {
                &self.subject
            }

            fn own_cells(&self) -> Vec<std::borrow::Cow<'_, str>> {
                let name: &'static str = self.$kind.into();
                vec![name.into(), self.detail.as_str().into()]
            }

            fn order(&self) -> usize {
                self.$kind as usize
            }
        }
    };
}
pub(crate) use detail_row;

impl<R: SubjectRow> Row for R {
    fn columns() -> Vec<&'static str> {
        Subject::COLUMNS.iter().chain(R::COLUMNS).copied().collect()
    }

    fn cells(&self) -> Vec<Cow<'_, str>> {
        let subject = self.subject().cells().into_iter();
        subject.chain(self.own_cells()).collect()
    }

    fn sort_key(&self) -> (&str, (Kind, i64, usize)) {
        let s = self.subject();
        (s.org.as_str(), (s.kind, s.id, self.order()))
    }

    const EMPTY: &'static str = R::EMPTY;

    /// The first column after the subject's.
    fn verdict_column() -> Option<usize> {
        Some(Subject::COLUMNS.len())
    }
}
