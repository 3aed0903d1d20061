//! `notify`'s calls to GitHub: the open issues a bot wrote (every page),
//! the label, and each step of a plan, every write a second after the last.

use std::fmt;

use anyhow::bail;
use futures::TryStreamExt as _;
use github_pat_grants::types::{
    IssuesCreateBodyLabelsItem, IssuesCreateBodyTitle, IssuesListForRepoState,
    IssuesUpdateBodyState, IssuesUpdateBodyStateReason, IssuesUpdateBodyTitle,
};
use github_pat_grants::{Client, Error, Operation as _, Paginated as _};
use tokio::time::{Duration, Instant};

use super::plan::{Action, Issue, Step, is_login};

/// `--repo OWNER/REPO`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    /// The owner's login (an organization, for a GitHub App).
    pub owner: String,
    /// The repository's name.
    pub name: String,
}

impl Repo {
    /// `OWNER/REPO`, as GitHub allows them: the owner a login, the name
    /// letters, digits, `.`, `-` and `_` (not `.` or `..`, at most 100).
    ///
    /// # Errors
    /// Anything else.
    pub fn parse(text: &str) -> anyhow::Result<Repo> {
        let name_ok = |n: &str| {
            (1..=100).contains(&n.len())
                && n != "."
                && n != ".."
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        };
        match text.trim().split_once('/') {
            Some((owner, name)) if is_login(owner) && name_ok(name) => Ok(Repo {
                owner: owner.into(),
                name: name.into(),
            }),
            _ => bail!("--repo takes OWNER/REPO, a GitHub repository such as acme-corp/security"),
        }
    }
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// The open issues labelled `label` in `repo` that a GitHub App's bot
/// account wrote (pat-audit writes as its App; a person cannot write as a
/// bot, whatever they put in an issue), every page; pull requests, which
/// GitHub lists as issues, left out.
///
/// # Errors
/// GitHub's.
pub async fn ours(client: &Client, repo: &Repo, label: &str) -> Result<Vec<Issue>, Error> {
    let listing = client.issues().list_for_repo(&repo.owner, &repo.name);
    let mut pages = (listing.state(IssuesListForRepoState::Open))
        .labels(label.to_string())
        .per_page(100)
        .stream();
    let mut found = Vec::new();
    while let Some(issue) = pages.try_next().await? {
        if issue.pull_request.is_none() && issue.user.as_ref().is_some_and(|u| u.type_ == "Bot") {
            found.push(Issue {
                number: issue.number,
                title: issue.title,
                body: issue.body.unwrap_or_default(),
            });
        }
    }
    Ok(found)
}

/// The label pat-audit's issues carry, created when the repository has none
/// of that name.
///
/// # Errors
/// GitHub's.
pub async fn ensure_label(
    client: &Client,
    repo: &Repo,
    label: &str,
    pace: &mut Pace,
) -> Result<(), Error> {
    let issues = client.issues();
    match issues
        .get_label(&repo.owner, &repo.name, label)
        .call()
        .await
    {
        Err(e) if e.status() == Some(404) => {}
        found => return found.map(drop),
    }
    let description = "Personal access tokens that need their owner's attention (pat-audit notify)";
    let create = (issues.create_label(&repo.owner, &repo.name)).body_map(|b| {
        b.name(label.to_string())
            .color(Some("d93f0b".into()))
            .description(Some(description.into()))
    });
    pace.paced(create.call()).await.map(drop)
}

/// GitHub asks integrations to leave a second between requests that write.
const GAP: Duration = Duration::from_secs(1);

/// The moment the last write finished, so that the next waits out [`GAP`].
#[derive(Debug, Default)]
pub struct Pace(Option<Instant>);

impl Pace {
    /// Sends `write` a [`GAP`] after the last one finished. Timing from its
    /// end, not its start, keeps GitHub's receipt of the two a full second
    /// apart whatever time either spent in flight.
    async fn paced<T>(&mut self, write: impl Future<Output = T>) -> T {
        if let Some(last) = self.0 {
            tokio::time::sleep_until(last + GAP).await;
        }
        let written = write.await;
        self.0 = Some(Instant::now());
        written
    }
}

/// Writes one step (never an unchanged one), each write a `GAP` after
/// the last: opens the issue (returning its number), updates it, or
/// comments on it and closes it.
///
/// # Errors
/// GitHub's.
pub async fn write(
    client: &Client,
    repo: &Repo,
    label: &str,
    step: &Step,
    pace: &mut Pace,
) -> Result<Option<i64>, Error> {
    let (issues, owner, name) = (client.issues(), repo.owner.as_str(), repo.name.as_str());
    let (title, text) = (step.title.clone(), step.text.clone());
    match (step.row.action, step.row.issue) {
        (Action::Open, _) => {
            let labels = vec![IssuesCreateBodyLabelsItem::String(label.to_string())];
            let create = (issues.create(owner, name)).body_map(|b| {
                let title = IssuesCreateBodyTitle::String(title);
                b.title(title).body(Some(text)).labels(labels)
            });
            return Ok(Some(pace.paced(create.call()).await?.number));
        }
        (Action::Update, Some(number)) => {
            let title = Some(IssuesUpdateBodyTitle::String(title));
            let update =
                (issues.update(owner, name, number)).body_map(|b| b.title(title).body(Some(text)));
            pace.paced(update.call()).await?;
        }
        (Action::Close, Some(number)) => {
            let comment = (issues.create_comment(owner, name, number)).body_map(|b| b.body(text));
            pace.paced(comment.call()).await?;
            let close = (issues.update(owner, name, number)).body_map(|b| {
                b.state(Some(IssuesUpdateBodyState::Closed))
                    .state_reason(Some(IssuesUpdateBodyStateReason::Completed))
            });
            pace.paced(close.call()).await?;
        }
        _ => {}
    }
    Ok(step.row.issue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_is_owner_slash_name_as_github_allows() {
        let repo = Repo::parse(" acme-corp/security.notes_1 ").unwrap();
        assert_eq!(repo.to_string(), "acme-corp/security.notes_1");
        for bad in [
            "acme", "acme/", "/x", "a/b/c", "-a/b", "a/..", "a/b c", "a/b?x=1",
        ] {
            assert!(Repo::parse(bad).is_err(), "{bad}");
        }
    }
}
