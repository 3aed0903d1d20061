//! `pat-audit demo`: the audit (or with `--trace`, the trace) as
//! `--all-installations` runs it, signed in as a GitHub App whose key is
//! made for this run and thrown away at its end: the built-in stand-in
//! verifies the App's JWTs with the public half, mints installation tokens
//! and serves the listings only to them, as GitHub does (the default
//! feature `demo`).

use std::io;

use github_standin::StandIn;

use super::audit::options;
use super::session::{common, stdout};
use crate::act;
use crate::args::DemoArgs;
use crate::demo as standin;
use crate::fetch::connect::{self, Connection, Credentials};
use crate::findings::FindingKind;
use crate::notify::{self, issues::Repo};
use crate::render::Format;
use crate::trace;
use crate::ui::Ui;

/// Whose access the demo plans to cut, and where: the owner of the demo's
/// broadest SAML-authorized token, in its organization.
const DEMO_USER: &str = "wile-e";
const DEMO_ORG: &str = "acme-corp";

/// `pat-audit demo`.
pub async fn demo(args: DemoArgs, ui: Ui) -> anyhow::Result<u8> {
    args.report.check_policy_findings(false)?;
    if args.trace {
        return demo_trace(args, ui).await;
    }
    let (running, connection, orgs) = start().await?;
    let now = standin::now();
    ui.notice(format_args!(
        "pat-audit demo: a built-in GitHub stand-in at {} as of {}; auditing the {} \
         organizations its demo GitHub App is installed on (no GitHub account is used; \
         `pat-audit audit --org ORG` audits yours)",
        running.base_url(),
        crate::findings::timestamp(now),
        orgs.len(),
    ));
    let opts = options(orgs, running.base_url(), now, Vec::new(), &args.report, ui);
    let outcome = crate::audit::run(&connection, &opts, stdout()).await?;
    // The report on stdout is the audit's; what `trace` finds of the
    // planted token is told on stderr (its summary), and `demo --trace`
    // shows every event as the report.
    let mut trace = trace_options(opts.common.orgs.clone(), running.base_url(), &args, ui);
    trace.common.format = Format::Json;
    trace.output = None;
    ui.notice(format_args!(
        "pat-audit demo: a planted \"leaked\" token traced through the same organizations' \
         audit logs (`pat-audit demo --trace` shows every event):"
    ));
    let traced = trace::tokens_from(standin::LEAKED_TOKEN, "the demo's planted token")?;
    trace::run(&connection, &trace, &traced, io::sink()).await?;
    ui.notice(format_args!(
        "pat-audit demo: and `contain` planned for the demo user {DEMO_USER} in {DEMO_ORG} \
         (`pat-audit contain --org ORG --user LOGIN` plans yours; nothing is sent):"
    ));
    let target = act::Target {
        users: vec![DEMO_USER.into()],
        ..Default::default()
    };
    let mut common = opts.common.clone();
    (common.orgs, common.format) = (vec![DEMO_ORG.into()], Format::Json);
    let contain = act::Options {
        common,
        now,
        apply: false,
        yes: false,
    };
    let verb = act::Verb::Contain(&target);
    act::run(&connection, &contain, verb, io::sink()).await?;
    ui.notice(format_args!(
        "pat-audit demo: and `notify` planned in {}: one issue for each owner of an expired or \
         expiring token (`pat-audit notify --repo OWNER/REPO --org ORG` plans yours; nothing is \
         written):",
        standin::REPOSITORY
    ));
    let mut audit = opts.clone();
    (audit.common.format, audit.output, audit.fail_on) = (Format::Json, None, Vec::new());
    audit.only = vec![FindingKind::Expired, FindingKind::Expiring];
    let notify = notify::Options {
        audit,
        repo: Repo::parse(standin::REPOSITORY)?,
        label: "pat-audit".into(),
        apply: false,
        yes: false,
    };
    notify::run(&connection, &notify, io::sink()).await?;
    let seen = running.activity();
    ui.notice(format_args!(
        "pat-audit demo: signed in as the GitHub App `{}` with a throwaway key made for this \
         run; the stand-in verified the App's JWT on {} requests and minted {} installation \
         tokens",
        standin::CLIENT_ID,
        seen.jwts_accepted,
        seen.tokens_minted,
    ));
    Ok(outcome.exit_code())
}

/// The stand-in started, and its demo App signed in to every organization
/// it is installed on.
async fn start() -> anyhow::Result<(StandIn, Connection, Vec<String>)> {
    let demo = standin::start().await?;
    let credentials = Credentials::App(demo.credentials);
    let mut connection = connect::connect(credentials, demo.standin.base_url(), None)?;
    let orgs = connect::organizations(&mut connection, &[], true).await?;
    Ok((demo.standin, connection, orgs.logins))
}

/// How the demo traces its planted token: in `orgs`, over the 90 days
/// before the demo's "now", with the demo's report flags.
fn trace_options(orgs: Vec<String>, base_url: &str, args: &DemoArgs, ui: Ui) -> trace::Options {
    let r = &args.report;
    trace::Options {
        common: common(orgs, base_url, &r.format, &r.concurrency, ui),
        output: r.output.clone(),
        since: standin::now() - chrono::TimeDelta::days(90),
        revoke: false,
        yes: false,
    }
}

/// `demo --trace`: `trace` of the planted token through the demo's App, in
/// every organization it is installed on.
async fn demo_trace(args: DemoArgs, ui: Ui) -> anyhow::Result<u8> {
    let (running, connection, orgs) = start().await?;
    let traced = trace::tokens_from(standin::LEAKED_TOKEN, "the demo's planted token")?;
    let opts = trace_options(orgs, running.base_url(), &args, ui);
    ui.notice(format_args!(
        "pat-audit demo: a built-in GitHub stand-in at {}; tracing a planted \"leaked\" token \
         ({}) in the audit logs of its {} organizations since {} (`pat-audit trace --org ORG \
         --token-stdin` traces yours)",
        running.base_url(),
        traced[0].shown(),
        opts.common.orgs.len(),
        crate::findings::timestamp(opts.since),
    ));
    let outcome = trace::run(&connection, &opts, &traced, stdout()).await?;
    Ok(outcome.exit_code())
}
