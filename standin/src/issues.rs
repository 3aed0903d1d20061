//! A hosted repository's issues, their comments and its labels:
//! `GET`/`POST /repos/{owner}/{repo}/issues`, `PATCH .../issues/{issue_number}`,
//! `POST .../issues/{issue_number}/comments`, `GET .../labels/{name}` and
//! `POST .../labels`.
//!
//! What is relied on (the description's `issues/list-for-repo`, `-create`,
//! `-update`, `-create-comment`, `-get-label`, `-create-label`): the listing
//! is a plain array of open issues by default (`state`: `open`, `closed`,
//! `all`), newest first, of those carrying every label of `labels` (a
//! comma-separated list), paged by `per_page` and `page` with a `Link`. An
//! issue is opened with 201 (`title` required, else 422); its labels are
//! named, and a label the repository lacks is created (GitHub does so for
//! a caller with push access). An update sets what it names (`title`,
//! `body`, `state`, `state_reason`, `labels`); closing records when, with
//! the reason `completed` unless another is given. A comment is 201; a
//! label is read (404 when there is none) or created (201; 422
//! `already_exists` when there is one). An unknown repository is 404;
//! writing where the App lacks `issues: write` is 403 `Resource not
//! accessible by integration`. Callers are admitted as for the owner's
//! organization.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::{get, patch, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{self, Accepts};
use crate::failure::Failure;
use crate::listing;
use crate::model::{IssueRecord, Repo};
use crate::respond::{self, Answer};
use crate::state::Shared;

const DOCS: &str = "https://docs.github.com/rest/issues/issues";

/// The path's parameters: `owner`, `repo`, and `issue_number` or `name`.
type Params = HashMap<String, String>;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    let at = "/repos/{owner}/{repo}";
    let issue = format!("{at}/issues/{{issue_number}}");
    Router::new()
        .route(&format!("{at}/issues"), get(read).post(write))
        .route(&issue, patch(write))
        .route(&format!("{issue}/comments"), post(write))
        .route(&format!("{at}/labels"), post(write))
        .route(&format!("{at}/labels/{{name}}"), get(read))
}

/// What an issue or a label is changed with; members GitHub takes that the
/// stand-in does not keep are ignored.
#[derive(Debug, Default, Deserialize)]
struct Change {
    title: Option<String>,
    body: Option<String>,
    state: Option<String>,
    state_reason: Option<String>,
    /// Names, or objects with a `name`.
    labels: Option<Vec<Value>>,
    name: Option<String>,
    color: Option<String>,
    description: Option<String>,
}

/// The answer `act` makes with the repository the path names (and the
/// request's time; `None`: 404), once the caller is admitted as for the
/// owner's organization: 404 for a repository the stand-in does not host,
/// 403 when it `writes` where issues are forbidden.
fn hosted(
    s: &Shared,
    (path, headers): (&Params, &HeaderMap),
    writes: bool,
    act: impl FnOnce(&mut Repo, DateTime<Utc>) -> Option<Response>,
) -> Answer {
    let param = |name: &str| path.get(name).map_or("", String::as_str);
    let full_name = format!("{}/{}", param("owner"), param("repo"));
    let owners = Accepts::Org(param("owner"));
    auth::answer(s, headers, owners, DOCS, |world, now| {
        let repo = Repo::find(&mut world.repos, &full_name)?;
        if writes && repo.forbidden {
            return Some(respond::failure(&Failure::Forbidden, DOCS));
        }
        act(repo, now)
    })
}

/// GitHub's 422 for a body it refuses: `code` for `field` of `resource`.
fn invalid(resource: &str, field: &str, code: &str) -> Response {
    let error = json!({"resource": resource, "field": field, "code": code});
    let body =
        json!({"message": "Validation Failed", "errors": [error], "documentation_url": DOCS});
    respond::json(422, &body)
}

/// A label (`GET .../labels/{name}`) or a page of the issues.
async fn read(
    State(s): State<Arc<Shared>>,
    Path(path): Path<Params>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Answer {
    let base = &s.settings.base_url;
    hosted(&s, (&path, &headers), false, |repo, _| {
        if let Some(name) = path.get("name") {
            let label = repo.label(name)?;
            return Some(respond::json(200, &repo.label_json(label, base)));
        }
        let query = listing::parse(raw.as_deref()).ok()?;
        let state = query.asked("state").unwrap_or("open");
        let labels: Vec<&str> =
            (query.asked("labels")).map_or(Vec::new(), |l| l.split(',').collect());
        let has =
            |i: &IssueRecord, l: &str| i.labels.iter().any(|n| n.eq_ignore_ascii_case(l.trim()));
        let kept: Vec<&IssueRecord> = (repo.issues.iter().rev())
            .filter(|i| (state == "all" || i.state == state) && labels.iter().all(|l| has(i, l)))
            .collect();
        let path = format!("/repos/{}/{}/issues", repo.owner, repo.name);
        let json = |i: &&IssueRecord| repo.issue_json(i, base);
        Some(listing::paged_items(&s, (&path, &query), &kept, json))
    })
}

/// Opens, updates or comments on an issue, or creates a label, as the
/// path's last segment says.
async fn write(
    State(s): State<Arc<Shared>>,
    Path(path): Path<Params>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let received = Instant::now();
    let base = &s.settings.base_url;
    hosted(&s, (&path, &headers), true, |repo, now| {
        let Ok(change) = serde_json::from_slice::<Change>(&body) else {
            return Some(respond::error(400, "Problems parsing JSON", DOCS));
        };
        let bad_state = (change.state.as_ref()).is_some_and(|s| s != "open" && s != "closed");
        let number = path.get("issue_number");
        let at = number.map(|n| repo.issues.iter().position(|i| i.number.to_string() == *n));
        Some(match (uri.path().rsplit('/').next(), at) {
            (_, Some(None)) => return None,
            (Some("labels"), _) => create_label(repo, change, base),
            (Some("comments"), Some(Some(at))) => match change.body {
                Some(text) => {
                    let issue = &mut repo.issues[at];
                    issue.comments.push(text);
                    issue.times.1 = now;
                    respond::json(201, &repo.comment_json(&repo.issues[at], base, now))
                }
                None => invalid("IssueComment", "body", "missing_field"),
            },
            (_, Some(Some(_))) if bad_state => invalid("Issue", "state", "invalid"),
            (_, Some(Some(at))) => {
                apply(repo, at, change, now);
                respond::json(200, &repo.issue_json(&repo.issues[at], base))
            }
            _ => match change.title.clone() {
                Some(title) => {
                    let at = repo.open(title, (received, now));
                    apply(repo, at, change, now);
                    respond::json(201, &repo.issue_json(&repo.issues[at], base))
                }
                None => invalid("Issue", "title", "missing_field"),
            },
        })
    })
}

/// Sets on issue `at` of `repo` what `change` names, at `now`.
fn apply(repo: &mut Repo, at: usize, change: Change, now: DateTime<Utc>) {
    let names = change.labels.map(|named| {
        let named = named
            .iter()
            .filter_map(|l| l.as_str().or(l["name"].as_str()));
        named.map(|n| repo.ensure_label(n)).collect::<Vec<_>>()
    });
    let issue = &mut repo.issues[at];
    issue.title = change.title.unwrap_or(issue.title.clone());
    issue.body = change.body.unwrap_or(issue.body.clone());
    issue.labels = names.unwrap_or(issue.labels.clone());
    issue.times.1 = now;
    if let Some(state) = change.state.filter(|s| *s != issue.state) {
        let closing = state == "closed";
        issue.times.2 = closing.then_some(now);
        issue.state_reason = Some(if closing { "completed" } else { "reopened" }.into());
        issue.state = state;
    }
    issue.state_reason = change.state_reason.or(issue.state_reason.take());
}

/// `POST .../labels`: 201, or 422 without a name or for one the repository has.
fn create_label(repo: &mut Repo, change: Change, base: &str) -> Response {
    let Some(name) = change.name.filter(|n| !n.is_empty()) else {
        return invalid("Label", "name", "missing_field");
    };
    if repo.label(&name).is_some() {
        return invalid("Label", "name", "already_exists");
    }
    let color = change.color.unwrap_or_else(|| "ededed".into());
    let label = (name, color, change.description);
    let created = respond::json(201, &repo.label_json(&label, base));
    repo.labels.push(label);
    created
}
