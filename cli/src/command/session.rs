//! What every command that reaches GitHub starts with: the credentials the
//! flags (or `GITHUB_TOKEN`) give, signing in, the organizations to work
//! in; and the one stream a report goes to.

use std::io::{self, BufWriter};

use anyhow::{anyhow, bail};
use github_pat_grants::{AppCredentials, AppIssuer};
use secrecy::{ExposeSecret as _, SecretString};

use crate::args::{AuthArgs, ConcurrencyArgs, FormatArgs, GitHubArgs};
use crate::common::Common;
use crate::fetch::connect::{self, ALL_INSTALLATIONS_NEEDS_APP, Connection, Credentials};
use crate::ui::Ui;

/// The report goes to stdout, buffered; nothing else does.
pub fn stdout() -> impl io::Write {
    BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// What a reading command runs with: `orgs` at `base_url`, in the format
/// and with the concurrency the flags give.
pub fn common(
    orgs: Vec<String>,
    base_url: &str,
    format: &FormatArgs,
    concurrency: &ConcurrencyArgs,
    ui: Ui,
) -> Common {
    Common {
        orgs,
        base_url: base_url.to_string(),
        format: format.chosen(),
        concurrency: usize::from(concurrency.concurrency),
        ui,
    }
}

/// Signs in as `github.auth` says, and finds the organizations to act on:
/// those named, and with `--all-installations` those the App is installed
/// on (saying on stderr which installations are left out, and why); none
/// for the `instance` itself (`--kind site-token,site-key`).
pub async fn sign_in(
    github: &GitHubArgs,
    instance: bool,
    ui: Ui,
) -> anyhow::Result<(Connection, Vec<String>)> {
    let mut connection = connect(github)?;
    if instance {
        return Ok((connection, Vec::new()));
    }
    let all = github.auth.all_installations;
    let orgs = connect::organizations(&mut connection, &github.orgs, all).await?;
    for skipped in &orgs.skipped {
        ui.notice(format_args!("pat-audit: skipping {skipped}"));
    }
    Ok((connection, orgs.logins))
}

/// A connection to `github.base_url` with the flags' credentials.
///
/// # Errors
/// Those of [`credentials`], or a client the SDK cannot build.
pub fn connect(github: &GitHubArgs) -> anyhow::Result<Connection> {
    connect::connect(
        credentials(&github.auth)?,
        &github.base_url,
        github.cache.as_deref(),
    )
}

/// The credentials the flags give: the App flags win over `GITHUB_TOKEN`,
/// which is then not read (a CI job may well have both, and the App's tokens
/// are the ones that do not expire mid-run).
///
/// # Errors
/// An App ID that is not a number, an App flag without its partner, a
/// private key the SDK cannot use (its message says what is wrong, without
/// the key's bytes), `--all-installations` with a token, or no credentials.
fn credentials(auth: &AuthArgs) -> anyhow::Result<Credentials> {
    if let Some(credentials) = app_credentials(auth)? {
        return Ok(Credentials::App(credentials));
    }
    if auth.all_installations {
        bail!("{ALL_INSTALLATIONS_NEEDS_APP}");
    }
    let token = auth
        .token
        .clone()
        .or_else(|| std::env::var("GITHUB_TOKEN").ok().map(SecretString::from))
        .filter(|t| !t.expose_secret().trim().is_empty())
        .ok_or_else(|| {
            anyhow!(
                "no credentials: give the GitHub App's --app-id (or --client-id) and \
                 --private-key, or set GITHUB_TOKEN to a GitHub App installation token \
                 (only GitHub Apps may list an organization's fine-grained token grants)"
            )
        })?;
    Ok(Credentials::Token(token))
}

/// The App's credentials from the flags, `None` without App flags.
///
/// clap already refuses the incomplete combinations; they are checked again
/// here because [`AuthArgs`] can also be built in code.
fn app_credentials(auth: &AuthArgs) -> anyhow::Result<Option<AppCredentials>> {
    if let Some(credentials) = &auth.credentials {
        return Ok(Some(credentials.clone()));
    }
    let issuer = match (&auth.app_id, &auth.client_id) {
        (Some(_), Some(_)) => {
            bail!("give --app-id or --client-id, not both: either one names the App")
        }
        (Some(id), None) => AppIssuer::AppId(id.trim().parse().map_err(|_| {
            anyhow!(
                "--app-id takes the App's numeric ID (\"App ID\" on the App's settings page); \
                 for its client ID (Iv23li...) use --client-id"
            )
        })?),
        (None, Some(id)) => AppIssuer::ClientId(id.trim().to_string()),
        (None, None) if auth.private_key.is_some() => {
            bail!("--private-key needs the App it belongs to: --app-id ID or --client-id ID")
        }
        (None, None) => return Ok(None),
    };
    let Some(path) = &auth.private_key else {
        bail!(
            "--app-id and --client-id need --private-key FILE, the App's private key \
             (PEM, as downloaded from the App's settings)"
        );
    };
    // The SDK reads the key once, here, and says what is wrong with a bad
    // one without quoting it.
    Ok(Some(AppCredentials::from_pem_file(issuer, path)?))
}
