//! A minimal GitHub stand-in on loopback for benchmarks: serves
//! `GET /orgs/{org}/personal-access-tokens` as `pages` pages of 100 grants
//! with GitHub-shaped Link headers (the path changes after the first page, as
//! GitHub's does), keep-alive, and what App authentication asks first:
//! `GET /orgs/{org}/installation` and `POST /app/installations/{id}/access_tokens`
//! (the JWT is not verified: the benchmark measures the client). The same
//! body is sent for every page so that the server costs the same for every
//! client measured.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Grants per page, GitHub's maximum.
pub const PER_PAGE: usize = 100;

/// One page of 100 grants, built from the spec's example.
pub fn page_body() -> Vec<u8> {
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

/// Binds 127.0.0.1 on a free port and serves until the runtime stops.
pub async fn serve(pages: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let body = Arc::new(page_body());
    let origin = base.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            let origin = origin.clone();
            tokio::spawn(async move { connection(socket, &body, &origin, pages).await });
        }
    });
    base
}

async fn connection(mut socket: tokio::net::TcpStream, body: &[u8], origin: &str, pages: usize) {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // Read one request head (GET has no body).
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end);
        // A mint is a POST with a (small) JSON body: skip it.
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        while buf.len() < length {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..length);
        let target = head.split_whitespace().nth(1).unwrap_or("/");
        let path = target.split('?').next().unwrap_or("/");
        if let Some((status, json)) = app_route(path) {
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\n\r\n{json}",
                json.len()
            );
            if socket.write_all(response.as_bytes()).await.is_err() {
                return;
            }
            continue;
        }
        let page: usize = target
            .split(['?', '&'])
            .find_map(|kv| kv.strip_prefix("page="))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let next_path = "/organizations/652551/personal-access-tokens?per_page=100";
        let mut links = Vec::new();
        if page < pages {
            links.push(format!(
                "<{origin}{next_path}&page={}>; rel=\"next\"",
                page + 1
            ));
            links.push(format!("<{origin}{next_path}&page={pages}>; rel=\"last\""));
        }
        if page > 1 {
            links.push(format!(
                "<{origin}{next_path}&page={}>; rel=\"prev\"",
                page - 1
            ));
            links.push(format!("<{origin}{next_path}&page=1>; rel=\"first\""));
        }
        let link = if links.is_empty() {
            String::new()
        } else {
            format!("link: {}\r\n", links.join(", "))
        };
        let response_head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\n{link}\
             x-ratelimit-limit: 5000\r\nx-ratelimit-remaining: 4999\r\nx-ratelimit-used: 1\r\n\
             x-ratelimit-reset: 1800000000\r\nx-ratelimit-resource: core\r\n\r\n",
            body.len()
        );
        if socket.write_all(response_head.as_bytes()).await.is_err()
            || socket.write_all(body).await.is_err()
        {
            return;
        }
    }
}

/// The App authentication endpoints: the organization's installation (ID 42)
/// and a token valid for an hour from the first request.
fn app_route(path: &str) -> Option<(&'static str, String)> {
    static INSTALLATION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if path.ends_with("/access_tokens") {
        let expires = chrono::Utc::now() + chrono::Duration::hours(1);
        let body = serde_json::json!({
            "token": "ghs_benchmarkinstallationtoken0000000000",
            "expires_at": expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "permissions": {"organization_personal_access_tokens": "read"},
            "repository_selection": "all",
        });
        return Some(("201 Created", body.to_string()));
    }
    if path.starts_with("/orgs/") && path.ends_with("/installation") {
        let body = INSTALLATION.get_or_init(|| {
            let text =
                std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.json"))
                    .unwrap();
            let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
            let mut installation = spec["components"]["examples"]["installation"]["value"].clone();
            installation["id"] = serde_json::json!(42);
            installation.to_string()
        });
        return Some(("200 OK", body.clone()));
    }
    None
}
