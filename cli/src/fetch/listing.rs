//! Every listing of a plan, fetched concurrently.
//!
//! Each organization has up to four listings (grants, requests, credential
//! authorizations, installed Apps). Their requests are the jobs of the one
//! worker pool ([`pool`](super::pool)): at most `concurrency` in flight,
//! taken from one queue. The first page of every listing is queued first;
//! when its links number the pages, the pages after it are queued by
//! number and started whenever a place is free, from any organization.
//! That keeps every place busy until the very last page, where fetching
//! organization by organization would leave places idle while the largest
//! organizations finish. A listing whose links carry no page numbers is
//! followed link by link by the job that fetched its first page.
//!
//! The last page the links name (`rel="last"`) is what the server says, not
//! a fact: it bounds the pages asked for and never sizes anything. Pages
//! are queued in a window that opens as pages come back full: page 2 alone
//! first (the `next` link names it), then two more for each full page, never
//! more than `concurrency` of one listing queued or in flight. A page with
//! fewer items than the first (GitHub fills every page but the last with
//! `per_page` items) or none ends the listing: nothing after it is asked
//! for. So a listing whose `last` is a lie costs the requests of the pages
//! that exist, and an honest one gets every place within a few round trips.
//!
//! Jobs hand each page over through the pool's channel of `concurrency`
//! places and go on at once; the caller assesses it and drops it. Memory
//! holds at most twice `concurrency` pages whatever the number of grants.

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::Arc;

use futures::StreamExt as _;
use github_pat_grants::{Client, Error, RateLimit};

use super::connect::Connection;
use super::explain::Endpoint;
use super::pages::{self, Continuation, Items, PageOut, Plan};
use super::pool::{self, Jobs, Sink, Stopped};

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
/// numbered, the whole chain of `next` links) a job makes.
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

/// The listings, their queue of jobs and their windows.
struct Board {
    /// The listings: (index into `Plan::orgs`, which listing).
    listings: Vec<(usize, Endpoint)>,
    units: Vec<Unit>,
    queue: VecDeque<(usize, Job)>,
    /// Numbered pages of one listing queued or in flight at most: the
    /// pool's places, since more could not run at once anyway.
    cap: usize,
}

impl Board {
    /// Every listing of the plan, each with its first page queued.
    fn new(plan: &Plan) -> Board {
        let listings: Vec<(usize, Endpoint)> = (0..plan.orgs.len())
            .flat_map(|org| plan.listings.iter().map(move |&e| (org, e)))
            .collect();
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
            listings,
        }
    }

    /// Drops the queued jobs of a listing that `drop` selects.
    fn drop_queued(&mut self, unit: usize, drop: impl Fn(Job) -> bool) {
        let before = self.queue.len();
        self.queue.retain(|&(u, job)| u != unit || !drop(job));
        self.units[unit].outstanding -= before - self.queue.len();
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
        let Some(window) = self.units[unit].window.as_mut().filter(|w| !w.ended) else {
            return;
        };
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
        self.queue
            .extend((from..=to).map(|n| (unit, Job::Numbered(n))));
        self.units[unit].outstanding += (to - from + 1) as usize;
    }

    /// A job of a listing is over, with the error that ended it; the
    /// listing's report when it was its last. After an error, the
    /// listing's jobs not yet started are dropped, no page after is queued,
    /// and the first error is the one reported.
    fn end(&mut self, unit: usize, error: Option<Error>) -> Option<Event> {
        if let Some(error) = error {
            self.drop_queued(unit, |_| true);
            if let Some(window) = self.units[unit].window.as_mut() {
                window.ended = true;
            }
            self.units[unit].error.get_or_insert(error);
        }
        self.units[unit].outstanding -= 1;
        let (org, endpoint) = self.listings[unit];
        (self.units[unit].outstanding == 0).then(|| Event::Done {
            org,
            endpoint,
            error: self.units[unit].error.take(),
        })
    }
}

/// What a job hands over.
enum Found {
    /// A page; `opens` is the last page the first page's links name.
    Page {
        unit: usize,
        job: Job,
        page: PageOut,
        opens: Option<u32>,
    },
    /// The job is over (after all its pages), with the error that ended it.
    End { unit: usize, error: Option<Error> },
}

/// The listings as the pool's jobs, and where their pages go.
struct Listings<F> {
    board: Board,
    on_event: F,
}

impl<F: FnMut(Event) -> ControlFlow<()>> Jobs for Listings<F> {
    /// A job of a listing (an index into `Board::listings`).
    type Job = (usize, Job);
    type Found = Found;

    fn next(&mut self) -> Option<(usize, Job)> {
        self.board.queue.pop_front()
    }

    fn arrived(&mut self, found: &Found) {
        if let Found::Page {
            unit,
            job,
            page,
            opens,
        } = found
        {
            match (opens, job) {
                (Some(last), _) => self.board.open(*unit, *last, page.0.len()),
                (None, Job::Numbered(n)) => self.board.arrived(*unit, *n, page.0.len()),
                (None, Job::First) => {}
            }
        }
    }

    fn take(&mut self, found: Found) -> ControlFlow<()> {
        match found {
            Found::Page {
                unit,
                page: (items, rate_limit),
                ..
            } => (self.on_event)(Event::Page {
                org: self.board.listings[unit].0,
                items,
                rate_limit,
            }),
            Found::End { unit, error } => match self.board.end(unit, error) {
                Some(done) => (self.on_event)(done),
                None => ControlFlow::Continue(()),
            },
        }
    }
}

/// What every job needs: the clients, the plan and its listings.
struct Shared {
    /// One per organization of the plan, in its order.
    clients: Vec<Client>,
    plan: Plan,
    /// `Board::listings`.
    listings: Vec<(usize, Endpoint)>,
}

impl Shared {
    /// The pages of a job; the error that ended it, if any.
    async fn pages(
        &self,
        unit: usize,
        job: Job,
        sink: &Sink<Found>,
    ) -> Result<Option<Error>, Stopped> {
        let (org, endpoint) = self.listings[unit];
        let (plan, client, name) = (&self.plan, &self.clients[org], self.plan.orgs[org].as_str());
        let found = |page, opens| Found::Page {
            unit,
            job,
            page,
            opens,
        };
        let first = match job {
            Job::First => pages::first_page(client, plan, name, endpoint).await,
            Job::Numbered(n) => pages::numbered_page(client, plan, name, endpoint, n)
                .await
                .map(|page| (page, Continuation::Nothing)),
        };
        match first {
            Err(e) => Ok(Some(e)),
            Ok((page, Continuation::Nothing)) => sink.send(found(page, None)).await.map(|()| None),
            Ok((page, Continuation::Numbered(last))) => {
                sink.send(found(page, Some(last))).await.map(|()| None)
            }
            // A chain of `next` links cannot be parallel: this job follows
            // it to the end.
            Ok((page, Continuation::Serial(mut chain))) => {
                sink.send(found(page, None)).await?;
                let mut error = None;
                while let Some(page) = chain.next().await {
                    match page {
                        Ok(page) => sink.send(found(page, None)).await?,
                        Err(e) => error = error.or(Some(e)),
                    }
                }
                Ok(error)
            }
        }
    }
}

/// Fetches every listing of the plan and reports each page and each
/// finished listing to `on_event`, which may stop everything by returning
/// [`ControlFlow::Break`] (for instance when the report cannot be written).
///
/// At most `concurrency` requests are in flight, each with the
/// organization's client from `connection`; pages wait for `on_event` in a
/// channel of `concurrency` places, so memory holds at most twice
/// `concurrency` pages. A listing that fails is reported once, with its
/// error; the others go on. Must run inside a tokio runtime.
///
/// # Errors
/// Only when an organization's client cannot be made (see
/// [`Connection::client_for`]); nothing has been fetched then.
pub async fn fetch_all(
    connection: &Connection,
    plan: &Plan,
    on_event: impl FnMut(Event) -> ControlFlow<()>,
) -> Result<(), Error> {
    let clients = plan
        .orgs
        .iter()
        .map(|org| connection.client_for(org))
        .collect::<Result<Vec<_>, _>>()?;
    let board = Board::new(plan);
    let shared = Arc::new(Shared {
        clients,
        plan: plan.clone(),
        listings: board.listings.clone(),
    });
    let mut listings = Listings { board, on_event };
    pool::run(plan.concurrency, &mut listings, |(unit, job), sink| {
        let shared = shared.clone();
        // A job's pages, then its end.
        async move {
            if let Ok(error) = shared.pages(unit, job, &sink).await {
                let _ = sink.send(Found::End { unit, error }).await;
            }
        }
    })
    .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One organization's grants, fetched `concurrency` requests at a time.
    fn board(concurrency: usize) -> Board {
        Board::new(&Plan {
            orgs: vec!["acme".into()],
            listings: vec![Endpoint::Grants],
            owners: Vec::new(),
            last_used_before: None,
            concurrency,
        })
    }

    /// The pool starts the next job, as `Listings::next` does.
    fn take(board: &mut Board) -> Option<Job> {
        board.queue.pop_front().map(|(_, job)| job)
    }

    /// A job is over without error, as `Board::end` counts it.
    fn finish(board: &mut Board) {
        board.units[0].outstanding -= 1;
    }

    /// The first page comes back with `full` items and names `last`.
    fn first(board: &mut Board, last: u32, full: usize) {
        assert_eq!(take(board), Some(Job::First));
        board.open(0, last, full);
        finish(board);
    }

    /// The next job is numbered page `n`, and it comes back with `items`.
    fn page(board: &mut Board, n: u32, items: usize) {
        assert_eq!(take(board), Some(Job::Numbered(n)));
        board.arrived(0, n, items);
        finish(board);
    }

    fn queued(board: &Board) -> Vec<Job> {
        board.queue.iter().map(|&(_, job)| job).collect()
    }

    #[test]
    fn a_last_page_of_u32_max_queues_page_two_alone_and_a_short_page_ends_it() {
        let mut b = board(8);
        first(&mut b, u32::MAX, 100);
        assert_eq!(queued(&b), [Job::Numbered(2)]);
        page(&mut b, 2, 3);
        assert!(b.queue.is_empty());
        assert_eq!(b.units[0].outstanding, 0);
        // An empty page ends it as well, even when the first page was empty.
        let mut b = board(8);
        first(&mut b, u32::MAX, 0);
        page(&mut b, 2, 0);
        assert_eq!(b.units[0].outstanding, 0);
    }

    #[test]
    fn an_honest_listing_fills_every_place_within_a_few_round_trips() {
        // 40 full pages, the last page named honestly, 4 places: every
        // page asked for once, in order, never more than 4 at a time, and 4
        // at a time from the third round trip on.
        let (places, last) = (4, 40u32);
        let mut b = board(places);
        first(&mut b, last, 100);
        let (mut asked, mut rounds, mut widths) = (Vec::new(), 0, Vec::new());
        while !b.queue.is_empty() {
            // One round trip: the pool starts what is queued, up to 4.
            let round: Vec<u32> = (0..places)
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
            assert!(b.units[0].outstanding <= places);
        }
        assert_eq!(asked, (2..=last).collect::<Vec<_>>());
        assert_eq!(widths[..3], [1, 2, 4]);
        assert!(widths[2..widths.len() - 1].iter().all(|&w| w == places));
        assert_eq!(rounds, 11, "39 pages: 1 + 2 + 4 x 9, in 11 round trips");
        assert_eq!(b.units[0].outstanding, 0);
    }

    #[test]
    fn a_short_page_drops_the_pages_queued_after_it_and_the_window_ends() {
        let mut b = board(4);
        first(&mut b, 1000, 100);
        page(&mut b, 2, 100);
        assert_eq!(queued(&b), [Job::Numbered(3), Job::Numbered(4)]);
        page(&mut b, 3, 100);
        let pages = |ns: &[u32]| ns.iter().map(|&n| Job::Numbered(n)).collect::<Vec<_>>();
        assert_eq!(queued(&b), pages(&[4, 5, 6]));
        // Page 4 is taken; page 5 then comes back short (a listing that
        // shrank): page 6 is dropped, page 4 still arrives, and nothing
        // more is queued.
        take(&mut b);
        page(&mut b, 5, 40);
        assert!(b.queue.is_empty());
        b.arrived(0, 4, 100);
        finish(&mut b);
        assert!(b.queue.is_empty());
        assert_eq!(b.units[0].outstanding, 0);
    }

    #[test]
    fn the_window_stops_at_the_last_page_named_and_at_u32_max() {
        let mut b = board(4);
        first(&mut b, 3, 100);
        page(&mut b, 2, 100);
        assert_eq!(queued(&b), [Job::Numbered(3)]);
        // Near the largest page number nothing overflows.
        let mut b = board(4);
        first(&mut b, u32::MAX, 100);
        if let Some(w) = b.units[0].window.as_mut() {
            w.queued_to = u32::MAX - 1;
        }
        page(&mut b, 2, 100);
        assert_eq!(queued(&b), [Job::Numbered(u32::MAX)]);
        page(&mut b, u32::MAX, 100);
        assert!(b.queue.is_empty());
    }

    #[test]
    fn a_failed_page_ends_the_window_and_the_listing_reports_it_once() {
        let mut b = board(4);
        first(&mut b, 100, 100);
        page(&mut b, 2, 100);
        // Pages 3 and 4 are in flight; page 3 fails.
        take(&mut b);
        take(&mut b);
        let failed = Error::Pagination("page 3 failed".into());
        assert!(b.end(0, Some(failed)).is_none(), "page 4 is still out");
        // Page 4 comes back full, and queues nothing more; its end is the
        // listing's, with page 3's error.
        b.arrived(0, 4, 100);
        assert!(b.queue.is_empty());
        let done = b.end(0, None);
        assert!(
            matches!(done, Some(Event::Done { error: Some(_), .. })),
            "{done:?}"
        );
        assert_eq!(b.units[0].outstanding, 0);
    }
}
