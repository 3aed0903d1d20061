//! `pat-audit demo`'s GitHub (the `demo` feature): the GitHub stand-in with
//! three organizations and a GitHub App installed on all of them, whose key
//! is made for the run and thrown away.

use chrono::{DateTime, TimeZone as _, Utc};
use github_pat_grants::AppCredentials;
use github_standin::{App, Org, StandIn, ThrowawayKey};

/// The client ID of the demo's GitHub App (App ID 424242).
pub const CLIENT_ID: &str = "Iv23liPatAuditDemo";

/// The demo's fixed "now": the seeded grants' dates are relative to it.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The demo's organizations: three, 330 grants and 15 requests between
/// them, every finding present, several pages each.
pub fn orgs() -> [Org; 3] {
    [
        Org::new("acme-corp", 40_001)
            .seeded_grants(180, 1)
            .seeded_requests(8, 1),
        Org::new("globex", 40_002)
            .seeded_grants(110, 2)
            .seeded_requests(5, 2),
        Org::new("initech", 40_003)
            .seeded_grants(40, 3)
            .seeded_requests(2, 3),
    ]
}

/// The demo's GitHub while it serves.
#[derive(Debug)]
pub struct DemoGitHub {
    /// The stand-in, on an ephemeral loopback port.
    pub standin: StandIn,
    /// The demo App's credentials, with the throwaway private key.
    pub credentials: AppCredentials,
}

/// The demo's GitHub App (App ID 424242, [`CLIENT_ID`]), installed on
/// every organization of [`orgs`] (installations 5000001, 5000002,
/// 5000003); it verifies JWTs with `public_key`.
pub fn app(public_key: Vec<u8>) -> App {
    orgs()
        .iter()
        .enumerate()
        .fold(App::new(424_242, CLIENT_ID, public_key), |app, (i, org)| {
            app.installed_on(5_000_001 + i as i64, org.login())
        })
}

/// Starts the demo's GitHub: its App verifies JWTs with the public half of
/// a key made now; the private half exists only in the returned credentials.
///
/// # Errors
/// When the key cannot be made or the port bound.
pub async fn start() -> anyhow::Result<DemoGitHub> {
    let key = ThrowawayKey::generate()?;
    let standin = StandIn::builder()
        .orgs(orgs())
        .app(app(key.public_key().to_vec()))
        .as_of(now())
        .start()
        .await?;
    let credentials = AppCredentials::from_pem(CLIENT_ID, key.private_key_pem())?;
    Ok(DemoGitHub {
        standin,
        credentials,
    })
}
