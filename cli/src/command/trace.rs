//! `pat-audit trace`: the leaked tokens read (never echoed), then traced
//! by [`crate::trace`].

use std::io;

use anyhow::{Context as _, bail};
use zeroize::Zeroizing;

use super::session::{common, sign_in, stdout};
use crate::args::{TraceArgs, since};
use crate::trace;
use crate::ui::Ui;

/// The traced tokens: from stdin or a file (lines checked, never echoed),
/// or hashes.
fn traced_inputs(args: &TraceArgs) -> anyhow::Result<Vec<trace::Traced>> {
    let mut traced = Vec::new();
    // The text the tokens are read from is as secret as they are: wiped
    // when dropped, like each token.
    if args.token_stdin {
        let mut text = Zeroizing::new(String::new());
        io::Read::read_to_string(&mut io::stdin().lock(), &mut text)
            .context("reading tokens from standard input")?;
        traced.extend(trace::tokens_from(&text, "standard input")?);
    }
    if let Some(path) = &args.token_file {
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading tokens from {}", path.display()))?,
        );
        traced.extend(trace::tokens_from(&text, &path.display().to_string())?);
    }
    for (i, hash) in args.hashed_tokens.iter().enumerate() {
        if !crate::token::is_hash(hash.trim()) {
            bail!(
                "--hashed-token #{}: not a token hash as the audit log records it (SHA-256, \
                 base64, 44 characters)",
                i + 1
            );
        }
        traced.push(trace::Traced::Hash(hash.trim().to_string()));
    }
    Ok(traced)
}

/// `pat-audit trace`.
pub async fn trace(args: TraceArgs, ui: Ui) -> anyhow::Result<u8> {
    let since = since(&args.since, args.now.or_current())?;
    trace::check_confirmable(args.revoke, args.yes, args.token_stdin)?;
    let traced = traced_inputs(&args)?;
    let (connection, orgs) = sign_in(&args.github, false, ui).await?;
    let opts = trace::Options {
        common: common(
            orgs,
            &args.github.base_url,
            &args.format,
            &args.concurrency,
            ui,
        ),
        output: args.output.clone(),
        since,
        revoke: args.revoke,
        yes: args.yes,
    };
    let outcome = trace::run(&connection, &opts, &traced, stdout()).await?;
    Ok(outcome.exit_code())
}
