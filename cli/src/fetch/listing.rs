//! Every listing of a plan, fetched concurrently.
//!
//! Each organization has up to four listings (grants, requests, credential
//! authorizations, installed Apps). `concurrency`
//! workers share one queue of requests to make. The first page of every
//! listing is requested first; when its links name the last page, pages 2
//! to N are then queued by number and taken by whichever worker is free,
//! from any organization. That keeps every worker busy until the very last
//! page, where fetching organization by organization would leave workers
//! idle while the largest organizations finish. A listing whose links carry
//! no page numbers is followed link by link by the worker that fetched its
//! first page.
//!
//! Workers hand each page over through a channel of `concurrency` places and
//! go on at once; the caller assesses it and drops it. Memory holds at most
//! twice `concurrency` pages whatever the number of grants.

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex, MutexGuard};

use futures::StreamExt as _;
use github_pat_grants::{Client, Error, RateLimit};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinSet;

use super::connect::Connection;
use super::explain::Endpoint;
use super::pages::{self, Chain, Continuation, Items, PageOut, Plan};

/// What [`fetch_all`] reports as it goes.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// A page arrived.
    Page {
        /// Index into [`Plan::orgs`].
        org: usize,
        /// Its items.
        items: Items,
        /// The rate-limit figures that came with it.
        rate_limit: Option<RateLimit>,
    },
    /// A listing is finished, completely or with an error (the pages before
    /// the error have been reported).
    Done {
        /// Index into [`Plan::orgs`].
        org: usize,
        /// Which listing.
        endpoint: Endpoint,
        /// Why it stopped early.
        error: Option<Error>,
    },
}

/// One request (or, for the first page of a listing whose pages are not
/// numbered, the whole chain of `next` links) a worker makes.
enum Job {
    First,
    Numbered(u32),
}

/// Progress of one listing.
#[derive(Default)]
struct Unit {
    /// Jobs queued or running.
    outstanding: usize,
    error: Option<Error>,
    done: bool,
}

/// What the workers share, behind a mutex that is never held across an `.await`.
struct Board {
    /// The listings: (index into `Plan::orgs`, which listing).
    listings: Vec<(usize, Endpoint)>,
    units: Vec<Unit>,
    queue: VecDeque<(usize, Job)>,
    /// Jobs queued or running, all listings together: the workers stop at 0.
    outstanding: usize,
}

impl Board {
    /// Every listing of the plan, each with its first page queued.
    fn new(plan: &Plan) -> Board {
        let mut listings: Vec<(usize, Endpoint)> = Vec::new();
        for org in 0..plan.orgs.len() {
            if plan.grants {
                listings.push((org, Endpoint::Grants));
            }
            if plan.requests {
                listings.push((org, Endpoint::Requests));
            }
            if plan.credentials {
                listings.push((org, Endpoint::Credentials));
            }
            if plan.installations {
                listings.push((org, Endpoint::Installations));
            }
        }
        Board {
            units: listings
                .iter()
                .map(|_| Unit {
                    outstanding: 1,
                    ..Unit::default()
                })
                .collect(),
            queue: (0..listings.len()).map(|u| (u, Job::First)).collect(),
            outstanding: listings.len(),
            listings,
        }
    }
}

/// The state shared by the workers of one `fetch_all`.
struct Shared {
    /// One per organization of the plan, in its order.
    clients: Vec<Client>,
    plan: Plan,
    board: Mutex<Board>,
    /// Wakes workers waiting for jobs (or for the end).
    wake: Notify,
    events: mpsc::Sender<Event>,
}

impl Shared {
    fn board(&self) -> MutexGuard<'_, Board> {
        // A worker that panicked while holding the lock left the board as
        // consistent as any other moment: every change is a few plain writes.
        self.board
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues jobs for a listing.
    fn add(&self, unit: usize, jobs: impl IntoIterator<Item = Job>) {
        let mut board = self.board();
        let before = board.queue.len();
        board.queue.extend(jobs.into_iter().map(|job| (unit, job)));
        let added = board.queue.len() - before;
        board.units[unit].outstanding += added;
        board.outstanding += added;
        drop(board);
        self.wake.notify_waiters();
    }

    /// Records a listing's failure; its jobs not yet started are dropped and
    /// the first error is the one reported.
    fn fail(&self, unit: usize, error: Error) {
        let mut board = self.board();
        let before = board.queue.len();
        board.queue.retain(|(u, _)| *u != unit);
        let dropped = before - board.queue.len();
        board.units[unit].outstanding -= dropped;
        board.outstanding -= dropped;
        board.units[unit].error.get_or_insert(error);
    }

    /// Marks a job finished; reports the listing when it was its last.
    async fn finish(&self, unit: usize) -> Result<(), mpsc::error::SendError<Event>> {
        let done = {
            let mut board = self.board();
            board.units[unit].outstanding -= 1;
            board.outstanding -= 1;
            let last = board.units[unit].outstanding == 0 && !board.units[unit].done;
            if last {
                board.units[unit].done = true;
            }
            let (org, endpoint) = board.listings[unit];
            last.then(|| (org, endpoint, board.units[unit].error.take()))
        };
        self.wake.notify_waiters();
        match done {
            Some((org, endpoint, error)) => {
                self.events
                    .send(Event::Done {
                        org,
                        endpoint,
                        error,
                    })
                    .await
            }
            None => Ok(()),
        }
    }

    async fn page(
        &self,
        org: usize,
        (items, rate_limit): PageOut,
    ) -> Result<(), mpsc::error::SendError<Event>> {
        self.events
            .send(Event::Page {
                org,
                items,
                rate_limit,
            })
            .await
    }
}

/// One of the `concurrency` workers: takes the next job, makes the request,
/// hands the page over, and goes on until no job is left anywhere. A worker
/// never waits for the pages it hands over to be processed (unless the
/// bounded channel is full), so the next request leaves at once.
async fn worker(shared: Arc<Shared>) {
    while let Some((unit, job)) = shared.next_job().await {
        let sent = shared.run(unit, job).await;
        // A closed channel means the caller stopped listening: stop too.
        if sent.is_err() || shared.finish(unit).await.is_err() {
            return;
        }
    }
}

impl Shared {
    /// The next job, waiting while other workers may still queue some;
    /// `None` when no job is left anywhere.
    async fn next_job(&self) -> Option<(usize, Job)> {
        loop {
            // Registered before looking, so that a wake-up between the look
            // and the wait is not lost.
            let woken = self.wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            {
                let mut board = self.board();
                match board.queue.pop_front() {
                    Some(next) => return Some(next),
                    None if board.outstanding == 0 => return None,
                    None => {}
                }
            }
            woken.await;
        }
    }

    /// Makes a job's requests and hands their pages over.
    async fn run(&self, unit: usize, job: Job) -> Result<(), mpsc::error::SendError<Event>> {
        let (org, endpoint) = self.board().listings[unit];
        let (plan, name, client) = (&self.plan, self.plan.orgs[org].as_str(), &self.clients[org]);
        let fetched = match job {
            Job::First => pages::first_page(client, plan, name, endpoint).await,
            Job::Numbered(n) => pages::numbered_page(client, plan, name, endpoint, n)
                .await
                .map(|page| (page, Continuation::Nothing)),
        };
        let (page, continuation) = match fetched {
            Ok(fetched) => fetched,
            Err(e) => {
                self.fail(unit, e);
                return Ok(());
            }
        };
        match continuation {
            Continuation::Nothing => self.page(org, page).await,
            Continuation::Numbered(last) => {
                self.add(unit, (2..=last).map(Job::Numbered));
                self.page(org, page).await
            }
            Continuation::Serial(chain) => {
                self.page(org, page).await?;
                self.follow(unit, org, chain).await
            }
        }
    }

    /// Follows a chain of `next` links: it cannot be parallel, so the worker
    /// that fetched the first page follows it to the end.
    async fn follow(
        &self,
        unit: usize,
        org: usize,
        mut chain: Chain<'_>,
    ) -> Result<(), mpsc::error::SendError<Event>> {
        while let Some(page) = chain.next().await {
            match page {
                Ok(page) => self.page(org, page).await?,
                Err(e) => self.fail(unit, e),
            }
        }
        Ok(())
    }
}

/// Fetches every listing of the plan and reports each page and each
/// finished listing to `on_event`, which may stop everything by returning
/// [`ControlFlow::Break`] (for instance when the report cannot be written).
///
/// `concurrency` workers make the requests, each with the organization's
/// client from `connection`; pages wait for `on_event` in a channel of
/// `concurrency` places, so memory holds at most twice `concurrency` pages.
/// A listing that fails is reported once, with its error; the others go on.
/// Must run inside a tokio runtime.
///
/// # Errors
/// Only when an organization's client cannot be made (see
/// [`Connection::client_for`]); nothing has been fetched then.
pub async fn fetch_all(
    connection: &Connection,
    plan: &Plan,
    mut on_event: impl FnMut(Event) -> ControlFlow<()>,
) -> Result<(), Error> {
    let clients = plan
        .orgs
        .iter()
        .map(|org| connection.client_for(org))
        .collect::<Result<Vec<_>, _>>()?;
    let limit = plan.concurrency.max(1);
    let (events, mut received) = mpsc::channel(limit);
    let shared = Arc::new(Shared {
        clients,
        plan: plan.clone(),
        board: Mutex::new(Board::new(plan)),
        wake: Notify::new(),
        events,
    });
    let mut workers = JoinSet::new();
    for _ in 0..limit {
        workers.spawn(worker(shared.clone()));
    }
    // The workers hold the only senders: the channel closes when they are done.
    drop(shared);
    loop {
        tokio::select! {
            event = received.recv() => match event {
                Some(event) => {
                    if on_event(event).is_break() {
                        workers.abort_all();
                        return Ok(());
                    }
                }
                None => return Ok(()),
            },
            Some(joined) = workers.join_next() => {
                // A worker that panicked is a bug; say so rather than wait forever.
                if let Err(e) = joined
                    && e.is_panic()
                {
                    workers.abort_all();
                    std::panic::resume_unwind(e.into_panic());
                }
            }
        }
    }
}
