//! Grants and requests generated from a seed: as many as a benchmark wants,
//! the same on every run, costing no memory until served.

use chrono::{DateTime, TimeDelta, Utc};

use crate::model::permissions::Text;
use crate::model::token::{Grant, Token, TokenRequest};
use crate::wire::mix;

const OWNERS: [&str; 12] = [
    "octocat",
    "hubot",
    "monalisa",
    "mojombo",
    "defunkt",
    "pjhyett",
    "wycats",
    "ezmobius",
    "ivey",
    "evanphx",
    "vanpelt",
    "technoweenie",
];

const TOKEN_NAMES: [&str; 10] = [
    "deploy",
    "ci",
    "release-bot",
    "terraform",
    "backup",
    "docs-site",
    "laptop",
    "migration",
    "renovate",
    "dashboards",
];

/// The repositories seeded `subset` grants reach.
const REPOSITORIES: [&str; 4] = ["app", "api", "infra", "docs"];

/// Readable ids, unique across up to 1,000 organizations of up to a million items.
fn seeded_id(org_id: u64, index: usize) -> i64 {
    (org_id % 1000) as i64 * 1_000_000 + index as i64 + 1
}

/// The index of the seeded item of organization `org_id` whose id is `id`,
/// if it can be one.
pub(crate) fn seeded_index(org_id: u64, id: i64) -> Option<usize> {
    let index = id - (org_id % 1000) as i64 * 1_000_000 - 1;
    (0..1_000_000).contains(&index).then_some(index as usize)
}

impl Grant {
    /// Grant number `index` of organization `org_id`, generated from `seed`
    /// with its times relative to `as_of`: about a tenth expired, a tenth
    /// expiring within two weeks, a fifth without expiry, a fifth never
    /// used, a fifth stale, a fifth reaching all repositories, a third with
    /// write access, a tenth with admin access. What
    /// [`Org::seeded_grants`](crate::Org::seeded_grants) serves.
    pub fn seeded(seed: u64, org_id: u64, index: usize, as_of: DateTime<Utc>) -> Grant {
        let r = mix(seed ^ mix(org_id) ^ (index as u64).wrapping_mul(0x1000_0001));
        let pick = |shift: u32, n: u64| (r >> shift) % n;
        let id = seeded_id(org_id, index);
        let hours = |h: u64| TimeDelta::hours(h as i64);
        let days = |d: u64| TimeDelta::days(d as i64);

        let expires_at = match pick(0, 10) {
            0 => Some(as_of - days(1 + pick(8, 60))),
            1 => Some(as_of + hours(1 + pick(8, 14 * 24 - 1))),
            2 | 3 => None,
            _ => Some(as_of + days(15 + pick(8, 350))),
        };
        let (last_used_at, used_age) = match pick(16, 10) {
            0 | 1 => (None, 0),
            2 | 3 => {
                let age = 91 + pick(20, 300);
                (Some(as_of - days(age)), age)
            }
            _ => {
                let age = pick(20, 89);
                (Some(as_of - days(age) - hours(pick(28, 23))), age)
            }
        };
        let granted_at = as_of - days(used_age + 1 + pick(36, 200));
        let selection = match pick(44, 10) {
            0 | 1 => "all",
            2 => "none",
            _ => "subset",
        };
        // Fields set directly, from constants: no allocation but the lists'.
        let name = Text::Borrowed(TOKEN_NAMES[pick(48, TOKEN_NAMES.len() as u64) as usize]);
        let mut g = Token::with(id, id + 500_000_000, name);
        g.owner = Text::Borrowed(OWNERS[pick(52, OWNERS.len() as u64) as usize]);
        g.repository_selection = Text::Borrowed(selection);
        (g.at, g.token_expires_at, g.token_last_used_at) = (granted_at, expires_at, last_used_at);
        if selection == "subset" {
            g.repositories = vec![Text::Borrowed(REPOSITORIES[pick(62, 4) as usize])];
        }
        let p = &mut g.permissions;
        p.set("repository", "metadata", "read");
        if pick(56, 3) == 0 {
            p.set("repository", "contents", "write");
        }
        if pick(58, 2) == 0 {
            p.set("organization", "members", "read");
        }
        if pick(60, 10) == 0 {
            p.set("organization", "administration", "admin");
        }
        g
    }
}

impl TokenRequest {
    /// Request number `index` of organization `org_id`, generated from
    /// `seed`: made in the month before `as_of`, asking for a mix of
    /// access. What [`Org::seeded_requests`](crate::Org::seeded_requests) serves.
    pub fn seeded(seed: u64, org_id: u64, index: usize, as_of: DateTime<Utc>) -> TokenRequest {
        let r = mix(!seed ^ mix(org_id) ^ (index as u64).wrapping_mul(0x2000_0003));
        let pick = |shift: u32, n: u64| (r >> shift) % n;
        let id = seeded_id(org_id, index);
        let selection = if pick(28, 3) == 0 { "all" } else { "subset" };
        let reasons = [
            "release automation",
            "read issues for the dashboard",
            "migrate CI secrets",
        ];
        let name = Text::Borrowed(TOKEN_NAMES[pick(0, TOKEN_NAMES.len() as u64) as usize]);
        let mut q = Token::with(id, id + 700_000_000, name);
        q.reason = Some(Text::Borrowed(reasons[pick(32, 3) as usize]));
        q.owner = Text::Borrowed(OWNERS[pick(8, OWNERS.len() as u64) as usize]);
        q.repository_selection = Text::Borrowed(selection);
        q.at = as_of - TimeDelta::hours(1 + pick(16, 30 * 24) as i64);
        q.token_expires_at = match pick(40, 3) {
            0 => None,
            n => Some(as_of + TimeDelta::days(30 * n as i64)),
        };
        if selection == "subset" {
            q.repositories = vec![Text::Borrowed(REPOSITORIES[pick(62, 4) as usize])];
        }
        q.permissions.set("repository", "metadata", "read");
        if pick(36, 2) == 0 {
            q.permissions.set("repository", "contents", "write");
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn seeded_items_are_the_same_on_every_run_and_differ_between_seeds() {
        let now = Utc.with_ymd_and_hms(2025, 6, 2, 9, 0, 0).unwrap();
        for i in 0..200 {
            assert_eq!(Grant::seeded(1, 7, i, now), Grant::seeded(1, 7, i, now));
            assert_eq!(
                TokenRequest::seeded(1, 7, i, now),
                TokenRequest::seeded(1, 7, i, now)
            );
        }
        assert_ne!(Grant::seeded(1, 7, 0, now), Grant::seeded(2, 7, 0, now));
        assert_eq!(Grant::seeded(1, 7, 41, now).id(), 7_000_042);
    }
}
