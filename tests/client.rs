#![forbid(unsafe_code)]
//! The client against GitHub on loopback: the request on the wire,
//! pagination, errors, rate limits and retries, tolerant decoding.
//!
//! GitHub is played by the GitHub stand-in (`github-standin`): its listings,
//! `Link` and rate-limit headers, and its faults (rate limits, server
//! errors). wiremock serves what GitHub never sends but a client must
//! survive: a `next` link that loops, a bare 429, bodies that are HTML, cut
//! off, or missing a field, a timeout; cursor links (which the stand-in does
//! not send yet); and the exact error bodies GitHub documents, a 422's
//! `errors` array among them.

mod common;

use std::time::Duration;

use chrono::{TimeDelta, TimeZone, Utc};
use common::{LIST, TOKEN, TestClock, client, grant, grants, list_error, retrying, sent, serve};
use futures::TryStreamExt;
use github_pat_grants::types::{
    OrganizationProgrammaticAccessGrantRepositorySelection as Selection,
    OrgsListPatGrantsDirection, OrgsListPatGrantsSort,
};
use github_pat_grants::{Client, Error, Operation, Paginated, RateLimitKind, RetryPolicy};
use github_standin::{Fault, Grant, Org, StandIn};
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

/// GitHub with `acme` (id 652551) and its `grants`, taking [`TOKEN`].
async fn github(grants: impl IntoIterator<Item = Grant>) -> StandIn {
    github_with(grants, |b| b).await
}

/// [`github`], configured further.
async fn github_with(
    grants: impl IntoIterator<Item = Grant>,
    configure: impl FnOnce(github_standin::Builder) -> github_standin::Builder,
) -> StandIn {
    let builder = StandIn::builder()
        .token(TOKEN)
        .org(Org::new("acme", 652551).grants(grants));
    configure(builder).start().await.unwrap()
}

#[tokio::test]
async fn the_request_line_headers_and_parsed_result() {
    // The one grant every filter of the request keeps, and one each drops.
    let used = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let expires = Utc.with_ymd_and_hms(2023, 11, 16, 15, 47, 9).unwrap();
    let kept = Grant::new(25381)
        .owner("octocat1")
        .repositories(["Hello-World"])
        .permission("repository", "issues", "read")
        .last_used_at(Some(used))
        .expires_at(Some(expires));
    let github = github([
        kept.clone(),
        kept.clone().owner("octocat3").token_id(1),
        kept.clone().repositories(["infra"]).token_id(2),
        kept.clone()
            .permission("repository", "issues", "write")
            .token_id(3),
        kept.clone()
            .last_used_at(Some(used + TimeDelta::days(2)))
            .token_id(4),
    ])
    .await;

    let grants = client(github.base_url())
        .orgs()
        .list_pat_grants("acme")
        .owner(vec!["octocat1".to_string(), "octocat2".to_string()])
        .sort(OrgsListPatGrantsSort::CreatedAt)
        .direction(OrgsListPatGrantsDirection::Asc)
        .per_page(100)
        .repository("Hello-World")
        .permission("issues_read")
        .last_used_before(Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap())
        .call()
        .await
        .unwrap();

    let log = github.log();
    assert_eq!(log.len(), 1);
    let r = &log[0];
    assert_eq!(r.path(), LIST);
    assert_eq!(
        r.query().unwrap(),
        "direction=asc&last_used_before=2024-01-02T03%3A04%3A05Z&owner%5B%5D=octocat1&owner%5B%5D=octocat2\
         &per_page=100&permission=issues_read&repository=Hello-World&sort=created_at"
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
    assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
    assert_eq!(
        r.header("user-agent").map(str::to_string),
        Some(format!("github-pat-grants/{}", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(
        r.header("api-version"),
        None,
        "progenitor's api-version header must not reach GitHub"
    );

    assert_eq!(
        grants.len(),
        1,
        "the filters went on the wire as GitHub reads them"
    );
    assert_eq!(grants[0].id, 25381);
    assert_eq!(grants[0].owner.login, "octocat1");
    assert_eq!(grants[0].token_expires_at, Some(expires));
    assert_eq!(grants[0].token_last_used_at, Some(used));
    assert_eq!(grants[0].repository_selection, Selection::Subset);
}

#[tokio::test]
async fn overridden_headers_and_a_users_own_reqwest_client() {
    let github = github([]).await;
    let http = reqwest::Client::builder()
        .user_agent("ignored-default/0")
        .build()
        .unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("{}/", github.base_url()))
        .http_client(http)
        .user_agent("acme-auditor/2.0")
        .api_version("2026-03-10")
        .build()
        .unwrap();
    client.orgs().list_pat_grants("acme").call().await.unwrap();
    let r = &github.log()[0];
    assert_eq!(
        r.path(),
        LIST,
        "a trailing slash on the base URL is not doubled"
    );
    assert_eq!(r.header("user-agent"), Some("acme-auditor/2.0"));
    assert_eq!(r.header("x-github-api-version"), Some("2026-03-10"));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
}

#[tokio::test]
async fn more_than_ten_owners_is_refused_before_any_request() {
    let github = github([]).await;
    let owners: Vec<String> = (0..11).map(|i| format!("user{i}")).collect();
    let err = client(github.base_url())
        .orgs()
        .list_pat_grants("acme")
        .owner(owners.clone())
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m == "`owner` takes at most 10 items, got 11"),
        "{err:?}"
    );
    assert!(github.log().is_empty());
    // Ten is fine.
    client(github.base_url())
        .orgs()
        .list_pat_grants("acme")
        .owner(owners[..10].to_vec())
        .call()
        .await
        .unwrap();
}

/// `acme`'s grants of `octocat`, two a page.
fn octocats_two_a_page(c: &Client) -> github_pat_grants::builder::OrgsListPatGrants<'_> {
    c.orgs()
        .list_pat_grants("acme")
        .owner(vec!["octocat".into()])
        .per_page(2)
}

#[tokio::test]
async fn pages_follow_the_next_link_exactly_across_a_path_change() {
    // GitHub's links point at `/organizations/{id}/...` and carry the query.
    let github = github_with((0..5).map(Grant::new), |b| b.rate_limit(5000)).await;
    let moved = "/organizations/652551/personal-access-tokens";
    let c = client(github.base_url());
    let pages: Vec<_> = octocats_two_a_page(&c).pages().try_collect().await.unwrap();
    assert_eq!(
        pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    let rl = pages[1].rate_limit.as_ref().unwrap();
    assert_eq!(
        (rl.limit, rl.remaining, rl.used, rl.resource.as_deref()),
        (5000, 4998, 2, Some("core"))
    );
    assert!(pages[2].next.is_none());

    let ids: Vec<i64> = octocats_two_a_page(&c)
        .stream()
        .map_ok(|g| g.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, [0, 1, 2, 3, 4]);
    let all = c
        .orgs()
        .list_pat_grants("acme")
        .owner(vec!["octocat".into()])
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);

    // Every follow-up request carried the token and GitHub's headers, to the URL as given.
    let log = github.log();
    assert_eq!(log.len(), 7);
    for r in &log {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
    }
    assert_eq!(log[1].path(), moved);
    assert_eq!(
        log[1].query(),
        Some("owner%5B%5D=octocat&per_page=2&page=2")
    );
}

#[tokio::test]
async fn a_page_gives_every_link_and_the_page_numbers_they_carry() {
    let github = github((0..5).map(Grant::new)).await;
    let pages: Vec<_> = octocats_two_a_page(&client(github.base_url()))
        .pages()
        .try_collect()
        .await
        .unwrap();
    let url = |n: u32| {
        Some(format!(
            "{}/organizations/652551/personal-access-tokens?owner%5B%5D=octocat&per_page=2&page={n}",
            github.base_url()
        ))
    };
    let links = |p: &github_pat_grants::Page<_>| {
        [&p.first, &p.prev, &p.next, &p.last].map(|l| l.as_ref().map(|u| u.to_string()))
    };
    assert_eq!(links(&pages[0]), [None, None, url(2), url(3)]);
    assert_eq!(
        (pages[0].next_page(), pages[0].last_page()),
        (Some(2), Some(3))
    );
    assert_eq!(links(&pages[1]), [url(1), url(1), url(3), url(3)]);
    // The last page has no `next` and no `last`.
    assert_eq!(links(&pages[2]), [url(1), url(2), None, None]);
    assert_eq!((pages[2].next_page(), pages[2].last_page()), (None, None));
}

fn link(server: &MockServer, rels: &[(&str, &str)]) -> String {
    rels.iter()
        .map(|(url, rel)| format!("<{}{url}>; rel=\"{rel}\"", server.uri()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::test]
async fn cursor_pagination_gives_the_links_without_page_numbers() {
    let server = MockServer::start().await;
    let next = format!("{LIST}?per_page=2&after=Y3Vyc29yOnYyOpK0");
    let prev = format!("{LIST}?per_page=2&before=Y3Vyc29yOnYyOpHO");
    serve(
        &server,
        LIST,
        ResponseTemplate::new(200)
            .set_body_json(grants(0..2))
            .insert_header("link", link(&server, &[(&next, "next"), (&prev, "prev")])),
    )
    .await;
    let page = client(&server.uri())
        .orgs()
        .list_pat_grants("acme")
        .per_page(2)
        .pages()
        .try_next()
        .await
        .unwrap()
        .unwrap();
    let next = page.next.as_ref().unwrap();
    assert_eq!(
        next.query_pairs().find(|(k, _)| k == "after").unwrap().1,
        "Y3Vyc29yOnYyOpK0"
    );
    assert!(page.prev.is_some());
    assert_eq!(
        (page.next_page(), page.last_page(), page.last.as_ref()),
        (None, None, None)
    );
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_an_error_not_a_request() {
    let elsewhere = StandIn::builder().start().await.unwrap();
    let github = github_with((0..2).map(Grant::new), |b| {
        b.max_per_page(1).links_to(elsewhere.base_url())
    })
    .await;
    let c = client(github.base_url());
    let mut stream = c.orgs().list_pat_grants("acme").stream();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, 0);
    let err = stream.try_next().await.unwrap_err();
    assert!(
        matches!(&err, Error::Pagination(m) if m.contains("leaves the base URL's origin")),
        "{err:?}"
    );
    assert!(!err.to_string().contains(TOKEN));
    assert!(
        elsewhere.log().is_empty(),
        "the token went to another origin"
    );
}

#[tokio::test]
async fn a_repeated_next_link_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    let page2 = format!("<{}/p2?page=2>; rel=\"next\"", server.uri());
    serve(
        &server,
        LIST,
        ResponseTemplate::new(200)
            .set_body_json(grants(0..1))
            .insert_header("link", page2.as_str()),
    )
    .await;
    // Page 2 links to itself.
    serve(
        &server,
        "/p2",
        ResponseTemplate::new(200)
            .set_body_json(grants(1..2))
            .insert_header("link", page2.as_str()),
    )
    .await;
    let result: Result<Vec<_>, _> = client(&server.uri())
        .orgs()
        .list_pat_grants("acme")
        .stream()
        .try_collect()
        .await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, Error::Pagination(m) if m.contains("twice")),
        "{err:?}"
    );
    assert_eq!(sent(&server).await, 2);
}

#[tokio::test]
async fn github_error_bodies_become_api_errors() {
    let cases = [
        (
            403,
            json!({"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest/orgs/personal-access-tokens", "status": "403"}),
        ),
        (
            404,
            json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}),
        ),
        (500, json!({"message": "Server Error"})),
        (
            422,
            json!({
                "message": "Validation Failed",
                "documentation_url": "https://docs.github.com/rest",
                "errors": [{"resource": "PersonalAccessToken", "field": "last_used_before", "code": "invalid", "message": "must be a timestamp", "value": "yesterday"}]
            }),
        ),
    ];
    for (status, body) in cases {
        let server = MockServer::start().await;
        serve(
            &server,
            LIST,
            ResponseTemplate::new(status)
                .set_body_json(&body)
                .insert_header("x-github-request-id", "CAFE:1234"),
        )
        .await;
        let err = list_error(&client(&server.uri())).await;
        let Error::Api(api) = &err else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(api.status, status);
        assert_eq!(api.message, body["message"].as_str().unwrap());
        assert_eq!(
            api.documentation_url.as_deref(),
            body["documentation_url"].as_str()
        );
        assert_eq!(api.request_id.as_deref(), Some("CAFE:1234"));
        assert_eq!(err.status(), Some(status));
        assert!(
            err.to_string().contains(body["message"].as_str().unwrap()),
            "{err}"
        );
        if status == 422 {
            let e = &api.errors[0];
            assert_eq!(
                (
                    e.resource.as_deref(),
                    e.field.as_deref(),
                    e.code.as_deref(),
                    e.message.as_deref()
                ),
                (
                    Some("PersonalAccessToken"),
                    Some("last_used_before"),
                    Some("invalid"),
                    Some("must be a timestamp")
                )
            );
            assert_eq!(e.value, Some(json!("yesterday")));
        } else {
            assert!(api.errors.is_empty());
        }
    }
}

#[tokio::test]
async fn primary_rate_limit_waits_until_reset_and_retries() {
    // The window resets in 30 s on the client's clock (months away from the
    // system's), and GitHub answers the first request with its primary rate
    // limit: the wait is measured on the client's clock.
    let clock = TestClock::new();
    let reset = clock.now() + TimeDelta::seconds(30);
    let github = github_with([Grant::new(0)], |b| {
        b.clock(clock.source())
            .rate_limit_reset(reset)
            .fault(Fault::primary_rate_limit().times(1))
    })
    .await;
    let c = retrying(github.base_url(), RetryPolicy::new(), &clock);
    let got = c.orgs().list_pat_grants("acme").call().await.unwrap();
    assert_eq!(got.len(), 1);
    // Until the reset, plus a second of slack.
    assert_eq!(clock.slept(), [Duration::from_secs(31)]);
}

#[tokio::test]
async fn primary_rate_limit_without_retry_is_a_typed_error() {
    // A real limit of one request an hour: the second is refused.
    let reset = Utc::now() + TimeDelta::seconds(600);
    let github = github_with([], |b| b.rate_limit(1).rate_limit_reset(reset)).await;
    let c = client(github.base_url());
    c.orgs().list_pat_grants("acme").call().await.unwrap();
    let err = list_error(&c).await;
    let Error::RateLimited(rl) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(rl.kind, RateLimitKind::Primary);
    assert_eq!(rl.reset.unwrap().timestamp(), reset.timestamp());
    assert!(rl.retry_after.unwrap() > Duration::from_secs(590));
    let figures = rl.rate_limit.as_ref().unwrap();
    assert_eq!((figures.used, figures.remaining), (1, 0));
}

#[tokio::test]
async fn a_rate_limit_error_measures_its_wait_on_the_clients_clock() {
    // GitHub and the client share a clock months away from the system's;
    // the window resets ten minutes after it says now.
    let clock = TestClock::new();
    let reset = clock.now() + TimeDelta::seconds(600);
    let github = github_with([], |b| {
        b.clock(clock.source())
            .rate_limit(1)
            .rate_limit_reset(reset)
    })
    .await;
    let c = Client::builder()
        .token(TOKEN)
        .base_url(github.base_url())
        .clock(clock.clone())
        .build()
        .unwrap();
    c.orgs().list_pat_grants("acme").call().await.unwrap();
    // The answer arrives 100 s later on the client's clock.
    clock.advance(TimeDelta::seconds(100));
    let Error::RateLimited(rl) = list_error(&c).await else {
        panic!("not a rate limit")
    };
    assert_eq!(rl.reset, Some(reset));
    // What is left of the window on that clock, plus a second of slack.
    assert_eq!(rl.retry_after, Some(Duration::from_secs(501)));
}

#[tokio::test]
async fn secondary_rate_limit_honours_retry_after() {
    let limited = Fault::secondary_rate_limit(Some(Duration::from_secs(17))).times(1);
    let github = github_with([Grant::new(0)], |b| b.fault(limited)).await;
    let clock = TestClock::new();
    let c = retrying(github.base_url(), RetryPolicy::new(), &clock);
    c.orgs().list_pat_grants("acme").call().await.unwrap();
    assert_eq!(clock.slept(), [Duration::from_secs(17)]);
}

#[tokio::test]
async fn secondary_rate_limit_named_only_in_the_body_waits_a_minute_then_gives_up() {
    let limited = Fault::secondary_rate_limit(None);
    let github = github_with([], |b| b.fault(limited)).await;
    let clock = TestClock::new();
    let err = list_error(&retrying(github.base_url(), RetryPolicy::new(), &clock)).await;
    let Error::RateLimited(rl) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(rl.kind, RateLimitKind::Secondary);
    // Three attempts, so two waits, each at least GitHub's minute.
    let waits = clock.slept();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert!(
        waits.iter().all(|w| *w >= Duration::from_secs(60)),
        "{waits:?}"
    );
    assert_eq!(github.log().len(), 3);
}

#[tokio::test]
async fn a_429_without_githubs_signals_is_a_secondary_limit_for_retries_and_errors_alike() {
    let server = MockServer::start().await;
    serve(
        &server,
        LIST,
        ResponseTemplate::new(429).set_body_string("Too Many Requests"),
    )
    .await;
    let clock = TestClock::new();
    let policy = RetryPolicy::new().max_attempts(2);
    let err = list_error(&retrying(&server.uri(), policy, &clock)).await;
    let Error::RateLimited(rl) = &err else {
        panic!("{err:?}")
    };
    // GitHub names no time: at least its minute was waited, and none is reported.
    assert_eq!((rl.kind, rl.retry_after), (RateLimitKind::Secondary, None));
    assert_eq!(clock.slept(), [Duration::from_secs(60)]);
}

#[tokio::test]
async fn retries_stop_at_the_time_budget() {
    // The window resets in an hour (the default).
    let clock = TestClock::new();
    let github = github_with([], |b| {
        b.clock(clock.source()).fault(Fault::primary_rate_limit())
    })
    .await;
    let policy = RetryPolicy::new()
        .max_attempts(5)
        .max_total(Duration::from_secs(60));
    let err = list_error(&retrying(github.base_url(), policy, &clock)).await;
    assert!(matches!(err, Error::RateLimited(_)));
    assert!(
        clock.slept().is_empty(),
        "an hour's wait exceeds a minute's budget"
    );
    assert_eq!(github.log().len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff() {
    let outage = Fault::server_error(502).times(2);
    let github = github_with([Grant::new(0)], |b| b.fault(outage)).await;
    let clock = TestClock::new();
    let policy = RetryPolicy::new().base_backoff(Duration::from_millis(100));
    let c = retrying(github.base_url(), policy, &clock);
    c.orgs().list_pat_grants("acme").call().await.unwrap();
    let waits = clock.slept();
    // 100 ms then 200 ms, each plus up to 50% jitter.
    assert_eq!(waits.len(), 2);
    assert!(
        waits[0] >= Duration::from_millis(100) && waits[0] <= Duration::from_millis(150),
        "{waits:?}"
    );
    assert!(
        waits[1] >= Duration::from_millis(200) && waits[1] <= Duration::from_millis(300),
        "{waits:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_and_is_retried() {
    // Bind then drop a listener: nothing listens on that port afterwards.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let clock = TestClock::new();
    let policy = RetryPolicy::new().max_attempts(2);
    let c = retrying(&format!("http://127.0.0.1:{port}"), policy, &clock);
    let err = list_error(&c).await;
    assert!(
        matches!(&err, Error::Transport(e) if e.is_connect()),
        "{err:?}"
    );
    assert_eq!(clock.slept().len(), 1);
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

#[tokio::test]
async fn malformed_html_and_cut_off_bodies_are_decode_errors() {
    for (body, content_type, says) in [
        (
            b"[{\"id\": 1, \"owner\": ".to_vec(),
            "application/json",
            "EOF while parsing",
        ),
        (
            b"<!DOCTYPE html><html><body><h1>Unicorn!</h1></body></html>".to_vec(),
            "text/html",
            "expected value",
        ),
        (
            b"{\"message\": \"not a list\"}".to_vec(),
            "application/json",
            "invalid type: map, expected a sequence",
        ),
    ] {
        let server = MockServer::start().await;
        serve(
            &server,
            LIST,
            ResponseTemplate::new(200).set_body_raw(body.clone(), content_type),
        )
        .await;
        let err = list_error(&client(&server.uri())).await;
        let Error::Decode(d) = &err else {
            panic!("{err:?}")
        };
        assert!(d.reason.contains(says), "{d:?}");
        assert!(body.starts_with(d.body_start.as_bytes()), "{d:?}");
    }
}

#[tokio::test]
async fn a_body_that_breaks_off_mid_way_is_a_decode_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let _ = socket.read(&mut buf).await.unwrap();
        // Promise 1000 bytes, send 20, hang up.
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n[{\"id\": 1, \"owner\":")
            .await
            .unwrap();
        socket.shutdown().await.unwrap();
    });
    let err = list_error(&client(&format!("http://{addr}"))).await;
    assert!(
        matches!(&err, Error::Decode(d) if d.reason.contains("ended early")),
        "{err:?}"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn unknown_enum_values_and_absent_nullable_fields_are_tolerated() {
    let server = MockServer::start().await;
    let mut g = grant(7);
    g["repository_selection"] = json!("selected");
    g.as_object_mut().unwrap().remove("token_expires_at");
    g.as_object_mut().unwrap().remove("token_last_used_at");
    g["a_field_from_the_future"] = json!({"nested": true});
    serve(
        &server,
        LIST,
        ResponseTemplate::new(200).set_body_json(json!([g])),
    )
    .await;
    let got = client(&server.uri())
        .orgs()
        .list_pat_grants("acme")
        .call()
        .await
        .unwrap();
    assert_eq!(
        got[0].repository_selection,
        Selection::Unknown("selected".into())
    );
    assert_eq!(got[0].repository_selection.to_string(), "selected");
    assert_eq!(got[0].token_expires_at, None);
    assert_eq!(got[0].token_last_used_at, None);
    // The unknown value serializes back to the same string.
    assert_eq!(
        serde_json::to_value(&got[0]).unwrap()["repository_selection"],
        "selected"
    );
    assert_eq!("subset".parse::<Selection>().unwrap(), Selection::Subset);
    assert_eq!(
        serde_json::from_value::<Selection>(json!("subset")).unwrap(),
        Selection::Subset
    );
    // Open, not lax: a value of another JSON type is still an error.
    let err = serde_json::from_value::<Selection>(json!(3)).unwrap_err();
    assert!(err.to_string().contains("expected a string"), "{err}");
}

#[tokio::test]
async fn an_absent_required_field_names_the_field_and_the_grant() {
    let server = MockServer::start().await;
    let mut body = grants(0..3);
    body[2].as_object_mut().unwrap().remove("access_granted_at");
    serve(
        &server,
        LIST,
        ResponseTemplate::new(200).set_body_json(body),
    )
    .await;
    let err = list_error(&client(&server.uri())).await;
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.path, "[2]");
    assert!(
        d.reason.contains("missing field `access_granted_at`"),
        "{d:?}"
    );
}

#[tokio::test]
async fn the_token_is_in_no_debug_or_error_string() {
    // GitHub takes another token: ours is refused.
    let github = StandIn::builder()
        .token("ghs_another")
        .org(Org::new("acme", 652551))
        .start()
        .await
        .unwrap();
    let c = client(github.base_url());
    assert!(!format!("{c:?}").contains(TOKEN));
    let builder = Client::builder().token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN));
    let err = list_error(&c).await;
    assert!(matches!(&err, Error::Api(a) if a.status == 401 && a.message == "Bad credentials"));
    for text in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!text.contains(TOKEN), "{text}");
    }
    // The request did carry it.
    assert_eq!(github.log()[0].bearer(), Some(TOKEN));
}

#[test]
fn a_bad_base_url_is_a_configuration_error() {
    for url in ["not a url", "ftp://example.com", "file:///tmp"] {
        let err = Client::builder().base_url(url).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
    }
    let err = Client::builder()
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
}

#[tokio::test]
async fn a_github_enterprise_server_base_url_keeps_its_path() {
    let github = github_with((0..2).map(Grant::new), |b| {
        b.path_prefix("/api/v3").max_per_page(1)
    })
    .await;
    assert!(github.base_url().ends_with("/api/v3"));
    let all = client(github.base_url())
        .orgs()
        .list_pat_grants("acme")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let paths: Vec<String> = github.log().iter().map(|r| r.path().to_string()).collect();
    assert_eq!(
        paths,
        [
            format!("/api/v3{LIST}"),
            "/api/v3/organizations/652551/personal-access-tokens".to_string()
        ]
    );
}

#[tokio::test]
async fn a_post_is_not_retried_after_a_server_error() {
    let outage = Fault::server_error(502).method("POST");
    let github = github_with([Grant::new(1)], |b| b.fault(outage)).await;
    let clock = TestClock::new();
    let c = retrying(github.base_url(), RetryPolicy::new(), &clock);
    let err = c
        .orgs()
        .update_pat_accesses("acme")
        .body_map(|b| {
            b.action(github_pat_grants::types::OrgsUpdatePatAccessesBodyAction::Revoke)
                .pat_ids(vec![1])
        })
        .call()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(clock.slept().is_empty(), "a POST is not idempotent");
    assert_eq!(github.log().len(), 1);
}

#[tokio::test]
async fn rate_limit_figures_of_a_single_call_are_readable() {
    let reset = Utc.with_ymd_and_hms(2027, 1, 15, 8, 0, 0).unwrap();
    let github = github_with([Grant::new(0)], |b| b.rate_limit_reset(reset)).await;
    let response = client(github.base_url())
        .orgs()
        .list_pat_grants("acme")
        .call_with_response()
        .await
        .unwrap();
    let rl = github_pat_grants::RateLimit::from_headers(response.headers()).unwrap();
    assert_eq!(
        (rl.limit, rl.remaining, rl.used, rl.resource.as_deref()),
        (15000, 14999, 1, Some("core"))
    );
    assert_eq!(rl.reset, reset);
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_slow_server_is_a_timeout_transport_error() {
    let server = MockServer::start().await;
    // The server holds its answer for longer than the client waits.
    serve(
        &server,
        LIST,
        ResponseTemplate::new(200)
            .set_body_json(json!([]))
            .set_delay(Duration::from_secs(5)),
    )
    .await;
    let c = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = list_error(&c).await;
    assert!(
        matches!(&err, Error::Transport(e) if e.is_timeout()),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unauthenticated_client_sends_no_credentials_and_every_other_default() {
    // Open to anyone, so that the request is answered and logged either way;
    // the base URL carries a user:password that reqwest would turn into
    // basic authentication.
    let github = StandIn::builder()
        .org(Org::new("acme", 652551).grants([Grant::new(1)]))
        .start()
        .await
        .unwrap();
    let with_userinfo = github.base_url().replace("http://", "http://user:secret@");
    let authenticated = Client::builder()
        .token(TOKEN)
        .base_url(&with_userinfo)
        .user_agent("acme-responder/1.0")
        .build()
        .unwrap();
    let anonymous = authenticated.unauthenticated();
    assert_eq!(anonymous.base_url(), authenticated.base_url());
    assert!(!format!("{anonymous:?}").contains(TOKEN));

    let grants = anonymous
        .orgs()
        .list_pat_grants("acme")
        .call()
        .await
        .unwrap();
    assert_eq!(grants.len(), 1);
    authenticated
        .orgs()
        .list_pat_grants("acme")
        .call()
        .await
        .unwrap();

    let log = github.log();
    let (sent, control) = (&log[0], &log[1]);
    assert_eq!(sent.header("authorization"), None);
    assert_eq!(sent.bearer(), None);
    assert_eq!(sent.header("user-agent"), Some("acme-responder/1.0"));
    assert_eq!(sent.header("x-github-api-version"), Some("2022-11-28"));
    assert_eq!(sent.header("accept"), Some("application/vnd.github+json"));
    // The client it came from still authenticates.
    assert_eq!(control.bearer(), Some(TOKEN));
}
