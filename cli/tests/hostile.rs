#![forbid(unsafe_code)]
//! `pat-audit` against a hostile GitHub and hostile data, end to end: one
//! module per attack of issue 25, each test the contract its fix meets.
//! The stand-in's hostile mode (`github_standin::Hostile`, injected as a
//! `Fault`) plays the hostile server; hostile data (token names, user
//! agents, permission groups) is seeded as any other. Every run of
//! `pat-audit` is bounded by a deadline and killed past it, and nothing is
//! sent beyond loopback: the plain-`http://` test points every proxy
//! variable at a listener on loopback, and its host name is under
//! `.invalid`, which never resolves (RFC 2606).

#![cfg(unix)]

mod common;

#[path = "hostile/receiver.rs"]
mod receiver;
#[path = "hostile/support.rs"]
mod support;

#[path = "hostile/clock.rs"]
mod clock;
#[path = "hostile/files.rs"]
mod files;
#[path = "hostile/now.rs"]
mod now;
#[path = "hostile/plain_http.rs"]
mod plain_http;
#[path = "hostile/policy.rs"]
mod policy;
#[path = "hostile/redirects.rs"]
mod redirects;
#[path = "hostile/secrets.rs"]
mod secrets;
#[path = "hostile/serve.rs"]
mod serve;
#[path = "hostile/sizes.rs"]
mod sizes;
#[path = "hostile/text.rs"]
mod text;
