#![forbid(unsafe_code)]
//! A program that uses one operation: `benches/run.py` builds it against the
//! SDK as a dependency to measure what a consumer's build pays.

use futures::TryStreamExt;
use github_pat_grants::{Client, Paginated};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), github_pat_grants::Error> {
    let client = Client::builder().token("unused").build()?;
    let mut grants = client
        .orgs()
        .list_pat_grants("my-org")
        .per_page(100)
        .stream();
    while let Some(grant) = grants.try_next().await? {
        println!("{} {}", grant.id, grant.owner.login);
    }
    Ok(())
}
