//! `pat-audit audit`: the flags made into the audit's options; the audit
//! itself is [`crate::audit`].

use anyhow::bail;
use chrono::{DateTime, Utc};

use super::session::{common, sign_in, stdout};
use crate::args::{AuditArgs, ReportArgs};
use crate::policy::Policy;
use crate::ui::Ui;
use crate::{audit, site};

/// The audit's options for `orgs` at `base_url` as of `now`, from the
/// report flags (shared with `demo`); no policy yet.
pub fn options(
    orgs: Vec<String>,
    base_url: &str,
    now: DateTime<Utc>,
    owners: Vec<String>,
    r: &ReportArgs,
    ui: Ui,
) -> audit::Options {
    audit::Options {
        common: common(orgs, base_url, &r.format, &r.concurrency, ui),
        output: r.output.clone(),
        now,
        rules: r.thresholds.rule_set(None),
        fail_on: r.fail_on.clone(),
        only: r.only.clone(),
        owners,
        kinds: (!r.kinds.is_empty()).then(|| r.kinds.clone()),
    }
}

/// `pat-audit audit`.
pub async fn audit(args: AuditArgs, ui: Ui) -> anyhow::Result<u8> {
    if args.owners.len() > 10 {
        bail!(
            "at most 10 --owner logins (GitHub's limit); {} given",
            args.owners.len()
        );
    }
    // The policy is read first: a bad one is an error before anything is fetched.
    let policy = args.policy.as_deref().map(Policy::load).transpose()?;
    args.report.check_policy_findings(policy.is_some())?;
    let now = args.now.or_current();
    let (kinds, base_url) = (&args.report.kinds, args.github.base_url.as_str());
    let site = kinds.iter().any(|k| k.is_site());
    if site && (kinds.iter().any(|k| !k.is_site()) || args.report.output.is_some()) {
        bail!(
            "--kind site-token,site-key audits the instance, not organizations: audit them in a \
             run of their own, without --output"
        );
    }
    let (connection, orgs) = sign_in(&args.github, site, ui).await?;
    let mut opts = options(orgs, base_url, now, args.owners, &args.report, ui);
    opts.rules = args.report.thresholds.rule_set(policy);
    if site {
        return site::audit(connection.client(), &opts, stdout()).await;
    }
    let outcome = audit::run(&connection, &opts, stdout()).await?;
    Ok(outcome.exit_code())
}
