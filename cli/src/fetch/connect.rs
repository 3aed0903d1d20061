//! The credentials a run signs in with, as SDK clients, and the
//! organizations it acts on.
//!
//! [`connect`] turns [`Credentials`] into a [`Connection`]: a GitHub App,
//! whose App-level client hands out one installation client per
//! organization, or a token used for every organization. The SDK signs the
//! App's JWTs, finds each organization's installation, and mints and renews
//! its tokens; nothing here handles a JWT or a token.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context as _, anyhow, bail};
use futures::TryStreamExt as _;
use github_pat_grants::types::{Installation, InstallationAccount};
use github_pat_grants::{AppCredentials, Client, DiskCache, Error, RetryPolicy};
use secrecy::{ExposeSecret as _, SecretString};

use super::explain::{app_hint, failed};
use crate::row::Item as _;

/// Who a run signs in as; its `Debug` shows no secret (`SecretString`'s
/// shows neither the token nor its length).
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A GitHub App: the SDK mints each organization's installation tokens.
    App(AppCredentials),
    /// A token (an installation token minted by another tool) used for
    /// every organization; wiped from memory when dropped.
    Token(SecretString),
}

/// Why `--all-installations` cannot run with a token.
pub const ALL_INSTALLATIONS_NEEDS_APP: &str = "--all-installations needs GitHub App \
     authentication: --app-id ID (or --client-id ID) and --private-key FILE";

/// The credentials a run signs in with, as SDK clients.
///
/// Ask it for each organization's client with [`client_for`](Self::client_for):
/// with a token that is the same client for every organization; as a GitHub
/// App it is the App's installation on that organization, and all of them
/// share one HTTP connection pool, one JWT and one cache of installation
/// tokens.
#[derive(Clone, Debug)]
pub struct Connection {
    /// The App-level client (it sends the App's JWT), or the token's client.
    client: Client,
    /// As an App, what is known of its installations: organization login
    /// (lower case) to installation ID, from `GET /app/installations`.
    app: Option<HashMap<String, i64>>,
}

impl Connection {
    /// The App-level client (it sends the App's JWT and makes installation
    /// clients), or the token's client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The client for one organization's endpoints. As an App: the
    /// installation found by `--all-installations`, or else the one the SDK
    /// looks up with `GET /orgs/{org}/installation` on the first request.
    ///
    /// # Errors
    /// Only if the SDK refuses to make an installation client, which it does
    /// for clients without App credentials and [`connect`] never builds one.
    pub fn client_for(&self, org: &str) -> Result<Client, Error> {
        match &self.app {
            None => Ok(self.client.clone()),
            Some(known) => match known.get(&org.to_ascii_lowercase()) {
                Some(&id) => self.client.for_installation(id),
                None => self.client.for_org(org),
            },
        }
    }
}

/// Builds the clients every call goes through, with the identification
/// headers and the retry policy every client gets, and with `cache` the
/// SDK's conditional requests kept in that folder (`--cache`).
///
/// # Errors
/// A base URL the SDK refuses, or a cache folder that cannot be made ours.
pub fn connect(
    credentials: Credentials,
    base_url: &str,
    cache: Option<&Path>,
) -> anyhow::Result<Connection> {
    let mut builder = Client::builder()
        .base_url(base_url)
        .user_agent(concat!("pat-audit/", env!("CARGO_PKG_VERSION")))
        // Waits out rate limits (up to the policy's 15 minutes) and retries 5xx.
        .retry(RetryPolicy::new());
    if let Some(dir) = cache {
        let store = DiskCache::new(dir)
            .with_context(|| format!("--cache {}: cannot keep answers there", dir.display()))?;
        builder = builder.cache(store);
    }
    let (builder, app) = match credentials {
        Credentials::App(app) => (builder.app(app), Some(HashMap::new())),
        Credentials::Token(token) => (builder.token(token.expose_secret().trim()), None),
    };
    let client = builder.build().context("setting up the GitHub client")?;
    Ok(Connection { client, app })
}

/// The organizations [`organizations`] found, and the installations it left out.
#[derive(Clone, Debug, Default)]
pub struct Organizations {
    /// The organizations to act on, each once, in order.
    pub logins: Vec<String>,
    /// Installations of the App that are left out, and why (for stderr).
    pub skipped: Vec<String>,
}

/// The organizations to act on: those `named`, each once, in the order
/// given, then with `all_installations` every other organization the App is
/// installed on, in the order GitHub lists them. Installations on user
/// accounts (which have no organization token grants) and suspended
/// installations (GitHub mints no tokens for them) are left out and listed
/// in [`Organizations::skipped`].
///
/// # Errors
/// `all_installations` without App credentials, GitHub refusing to list the
/// installations, or no organization at all.
pub async fn organizations(
    connection: &mut Connection,
    named: &[String],
    all_installations: bool,
) -> anyhow::Result<Organizations> {
    let mut found = Organizations::default();
    for org in named.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        push_once(&mut found.logins, org);
    }
    if !all_installations {
        if found.logins.is_empty() {
            bail!("name at least one organization with --org ORG");
        }
        return Ok(found);
    }
    let Some(known) = connection.app.as_mut() else {
        bail!("{ALL_INSTALLATIONS_NEEDS_APP}");
    };
    let mut installations = connection.client.installations();
    let refused = |e: Error| {
        let what = "listing the GitHub App's installations (GET /app/installations)";
        anyhow!(failed(what, &e, app_hint(&e).unwrap_or_default()))
    };
    while let Some(installation) = installations.try_next().await.map_err(refused)? {
        match organization_of(&installation) {
            Ok(org) => {
                known.insert(org.to_ascii_lowercase(), installation.id);
                push_once(&mut found.logins, org);
            }
            Err(skipped) => found.skipped.push(skipped),
        }
    }
    if found.logins.is_empty() {
        let why = if found.skipped.is_empty() {
            " (it has no installations)".to_string()
        } else {
            format!(": skipped {}", found.skipped.join("; "))
        };
        bail!(
            "the GitHub App is installed on no organization it can audit{why}; install it on \
             an organization (the App's page, Install App) or name one with --org"
        );
    }
    Ok(found)
}

/// The organization an installation is on, or why it is left out.
fn organization_of(installation: &Installation) -> Result<&str, String> {
    let id = installation.id;
    let organization = installation
        .target_type
        .eq_ignore_ascii_case("Organization");
    match &installation.account {
        Some(InstallationAccount::SimpleUser(account)) if organization => {
            let org = account.login.as_str();
            if installation.suspended_at.is_some() {
                return Err(format!(
                    "the installation on the organization `{org}` (installation {id}): it \
                     is suspended, and GitHub gives suspended installations no tokens"
                ));
            }
            Ok(org)
        }
        _ => {
            // The account's login or slug, as a row names its owner.
            let name = match installation.account {
                Some(_) => installation.owner(),
                None => "?",
            };
            Err(format!(
                "the installation on the {} account `{name}` (installation {id}): only \
                 organizations have fine-grained token grants",
                installation.target_type.to_lowercase()
            ))
        }
    }
}

/// Adds `org` unless it is there already; logins are case-insensitive on GitHub.
fn push_once(logins: &mut Vec<String>, org: &str) {
    if !logins.iter().any(|o| o.eq_ignore_ascii_case(org)) {
        logins.push(org.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GitHub Enterprise Cloud with data residency serves the API at
    /// `https://api.SUBDOMAIN.ghe.com`, at the root as api.github.com does
    /// (GitHub's docs, "GitHub Enterprise Cloud with data residency");
    /// GitHub Enterprise Server under `/api/v3`. Both are taken as given,
    /// a trailing slash dropped; the listings' paths are appended to them
    /// (the GHES prefix is tested end to end against the stand-in).
    #[test]
    fn data_residency_and_server_base_urls_are_taken_as_given() {
        for url in [
            "https://api.octocorp.ghe.com",
            "https://api.octocorp.ghe.com/",
            "https://ghes.example.com/api/v3",
        ] {
            let connection = connect(
                Credentials::Token(SecretString::from("ghs_test")),
                url,
                None,
            );
            assert!(connection.is_ok(), "{url}");
            assert!(connection.unwrap().client_for("acme").is_ok(), "{url}");
        }
        for url in ["api.octocorp.ghe.com", "ftp://api.octocorp.ghe.com"] {
            let refused = connect(
                Credentials::Token(SecretString::from("ghs_test")),
                url,
                None,
            );
            assert!(refused.is_err(), "{url}");
        }
    }
}
