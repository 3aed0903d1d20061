//! What a GitHub App owner holds, and what is made with it, one job a
//! module, lowest layer first: its private key read from PEM (`key`), the
//! JWTs signed with it and who they name as the App (`jwt`), what an
//! installation token may reach (`scope`), and the credentials that bring
//! them together with the cache of the tokens minted with them
//! (`credentials`).

mod key;
pub(crate) mod jwt;
mod scope;
pub(crate) mod credentials;

pub use credentials::AppCredentials;
pub use jwt::AppIssuer;
pub use scope::{Access, TokenScope};
