//! `pat-audit notify`: the flags checked and made into `notify`'s options;
//! the command itself is [`crate::notify`].

use anyhow::bail;

use super::act::check_plan_first;
use super::session::{common, rule_set, sign_in, stdout};
use crate::args::NotifyArgs;
use crate::audit;
use crate::findings::FindingKind;
use crate::notify::{self, issues::Repo};
use crate::row::Kind;
use crate::ui::Ui;

/// `pat-audit notify`.
pub async fn notify(args: NotifyArgs, ui: Ui) -> anyhow::Result<u8> {
    // Everything that can be refused without GitHub is refused first.
    let repo = Repo::parse(&args.repo)?;
    let label = args.label.trim().to_string();
    if label.is_empty() || label.chars().count() > 50 || label.contains(',') {
        bail!(
            "--label takes a label's name: 1 to 50 characters, no comma (GitHub splits label filters on commas)"
        );
    }
    if args.finding.contains(&FindingKind::PendingRequest) {
        bail!(
            "`pending-request` awaits the organization's reviewers, not its owner: review requests with `pat-audit review`"
        );
    }
    if let Some(kind) = args.finding.iter().find(|k| k.needs_policy()) {
        bail!("the finding `{kind}` needs a policy, which notify does not take");
    }
    if let Some(kind) =
        (args.kinds.iter()).find(|k| matches!(k, Kind::Request | Kind::Installation))
    {
        bail!("notify tells the owners of tokens (--kind grant or credential), not of {kind}s");
    }
    let t = &args.target;
    check_plan_first(t, &args.apply, "notify")?;
    let (connection, orgs) = sign_in(&t.github, ui).await?;
    let audit = audit::Options {
        common: common(orgs, &t.github.base_url, &t.format, &t.concurrency, ui),
        output: None,
        now: t.now.or_current(),
        rules: rule_set(&args.thresholds, None),
        fail_on: Vec::new(),
        only: args.finding,
        owners: Vec::new(),
        kinds: (!args.kinds.is_empty()).then_some(args.kinds),
    };
    let (apply, yes) = (args.apply.apply, args.apply.yes);
    let opts = notify::Options {
        audit,
        repo,
        label,
        apply,
        yes,
    };
    notify::run(&connection, &opts, stdout()).await
}
