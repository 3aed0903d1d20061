#![forbid(unsafe_code)]
//! Serves the GitHub stand-in on loopback for programs outside this
//! process: `benches/run.py` points `pat-audit audit`, `pat-audit revoke`
//! and the octokit.js scripts at it. Prints the base URL, then serves until
//! standard input closes, then prints the revoke and review calls it took
//! (`calls=N ids=M`), for the acting benchmark.
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
//! trace`'s benchmark.

use std::time::Duration;

use aws_lc_rs::digest;
use base64::Engine as _;
use chrono::TimeDelta;
use clap::Parser;
use github_standin::{AuditEvent, Credential, Org, StandIn};
use tokio::io::AsyncReadExt as _;

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
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), github_standin::Error> {
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
        match per_org {
            0 => org,
            _ => {
                org.credentials((0..per_org).map(|i| credential(n as i64 * per_org + i, args.now)))
            }
        }
    });
    let standin = StandIn::builder()
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
    let mut sink = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut sink).await;
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
