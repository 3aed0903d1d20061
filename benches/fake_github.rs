//! A minimal GitHub stand-in on loopback for benchmarks: serves
//! `GET /orgs/{org}/personal-access-tokens` as `pages` pages of 100 grants
//! with GitHub-shaped Link headers (the path changes after the first page, as
//! GitHub's does), keep-alive, nothing else. The same body is sent for every
//! page so that the server costs the same for every client measured.

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
        let target = head.split_whitespace().nth(1).unwrap_or("/");
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
