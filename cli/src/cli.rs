//! The command line (the contract the issue fixes) and what each command
//! does: the top of pat-audit, which nothing else imports.

use std::io::{self, BufWriter, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use clap::builder::PossibleValue;
use clap::{ArgGroup, Args, CommandFactory as _, Parser, Subcommand, ValueEnum};
use github_pat_grants::{AppCredentials, AppIssuer, spec};
use secrecy::{ExposeSecret as _, SecretString};
use zeroize::Zeroizing;

use crate::credential::CredentialRules;
use crate::exit::{EXIT_ERROR, EXIT_OK};
use crate::fetch::connect::{self, ALL_INSTALLATIONS_NEEDS_APP, Connection, Credentials};
use crate::findings::{FindingKind, Thresholds};
use crate::policy::{GrantPolicy, Policy};
use crate::render::{self, Format};
use crate::row::Kind;
use crate::shell::{self, Shell};
use crate::snapshot::{self, Change, Snapshot};
use crate::ui::{ColorChoice, Ui};
use crate::{act, audit, serve, trace};

/// Audits the fine-grained personal access tokens with access to GitHub organizations.
#[derive(Debug, Parser)]
#[command(
    name = "pat-audit",
    version,
    long_version = long_version(),
    propagate_version = true,
    after_long_help = ENVIRONMENT
)]
pub struct Cli {
    /// Colour and quietness, for every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// What `pat-audit --help` says after the flags (and the manual pages in
/// their own section).
const ENVIRONMENT: &str = "\
Environment:
  GITHUB_TOKEN  a GitHub App installation token, when no App flags are given
  NO_COLOR      set and not empty: no colours unless --color always

Exit status: 0 ran; 3 a --fail-on finding occurred; 1 any error (it wins over 3).";

/// `--version`: pat-audit's version, the SDK's, the descriptions of GitHub's
/// API the SDK was generated from (several, when the spec draws from
/// several), and the REST API version they describe.
fn long_version() -> String {
    let descriptions: Vec<String> = spec::DESCRIPTIONS.iter().map(ToString::to_string).collect();
    format!(
        "{}\nSDK: github-pat-grants {}\ndescriptions: {}\nREST API version: {}",
        env!("CARGO_PKG_VERSION"),
        github_pat_grants::VERSION,
        if descriptions.is_empty() {
            "unknown".to_string()
        } else {
            descriptions.join(", ")
        },
        spec::API_VERSION,
    )
}

/// The flags every command takes, before or after its name.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// When to colour the table and the progress bar.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t, global = true)]
    pub color: ColorChoice,
    /// Only the report (stdout) and errors (stderr): no progress bar, summary, warning or
    /// other notice. `--apply` still asks before sending; `serve` still logs its address and deliveries.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum Command {
    /// Audit every fine-grained token with access to the organizations.
    Audit(AuditArgs),
    /// Run the whole audit against a built-in GitHub stand-in (no account needed).
    Demo(DemoArgs),
    /// Compare two snapshots written by `audit --output`.
    Diff(DiffArgs),
    /// Revoke grants by finding or id: print the plan, or send it with --apply.
    Revoke(RevokeArgs),
    /// Approve, deny or leave pending requests as the policy says: print the
    /// plan, or send it with --apply.
    Review(ReviewArgs),
    /// What leaked tokens did in the organizations' audit logs (GitHub Enterprise Cloud),
    /// and revoke them with --revoke.
    Trace(TraceArgs),
    /// Review requests the moment they arrive: a webhook receiver for
    /// `personal_access_token_request` events.
    Serve(ServeArgs),
    /// Print the completion script for a shell (or write every shell's with --dir).
    Completions(CompletionsArgs),
    /// Print the manual page (or write every page, one per command, with --dir).
    Man(ManArgs),
}

/// `pat-audit completions`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("what").args(["shell", "dir"]).required(true)))]
pub struct CompletionsArgs {
    /// The shell whose script is printed on stdout.
    #[arg(value_enum)]
    pub shell: Option<Shell>,
    /// Write every shell's script into DIR instead (pat-audit.bash, _pat-audit,
    /// pat-audit.fish, _pat-audit.ps1).
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub dir: Option<PathBuf>,
}

/// `pat-audit man`.
#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write every page into DIR (pat-audit.1, pat-audit-audit.1, ...) instead of printing
    /// pat-audit.1 on stdout.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Credentials: a GitHub App's ID (or client ID) and private key, or else
/// `GITHUB_TOKEN` (an installation token). The App flags win when both are there.
///
/// Its `Debug` shows no secret: the token is a [`SecretString`] (redacted,
/// zeroized when dropped), and the App's credentials redact their key.
#[derive(Debug, Clone, Default, Args)]
#[command(group(ArgGroup::new("app").args(["app_id", "client_id"])))]
pub struct AuthArgs {
    /// Authenticate as the GitHub App with this App ID (with --private-key; wins over GITHUB_TOKEN).
    #[arg(long, value_name = "ID", requires = "private_key")]
    pub app_id: Option<String>,
    /// Authenticate as the GitHub App with this client ID (with --private-key; wins over GITHUB_TOKEN).
    #[arg(long, value_name = "ID", requires = "private_key")]
    pub client_id: Option<String>,
    /// The GitHub App's private key (PEM, PKCS#1 as GitHub hands it out, or PKCS#8).
    #[arg(long, value_name = "FILE", requires = "app")]
    pub private_key: Option<PathBuf>,
    /// Audit every organization the GitHub App is installed on (and those of --org).
    #[arg(long, requires = "app")]
    pub all_installations: bool,
    /// A token given by the program itself; otherwise `GITHUB_TOKEN` is read.
    #[arg(skip)]
    pub token: Option<SecretString>,
    /// App credentials given by the program itself (the demo's throwaway
    /// App); they win over the flags.
    #[arg(skip)]
    pub credentials: Option<AppCredentials>,
}

/// How the report is written and what it gates on; shared by `audit` and `demo`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// The report's format [default: table on a terminal, json (lines) otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also write a JSON snapshot of everything fetched to FILE (for `pat-audit diff`).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// `expiring`: the token expires at most DAYS days from now [default: the policy's
    /// expiring_within_days, else 14].
    #[arg(long, value_name = "DAYS")]
    pub expiring_within: Option<u32>,
    /// `stale`/`never-used`: last used (or granted and never used) more than DAYS days ago
    /// [default: the policy's stale_after_days, else 90].
    #[arg(long, value_name = "DAYS")]
    pub stale_after: Option<u32>,
    /// Exit with status 3 when one of these findings occurs.
    #[arg(
        long,
        value_enum,
        value_name = "FINDING[,FINDING...]",
        value_delimiter = ','
    )]
    pub fail_on: Vec<FindingKind>,
    /// Report only these findings (and those of --fail-on); fetches only what they need.
    #[arg(
        long,
        value_enum,
        value_name = "FINDING[,FINDING...]",
        value_delimiter = ','
    )]
    pub only: Vec<FindingKind>,
    /// What to audit: grant, request, credential (SAML credential authorizations, GitHub
    /// Enterprise Cloud), installation (installed Apps) [default: all four, and a listing
    /// GitHub cannot serve an organization is reported as not audited; a kind named here
    /// is an error then].
    #[arg(
        long = "kind",
        value_enum,
        value_name = "KIND[,KIND...]",
        value_delimiter = ','
    )]
    pub kinds: Vec<Kind>,
    /// Requests to GitHub in flight at most.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// `pat-audit audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// An organization to audit (repeat, or separate with commas).
    #[arg(
        long = "org",
        value_name = "ORG",
        value_delimiter = ',',
        required_unless_present = "all_installations"
    )]
    pub orgs: Vec<String>,
    /// Credentials.
    #[command(flatten)]
    pub auth: AuthArgs,
    /// The API root; https://HOST/api/v3 for GitHub Enterprise Server,
    /// https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency.
    #[arg(long, value_name = "URL", default_value = github_pat_grants::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// "Now" for every finding, for reproducible reports [default: the current time].
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub now: Option<DateTime<Utc>>,
    /// Only tokens owned by this user (repeat or separate with commas; at most 10).
    #[arg(long = "owner", value_name = "LOGIN", value_delimiter = ',')]
    pub owners: Vec<String>,
    /// Output and gating.
    #[command(flatten)]
    pub report: ReportArgs,
    /// A policy file (TOML): its [grants] thresholds apply, and its violations are
    /// findings (forbidden-permission, lifetime-over-policy); its [credentials] table
    /// decides classic-token, broad-scope and the credentials' lifetime-over-policy.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

/// `pat-audit demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Output and gating.
    #[command(flatten)]
    pub report: ReportArgs,
    /// Show `trace` instead: what a planted "leaked" token did in the demo's
    /// organizations (exit status 3: it acted).
    #[arg(long)]
    pub trace: bool,
}

/// `pat-audit diff`.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The earlier snapshot.
    #[arg(value_name = "OLD.json")]
    pub old: PathBuf,
    /// The later snapshot.
    #[arg(value_name = "NEW.json")]
    pub new: PathBuf,
    /// The report's format [default: table on a terminal, json (lines) otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

impl ValueEnum for FindingKind {
    fn value_variants<'a>() -> &'a [Self] {
        &FindingKind::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

impl ValueEnum for Kind {
    fn value_variants<'a>() -> &'a [Self] {
        &Kind::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[Format::Table, Format::Json, Format::Csv, Format::Markdown]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
        }))
    }
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 time such as 2025-06-01T12:00:00Z ({e})"))
}

/// The format asked for, or the default for where stdout goes.
fn format_or_default(format: Option<Format>) -> Format {
    format.unwrap_or(if io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    })
}

fn options(
    orgs: Vec<String>,
    base_url: &str,
    now: DateTime<Utc>,
    owners: Vec<String>,
    r: &ReportArgs,
    ui: Ui,
) -> audit::Options {
    audit::Options {
        orgs,
        base_url: base_url.to_string(),
        format: format_or_default(r.format),
        output: r.output.clone(),
        thresholds: thresholds(r.expiring_within, r.stale_after, None),
        now,
        fail_on: r.fail_on.clone(),
        only: r.only.clone(),
        concurrency: usize::from(r.concurrency),
        owners,
        ui,
        policy: None,
        credential_rules: CredentialRules::default(),
        kinds: (!r.kinds.is_empty()).then(|| r.kinds.clone()),
    }
}

/// Signs in as `auth` says, and finds the organizations to act on: those
/// named, and with `--all-installations` those the App is installed on
/// (saying on stderr which installations are left out, and why).
async fn sign_in(
    auth: &AuthArgs,
    base_url: &str,
    named: &[String],
    ui: Ui,
) -> anyhow::Result<(Connection, Vec<String>)> {
    let mut connection = connect::connect(credentials(auth)?, base_url)?;
    let orgs = connect::organizations(&mut connection, named, auth.all_installations).await?;
    for skipped in &orgs.skipped {
        ui.notice(format_args!("pat-audit: skipping {skipped}"));
    }
    Ok((connection, orgs.logins))
}

/// The credentials the flags give: the App flags win over `GITHUB_TOKEN`,
/// which is then not read (a CI job may well have both, and the App's tokens
/// are the ones that do not expire mid-run).
///
/// # Errors
/// An App ID that is not a number, an App flag without its partner, a
/// private key the SDK cannot use (its message says what is wrong, without
/// the key's bytes), `--all-installations` with a token, or no credentials.
fn credentials(auth: &AuthArgs) -> anyhow::Result<Credentials> {
    if let Some(credentials) = app_credentials(auth)? {
        return Ok(Credentials::App(credentials));
    }
    if auth.all_installations {
        bail!("{ALL_INSTALLATIONS_NEEDS_APP}");
    }
    let token = auth
        .token
        .clone()
        .or_else(|| std::env::var("GITHUB_TOKEN").ok().map(SecretString::from))
        .filter(|t| !t.expose_secret().trim().is_empty())
        .ok_or_else(|| {
            anyhow!(
                "no credentials: give the GitHub App's --app-id (or --client-id) and \
                 --private-key, or set GITHUB_TOKEN to a GitHub App installation token \
                 (only GitHub Apps may list an organization's fine-grained token grants)"
            )
        })?;
    Ok(Credentials::Token(token))
}

/// The App's credentials from the flags, `None` without App flags.
///
/// clap already refuses the incomplete combinations; they are checked again
/// here because [`AuthArgs`] can also be built in code.
fn app_credentials(auth: &AuthArgs) -> anyhow::Result<Option<AppCredentials>> {
    if let Some(credentials) = &auth.credentials {
        return Ok(Some(credentials.clone()));
    }
    let issuer = match (&auth.app_id, &auth.client_id) {
        (Some(_), Some(_)) => {
            bail!("give --app-id or --client-id, not both: either one names the App")
        }
        (Some(id), None) => AppIssuer::AppId(id.trim().parse().map_err(|_| {
            anyhow!(
                "--app-id takes the App's numeric ID (\"App ID\" on the App's settings page); \
                 for its client ID (Iv23li...) use --client-id"
            )
        })?),
        (None, Some(id)) => AppIssuer::ClientId(id.trim().to_string()),
        (None, None) if auth.private_key.is_some() => {
            bail!("--private-key needs the App it belongs to: --app-id ID or --client-id ID")
        }
        (None, None) => return Ok(None),
    };
    let Some(path) = &auth.private_key else {
        bail!(
            "--app-id and --client-id need --private-key FILE, the App's private key \
             (PEM, as downloaded from the App's settings)"
        );
    };
    // The SDK reads the key once, here, and says what is wrong with a bad
    // one without quoting it.
    Ok(Some(AppCredentials::from_pem_file(issuer, path)?))
}

/// The report goes to stdout, buffered; nothing else does.
fn stdout() -> impl io::Write {
    BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

async fn audit(args: AuditArgs, ui: Ui) -> anyhow::Result<u8> {
    if args.owners.len() > 10 {
        bail!(
            "at most 10 --owner logins (GitHub's limit); {} given",
            args.owners.len()
        );
    }
    // The policy is read first: a bad one is an error before anything is fetched.
    let policy = args.policy.as_deref().map(Policy::load).transpose()?;
    check_policy_findings(&args.report, policy.is_some())?;
    let (connection, orgs) = sign_in(&args.auth, &args.base_url, &args.orgs, ui).await?;
    let mut opts = options(
        orgs,
        &args.base_url,
        args.now.unwrap_or_else(Utc::now),
        args.owners,
        &args.report,
        ui,
    );
    if let Some(policy) = policy {
        opts.thresholds = thresholds(
            args.report.expiring_within,
            args.report.stale_after,
            Some(&policy.grants),
        );
        opts.credential_rules = policy.credentials.rules();
        opts.policy = Some(policy.grants);
    }
    let outcome = audit::run(&connection, &opts, stdout()).await?;
    Ok(outcome.exit_code())
}

/// The audit as `--all-installations` runs it, signed in as a GitHub App
/// whose key is made for this run and thrown away at its end: the stand-in
/// verifies the App's JWTs with the public half, mints installation tokens
/// and serves the listings only to them, as GitHub does.
#[cfg(feature = "demo")]
async fn demo(args: DemoArgs, ui: Ui) -> anyhow::Result<u8> {
    check_policy_findings(&args.report, false)?;
    if args.trace {
        return demo_trace(args, ui).await;
    }
    let github = crate::demo::start().await?;
    let (running, now) = (&github.standin, crate::demo::now());
    let mut connection =
        connect::connect(Credentials::App(github.credentials), running.base_url())?;
    let orgs = connect::organizations(&mut connection, &[], true).await?;
    ui.notice(format_args!(
        "pat-audit demo: a built-in GitHub stand-in at {} as of {}; auditing the {} \
         organizations its demo GitHub App is installed on (no GitHub account is used; \
         `pat-audit audit --org ORG` audits yours)",
        running.base_url(),
        crate::findings::timestamp(now),
        orgs.logins.len(),
    ));
    let opts = options(
        orgs.logins,
        running.base_url(),
        now,
        Vec::new(),
        &args.report,
        ui,
    );
    let outcome = audit::run(&connection, &opts, stdout()).await?;
    // The report on stdout is the audit's; what `trace` finds of the
    // planted token is told on stderr (its summary), and `demo --trace`
    // shows every event as the report.
    let trace = trace::Options {
        format: Format::Json,
        output: None,
        ..demo_trace_options(opts.orgs.clone(), running.base_url(), &args, ui)
    };
    ui.notice(format_args!(
        "pat-audit demo: a planted \"leaked\" token traced through the same organizations' \
         audit logs (`pat-audit demo --trace` shows every event):"
    ));
    let traced = trace::tokens_from(crate::demo::LEAKED_TOKEN, "the demo's planted token")?;
    trace::run(&connection, &trace, &traced, io::sink()).await?;
    let seen = running.activity();
    ui.notice(format_args!(
        "pat-audit demo: signed in as the GitHub App `{}` with a throwaway key made for this \
         run; the stand-in verified the App's JWT on {} requests and minted {} installation \
         tokens",
        crate::demo::CLIENT_ID,
        seen.jwts_accepted,
        seen.tokens_minted,
    ));
    Ok(outcome.exit_code())
}

/// How the demo traces its planted token: in `orgs`, over the 90 days
/// before the demo's "now", with the demo's report flags.
#[cfg(feature = "demo")]
fn demo_trace_options(
    orgs: Vec<String>,
    base_url: &str,
    args: &DemoArgs,
    ui: Ui,
) -> trace::Options {
    trace::Options {
        orgs,
        base_url: base_url.to_string(),
        format: format_or_default(args.report.format),
        output: args.report.output.clone(),
        since: crate::demo::now() - chrono::TimeDelta::days(90),
        concurrency: usize::from(args.report.concurrency),
        ui,
        revoke: false,
        yes: false,
    }
}

/// `demo --trace`: `trace` of the planted token through the demo's App, in
/// every organization it is installed on.
#[cfg(feature = "demo")]
async fn demo_trace(args: DemoArgs, ui: Ui) -> anyhow::Result<u8> {
    let github = crate::demo::start().await?;
    let running = &github.standin;
    let mut connection =
        connect::connect(Credentials::App(github.credentials), running.base_url())?;
    let orgs = connect::organizations(&mut connection, &[], true).await?;
    let traced = trace::tokens_from(crate::demo::LEAKED_TOKEN, "the demo's planted token")?;
    let opts = demo_trace_options(orgs.logins, running.base_url(), &args, ui);
    ui.notice(format_args!(
        "pat-audit demo: a built-in GitHub stand-in at {}; tracing a planted \"leaked\" token \
         ({}) in the audit logs of its {} organizations since {} (`pat-audit trace --org ORG \
         --token-stdin` traces yours)",
        running.base_url(),
        traced[0].shown(),
        opts.orgs.len(),
        crate::findings::timestamp(opts.since),
    ));
    let outcome = trace::run(&connection, &opts, &traced, stdout()).await?;
    Ok(outcome.exit_code())
}

/// `demo` in a build without the `demo` feature: there is no stand-in to run.
#[cfg(not(feature = "demo"))]
async fn demo(_args: DemoArgs, _ui: Ui) -> anyhow::Result<u8> {
    bail!(
        "this pat-audit was built without the `demo` feature, which holds the demo's GitHub \
         stand-in; build it with the default features (`cargo install --path cli`) to run the demo"
    )
}

fn diff(args: DiffArgs, ui: Ui) -> anyhow::Result<u8> {
    let old = Snapshot::read(&args.old)?;
    let new = Snapshot::read(&args.new)?;
    let (changes, warnings) = snapshot::diff(&old, &new);
    for w in &warnings {
        ui.notice(format_args!("pat-audit: warning: {w}"));
    }
    let format = format_or_default(args.format);
    let line = snapshot::summary(&changes);
    let mut report = render::report::<Change>(format, stdout(), Vec::new(), ui.color_stdout())
        .context("writing the diff")?;
    for change in &changes {
        report.row(change).context("writing the diff")?;
    }
    report
        .finish(&mut |f| match f {
            Format::Markdown => format!("{line}.\n"),
            _ => format!("{line}\n"),
        })
        .context("writing the diff")?;
    if matches!(format, Format::Json | Format::Csv) {
        ui.notice(line);
    }
    Ok(EXIT_OK)
}

/// `pat-audit completions`: one shell's script on stdout, or every shell's
/// into a folder.
fn completions(args: CompletionsArgs) -> anyhow::Result<u8> {
    let cmd = Cli::command();
    match (args.shell, &args.dir) {
        (_, Some(dir)) => shell::write_all(dir, &shell::completions(&cmd))?,
        (Some(sh), None) => {
            let mut out = stdout();
            out.write_all(&shell::completion(&cmd, sh).contents)?;
            out.flush()?;
        }
        (None, None) => bail!("name a shell (bash, zsh, fish, powershell) or give --dir DIR"),
    }
    Ok(EXIT_OK)
}

/// `pat-audit man`: the main page on stdout, or every page into a folder.
fn man(args: ManArgs) -> anyhow::Result<u8> {
    let pages = shell::man_pages(&Cli::command())?;
    match &args.dir {
        Some(dir) => shell::write_all(dir, &pages)?,
        None => {
            let mut out = stdout();
            out.write_all(&pages[0].contents)?;
            out.flush()?;
        }
    }
    Ok(EXIT_OK)
}

/// Runs a parsed command line and returns the exit status: 0 when it ran,
/// 3 when a `--fail-on` finding occurred, 1 on any error (errors win).
pub async fn run(cli: Cli) -> ExitCode {
    let ui = Ui::new(cli.global.color, cli.global.quiet);
    ui.configure_terminal_libraries();
    let result = match cli.command {
        Command::Audit(args) => audit(args, ui).await,
        Command::Demo(args) => demo(args, ui).await,
        Command::Diff(args) => diff(args, ui),
        Command::Revoke(args) => revoke(args, ui).await,
        Command::Review(args) => review(args, ui).await,
        Command::Serve(args) => serve(args, ui).await,
        Command::Trace(args) => trace(args, ui).await,
        Command::Completions(args) => completions(args),
        Command::Man(args) => man(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader of the report went away (`pat-audit audit | head`):
        // what it wanted has been written, so stop quietly, as Unix tools do.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_OK),
        Err(e) => {
            let _ = io::stdout().flush();
            crate::ui::error(format_args!("{e:#}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Whether an error comes from writing to a pipe whose reader has closed it.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The thresholds of the findings: the command line's, else the policy's,
/// else the defaults (14 and 90 days).
fn thresholds(
    expiring_within: Option<u32>,
    stale_after: Option<u32>,
    policy: Option<&GrantPolicy>,
) -> Thresholds {
    let defaults = Thresholds::default();
    Thresholds {
        expiring_within_days: expiring_within
            .or(policy.and_then(|p| p.expiring_within_days))
            .unwrap_or(defaults.expiring_within_days),
        stale_after_days: stale_after
            .or(policy.and_then(|p| p.stale_after_days))
            .unwrap_or(defaults.stale_after_days),
    }
}

/// A policy's findings named without a policy would silently match nothing.
fn check_policy_findings(r: &ReportArgs, policy: bool) -> anyhow::Result<()> {
    if let Some(kind) = r
        .fail_on
        .iter()
        .chain(&r.only)
        .find(|k| k.needs_policy() && !policy)
    {
        bail!("the finding `{kind}` needs a policy: add --policy FILE");
    }
    Ok(())
}

/// Where the acting commands act, as whom, and how they report: the
/// audit's flags.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// An organization to act on (repeat, or separate with commas).
    #[arg(
        long = "org",
        value_name = "ORG",
        value_delimiter = ',',
        required_unless_present = "all_installations"
    )]
    pub orgs: Vec<String>,
    /// Credentials.
    #[command(flatten)]
    pub auth: AuthArgs,
    /// The API root; https://HOST/api/v3 for GitHub Enterprise Server,
    /// https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency.
    #[arg(long, value_name = "URL", default_value = github_pat_grants::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// The report's format [default: table on a terminal, json (lines) otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// "Now" for the findings, for reproducible plans [default: the current time]. Only to
    /// look: refused with --apply, which acts as of the current time.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time, conflicts_with = "apply")]
    pub now: Option<DateTime<Utc>>,
    /// Listing requests to GitHub in flight at most (the bulk calls go one at a time).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// Plan first; act only when asked to.
#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    /// Send the plan to GitHub (after confirmation); without it only the plan is printed.
    #[arg(long)]
    pub apply: bool,
    /// With --apply: do not ask for confirmation (needed when standard input is not a terminal).
    #[arg(long, requires = "apply")]
    pub yes: bool,
}

/// `pat-audit revoke`.
#[derive(Debug, Clone, Args)]
pub struct RevokeArgs {
    /// Where, as whom, and how to report.
    #[command(flatten)]
    pub target: TargetArgs,
    /// What to revoke: grant (fine-grained token grants) or credential (SAML credential
    /// authorizations, GitHub Enterprise Cloud; removed one call each).
    #[arg(long, value_enum, value_name = "KIND", default_value = "grant")]
    pub kind: Kind,
    /// Revoke grants (or credentials) with any of these findings.
    #[arg(long, value_enum, value_name = "F[,F...]", value_delimiter = ',')]
    pub finding: Vec<FindingKind>,
    /// Revoke the grant with this id (`pat_id`; with --kind credential, the
    /// `credential_id`; repeat, or separate with commas).
    #[arg(long = "grant", value_name = "ID", value_delimiter = ',')]
    pub grants: Vec<i64>,
    /// A policy file: its thresholds apply to the findings; alone (without --finding or
    /// --grant), the grants that break its [grants] table (with --kind credential, the
    /// credentials that break its [credentials] table) are revoked.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Why, recorded in the report's `message` (GitHub's revoke call takes no reason).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// `expiring`: the token expires at most DAYS days from now [default: the policy's, else 14].
    #[arg(long, value_name = "DAYS")]
    pub expiring_within: Option<u32>,
    /// `stale`/`never-used`: more than DAYS days ago [default: the policy's, else 90].
    #[arg(long, value_name = "DAYS")]
    pub stale_after: Option<u32>,
    /// Plan first.
    #[command(flatten)]
    pub apply: ApplyArgs,
}

/// `pat-audit review`.
#[derive(Debug, Clone, Args)]
pub struct ReviewArgs {
    /// Where, as whom, and how to report.
    #[command(flatten)]
    pub target: TargetArgs,
    /// The policy file whose [[requests.deny]] and [[requests.approve]] rules decide.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Plan first.
    #[command(flatten)]
    pub apply: ApplyArgs,
}

/// `pat-audit serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The policy file whose [[requests.deny]] and [[requests.approve]] rules decide.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The address to listen on, e.g. 0.0.0.0:8080 (port 0 picks a free one).
    #[arg(long, value_name = "ADDR")]
    pub listen: std::net::SocketAddr,
    /// The environment variable holding the webhook's secret.
    #[arg(long, value_name = "VAR")]
    pub webhook_secret_env: String,
    /// Decide and log, but send nothing to GitHub.
    #[arg(long)]
    pub dry_run: bool,
    /// Act only on requests to these organizations (repeat, or separate with commas)
    /// [default: every organization that sends events].
    #[arg(long = "org", value_name = "ORG", value_delimiter = ',')]
    pub orgs: Vec<String>,
    /// Credentials.
    #[command(flatten)]
    pub auth: AuthArgs,
    /// The API root; https://HOST/api/v3 for GitHub Enterprise Server,
    /// https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency.
    #[arg(long, value_name = "URL", default_value = github_pat_grants::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// The log's format on stderr: json (one object per decision) or table (plain lines).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The largest webhook body accepted, in bytes (GitHub caps payloads at 25 MB).
    #[arg(long, value_name = "BYTES", default_value_t = serve::DEFAULT_MAX_BODY)]
    pub max_body_bytes: usize,
}

fn act_options(t: &TargetArgs, orgs: Vec<String>, apply: &ApplyArgs, ui: Ui) -> act::Options {
    act::Options {
        orgs,
        base_url: t.base_url.clone(),
        format: format_or_default(t.format),
        now: t.now.unwrap_or_else(Utc::now),
        concurrency: usize::from(t.concurrency),
        ui,
        apply: apply.apply,
        yes: apply.yes,
    }
}

/// `--now` is for looking: what is sent is decided as of the current time,
/// never an invented one (an expiry a year away is not "expired" because
/// the command line says it is 2035). clap refuses the pair; this refuses
/// it for arguments built in code too. And `--yes` needs `--apply`: clap
/// waives a requirement that conflicts with a flag given, so `--now --yes`
/// gets past its `requires`.
fn check_now_only_looks(t: &TargetArgs, apply: &ApplyArgs) -> anyhow::Result<()> {
    if apply.apply && t.now.is_some() {
        bail!("--now is only for looking: it cannot be used with --apply");
    }
    if apply.yes && !apply.apply {
        bail!("--yes answers the question --apply asks; without --apply nothing is sent");
    }
    Ok(())
}

async fn revoke(args: RevokeArgs, ui: Ui) -> anyhow::Result<u8> {
    // Everything that can be refused without GitHub is refused first.
    let selection = revoke_selection(&args)?;
    let t = &args.target;
    check_now_only_looks(t, &args.apply)?;
    let probe = act_options(t, Vec::new(), &args.apply, ui);
    act::check_confirmable(&probe, "revoke")?;
    let (connection, orgs) = sign_in(&t.auth, &t.base_url, &t.orgs, ui).await?;
    let opts = act_options(t, orgs, &args.apply, ui);
    act::revoke(&connection, &opts, &selection, stdout()).await
}

/// What `revoke` revokes, from the command line and the policy: refused
/// before anything is fetched when it cannot be right.
fn revoke_selection(args: &RevokeArgs) -> anyhow::Result<act::Selection> {
    let kind = args.kind;
    if !matches!(kind, Kind::Grant | Kind::Credential) {
        bail!("revoke acts on grants or credentials (--kind grant|credential), not {kind}s");
    }
    let policy = args.policy.as_deref().map(Policy::load).transpose()?;
    let violations = |p: &Policy| match kind {
        Kind::Credential => p.credentials.violations(),
        _ => p.violations(),
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
    if let Some(kind) = findings
        .iter()
        .find(|k| k.needs_policy() && policy.is_none())
    {
        bail!("the finding `{kind}` needs a policy: add --policy FILE");
    }
    if let Some(reason) = &args.reason
        && reason.trim().is_empty()
    {
        bail!("--reason is empty");
    }
    let credential_rules = policy
        .as_ref()
        .map(|p| p.credentials.rules())
        .unwrap_or_default();
    let grant_policy = policy.map(|p| p.grants);
    Ok(act::Selection {
        kind,
        findings,
        grants: args.grants.clone(),
        reason: args.reason.clone(),
        thresholds: thresholds(
            args.expiring_within,
            args.stale_after,
            grant_policy.as_ref(),
        ),
        policy: grant_policy,
        credential_rules,
    })
}

async fn review(args: ReviewArgs, ui: Ui) -> anyhow::Result<u8> {
    let policy = review_policy(&args.policy)?;
    let t = &args.target;
    check_now_only_looks(t, &args.apply)?;
    let probe = act_options(t, Vec::new(), &args.apply, ui);
    act::check_confirmable(&probe, "review")?;
    let (connection, orgs) = sign_in(&t.auth, &t.base_url, &t.orgs, ui).await?;
    let opts = act_options(t, orgs, &args.apply, ui);
    act::review(&connection, &opts, &policy, stdout()).await
}

/// The policy `review` and `serve` decide requests with: one without
/// request rules would leave every request for a person.
fn review_policy(path: &std::path::Path) -> anyhow::Result<Policy> {
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

/// `pat-audit serve`: everything that can be refused is refused before
/// anything is served.
async fn serve(args: ServeArgs, ui: Ui) -> anyhow::Result<u8> {
    if args.auth.all_installations {
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
    let json = match args.format {
        None | Some(Format::Table) => false,
        Some(Format::Json) => true,
        Some(_) => bail!("serve logs as table (plain lines) or json"),
    };
    // Each delivery names the installation to act as; the App-level client
    // (or the token's) makes that installation's client.
    let connection = connect::connect(credentials(&args.auth)?, &args.base_url)?;
    serve::run(serve::Options {
        policy,
        secret: serve::Secret::new(secret),
        client: connection.client().clone(),
        orgs: args.orgs,
        dry_run: args.dry_run,
        json,
        listen: args.listen,
        max_body_bytes: args.max_body_bytes,
        ui,
    })
    .await
}

/// `pat-audit trace`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("input").args(["token_stdin", "token_file", "hashed_tokens"]).required(true)))]
pub struct TraceArgs {
    /// An organization whose audit log is read (repeat, or separate with commas).
    #[arg(
        long = "org",
        value_name = "ORG",
        value_delimiter = ',',
        required_unless_present = "all_installations"
    )]
    pub orgs: Vec<String>,
    /// Credentials.
    #[command(flatten)]
    pub auth: AuthArgs,
    /// The API root; https://HOST/api/v3 for GitHub Enterprise Server.
    #[arg(long, value_name = "URL", default_value = github_pat_grants::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// Read the tokens from standard input, one a line (never from the command line).
    #[arg(long)]
    pub token_stdin: bool,
    /// Read the tokens from FILE, one a line (blank lines and # comments are skipped).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Trace a token by its hash alone, as the audit log records it (SHA-256, base64;
    /// repeat, or separate with commas).
    #[arg(long = "hashed-token", value_name = "HASH", value_delimiter = ',')]
    pub hashed_tokens: Vec<String>,
    /// Events since this time (RFC 3339) or this many days ago.
    #[arg(long, value_name = "RFC3339|DAYS", default_value = "90")]
    pub since: String,
    /// "Now" for --since DAYS [default: the current time].
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub now: Option<DateTime<Utc>>,
    /// The report's format [default: table on a terminal, json (lines) otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also write every event as GitHub sent it, and the summary, to FILE (JSON).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Audit-log reads in flight at most.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// After the trace, revoke the tokens with GitHub's credential revocation API (after
    /// confirmation; sent without credentials).
    #[arg(long)]
    pub revoke: bool,
    /// With --revoke: do not ask for confirmation (needed when standard input is not a terminal).
    #[arg(long, requires = "revoke")]
    pub yes: bool,
}

/// `--since`: an RFC 3339 time, or a number of days before `now`.
fn since(text: &str, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(days) = text.trim().parse::<u32>() {
        return Ok(now - chrono::TimeDelta::days(i64::from(days)));
    }
    parse_time(text.trim()).map_err(|e| anyhow!("--since takes a number of days or {e}"))
}

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

async fn trace(args: TraceArgs, ui: Ui) -> anyhow::Result<u8> {
    let since = since(&args.since, args.now.unwrap_or_else(Utc::now))?;
    trace::check_confirmable(args.revoke, args.yes, args.token_stdin)?;
    let traced = traced_inputs(&args)?;
    let (connection, orgs) = sign_in(&args.auth, &args.base_url, &args.orgs, ui).await?;
    let opts = trace::Options {
        orgs,
        base_url: args.base_url.clone(),
        format: format_or_default(args.format),
        output: args.output.clone(),
        since,
        concurrency: usize::from(args.concurrency),
        ui,
        revoke: args.revoke,
        yes: args.yes,
    };
    let outcome = trace::run(&connection, &opts, &traced, stdout()).await?;
    Ok(outcome.exit_code())
}
