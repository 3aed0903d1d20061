#![forbid(unsafe_code)]
//! Conditional requests (`ClientBuilder::cache`) against a server on
//! loopback that plays GitHub's part: an `ETag` on every page, `304 Not
//! Modified` when `If-None-Match` names it, with rate-limit figures of its
//! own. wiremock plays it, as the stand-in does not send validators yet.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::{LIST, TOKEN, grants};
use futures::TryStreamExt;
use github_pat_grants::{CacheStore, Client, ClientBuilder, DiskCache, MemoryCache, Paginated};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// What a 200 says is left of the rate limit, and what a 304 says.
const REMAINING_AFTER_200: u64 = 4000;
const REMAINING_AFTER_304: u64 = 4999;

/// A listing of two pages (grants 1-2, then 3), each with an `ETag`.
async fn github() -> MockServer {
    let server = MockServer::start().await;
    let next = format!("<{}{LIST}?page=2>; rel=\"next\"", server.uri());
    let answer = move |request: &Request| {
        let page2 = request.url.query().is_some_and(|q| q.contains("page=2"));
        let etag = if page2 { "\"page-2\"" } else { "\"page-1\"" };
        let asked = request.headers.get("if-none-match");
        let (status, remaining) = match asked {
            Some(v) if v.as_bytes() == etag.as_bytes() => (304, REMAINING_AFTER_304),
            _ => (200, REMAINING_AFTER_200),
        };
        let mut response = ResponseTemplate::new(status)
            .insert_header("etag", etag)
            .insert_header("x-ratelimit-limit", "5000")
            .insert_header("x-ratelimit-remaining", remaining.to_string().as_str())
            .insert_header("x-ratelimit-reset", "1700000000");
        if status == 200 {
            let items = if page2 { grants(3..4) } else { grants(1..3) };
            response = response.set_body_json(items);
            if !page2 {
                response = response.insert_header("link", next.as_str());
            }
        }
        response
    };
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

fn builder(server: &MockServer, token: &str) -> ClientBuilder {
    Client::builder().token(token).base_url(server.uri())
}

/// Each page's ids and whether it came from the cache.
async fn pages(client: &Client) -> Vec<(Vec<i64>, bool)> {
    let pages: Vec<_> = client
        .orgs()
        .list_pat_grants("acme")
        .pages()
        .try_collect()
        .await
        .unwrap();
    pages
        .iter()
        .map(|p| (p.items.iter().map(|g| g.id).collect(), p.from_cache()))
        .collect()
}

/// How many requests the server has had, and how many were conditional.
async fn asked(server: &MockServer) -> (usize, usize) {
    let mut requests = server.received_requests().await.unwrap();
    requests.retain(|r| r.method.as_str() == "GET");
    let conditional = requests
        .iter()
        .filter(|r| r.headers.contains_key("if-none-match"))
        .count();
    (requests.len(), conditional)
}

#[tokio::test]
async fn a_second_listing_asks_conditionally_and_a_304_replays_the_kept_pages() {
    let server = github().await;
    let client = builder(&server, TOKEN)
        .cache(MemoryCache::new())
        .build()
        .unwrap();
    let fresh = vec![(vec![1, 2], false), (vec![3], false)];
    assert_eq!(pages(&client).await, fresh);
    assert_eq!(
        asked(&server).await,
        (2, 0),
        "nothing kept yet: nothing conditional"
    );

    let cached = vec![(vec![1, 2], true), (vec![3], true)];
    assert_eq!(pages(&client).await, cached);
    assert_eq!(asked(&server).await, (4, 2));
    // The rate-limit figures are the 304's, not the kept answer's.
    let listing = client.orgs().list_pat_grants("acme");
    let first = listing.pages().try_next().await.unwrap().unwrap();
    assert_eq!(first.rate_limit.unwrap().remaining, REMAINING_AFTER_304);

    let items: Vec<_> = client
        .orgs()
        .list_pat_grants("acme")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.iter().map(|g| g.id).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(asked(&server).await, (7, 5));
}

#[tokio::test]
async fn without_a_cache_nothing_is_conditional() {
    let server = github().await;
    let client = builder(&server, TOKEN).build().unwrap();
    for _ in 0..2 {
        assert_eq!(
            pages(&client).await,
            [(vec![1, 2], false), (vec![3], false)]
        );
    }
    assert_eq!(asked(&server).await, (4, 0));
}

#[tokio::test]
async fn an_entry_is_kept_between_runs_for_its_credential_only() {
    let server = github().await;
    let dir = tempfile::tempdir().unwrap();
    let run = |token: &str| {
        let store = DiskCache::new(dir.path()).unwrap();
        builder(&server, token).cache(store).build().unwrap()
    };
    pages(&run(TOKEN)).await;
    assert_eq!(asked(&server).await, (2, 0));
    // Another token's view may differ: it is not asked conditionally.
    assert!(
        pages(&run("ghs_another_token"))
            .await
            .iter()
            .all(|(_, cached)| !cached)
    );
    assert_eq!(asked(&server).await, (4, 0));
    // The first token's next run is.
    assert!(pages(&run(TOKEN)).await.iter().all(|(_, cached)| *cached));
    assert_eq!(asked(&server).await, (6, 2));
    // The entries hold no credential.
    for file in fs::read_dir(dir.path()).unwrap() {
        let text = String::from_utf8_lossy(&fs::read(file.unwrap().path()).unwrap()).into_owned();
        assert!(!text.contains(TOKEN) && !text.contains("ghs_another_token"));
    }
}

#[tokio::test]
async fn an_apps_installation_is_known_by_the_installation_not_its_hourly_token() {
    let server = github().await;
    let minted = std::sync::atomic::AtomicUsize::new(0);
    let mint = move |_: &Request| {
        let n = minted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let expires = chrono::Utc::now() + chrono::TimeDelta::hours(1);
        ResponseTemplate::new(201).set_body_json(
            serde_json::json!({ "token": format!("ghs_minted_{n}"), "expires_at": expires }),
        )
    };
    Mock::given(method("POST"))
        .and(path("/app/installations/77/access_tokens"))
        .respond_with(mint)
        .mount(&server)
        .await;
    let pem = fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/app-key-pkcs1.pem"
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Each run has credentials of its own, so mints a token of its own.
    let run = || {
        let app = github_pat_grants::AppCredentials::from_pem(12345, pem.clone()).unwrap();
        let store = DiskCache::new(dir.path()).unwrap();
        let builder = Client::builder()
            .app(app)
            .installation_id(77)
            .base_url(server.uri());
        builder.cache(store).build().unwrap()
    };
    let (first, second) = (run(), run());
    pages(&first).await;
    assert!(pages(&second).await.iter().all(|(_, cached)| *cached));
    let requests = server.received_requests().await.unwrap();
    let tokens: std::collections::HashSet<_> = requests
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .map(|r| r.headers["authorization"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(tokens.len(), 2, "two runs, two tokens: {tokens:?}");
    assert_eq!(asked(&server).await, (4, 2));
}

#[tokio::test]
async fn a_damaged_or_cut_entry_is_fetched_again_never_an_error() {
    let server = github().await;
    let dir = tempfile::tempdir().unwrap();
    let client = builder(&server, TOKEN)
        .cache(DiskCache::new(dir.path()).unwrap())
        .build()
        .unwrap();
    pages(&client).await;
    let files: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|f| f.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2);
    let cut = fs::read(&files[0]).unwrap();
    fs::write(&files[0], &cut[..cut.len() - 3]).unwrap();
    fs::write(&files[1], b"\x00garbage").unwrap();
    assert_eq!(
        pages(&client).await,
        [(vec![1, 2], false), (vec![3], false)]
    );
    assert_eq!(asked(&server).await, (4, 0));
    // Fetched again, they were kept again.
    assert!(pages(&client).await.iter().all(|(_, cached)| *cached));
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_folder_and_its_entries_are_the_users_only() {
    let server = github().await;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("made");
    let wide = parent.path().join("wide");
    fs::create_dir(&wide).unwrap();
    fs::set_permissions(&wide, fs::Permissions::from_mode(0o755)).unwrap();
    for dir in [&dir, &wide] {
        let client = builder(&server, TOKEN)
            .cache(DiskCache::new(dir).unwrap())
            .build()
            .unwrap();
        pages(&client).await;
        assert_eq!(mode(dir), 0o700);
        let files: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|f| f.unwrap().path())
            .collect();
        assert_eq!(files.len(), 2);
        assert!(files.iter().all(|f| mode(f) == 0o600));
    }
}

#[test]
fn a_folder_that_cannot_be_made_is_an_error_naming_it() {
    let parent = tempfile::tempdir().unwrap();
    let file = parent.path().join("a-file");
    fs::write(&file, b"").unwrap();
    let err = DiskCache::new(file.join("cache")).unwrap_err().to_string();
    assert!(err.contains("a-file/cache"), "{err}");
}

#[test]
fn the_size_cap_and_age_evict_the_least_recently_used() {
    let dir = tempfile::tempdir().unwrap();
    // A file of the user's, old and large, in the folder given: never the
    // store's to remove.
    let theirs = dir.path().join("notes.txt");
    fs::write(&theirs, [b'x'; 5000]).unwrap();
    let old = SystemTime::now() - Duration::from_secs(400 * 24 * 3600);
    fs::File::options()
        .write(true)
        .open(&theirs)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let store = DiskCache::new(dir.path()).unwrap().max_bytes(2500);
    let key = |n: u8| format!("{n:064x}");
    for n in 0..5 {
        store.put(&key(n), &[n; 1000]);
    }
    let left: u64 = fs::read_dir(dir.path())
        .unwrap()
        .map(|f| f.unwrap())
        .filter(|f| f.path() != theirs)
        .map(|f| f.metadata().unwrap().len())
        .sum();
    assert!(left <= 2500, "{left} bytes left");
    assert_eq!(
        store.get(&key(4)).as_deref(),
        Some(&[4; 1000][..]),
        "the newest is kept"
    );
    assert!(store.get(&key(0)).is_none(), "the oldest is gone");

    // An entry no run used for longer than `max_unused` goes at the next run.
    let old = SystemTime::now() - Duration::from_secs(40 * 24 * 3600);
    fs::File::options()
        .write(true)
        .open(dir.path().join(key(4)))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let next_run = DiskCache::new(dir.path()).unwrap();
    assert!(next_run.get(&key(4)).is_none());
    assert!(!dir.path().join(key(4)).exists());
    assert_eq!(
        fs::read(&theirs).unwrap().len(),
        5000,
        "the user's file is left alone"
    );
}
