//! Every listing of a plan, fetched concurrently.
//!
//! Each organization has up to four listings (grants, requests, credential
//! authorizations, installed Apps). `concurrency`
//! workers share one queue of requests to make. The first page of every
//! listing is requested first; when its links number the pages, the pages
//! after it are queued by number and taken by whichever worker is free,
//! from any organization. That keeps every worker busy until the very last
//! page, where fetching organization by organization would leave workers
//! idle while the largest organizations finish. A listing whose links carry
//! no page numbers is followed link by link by the worker that fetched its
//! first page.
//!
//! The last page the links name (`rel="last"`) is what the server says, not
//! a fact: it bounds the pages asked for and never sizes anything. Pages
//! are queued in a window that opens as pages come back full: page 2 alone
//! first (the `next` link names it), then two more for each full page, never
//! more than `concurrency` of one listing queued or in flight. A page with
//! fewer items than the first (GitHub fills every page but the last with
//! `per_page` items) or none ends the listing: nothing after it is asked
//! for. So a listing whose `last` is a lie costs the requests of the pages
//! that exist, and an honest one gets every worker within a few round trips.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// The pages still to ask for, when the listing is paged by number.
    window: Option<Window>,
}

/// Which pages of a listing paged by number may still be queued.
#[derive(Clone, Copy, Debug)]
struct Window {
    /// The last page the first page's links name: an upper bound only.
    last: u32,
    /// The highest page queued so far.
    queued_to: u32,
    /// The items of a full page: the first page's.
    full: usize,
    /// No page after `queued_to` is asked for: one came back short or
    /// empty, or one failed.
    ended: bool,
}

/// Pages one full page lets the window queue: one to replace it and one
/// more, so the pages in flight double each round trip up to the cap.
const GROWTH: u32 = 2;

/// What the workers share, behind a mutex that is never held across an `.await`.
struct Board {
    /// The listings: (index into `Plan::orgs`, which listing).
    listings: Vec<(usize, Endpoint)>,
    units: Vec<Unit>,
    queue: VecDeque<(usize, Job)>,
    /// Jobs queued or running, all listings together: the workers stop at 0.
    outstanding: usize,
    /// Numbered pages of one listing queued or in flight at most: the
    /// workers, since more could not run at once anyway.
    cap: usize,
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
            cap: plan.concurrency.max(1),
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

    /// Queues jobs for a listing.
    fn add(&mut self, unit: usize, jobs: impl IntoIterator<Item = Job>) {
        let before = self.queue.len();
        self.queue.extend(jobs.into_iter().map(|job| (unit, job)));
        let added = self.queue.len() - before;
        self.units[unit].outstanding += added;
        self.outstanding += added;
    }

    /// Drops the queued jobs of a listing that `drop` selects.
    fn drop_queued(&mut self, unit: usize, drop: impl Fn(Job) -> bool) {
        let before = self.queue.len();
        self.queue.retain(|&(u, job)| u != unit || !drop(job));
        let dropped = before - self.queue.len();
        self.units[unit].outstanding -= dropped;
        self.outstanding -= dropped;
    }

    /// The first page (of `full` items) said the pages are numbered up to
    /// `last`: the window opens with page 2 alone.
    fn open(&mut self, unit: usize, last: u32, full: usize) {
        self.units[unit].window = Some(Window {
            last,
            queued_to: 1,
            full,
            ended: false,
        });
        self.widen(unit, 1);
    }

    /// Numbered page `page` came back with `items` items. Called while its
    /// job still counts as outstanding.
    fn arrived(&mut self, unit: usize, page: u32, items: usize) {
        let Some(window) = self.units[unit].window.as_mut() else {
            return;
        };
        if items == 0 || items < window.full {
            // The last page: what was queued after it does not exist.
            window.ended = true;
            self.drop_queued(unit, |job| matches!(job, Job::Numbered(n) if n > page));
        } else {
            self.widen(unit, GROWTH);
        }
    }

    /// Queues up to `more` pages after those queued, within the cap and
    /// the last page named, unless the listing ended.
    fn widen(&mut self, unit: usize, more: u32) {
        // The job calling this still counts; the others are in flight.
        let others = self.units[unit].outstanding.saturating_sub(1);
        let room = u32::try_from(self.cap.saturating_sub(others)).unwrap_or(u32::MAX);
        let Some(window) = self.units[unit].window.as_mut() else {
            return;
        };
        if window.ended {
            return;
        }
        let Some(from) = window.queued_to.checked_add(1) else {
            return;
        };
        let to = window
            .queued_to
            .saturating_add(more.min(room))
            .min(window.last);
        if from > to {
            return;
        }
        window.queued_to = to;
        self.add(unit, (from..=to).map(Job::Numbered));
    }

    /// Records a listing's failure: its jobs not yet started are dropped,
    /// no page after is queued, and the first error is the one reported.
    fn fail(&mut self, unit: usize, error: Error) {
        self.drop_queued(unit, |_| true);
        if let Some(window) = self.units[unit].window.as_mut() {
            window.ended = true;
        }
        self.units[unit].error.get_or_insert(error);
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

    /// Changes the board and wakes the workers waiting for jobs.
    fn change(&self, change: impl FnOnce(&mut Board)) {
        change(&mut self.board());
        self.wake.notify_waiters();
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
                self.change(|board| board.fail(unit, e));
                return Ok(());
            }
        };
        let items = page.0.len();
        match continuation {
            Continuation::Nothing => {
                if let Job::Numbered(n) = job {
                    self.change(|board| board.arrived(unit, n, items));
                }
                self.page(org, page).await
            }
            Continuation::Numbered(last) => {
                self.change(|board| board.open(unit, last, items));
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
                Err(e) => self.change(|board| board.fail(unit, e)),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One organization's grants, fetched by `concurrency` workers.
    fn board(concurrency: usize) -> Board {
        Board::new(&Plan {
            orgs: vec!["acme".into()],
            grants: true,
            requests: false,
            credentials: false,
            installations: false,
            owners: Vec::new(),
            last_used_before: None,
            concurrency,
        })
    }

    /// A worker takes the next job, as `next_job` does.
    fn take(board: &mut Board) -> Option<Job> {
        board.queue.pop_front().map(|(_, job)| job)
    }

    /// A job is finished, as `finish` does.
    fn finish(board: &mut Board) {
        board.units[0].outstanding -= 1;
        board.outstanding -= 1;
    }

    fn queued(board: &Board) -> Vec<Job> {
        board.queue.iter().map(|&(_, job)| job).collect()
    }

    #[test]
    fn a_last_page_of_u32_max_queues_page_two_alone_and_a_short_page_ends_it() {
        let mut b = board(8);
        assert_eq!(take(&mut b), Some(Job::First));
        b.open(0, u32::MAX, 100);
        finish(&mut b);
        assert_eq!(queued(&b), [Job::Numbered(2)]);
        assert_eq!(take(&mut b), Some(Job::Numbered(2)));
        b.arrived(0, 2, 3);
        finish(&mut b);
        assert!(b.queue.is_empty());
        assert_eq!((b.units[0].outstanding, b.outstanding), (0, 0));
        // An empty page ends it as well, even when the first page was empty.
        let mut b = board(8);
        take(&mut b);
        b.open(0, u32::MAX, 0);
        finish(&mut b);
        take(&mut b);
        b.arrived(0, 2, 0);
        finish(&mut b);
        assert_eq!(b.outstanding, 0);
    }

    #[test]
    fn an_honest_listing_fills_every_worker_within_a_few_round_trips() {
        // 40 full pages, the last page named honestly, 4 workers: every
        // page asked for once, in order, never more than 4 at a time, and 4
        // at a time from the third round trip on.
        let (workers, last) = (4, 40u32);
        let mut b = board(workers);
        take(&mut b);
        b.open(0, last, 100);
        finish(&mut b);
        let (mut asked, mut rounds, mut widths) = (Vec::new(), 0, Vec::new());
        while !b.queue.is_empty() {
            // One round trip: the workers take what is queued, up to 4.
            let round: Vec<u32> = (0..workers)
                .map_while(|_| match take(&mut b) {
                    Some(Job::Numbered(n)) => Some(n),
                    _ => None,
                })
                .collect();
            widths.push(round.len());
            for &n in &round {
                b.arrived(0, n, 100);
                finish(&mut b);
            }
            asked.extend(round);
            rounds += 1;
            assert!(b.units[0].outstanding <= workers);
        }
        assert_eq!(asked, (2..=last).collect::<Vec<_>>());
        assert_eq!(widths[..3], [1, 2, 4]);
        assert!(widths[2..widths.len() - 1].iter().all(|&w| w == workers));
        assert_eq!(rounds, 11, "39 pages: 1 + 2 + 4 x 9, in 11 round trips");
        assert_eq!(b.outstanding, 0);
    }

    #[test]
    fn a_short_page_drops_the_pages_queued_after_it_and_the_window_ends() {
        let mut b = board(4);
        take(&mut b);
        b.open(0, 1000, 100);
        finish(&mut b);
        take(&mut b);
        b.arrived(0, 2, 100);
        finish(&mut b);
        assert_eq!(queued(&b), [Job::Numbered(3), Job::Numbered(4)]);
        take(&mut b);
        b.arrived(0, 3, 100);
        finish(&mut b);
        assert_eq!(
            queued(&b),
            [Job::Numbered(4), Job::Numbered(5), Job::Numbered(6)]
        );
        // Page 4 is taken; page 5 then comes back short (a listing that
        // shrank): page 6 is dropped, page 4 still arrives, and nothing
        // more is queued.
        take(&mut b);
        take(&mut b);
        b.arrived(0, 5, 40);
        finish(&mut b);
        assert!(b.queue.is_empty());
        b.arrived(0, 4, 100);
        finish(&mut b);
        assert!(b.queue.is_empty());
        assert_eq!(b.outstanding, 0);
    }

    #[test]
    fn the_window_stops_at_the_last_page_named_and_at_u32_max() {
        let mut b = board(4);
        take(&mut b);
        b.open(0, 3, 100);
        finish(&mut b);
        take(&mut b);
        b.arrived(0, 2, 100);
        finish(&mut b);
        assert_eq!(queued(&b), [Job::Numbered(3)]);
        // Near the largest page number nothing overflows.
        let mut b = board(4);
        take(&mut b);
        b.open(0, u32::MAX, 100);
        finish(&mut b);
        take(&mut b);
        if let Some(w) = b.units[0].window.as_mut() {
            w.queued_to = u32::MAX - 1;
        }
        b.arrived(0, 2, 100);
        finish(&mut b);
        assert_eq!(queued(&b), [Job::Numbered(u32::MAX)]);
        take(&mut b);
        b.arrived(0, u32::MAX, 100);
        finish(&mut b);
        assert!(b.queue.is_empty());
    }

    #[test]
    fn a_failed_page_ends_the_window() {
        let mut b = board(4);
        take(&mut b);
        b.open(0, 100, 100);
        finish(&mut b);
        take(&mut b);
        b.arrived(0, 2, 100);
        finish(&mut b);
        // Pages 3 and 4 are in flight; page 3 fails.
        take(&mut b);
        take(&mut b);
        b.fail(0, Error::Pagination("page 3 failed".into()));
        finish(&mut b);
        // Page 4 comes back full, and queues nothing more.
        b.arrived(0, 4, 100);
        finish(&mut b);
        assert!(b.queue.is_empty());
        assert_eq!(b.outstanding, 0);
        assert!(b.units[0].error.is_some());
    }
}
