//! What is wrong with a grant or a request: pure functions of the item, the
//! audit's "now" and the thresholds, with no I/O, so that every boundary can
//! be unit-tested with fixed times.
//!
//! The definitions (the README repeats them):
//!
//! | finding | a grant has it when |
//! |---|---|
//! | `expired` | its token's expiry is at or before now (or GitHub says it expired and gives no date) |
//! | `expiring` | its token expires after now and at most `expiring_within` days from now |
//! | `no-expiry` | its token has no expiry date |
//! | `never-used` | it was granted more than `stale_after` days ago and its token was never used |
//! | `stale` | its token was last used more than `stale_after` days ago |
//! | `all-repositories` | it reaches every repository (`repository_selection: all`) |
//! | `write-access` | any of its permissions is `write` |
//! | `admin-access` | any of its permissions is `admin` |
//! | `pending-request` | (requests) it awaits review; the detail gives its age |
//!
//! Credentials and installations have their own (see the `credential` module):
//! `classic-token`, `broad-scope`, and the expiry, use and access findings above.
//!
//! With a policy (`--policy`, see [`crate::policy`]) two more:
//!
//! | finding | a grant has it when |
//! |---|---|
//! | `forbidden-permission` | it holds a permission of `forbidden_permissions` at that level or higher |
//! | `lifetime-over-policy` | its token expires more than `max_lifetime_days` after access was granted, or never |

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use github_pat_grants::types::{
    OrganizationProgrammaticAccessGrant as Grant,
    OrganizationProgrammaticAccessGrantRepositorySelection as GrantSelection,
    OrganizationProgrammaticAccessGrantRequest as Request,
};
use serde::{Deserialize, Serialize};
use strum::{Display, IntoStaticStr, VariantArray};

use crate::permission::Holds as _;
use crate::row::{Kind, Named, Subject, detail_row};

/// The name of a finding; the names are part of the command-line contract.
/// They, the table of every finding ([`VariantArray::VARIANTS`], declaration
/// order) and the words of its `Display` are derived from the variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[derive(Display, IntoStaticStr, VariantArray)]
#[strum(serialize_all = "kebab-case")]
#[non_exhaustive]
pub enum FindingKind {
    /// The token has expired.
    Expired,
    /// The token expires within the `expiring_within` window.
    Expiring,
    /// The token never expires.
    NoExpiry,
    /// Granted long ago and never used.
    NeverUsed,
    /// Last used long ago.
    Stale,
    /// Reaches every repository of the organization.
    AllRepositories,
    /// Holds a `write` permission.
    WriteAccess,
    /// Holds an `admin` permission.
    AdminAccess,
    /// A classic personal access token has access to the organization.
    ClassicToken,
    /// A classic or OAuth token holds a scope that administers the
    /// organization or reaches all its repositories.
    BroadScope,
    /// An SSH key GitHub has not verified (site keys).
    Unverified,
    /// A request awaiting review.
    PendingRequest,
    /// Holds a permission the policy forbids (with `--policy` only).
    ForbiddenPermission,
    /// Lives longer than the policy allows (with `--policy` only).
    LifetimeOverPolicy,
}

impl FindingKind {
    /// Every finding, in the order reports list them (the order of the
    /// variants); those that need a policy come last.
    pub const ALL: &'static [FindingKind] = <FindingKind as VariantArray>::VARIANTS;

    /// Whether the finding exists only with a policy (`--policy`).
    pub fn needs_policy(self) -> bool {
        matches!(
            self,
            FindingKind::ForbiddenPermission | FindingKind::LifetimeOverPolicy
        )
    }

    /// The finding's position in [`FindingKind::ALL`], for per-finding counters.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether an organization's item of `kind` can have the finding (an
    /// instance's SSH key is the only one that can be `unverified`).
    pub fn found_on(self, kind: Kind) -> bool {
        use FindingKind::*;
        match self {
            PendingRequest => kind == Kind::Request,
            ClassicToken | BroadScope => kind == Kind::Credential,
            Unverified => false,
            ForbiddenPermission => kind == Kind::Grant,
            AllRepositories | WriteAccess | AdminAccess => {
                matches!(kind, Kind::Grant | Kind::Installation)
            }
            Expired | Expiring | NoExpiry | NeverUsed | Stale | LifetimeOverPolicy => {
                matches!(kind, Kind::Grant | Kind::Credential)
            }
        }
    }
}

impl Named for FindingKind {}

/// The windows that decide `expiring`, `never-used` and `stale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// `expiring`: the token expires at most this many days from now.
    pub expiring_within_days: u32,
    /// `stale` and `never-used`: more than this many days ago.
    pub stale_after_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            expiring_within_days: 14,
            stale_after_days: 90,
        }
    }
}

impl Thresholds {
    /// The moment a token must be used after, or granted after, not to be stale.
    pub fn stale_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - TimeDelta::days(i64::from(self.stale_after_days))
    }

    /// The last expiry moment that still counts as `expiring`.
    pub fn expiring_horizon(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + TimeDelta::days(i64::from(self.expiring_within_days))
    }
}

/// One finding about one grant or request: a row of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The grant or request.
    #[serde(flatten)]
    pub subject: Subject,
    /// What was found.
    pub finding: FindingKind,
    /// The facts behind it, for a person to read.
    pub detail: String,
}

impl Finding {
    /// The findings `found` about `subject`, in the order given.
    pub fn all(subject: Subject, found: Vec<Found>) -> Vec<Finding> {
        found
            .into_iter()
            .map(|(finding, detail)| Finding {
                subject: subject.clone(),
                finding,
                detail,
            })
            .collect()
    }
}

detail_row!(Finding, finding);

/// Whether a token counts as expired at `now`: its expiry is at or before
/// `now`. Without an expiry date GitHub's own `token_expired` decides, since
/// there is nothing to compare.
///
/// The date wins over GitHub's flag when both are there, so that a report
/// with a fixed `--now` is the same whenever it is run.
pub fn is_expired(
    expires_at: Option<DateTime<Utc>>,
    token_expired: bool,
    now: DateTime<Utc>,
) -> bool {
    match expires_at {
        Some(at) => at <= now,
        None => token_expired,
    }
}

/// RFC 3339 to the second, in UTC, as reports show times.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A duration in the largest whole unit that fits (days, hours, minutes,
/// seconds), rounded down: "14 days", "3 hours".
pub fn human(d: TimeDelta) -> String {
    let secs = d.num_seconds().max(0);
    let units = [
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let (size, unit) = (units.into_iter())
        .find(|(size, _)| secs >= *size)
        .unwrap_or((1, "second"));
    let n = secs / size;
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A detail without the spans [`human`] writes relative to now ("(48 days
/// ago)", "(in 3 days)"), only its dates: what stays the same from one
/// run to the next, for text that is rewritten only when it changes
/// (`notify`'s issues).
pub fn dated(detail: &str) -> String {
    let relative = |inside: &str| {
        let span = inside.strip_prefix("in ").or(inside.strip_suffix(" ago"));
        span.and_then(|s| s.split_once(' '))
            .is_some_and(|(n, unit)| {
                n.parse::<u64>().is_ok()
                    && ["second", "minute", "hour", "day"].contains(&unit.trim_end_matches('s'))
            })
    };
    let (mut out, mut rest) = (String::with_capacity(detail.len()), detail);
    while let Some((before, after)) = rest.split_once(" (") {
        let Some((inside, next)) = after.split_once(')') else {
            break;
        };
        out.push_str(before);
        if !relative(inside) {
            out.push_str(&format!(" ({inside})"));
        }
        rest = next;
    }
    out.push_str(rest);
    out
}

/// A finding and its detail, before it is given its subject.
pub type Found = (FindingKind, String);

/// `expired`, `expiring` or `no-expiry` of a token expiring `at`; without
/// a date, GitHub's `token_expired` says whether it expired
/// ([`is_expired`]). Grants and credentials share these boundaries.
pub fn expiry(
    at: Option<DateTime<Utc>>,
    token_expired: bool,
    now: DateTime<Utc>,
    thresholds: &Thresholds,
) -> Option<Found> {
    match at {
        _ if is_expired(at, token_expired, now) => Some((
            FindingKind::Expired,
            match at {
                Some(at) => format!("expired {} ({} ago)", timestamp(at), human(now - at)),
                None => "GitHub reports the token expired; it gives no expiry date".into(),
            },
        )),
        Some(at) if at <= thresholds.expiring_horizon(now) => Some((
            FindingKind::Expiring,
            format!("expires {} (in {})", timestamp(at), human(at - now)),
        )),
        Some(_) => None,
        None => Some((FindingKind::NoExpiry, "the token never expires".into())),
    }
}

/// `never-used` or `stale` of something `verb` (granted, authorized,
/// added) at `since` and last used `used`.
pub fn use_finding(
    (verb, since): (&str, DateTime<Utc>),
    used: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    thresholds: &Thresholds,
) -> Option<Found> {
    let cutoff = thresholds.stale_cutoff(now);
    match used {
        None if since < cutoff => Some((
            FindingKind::NeverUsed,
            format!(
                "{verb} {} ({} ago), never used",
                timestamp(since),
                human(now - since)
            ),
        )),
        Some(at) if at < cutoff => Some((
            FindingKind::Stale,
            format!("last used {} ({} ago)", timestamp(at), human(now - at)),
        )),
        _ => None,
    }
}

/// `write-access` and `admin-access` of something whose permissions at a
/// level (`write`, `admin`) `names_at` lists.
pub fn access(names_at: impl Fn(&str) -> Vec<String>) -> impl Iterator<Item = Found> {
    [
        (FindingKind::WriteAccess, "write"),
        (FindingKind::AdminAccess, "admin"),
    ]
    .into_iter()
    .filter_map(move |(kind, level)| {
        let names = names_at(level);
        (!names.is_empty()).then(|| (kind, format!("{level}: {}", names.join(", "))))
    })
}

/// `lifetime-over-policy` of a token that expires more than `days` after
/// `from` (`since` says what happened then: "access was granted"), or never.
pub fn lifetime_over(
    (since, from): (&str, DateTime<Utc>),
    expires: Option<DateTime<Utc>>,
    days: u32,
) -> Option<Found> {
    let detail = match expires {
        Some(at) if at - from > TimeDelta::days(i64::from(days)) => format!(
            "expires {}, {} after {since}; the policy allows {days} days",
            timestamp(at),
            human(at - from),
        ),
        Some(_) => return None,
        None => format!("the token never expires; the policy allows {days} days"),
    };
    Some((FindingKind::LifetimeOverPolicy, detail))
}

/// The findings of one approved grant, in [`FindingKind::ALL`] order.
pub fn assess_grant(
    org: &str,
    grant: &Grant,
    now: DateTime<Utc>,
    thresholds: &Thresholds,
) -> Vec<Finding> {
    let expired = expiry(grant.token_expires_at, grant.token_expired, now, thresholds);
    let granted = ("granted", grant.access_granted_at);
    let used = use_finding(granted, grant.token_last_used_at, now, thresholds);
    let all = (grant.repository_selection == GrantSelection::All).then(|| {
        let detail = "reaches every repository of the organization, present and future";
        (FindingKind::AllRepositories, detail.into())
    });
    let access = access(|level| grant.permissions().at(level));
    let found = expired.into_iter().chain(used).chain(all).chain(access);
    Finding::all(Subject::of(org, grant), found.collect())
}

/// The findings of one pending request: always `pending-request`, with its
/// age and what it asks for, so a reviewer sees the request in one line.
pub fn assess_request(org: &str, request: &Request, now: DateTime<Utc>) -> Vec<Finding> {
    let expiry = match request.token_expires_at {
        Some(at) => format!("expires {}", timestamp(at)),
        None => "never expires".into(),
    };
    let mut detail = format!(
        "pending {} (requested {}); repositories: {}; permissions: {}; token {}",
        human(now - request.created_at),
        timestamp(request.created_at),
        request.repository_selection,
        request.permissions().describe(),
        expiry,
    );
    if let Some(reason) = request.reason.as_deref().filter(|r| !r.is_empty()) {
        detail.push_str(&format!("; reason: {reason}"));
    }
    Finding::all(
        Subject::of(org, request),
        vec![(FindingKind::PendingRequest, detail)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use github_standin::{Grant as GrantSeed, TokenRequest as RequestSeed};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
    }

    /// A grant as GitHub sends it, decoded by the SDK's model.
    fn grant(seed: GrantSeed) -> Grant {
        serde_json::from_value(seed.to_json("https://api.github.com", 1, now())).unwrap()
    }

    /// A grant used recently, selected repositories, read-only, expiring far
    /// away: no findings at all, so each test changes one thing.
    fn clean() -> GrantSeed {
        GrantSeed::new(1)
            .granted_at(now() - TimeDelta::days(10))
            .last_used_at(Some(now() - TimeDelta::days(1)))
            .expires_at(Some(now() + TimeDelta::days(60)))
            .repository_selection("subset")
            .permission("repository", "metadata", "read")
    }

    fn kinds(seed: GrantSeed) -> Vec<FindingKind> {
        assess_grant("acme", &grant(seed), now(), &Thresholds::default())
            .into_iter()
            .map(|f| f.finding)
            .collect()
    }

    const SECOND: TimeDelta = TimeDelta::seconds(1);

    #[test]
    fn dated_details_keep_dates_and_drop_what_is_relative_to_now() {
        for (detail, dated_text) in [
            (
                "expired 2025-04-15T09:00:00Z (48 days ago)",
                "expired 2025-04-15T09:00:00Z",
            ),
            (
                "expires 2025-06-04T12:00:00Z (in 1 day); ending abcd",
                "expires 2025-06-04T12:00:00Z; ending abcd",
            ),
            (
                "granted 2024-01-01T00:00:00Z (3 hours ago), never used",
                "granted 2024-01-01T00:00:00Z, never used",
            ),
            (
                "write: a (b) (in 3 weeks) (2 days ago",
                "write: a (b) (in 3 weeks) (2 days ago",
            ),
        ] {
            assert_eq!(dated(detail), dated_text, "{detail}");
        }
    }

    #[test]
    fn a_clean_grant_has_no_findings() {
        assert_eq!(kinds(clean()), vec![]);
    }

    #[test]
    fn expiring_includes_exactly_fourteen_days_and_not_a_second_more() {
        let d14 = TimeDelta::days(14);
        assert_eq!(
            kinds(clean().expires_at(Some(now() + d14))),
            vec![FindingKind::Expiring]
        );
        assert_eq!(
            kinds(clean().expires_at(Some(now() + d14 - SECOND))),
            vec![FindingKind::Expiring]
        );
        assert_eq!(
            kinds(clean().expires_at(Some(now() + d14 + SECOND))),
            vec![]
        );
    }

    #[test]
    fn expired_is_at_or_before_now() {
        assert_eq!(
            kinds(clean().expires_at(Some(now()))),
            vec![FindingKind::Expired]
        );
        assert_eq!(
            kinds(clean().expires_at(Some(now() - SECOND))),
            vec![FindingKind::Expired]
        );
        assert_eq!(
            kinds(clean().expires_at(Some(now() + SECOND))),
            vec![FindingKind::Expiring]
        );
    }

    #[test]
    fn expired_follows_the_date_not_githubs_flag_when_there_is_a_date() {
        // GitHub computed `token_expired` when it answered; with a fixed
        // --now before that moment the date is what counts.
        let g = clean()
            .expires_at(Some(now() + TimeDelta::days(60)))
            .token_expired(true);
        assert_eq!(kinds(g), vec![]);
        let g = clean().expires_at(None).token_expired(true);
        assert_eq!(kinds(g), vec![FindingKind::Expired]);
    }

    #[test]
    fn no_expiry() {
        let found = assess_grant(
            "acme",
            &grant(clean().expires_at(None)),
            now(),
            &Thresholds::default(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding, FindingKind::NoExpiry);
    }

    #[test]
    fn stale_is_more_than_ninety_days_exactly_ninety_is_not() {
        let d90 = TimeDelta::days(90);
        assert_eq!(kinds(clean().last_used_at(Some(now() - d90))), vec![]);
        assert_eq!(
            kinds(clean().last_used_at(Some(now() - d90 + SECOND))),
            vec![]
        );
        assert_eq!(
            kinds(clean().last_used_at(Some(now() - d90 - SECOND))),
            vec![FindingKind::Stale]
        );
    }

    #[test]
    fn never_used_counts_from_the_grant_more_than_ninety_days_ago() {
        let d90 = TimeDelta::days(90);
        let never = || clean().last_used_at(None);
        assert_eq!(kinds(never().granted_at(now() - d90)), vec![]);
        assert_eq!(kinds(never().granted_at(now() - d90 + SECOND)), vec![]);
        assert_eq!(
            kinds(never().granted_at(now() - d90 - SECOND)),
            vec![FindingKind::NeverUsed]
        );
    }

    #[test]
    fn thresholds_move_the_boundaries() {
        let t = Thresholds {
            expiring_within_days: 3,
            stale_after_days: 7,
        };
        let at = |seed: GrantSeed| -> Vec<FindingKind> {
            assess_grant("acme", &grant(seed), now(), &t)
                .into_iter()
                .map(|f| f.finding)
                .collect()
        };
        assert_eq!(
            at(clean().expires_at(Some(now() + TimeDelta::days(3)))),
            vec![FindingKind::Expiring]
        );
        assert_eq!(
            at(clean().expires_at(Some(now() + TimeDelta::days(4)))),
            vec![]
        );
        assert_eq!(
            at(clean().last_used_at(Some(now() - TimeDelta::days(7)))),
            vec![]
        );
        assert_eq!(
            at(clean().last_used_at(Some(now() - TimeDelta::days(7) - SECOND))),
            vec![FindingKind::Stale]
        );
    }

    #[test]
    fn repository_selection_and_permission_levels() {
        assert_eq!(
            kinds(clean().repository_selection("all")),
            vec![FindingKind::AllRepositories]
        );
        assert_eq!(kinds(clean().repository_selection("none")), vec![]);
        // An unknown selection is not `all`.
        assert_eq!(kinds(clean().repository_selection("selected")), vec![]);

        let g = clean()
            .permission("repository", "contents", "write")
            .permission("organization", "members", "write")
            .permission("organization", "administration", "admin")
            .permission("other", "gists", "read");
        let found = assess_grant("acme", &grant(g), now(), &Thresholds::default());
        let write = found
            .iter()
            .find(|f| f.finding == FindingKind::WriteAccess)
            .unwrap();
        assert_eq!(
            write.detail,
            "write: organization.members, repository.contents"
        );
        let admin = found
            .iter()
            .find(|f| f.finding == FindingKind::AdminAccess)
            .unwrap();
        assert_eq!(admin.detail, "admin: organization.administration");
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn a_grant_can_have_every_grant_finding_but_one_expiry_finding() {
        let g = clean()
            .expires_at(None)
            .last_used_at(Some(now() - TimeDelta::days(400)))
            .repository_selection("all")
            .permission("repository", "contents", "write")
            .permission("organization", "administration", "admin");
        assert_eq!(
            kinds(g),
            vec![
                FindingKind::NoExpiry,
                FindingKind::Stale,
                FindingKind::AllRepositories,
                FindingKind::WriteAccess,
                FindingKind::AdminAccess
            ]
        );
    }

    #[test]
    fn a_finding_carries_the_grants_identity_and_a_readable_detail() {
        let g = clean()
            .expires_at(Some(now() + TimeDelta::days(14)))
            .token_name("deploy")
            .owner("octocat");
        let found = assess_grant("acme", &grant(g), now(), &Thresholds::default());
        assert_eq!(
            found,
            vec![Finding {
                subject: Subject {
                    org: "acme".into(),
                    kind: Kind::Grant,
                    id: 1,
                    token_id: 1001,
                    token_name: "deploy".into(),
                    owner: "octocat".into(),
                },
                finding: FindingKind::Expiring,
                detail: "expires 2025-06-15T12:00:00Z (in 14 days)".into(),
            }]
        );
    }

    #[test]
    fn a_pending_request_says_its_age_and_what_it_asks_for() {
        let seed = RequestSeed::new(7)
            .created_at(now() - TimeDelta::days(3) - TimeDelta::hours(2))
            .repository_selection("all")
            .permission("repository", "contents", "write")
            .reason("deploy the docs");
        let request: Request =
            serde_json::from_value(seed.to_json("https://api.github.com", 1, now())).unwrap();
        let found = assess_request("acme", &request, now());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding, FindingKind::PendingRequest);
        assert_eq!(found[0].subject.kind, Kind::Request);
        assert_eq!(
            found[0].detail,
            "pending 3 days (requested 2025-05-29T10:00:00Z); repositories: all; \
             permissions: repository.contents:write; token never expires; reason: deploy the docs"
        );
    }

    #[test]
    fn names_are_kebab_case_everywhere_and_index_the_table() {
        let names: Vec<&str> = FindingKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names[2..4], ["no-expiry", "never-used"]);
        assert_eq!(names.last(), Some(&"lifetime-over-policy"));
        for (i, &kind) in FindingKind::ALL.iter().enumerate() {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
            assert_eq!(kind.to_string(), kind.name());
            assert_eq!(kind.index(), i);
        }
        let policy: Vec<_> = FindingKind::ALL.iter().map(|k| k.needs_policy()).collect();
        assert_eq!(policy.iter().filter(|&&p| p).count(), 2);
        assert!(policy.ends_with(&[true, true]), "{policy:?}");
    }

    #[test]
    fn each_kind_of_organization_item_has_its_own_findings() {
        let on = |kind: Kind| -> Vec<&str> {
            let found = FindingKind::ALL.iter().filter(|k| k.found_on(kind));
            found.map(|k| k.name()).collect()
        };
        let timing = ["expired", "expiring", "no-expiry", "never-used", "stale"];
        let access = ["all-repositories", "write-access", "admin-access"];
        let policy = ["forbidden-permission", "lifetime-over-policy"];
        assert_eq!(on(Kind::Grant), [&timing[..], &access, &policy].concat());
        assert_eq!(on(Kind::Request), ["pending-request"]);
        let credential = [&timing[..], &["classic-token", "broad-scope"], &policy[1..]];
        assert_eq!(on(Kind::Credential), credential.concat());
        assert_eq!(on(Kind::Installation), access);
        // `unverified` is an instance's SSH key's alone.
        assert!(
            !Kind::VARIANTS
                .iter()
                .any(|&k| FindingKind::Unverified.found_on(k))
        );
    }

    #[test]
    fn human_durations_round_down_to_the_largest_unit() {
        assert_eq!(human(TimeDelta::days(14)), "14 days");
        assert_eq!(human(TimeDelta::days(14) - SECOND), "13 days");
        assert_eq!(human(TimeDelta::days(1)), "1 day");
        assert_eq!(human(TimeDelta::hours(5)), "5 hours");
        assert_eq!(human(TimeDelta::minutes(1)), "1 minute");
        assert_eq!(human(TimeDelta::zero()), "0 seconds");
        assert_eq!(human(-TimeDelta::days(2)), "0 seconds");
    }
}
