//! What the stand-in serves: organizations, their grants and requests, and
//! the GitHub App, as tests describe them.

mod permissions;

mod audit;
mod grant;

mod credential;
mod installed;
mod request;

mod seeded;

mod org;

mod app;

pub use app::{AccountKind, App, Installation};
pub use audit::AuditEvent;
pub use credential::Credential;
pub use grant::Grant;
pub use installed::InstalledApp;
pub(crate) use org::Items;
pub use org::Org;
pub(crate) use permissions::Text;
pub use request::TokenRequest;
pub(crate) use seeded::seeded_index;
