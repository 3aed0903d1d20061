#![forbid(unsafe_code)]
//! Measures peak memory while streaming grants from the GitHub stand-in
//! (`github-standin`) on loopback, to show it stays flat: about one page.
//!
//! ```text
//! cargo run --release --example stream-memory -- --pages 1000            # 100,000 grants, streamed
//! cargo run --release --example stream-memory -- --pages 1000 --collect  # the same, collected (grows)
//! ```
//!
//! Prints `grants=N pages=P peak_rss_kib=K` (Linux: VmHWM of /proc/self/status).

use clap::Parser;
use github_pat_grants::prelude::*;
use github_standin::{Org, StandIn};

#[derive(Parser)]
struct Args {
    /// Pages of 100 grants to serve and read.
    #[arg(long, default_value_t = 1000)]
    pages: usize,
    /// Collect every grant instead of streaming (for contrast).
    #[arg(long)]
    collect: bool,
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        l.strip_prefix("VmHWM:")?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    // Seeded grants cost no memory until served; nothing is logged.
    let github = StandIn::builder()
        .org(Org::new("acme", 652551).seeded_grants(args.pages * 100, 1))
        .log_limit(0)
        .rate_limit(1_000_000_000)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token("measure")
        .base_url(github.base_url())
        .build()
        .unwrap();
    let request = client.orgs().list_pat_grants("acme").per_page(100);
    let count = if args.collect {
        request.collect_all().await.unwrap().len()
    } else {
        request
            .stream()
            .try_fold(0usize, |n, g| async move { Ok(n + usize::from(g.id > 0)) })
            .await
            .unwrap()
    };
    let peak = peak_rss_kib().map_or("unknown".to_string(), |k| k.to_string());
    println!("grants={count} pages={} peak_rss_kib={peak}", args.pages);
}
