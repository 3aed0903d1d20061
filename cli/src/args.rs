//! The command line (the contract the issue fixes): every command's flags,
//! each flag shared by several commands declared once, in a group that the
//! commands flatten in (a command that words a shared flag its own way
//! says so with `reword`), and what the flags mean once parsed. What each
//! command does is in `command`.

use std::io::{self, IsTerminal as _};
use std::path::PathBuf;

use anyhow::bail;
use chrono::{DateTime, Utc};
use clap::builder::{PossibleValue, Resettable};
use clap::{Arg, ArgGroup, Args, Parser, Subcommand, ValueEnum};
use github_pat_grants::{AppCredentials, spec};
use secrecy::SecretString;
use strum::VariantArray;

use crate::assess::RuleSet;
use crate::findings::{FindingKind, Thresholds};
use crate::policy::Policy;
use crate::render::Format;
use crate::row::Kind;
use crate::serve;
use crate::shell::Shell;
use crate::ui::ColorChoice;

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
        Some(descriptions.join(", "))
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "unknown".into()),
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
    /// Cut everything of a person's: their grants revoked, their requests denied, their SAML
    /// authorizations revoked; print the plan, or send it with --apply.
    Contain(ContainArgs),
    /// Tell token owners about their tokens' findings, one issue each in a repository: print
    /// the plan, or write it with --apply.
    Notify(NotifyArgs),
    /// Review requests the moment they arrive: a webhook receiver for
    /// `personal_access_token_request` events.
    Serve(ServeArgs),
    /// Print the completion script for a shell (or write every shell's with --dir).
    Completions(CompletionsArgs),
    /// Print the manual page (or write every page, one per command, with --dir).
    Man(ManArgs),
}

/// The value names of the flags that take a list of findings or of kinds.
const FINDINGS: &str = "FINDING[,FINDING...]";
const KINDS: &str = "KIND[,KIND...]";

/// The shared flag `id` changed by `f` for one command, in place, in
/// `#[command(mut_args(change(...)))]` (clap's `mut_arg` would move the flag
/// last, reordering the completions and the manual pages).
fn change(id: &'static str, f: impl Fn(Arg) -> Arg) -> impl FnMut(Arg) -> Arg {
    move |arg| if arg.get_id() == id { f(arg) } else { arg }
}

/// A command's own help texts for shared flags, by id, in place.
fn reword(helps: &'static [(&'static str, &'static str)]) -> impl FnMut(Arg) -> Arg {
    move |arg| match helps.iter().find(|(id, _)| arg.get_id() == *id) {
        Some((_, help)) => arg.help(*help),
        None => arg,
    }
}

/// The command line's names of the enums it takes: their derived names, in
/// the order of their variants, without a help text each (the flag's says
/// what they mean).
macro_rules! value_enum {
    ($($name:ty),+) => {$(
        impl ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                <$name as VariantArray>::VARIANTS
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(PossibleValue::new(<&'static str>::from(self)))
            }
        }
    )+};
}

value_enum!(FindingKind, Kind, Format);

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 time such as 2025-06-01T12:00:00Z ({e})"))
}

/// `--since`: an RFC 3339 time, or a number of days before `now`.
///
/// # Errors
/// A text that is neither.
pub fn since(text: &str, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(days) = text.trim().parse::<u32>() {
        return Ok(now - chrono::TimeDelta::days(i64::from(days)));
    }
    parse_time(text.trim()).map_err(|e| anyhow::anyhow!("--since takes a number of days or {e}"))
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

/// The organizations a command works in, as whom, and where GitHub is:
/// `audit`, `revoke`, `review`, `trace` and `serve`.
#[derive(Debug, Clone, Args)]
pub struct GitHubArgs {
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
    /// Keep GitHub's answers in DIR (yours only: 0700) and ask again with
    /// conditional requests: an unchanged page costs no rate limit, and the
    /// report is the same.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<std::path::PathBuf>,
}

/// `--format`.
#[derive(Debug, Clone, Args)]
pub struct FormatArgs {
    /// The report's format [default: table on a terminal, json (lines) otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

impl FormatArgs {
    /// The format asked for, or the default for where stdout goes.
    pub fn chosen(&self) -> Format {
        self.format.unwrap_or(if io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        })
    }
}

/// `--now`.
#[derive(Debug, Clone, Args)]
pub struct NowArgs {
    /// "Now" for every finding, for reproducible reports [default: the current time].
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub now: Option<DateTime<Utc>>,
}

impl NowArgs {
    /// The time given, else the current time.
    pub fn or_current(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }
}

/// `--concurrency`.
#[derive(Debug, Clone, Args)]
pub struct ConcurrencyArgs {
    /// Requests to GitHub in flight at most.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// The windows of `expiring`, `stale` and `never-used`.
#[derive(Debug, Clone, Args)]
pub struct ThresholdArgs {
    /// `expiring`: the token expires at most DAYS days from now [default: the policy's
    /// expiring_within_days, else 14].
    #[arg(long, value_name = "DAYS")]
    pub expiring_within: Option<u32>,
    /// `stale`/`never-used`: last used (or granted and never used) more than DAYS days ago
    /// [default: the policy's stale_after_days, else 90].
    #[arg(long, value_name = "DAYS")]
    pub stale_after: Option<u32>,
}

impl ThresholdArgs {
    /// What findings go by: the windows of the command line, else the
    /// policy's, else the defaults (14 and 90 days); the policy's
    /// `[grants]` table and its `[credentials]` rules.
    pub fn rule_set(&self, policy: Option<Policy>) -> RuleSet {
        let (grants, defaults) = (policy.as_ref().map(|p| &p.grants), Thresholds::default());
        let thresholds = Thresholds {
            expiring_within_days: (self.expiring_within)
                .or(grants.and_then(|p| p.expiring_within_days))
                .unwrap_or(defaults.expiring_within_days),
            stale_after_days: (self.stale_after)
                .or(grants.and_then(|p| p.stale_after_days))
                .unwrap_or(defaults.stale_after_days),
        };
        RuleSet {
            thresholds,
            credentials: (policy.as_ref()).map_or_else(Default::default, |p| p.credentials.clone()),
            policy: policy.map(|p| p.grants),
        }
    }
}

/// How the report is written and what it gates on; shared by `audit` and `demo`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// `--format`.
    #[command(flatten)]
    pub format: FormatArgs,
    /// Also write a JSON snapshot of everything fetched to FILE (for `pat-audit diff`).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// `--expiring-within`, `--stale-after`.
    #[command(flatten)]
    pub thresholds: ThresholdArgs,
    /// Exit with status 3 when one of these findings occurs.
    #[arg(long, value_enum, value_name = FINDINGS, value_delimiter = ',')]
    pub fail_on: Vec<FindingKind>,
    /// Report only these findings (and those of --fail-on); fetches only what they need.
    #[arg(long, value_enum, value_name = FINDINGS, value_delimiter = ',')]
    pub only: Vec<FindingKind>,
    /// What to audit: grant, request, credential (SAML credential authorizations, GitHub
    /// Enterprise Cloud), installation (installed Apps) [default: all four, and a listing
    /// GitHub cannot serve an organization is reported as not audited; a kind named here
    /// is an error then]; or, in a run of their own and without --org, site-token and
    /// site-key (every classic token and SSH key of a GitHub Enterprise Server instance;
    /// a site administrator's token).
    #[arg(long = "kind", value_enum, value_name = KINDS, value_delimiter = ',')]
    pub kinds: Vec<Kind>,
    /// `--concurrency`.
    #[command(flatten)]
    pub concurrency: ConcurrencyArgs,
}

impl ReportArgs {
    /// A policy's findings named without a policy would silently match nothing.
    ///
    /// # Errors
    /// Such a finding in `--fail-on` or `--only` without a policy.
    pub fn check_policy_findings(&self, policy: bool) -> anyhow::Result<()> {
        check_policy_findings(self.fail_on.iter().chain(&self.only), policy)
    }
}

/// A policy's findings named without a policy would silently match nothing.
///
/// # Errors
/// Such a finding among `findings` without a policy.
pub fn check_policy_findings<'a>(
    mut findings: impl Iterator<Item = &'a FindingKind>,
    policy: bool,
) -> anyhow::Result<()> {
    match findings.find(|k| k.needs_policy() && !policy) {
        Some(kind) => bail!("the finding `{kind}` needs a policy: add --policy FILE"),
        None => Ok(()),
    }
}

/// `pat-audit audit`.
#[derive(Debug, Clone, Args)]
#[command(mut_args(change("orgs", |a| a.required_unless_present("kinds"))))]
pub struct AuditArgs {
    /// Where and as whom.
    #[command(flatten)]
    pub github: GitHubArgs,
    /// `--now`.
    #[command(flatten)]
    pub now: NowArgs,
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
    /// `--format`.
    #[command(flatten)]
    pub format: FormatArgs,
}

/// Where the acting commands act, as whom, and how they report: the
/// audit's flags.
#[derive(Debug, Clone, Args)]
#[command(mut_args(change("now", |a| a.conflicts_with("apply"))))]
#[command(mut_args(reword(&[
    ("orgs", "An organization to act on (repeat, or separate with commas)"),
    ("now", "\"Now\" for the findings, for reproducible plans [default: the current time]. Only \
        to look: refused with --apply, which acts as of the current time"),
    ("concurrency", "Listing requests to GitHub in flight at most (the bulk calls go one at a time)"),
])))]
pub struct TargetArgs {
    /// Where and as whom.
    #[command(flatten)]
    pub github: GitHubArgs,
    /// `--format`.
    #[command(flatten)]
    pub format: FormatArgs,
    /// `--now`, only to look.
    #[command(flatten)]
    pub now: NowArgs,
    /// `--concurrency`.
    #[command(flatten)]
    pub concurrency: ConcurrencyArgs,
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
#[command(mut_args(change("orgs", |a| a.required_unless_present("kind"))))]
#[command(mut_args(reword(&[
    ("expiring_within", "`expiring`: the token expires at most DAYS days from now [default: the \
        policy's, else 14]"),
    ("stale_after", "`stale`/`never-used`: more than DAYS days ago [default: the policy's, else 90]"),
])))]
pub struct RevokeArgs {
    /// Where, as whom, and how to report.
    #[command(flatten)]
    pub target: TargetArgs,
    /// What to revoke: grant (fine-grained token grants), credential (SAML credential
    /// authorizations, GitHub Enterprise Cloud; removed one call each), or without --org
    /// site-token or site-key (a GitHub Enterprise Server instance's classic tokens or SSH
    /// keys, deleted one call each; a site administrator's token).
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
    /// `--expiring-within`, `--stale-after`.
    #[command(flatten)]
    pub thresholds: ThresholdArgs,
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

/// `pat-audit contain`.
#[derive(Debug, Clone, Args)]
pub struct ContainArgs {
    /// The user whose access is cut (repeat, or separate with commas; at most 10).
    #[arg(
        long = "user",
        value_name = "LOGIN",
        value_delimiter = ',',
        required = true
    )]
    pub users: Vec<String>,
    /// Where, as whom, and how to report.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Revoke the SAML authorizations with one call for this enterprise (its slug) instead of
    /// one call per organization (GitHub Enterprise Cloud; needs an enterprise owner's token).
    #[arg(long, value_name = "SLUG")]
    pub enterprise: Option<String>,
    /// Also delete the users' classic tokens and SSH keys on the instance, never deploy keys
    /// (GitHub Enterprise Server; the token must be a site administrator's).
    #[arg(long)]
    pub site: bool,
    /// With --enterprise: destroy the credentials themselves (Enterprise Managed Users
    /// only); asks a second time.
    #[arg(long, requires = "enterprise")]
    pub destroy_credentials: bool,
    /// Plan first.
    #[command(flatten)]
    pub apply: ApplyArgs,
}

/// `pat-audit notify`.
#[derive(Debug, Clone, Args)]
#[command(mut_args(reword(&[
    ("orgs", "An organization whose tokens are audited (repeat, or separate with commas)"),
    ("concurrency", "Listing requests to GitHub in flight at most (the writes go one at a time)"),
    ("expiring_within", "`expiring`: the token expires at most DAYS days from now [default: 14]"),
    ("stale_after", "`stale`/`never-used`: more than DAYS days ago [default: 90]"),
])))]
pub struct NotifyArgs {
    /// The repository the issues go in (OWNER/REPO; as a GitHub App, OWNER is an
    /// organization the App is installed on, with the repository permission `issues: write`).
    #[arg(long, value_name = "OWNER/REPO")]
    pub repo: String,
    /// Where, as whom, and how to report.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Tell the owners of tokens with any of these findings.
    #[arg(
        long,
        value_enum,
        value_name = "F[,F...]",
        value_delimiter = ',',
        default_values = ["expired", "expiring"]
    )]
    pub finding: Vec<FindingKind>,
    /// Whose tokens: grant (fine-grained token grants), credential (SAML credential
    /// authorizations, GitHub Enterprise Cloud) [default: both, credentials where GitHub
    /// lists them].
    #[arg(long = "kind", value_enum, value_name = KINDS, value_delimiter = ',')]
    pub kinds: Vec<Kind>,
    /// The label that marks pat-audit's issues (created when the repository has none).
    #[arg(long, value_name = "NAME", default_value = "pat-audit")]
    pub label: String,
    /// `--expiring-within`, `--stale-after`.
    #[command(flatten)]
    pub thresholds: ThresholdArgs,
    /// Plan first.
    #[command(flatten)]
    pub apply: ApplyArgs,
}

/// `pat-audit serve`.
#[derive(Debug, Clone, Args)]
#[command(mut_args(change("orgs", |a| a.required_unless_present(Resettable::Reset))))]
#[command(mut_args(reword(&[
    ("orgs", "Act only on requests to these organizations (repeat, or separate with commas) \
        [default: every organization that sends events]"),
    ("format", "The log's format on stderr: json (one object per decision) or table (plain lines)"),
])))]
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
    /// Where and as whom.
    #[command(flatten)]
    pub github: GitHubArgs,
    /// `--format` of the log.
    #[command(flatten)]
    pub format: FormatArgs,
    /// The largest webhook body accepted, in bytes (GitHub caps payloads at 25 MB).
    #[arg(long, value_name = "BYTES", default_value_t = serve::DEFAULT_MAX_BODY)]
    pub max_body_bytes: usize,
}

/// `pat-audit trace`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("input").args(["token_stdin", "token_file", "hashed_tokens"]).required(true)))]
#[command(mut_args(reword(&[
    ("orgs", "An organization whose audit log is read (repeat, or separate with commas)"),
    ("base_url", "The API root; https://HOST/api/v3 for GitHub Enterprise Server"),
    ("now", "\"Now\" for --since DAYS [default: the current time]"),
    ("concurrency", "Audit-log reads in flight at most"),
])))]
pub struct TraceArgs {
    /// Where and as whom.
    #[command(flatten)]
    pub github: GitHubArgs,
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
    /// `--now` for `--since`.
    #[command(flatten)]
    pub now: NowArgs,
    /// `--format`.
    #[command(flatten)]
    pub format: FormatArgs,
    /// Also write every event as GitHub sent it, and the summary, to FILE (JSON).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// `--concurrency` of the audit-log reads.
    #[command(flatten)]
    pub concurrency: ConcurrencyArgs,
    /// After the trace, revoke the tokens with GitHub's credential revocation API (after
    /// confirmation; sent without credentials).
    #[arg(long)]
    pub revoke: bool,
    /// With --revoke: do not ask for confirmation (needed when standard input is not a terminal).
    #[arg(long, requires = "revoke")]
    pub yes: bool,
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use crate::row::Named as _;

    use super::*;

    /// The help text of the flag `id` of `command`.
    fn help(command: &str, id: &str) -> String {
        let cli = Cli::command();
        let sub = cli.find_subcommand(command).unwrap();
        let arg = sub.get_arguments().find(|a| a.get_id() == id).unwrap();
        arg.get_help().map(ToString::to_string).unwrap_or_default()
    }

    fn parses(args: &[&str]) -> bool {
        Cli::try_parse_from([&["pat-audit"], args].concat()).is_ok()
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_shared_flag_keeps_each_commands_words_and_rules() {
        let concurrency = |command| help(command, "concurrency");
        assert_eq!(concurrency("audit"), "Requests to GitHub in flight at most");
        assert_eq!(concurrency("trace"), "Audit-log reads in flight at most");
        assert!(concurrency("revoke").starts_with("Listing requests"));
        assert!(help("serve", "orgs").starts_with("Act only on requests"));
        assert!(help("review", "orgs").starts_with("An organization to act on"));
        assert!(help("notify", "orgs").starts_with("An organization whose tokens"));
        assert!(help("notify", "expiring_within").ends_with("[default: 14]"));
        assert!(help("trace", "base_url").ends_with("Enterprise Server"));
        assert!(help("audit", "base_url").ends_with("data residency"));
        // `--org` is needed to audit, trace and act (or --all-installations), not to serve.
        assert!(!parses(&["audit"]) && !parses(&["review", "--policy", "p"]));
        assert!(parses(&[
            "audit",
            "--all-installations",
            "--app-id",
            "1",
            "--private-key",
            "k"
        ]));
        let serve = ["serve", "--policy", "p", "--listen", "127.0.0.1:0"];
        assert!(parses(
            &[&serve[..], &["--webhook-secret-env", "S"]].concat()
        ));
        // `--now` is only to look where something can be sent.
        let revoke = ["revoke", "--org", "a", "--now", "2025-06-01T00:00:00Z"];
        assert!(parses(&revoke));
        assert!(!parses(&[&revoke[..], &["--apply"]].concat()));
        assert!(parses(&[
            "audit",
            "--org",
            "a",
            "--now",
            "2025-06-01T00:00:00Z"
        ]));
    }

    #[test]
    fn every_finding_kind_and_format_is_taken_by_its_name() {
        for finding in FindingKind::ALL {
            let taken = <FindingKind as ValueEnum>::from_str(finding.name(), false);
            assert_eq!(taken, Ok(*finding));
        }
        for kind in Kind::VARIANTS {
            assert_eq!(<Kind as ValueEnum>::from_str(kind.name(), false), Ok(*kind));
        }
        let formats: Vec<_> = Format::VARIANTS.iter().map(<&str>::from).collect();
        assert_eq!(formats, ["table", "json", "csv", "markdown"]);
        assert!(<FindingKind as ValueEnum>::from_str("stael", false).is_err());
    }
}
