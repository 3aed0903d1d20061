//! An organization's audit log: `GET /orgs/{org}/audit-log` and the pages
//! its `Link` points at (`/organizations/{id}/audit-log`).
//!
//! What is relied on (the description's `orgs/get-audit-log`, GitHub's docs
//! "Reviewing the audit log for your organization", "Using pagination in
//! the REST API", "Identifying audit log events performed by an access
//! token"): events come newest first (`order=desc`, the default) or oldest
//! first (`asc`); `per_page` defaults to 30, at most 100; pages are cursor
//! pages: `Link` carries `rel="next"` with an `after` cursor and, past the
//! first page, `rel="prev"` with a `before` cursor, never page numbers;
//! `phrase` is the audit log's search, of which these qualifiers are served:
//! `hashed_token:"HASH"`, `created:` with `>=`, `>`, `<=`, `<` or a day
//! (`YYYY-MM-DD`, or an RFC 3339 time), `action:` (an action, or its
//! category before the dot), `actor:` and `repo:`; other words are ignored.
//! The endpoint has its own limit, "1,750 queries per hour per user and IP
//! address", told in `x-ratelimit-*` with `x-ratelimit-resource: audit_log`
//! and refused like the primary limit (403, `x-ratelimit-remaining: 0`).
//!
//! An organization without an audit log answers 404 `Not Found`: what
//! GitHub answers for an organization not on GitHub Enterprise Cloud (users
//! of the endpoint report it; the description documents only the 200).

use std::cmp::Ordering;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde_json::Value;

use crate::auth::{self, Accepts};
use crate::failure::{Failure, RATE_LIMIT_DOCS};
use crate::headers::{self, OwnQuota, Quota};
use crate::model::{AuditEvent, Org};
use crate::respond::{self, Answer, Refused};
use crate::state::{OrgQuery, Shared, both_forms};

/// GitHub's hourly limit of the audit log.
pub(crate) const AUDIT_LOG_RATE_LIMIT: u64 = 1_750;

const DOCS: &str = "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#get-the-audit-log-for-an-organization";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    both_forms(Router::new(), "/audit-log", get(page))
}

/// The query: paging and the phrase's filters.
#[derive(Debug, Default)]
struct Query {
    per_page: usize,
    ascending: bool,
    after: Option<(i64, String)>,
    before: Option<(i64, String)>,
    /// Everything asked but the cursors, for the links.
    kept: Vec<(String, String)>,
    filter: Filter,
}

/// What `phrase` selects.
#[derive(Debug, Default)]
struct Filter {
    fields: Vec<(String, String)>,
    action: Option<String>,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

/// A page of the audit log, or GitHub's refusal, counted against the audit
/// log's own limit.
async fn page(State(s): State<Arc<Shared>>, asked: OrgQuery) -> Answer {
    let (key, headers, now) = (&asked.key, &asked.headers, s.clock.now());
    let (caller, listed, quota) = {
        let mut world = s.world();
        let login = world.org(key).map(|o| o.login.clone());
        let accepts = Accepts::Org(login.as_deref().unwrap_or(""));
        let caller = auth::sign_in(&mut world, headers, now, accepts)
            .map_err(|refusal| refusal.response(DOCS))?;
        let quota = world.audit_rate.count(now);
        (caller, listed(world.org(key), quota), quota)
    };
    let response: Answer = listed.and_then(|(events, org_id)| {
        let query = parse(asked.raw.as_deref()).map_err(|m| respond::error(422, &m, DOCS))?;
        let (shown, before, after) = select(&events, &query);
        let path = format!("{}/organizations/{org_id}/audit-log", s.settings.link_base);
        let link = link(&path, &query, (&shown, before, after));
        let fields: Vec<_> = shown.iter().map(|e| &e.fields).collect();
        Ok(respond::with_link(respond::json(200, &fields), link))
    });
    let response = response.unwrap_or_else(IntoResponse::into_response);
    let mut response = respond::answered_as(response, caller);
    let resource = "audit_log";
    response
        .extensions_mut()
        .insert(OwnQuota { quota, resource });
    Ok(response)
}

/// The organization's events and id, or GitHub's refusal: the audit log's
/// limit met, no such organization, or its audit log failing.
fn listed(org: Option<&Org>, quota: Quota) -> Result<(Arc<Vec<AuditEvent>>, u64), Refused> {
    if quota.exhausted() {
        let message = "API rate limit exceeded for user.";
        return Err(respond::error(403, message, RATE_LIMIT_DOCS).into());
    }
    let org = org.ok_or_else(|| respond::failure(&Failure::NotFound, DOCS))?;
    match &org.audit_log.failing {
        Some(failure) => Err(respond::failure(failure, DOCS).into()),
        None => Ok((org.audit_log.listed.clone(), org.id)),
    }
}

/// The page `q` asks for, and whether events precede it and follow it.
fn select<'e>(events: &'e [AuditEvent], q: &Query) -> (Vec<&'e AuditEvent>, bool, bool) {
    // In the asked order: newest first by default.
    let mut ordered: Vec<&AuditEvent> = events.iter().filter(|e| q.filter.keeps(e)).collect();
    if q.ascending {
        ordered.reverse();
    }
    // Where an event stands to a cursor in this order: `Less` before it.
    let against = |e: &AuditEvent, c: &(i64, String)| {
        let by_key = e.key().cmp(&(c.0, c.1.as_str()));
        if q.ascending {
            by_key
        } else {
            by_key.reverse()
        }
    };
    // The events before a cursor, and those up to it (itself included).
    let before = |c| ordered.partition_point(|e| against(e, c) == Ordering::Less);
    let upto = |c| ordered.partition_point(|e| against(e, c) != Ordering::Greater);
    let (start, end) = match (&q.after, &q.before) {
        (Some(after), _) => {
            let start = upto(after);
            (start, (start + q.per_page).min(ordered.len()))
        }
        (None, Some(cursor)) => {
            let end = before(cursor);
            (end.saturating_sub(q.per_page), end)
        }
        (None, None) => (0, q.per_page.min(ordered.len())),
    };
    let more_after = end < ordered.len();
    ordered.truncate(end);
    (ordered.split_off(start), start > 0, more_after)
}

/// GitHub's `Link` for a cursor page (`shown`), when events precede it or
/// follow it.
fn link(
    path: &str,
    q: &Query,
    (shown, before, after): (&[&AuditEvent], bool, bool),
) -> Option<String> {
    let url = |after: &str, before: &str| {
        headers::target(path, &q.kept, &[("after", after), ("before", before)])
    };
    let mut links = Vec::new();
    if let (true, Some(last)) = (after, shown.last()) {
        links.push((url(&cursor(last), ""), "next"));
    }
    if let (true, Some(first)) = (before, shown.first()) {
        links.push((url("", &cursor(first)), "prev"));
        links.push((url("", ""), "first"));
    }
    headers::joined(&links)
}

/// An opaque cursor: the event's time and document id, base64.
fn cursor(event: &AuditEvent) -> String {
    let (ms, id) = event.key();
    STANDARD.encode(format!("{ms}:{id}"))
}

fn uncursor(text: &str) -> Option<(i64, String)> {
    let bytes = STANDARD.decode(text).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (ms, id) = text.split_once(':')?;
    Some((ms.parse().ok()?, id.to_string()))
}

/// Reads the query; `Err` is GitHub's 422 message.
fn parse(raw: Option<&str>) -> Result<Query, String> {
    let mut q = Query {
        per_page: 30,
        ..Query::default()
    };
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let cursor = |v: &str| match v {
            "" => Ok(None),
            v => uncursor(v)
                .map(Some)
                .ok_or_else(|| format!("Invalid cursor: {v}")),
        };
        match k.as_ref() {
            "after" => q.after = cursor(&v)?,
            "before" => q.before = cursor(&v)?,
            "per_page" => q.per_page = v.parse::<usize>().unwrap_or(30).clamp(1, 100),
            "order" => q.ascending = v == "asc",
            "phrase" => q.filter = Filter::parse(&v)?,
            _ => {}
        }
        if !matches!(k.as_ref(), "after" | "before") {
            q.kept.push((k.into_owned(), v.into_owned()));
        }
    }
    Ok(q)
}

impl Filter {
    /// The phrase's qualifiers; words without one are ignored.
    fn parse(phrase: &str) -> Result<Filter, String> {
        let mut filter = Filter::default();
        for term in words(phrase) {
            let Some((key, value)) = term.split_once(':') else {
                continue;
            };
            let value = value.trim_matches('"').to_string();
            match key {
                "hashed_token" | "actor" | "repo" => filter.fields.push((key.into(), value)),
                "action" => filter.action = Some(value),
                "created" => filter.created(&value)?,
                _ => {}
            }
        }
        Ok(filter)
    }

    /// `created:>=2026-03-01`, `created:<2026-03-01T12:00:00Z`, `created:2026-03-01`.
    fn created(&mut self, value: &str) -> Result<(), String> {
        let (op, at) = ["<=", ">=", "<", ">"]
            .into_iter()
            .find_map(|op| value.strip_prefix(op).map(|rest| (op, rest)))
            .unwrap_or(("", value));
        let (start, span) =
            time(at).ok_or_else(|| format!("Invalid created qualifier: {value}"))?;
        let next = start + span;
        match op {
            ">=" => self.from = Some(start),
            ">" => self.from = Some(next),
            "<=" => self.until = Some(next),
            "<" => self.until = Some(start),
            _ => (self.from, self.until) = (Some(start), Some(next)),
        }
        Ok(())
    }

    fn keeps(&self, e: &AuditEvent) -> bool {
        let text = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default();
        self.fields.iter().all(|(k, v)| text(k) == v)
            && self.action.as_deref().is_none_or(|a| {
                let action = text("action");
                action == a || action.split('.').next() == Some(a)
            })
            && self.from.is_none_or(|from| e.at >= from)
            && self.until.is_none_or(|until| e.at < until)
    }
}

/// A day (`YYYY-MM-DD`, from midnight UTC) or an RFC 3339 time (to the
/// millisecond): when it starts and how long it lasts.
fn time(text: &str) -> Option<(DateTime<Utc>, TimeDelta)> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some((day.and_hms_opt(0, 0, 0)?.and_utc(), TimeDelta::days(1)));
    }
    let at = DateTime::parse_from_rfc3339(text).ok()?;
    Some((at.with_timezone(&Utc), TimeDelta::milliseconds(1)))
}

/// The phrase's terms, split at spaces outside quotes.
fn words(phrase: &str) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    let split = phrase.split(move |c: char| {
        quoted ^= c == '"';
        c.is_whitespace() && !quoted
    });
    split.filter(|w| !w.is_empty())
}
