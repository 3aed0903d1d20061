#![forbid(unsafe_code)]
//! A program that uses all eight operations: `benches/run.py` builds it
//! against the SDK as a dependency to measure what a consumer's build pays.

use futures::TryStreamExt;
use github_pat_grants::{Client, Operation, Paginated};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), github_pat_grants::Error> {
    let client = Client::builder().token("unused").build()?;
    let grants = client
        .orgs()
        .list_pat_grants("my-org")
        .collect_all()
        .await?;
    let repositories = client
        .orgs()
        .list_pat_grant_repositories("my-org", 1)
        .collect_all()
        .await?;
    let requests = client
        .orgs()
        .list_pat_grant_requests("my-org")
        .collect_all()
        .await?;
    let mut requested = client
        .orgs()
        .list_pat_grant_request_repositories("my-org", 1)
        .stream();
    while let Some(repository) = requested.try_next().await? {
        println!("{}", repository.full_name);
    }
    let one = client.orgs().update_pat_access("my-org", 1).call().await?;
    let many = client.orgs().update_pat_accesses("my-org").call().await?;
    let reviewed = client
        .orgs()
        .review_pat_grant_request("my-org", 1)
        .call()
        .await?;
    let bulk = client
        .orgs()
        .review_pat_grant_requests_in_bulk("my-org")
        .call()
        .await?;
    println!("{grants:?} {repositories:?} {requests:?} {one:?} {many:?} {reviewed:?} {bulk:?}");
    Ok(())
}
