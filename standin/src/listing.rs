//! Paginated listings as GitHub serves them: `per_page` and `page`, the
//! filters of the token-governance listings, and a page of items with its
//! `Link` header.
//!
//! What is relied on (the description's parameters for
//! `orgs/list-pat-grants` and `orgs/list-pat-grant-requests`): `per_page`
//! defaults to 30 and is at most 100; `owner[]` takes at most 10 logins and
//! `token_id[]` at most 50 ids (logins compared case-insensitively, as
//! GitHub compares them); `repository` names a repository;
//! `permission` is `name_level` (`issues_read`); `last_used_before` and
//! `last_used_after` are ISO 8601 times. Items are listed in the order they
//! were seeded (GitHub sorts by `created_at`, newest first: seed them so to
//! mimic it); `sort` and `direction` are accepted and not applied.

use std::collections::HashSet;
use std::ops::Range;

use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::auth;
use crate::failure::Failure;
use crate::headers;
use crate::model::{Org, Token};
use crate::respond::{self, Answer};
use crate::state::{OrgQuery, Shared};

/// `per_page` and `page`, and everything else asked, kept for the `Link` URLs.
#[derive(Debug, Default)]
pub(crate) struct Query {
    /// As asked (clamped to 1..=100), which the links carry.
    pub(crate) per_page: usize,
    pub(crate) page: usize,
    /// Every parameter but `page`, in order.
    pub(crate) kept: Vec<(String, String)>,
    pub(crate) filters: Filters,
}

/// The token-governance listings' filters.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Filters {
    pub(crate) owners: HashSet<String>,
    token_ids: HashSet<i64>,
    repository: Option<String>,
    permission: Option<String>,
    last_used_before: Option<DateTime<Utc>>,
    last_used_after: Option<DateTime<Utc>>,
}

/// Reads a query string; a filter over the description's limits is GitHub's 422.
pub(crate) fn parse(raw: Option<&str>) -> Result<Query, Failure> {
    let mut query = Query {
        per_page: 30,
        page: 1,
        ..Query::default()
    };
    let time = |v: &str| {
        DateTime::parse_from_rfc3339(v)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    let f = &mut query.filters;
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "per_page" => query.per_page = v.parse::<usize>().unwrap_or(30).clamp(1, 100),
            "page" => query.page = v.parse::<usize>().unwrap_or(1).max(1),
            "owner[]" | "owner" => _ = f.owners.insert(v.to_ascii_lowercase()),
            "token_id[]" | "token_id" => _ = f.token_ids.insert(v.parse().unwrap_or(-1)),
            "repository" => f.repository = Some(v.to_string()),
            "permission" => f.permission = Some(v.to_string()),
            "last_used_before" => f.last_used_before = time(&v),
            "last_used_after" => f.last_used_after = time(&v),
            _ => {}
        }
        if k != "page" {
            query.kept.push((k.into_owned(), v.into_owned()));
        }
    }
    for (key, most) in [("owner", 10), ("token_id", 50)] {
        let named = |k: &str| k.strip_suffix("[]").unwrap_or(k) == key;
        let given = query.kept.iter().filter(|(k, _)| named(k)).count();
        if given > most {
            return Err(Failure::Unprocessable(format!(
                "Invalid request: `{key}` takes at most {most} items; {given} given"
            )));
        }
    }
    Ok(query)
}

impl Query {
    /// The items of this page among `total`, at most `max_per_page` whatever was asked.
    pub(crate) fn window(&self, total: usize, max_per_page: usize) -> Range<usize> {
        let per_page = self.size(max_per_page);
        let start = (self.page - 1).saturating_mul(per_page).min(total);
        start..start.saturating_add(per_page).min(total)
    }

    /// The last page's number among `total` items (1 when there are none).
    pub(crate) fn last_page(&self, total: usize, max_per_page: usize) -> usize {
        total.div_ceil(self.size(max_per_page)).max(1)
    }

    /// The value of parameter `key`, the first time it was given.
    pub(crate) fn asked(&self, key: &str) -> Option<&str> {
        let found = self.kept.iter().find(|(k, _)| k == key);
        found.map(|(_, v)| v.as_str())
    }

    fn size(&self, max_per_page: usize) -> usize {
        self.per_page.min(max_per_page.max(1))
    }
}

impl Filters {
    pub(crate) fn keep<K>(&self, item: &Token<K>) -> bool {
        let reaches = |repo: &String| {
            item.repository_selection == "all"
                || item.repositories.iter().any(|r| r == repo.as_str())
        };
        let permission = self.permission.as_deref();
        let used = item.token_last_used_at;
        let (before, after) = (self.last_used_before, self.last_used_after);
        (self.owners.is_empty() || self.owners.contains(&item.owner.to_ascii_lowercase()))
            && (self.token_ids.is_empty() || self.token_ids.contains(&item.token_id))
            && self.repository.as_ref().is_none_or(reaches)
            && permission.is_none_or(|p| item.permissions.matches_filter(p))
            && before.is_none_or(|t| used.is_some_and(|u| u < t))
            && after.is_none_or(|t| used.is_some_and(|u| u > t))
    }
}

/// A 200 with one page of a listing (`items`, of `total` on all pages, at
/// `path` under the stand-in's base URL) and GitHub's `Link` to the others.
pub(crate) fn paged(
    s: &Shared,
    path: &str,
    query: &Query,
    total: usize,
    items: &(impl Serialize + ?Sized),
) -> Response {
    let at = format!("{}{path}", s.settings.link_base);
    let last = query.last_page(total, s.settings.max_per_page);
    let next_only = s.settings.next_links_only;
    let link = headers::link(&at, &query.kept, (query.page, last), next_only);
    respond::with_link(respond::json(200, items), link)
}

/// A 200 with the page `query` asks of all of `items` (at `path`), each
/// written as `json` makes it, and GitHub's `Link` to the others.
pub(crate) fn paged_items<'a, T, J: Serialize>(
    s: &Shared,
    (path, query): (&str, &Query),
    items: &'a [T],
    json: impl FnMut(&'a T) -> J,
) -> Response {
    let window = query.window(items.len(), s.settings.max_per_page);
    let page: Vec<J> = items[window].iter().map(json).collect();
    paged(s, path, query, items.len(), &page)
}

/// An organization's listing answered to a caller: admitted (`read` takes
/// what is listed, or refuses), the query read (404 when it cannot
/// be), then `page` answered.
pub(crate) fn admitted<T>(
    s: &Shared,
    asked: &OrgQuery,
    docs: &str,
    read: impl FnOnce(&mut Org) -> Result<T, Failure>,
    page: impl FnOnce(T, &Query) -> Response,
) -> Answer {
    let (caller, listed) = auth::admit(s, &asked.key, &asked.headers, docs, read)?;
    let response = match parse(asked.raw.as_deref()) {
        Ok(query) => page(listed, &query),
        Err(_) => respond::failure(&Failure::NotFound, docs),
    };
    Ok(respond::answered_as(response, caller))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Grant;

    #[test]
    fn limits_and_filters_are_read_as_github_reads_them() {
        let q = parse(Some(
            "per_page=500&page=0&owner%5B%5D=octocat&sort=created_at",
        ))
        .unwrap();
        assert_eq!((q.per_page, q.page), (100, 1));
        assert_eq!(q.kept.len(), 3, "{:?}", q.kept);
        let eleven: String = (0..11).map(|i| format!("owner[]=u{i}&")).collect();
        let Err(Failure::Unprocessable(message)) = parse(Some(&eleven)) else {
            panic!("eleven owners were accepted")
        };
        assert!(
            message.contains("`owner` takes at most 10 items; 11 given"),
            "{message}"
        );
        assert!(
            parse(Some(
                &(0..50)
                    .map(|i| format!("token_id[]={i}&"))
                    .collect::<String>()
            ))
            .is_ok()
        );

        let q = parse(Some("per_page=2&page=3")).unwrap();
        assert_eq!(q.window(5, 100), 4..5);
        assert_eq!(q.window(3, 100), 3..3);
        assert_eq!(q.last_page(5, 100), 3);
        assert_eq!(
            q.window(5, 1),
            2..3,
            "the stand-in's ceiling wins over per_page"
        );
    }

    #[test]
    fn filters_keep_what_github_would_list() {
        let grant = Grant::new(1)
            .owner("hubot")
            .token_id(77)
            .repositories(["app"])
            .permission("repository", "issues", "read");
        let keeps = |q: &str| parse(Some(q)).unwrap().filters.keep(&grant);
        assert!(keeps("owner[]=hubot&owner[]=octocat"));
        assert!(!keeps("owner[]=octocat"));
        assert!(keeps("token_id[]=77") && !keeps("token_id[]=78"));
        assert!(keeps("repository=app") && !keeps("repository=infra"));
        assert!(keeps("permission=issues_read") && !keeps("permission=issues_write"));
        assert!(!keeps("last_used_after=2020-01-01T00:00:00Z"), "never used");
        let all = grant.repository_selection("all");
        assert!(parse(Some("repository=infra")).unwrap().filters.keep(&all));
    }
}
