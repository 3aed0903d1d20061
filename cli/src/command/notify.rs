//! `pat-audit notify`: the flags checked and made into `notify`'s options;
//! the command itself is [`crate::notify`].

use anyhow::bail;

use super::act::start;
use super::session::stdout;
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
    let (connection, acting) = start(&args.target, &args.apply, "notify", false, ui).await?;
    let audit = audit::Options {
        common: acting.common,
        output: None,
        now: acting.now,
        rules: args.thresholds.rule_set(None),
        fail_on: Vec::new(),
        only: args.finding,
        owners: Vec::new(),
        kinds: (!args.kinds.is_empty()).then_some(args.kinds),
    };
    let opts = notify::Options {
        audit,
        repo,
        label,
        apply: acting.apply,
        yes: acting.yes,
    };
    notify::run(&connection, &opts, stdout()).await
}
