#![forbid(unsafe_code)]
//! The SDK at the wire: decoding pages, streaming 10,000 grants from the
//! GitHub stand-in on loopback against a minimal hand-written reqwest + serde
//! loop, the same with GitHub App authentication against a static token, and
//! signing an App JWT.
//!
//! `cargo bench --bench client`.

use divan::Bencher;
use divan::counter::BytesCount;
use futures::TryStreamExt;
use github_pat_grants::{
    AppCredentials, Client, Paginated, types::OrganizationProgrammaticAccessGrant as Grant,
};
use github_standin::{App, Org, StandIn, public_key_from_pem};

fn main() {
    divan::main();
}

/// Grants per page, GitHub's maximum.
const PER_PAGE: usize = 100;

/// One page of 100 grants, built from the spec's example.
fn page_body() -> Vec<u8> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.json")).unwrap();
    let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    let grant = &spec["components"]["examples"]["org-pat-grant-paginated"]["value"][0];
    let page: Vec<serde_json::Value> = (0..PER_PAGE)
        .map(|i| {
            let mut g = grant.clone();
            g["id"] = serde_json::json!(25381 + i);
            g
        })
        .collect();
    serde_json::to_vec(&page).unwrap()
}

/// GitHub for the streaming benchmarks: `acme` with `PAGES` pages of
/// generated grants; the static token `bench`, and the App 12345 (the
/// test key's) installed on `acme` as installation 42. Nothing is logged and
/// no rate limit is met, however many runs divan makes.
fn github(rt: &tokio::runtime::Runtime) -> StandIn {
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/app-key-public.pem"
    ))
    .unwrap();
    let app =
        App::new(12345, "Iv23liBench", public_key_from_pem(&pem).unwrap()).installed_on(42, "acme");
    let github = StandIn::builder()
        .org(Org::new("acme", 652551).seeded_grants(PAGES * PER_PAGE, 1))
        .token("bench")
        .app(app)
        .log_limit(0)
        .rate_limit(1_000_000_000);
    rt.block_on(github.start()).unwrap()
}

/// Deserializing one page of 100 grants into the SDK's models.
#[divan::bench]
fn decode_page_models(bencher: Bencher) {
    let body = page_body();
    bencher
        .counter(BytesCount::of_slice(&body))
        .bench(|| serde_json::from_slice::<Vec<Grant>>(divan::black_box(&body)).unwrap());
}

/// The reference: the same bytes into `serde_json::Value`.
#[divan::bench]
fn decode_page_value(bencher: Bencher) {
    let body = page_body();
    bencher
        .counter(BytesCount::of_slice(&body))
        .bench(|| serde_json::from_slice::<serde_json::Value>(divan::black_box(&body)).unwrap());
}

/// Pages of grants the streaming benchmarks read: 10,000 grants.
const PAGES: usize = 100;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// 10,000 grants (100 pages of 100) through the SDK's stream, as users get
/// it: `Client::builder()` defaults, which set connect and total timeouts.
#[divan::bench(sample_count = 30)]
fn stream_sdk(bencher: Bencher) {
    stream_through(bencher, |base| {
        Client::builder()
            .token("bench")
            .base_url(base)
            .build()
            .unwrap()
    });
}

/// The same with a plain `reqwest::Client` (no timeouts), configured exactly
/// like the minimal loop's: what the SDK's own layer costs.
#[divan::bench(sample_count = 30)]
fn stream_sdk_plain_reqwest(bencher: Bencher) {
    stream_through(bencher, |base| {
        Client::builder()
            .token("bench")
            .base_url(base)
            .http_client(reqwest::Client::new())
            .build()
            .unwrap()
    });
}

fn stream_through(bencher: Bencher, make: impl Fn(&str) -> Client) {
    let rt = runtime();
    let github = github(&rt);
    let client = make(github.base_url());
    bencher.bench(|| rt.block_on(stream_all(&client)));
}

async fn stream_all(client: &Client) {
    let n = client
        .orgs()
        .list_pat_grants("acme")
        .per_page(100)
        .stream()
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(n, PAGES * PER_PAGE);
}

/// The App's throwaway test key (2048-bit RSA, PKCS#1).
fn app_key() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/app-key-pkcs1.pem"
    ))
    .unwrap()
}

/// The static-token path for the App comparisons below: a client built per
/// run on one shared `reqwest::Client`, as they are.
#[divan::bench(sample_count = 30)]
fn stream_static_token(bencher: Bencher) {
    let rt = runtime();
    let github = github(&rt);
    let base = github.base_url();
    let http = reqwest::Client::new();
    bencher.bench(|| {
        let client = Client::builder()
            .token("bench")
            .base_url(base)
            .http_client(http.clone())
            .build()
            .unwrap();
        rt.block_on(stream_all(&client))
    });
}

/// 10,000 grants as a GitHub App, mint included: every run starts from new
/// credentials (parsed outside the timing), so it signs a JWT and mints an
/// installation token before the first page.
#[divan::bench(sample_count = 30)]
fn stream_app_auth(bencher: Bencher) {
    stream_as_app(bencher, |b| b.installation_id(42));
}

/// The same, finding the installation from the organization first
/// (`GET /orgs/{org}/installation`), as the example program does.
#[divan::bench(sample_count = 30)]
fn stream_app_auth_org_lookup(bencher: Bencher) {
    stream_as_app(bencher, |b| b.installation_for_org("acme"));
}

fn stream_as_app(
    bencher: Bencher,
    installation: impl Fn(github_pat_grants::ClientBuilder) -> github_pat_grants::ClientBuilder,
) {
    let rt = runtime();
    let github = github(&rt);
    let base = github.base_url();
    let http = reqwest::Client::new();
    let pem = app_key();
    bencher
        .with_inputs(|| AppCredentials::from_pem(12345, &pem).unwrap())
        .bench_local_values(|credentials| {
            let client = installation(Client::builder().app(credentials))
                .base_url(base)
                .http_client(http.clone())
                .build()
                .unwrap();
            rt.block_on(stream_all(&client))
        });
}

/// Signing one App JWT (RS256, 2048-bit key).
#[divan::bench]
fn jwt_sign(bencher: Bencher) {
    let credentials = AppCredentials::from_pem(12345, app_key()).unwrap();
    let now = chrono::Utc::now();
    bencher.bench(|| credentials.jwt(divan::black_box(now)).unwrap());
}

/// The limit: a minimal reqwest + serde loop over the same stand-in, following
/// `rel="next"` with a plain string search.
#[divan::bench(sample_count = 30)]
fn stream_minimal_loop(bencher: Bencher) {
    let rt = runtime();
    let github = github(&rt);
    let base = github.base_url();
    let http = reqwest::Client::new();
    bencher.bench(|| {
        rt.block_on(async {
            let mut url = format!("{base}/orgs/acme/personal-access-tokens?per_page=100");
            let mut n = 0;
            loop {
                let response = http
                    .get(&url)
                    .header("authorization", "Bearer bench")
                    .header("accept", "application/vnd.github+json")
                    .header("user-agent", "bench")
                    .send()
                    .await
                    .unwrap();
                let next = response.headers().get("link").and_then(|l| {
                    let l = l.to_str().ok()?;
                    let at = l.find("rel=\"next\"")?;
                    let start = l[..at].rfind('<')? + 1;
                    let end = l[start..].find('>')? + start;
                    Some(l[start..end].to_string())
                });
                let page: Vec<Grant> =
                    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
                n += page.len();
                match next {
                    Some(u) => url = u,
                    None => break,
                }
            }
            assert_eq!(n, PAGES * PER_PAGE);
        })
    });
}
