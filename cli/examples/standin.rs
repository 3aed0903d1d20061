//! Serves pat-audit's GitHub stand-in on loopback for programs outside this
//! process: `benches/run.py` points `pat-audit audit` and an octokit.js
//! script at it. Prints the base URL, then serves until standard input
//! closes, then prints the revoke and review calls it took
//! (`calls=N ids=M`), for the acting benchmark.
//!
//! ```text
//! cargo run --release -p pat-audit --example standin -- --orgs 10 --grants-per-org 10000 --latency-ms 50
//! ```
//!
//! The organizations are `org-01`, `org-02`, ...; their grants and requests
//! are generated from a seed, with times relative to `--now`.

use std::time::Duration;

use clap::Parser;
use pat_audit::standin::{OrgConfig, Source, StandIn};
use tokio::io::AsyncReadExt as _;

#[derive(Parser)]
struct Args {
    /// Organizations to serve (`org-01` ...).
    #[arg(long, default_value_t = 10)]
    orgs: u64,
    /// Grants of each organization.
    #[arg(long, default_value_t = 10_000)]
    grants_per_org: usize,
    /// Pending requests of each organization.
    #[arg(long, default_value_t = 0)]
    requests_per_org: usize,
    /// Milliseconds added to every response.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// The port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The moment the generated times are relative to (give the audit the same `--now`).
    #[arg(long, default_value = "2025-06-02T09:00:00Z")]
    now: chrono::DateTime<chrono::Utc>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let orgs = (1..=args.orgs)
        .map(|n| {
            OrgConfig::new(format!("org-{n:02}"), 700_000 + n)
                .grants(Source::Seeded {
                    count: args.grants_per_org,
                    seed: n,
                })
                .requests(Source::Seeded {
                    count: args.requests_per_org,
                    seed: n,
                })
        })
        .collect();
    let mut standin = StandIn::new(orgs, args.now);
    standin.latency = Duration::from_millis(args.latency_ms);
    standin.port = args.port;
    let running = standin.start().await?;
    println!("{}", running.base_url());
    let mut sink = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut sink).await;
    let posts = running.posts();
    let ids: usize = posts.iter().map(|p| p.ids().len()).sum();
    println!("calls={} ids={ids}", posts.len());
    Ok(())
}
