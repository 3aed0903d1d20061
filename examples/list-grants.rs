//! Lists every fine-grained personal access token with access to an organization.
//!
//! ```text
//! GITHUB_TOKEN=ghs_... cargo run --example list-grants -- --org ORG [--base-url URL] [--owner LOGIN ...] [--json]
//! ```
//!
//! One line per grant; with `--json`, one JSON object per line. Exits 1 with
//! GitHub's message on any error.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use futures::TryStreamExt;
use github_pat_grants::{Client, Error, Paginated};

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
}

async fn run(args: Args) -> Result<usize, Error> {
    let token = std::env::var("GITHUB_TOKEN")
        .map_err(|_| Error::Config("set GITHUB_TOKEN to a GitHub App installation token".into()))?;
    let client = Client::builder()
        .token(token)
        .base_url(args.base_url)
        .build()?;
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
