//! The command line (the contract the issue fixes) and what each command does.

use std::io::{self, BufWriter, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use clap::builder::PossibleValue;
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use github_pat_grants::AppCredentials;

use crate::audit::{self, EXIT_ERROR, EXIT_OK};
use crate::fetch;
use crate::findings::{FindingKind, Thresholds};
use crate::render::{self, Format};
use crate::snapshot::{self, Change, Snapshot};
use crate::standin;

/// Audits the fine-grained personal access tokens with access to GitHub organizations.
#[derive(Debug, Parser)]
#[command(name = "pat-audit", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
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
}

/// Credentials: a GitHub App's ID (or client ID) and private key, or else
/// `GITHUB_TOKEN` (an installation token). The App flags win when both are there.
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
    pub token: Option<String>,
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
    /// `expiring`: the token expires at most DAYS days from now.
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub expiring_within: u32,
    /// `stale`/`never-used`: last used (or granted and never used) more than DAYS days ago.
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub stale_after: u32,
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
    /// Requests to GitHub in flight at most.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// No progress bar and no summary on stderr (errors are still printed).
    #[arg(long, short)]
    pub quiet: bool,
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
    /// The API root; https://HOST/api/v3 for GitHub Enterprise Server.
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
}

/// `pat-audit demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Output and gating.
    #[command(flatten)]
    pub report: ReportArgs,
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
) -> audit::Options {
    audit::Options {
        orgs,
        base_url: base_url.to_string(),
        format: format_or_default(r.format),
        output: r.output.clone(),
        thresholds: Thresholds {
            expiring_within_days: r.expiring_within,
            stale_after_days: r.stale_after,
        },
        now,
        fail_on: r.fail_on.clone(),
        only: r.only.clone(),
        concurrency: usize::from(r.concurrency),
        owners,
        quiet: r.quiet,
    }
}

/// The report goes to stdout, buffered; nothing else does.
fn stdout() -> impl io::Write {
    BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

async fn audit(args: AuditArgs) -> anyhow::Result<u8> {
    if args.owners.len() > 10 {
        bail!(
            "at most 10 --owner logins (GitHub's limit); {} given",
            args.owners.len()
        );
    }
    let mut connection = fetch::connect(&args.auth, &args.base_url)?;
    let orgs = fetch::organizations(&mut connection, &args.auth, &args.orgs).await?;
    if !args.report.quiet {
        for skipped in &orgs.skipped {
            eprintln!("pat-audit: skipping {skipped}");
        }
    }
    let opts = options(
        orgs.logins,
        &args.base_url,
        args.now.unwrap_or_else(Utc::now),
        args.owners,
        &args.report,
    );
    let outcome = audit::run(&connection, &opts, stdout()).await?;
    Ok(outcome.exit_code())
}

/// The audit as `--all-installations` runs it, signed in as a GitHub App
/// whose key is made for this run and thrown away at its end: the stand-in
/// verifies the App's JWTs with the public half, mints installation tokens
/// and serves the listings only to them, as GitHub does.
async fn demo(args: DemoArgs) -> anyhow::Result<u8> {
    let key = standin::ThrowawayKey::generate()?;
    let mut standin = standin::demo();
    standin.app = Some(standin::demo_app(key.public_key().to_vec()));
    let now = standin.now;
    let running = standin.start().await?;
    let auth = AuthArgs {
        all_installations: true,
        credentials: Some(AppCredentials::from_pem(
            standin::DEMO_CLIENT_ID,
            key.private_key_pem(),
        )?),
        ..AuthArgs::default()
    };
    drop(key);
    let mut connection = fetch::connect(&auth, running.base_url())?;
    let orgs = fetch::organizations(&mut connection, &auth, &[]).await?;
    if !args.report.quiet {
        eprintln!(
            "pat-audit demo: a built-in GitHub stand-in at {} as of {}; auditing the {} \
             organizations its demo GitHub App is installed on (no GitHub account is used; \
             `pat-audit audit --org ORG` audits yours)",
            running.base_url(),
            crate::findings::timestamp(now),
            orgs.logins.len(),
        );
    }
    let opts = options(
        orgs.logins,
        running.base_url(),
        now,
        Vec::new(),
        &args.report,
    );
    let outcome = audit::run(&connection, &opts, stdout()).await?;
    if !args.report.quiet {
        let seen = running.app_activity();
        eprintln!(
            "pat-audit demo: signed in as the GitHub App `{}` with a throwaway key made for this \
             run; the stand-in verified the App's JWT on {} requests and minted {} installation \
             tokens",
            standin::DEMO_CLIENT_ID,
            seen.jwts_accepted,
            seen.tokens_minted,
        );
    }
    Ok(outcome.exit_code())
}

fn diff(args: DiffArgs) -> anyhow::Result<u8> {
    let old = Snapshot::read(&args.old)?;
    let new = Snapshot::read(&args.new)?;
    let (changes, warnings) = snapshot::diff(&old, &new);
    for w in &warnings {
        eprintln!("pat-audit: warning: {w}");
    }
    let format = format_or_default(args.format);
    let line = snapshot::summary(&changes);
    let mut report =
        render::report::<Change>(format, stdout(), Vec::new()).context("writing the diff")?;
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
        eprintln!("{line}");
    }
    Ok(EXIT_OK)
}

/// Runs a parsed command line and returns the exit status: 0 when it ran,
/// 3 when a `--fail-on` finding occurred, 1 on any error (errors win).
pub async fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Audit(args) => audit(args).await,
        Command::Demo(args) => demo(args).await,
        Command::Diff(args) => diff(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let _ = io::stdout().flush();
            eprintln!("pat-audit: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
