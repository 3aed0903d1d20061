//! What the stand-in serves: organizations, their grants and requests, and
//! the GitHub App, as tests describe them.

mod permissions;

mod audit;
mod token;

mod credential;
mod installed;
mod site;
mod repo;

mod seeded;

mod org;

mod app;

pub use app::{AccountKind, App, Installation};
pub use audit::AuditEvent;
pub use credential::Credential;
pub use installed::InstalledApp;
pub(crate) use org::Collection;
pub use org::Org;
pub use repo::IssueRecord;
pub(crate) use repo::Repo;
pub(crate) use seeded::seeded_index;
pub use site::{SiteKey, SiteToken};
pub(crate) use token::Kind;
pub use token::{Grant, Granted, Requested, Token, TokenRequest};
