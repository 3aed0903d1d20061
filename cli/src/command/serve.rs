//! `pat-audit serve`: everything that can be refused is refused before
//! anything is served by [`crate::serve`].

use anyhow::{anyhow, bail};

use super::act::review_policy;
use super::session;
use crate::args::ServeArgs;
use crate::render::Format;
use crate::serve;
use crate::ui::Ui;

/// `pat-audit serve`.
pub async fn serve(args: ServeArgs, ui: Ui) -> anyhow::Result<u8> {
    if args.github.auth.all_installations {
        bail!(
            "serve acts as the installation each delivery names; --all-installations does not apply"
        );
    }
    let policy = review_policy(&args.policy)?;
    let secret = std::env::var(&args.webhook_secret_env)
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            anyhow!(
                "the environment variable {} (--webhook-secret-env) is not set or empty: set it to \
                 the webhook secret of the GitHub App",
                args.webhook_secret_env
            )
        })?;
    let json = match args.format.format {
        None | Some(Format::Table) => false,
        Some(Format::Json) => true,
        Some(_) => bail!("serve logs as table (plain lines) or json"),
    };
    // Each delivery names the installation to act as; the App-level client
    // (or the token's) makes that installation's client.
    let connection = session::connect(&args.github)?;
    serve::run(serve::Options {
        deciding: serve::Deciding {
            policy,
            secret: serve::Secret::new(secret),
            client: connection.client().clone(),
            orgs: args.github.orgs,
            dry_run: args.dry_run,
            json,
        },
        listen: args.listen,
        max_body_bytes: args.max_body_bytes,
        ui,
    })
    .await
}
