//! A map whose missing or stale values are computed once however many ask
//! at the same time (single flight): the App authentication's installation
//! tokens and installation lookups.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use crate::error::AppAuthError;

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded maps stay consistent at every unlock; a panic elsewhere
    // while holding the lock does not make them unusable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A map from key to value where a missing or stale value is computed once,
/// however many callers ask for it at the same time (single flight).
///
/// While a value is being computed its slot holds a [`Shared`] future that
/// every caller awaits; whichever caller polls drives it, so a caller that
/// gives up does not stall the others. The future itself writes its outcome
/// back: a value is kept, an error is handed to every waiter and removed, so
/// the next caller tries afresh.
pub(crate) struct Flights<K, V> {
    slots: Arc<Mutex<HashMap<K, Slot<V>>>>,
}

/// Tells a flight from a later one for the same key (ids are never reused).
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

type Flight<V> = Shared<BoxFuture<'static, Result<V, AppAuthError>>>;

enum Slot<V> {
    Ready(V),
    Pending(u64, Flight<V>),
}

impl<K, V> Default for Flights<K, V> {
    fn default() -> Self {
        Self {
            slots: Arc::default(),
        }
    }
}

impl<K, V> Flights<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// The value for `key`: the stored one while `usable` says so, else the
    /// one being computed, else the outcome of a computation `start`s now.
    pub(crate) async fn get(
        &self,
        key: &K,
        usable: impl Fn(&V) -> bool,
        start: impl FnOnce() -> BoxFuture<'static, Result<V, AppAuthError>>,
    ) -> Result<V, AppAuthError> {
        let flight = {
            let mut slots = lock(&self.slots);
            match slots.get(key) {
                Some(Slot::Ready(value)) if usable(value) => return Ok(value.clone()),
                Some(Slot::Pending(_, flight)) => flight.clone(),
                _ => {
                    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
                    let flight = self.fly(key.clone(), id, start());
                    slots.insert(key.clone(), Slot::Pending(id, flight.clone()));
                    flight
                }
            }
        };
        flight.await
    }

    /// Wraps `work` so that its outcome updates the slot it was started for
    /// (and not a newer one). The state is held weakly: a flight nobody
    /// awaits any more does not keep the map alive.
    fn fly(&self, key: K, id: u64, work: BoxFuture<'static, Result<V, AppAuthError>>) -> Flight<V> {
        let slots: Weak<Mutex<HashMap<K, Slot<V>>>> = Arc::downgrade(&self.slots);
        async move {
            let outcome = work.await;
            if let Some(slots) = slots.upgrade() {
                let mut slots = lock(&slots);
                if matches!(slots.get(&key), Some(Slot::Pending(pending, _)) if *pending == id) {
                    match &outcome {
                        Ok(value) => slots.insert(key, Slot::Ready(value.clone())),
                        Err(_) => slots.remove(&key),
                    };
                }
            }
            outcome
        }
        .boxed()
        .shared()
    }

    /// Forgets the stored value for `key` if `stale` says it is the bad one
    /// (a value that another caller already replaced stays).
    pub(crate) fn invalidate(&self, key: &K, stale: impl FnOnce(&V) -> bool) {
        let mut slots = lock(&self.slots);
        if matches!(slots.get(key), Some(Slot::Ready(value)) if stale(value)) {
            slots.remove(key);
        }
    }
}
