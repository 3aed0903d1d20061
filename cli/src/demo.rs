//! `pat-audit demo`'s GitHub (the `demo` feature): the GitHub stand-in with
//! three organizations and a GitHub App installed on all of them, whose key
//! is made for the run and thrown away; two of the organizations' audit logs
//! hold what a planted "leaked" token did (`demo --trace`).

use chrono::{DateTime, TimeDelta, TimeZone as _, Utc};
use github_pat_grants::AppCredentials;
use github_standin::{App, AuditEvent, Credential, InstalledApp, Org, StandIn, ThrowawayKey};

/// The client ID of the demo's GitHub App (App ID 424242).
pub const CLIENT_ID: &str = "Iv23liPatAuditDemo";

/// The demo's fixed "now": the seeded grants' dates are relative to it.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The repository the demo's `notify` plans its issues in.
pub const REPOSITORY: &str = "acme-corp/security";

/// The planted "leaked" token `demo --trace` traces: not a token GitHub
/// ever issued, only one of its shape.
pub const LEAKED_TOKEN: &str = "ghp_DemoLeakedTokenNotARealOne0123456789";

/// Its hash as GitHub's audit log records it (`printf %s TOKEN | openssl
/// dgst -sha256 -binary | base64`; the trace tests check it against
/// pat-audit's own).
pub const LEAKED_HASH: &str = "sI3VdwNCOEgEAs5gyPuLban+uJSsmBzRgTbIghkcqjQ=";

/// What the planted token did in `org`: `(hours before now, action, repository)`.
fn leaked_events(org: &str, done: &[(i64, &str, &str)]) -> Vec<AuditEvent> {
    done.iter()
        .map(|(hours, action, repo)| {
            AuditEvent::new(*action, now() - TimeDelta::hours(*hours))
                .actor("dependabot-fan")
                .repository(&format!("{org}/{repo}"))
                .hashed_token(LEAKED_HASH)
                .programmatic_access_type("Personal access token (classic)")
                .token_scopes("repo,read:org")
                .user_agent("python-requests/2.32.3")
                .actor_ip("203.0.113.42")
                .country("Netherlands")
        })
        .collect()
}

/// The demo's organizations: three, 330 grants and 15 requests between
/// them, every finding present, several pages each. `acme-corp` uses SAML
/// single sign-on and lists credentials of the four types; `globex` does
/// not (its credentials are not audited, and the demo says so); the App
/// lacks "Administration" on `initech` (neither its credentials nor its
/// installed Apps are audited). The planted token acted in the first two.
pub fn orgs() -> [Org; 3] {
    [
        Org::new("acme-corp", 40_001)
            .seeded_grants(180, 1)
            .seeded_requests(8, 1)
            .credentials(credentials())
            .installed_apps(installed_apps())
            .audit_log(leaked_events(
                "acme-corp",
                &[
                    (2, "repo.download_zip", "payments"),
                    (3, "git.clone", "payments"),
                    (3, "git.clone", "infra"),
                    (26, "repo.add_member", "infra"),
                ],
            )),
        Org::new("globex", 40_002)
            .seeded_grants(110, 2)
            .seeded_requests(5, 2)
            .installed_apps([InstalledApp::new(7_002, "docs-preview")])
            .audit_log(leaked_events("globex", &[(5, "git.clone", "website")])),
        Org::new("initech", 40_003)
            .seeded_grants(40, 3)
            .seeded_requests(2, 3)
            .without_administration(),
    ]
}

/// `acme-corp`'s credential authorizations: the four types, with every
/// credential finding.
fn credentials() -> Vec<Credential> {
    let days = TimeDelta::days;
    let at = |n: i64| now() - days(n);
    vec![
        Credential::personal_access_token(90_001, "wile-e")
            .note("release script")
            .scopes(["repo", "admin:org", "read:user"])
            .authorized_at(at(400))
            .accessed_at(Some(at(2)))
            .expires_at(None),
        Credential::personal_access_token(90_002, "road-runner")
            .note("ci")
            .scopes(["read:org"])
            .authorized_at(at(30))
            .accessed_at(Some(at(1)))
            .expires_at(Some(now() + days(5))),
        Credential::oauth_app_token(90_003, "wile-e")
            .scopes(["workflow", "read:user"])
            .authorized_at(at(200))
            .accessed_at(Some(at(120)))
            .expires_at(Some(at(3))),
        Credential::github_app_token(90_004, "road-runner")
            .authorized_at(at(100))
            .accessed_at(None)
            .expires_at(Some(now() + days(60))),
        Credential::ssh_key(90_005, "wile-e")
            .title("laptop")
            .authorized_at(at(500))
            .accessed_at(Some(at(1))),
    ]
}

/// `acme-corp`'s installed Apps: one on every repository with write and
/// admin permissions, one narrow.
fn installed_apps() -> Vec<InstalledApp> {
    vec![
        InstalledApp::new(7_001, "deploy-bot")
            .repository_selection("all")
            .permission("contents", "write")
            .permission("administration", "admin"),
        InstalledApp::new(7_003, "issue-labeler").permission("issues", "write"),
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
        .repository(REPOSITORY)
        .as_of(now())
        .start()
        .await?;
    let credentials = AppCredentials::from_pem(CLIENT_ID, key.private_key_pem())?;
    Ok(DemoGitHub {
        standin,
        credentials,
    })
}
