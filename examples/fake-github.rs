//! Serves benches/fake_github.rs on loopback for peers outside this process
//! (the benchmark script points octokit.js at it). Prints the base URL, then
//! serves until standard input closes.
//!
//! ```text
//! cargo run --release --example fake-github -- --pages 100
//! ```

use clap::Parser;
use tokio::io::AsyncReadExt;

#[path = "../benches/fake_github.rs"]
mod fake_github;

#[derive(Parser)]
struct Args {
    /// Pages of 100 grants to serve.
    #[arg(long, default_value_t = 100)]
    pages: usize,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    let base = fake_github::serve(args.pages).await;
    println!("{base}");
    let mut sink = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut sink).await;
}
