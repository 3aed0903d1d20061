//! `trace --revoke`: the leaked tokens revoked with GitHub's credential
//! revocation API, after the plan and a confirmation; each token's summary
//! says what became of it.

use anyhow::bail;

use crate::act::report::plural;
use crate::fetch::audit_log::{self, Revocation};
use crate::fetch::connect::Connection;
use crate::token::Token;
use crate::ui;

use super::rows::{Outcome, Traced};

/// GitHub's limit of credentials in one revocation call.
pub const MAX_CREDENTIALS_PER_CALL: usize = 1_000;

/// Refuses `--revoke` without `--yes` when nobody can be asked: checked
/// before anything is read or fetched. With `--token-stdin`, standard input
/// carries the tokens and cannot answer.
///
/// # Errors
/// `--revoke` without `--yes` and standard input is not a terminal (or carries the tokens).
pub fn check_confirmable(revoke: bool, yes: bool, tokens_on_stdin: bool) -> anyhow::Result<()> {
    if !revoke || yes {
        return Ok(());
    }
    let busy = tokens_on_stdin.then_some("it carries the tokens");
    ui::check_confirmable("revoke", busy, "--revoke to see the trace", "revoke")
}

/// Marks each token's summary `planned` or `skipped` (with why); the
/// positions of those planned.
fn plan(traced: &[Traced], outcome: &mut Outcome) -> Vec<usize> {
    let mut planned = Vec::new();
    for (i, t) in traced.iter().enumerate() {
        let summary = &mut outcome.summaries[i];
        let why = match t {
            Traced::Token(token) if token.kind().revocable() => {
                summary.revocation = "planned".into();
                planned.push(i);
                continue;
            }
            Traced::Token(token) => format!(
                "GitHub's revocation API does not take a {}; it expires within the hour, and \
                 the App can revoke it (DELETE /installation/token)",
                token.kind().describe()
            ),
            Traced::Hash(_) => "only its hash was given".into(),
        };
        (summary.revocation, summary.revocation_message) = ("skipped".into(), why);
    }
    planned
}

/// The plan on stderr, the confirmation (unless `yes`), then calls of at
/// most [`MAX_CREDENTIALS_PER_CALL`] tokens; each token's summary says what
/// became of it.
///
/// # Errors
/// The confirmation cannot be read or is not given.
pub async fn revoke(
    connection: &Connection,
    yes: bool,
    base_url: &str,
    traced: &[Traced],
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    let planned = plan(traced, outcome);
    if planned.is_empty() {
        return Ok(());
    }
    if !yes && !confirm(outcome, &planned, base_url).await? {
        bail!("not confirmed; nothing was revoked");
    }
    let client = connection.client();
    for batch in planned.chunks(MAX_CREDENTIALS_PER_CALL) {
        let tokens: Vec<&Token> = batch.iter().filter_map(|&i| traced[i].token()).collect();
        let credentials = tokens.iter().map(|t| t.expose().to_string()).collect();
        let result = audit_log::revoke(client, credentials).await;
        let (state, message) = match result {
            Revocation::Revoked => ("revoked", String::new()),
            Revocation::Refused(m) => ("refused", m),
            Revocation::Failed(m) => ("failed", m),
        };
        // Whatever the server's message quotes, it never shows the tokens
        // sent: each is replaced by its redacted form.
        let message = (tokens.iter()).fold(message, |m, t| m.replace(t.expose(), &t.redacted()));
        for &i in batch {
            let summary = &mut outcome.summaries[i];
            summary.revocation = state.into();
            summary.revocation_message.clone_from(&message);
        }
        if state != "revoked" {
            outcome.revocations_failed += 1;
            // An error: shown even with --quiet.
            ui::error(format_args!(
                "revoking {} tokens failed: {message}",
                batch.len(),
            ));
        }
    }
    Ok(())
}

/// Shows the tokens to revoke and asks; `true` for yes.
async fn confirm(outcome: &Outcome, planned: &[usize], base_url: &str) -> anyhow::Result<bool> {
    let mut shown = String::from("Tokens to revoke:\n");
    for &i in planned {
        let s = &outcome.summaries[i];
        shown.push_str(&format!(
            "  {} (hashed_token {}): {} events\n",
            s.token, s.hashed_token, s.events
        ));
    }
    let question = format!(
        "Revoke {} with GitHub's credential revocation API at {base_url}? They stop \
         working at once and GitHub tells their owners.",
        plural(planned.len(), "token", "tokens"),
    );
    ui::confirm(shown.as_bytes(), &question).await
}
