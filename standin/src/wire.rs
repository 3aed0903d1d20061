//! The shapes GitHub's answers share (an account, a repository, a time),
//! serialized by serde, and the stable numbers seeded data are made from.
//!
//! Pages of 100 grants are served to benchmarks that read 100,000 of them,
//! so the URLs of an account or a repository are written straight into the
//! output ([`Joined`]) rather than built as strings first.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use crate::clock::rfc3339;

/// A time as GitHub writes it: `"2025-06-02T09:00:00Z"`, whole seconds
/// (`null` when an `Option` of one is `None`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Time(pub(crate) DateTime<Utc>);

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(self.0))
    }
}

/// Text made of three parts, written as one JSON string (or shown) without
/// being put together first: `Joined("https://api.github.com/users/", login, "/repos")`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Joined<A, B, C>(pub(crate) A, pub(crate) B, pub(crate) C);

impl<A: fmt::Display, B: fmt::Display, C: fmt::Display> fmt::Display for Joined<A, B, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.0, self.1, self.2)
    }
}

impl<A: fmt::Display, B: fmt::Display, C: fmt::Display> Serialize for Joined<A, B, C> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The `*_url` members of a `simple-user` under `https://api.github.com/users/{login}`.
const USER_URLS: [(&str, &str); 10] = [
    ("url", ""),
    ("followers_url", "/followers"),
    ("following_url", "/following{/other_user}"),
    ("gists_url", "/gists{/gist_id}"),
    ("starred_url", "/starred{/owner}{/repo}"),
    ("subscriptions_url", "/subscriptions"),
    ("organizations_url", "/orgs"),
    ("repos_url", "/repos"),
    ("events_url", "/events{/privacy}"),
    ("received_events_url", "/received_events"),
];

/// GitHub's `simple-user`: an account (`User` or `Organization`) with every
/// URL GitHub sends.
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct Account<'a> {
    pub(crate) login: &'a str,
    pub(crate) id: u64,
    node_id: Joined<&'static str, u64, &'static str>,
    avatar_url: Joined<&'static str, u64, &'static str>,
    gravatar_id: &'static str,
    html_url: Joined<&'static str, &'a str, &'static str>,
    #[serde(flatten)]
    urls: Urls<'a>,
    /// `User` or `Organization`.
    #[serde(rename = "type")]
    pub(crate) kind: &'a str,
    user_view_type: &'static str,
    site_admin: bool,
}

/// URLs under `{base}{name}`: a table's paths, each under its member's name.
#[derive(Clone, Copy, Debug)]
struct Urls<'a> {
    base: &'static str,
    name: Joined<&'a str, &'a str, &'a str>,
    table: &'static [(&'static str, &'static str)],
    /// Where `url` points instead, when somewhere else (an organization's).
    url: Option<&'static str>,
}

impl Serialize for Urls<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.table.iter().map(|&(key, path)| {
            let base = self.url.filter(|_| key == "url").unwrap_or(self.base);
            (key, Joined(base, self.name, path))
        }))
    }
}

impl<'a> Account<'a> {
    /// The account `login` of `kind` (`User` or `Organization`), with a
    /// stable id made from the login.
    pub(crate) fn new(login: &'a str, kind: &'a str) -> Self {
        let id = stable_id(login);
        Account {
            login,
            id,
            node_id: Joined("MDQ6VXNlcn", id, ""),
            avatar_url: Joined("https://avatars.githubusercontent.com/u/", id, "?v=4"),
            gravatar_id: "",
            html_url: Joined("https://github.com/", login, ""),
            urls: Urls {
                base: "https://api.github.com/users/",
                name: Joined(login, "", ""),
                table: &USER_URLS,
                url: None,
            },
            kind,
            user_view_type: "public",
            site_admin: false,
        }
    }

    /// A user.
    pub(crate) fn user(login: &'a str) -> Self {
        Account::new(login, "User")
    }

    /// The same account with its real id (an organization's the stand-in serves).
    pub(crate) fn with_id(self, id: u64) -> Self {
        Account { id, ..self }
    }

    /// The same account with `url` under `https://api.github.com/orgs/`, as
    /// an installation's organization account has it.
    pub(crate) fn org_url(mut self) -> Self {
        self.urls.url = Some("https://api.github.com/orgs/");
        self
    }
}

/// A stable numeric id for a name, so that the same login or repository
/// looks the same everywhere it appears.
pub(crate) fn stable_id(name: &str) -> u64 {
    name.bytes()
        .fold(1u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 10_000_000
}

/// Bytes as lowercase hexadecimal (a digest, a signature).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `bytes`, in hex: a token's `hashed_token`, a body's `ETag`.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref())
}

/// A well-mixed 64-bit hash (splitmix64's finaliser), so that seeded data
/// look random but are the same on every run.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The `*_url` members of a `minimal-repository`, each a path under
/// `https://api.github.com/repos/{owner}/{name}` (GitHub's URI templates included).
const REPOSITORY_URLS: [(&str, &str); 37] = [
    ("archive_url", "/{archive_format}{/ref}"),
    ("assignees_url", "/assignees{/user}"),
    ("blobs_url", "/git/blobs{/sha}"),
    ("branches_url", "/branches{/branch}"),
    ("collaborators_url", "/collaborators{/collaborator}"),
    ("comments_url", "/comments{/number}"),
    ("commits_url", "/commits{/sha}"),
    ("compare_url", "/compare/{base}...{head}"),
    ("contents_url", "/contents/{+path}"),
    ("contributors_url", "/contributors"),
    ("deployments_url", "/deployments"),
    ("downloads_url", "/downloads"),
    ("events_url", "/events"),
    ("forks_url", "/forks"),
    ("git_commits_url", "/git/commits{/sha}"),
    ("git_refs_url", "/git/refs{/sha}"),
    ("git_tags_url", "/git/tags{/sha}"),
    ("hooks_url", "/hooks"),
    ("issue_comment_url", "/issues/comments{/number}"),
    ("issue_events_url", "/issues/events{/number}"),
    ("issues_url", "/issues{/number}"),
    ("keys_url", "/keys{/key_id}"),
    ("labels_url", "/labels{/name}"),
    ("languages_url", "/languages"),
    ("merges_url", "/merges"),
    ("milestones_url", "/milestones{/number}"),
    (
        "notifications_url",
        "/notifications{?since,all,participating}",
    ),
    ("pulls_url", "/pulls{/number}"),
    ("releases_url", "/releases{/id}"),
    ("stargazers_url", "/stargazers"),
    ("statuses_url", "/statuses/{sha}"),
    ("subscribers_url", "/subscribers"),
    ("subscription_url", "/subscription"),
    ("tags_url", "/tags"),
    ("teams_url", "/teams"),
    ("trees_url", "/git/trees{/sha}"),
    ("url", ""),
];

/// The id of repository `name` of organization `org`: stable, and distinct
/// between organizations.
pub(crate) fn repository_id(org: &str, name: &str) -> u64 {
    stable_id(org) * 1_000 + stable_id(name) % 1_000
}

/// `owner/name`.
type FullName<'a> = Joined<&'a str, &'a str, &'a str>;

/// A `minimal-repository` (what the grants' and requests' repository
/// listings return): `name` of organization `org`, private.
#[derive(Debug, Serialize)]
pub(crate) struct Repository<'a> {
    id: u64,
    node_id: Joined<&'static str, u64, &'static str>,
    name: &'a str,
    full_name: FullName<'a>,
    owner: Account<'a>,
    private: bool,
    html_url: Joined<&'static str, FullName<'a>, &'static str>,
    description: Option<&'a str>,
    fork: bool,
    #[serde(flatten)]
    urls: Urls<'a>,
    git_url: Joined<&'static str, FullName<'a>, &'static str>,
    ssh_url: Joined<&'static str, FullName<'a>, &'static str>,
    clone_url: Joined<&'static str, FullName<'a>, &'static str>,
    default_branch: &'static str,
    visibility: &'static str,
    archived: bool,
    disabled: bool,
}

impl<'a> Repository<'a> {
    pub(crate) fn new(org: &'a str, name: &'a str) -> Self {
        let id = repository_id(org, name);
        let full = Joined(org, "/", name);
        Repository {
            id,
            node_id: Joined("R_kgDO", id, ""),
            name,
            full_name: full,
            owner: Account::new(org, "Organization"),
            private: true,
            html_url: Joined("https://github.com/", full, ""),
            description: None,
            fork: false,
            urls: Urls {
                base: "https://api.github.com/repos/",
                name: full,
                table: &REPOSITORY_URLS,
                url: None,
            },
            git_url: Joined("git:github.com/", full, ".git"),
            ssh_url: Joined("git@github.com:", full, ".git"),
            clone_url: Joined("https://github.com/", full, ".git"),
            default_branch: "main",
            visibility: "private",
            archived: false,
            disabled: false,
        }
    }
}

/// A model as a JSON value, for tests and payloads built from the same shapes.
///
/// # Panics
/// Never for the stand-in's models: they have text keys only and no
/// serializer of their own that fails (what `serde_json::json!` relies on too).
pub(crate) fn to_value(model: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(model).expect("the stand-in's models serialize to JSON")
}

/// Appends a model's JSON to `out` (the hostile mode's endless body).
///
/// # Panics
/// Never for the stand-in's models, as [`to_value`].
pub(crate) fn write(out: &mut Vec<u8>, model: &impl Serialize) {
    serde_json::to_writer(out, model).expect("the stand-in's models serialize to JSON");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_and_a_repository_have_githubs_members_escaped() {
        let user = to_value(&Account::user("o\"wner"));
        assert_eq!(user["login"], "o\"wner");
        assert_eq!(user["html_url"], "https://github.com/o\"wner");
        assert_eq!(
            user["following_url"],
            "https://api.github.com/users/o\"wner/following{/other_user}"
        );
        let repo = to_value(&Repository::new("acme", "Hello-World"));
        assert_eq!(repo["full_name"], "acme/Hello-World");
        assert_eq!(
            repo["contents_url"],
            "https://api.github.com/repos/acme/Hello-World/contents/{+path}"
        );
        assert_eq!(repo["owner"]["login"], "acme");
        assert_eq!(repo["owner"]["type"], "Organization");
        assert_eq!(repo["id"], repository_id("acme", "Hello-World"));
    }

    #[test]
    fn times_are_written_in_whole_seconds() {
        use chrono::TimeZone as _;
        let at = Utc.with_ymd_and_hms(2025, 6, 2, 9, 7, 5).unwrap()
            + chrono::TimeDelta::milliseconds(250);
        assert_eq!(to_value(&Time(at)), "2025-06-02T09:07:05Z");
    }
}
