//! The one bounded worker pool of pat-audit's fetches: the pages of every
//! listing ([`listing`](super::listing)) and the audit logs of `trace`.
//!
//! At most `limit` jobs run at once, each a tokio task of its own (so that
//! decoding GitHub's answers uses every core). A job hands what it finds
//! over as it goes, through one channel of `limit` places, and goes on at
//! once unless the channel is full: memory holds at most `limit` items
//! waiting, whatever the number of jobs. The caller, through [`Jobs`],
//! says which job comes next whenever a place is free and takes what was
//! found, one item at a time and in the order each job sent them; what it
//! learns from an item (more pages to ask for) may queue jobs, which start
//! before the item is processed.

use std::future::Future;
use std::ops::ControlFlow;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// What a pool runs, and what becomes of what its jobs find.
pub trait Jobs {
    /// One job: what one task does.
    type Job;
    /// What a job hands over as it goes.
    type Found: Send + 'static;

    /// The next job to start, when one waits; asked whenever fewer than
    /// the limit run.
    fn next(&mut self) -> Option<Self::Job>;

    /// Bookkeeping on an item, before the jobs it lets start are started
    /// and before [`take`](Jobs::take) processes it.
    fn arrived(&mut self, _found: &Self::Found) {}

    /// Processes an item; [`ControlFlow::Break`] stops every job.
    fn take(&mut self, found: Self::Found) -> ControlFlow<()>;
}

/// Where a job hands over what it finds.
#[derive(Debug)]
pub struct Sink<T>(mpsc::Sender<T>);

/// The pool no longer takes what jobs find: the job should stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopped;

impl<T> Sink<T> {
    /// Hands `found` over, waiting while the channel is full.
    ///
    /// # Errors
    /// [`Stopped`] when the pool stopped.
    pub async fn send(&self, found: T) -> Result<(), Stopped> {
        self.0.send(found).await.map_err(|_| Stopped)
    }
}

/// Runs the jobs of `jobs`, at most `limit` (at least one) at once, each
/// the future `start` makes of it, spawned on the current tokio runtime.
/// Returns when no job runs, none waits and nothing found waits to be
/// taken, or as soon as [`Jobs::take`] breaks (the running jobs are then
/// aborted). A job that panics is a bug: the panic goes on here.
///
/// A job's place is free as soon as its task ends, even while what it sent
/// still waits in the channel: a job's sends are over when its task ends,
/// so what it found is all in the channel by then, and the pool takes it
/// before deciding that nothing is left.
pub async fn run<J, F, Fut>(limit: usize, jobs: &mut J, mut start: F)
where
    J: Jobs,
    F: FnMut(J::Job, Sink<J::Found>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let limit = limit.max(1);
    let (sender, mut received) = mpsc::channel(limit);
    let mut tasks = JoinSet::new();
    let mut fill = |jobs: &mut J, tasks: &mut JoinSet<()>| {
        while tasks.len() < limit
            && let Some(job) = jobs.next()
        {
            tasks.spawn(start(job, Sink(sender.clone())));
        }
    };
    loop {
        fill(jobs, &mut tasks);
        let found = if tasks.is_empty() {
            match received.try_recv() {
                Ok(found) => found,
                Err(_) => return,
            }
        } else {
            tokio::select! {
                Some(found) = received.recv() => found,
                Some(joined) = tasks.join_next() => {
                    if let Err(e) = joined
                        && e.is_panic()
                    {
                        tasks.abort_all();
                        std::panic::resume_unwind(e.into_panic());
                    }
                    continue;
                }
            }
        };
        jobs.arrived(&found);
        fill(jobs, &mut tasks);
        if jobs.take(found).is_break() {
            tasks.abort_all();
            return;
        }
    }
}

/// Runs `work` on each of `items`, at most `limit` at once, and gives back
/// what each came to, in the order they ended.
pub async fn map<T, R, Fut>(
    limit: usize,
    items: impl IntoIterator<Item = T>,
    mut work: impl FnMut(T) -> Fut,
) -> Vec<R>
where
    R: Send + 'static,
    Fut: Future<Output = R> + Send + 'static,
{
    struct Collect<I, R>(I, Vec<R>);
    impl<I: Iterator, R: Send + 'static> Jobs for Collect<I, R> {
        type Job = I::Item;
        type Found = R;
        fn next(&mut self) -> Option<I::Item> {
            self.0.next()
        }
        fn take(&mut self, found: R) -> ControlFlow<()> {
            self.1.push(found);
            ControlFlow::Continue(())
        }
    }
    let mut collect = Collect(items.into_iter(), Vec::new());
    run(limit, &mut collect, |item, sink| {
        let outcome = work(item);
        async move {
            let _ = sink.send(outcome.await).await;
        }
    })
    .await;
    collect.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Jobs `0..n`; job `i` hands over `i` and `i + 100`, and job 0 queues
    /// job `n` once (a job learnt from an item).
    struct Numbers {
        queue: Vec<usize>,
        taken: Vec<usize>,
        stop_at: Option<usize>,
    }

    impl Jobs for Numbers {
        type Job = usize;
        type Found = usize;

        fn next(&mut self) -> Option<usize> {
            self.queue.pop()
        }

        fn arrived(&mut self, found: &usize) {
            if *found == 100 {
                self.queue.push(10);
            }
        }

        fn take(&mut self, found: usize) -> ControlFlow<()> {
            self.taken.push(found);
            match self.stop_at {
                Some(n) if self.taken.len() == n => ControlFlow::Break(()),
                _ => ControlFlow::Continue(()),
            }
        }
    }

    fn numbers(stop_at: Option<usize>) -> Numbers {
        Numbers {
            queue: (0..10).rev().collect(),
            taken: Vec::new(),
            stop_at,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_job_runs_at_most_limit_at_once_and_its_items_come_in_order() {
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut jobs = numbers(None);
        run(3, &mut jobs, |i, sink| {
            let (running, most) = (running.clone(), most.clone());
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::task::yield_now().await;
                let _ = sink.send(i).await;
                let _ = sink.send(i + 100).await;
                running.fetch_sub(1, Ordering::SeqCst);
            }
        })
        .await;
        assert!(most.load(Ordering::SeqCst) <= 3);
        let mut taken = jobs.taken.clone();
        for i in 0..=10 {
            let (a, b) = (
                taken.iter().position(|&t| t == i),
                taken.iter().position(|&t| t == i + 100),
            );
            assert!(a.is_some() && a < b, "{i}: {taken:?}");
        }
        taken.sort_unstable();
        assert_eq!(taken.len(), 22, "{taken:?}");
    }

    #[tokio::test]
    async fn a_break_stops_every_job() {
        // The jobs never end on their own: only the break ends the run (the
        // timeout turns a pool that ignores it into a failure, not a hang).
        let mut jobs = numbers(Some(1));
        let ran = run(2, &mut jobs, |i, sink| async move {
            let _ = sink.send(i).await;
            std::future::pending::<()>().await;
        });
        tokio::time::timeout(std::time::Duration::from_secs(30), ran)
            .await
            .expect("the pool stops at the first break");
        assert_eq!(jobs.taken.len(), 1);
    }
}
