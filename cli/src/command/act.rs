//! `pat-audit revoke`, `review` and `contain`: everything that can be
//! refused without GitHub is refused first, then the plan is made (and
//! sent with `--apply`) by [`crate::act`].

use std::path::Path;

use anyhow::bail;

use super::session::{common, sign_in, stdout};
use crate::act::{self, Verb};
use crate::args::{
    ApplyArgs, ContainArgs, ReviewArgs, RevokeArgs, TargetArgs, check_policy_findings,
};
use crate::fetch::connect::Connection;
use crate::findings::FindingKind;
use crate::policy::Policy;
use crate::row::Kind;
use crate::ui::{self, Ui};

/// Refuses what cannot be sent, signs in (to the `instance` itself, or to
/// the organizations), and makes the options `verb` acts with.
pub(super) async fn start(
    t: &TargetArgs,
    apply: &ApplyArgs,
    verb: &str,
    instance: bool,
    ui: Ui,
) -> anyhow::Result<(Connection, act::Options)> {
    // `--now` is for looking: what is sent is decided as of the current
    // time, never an invented one (an expiry a year away is not "expired"
    // because the command line says it is 2035). clap refuses the pair;
    // this refuses it for arguments built in code too. And `--yes` needs
    // `--apply`: clap waives a requirement that conflicts with a flag
    // given, so `--now --yes` gets past its `requires`. Then the
    // confirmation must be possible.
    if apply.apply && t.now.now.is_some() {
        bail!("--now is only for looking: it cannot be used with --apply");
    }
    if apply.yes && !apply.apply {
        bail!("--yes answers the question --apply asks; without --apply nothing is sent");
    }
    if apply.apply && !apply.yes {
        ui::check_confirmable(verb, None, "--apply to see the plan", "act")?;
    }
    let (connection, orgs) = sign_in(&t.github, instance, ui).await?;
    let opts = act::Options {
        common: common(orgs, &t.github.base_url, &t.format, &t.concurrency, ui),
        now: t.now.or_current(),
        apply: apply.apply,
        yes: apply.yes,
    };
    Ok((connection, opts))
}

/// `pat-audit revoke`.
pub async fn revoke(args: RevokeArgs, ui: Ui) -> anyhow::Result<u8> {
    // Everything that can be refused without GitHub is refused first.
    let selection = revoke_selection(&args)?;
    let site = selection.kind.is_site();
    let (connection, opts) = start(&args.target, &args.apply, "revoke", site, ui).await?;
    act::run(&connection, &opts, Verb::Revoke(&selection), stdout()).await
}

/// `pat-audit contain`.
pub async fn contain(args: ContainArgs, ui: Ui) -> anyhow::Result<u8> {
    if args.users.len() > 10 {
        bail!(
            "--user takes at most 10 logins (GitHub filters by at most 10 owners); run again for the others"
        );
    }
    if args.users.iter().any(|u| u.trim().is_empty()) {
        bail!("--user is empty");
    }
    let (connection, opts) = start(&args.target, &args.apply, "contain", false, ui).await?;
    let target = act::Target {
        users: args.users,
        enterprise: args.enterprise,
        destroy_credentials: args.destroy_credentials,
        site: args.site,
    };
    act::run(&connection, &opts, Verb::Contain(&target), stdout()).await
}

/// What `revoke` revokes, from the command line and the policy: refused
/// before anything is fetched when it cannot be right.
fn revoke_selection(args: &RevokeArgs) -> anyhow::Result<act::Selection> {
    let kind = args.kind;
    if matches!(kind, Kind::Request | Kind::Installation) {
        bail!(
            "revoke acts on grants or credentials (--kind grant|credential), or on the \
             instance's site tokens or keys (--kind site-token|site-key), not {kind}s"
        );
    }
    let policy = args.policy.as_deref().map(Policy::load).transpose()?;
    let violations = |p: &Policy| match kind {
        Kind::Grant => p.violations(),
        _ => p.credentials.violations(),
    };
    let findings = if args.finding.is_empty() && args.grants.is_empty() {
        match &policy {
            Some(policy) if !violations(policy).is_empty() => violations(policy),
            Some(_) => bail!(
                "the policy's [{kind}s] table forbids nothing; name what to revoke with \
                 --finding F or --grant ID"
            ),
            None => bail!("name what to revoke: --finding F[,F...], --grant ID or --policy FILE"),
        }
    } else {
        args.finding.clone()
    };
    if findings.contains(&FindingKind::PendingRequest) {
        bail!(
            "`pending-request` is a request, not a grant: review requests with `pat-audit review`"
        );
    }
    check_policy_findings(findings.iter(), policy.is_some())?;
    if let Some(reason) = &args.reason
        && reason.trim().is_empty()
    {
        bail!("--reason is empty");
    }
    Ok(act::Selection {
        kind,
        findings,
        grants: args.grants.clone(),
        reason: args.reason.clone(),
        rules: args.thresholds.rule_set(policy),
    })
}

/// `pat-audit review`.
pub async fn review(args: ReviewArgs, ui: Ui) -> anyhow::Result<u8> {
    let policy = review_policy(&args.policy)?;
    let (connection, opts) = start(&args.target, &args.apply, "review", false, ui).await?;
    act::run(&connection, &opts, Verb::Review(&policy), stdout()).await
}

/// The policy `review` and `serve` decide requests with: one without
/// request rules would leave every request for a person.
pub fn review_policy(path: &Path) -> anyhow::Result<Policy> {
    let policy = Policy::load(path)?;
    if !policy.has_request_rules() {
        bail!(
            "policy {} has no [[requests.deny]] or [[requests.approve]] rule: every request \
             would be left for a person",
            path.display()
        );
    }
    Ok(policy)
}
