//! The stand-in's one error type.

/// What can go wrong around the stand-in (never inside a response: a request
/// GitHub would refuse gets GitHub's answer, not an error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error("binding the GitHub stand-in on {address}: {source}")]
    Bind {
        /// The address asked for.
        address: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A key could not be made, read or encoded; the message never shows key material.
    #[error("{0}")]
    Key(String),
    /// A webhook could not be delivered: no receiver was set, or it could not be reached.
    #[error("delivering a webhook to {url}: {reason}")]
    Delivery {
        /// The receiver's URL.
        url: String,
        /// What failed.
        reason: String,
    },
}
