#![forbid(unsafe_code)]
//! Serves the GitHub stand-in on loopback for programs outside this
//! process: `benches/run.py` points `pat-audit audit`, `revoke`, `contain`
//! and the octokit.js scripts at it. Prints the base URL, then serves until
//! standard input closes, then prints the revoke and review calls it took
//! (`calls=N ids=M`), for the acting benchmark. Each line read from
//! standard input before that prints what was answered since the last such
//! line (see [`Seen`]), so that a benchmark can tell one run from the next.
//!
//! ```text
//! cargo run --release -p github-standin --example standin -- --orgs 10 --grants-per-org 10000 --latency-ms 50
//! ```
//!
//! The organizations are `org-01`, `org-02`, ... (or the `--org` logins);
//! their grants and requests are generated from a seed, with times relative
//! to `--now`. With `--credentials-per-org N` they use SAML single sign-on
//! and list N credential authorizations of the four types. With
//! `--audit-tokens N --audit-events M`, each organization's audit log holds
//! M events of each of N tokens (`ghp_bench` and the token's number in 31
//! digits: [`bench_token`]), a minute apart before `--now`, for `pat-audit
//! trace`'s benchmark. With `--holder LOGIN --held N`, each organization
//! also holds N grants, N pending requests and N SAML credential
//! authorizations of LOGIN, for `pat-audit contain`'s benchmark; with
//! `--app-key FILE` it serves a GitHub App (ID [`APP_ID`]) installed on
//! every organization, whose throwaway private key it writes to FILE.

use std::time::Duration;

use aws_lc_rs::digest;
use base64::Engine as _;
use chrono::TimeDelta;
use clap::Parser;
use github_standin::{
    App, AuditEvent, Caller, Credential, Grant, LoggedRequest, Org, StandIn, ThrowawayKey,
    TokenRequest,
};
use tokio::io::AsyncBufReadExt as _;

/// The App's ID with `--app-key`.
const APP_ID: u64 = 4242;

#[derive(Parser)]
struct Args {
    /// Organizations to serve (`org-01` ...).
    #[arg(long, default_value_t = 10)]
    orgs: u64,
    /// Serve these logins instead of `org-01` ... (repeatable).
    #[arg(long = "org")]
    logins: Vec<String>,
    /// Grants of each organization.
    #[arg(long, default_value_t = 10_000)]
    grants_per_org: usize,
    /// Pending requests of each organization.
    #[arg(long, default_value_t = 0)]
    requests_per_org: usize,
    /// SAML credential authorizations of each organization (0: it does
    /// not use SAML SSO, and the listing answers 404).
    #[arg(long, default_value_t = 0)]
    credentials_per_org: i64,
    /// Milliseconds added to every response.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// The port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Requests an hour before the primary rate limit: high by default, so
    /// that a benchmark's hundreds of thousands of requests never meet it.
    #[arg(long, default_value_t = 1_000_000_000)]
    rate_limit: u64,
    /// Audit-log queries an hour (GitHub's 1,750 by default in the stand-in;
    /// high here, so that repeated runs of one benchmark never meet it).
    #[arg(long, default_value_t = 1_000_000_000)]
    audit_log_rate_limit: u64,
    /// Tokens with events in each organization's audit log.
    #[arg(long, default_value_t = 0)]
    audit_tokens: usize,
    /// Events of each of those tokens in each organization's audit log.
    #[arg(long, default_value_t = 0)]
    audit_events: usize,
    /// The moment the generated times are relative to (give the audit the same `--now`).
    #[arg(long, default_value = "2025-06-02T09:00:00Z")]
    now: chrono::DateTime<chrono::Utc>,
    /// The login whose `--held` grants, requests and credential authorizations
    /// each organization also holds.
    #[arg(long, requires = "held")]
    holder: Option<String>,
    /// How many of each kind `--holder` holds in each organization.
    #[arg(long, default_value_t = 0)]
    held: i64,
    /// Serve a GitHub App installed on every organization, and write its
    /// throwaway private key (PKCS#8 PEM) to this file.
    #[arg(long, value_name = "FILE")]
    app_key: Option<std::path::PathBuf>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let logins: Vec<String> = if args.logins.is_empty() {
        (1..=args.orgs).map(|n| format!("org-{n:02}")).collect()
    } else {
        args.logins.clone()
    };
    let per_org = args.credentials_per_org;
    let orgs = logins.iter().zip(1u64..).map(|(login, n)| {
        let org = Org::new(login.as_str(), 700_000 + n)
            .seeded_grants(args.grants_per_org, n)
            .seeded_requests(args.requests_per_org, n)
            .audit_log(audit_events(login, &args));
        let org = match per_org {
            0 => org,
            _ => {
                org.credentials((0..per_org).map(|i| credential(n as i64 * per_org + i, args.now)))
            }
        };
        match &args.holder {
            Some(holder) => held(org, n as i64, holder, args.held),
            None => org,
        }
    });
    let mut builder = StandIn::builder();
    if let Some(file) = &args.app_key {
        let key = ThrowawayKey::generate()?;
        std::fs::write(file, key.private_key_pem())?;
        let app = App::new(APP_ID, "Iv23liBench", key.public_key().to_vec());
        builder = builder.app(logins.iter().zip(1i64..).fold(app, |app, (login, n)| {
            app.installed_on(900_000 + n, login.as_str())
        }));
    }
    let standin = builder
        .orgs(orgs)
        .as_of(args.now)
        .latency(Duration::from_millis(args.latency_ms))
        .port(args.port)
        // The benchmarks send hundreds of thousands of requests: the log
        // keeps what the summary below reads.
        .log_limit(10_000)
        .rate_limit(args.rate_limit)
        .audit_log_rate_limit(args.audit_log_rate_limit)
        .start()
        .await?;
    println!("{}", standin.base_url());
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let (mut seen, mut probes) = (0, 0);
    while let Ok(Some(_)) = lines.next_line().await {
        let since = Seen::since(&standin.log(), standin.answered() - seen);
        probes += 1;
        let used = rate_limit_used(standin.base_url()).await? - probes;
        println!("{since} rate_limit_used={used}");
        seen = standin.answered();
    }
    let posts: Vec<_> = standin
        .log()
        .into_iter()
        .filter(|r| r.method() == "POST")
        .collect();
    let ids: usize = posts
        .iter()
        .filter_map(|r| r.json())
        .map(|body| {
            ["pat_ids", "pat_request_ids"]
                .iter()
                .filter_map(|k| body[*k].as_array().map(Vec::len))
                .sum::<usize>()
        })
        .sum();
    println!("calls={} ids={ids}", posts.len());
    Ok(())
}

/// What the stand-in answered since a benchmark last asked: every request,
/// those answered `304 Not Modified` (which GitHub does not count against
/// the rate limit), the writes (`POST` and `DELETE`, installation tokens
/// aside), the installation tokens minted, the App's own reads with its JWT
/// (`GET /app/installations`) and the other reads. Printed as
/// `requests=N not_modified=N writes=N minted=N app_reads=N reads=N
/// logged=N`, then `rate_limit_used=N`, the rate limit spent since the
/// stand-in started (see [`rate_limit_used`]); `logged` below `requests`
/// means the log (the last 10,000) no longer held all of them, and the
/// counts are of those it held.
struct Seen {
    requests: u64,
    logged: usize,
    not_modified: usize,
    writes: usize,
    minted: usize,
    app_reads: usize,
}

impl Seen {
    /// The last `requests` requests of `log`.
    fn since(log: &[LoggedRequest], requests: u64) -> Seen {
        let kept = log
            .len()
            .min(usize::try_from(requests).unwrap_or(usize::MAX));
        let recent = &log[log.len() - kept..];
        let count = |f: &dyn Fn(&LoggedRequest) -> bool| recent.iter().filter(|r| f(r)).count();
        let method = |r: &LoggedRequest| r.method().as_str().to_owned();
        let mint = |r: &LoggedRequest| method(r) == "POST" && r.path().ends_with("/access_tokens");
        Seen {
            requests,
            logged: kept,
            not_modified: count(&|r| r.status() == 304),
            writes: count(&|r| matches!(method(r).as_str(), "POST" | "DELETE") && !mint(r)),
            minted: count(&mint),
            app_reads: count(&|r| method(r) == "GET" && r.caller() == Caller::App),
        }
    }
}

impl std::fmt::Display for Seen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let reads = self.logged - self.writes - self.minted - self.app_reads;
        write!(
            f,
            "requests={} not_modified={} writes={} minted={} app_reads={} reads={reads} logged={}",
            self.requests, self.not_modified, self.writes, self.minted, self.app_reads, self.logged
        )
    }
}

/// The primary rate limit spent so far in the stand-in's window: the
/// `x-ratelimit-used` of a request of its own (to a path it does not
/// serve), which counts itself and every probe before it too.
async fn rate_limit_used(base_url: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let answer = reqwest::get(format!("{base_url}/rate_limit")).await?;
    let used = answer
        .headers()
        .get("x-ratelimit-used")
        .ok_or("no x-ratelimit-used")?;
    Ok(used.to_str()?.parse()?)
}

/// `org` (number `n`) with `count` grants, pending requests and SAML
/// credential authorizations of `holder` besides what it holds, with ids
/// no seeded item of an organization has.
fn held(org: Org, n: i64, holder: &str, count: i64) -> Org {
    let id = |i: i64| n * 1_000_000 + 900_000 + i;
    org.grants((0..count).map(|i| Grant::new(id(i)).owner(holder)))
        .requests((0..count).map(|i| TokenRequest::new(id(i)).owner(holder)))
        .credentials(
            (0..count).map(|i| Credential::personal_access_token(10_000_000 + id(i), holder)),
        )
}

/// Credential `id`: the four types in turn, classic tokens with broad
/// scopes, dates spread over a year before `now`.
fn credential(id: i64, now: chrono::DateTime<chrono::Utc>) -> Credential {
    let login = format!("member{}", id % 500);
    let day = |n: i64| now - TimeDelta::days(n);
    let credential = match id % 4 {
        0 => Credential::personal_access_token(id, login).scopes(["repo", "read:org"]),
        1 => Credential::oauth_app_token(id, login).scopes(["read:user"]),
        2 => Credential::github_app_token(id, login),
        _ => Credential::ssh_key(id, login),
    };
    credential
        .authorized_at(day(id % 365))
        .accessed_at((id % 5 != 0).then(|| day(id % 200)))
        .expires_at((id % 3 != 0).then(|| day(id % 120 - 30)))
}

/// The benchmark's token number `i`: 40 characters of GitHub's classic shape.
fn bench_token(i: usize) -> String {
    format!("ghp_bench{i:031}")
}

/// What `--audit-tokens` and `--audit-events` put in `org`'s audit log.
fn audit_events(org: &str, args: &Args) -> Vec<AuditEvent> {
    let mut events = Vec::with_capacity(args.audit_tokens * args.audit_events);
    for t in 0..args.audit_tokens {
        let hash = base64::engine::general_purpose::STANDARD
            .encode(digest::digest(&digest::SHA256, bench_token(t).as_bytes()));
        for e in 0..args.audit_events {
            let at = args.now - chrono::TimeDelta::minutes(e as i64 + 1);
            events.push(
                AuditEvent::new("git.clone", at)
                    .actor("mallory")
                    .repository(&format!("{org}/repo-{}", e % 7))
                    .hashed_token(&hash)
                    .user_agent("curl/8.5.0"),
            );
        }
    }
    events
}
