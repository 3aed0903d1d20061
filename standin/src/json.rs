//! Writing GitHub's JSON directly into a buffer.
//!
//! The stand-in serves pages of 100 grants (about 170 kB) to benchmarks that
//! read 100,000 of them, and its time is not what they measure; so bodies
//! are written as text in one pass rather than built as `serde_json::Value`s
//! and serialized. Every writer here appends one JSON value.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike as _, Timelike as _, Utc};

/// Appends `s` as a JSON string, quotes included.
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    escaped(out, s);
    out.push('"');
}

/// Appends `s` escaped for the inside of a JSON string.
fn escaped(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Appends a time as GitHub writes it: `"2025-06-02T09:00:00Z"`.
///
/// Written digit by digit: with `write!` and chrono's accessors, the three
/// times of a grant took a third of the time to write one.
pub(crate) fn time(out: &mut String, at: DateTime<Utc>) {
    let at = at.naive_utc();
    let (date, clock) = (at.date(), at.time());
    let mut buf = *b"\"0000-00-00T00:00:00Z\"";
    let fields = [
        (1, 4, date.year().clamp(0, 9999) as u32),
        (6, 2, date.month()),
        (9, 2, date.day()),
        (12, 2, clock.hour()),
        (15, 2, clock.minute()),
        (18, 2, clock.second()),
    ];
    for (at, width, mut n) in fields {
        for i in (at..at + width).rev() {
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }
    // Only ASCII digits were written into an ASCII template.
    out.push_str(std::str::from_utf8(&buf).unwrap_or_default());
}

/// Appends an integer.
pub(crate) fn int(out: &mut String, n: i64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(&buf[at..]).unwrap_or_default());
}

/// Appends a time, or `null`.
pub(crate) fn optional_time(out: &mut String, at: Option<DateTime<Utc>>) {
    match at {
        Some(at) => time(out, at),
        None => out.push_str("null"),
    }
}

/// Appends an optional string, or `null`.
pub(crate) fn optional_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.push_str("null"),
    }
}

/// A stable numeric id for a name, so that the same login or repository
/// looks the same everywhere it appears.
pub(crate) fn stable_id(name: &str) -> u64 {
    name.bytes()
        .fold(1u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 10_000_000
}

/// A well-mixed 64-bit hash (splitmix64's finaliser), so that seeded data
/// look random but are the same on every run.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Appends a `simple-user` for `login`, with every URL GitHub sends.
///
/// Its 900 bytes are most of a grant's JSON, and a page of grants has few
/// owners: each thread keeps the users it wrote last (up to 256) and copies
/// them, which makes writing a page about twice as fast.
pub(crate) fn user(out: &mut String, login: &str) {
    thread_local! {
        static USERS: std::cell::RefCell<std::collections::HashMap<String, String>> =
            std::cell::RefCell::default();
    }
    USERS.with_borrow_mut(|users| {
        if let Some(json) = users.get(login) {
            out.push_str(json);
            return;
        }
        let mut json = String::with_capacity(1024);
        account(&mut json, login, "User");
        out.push_str(&json);
        if users.len() >= 256 {
            users.clear();
        }
        users.insert(login.to_string(), json);
    });
}

/// Appends a `simple-user` for an account of `kind` (`User` or `Organization`).
pub(crate) fn account(out: &mut String, login: &str, kind: &str) {
    let id = stable_id(login);
    let mut l = String::with_capacity(login.len());
    escaped(&mut l, login);
    let api = "https://api.github.com/users/";
    let _ = write!(
        out,
        "{{\"login\":\"{l}\",\"id\":{id},\"node_id\":\"MDQ6VXNlcn{id}\",\
         \"avatar_url\":\"https://avatars.githubusercontent.com/u/{id}?v=4\",\"gravatar_id\":\"\",\
         \"url\":\"{api}{l}\",\"html_url\":\"https://github.com/{l}\",\
         \"followers_url\":\"{api}{l}/followers\",\"following_url\":\"{api}{l}/following{{/other_user}}\",\
         \"gists_url\":\"{api}{l}/gists{{/gist_id}}\",\"starred_url\":\"{api}{l}/starred{{/owner}}{{/repo}}\",\
         \"subscriptions_url\":\"{api}{l}/subscriptions\",\"organizations_url\":\"{api}{l}/orgs\",\
         \"repos_url\":\"{api}{l}/repos\",\"events_url\":\"{api}{l}/events{{/privacy}}\",\
         \"received_events_url\":\"{api}{l}/received_events\",\"type\":\"{kind}\",\
         \"user_view_type\":\"public\",\"site_admin\":false}}"
    );
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

/// Appends a `minimal-repository` (what the grants' and requests'
/// repository listings return): `name` of organization `org`, private.
pub(crate) fn repository(out: &mut String, org: &str, name: &str) {
    let id = repository_id(org, name);
    let mut full = String::with_capacity(org.len() + name.len() + 1);
    escaped(&mut full, org);
    full.push('/');
    escaped(&mut full, name);
    let _ = write!(out, "{{\"id\":{id},\"node_id\":\"R_kgDO{id}\",\"name\":");
    string(out, name);
    let _ = write!(out, ",\"full_name\":\"{full}\",\"owner\":");
    account(out, org, "Organization");
    let _ = write!(
        out,
        ",\"private\":true,\"html_url\":\"https://github.com/{full}\",\"description\":null,\"fork\":false"
    );
    for (key, path) in REPOSITORY_URLS {
        let _ = write!(
            out,
            ",\"{key}\":\"https://api.github.com/repos/{full}{path}\""
        );
    }
    let _ = write!(
        out,
        ",\"git_url\":\"git:github.com/{full}.git\",\"ssh_url\":\"git@github.com:{full}.git\",\
         \"clone_url\":\"https://github.com/{full}.git\",\"default_branch\":\"main\",\
         \"visibility\":\"private\",\"archived\":false,\"disabled\":false}}"
    );
}

/// The JSON a writer writes, as a value (for tests and payloads built from
/// the same writers).
pub(crate) fn to_value(write: impl FnOnce(&mut String)) -> serde_json::Value {
    let mut out = String::new();
    write(&mut out);
    serde_json::from_str(&out).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_integers_are_written_as_github_and_display_write_them() {
        use chrono::TimeZone as _;
        let at = Utc.with_ymd_and_hms(2025, 6, 2, 9, 7, 5).unwrap();
        let mut out = String::new();
        time(&mut out, at);
        assert_eq!(out, "\"2025-06-02T09:07:05Z\"");
        for n in [0, 7, -7, 42, i64::MAX, i64::MIN, 1_000_000_000] {
            let mut out = String::new();
            int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn strings_are_escaped_as_json_reads_them() {
        let nasty = "say \"hi\"\\\n\t\u{1}é";
        let value = to_value(|out| string(out, nasty));
        assert_eq!(value, nasty);
    }

    #[test]
    fn a_user_and_a_repository_are_valid_json_with_githubs_members() {
        let user = to_value(|out| user(out, "o\"wner"));
        assert_eq!(user["login"], "o\"wner");
        assert_eq!(user["html_url"], "https://github.com/o\"wner");
        let repo = to_value(|out| repository(out, "acme", "Hello-World"));
        assert_eq!(repo["full_name"], "acme/Hello-World");
        assert_eq!(
            repo["contents_url"],
            "https://api.github.com/repos/acme/Hello-World/contents/{+path}"
        );
        assert_eq!(repo["owner"]["login"], "acme");
        assert_eq!(repo["id"], repository_id("acme", "Hello-World"));
    }
}
