#![forbid(unsafe_code)]
//! Lists every fine-grained personal access token with access to an organization.
//!
//! ```text
//! GITHUB_TOKEN=ghs_... cargo run --example list-grants -- --org ORG [--base-url URL] [--owner LOGIN ...] [--json]
//! cargo run --example list-grants -- --app-id ID --private-key FILE --org ORG [--base-url URL] [--json]
//! cargo run --example list-grants -- --client-id ID --private-key FILE --org ORG
//! ```
//!
//! With a GitHub App's ID (or client ID) and private key, it finds the App's
//! installation on the organization, mints an installation token and renews
//! it as needed; otherwise it uses `GITHUB_TOKEN`. One line per grant; with
//! `--json`, one JSON object per line. Exits 1 with a message on any error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use github_pat_grants::prelude::*;
use github_pat_grants::{AppAuthErrorKind, AppIssuer};

#[derive(Parser)]
#[command(about = "List fine-grained personal access tokens with access to an organization")]
struct Args {
    /// The organization's login.
    #[arg(long)]
    org: String,
    /// The API root, e.g. https://HOST/api/v3 for GitHub Enterprise Server.
    #[arg(long, default_value = github_pat_grants::DEFAULT_BASE_URL)]
    base_url: String,
    /// Only tokens owned by this user (repeat for more, up to 10).
    #[arg(long = "owner")]
    owners: Vec<String>,
    /// Print each grant as one JSON object per line.
    #[arg(long)]
    json: bool,
    /// Authenticate as this GitHub App (its numeric App ID) instead of GITHUB_TOKEN.
    #[arg(long, conflicts_with = "client_id", requires = "private_key")]
    app_id: Option<u64>,
    /// Authenticate as the GitHub App with this client ID instead of GITHUB_TOKEN.
    #[arg(long, requires = "private_key")]
    client_id: Option<String>,
    /// The App's private key file (PEM), as downloaded from the App's settings.
    #[arg(long)]
    private_key: Option<PathBuf>,
}

fn client(args: &Args) -> Result<Client, Error> {
    let builder = Client::builder().base_url(&args.base_url);
    let issuer = match (args.app_id, &args.client_id) {
        (Some(id), _) => Some(AppIssuer::from(id)),
        (None, Some(id)) => Some(AppIssuer::from(id.as_str())),
        (None, None) => None,
    };
    match (issuer, &args.private_key) {
        (Some(issuer), Some(key)) => builder
            .app(AppCredentials::from_pem_file(issuer, key)?)
            .installation_for_org(&args.org)
            .build(),
        (None, Some(_)) => Err(Error::Config(
            "--private-key needs --app-id or --client-id".into(),
        )),
        _ => {
            let token = std::env::var("GITHUB_TOKEN").map_err(|_| {
                Error::Config(
                    "set GITHUB_TOKEN to an installation token, or pass --app-id (or --client-id) and --private-key"
                        .into(),
                )
            })?;
            builder.token(token).build()
        }
    }
}

async fn run(args: Args) -> Result<usize, Error> {
    let client = client(&args)?;
    let mut request = client.orgs().list_pat_grants(args.org).per_page(100);
    if !args.owners.is_empty() {
        request = request.owner(args.owners);
    }
    let mut grants = request.stream();
    let mut out = std::io::stdout().lock();
    let mut count = 0;
    while let Some(grant) = grants.try_next().await? {
        let line = if args.json {
            serde_json::to_string(&grant).expect("a grant always serializes")
        } else {
            format!(
                "{}\t{}\t{}\texpires {}\tlast used {}",
                grant.id,
                grant.owner.login,
                grant.repository_selection,
                grant
                    .token_expires_at
                    .map_or("never".into(), |t| t.to_rfc3339()),
                grant
                    .token_last_used_at
                    .map_or("never".into(), |t| t.to_rfc3339()),
            )
        };
        // A closed pipe (`| head`) ends the listing quietly.
        if writeln!(out, "{line}").is_err() {
            break;
        }
        count += 1;
    }
    Ok(count)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            let hint = match &e {
                Error::Api(a) if a.status == 401 => " (is GITHUB_TOKEN valid?)",
                Error::AppAuth(a) if a.kind == AppAuthErrorKind::NotInstalled => {
                    " (install the App on the organization from its settings page, \"Install App\")"
                }
                Error::Api(a) if a.status == 403 => {
                    " (only GitHub Apps may list grants; does the app have `organization_personal_access_tokens: read`?)"
                }
                Error::Api(a) if a.status == 404 => {
                    " (does the organization exist, and is the app installed on it?)"
                }
                _ => "",
            };
            eprintln!("list-grants: {e}{hint}");
            ExitCode::FAILURE
        }
    }
}
