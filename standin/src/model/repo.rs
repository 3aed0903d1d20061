//! A repository the stand-in hosts: its issues, their comments and its
//! labels, and their JSON as GitHub's `issue`, `issue-comment` and `label`.

use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::clock::rfc3339;
use crate::wire::{self, Account};

/// An issue of a hosted repository, as the API left it (see
/// [`StandIn::issues`](crate::StandIn::issues)).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct IssueRecord {
    /// Its number in the repository, from 1.
    pub number: u64,
    /// Its title.
    pub title: String,
    /// Its body (empty when it has none).
    pub body: String,
    /// The names of its labels.
    pub labels: Vec<String>,
    /// `open` or `closed`.
    pub state: String,
    /// The bodies of its comments, in the order posted.
    pub comments: Vec<String>,
    /// When the stand-in received the request that opened it.
    pub created_at: Instant,
    pub(crate) state_reason: Option<String>,
    /// When it was opened, last changed and closed, by GitHub's clock.
    pub(crate) times: (DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>),
}

/// A label of a hosted repository: its name, colour and description.
pub(crate) type Label = (String, String, Option<String>);

/// Who the stand-in's issues and comments are by: an App's bot account.
const BOT: &str = "pat-audit-bot";

/// A repository the stand-in hosts, named `owner/name` as configured.
#[derive(Clone, Debug, Default)]
pub(crate) struct Repo {
    pub(crate) owner: String,
    pub(crate) name: String,
    /// Writing issues, comments and labels is refused (403): the App lacks `issues: write`.
    pub(crate) forbidden: bool,
    pub(crate) issues: Vec<IssueRecord>,
    pub(crate) labels: Vec<Label>,
}

impl Repo {
    /// Repository `owner/name` of `repos`, compared as GitHub compares names.
    pub(crate) fn find<'a>(repos: &'a mut [Repo], full_name: &str) -> Option<&'a mut Repo> {
        let (owner, name) = full_name.split_once('/')?;
        let is = |r: &&mut Repo| {
            r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name)
        };
        repos.iter_mut().find(is)
    }

    /// Repository `owner/name`; `None` for a name without one `/`.
    pub(crate) fn new(full_name: &str) -> Option<Repo> {
        let (owner, name) = full_name
            .split_once('/')
            .filter(|(_, n)| !n.contains('/'))?;
        let (owner, name) = (owner.to_string(), name.to_string());
        Some(Repo {
            owner,
            name,
            ..Repo::default()
        })
    }

    /// Opens issue `title`, received at `received` (`now` by GitHub's
    /// clock), without a body or labels: its index.
    pub(crate) fn open(
        &mut self,
        title: String,
        (received, now): (Instant, DateTime<Utc>),
    ) -> usize {
        self.issues.push(IssueRecord {
            number: self.issues.len() as u64 + 1,
            title,
            body: String::new(),
            labels: Vec::new(),
            state: "open".into(),
            comments: Vec::new(),
            created_at: received,
            state_reason: None,
            times: (now, now, None),
        });
        self.issues.len() - 1
    }

    pub(crate) fn label(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.0.eq_ignore_ascii_case(name))
    }

    /// The label's name as the repository spells it, the label created
    /// first when there is none (as GitHub does for a caller with push access).
    pub(crate) fn ensure_label(&mut self, name: &str) -> String {
        if self.label(name).is_none() {
            self.labels.push((name.to_string(), "ededed".into(), None));
        }
        self.label(name).map_or_else(String::new, |l| l.0.clone())
    }

    /// The repository's API URL under `base`, with `path`.
    fn url(&self, base: &str, path: &str) -> String {
        format!("{base}/repos/{}/{}{path}", self.owner, self.name)
    }

    fn id(&self) -> u64 {
        wire::repository_id(&self.owner, &self.name)
    }

    /// GitHub's `label`.
    pub(crate) fn label_json(&self, (name, color, description): &Label, base: &str) -> Value {
        let id = self.id() * 1_000 + wire::stable_id(name) % 1_000;
        json!({"id": id, "node_id": format!("LA_kwDO{id}"), "url": self.url(base, &format!("/labels/{name}")),
            "name": name, "description": description, "color": color, "default": false})
    }

    /// GitHub's `issue`.
    pub(crate) fn issue_json(&self, issue: &IssueRecord, base: &str) -> Value {
        let (n, id, (opened, updated, closed)) = (
            issue.number,
            self.id() * 100_000 + issue.number,
            issue.times,
        );
        let url = self.url(base, &format!("/issues/{n}"));
        let labels = issue.labels.iter().filter_map(|l| self.label(l));
        let labels: Vec<Value> = labels.map(|l| self.label_json(l, base)).collect();
        json!({
            "id": id, "node_id": format!("I_kwDO{id}"), "number": n, "title": issue.title, "state": issue.state,
            "body": Some(&issue.body).filter(|b| !b.is_empty()), "state_reason": issue.state_reason,
            "labels": labels, "user": Account::new(BOT, "Bot"), "assignee": null, "assignees": [],
            "milestone": null, "locked": false, "comments": issue.comments.len(), "author_association": "NONE",
            "created_at": rfc3339(opened), "updated_at": rfc3339(updated), "closed_at": closed.map(rfc3339),
            "repository_url": self.url(base, ""), "labels_url": format!("{url}/labels{{/name}}"),
            "comments_url": format!("{url}/comments"), "events_url": format!("{url}/events"),
            "html_url": format!("https://github.com/{}/{}/issues/{n}", self.owner, self.name), "url": url,
        })
    }

    /// GitHub's `issue-comment`: the last comment of `issue`, posted at `at`.
    pub(crate) fn comment_json(&self, issue: &IssueRecord, base: &str, at: DateTime<Utc>) -> Value {
        let n = issue.number;
        let id = (self.id() * 100_000 + n) * 1_000 + issue.comments.len() as u64;
        json!({
            "id": id, "node_id": format!("IC_kwDO{id}"), "url": self.url(base, &format!("/issues/comments/{id}")),
            "html_url": format!("https://github.com/{}/{}/issues/{n}#issuecomment-{id}", self.owner, self.name),
            "body": issue.comments.last(), "user": Account::new(BOT, "Bot"), "author_association": "NONE",
            "created_at": rfc3339(at), "updated_at": rfc3339(at), "issue_url": self.url(base, &format!("/issues/{n}")),
        })
    }
}
