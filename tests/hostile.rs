#![forbid(unsafe_code)]
//! The SDK against a hostile server on loopback: what it sends, follows,
//! reads and quotes when the other side attacks (issue 25).
//!
//! wiremock plays a GitHub that redirects, echoes tokens, lies about its
//! clock and its answers' shapes; a raw `TcpListener` sends what no HTTP
//! library would (a body that never ends, a `Content-Length` of gigabytes)
//! and, as "another host", counts the connections it gets: none is the
//! expected number.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::github_app::{APP_ID, INSTALLATION_ID, fixture, fixture_path, key_lines};
use common::{LIST, TOKEN, TestClock, client, grants, list_error, retrying, sent, serve};
use futures::TryStreamExt;
use github_pat_grants::types::OrgsUpdatePatAccessesBodyAction as Action;
use github_pat_grants::{
    AppAuthErrorKind, AppCredentials, Client, Error, MAX_REDIRECTS, MAX_RESPONSE_BYTES, Operation,
    Paginated, RetryPolicy,
};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What a leaked or minted token looks like; its tail must never show.
const MINTED: &str = "ghs_M1nt3dS3cr3tT0k3nF0rTh3Inst4ll4t10n";

/// A loopback listener that counts the connections it accepts and serves
/// each with `serve`, after reading the request's head.
struct Raw {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl Raw {
    async fn start<F, Fut>(serve: F) -> Raw
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                read_head(&mut socket).await;
                tokio::spawn(serve(socket));
            }
        });
        Raw { addr, connections }
    }

    /// Another host: whatever reaches it is a leak.
    async fn elsewhere() -> Raw {
        Raw::start(|_| async {}).await
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn read_head(socket: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
}

/// `POST /orgs/acme/personal-access-tokens`: a request with a body.
async fn revoke(c: &Client) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
    c.orgs()
        .update_pat_accesses("acme")
        .body_map(|b| b.action(Action::Revoke).pat_ids(vec![25381]))
        .call()
        .await
}

#[tokio::test]
async fn a_redirect_of_a_post_is_refused_and_nothing_is_sent_again() {
    let elsewhere = Raw::elsewhere().await;
    for status in [301, 302, 303, 307, 308] {
        let github = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(LIST))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("location", format!("{}/steal", elsewhere.url())),
            )
            .mount(&github)
            .await;
        // With retries on: a refusal is final, not a failure to try again.
        let clock = TestClock::new();
        let err = revoke(&retrying(&github.uri(), RetryPolicy::new(), &clock))
            .await
            .unwrap_err();
        let Error::Redirect(message) = &err else {
            panic!("{status}: {err:?}")
        };
        assert!(err.to_string().starts_with("redirect refused: "), "{err}");
        assert!(message.contains(&format!("HTTP {status}")), "{message}");
        assert!(message.contains(&elsewhere.addr.to_string()), "{message}");
        assert!(!format!("{err} {err:?}").contains(TOKEN));
        assert_eq!(sent(&github).await, 1);
        assert!(clock.slept().is_empty());
    }
    assert_eq!(elsewhere.connections(), 0, "the body went to another host");
}

#[tokio::test]
async fn a_307_of_a_post_to_the_same_origin_is_refused_too() {
    let github = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/elsewhere"))
        .mount(&github)
        .await;
    let err = revoke(&client(&github.uri())).await.unwrap_err();
    assert!(
        matches!(&err, Error::Redirect(m) if m.contains("HTTP 307 to POST /orgs/acme/personal-access-tokens")),
        "{err:?}"
    );
    assert_eq!(sent(&github).await, 1);
}

#[tokio::test]
async fn a_301_of_a_get_within_the_origin_is_followed_with_the_token() {
    // GitHub answers 301 for a renamed organization or repository, pointing
    // at the same API by id.
    let github = MockServer::start().await;
    serve(
        &github,
        LIST,
        ResponseTemplate::new(301)
            .insert_header("location", "/organizations/652551/personal-access-tokens"),
    )
    .await;
    serve(
        &github,
        "/organizations/652551/personal-access-tokens",
        ResponseTemplate::new(200).set_body_json(grants(0..2)),
    )
    .await;
    let grants = client(&github.uri())
        .orgs()
        .list_pat_grants("acme")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(grants.len(), 2);
    let requests = github.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].headers.get("authorization").unwrap(),
        &format!("Bearer {TOKEN}")
    );
}

#[tokio::test]
async fn a_redirect_of_a_get_to_another_origin_is_refused() {
    let elsewhere = Raw::elsewhere().await;
    let github = MockServer::start().await;
    serve(
        &github,
        LIST,
        ResponseTemplate::new(302).insert_header("location", elsewhere.url()),
    )
    .await;
    let err = list_error(&client(&github.uri())).await;
    assert!(
        matches!(&err, Error::Redirect(m) if m.contains("another origin") && m.contains(&elsewhere.addr.to_string())),
        "{err:?}"
    );
    assert_eq!(elsewhere.connections(), 0, "the token went to another host");
}

#[tokio::test]
async fn redirects_within_the_origin_stop_after_the_bound() {
    let github = MockServer::start().await;
    serve(
        &github,
        LIST,
        ResponseTemplate::new(301).insert_header("location", LIST),
    )
    .await;
    let err = list_error(&client(&github.uri())).await;
    assert!(
        matches!(&err, Error::Redirect(m) if m.contains("more than 5")),
        "{err:?}"
    );
    let sent = sent(&github).await;
    assert_eq!(sent, MAX_REDIRECTS + 1);
}

#[tokio::test]
async fn an_http_client_that_follows_redirects_itself_does_not_get_its_answer_taken() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&elsewhere)
        .await;
    let github = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(307).insert_header("location", elsewhere.uri()))
        .mount(&github)
        .await;
    // reqwest's default policy follows redirects: what the SDK's docs warn of.
    let c = Client::builder()
        .token(TOKEN)
        .base_url(github.uri())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let err = revoke(&c).await.unwrap_err();
    assert!(
        matches!(&err, Error::Redirect(m) if m.contains("the HTTP client followed a redirect")),
        "{err:?}"
    );
}

#[test]
fn plain_http_off_loopback_is_refused_before_anything_is_sent() {
    // `build` sends nothing: no connection can be made by this test.
    for url in [
        "http://example.com",
        "http://github.example.com/api/v3",
        "http://10.1.2.3:8080",
        "http://localhost.example.com",
        // Not HTTP at all: refused by the same check.
        "ftp://github.example.com",
        "file:///etc/github",
        "mailto:ops@example.com",
    ] {
        let err = Client::builder()
            .token(TOKEN)
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("https is required")),
            "{url}: {err:?}"
        );
    }
    for url in [
        "https://example.com",
        "http://127.0.0.1:1",
        "http://127.9.9.9",
        "http://[::1]:1/api/v3",
        "http://localhost:1",
    ] {
        Client::builder().base_url(url).build().unwrap();
    }
}

#[tokio::test]
async fn a_client_made_without_the_builder_sends_nothing_in_clear_text_off_loopback() {
    use progenitor_client::ClientInfo;
    // progenitor's public constructors take any base URL with a client's
    // settings and credentials, skipping the builder's check. The host
    // resolves to a loopback listener, so a request that went out anyway
    // would be counted there, and nothing leaves this machine.
    let github = Raw::elsewhere().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve("github.example.com", github.addr)
        .build()
        .unwrap();
    let built = client("http://127.0.0.1:1");
    let base = format!("http://github.example.com:{}", github.addr.port());
    let unchecked = Client::new_with_client(&base, http, built.inner().clone());
    for err in [
        list_error(&unchecked).await,
        revoke(&unchecked).await.unwrap_err(),
    ] {
        assert!(
            matches!(&err, Error::Config(m) if m.contains("https is required") && m.contains("github.example.com")),
            "{err:?}"
        );
        assert!(!format!("{err} {err:?}").contains(TOKEN));
    }
    assert_eq!(github.connections(), 0, "the token went out in clear text");
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused_and_last_drives_nothing() {
    let elsewhere = Raw::elsewhere().await;
    let github = MockServer::start().await;
    for (next, last) in [
        (
            format!("{}{LIST}?page=2", elsewhere.url()),
            4_294_967_295u32,
        ),
        (format!("//{}{LIST}?page=2", elsewhere.addr), 7),
    ] {
        github.reset().await;
        let link = format!(
            "<{next}>; rel=\"next\", <{}{LIST}?page={last}>; rel=\"last\"",
            github.uri()
        );
        serve(
            &github,
            LIST,
            ResponseTemplate::new(200)
                .set_body_json(grants(0..1))
                .insert_header("link", link),
        )
        .await;
        let c = client(&github.uri());
        let mut pages = c.orgs().list_pat_grants("acme").pages();
        let first = pages.try_next().await.unwrap().unwrap();
        // The number is there to read; the SDK neither allocates nor
        // requests by it.
        assert_eq!(first.last_page(), Some(last));
        let err = pages.try_next().await.unwrap_err();
        assert!(
            matches!(&err, Error::Pagination(m) if m.contains("leaves the base URL's origin")),
            "{err:?}"
        );
        assert_eq!(sent(&github).await, 1);
    }
    assert_eq!(elsewhere.connections(), 0, "the token went to another host");
}

/// Answers 200 with a chunked body that never ends, until the client hangs up.
async fn endless(mut socket: TcpStream, status: &'static str) {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
    chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
    chunk.extend_from_slice(b"\r\n");
    while socket.write_all(&chunk).await.is_ok() {}
}

#[tokio::test]
async fn a_body_that_never_ends_is_an_error_past_the_cap() {
    // A 500 is retried on its status, before its body is read (as every
    // server error is); a 403's body is read to tell a rate limit, and a
    // refusal is final.
    for (status, attempts) in [
        ("200 OK", 1),
        ("500 Internal Server Error", 2),
        ("403 Forbidden", 1),
    ] {
        let server = Raw::start(move |socket| endless(socket, status)).await;
        let policy = RetryPolicy::new().max_attempts(2);
        let err = list_error(&retrying(&server.url(), policy, &TestClock::new())).await;
        let Error::ResponseTooLarge(message) = &err else {
            panic!("{status}: {err:?}")
        };
        assert!(
            message.contains(&MAX_RESPONSE_BYTES.to_string()),
            "{message}"
        );
        assert!(err.to_string().starts_with("response too large: "), "{err}");
        assert_eq!(server.connections(), attempts, "{status}");
    }
}

#[tokio::test]
async fn a_content_length_over_the_cap_is_refused_before_the_body() {
    // The body never comes: only refusing on the header ends the call.
    let server = Raw::start(|mut socket| async move {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n[",
            MAX_RESPONSE_BYTES + 1
        );
        let _ = socket.write_all(head.as_bytes()).await;
        let _ = socket.read(&mut [0u8; 1]).await;
    })
    .await;
    let err = list_error(&client(&server.url())).await;
    assert!(
        matches!(&err, Error::ResponseTooLarge(m) if m.contains("Content-Length") && m.contains("33554433")),
        "{err:?}"
    );
}

fn installation_client(base: &str) -> Client {
    Client::builder()
        .app(AppCredentials::from_pem_file(APP_ID, fixture_path("app-key-pkcs1.pem")).unwrap())
        .installation_id(INSTALLATION_ID)
        .base_url(base)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_mint_answer_that_does_not_decode_is_never_quoted() {
    for answer in [
        json!({"token": MINTED, "expires_at": "in an hour"}),
        json!({"token": MINTED, "expires_at": MINTED}),
        json!({"token": [MINTED]}),
        json!([MINTED]),
    ] {
        let github = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/app/installations/77/access_tokens"))
            .respond_with(ResponseTemplate::new(201).set_body_json(&answer))
            .mount(&github)
            .await;
        let err = list_error(&installation_client(&github.uri())).await;
        assert!(
            matches!(&err, Error::AppAuth(e) if e.kind == AppAuthErrorKind::Mint),
            "{err:?}"
        );
        for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!text.contains("ghs_"), "{text}");
            assert!(text.contains("HTTP 201"), "{text}");
        }
    }
}

#[tokio::test]
async fn an_error_body_echoing_a_token_is_quoted_scrubbed() {
    let github = MockServer::start().await;
    serve(
        &github,
        LIST,
        ResponseTemplate::new(502).set_body_string(format!("proxy saw {MINTED}")),
    )
    .await;
    Mock::given(method("POST"))
        .and(path(LIST))
        // 202 is this operation's success: the body should be its model.
        .respond_with(ResponseTemplate::new(202).set_body_string(format!("<p>{MINTED}</p>")))
        .mount(&github)
        .await;
    let c = client(&github.uri());
    let listed = list_error(&c).await;
    let revoked = revoke(&c).await.unwrap_err();
    assert!(matches!(&listed, Error::Api(a) if a.message == "proxy saw ghs_[REDACTED]"));
    assert!(
        matches!(&revoked, Error::Decode(d) if d.body_start == "<p>ghs_[REDACTED]</p>"),
        "{revoked:?}"
    );
    for err in [listed, revoked] {
        assert!(!format!("{err} {err:?}").contains(&MINTED[4..]), "{err:?}");
    }
}

#[tokio::test]
async fn a_date_in_2036_after_a_401_about_iat_is_refused_and_not_kept() {
    let github = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("date", "Tue, 01 Jan 2036 00:00:00 GMT")
                .set_body_json(json!({
                    "message": "'Issued at' claim ('iat') must be an Integer representing a time in the past"
                })),
        )
        .mount(&github)
        .await;
    let clock = TestClock::new();
    let app = Client::builder()
        .app(AppCredentials::from_pem_file(APP_ID, fixture_path("app-key-pkcs1.pem")).unwrap())
        .clock(clock.clone())
        .base_url(github.uri())
        .build()
        .unwrap();
    for _ in 0..2 {
        let err = list_error(&app).await;
        let Error::AppAuth(e) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(e.kind, AppAuthErrorKind::Clock);
        for says in ["2036-01-01T00:00:00Z", "2026-03-01T12:00:00Z", "one hour"] {
            assert!(e.message.contains(says), "{e}");
        }
    }
    // Each call sent once, signed on this machine's clock both times: the
    // correction was neither made nor kept.
    let requests = github.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in requests {
        let bearer = request
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap();
        let claims = bearer.split('.').nth(1).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(claims["iat"], clock.now().timestamp() - 60);
    }
}

#[test]
fn no_debug_form_of_a_type_holding_a_secret_shows_it() {
    let pem = fixture("app-key-pkcs1.pem");
    let credentials = AppCredentials::from_pem(APP_ID, &pem).unwrap();
    let builder = Client::builder()
        .token(MINTED)
        .app(credentials.clone())
        .installation_id(INSTALLATION_ID);
    let app = Client::builder().app(credentials.clone()).build().unwrap();
    let installation = app.for_installation(INSTALLATION_ID).unwrap();
    let token = client("http://127.0.0.1:1");
    for text in [
        format!("{credentials:?}"),
        format!("{builder:?}"),
        format!("{app:?}"),
        format!("{installation:?}"),
        format!("{token:?}"),
        format!("{:?}", credentials.jwt(chrono::Utc::now()).unwrap()),
    ] {
        assert!(
            !text.contains(&MINTED[4..]) && !text.contains(&TOKEN[4..]),
            "{text}"
        );
        assert!(!text.contains("eyJ"), "{text}");
        for line in key_lines(&pem) {
            assert!(!text.contains(&line), "{text}");
        }
    }
}
