//! What is wrong with a SAML credential authorization or an installed App:
//! pure functions of the item, the audit's "now", the thresholds and the
//! policy's [`CredentialPolicy`], like the grants' (`findings`), with the same
//! boundaries and the same windows.
//!
//! | finding | a credential has it when |
//! |---|---|
//! | `expired` | its expiry (`authorized_credential_expires_at`) is at or before now |
//! | `expiring` | it expires after now and at most `expiring_within` days from now |
//! | `no-expiry` | a token without an expiry date (never for an SSH key, which has none by design) |
//! | `never-used` | authorized more than `stale_after` days ago and never used (`credential_accessed_at` empty) |
//! | `stale` | last used more than `stale_after` days ago |
//! | `classic-token` | it is a classic personal access token (unless the policy's `allow_classic_tokens`) |
//! | `broad-scope` | a classic or OAuth app token holding a scope of the list (the policy's `forbidden_scopes`, else [`DEFAULT_BROAD_SCOPES`]) |
//! | `lifetime-over-policy` | (with the policy's `max_lifetime_days`) a token that expires more than that many days after it was authorized, or never |
//!
//! A site token (`GET /admin/tokens`, GitHub Enterprise Server) has the
//! token findings above but the use and lifetime ones (GitHub does not say
//! when it was last used); a site key (`GET /admin/keys`) has `stale` and
//! `never-used` (from `last_used` and `created_at`), `unverified`
//! (`verified: false`) and `write-access` (a deploy key that is not
//! `read_only`).
//!
//! | finding | an installation has it when |
//! |---|---|
//! | `all-repositories` | it reaches every repository (`repository_selection: all`) |
//! | `write-access` | any of its permissions is `write` |
//! | `admin-access` | any of its permissions is `admin` |
//!
//! Each credential finding's detail ends with what GitHub says of the
//! credential: its type, its last eight characters (or an SSH key's
//! fingerprint), its scopes and its dates; never more of a token than
//! GitHub sent.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use github_pat_grants::types::{
    Authorization, CredentialAuthorization as Credential,
    CredentialAuthorizationCredentialType as CredentialType, Installation,
    InstallationRepositorySelection,
};
use serde::Deserialize;

use crate::findings::{
    Finding, FindingKind, Found, Thresholds, access, expiry, lifetime_over, timestamp, use_finding,
};
use crate::row::{SiteKey, Subject};

/// The scopes `broad-scope` looks for by default: those that administer
/// the organization or reach all its repositories.
pub const DEFAULT_BROAD_SCOPES: [&str; 10] = [
    "repo",
    "admin:org",
    "write:org",
    "delete_repo",
    "admin:repo_hook",
    "admin:org_hook",
    "workflow",
    "admin:enterprise",
    "admin:public_key",
    "delete:packages",
];

/// The policy's `[credentials]` table: what a SAML credential authorization
/// may be, and what `classic-token`, `broad-scope` and
/// `lifetime-over-policy` go by. Without the table (its default), classic
/// tokens are reported, `broad-scope` looks for [`DEFAULT_BROAD_SCOPES`]
/// and no lifetime is judged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct CredentialPolicy {
    /// Classic personal access tokens may reach the organization: no
    /// `classic-token` (reported by default).
    pub allow_classic_tokens: bool,
    /// A token may live at most this many days from its authorization
    /// (`lifetime-over-policy` otherwise; one that never expires is over).
    pub max_lifetime_days: Option<u32>,
    /// The scopes `broad-scope` reports, replacing the default list
    /// ([`DEFAULT_BROAD_SCOPES`]).
    pub forbidden_scopes: Option<Vec<String>>,
}

impl CredentialPolicy {
    /// Whether `broad-scope` reports `scope`: one of `forbidden_scopes`,
    /// else of [`DEFAULT_BROAD_SCOPES`].
    fn is_broad(&self, scope: &str) -> bool {
        match &self.forbidden_scopes {
            Some(scopes) => scopes.iter().any(|s| s == scope),
            None => DEFAULT_BROAD_SCOPES.contains(&scope),
        }
    }

    /// The findings that break this table, which `revoke --kind credential
    /// --policy` revokes: `classic-token` unless allowed, `broad-scope` with
    /// `forbidden_scopes`, `lifetime-over-policy` with `max_lifetime_days`.
    pub fn violations(&self) -> Vec<FindingKind> {
        let mut kinds = Vec::new();
        if !self.allow_classic_tokens {
            kinds.push(FindingKind::ClassicToken);
        }
        if self.forbidden_scopes.is_some() {
            kinds.push(FindingKind::BroadScope);
        }
        if self.max_lifetime_days.is_some() {
            kinds.push(FindingKind::LifetimeOverPolicy);
        }
        kinds
    }
}

/// What GitHub says of a credential, for a person to read: its type, its
/// last eight characters or fingerprint, its scopes and its dates.
pub fn describe(c: &Credential) -> String {
    let mut parts = vec![match (&c.token_last_eight, &c.fingerprint) {
        (Some(last), _) => format!("{} ending {last}", c.credential_type),
        (None, Some(fingerprint)) => format!("{} {fingerprint}", c.credential_type),
        (None, None) => c.credential_type.to_string(),
    }];
    if !c.scopes.is_empty() {
        parts.push(format!("scopes: {}", c.scopes.join(", ")));
    }
    parts.push(format!(
        "authorized {}",
        timestamp(c.credential_authorized_at)
    ));
    parts.push(match c.credential_accessed_at {
        Some(at) => format!("last used {}", timestamp(at)),
        None => "never used".into(),
    });
    if let Some(at) = c.authorized_credential_expires_at {
        parts.push(format!("expires {}", timestamp(at)));
    }
    parts.join("; ")
}

/// `classic-token` (unless allowed) for a classic token, and `broad-scope`
/// for one holding a scope of the rules' list.
fn scope_findings(classic: bool, scopes: &[String], rules: &CredentialPolicy) -> Vec<Found> {
    let mut found = Vec::new();
    if classic && !rules.allow_classic_tokens {
        found.push((
            FindingKind::ClassicToken,
            "a classic personal access token: its scopes reach every organization its owner \
             can reach"
                .into(),
        ));
    }
    let broad: Vec<&str> = (scopes.iter())
        .filter(|s| rules.is_broad(s))
        .map(String::as_str)
        .collect();
    if !broad.is_empty() {
        found.push((
            FindingKind::BroadScope,
            format!("scopes {}", broad.join(", ")),
        ));
    }
    found
}

/// The findings of one credential authorization, in [`FindingKind::ALL`]
/// order.
pub fn assess_credential(
    org: &str,
    c: &Credential,
    now: DateTime<Utc>,
    thresholds: &Thresholds,
    rules: &CredentialPolicy,
) -> Vec<Finding> {
    let (authorized, expires) = (
        c.credential_authorized_at,
        c.authorized_credential_expires_at,
    );
    let used = use_finding(
        ("authorized", authorized),
        c.credential_accessed_at,
        now,
        thresholds,
    );
    let mut found: Vec<Found> = used.into_iter().collect();
    // An SSH key has no expiry by design, and so no lifetime to judge.
    if c.credential_type != CredentialType::SshKey {
        found.extend(expiry(expires, false, now, thresholds));
        let over = |days| lifetime_over(("it was authorized", authorized), expires, days);
        found.extend(rules.max_lifetime_days.and_then(over));
    }
    let classic = c.credential_type == CredentialType::PersonalAccessToken;
    if classic || c.credential_type == CredentialType::OAuthAppToken {
        found.extend(scope_findings(classic, &c.scopes, rules));
    }
    // In the order of the findings' table, whatever order they were found in.
    found.sort();
    Finding::all(Subject::of(org, c), described(found, &describe(c)))
}

/// Each finding's detail followed by what GitHub says of the credential.
fn described(found: Vec<Found>, credential: &str) -> Vec<Found> {
    (found.into_iter())
        .map(|(kind, detail)| (kind, format!("{detail}; {credential}")))
        .collect()
}

/// The findings of a classic token of the instance (`site-token`): the
/// expiry and scope findings of a credential, with its rules; GitHub does
/// not say when a site token was last used.
pub fn assess_site_token(
    t: &Authorization,
    now: DateTime<Utc>,
    thresholds: &Thresholds,
    rules: &CredentialPolicy,
) -> Vec<Finding> {
    let mut found = scope_findings(true, t.scopes.as_deref().unwrap_or_default(), rules);
    found.extend(expiry(t.expires_at, false, now, thresholds));
    found.sort();
    let ending = t.token_last_eight.as_deref().unwrap_or_default();
    let token = format!(
        "classic token ending {ending}; created {}",
        timestamp(t.created_at)
    );
    Finding::all(Subject::of("", t), described(found, &token))
}

/// The findings of an SSH key of the instance (`site-key`): `stale` and
/// `never-used` as a credential's, `unverified`, and `write-access` for a
/// deploy key that may push.
pub fn assess_site_key(k: &SiteKey, now: DateTime<Utc>, thresholds: &Thresholds) -> Vec<Finding> {
    let key = &k.key;
    let added = ("added", key.created_at);
    let mut found: Vec<_> = use_finding(added, key.last_used, now, thresholds)
        .into_iter()
        .collect();
    if let Some(repo) = key.repository_id.filter(|_| !key.read_only) {
        let detail = format!("a deploy key of repository {repo} that can push");
        found.push((FindingKind::WriteAccess, detail));
    }
    let unverified = (
        FindingKind::Unverified,
        "GitHub has not verified the key".into(),
    );
    found.extend((!key.verified).then_some(unverified));
    Finding::all(Subject::of("", k), found)
}

/// An installed App's permissions as GitHub sent them: name to level
/// (empty when GitHub sent no level), by name.
pub fn app_permissions(installation: &Installation) -> BTreeMap<String, String> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&installation.permissions) else {
        return BTreeMap::new();
    };
    let level = |l: serde_json::Value| l.as_str().unwrap_or_default().to_string();
    map.into_iter().map(|(name, l)| (name, level(l))).collect()
}

/// An installation's permissions at `level` (`write`, `admin`), by name.
fn permissions_at(installation: &Installation, level: &str) -> Vec<String> {
    let all = app_permissions(installation).into_iter();
    all.filter(|(_, l)| l == level)
        .map(|(name, _)| name)
        .collect()
}

/// The findings of one App installed on the organization: what it reaches
/// and at what level.
pub fn assess_installation(org: &str, installation: &Installation) -> Vec<Finding> {
    let mut found: Vec<Found> = Vec::new();
    if installation.repository_selection == InstallationRepositorySelection::All {
        found.push((
            FindingKind::AllRepositories,
            format!(
                "the App {} reaches every repository of the organization, present and future",
                installation.app_slug
            ),
        ));
    }
    found.extend(access(|level| permissions_at(installation, level)));
    Finding::all(Subject::of(org, installation), found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row::Kind;
    use chrono::{TimeDelta, TimeZone as _};
    use github_standin::{Credential as Seed, InstalledApp};

    const SECOND: TimeDelta = TimeDelta::seconds(1);

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
    }

    /// A credential as GitHub sends it, decoded by the SDK's model.
    fn decode(seed: Seed) -> Credential {
        serde_json::from_value(seed.to_json()).unwrap()
    }

    /// An OAuth app token used recently, with a narrow scope, expiring far
    /// away: no findings, so each test changes one thing.
    fn clean() -> Seed {
        Seed::oauth_app_token(1, "octocat")
            .scopes(["read:user"])
            .authorized_at(now() - TimeDelta::days(10))
            .accessed_at(Some(now() - TimeDelta::days(1)))
            .expires_at(Some(now() + TimeDelta::days(60)))
    }

    fn kinds_with(seed: Seed, rules: &CredentialPolicy) -> Vec<FindingKind> {
        assess_credential("acme", &decode(seed), now(), &Thresholds::default(), rules)
            .into_iter()
            .map(|f| f.finding)
            .collect()
    }

    fn kinds(seed: Seed) -> Vec<FindingKind> {
        kinds_with(seed, &CredentialPolicy::default())
    }

    #[test]
    fn a_clean_credential_has_no_findings() {
        assert_eq!(kinds(clean()), vec![]);
    }

    #[test]
    fn expiry_has_the_grants_boundaries() {
        let d14 = TimeDelta::days(14);
        let at = |t| kinds(clean().expires_at(Some(t)));
        assert_eq!(at(now()), vec![FindingKind::Expired]);
        assert_eq!(at(now() - SECOND), vec![FindingKind::Expired]);
        assert_eq!(at(now() + SECOND), vec![FindingKind::Expiring]);
        assert_eq!(at(now() + d14), vec![FindingKind::Expiring]);
        assert_eq!(at(now() + d14 + SECOND), vec![]);
        assert_eq!(kinds(clean().expires_at(None)), vec![FindingKind::NoExpiry]);
    }

    #[test]
    fn an_ssh_key_has_no_expiry_findings() {
        let key = Seed::ssh_key(2, "octocat")
            .authorized_at(now() - TimeDelta::days(10))
            .accessed_at(Some(now()));
        assert_eq!(kinds(key), vec![]);
    }

    #[test]
    fn stale_and_never_used_have_the_grants_boundaries() {
        let d90 = TimeDelta::days(90);
        let used = |t| kinds(clean().accessed_at(Some(t)));
        assert_eq!(used(now() - d90), vec![]);
        assert_eq!(used(now() - d90 - SECOND), vec![FindingKind::Stale]);
        let never = |t| kinds(clean().accessed_at(None).authorized_at(t));
        assert_eq!(never(now() - d90), vec![]);
        assert_eq!(never(now() - d90 - SECOND), vec![FindingKind::NeverUsed]);
    }

    #[test]
    fn classic_tokens_and_broad_scopes() {
        let classic = || {
            Seed::personal_access_token(3, "octocat")
                .authorized_at(now() - TimeDelta::days(10))
                .accessed_at(Some(now()))
                .expires_at(Some(now() + TimeDelta::days(60)))
        };
        assert_eq!(kinds(classic()), vec![FindingKind::ClassicToken]);
        assert_eq!(
            kinds(classic().scopes(["read:org", "repo", "admin:org"])),
            vec![FindingKind::ClassicToken, FindingKind::BroadScope]
        );
        assert_eq!(
            kinds(clean().scopes(["workflow"])),
            vec![FindingKind::BroadScope]
        );
        // A GitHub App token's scopes are not the member's to choose.
        let app = Seed::github_app_token(4, "octocat")
            .scopes(["repo"])
            .authorized_at(now())
            .accessed_at(Some(now()))
            .expires_at(Some(now() + TimeDelta::days(60)));
        assert_eq!(kinds(app), vec![]);
        let every = DEFAULT_BROAD_SCOPES.map(|s| kinds(clean().scopes([s])));
        assert!(every.iter().all(|k| k == &[FindingKind::BroadScope]));
        // The policy's list replaces the default one; classic tokens allowed.
        let rules = CredentialPolicy {
            forbidden_scopes: Some(vec!["gist".into()]),
            allow_classic_tokens: true,
            max_lifetime_days: None,
        };
        assert_eq!(kinds_with(classic().scopes(["repo"]), &rules), vec![]);
        assert_eq!(
            kinds_with(classic().scopes(["gist"]), &rules),
            vec![FindingKind::BroadScope]
        );
    }

    #[test]
    fn lifetime_over_policy_counts_from_the_authorization() {
        let rules = CredentialPolicy {
            max_lifetime_days: Some(30),
            ..CredentialPolicy::default()
        };
        let authorized = now() - TimeDelta::days(10);
        let lives = |expires: Option<DateTime<Utc>>| {
            kinds_with(
                clean().authorized_at(authorized).expires_at(expires),
                &rules,
            )
        };
        assert_eq!(lives(Some(authorized + TimeDelta::days(30))), vec![]);
        assert_eq!(
            lives(Some(authorized + TimeDelta::days(30) + SECOND)),
            vec![FindingKind::LifetimeOverPolicy]
        );
        assert_eq!(
            lives(None),
            vec![FindingKind::NoExpiry, FindingKind::LifetimeOverPolicy]
        );
        let key = Seed::ssh_key(2, "octocat")
            .authorized_at(authorized)
            .accessed_at(Some(now()));
        assert_eq!(kinds_with(key, &rules), vec![]);
    }

    #[test]
    fn a_finding_names_the_credential_without_more_of_it_than_github_sent() {
        let c = Seed::personal_access_token(161195, "octocat")
            .note("deploy")
            .scopes(["repo"])
            .authorized_at(now() - TimeDelta::days(10))
            .accessed_at(None)
            .expires_at(Some(now() + TimeDelta::days(3)));
        let decoded = decode(c);
        let last = decoded.token_last_eight.clone().unwrap();
        let found = assess_credential(
            "acme",
            &decoded,
            now(),
            &Thresholds::default(),
            &CredentialPolicy::default(),
        );
        let subject = &found[0].subject;
        assert_eq!(subject.kind, Kind::Credential);
        assert_eq!((subject.id, subject.token_id), (161195, 10_161_195));
        assert_eq!(
            (subject.token_name.as_str(), subject.owner.as_str()),
            ("deploy", "octocat")
        );
        assert_eq!(
            found[0].detail,
            format!(
                "expires 2025-06-04T12:00:00Z (in 3 days); personal access token ending {last}; \
                 scopes: repo; authorized 2025-05-22T12:00:00Z; never used; expires 2025-06-04T12:00:00Z"
            )
        );
    }

    #[test]
    fn installations_by_selection_and_level() {
        let decode = |app: InstalledApp| -> Installation {
            serde_json::from_value(app.to_json("acme", 1, "https://api.github.com")).unwrap()
        };
        let kinds = |app: InstalledApp| -> Vec<FindingKind> {
            assess_installation("acme", &decode(app))
                .into_iter()
                .map(|f| f.finding)
                .collect()
        };
        assert_eq!(kinds(InstalledApp::new(1, "ci")), vec![]);
        assert_eq!(
            kinds(InstalledApp::new(1, "ci").repository_selection("all")),
            vec![FindingKind::AllRepositories]
        );
        let app = InstalledApp::new(1, "ci")
            .permission("issues", "write")
            .permission("contents", "write")
            .permission("organization_administration", "write")
            .permission("administration", "admin");
        let found = assess_installation("acme", &decode(app));
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].detail,
            "write: contents, issues, organization_administration"
        );
        assert_eq!(found[1].finding, FindingKind::AdminAccess);
        assert_eq!(found[0].subject.kind, Kind::Installation);
        assert_eq!(found[0].subject.token_name, "ci");
        assert_eq!(found[0].subject.owner, "acme");
    }
}
