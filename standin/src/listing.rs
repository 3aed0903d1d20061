//! Paginated listings as GitHub serves them: `per_page` and `page`, the
//! filters of the token-governance listings, and a page of items written
//! as one JSON array.
//!
//! What is relied on (the description's parameters for
//! `orgs/list-pat-grants` and `orgs/list-pat-grant-requests`): `per_page`
//! defaults to 30 and is at most 100; `owner[]` takes at most 10 logins and
//! `token_id[]` at most 50 ids; `repository` names a repository;
//! `permission` is `name_level` (`issues_read`); `last_used_before` and
//! `last_used_after` are ISO 8601 times. Items are listed in the order they
//! were seeded (GitHub sorts by `created_at`, newest first: seed them so to
//! mimic it); `sort` and `direction` are accepted and not applied.

use std::collections::HashSet;
use std::ops::Range;

use chrono::{DateTime, Utc};

use crate::failure::Failure;
use crate::model::{Grant, Items, Text, TokenRequest, seeded_index};

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
#[derive(Debug, Default)]
pub(crate) struct Filters {
    owners: HashSet<String>,
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
    let mut owners = 0;
    let mut token_ids = 0;
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "per_page" => query.per_page = v.parse::<usize>().unwrap_or(30).clamp(1, 100),
            "page" => query.page = v.parse::<usize>().unwrap_or(1).max(1),
            "owner[]" | "owner" => {
                owners += 1;
                f.owners.insert(v.to_string());
            }
            "token_id[]" | "token_id" => {
                token_ids += 1;
                f.token_ids.insert(v.parse().unwrap_or(-1));
            }
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
    if owners > 10 || token_ids > 50 {
        let (key, most, given) = if owners > 10 {
            ("owner", 10, owners)
        } else {
            ("token_id", 50, token_ids)
        };
        return Err(Failure::Unprocessable(format!(
            "Invalid request: `{key}` takes at most {most} items; {given} given"
        )));
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

    fn size(&self, max_per_page: usize) -> usize {
        self.per_page.min(max_per_page.max(1))
    }
}

/// What a grant or a request is to the listings.
pub(crate) trait Listed: Clone {
    /// How the `index`th of a seeded organization's items is generated.
    const GENERATE: fn(u64, u64, usize, DateTime<Utc>) -> Self;
    fn id(&self) -> i64;
    fn owner(&self) -> &str;
    fn token_id(&self) -> i64;
    fn last_used(&self) -> Option<DateTime<Utc>>;
    fn selection(&self) -> &str;
    fn repositories(&self) -> &[Text];
    fn has_permission(&self, filter: &str) -> bool;
    fn write_json(&self, out: &mut String, base: &str, org_id: u64, as_of: DateTime<Utc>);
}

macro_rules! listed {
    ($t:ty) => {
        impl Listed for $t {
            const GENERATE: fn(u64, u64, usize, DateTime<Utc>) -> Self = <$t>::seeded;
            fn id(&self) -> i64 {
                self.id
            }
            fn owner(&self) -> &str {
                &self.owner
            }
            fn token_id(&self) -> i64 {
                self.token_id
            }
            fn last_used(&self) -> Option<DateTime<Utc>> {
                self.token_last_used_at
            }
            fn selection(&self) -> &str {
                &self.repository_selection
            }
            fn repositories(&self) -> &[Text] {
                &self.repositories
            }
            fn has_permission(&self, filter: &str) -> bool {
                self.permissions.matches_filter(filter)
            }
            fn write_json(&self, out: &mut String, base: &str, org_id: u64, as_of: DateTime<Utc>) {
                <$t>::write_json(self, out, base, org_id, as_of)
            }
        }
    };
}

listed!(Grant);
listed!(TokenRequest);

impl Filters {
    fn any(&self) -> bool {
        !self.owners.is_empty()
            || !self.token_ids.is_empty()
            || self.repository.is_some()
            || self.permission.is_some()
            || self.last_used_before.is_some()
            || self.last_used_after.is_some()
    }

    fn keep(&self, item: &impl Listed) -> bool {
        let reaches = |repo: &String| {
            item.selection() == "all" || item.repositories().iter().any(|r| r == repo.as_str())
        };
        (self.owners.is_empty() || self.owners.contains(item.owner()))
            && (self.token_ids.is_empty() || self.token_ids.contains(&item.token_id()))
            && self.repository.as_ref().is_none_or(reaches)
            && self
                .permission
                .as_ref()
                .is_none_or(|p| item.has_permission(p))
            && self
                .last_used_before
                .is_none_or(|t| item.last_used().is_some_and(|u| u < t))
            && self
                .last_used_after
                .is_none_or(|t| item.last_used().is_some_and(|u| u > t))
    }
}

/// Item `id` of an organization's `items`, seeded or listed.
pub(crate) fn find<T: Listed>(
    items: &Items<T>,
    id: i64,
    org_id: u64,
    as_of: DateTime<Utc>,
) -> Option<T> {
    let seeded = seeded_index(org_id, id)
        .and_then(|i| (i < items.seeded.map_or(0, |(count, _)| count)).then_some(i))
        .and_then(|i| items.get(i, T::GENERATE, org_id, as_of));
    seeded
        .filter(|item| item.id() == id)
        .or_else(|| items.listed.iter().find(|item| item.id() == id).cloned())
}

/// The items of `items` whose ids are in `ids`, in one pass.
pub(crate) fn select<T: Listed>(
    items: &Items<T>,
    ids: &HashSet<i64>,
    org_id: u64,
    as_of: DateTime<Utc>,
) -> Vec<T> {
    (0..items.len())
        .filter_map(|i| items.get(i, T::GENERATE, org_id, as_of))
        .filter(|item| ids.contains(&item.id()))
        .collect()
}

/// Where a page's items are written from.
pub(crate) struct Source<'a, T> {
    pub(crate) items: &'a Items<T>,
    pub(crate) removed: &'a HashSet<i64>,
    pub(crate) base: &'a str,
    pub(crate) org_id: u64,
    pub(crate) as_of: DateTime<Utc>,
    pub(crate) max_per_page: usize,
}

/// One page of `source` after the filters: the body (a JSON array) and
/// the number of items on all pages.
pub(crate) fn page<T: Listed>(source: &Source<'_, T>, query: &Query) -> (String, usize) {
    let get = |i| {
        source
            .items
            .get(i, T::GENERATE, source.org_id, source.as_of)
    };
    let mut body = String::with_capacity(query.per_page.min(source.max_per_page) * 1700 + 2);
    body.push('[');
    let mut add = |item: &T| {
        if body.len() > 1 {
            body.push(',');
        }
        item.write_json(&mut body, source.base, source.org_id, source.as_of);
    };
    let len = source.items.len();
    let total = if query.filters.any() || !source.removed.is_empty() {
        // Filtered: every item is looked at to count what is left.
        let kept: Vec<T> = (0..len)
            .filter_map(get)
            .filter(|i| !source.removed.contains(&i.id()) && query.filters.keep(i))
            .collect();
        kept[query.window(kept.len(), source.max_per_page)]
            .iter()
            .for_each(&mut add);
        kept.len()
    } else {
        // Unfiltered: only this page's items are made.
        for item in query.window(len, source.max_per_page).filter_map(get) {
            add(&item);
        }
        len
    };
    body.push(']');
    (body, total)
}

#[cfg(test)]
mod tests {
    use super::*;

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
