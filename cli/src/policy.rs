//! Policy as code: one TOML file that says which grants are acceptable and
//! how requests are reviewed, shared by `audit`, `revoke`, `review` and
//! `serve`.
//!
//! ```toml
//! [grants]
//! max_lifetime_days = 90
//! stale_after_days = 90
//! allow_all_repositories = false
//! forbidden_permissions = ["organization.administration:write"]
//!
//! [[requests.deny]]
//! reason = "Tokens must expire within 90 days"
//! lifetime_over_days = 90          # expires later than this, or never
//!
//! [credentials]
//! allow_classic_tokens = false
//! max_lifetime_days = 90
//! forbidden_scopes = ["admin:org", "delete_repo"]   # replaces the default list
//!
//! [[requests.approve]]
//! reason = "Read-only, selected repositories, short-lived"
//! max_access = "read"
//! repository_selection = "subset"
//! lifetime_at_most_days = 30
//! ```
//!
//! A token's *lifetime* runs from the moment its access was asked for (a
//! request's `created_at`) or granted (a grant's `access_granted_at`) to its
//! expiry, so that a request gets the same decision whenever it is reviewed:
//! by `serve` the second it arrives or by `review` a week later.
//!
//! Reading the file is strict: an unknown key, a value of the wrong type, a
//! permission that is not `scope.name:level` or a rule that can never hold is
//! an error naming the line and the key, before anything is fetched.
//! Deciding is a pure function of the policy and the request, unit-tested at
//! its boundaries here.

use std::cmp::Ordering;
use std::fmt;
use std::path::Path;

use anyhow::Context as _;
use chrono::{DateTime, TimeDelta, Utc};
use github_pat_grants::types::{
    OrganizationProgrammaticAccessGrant as Grant,
    OrganizationProgrammaticAccessGrantRequest as Request, PersonalAccessTokenRequest,
};
use serde::Deserialize;
use strum::{Display, EnumString, IntoStaticStr};

use crate::credential::CredentialPolicy;
use crate::findings::{self, Finding, FindingKind};
use crate::permission::{Group, Holds, Permissions, Scope};
use crate::row::{Item, Named, Subject};

/// GitHub's limit on a review's reason (`reason`, `maxLength: 1024`).
pub const MAX_REASON_CHARS: usize = 1024;

/// A whole policy file.
/// A table left out, and a key left out of a table, is its default.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Policy {
    /// What approved grants may be (`[grants]`).
    pub grants: GrantPolicy,
    /// How requests are reviewed (`[[requests.deny]]`, `[[requests.approve]]`).
    pub requests: RequestPolicy,
    /// What SAML credential authorizations may be (`[credentials]`).
    pub credentials: CredentialPolicy,
}

/// The `[grants]` table: thresholds for approved grants.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct GrantPolicy {
    /// A token may live at most this many days from the grant
    /// (`lifetime-over-policy` otherwise; a token that never expires is over).
    pub max_lifetime_days: Option<u32>,
    /// `stale` and `never-used` after this many days (the audit's
    /// `--stale-after` wins when given).
    pub stale_after_days: Option<u32>,
    /// `expiring` within this many days (the audit's `--expiring-within`
    /// wins when given).
    pub expiring_within_days: Option<u32>,
    /// Whether a grant may reach every repository; `false` makes
    /// `all-repositories` a violation (allowed unless the file says so).
    pub allow_all_repositories: bool,
    /// Permissions no grant may hold at that level or higher
    /// (`forbidden-permission`).
    pub forbidden_permissions: Vec<PermissionSpec>,
}

impl Default for GrantPolicy {
    fn default() -> Self {
        GrantPolicy {
            max_lifetime_days: None,
            stale_after_days: None,
            expiring_within_days: None,
            allow_all_repositories: true,
            forbidden_permissions: Vec::new(),
        }
    }
}

/// The `[requests]` table: review rules, deny rules first.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct RequestPolicy {
    /// `[[requests.deny]]`: any one that holds denies the request.
    pub deny: Vec<Rule>,
    /// `[[requests.approve]]`: the first that holds approves it, unless a
    /// deny rule holds.
    pub approve: Vec<Rule>,
}

/// One review rule: the reason GitHub shows the requester, and conditions
/// that must all hold; those absent are not checked. A rule is checked as
/// it is read, so that one that could never be right is an error naming
/// its line.
#[derive(Clone, Debug, PartialEq, Deserialize)]
// `remote = "Self"` derives the plain reading as `Rule::deserialize`; the
// `Deserialize` impl below adds the checks that need every field.
#[serde(remote = "Self", deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// Sent to GitHub with the decision, so the requester knows why.
    pub reason: String,
    /// The token expires more than this many days after the request was
    /// made, or never.
    pub lifetime_over_days: Option<u32>,
    /// The token expires, at most this many days after the request was made.
    pub lifetime_at_most_days: Option<u32>,
    /// The request asks for one of these permissions at its level or higher.
    pub permissions: Option<Vec<PermissionSpec>>,
    /// Every permission asked for is at most this level.
    pub max_access: Option<Level>,
    /// The request's repository selection is this one.
    pub repository_selection: Option<Selection>,
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Rule::deserialize(deserializer)?
            .checked()
            .map_err(serde::de::Error::custom)
    }
}

impl Rule {
    /// The rule as read, its reason trimmed, or what makes it wrong.
    fn checked(mut self) -> Result<Self, String> {
        self.reason = self.reason.trim().to_string();
        if self.reason.is_empty() {
            return Err(
                "a rule's `reason` must not be empty: GitHub shows it to the requester".into(),
            );
        }
        if self.reason.chars().count() > MAX_REASON_CHARS {
            return Err(format!(
                "a rule's `reason` may have at most {MAX_REASON_CHARS} characters (GitHub's limit); this one has {}",
                self.reason.chars().count()
            ));
        }
        let unconditional = self.lifetime_over_days.is_none()
            && self.lifetime_at_most_days.is_none()
            && self.permissions.is_none()
            && self.max_access.is_none()
            && self.repository_selection.is_none();
        if unconditional {
            // A rule without conditions would decide every request, which
            // is the accident a policy exists to prevent.
            return Err("a rule needs at least one condition (lifetime_over_days, \
                 lifetime_at_most_days, permissions, max_access, repository_selection)"
                .into());
        }
        if self.permissions.as_ref().is_some_and(Vec::is_empty) {
            return Err("`permissions` is empty, so the rule could never hold".into());
        }
        if let (Some(over), Some(at_most)) = (self.lifetime_over_days, self.lifetime_at_most_days)
            && over >= at_most
        {
            return Err(format!(
                "`lifetime_over_days = {over}` and `lifetime_at_most_days = {at_most}` can never both hold"
            ));
        }
        Ok(self)
    }

    /// Whether every condition holds for the request.
    pub fn holds(&self, request: &impl PendingRequest) -> bool {
        let lifetime = request.lifetime();
        self.lifetime_over_days
            .is_none_or(|days| lives_over(lifetime, days))
            && self
                .lifetime_at_most_days
                .is_none_or(|days| !lives_over(lifetime, days))
            && self.permissions.as_ref().is_none_or(|wanted| {
                request.permissions().each().any(|(scope, name, level)| {
                    wanted.iter().any(|w| w.matches(scope, name, level))
                })
            })
            && self.max_access.is_none_or(|max| {
                request
                    .permissions()
                    .every()
                    .all(|(_, _, level)| max.compare_sent(level).is_le())
            })
            && self
                .repository_selection
                .is_none_or(|s| s.name() == request.repository_selection())
    }
}

/// A permission level, in order: `read` < `write` < `admin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(Display, IntoStaticStr, EnumString)]
#[strum(serialize_all = "lowercase")]
#[non_exhaustive]
pub enum Level {
    /// `read`.
    Read,
    /// `write`.
    Write,
    /// `admin`.
    Admin,
}

impl Named for Level {}

impl Level {
    /// Where a level GitHub sent stands against this one. A level this
    /// version does not know counts as above `admin`: an approve rule's
    /// `max_access` then does not hold and a deny rule's permission does,
    /// so an unknown level never makes a request easier to approve.
    pub fn compare_sent(self, sent: &str) -> Ordering {
        (sent.parse::<Level>()).map_or(Ordering::Greater, |level| level.cmp(&self))
    }
}

/// A permission at a level: `scope.name:level`, for instance
/// `organization.administration:write`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
#[non_exhaustive]
pub struct PermissionSpec {
    /// The group.
    pub scope: Scope,
    /// The permission's name as GitHub's API spells it (`administration`,
    /// `contents`, `members`, ...).
    pub name: String,
    /// The lowest level that matches.
    pub level: Level,
}

impl TryFrom<String> for PermissionSpec {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        let shape = || {
            format!(
                "`{s}` is not a permission: write `scope.name:level`, scope organization, \
                 repository or other, level read, write or admin \
                 (e.g. `organization.administration:write`)"
            )
        };
        let (path, level) = s.split_once(':').ok_or_else(shape)?;
        let (scope, name) = path.split_once('.').ok_or_else(shape)?;
        let scope = scope.parse::<Scope>().map_err(|_| {
            format!("`{s}`: unknown scope `{scope}`; one of organization, repository, other")
        })?;
        let valid_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid_name {
            return Err(format!(
                "`{s}`: `{name}` is not a permission name as GitHub's API spells them \
                 (lower case and underscores, e.g. `administration`, `pull_requests`)"
            ));
        }
        let level = level
            .parse::<Level>()
            .map_err(|_| format!("`{s}`: unknown level `{level}`; one of read, write, admin"))?;
        Ok(PermissionSpec {
            scope,
            name: name.to_string(),
            level,
        })
    }
}

impl fmt::Display for PermissionSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}:{}", self.scope.name(), self.name, self.level)
    }
}

impl PermissionSpec {
    /// Whether `scope.name` held at `level` (as GitHub sent it) is this
    /// permission at its level or higher.
    pub fn matches(&self, scope: Scope, name: &str, level: &str) -> bool {
        scope == self.scope && name == self.name && self.level.compare_sent(level).is_ge()
    }
}

/// A repository selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[non_exhaustive]
pub enum Selection {
    /// Every repository, present and future.
    All,
    /// Selected repositories.
    Subset,
    /// No repository (organization or user permissions only).
    None,
}

impl Named for Selection {}

/// A pending request as the listing gives it and as a webhook delivers it
/// (two generated types whose fields share their names): what a rule
/// looks at.
pub trait PendingRequest: Item + Holds {
    /// When it was made.
    fn created_at(&self) -> DateTime<Utc>;
    /// When its token expires; `None` for never.
    fn expires_at(&self) -> Option<DateTime<Utc>>;
    /// `all`, `subset` or `none` as GitHub spells it (or a value GitHub
    /// added since).
    fn repository_selection(&self) -> String;

    /// How long the token lives after the request, or `None` for never.
    fn lifetime(&self) -> Option<TimeDelta> {
        self.expires_at().map(|at| at - self.created_at())
    }
}

macro_rules! pending_request {
    ($type:ty) => {
        impl PendingRequest for $type {
            fn created_at(&self) -> DateTime<Utc> {
                self.created_at
            }
            fn expires_at(&self) -> Option<DateTime<Utc>> {
                self.token_expires_at
            }
            fn repository_selection(&self) -> String {
                self.repository_selection.to_string()
            }
        }
    };
}

pending_request!(Request);
pending_request!(PersonalAccessTokenRequest);

/// Whether a token living `lifetime` (`None`: forever) lives more than `days`.
fn lives_over(lifetime: Option<TimeDelta>, days: u32) -> bool {
    lifetime.is_none_or(|l| l > TimeDelta::days(i64::from(days)))
}

/// The permissions of `permissions` this version of the policy does not
/// know, as `group.name:level`: those in a group GitHub added (beyond
/// organization, repository and other), and those at a level other than
/// read, write and admin. Permission names are not judged: GitHub adds
/// them often, and a rule names the ones it cares about.
pub fn unknown_permissions(permissions: Permissions<'_>) -> Vec<String> {
    permissions
        .every()
        .filter(|(group, _, level)| {
            matches!(group, Group::Added(_)) || level.parse::<Level>().is_err()
        })
        .map(|(group, name, level)| format!("{group}.{name}:{level}"))
        .collect()
}

/// What a review does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
#[non_exhaustive]
pub enum Verdict {
    /// Approve it.
    Approve,
    /// Deny it.
    Deny,
    /// Leave it for a person.
    Leave,
}

impl Named for Verdict {}

/// A review decision and the rule behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision<'p> {
    /// What to do.
    pub verdict: Verdict,
    /// The rule that decided, with its position (from 1) among its kind's
    /// rules; `None` when no rule did.
    pub rule: Option<(usize, &'p Rule)>,
    /// The permissions asked for that this version does not know
    /// ([`unknown_permissions`]), as `group.name:level`: when there is one,
    /// no approve rule was tried and the request is left (unless a deny
    /// rule holds).
    pub unknown: Vec<String>,
}

impl Decision<'_> {
    /// The reason sent to GitHub, if any.
    pub fn reason(&self) -> Option<&str> {
        self.rule.map(|(_, r)| r.reason.as_str())
    }

    /// Which rule decided, for a person: `requests.deny #2`, or `no rule`.
    pub fn why(&self) -> String {
        match (self.verdict, self.rule) {
            (Verdict::Approve, Some((n, _))) => format!("requests.approve #{n}"),
            (Verdict::Deny, Some((n, _))) => format!("requests.deny #{n}"),
            (Verdict::Leave, _) if !self.unknown.is_empty() => "unknown permission".into(),
            _ => "no rule".into(),
        }
    }
}

impl Policy {
    /// Reads and checks a policy file.
    ///
    /// # Errors
    /// The file cannot be read, is not TOML, or does not fit the schema:
    /// the message names the file, the line and the key.
    pub fn load(path: &Path) -> anyhow::Result<Policy> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the policy {}", path.display()))?;
        Policy::parse(&text).map_err(|e| anyhow::anyhow!("policy {}: {e}", path.display()))
    }

    /// Parses a policy from TOML text.
    ///
    /// # Errors
    /// `line N, key `a.b[0].c`: what is wrong`, for the first problem found.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let error = |key: String, e: &toml::de::Error| PolicyError {
            line: e.span().map(|s| line_of(text, s.start)),
            key,
            message: e.message().trim().to_string(),
        };
        let deserializer =
            toml::de::Deserializer::parse(text).map_err(|e| error(String::new(), &e))?;
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            // The path ends at the key at fault, unknown keys included.
            let key = Some(e.path().to_string()).filter(|path| path != ".");
            error(key.unwrap_or_default(), e.inner())
        })
    }

    /// Decides a request: the first deny rule that holds denies it (deny
    /// wins over approve); else, when it asks for a permission this version
    /// does not know ([`unknown_permissions`]), it is left for a person:
    /// no approve rule is tried, since none was written with that
    /// permission in mind; else the first approve rule that holds approves
    /// it, else it is left for a person.
    pub fn decide(&self, request: &impl PendingRequest) -> Decision<'_> {
        fn first<'p>(
            rules: &'p [Rule],
            request: &impl PendingRequest,
        ) -> Option<(usize, &'p Rule)> {
            rules
                .iter()
                .enumerate()
                .find(|(_, r)| r.holds(request))
                .map(|(i, r)| (i + 1, r))
        }
        let unknown = unknown_permissions(request.permissions());
        let (verdict, rule) = match first(&self.requests.deny, request) {
            Some(rule) => (Verdict::Deny, Some(rule)),
            None if !unknown.is_empty() => (Verdict::Leave, None),
            None => match first(&self.requests.approve, request) {
                Some(rule) => (Verdict::Approve, Some(rule)),
                None => (Verdict::Leave, None),
            },
        };
        Decision {
            verdict,
            rule,
            unknown,
        }
    }

    /// Whether the policy has review rules at all.
    pub fn has_request_rules(&self) -> bool {
        !self.requests.deny.is_empty() || !self.requests.approve.is_empty()
    }

    /// The findings that break this policy's `[grants]` table, which
    /// `revoke --policy` revokes: `lifetime-over-policy` with
    /// `max_lifetime_days`, `forbidden-permission` with
    /// `forbidden_permissions`, `all-repositories` when not allowed, and
    /// `stale` and `never-used` with `stale_after_days`.
    pub fn violations(&self) -> Vec<FindingKind> {
        use FindingKind::*;
        let g = &self.grants;
        let kinds: [(bool, &[FindingKind]); 4] = [
            (g.max_lifetime_days.is_some(), &[LifetimeOverPolicy]),
            (!g.forbidden_permissions.is_empty(), &[ForbiddenPermission]),
            (!g.allow_all_repositories, &[AllRepositories]),
            (g.stale_after_days.is_some(), &[NeverUsed, Stale]),
        ];
        (kinds.into_iter().filter(|(broken, _)| *broken))
            .flat_map(|(_, kinds)| kinds.iter().copied())
            .collect()
    }
}

/// The line (from 1) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// What is wrong with a policy file, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// The line (from 1), when the parser knows it.
    pub line: Option<usize>,
    /// The key at fault, as a path (`requests.deny[1].reason`); empty for
    /// the document as a whole.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.key.as_str()) {
            (Some(line), "") => write!(f, "line {line}: {}", self.message),
            (Some(line), key) => write!(f, "line {line}, key `{key}`: {}", self.message),
            (None, "") => f.write_str(&self.message),
            (None, key) => write!(f, "key `{key}`: {}", self.message),
        }
    }
}

impl std::error::Error for PolicyError {}

/// The `[grants]` findings of one grant: `lifetime-over-policy` and
/// `forbidden-permission` (the others come from [`findings::assess_grant`]
/// with the policy's thresholds).
pub fn assess_grant(org: &str, grant: &Grant, policy: &GrantPolicy) -> Vec<Finding> {
    let granted = ("access was granted", grant.access_granted_at);
    let mut found: Vec<_> = (policy.max_lifetime_days)
        .and_then(|days| findings::lifetime_over(granted, grant.token_expires_at, days))
        .into_iter()
        .collect();
    let forbidden: Vec<String> = grant
        .permissions()
        .each()
        .filter_map(|(scope, name, level)| {
            policy
                .forbidden_permissions
                .iter()
                .find(|f| f.matches(scope, name, level))
                .map(|f| format!("{scope}.{name}:{level} (forbidden: {f})"))
        })
        .collect();
    if !forbidden.is_empty() {
        found.push((FindingKind::ForbiddenPermission, forbidden.join(", ")));
    }
    Finding::all(Subject::of(org, grant), found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The issue's example, verbatim (shared with the end-to-end tests and the benchmark).
    pub(crate) const EXAMPLE: &str = include_str!("../tests/fixtures/policy-example.toml");

    fn created() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
    }

    use crate::permission::{AddedGroups, PermissionMap};
    use crate::row::Kind;

    fn map(entries: &[(&str, &str)]) -> PermissionMap {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// A request to decide: lifetime in seconds (`None`: never expires),
    /// selection, and permissions per scope.
    struct Req {
        lifetime: Option<TimeDelta>,
        selection: &'static str,
        org: PermissionMap,
        repo: PermissionMap,
        other: PermissionMap,
        added: AddedGroups,
    }

    impl Req {
        fn new() -> Self {
            Req {
                lifetime: Some(TimeDelta::days(7)),
                selection: "subset",
                org: PermissionMap::new(),
                repo: map(&[("metadata", "read")]),
                other: PermissionMap::new(),
                added: AddedGroups::new(),
            }
        }
        fn lives(mut self, l: Option<TimeDelta>) -> Self {
            self.lifetime = l;
            self
        }
        fn selection(mut self, s: &'static str) -> Self {
            self.selection = s;
            self
        }
        fn org(mut self, name: &str, level: &str) -> Self {
            self.org.insert(name.into(), level.into());
            self
        }
        fn repo(mut self, name: &str, level: &str) -> Self {
            self.repo.insert(name.into(), level.into());
            self
        }
        /// A permission in a group GitHub added.
        fn added(mut self, group: &str, name: &str, level: &str) -> Self {
            self.added
                .entry(group.into())
                .or_default()
                .insert(name.into(), level.into());
            self
        }
    }

    impl Item for Req {
        fn fields(&self) -> (Kind, i64, i64, &str, &str) {
            (Kind::Request, 1, 1, "token", "octocat")
        }
    }

    impl Holds for Req {
        fn permissions(&self) -> Permissions<'_> {
            Permissions::new([&self.org, &self.repo, &self.other], &self.added)
        }
    }

    impl PendingRequest for Req {
        fn created_at(&self) -> DateTime<Utc> {
            created()
        }
        fn expires_at(&self) -> Option<DateTime<Utc>> {
            self.lifetime.map(|l| created() + l)
        }
        fn repository_selection(&self) -> String {
            self.selection.into()
        }
    }

    fn decide(policy: &Policy, req: &Req) -> (Verdict, String) {
        let d = policy.decide(req);
        (d.verdict, d.why())
    }

    fn example() -> Policy {
        Policy::parse(EXAMPLE).unwrap()
    }

    const SECOND: TimeDelta = TimeDelta::seconds(1);

    #[test]
    fn the_issues_example_is_read_as_written() {
        let p = example();
        assert_eq!(p.grants.max_lifetime_days, Some(90));
        assert_eq!(p.grants.stale_after_days, Some(90));
        assert!(!p.grants.allow_all_repositories);
        assert_eq!(
            p.grants.forbidden_permissions,
            vec![PermissionSpec {
                scope: Scope::Organization,
                name: "administration".into(),
                level: Level::Write
            }]
        );
        assert_eq!(p.requests.deny.len(), 2);
        assert_eq!(
            p.requests.deny[0].reason,
            "Tokens must expire within 90 days"
        );
        assert_eq!(p.requests.deny[0].lifetime_over_days, Some(90));
        assert_eq!(p.requests.approve[0].max_access, Some(Level::Read));
        assert_eq!(
            p.requests.approve[0].repository_selection,
            Some(Selection::Subset)
        );
        assert_eq!(
            p.violations(),
            vec![
                FindingKind::LifetimeOverPolicy,
                FindingKind::ForbiddenPermission,
                FindingKind::AllRepositories,
                FindingKind::NeverUsed,
                FindingKind::Stale
            ]
        );
        // An empty file is a valid policy that decides nothing.
        let empty = Policy::parse("").unwrap();
        assert!(!empty.has_request_rules());
        assert!(empty.grants.allow_all_repositories);
        assert!(empty.violations().is_empty());
    }

    #[test]
    fn lifetime_exactly_ninety_days_is_not_over_ninety() {
        let p = example();
        // Not approved either: 90 days is over the approve rule's 30.
        assert_eq!(
            decide(&p, &Req::new().lives(Some(TimeDelta::days(90)))),
            (Verdict::Leave, "no rule".into())
        );
        assert_eq!(
            decide(&p, &Req::new().lives(Some(TimeDelta::days(90) + SECOND))),
            (Verdict::Deny, "requests.deny #1".into())
        );
        assert_eq!(
            decide(&p, &Req::new().lives(None)),
            (Verdict::Deny, "requests.deny #1".into())
        );
    }

    #[test]
    fn lifetime_at_most_includes_its_boundary_and_excludes_never() {
        let p = example();
        assert_eq!(
            decide(&p, &Req::new().lives(Some(TimeDelta::days(30)))),
            (Verdict::Approve, "requests.approve #1".into())
        );
        assert_eq!(
            decide(&p, &Req::new().lives(Some(TimeDelta::days(30) + SECOND))).0,
            Verdict::Leave
        );
        let only_at_most =
            Policy::parse("[[requests.approve]]\nreason = \"short\"\nlifetime_at_most_days = 30\n")
                .unwrap();
        assert_eq!(
            decide(&only_at_most, &Req::new().lives(None)).0,
            Verdict::Leave,
            "a token that never expires does not live at most 30 days"
        );
    }

    #[test]
    fn permission_levels_are_ordered_read_write_admin() {
        let p = example();
        // `organization.administration:write` matches write and admin, not read.
        let admin_read = Req::new().org("administration", "read");
        assert_eq!(
            decide(&p, &admin_read).0,
            Verdict::Approve,
            "read is below write, and read-only"
        );
        let admin_write = Req::new().org("administration", "write");
        assert_eq!(
            decide(&p, &admin_write),
            (Verdict::Deny, "requests.deny #2".into())
        );
        let admin_admin = Req::new().org("administration", "admin");
        assert_eq!(decide(&p, &admin_admin).1, "requests.deny #2");
        // The same name in another scope is another permission.
        let repo_admin = Req::new().repo("administration", "write");
        assert_eq!(decide(&p, &repo_admin).0, Verdict::Leave);

        assert!(Level::Read < Level::Write && Level::Write < Level::Admin);
        assert!(Level::Write.compare_sent("admin").is_gt());
        assert!(Level::Write.compare_sent("write").is_eq());
        assert!(Level::Write.compare_sent("read").is_lt());
        // A level GitHub adds later counts as the highest.
        assert!(Level::Admin.compare_sent("owner").is_gt());
    }

    #[test]
    fn the_credentials_table_replaces_the_scopes_and_names_its_violations() {
        let p = Policy::parse(
            "[credentials]\nallow_classic_tokens = true\nmax_lifetime_days = 30\n\
             forbidden_scopes = [\"gist\"]\n",
        )
        .unwrap();
        let rules = &p.credentials;
        assert_eq!(rules.forbidden_scopes, Some(vec!["gist".to_string()]));
        assert!(rules.allow_classic_tokens);
        assert_eq!(rules.max_lifetime_days, Some(30));
        assert_eq!(
            p.credentials.violations(),
            [FindingKind::BroadScope, FindingKind::LifetimeOverPolicy]
        );
        // Without the table: the defaults, and classic tokens are a violation.
        let none = Policy::parse("").unwrap();
        assert_eq!(none.credentials, CredentialPolicy::default());
        assert_eq!(none.credentials.violations(), [FindingKind::ClassicToken]);
        let e = Policy::parse("[credentials]\nforbidden_scope = [\"repo\"]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert_eq!(e.key, "credentials.forbidden_scope");
        let e = Policy::parse("[credentials]\nmax_lifetime_days = -1\n").unwrap_err();
        assert_eq!(e.key, "credentials.max_lifetime_days");
    }

    #[test]
    fn max_access_holds_when_every_permission_is_at_most_that_level() {
        let p = example();
        assert_eq!(decide(&p, &Req::new()).0, Verdict::Approve);
        assert_eq!(
            decide(&p, &Req::new().repo("contents", "write")).0,
            Verdict::Leave
        );
        assert_eq!(
            decide(&p, &Req::new().repo("contents", "mystery")).0,
            Verdict::Leave,
            "an unknown level is not read"
        );
        assert_eq!(decide(&p, &Req::new().selection("all")).0, Verdict::Leave);
        let none = Req {
            repo: PermissionMap::new(),
            ..Req::new()
        };
        assert_eq!(
            decide(&p, &none).0,
            Verdict::Approve,
            "no permission at all is read-only"
        );
    }

    #[test]
    fn deny_wins_over_approve_and_rules_are_numbered_from_one() {
        let p = Policy::parse(
            r#"
[[requests.approve]]
reason = "selected repositories"
repository_selection = "subset"

[[requests.deny]]
reason = "no contents write"
permissions = ["repository.contents:write", "repository.workflows:write"]
"#,
        )
        .unwrap();
        assert_eq!(
            decide(&p, &Req::new().repo("workflows", "write")),
            (Verdict::Deny, "requests.deny #1".into())
        );
        assert_eq!(
            p.decide(&Req::new()).reason(),
            Some("selected repositories")
        );
        assert_eq!(decide(&p, &Req::new().selection("none")).0, Verdict::Leave);
    }

    #[test]
    fn an_approve_rule_never_approves_a_permission_the_policy_does_not_know() {
        let p = example();
        let selected = Policy::parse(
            "[[requests.approve]]\nreason = \"selected repositories\"\nrepository_selection = \"subset\"\n",
        )
        .unwrap();
        assert_eq!(decide(&selected, &Req::new()).0, Verdict::Approve);
        // A group GitHub added, at any level, under a rule that looks at
        // no permission and under one that wants read-only access.
        for level in ["write", "read"] {
            let enterprise = Req::new().added("enterprise", "administration", level);
            for policy in [&selected, &p] {
                assert_eq!(
                    decide(policy, &enterprise),
                    (Verdict::Leave, "unknown permission".into())
                );
            }
            assert_eq!(
                p.decide(&enterprise).unknown,
                [format!("enterprise.administration:{level}")]
            );
        }
        // A level GitHub added, in a known group.
        let mystery = Req::new().repo("contents", "mystery");
        assert_eq!(
            decide(&selected, &mystery),
            (Verdict::Leave, "unknown permission".into())
        );
        assert_eq!(
            unknown_permissions(mystery.permissions()),
            ["repository.contents:mystery"]
        );
        // Levels are GitHub's words exactly.
        let shouted = Req::new().repo("contents", "READ");
        assert_eq!(decide(&selected, &shouted).0, Verdict::Leave);
        // What it knows stays approvable: every known level, and a group
        // GitHub added that holds nothing.
        let known = Req::new().org("members", "admin").repo("contents", "write");
        assert!(unknown_permissions(known.permissions()).is_empty());
        assert_eq!(decide(&selected, &known).0, Verdict::Approve);
        let mut empty_group = Req::new();
        empty_group
            .added
            .insert("enterprise".into(), PermissionMap::new());
        assert_eq!(decide(&selected, &empty_group).0, Verdict::Approve);
        // A deny rule still denies: leaving it is only instead of approving.
        let forever = Req::new()
            .lives(None)
            .added("enterprise", "administration", "write");
        let denied = p.decide(&forever);
        assert_eq!(
            (denied.verdict, denied.why()),
            (Verdict::Deny, "requests.deny #1".into())
        );
        assert_eq!(denied.unknown, ["enterprise.administration:write"]);
    }

    fn error(text: &str) -> String {
        Policy::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn bad_files_name_the_line_and_the_key() {
        assert_eq!(
            error("[grants]\nmax_lifetime_days = \"ninety\"\n"),
            "line 2, key `grants.max_lifetime_days`: invalid type: string \"ninety\", expected u32"
        );
        assert_eq!(
            error("[grants]\nmax_lifetme_days = 90\n"),
            "line 2, key `grants.max_lifetme_days`: unknown field `max_lifetme_days`, expected one of \
             `max_lifetime_days`, `stale_after_days`, `expiring_within_days`, \
             `allow_all_repositories`, `forbidden_permissions`"
        );
        assert_eq!(
            error("[grants]\nforbidden_permissions = [\"organization.administration\"]\n"),
            "line 2, key `grants.forbidden_permissions[0]`: `organization.administration` is not a \
             permission: write `scope.name:level`, scope organization, repository or other, level \
             read, write or admin (e.g. `organization.administration:write`)"
        );
        let lines = EXAMPLE.replace("max_access = \"read\"", "max_access = \"reed\"");
        assert_eq!(
            error(&lines),
            "line 17, key `requests.approve[0].max_access`: unknown variant `reed`, expected one of \
             `read`, `write`, `admin`"
        );
        let rule = EXAMPLE.replace("lifetime_over_days = 90 ", "lifetime_over = 90 ");
        let e = error(&rule);
        assert!(
            e.starts_with(
                "line 9, key `requests.deny[0].lifetime_over`: unknown field `lifetime_over`"
            ),
            "{e}"
        );
        let e = error("[[requests.deny]]\nreason = \"x\"\n");
        assert!(
            e.contains("key `requests.deny[0]`") && e.contains("at least one condition"),
            "{e}"
        );
        let e = error("[[requests.deny]]\nlifetime_over_days = 90\n");
        assert!(
            e.contains("key `requests.deny[0]`") && e.contains("missing field `reason`"),
            "{e}"
        );
        let e = error("[grants]\nmax_lifetime_days = 90\n[grants]\n");
        assert!(e.starts_with("line 3"), "{e}");
        let e = error("[request]\n");
        assert!(e.contains("unknown field `request`"), "{e}");
        let e = error(
            "[[requests.approve]]\nreason = \"x\"\nlifetime_over_days = 30\nlifetime_at_most_days = 30\n",
        );
        assert!(e.contains("can never both hold"), "{e}");
        let long = format!(
            "[[requests.deny]]\nreason = \"{}\"\nmax_access = \"read\"\n",
            "x".repeat(1025)
        );
        assert!(error(&long).contains("at most 1024 characters"));
    }
}
