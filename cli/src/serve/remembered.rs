//! What `serve` remembers of the deliveries it has acted on, so that none
//! is acted on twice: their `X-GitHub-Delivery` ids and the SHA-256 digests
//! of their signed bodies, each bounded, the oldest forgotten first.
//!
//! Both are needed because GitHub signs the body only: a redelivery keeps
//! its id (and its body), but anyone who has seen one signed body (a proxy's
//! log, say) can send it again under a new, unsigned id.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use aws_lc_rs::digest;

/// How many delivery ids, and how many body digests, are remembered.
pub const REMEMBERED: usize = 50_000;

/// A SHA-256 digest of a signed body.
pub type BodyDigest = [u8; 32];

/// The SHA-256 digest of `body`.
pub fn body_digest(body: &[u8]) -> BodyDigest {
    // SHA-256 is 32 bytes; the fallback is never taken and keeps this
    // function free of a panic path.
    BodyDigest::try_from(digest::digest(&digest::SHA256, body).as_ref()).unwrap_or_default()
}

/// A map of at most `capacity` keys; inserting one more forgets the oldest.
struct Bounded<K, V> {
    capacity: usize,
    order: VecDeque<K>,
    values: HashMap<K, V>,
}

impl<K: Hash + Eq + Clone, V> Bounded<K, V> {
    fn new(capacity: usize) -> Self {
        Bounded {
            capacity,
            order: VecDeque::new(),
            values: HashMap::new(),
        }
    }

    /// Inserts a key that is not there (the caller has checked).
    fn insert(&mut self, key: K, value: V) {
        self.order.push_back(key.clone());
        self.values.insert(key, value);
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.values.remove(&old);
            }
        }
    }

    fn remove(&mut self, key: &K) {
        if self.values.remove(key).is_some() {
            self.order.retain(|k| k != key);
        }
    }
}

/// Why a delivery is not acted on again.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// Its id was acted on (GitHub redelivers with the same id).
    Redelivery,
    /// Its signed body was acted on under another delivery id, named here.
    Replay {
        /// The id the body was first acted on under.
        first: String,
    },
}

/// The deliveries acted on: their ids and their bodies' digests.
pub struct Deliveries {
    ids: Bounded<String, ()>,
    bodies: Bounded<BodyDigest, String>,
}

impl Default for Deliveries {
    fn default() -> Self {
        Deliveries::with_capacity(REMEMBERED)
    }
}

impl Deliveries {
    /// At most `capacity` ids and `capacity` digests.
    pub fn with_capacity(capacity: usize) -> Self {
        Deliveries {
            ids: Bounded::new(capacity),
            bodies: Bounded::new(capacity),
        }
    }

    /// Records delivery `id` with its body's digest, both at once, unless
    /// either was already there.
    ///
    /// # Errors
    /// Why it is not to be acted on: its id or its body was seen.
    pub fn claim(&mut self, id: &str, body: BodyDigest) -> Result<(), Seen> {
        if self.ids.values.contains_key(id) {
            return Err(Seen::Redelivery);
        }
        if let Some(first) = self.bodies.values.get(&body) {
            return Err(Seen::Replay {
                first: first.clone(),
            });
        }
        self.ids.insert(id.to_string(), ());
        self.bodies.insert(body, id.to_string());
        Ok(())
    }

    /// Forgets a delivery and its body, so that a redelivery is acted on
    /// (after a failed call to GitHub, whose redelivery should retry it).
    pub fn release(&mut self, id: &str, body: BodyDigest) {
        self.ids.remove(&id.to_string());
        let first = self.bodies.values.get(&body);
        if first.is_some_and(|first| first == id) {
            self.bodies.remove(&body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_are_claimed_once_until_released() {
        let mut d = Deliveries::default();
        let (a, b) = (body_digest(b"a"), body_digest(b"b"));
        assert_eq!(d.claim("1", a), Ok(()));
        assert_eq!(d.claim("1", a), Err(Seen::Redelivery));
        assert_eq!(d.claim("2", b), Ok(()));
        d.release("1", a);
        assert_eq!(d.claim("1", a), Ok(()));
        assert_eq!(d.claim("2", b), Err(Seen::Redelivery));
    }

    #[test]
    fn a_body_acted_on_is_not_acted_on_again_under_another_id() {
        let mut d = Deliveries::default();
        let body = body_digest(br#"{"action":"created"}"#);
        assert_eq!(d.claim("first", body), Ok(()));
        assert_eq!(
            d.claim("second", body),
            Err(Seen::Replay {
                first: "first".into()
            })
        );
        // The refused replay claimed nothing: its id is still free for its
        // own body.
        assert_eq!(d.claim("second", body_digest(b"other")), Ok(()));
        // A failed call releases the body with its id, so that GitHub's
        // redelivery (same id, same body) retries it.
        d.release("first", body);
        assert_eq!(d.claim("first", body), Ok(()));
    }

    #[test]
    fn the_oldest_deliveries_are_forgotten_first() {
        let mut d = Deliveries::with_capacity(3);
        for i in 0..=3 {
            let id = i.to_string();
            assert_eq!(d.claim(&id, body_digest(id.as_bytes())), Ok(()));
        }
        assert_eq!(d.ids.values.len(), 3);
        assert_eq!(d.bodies.values.len(), 3);
        assert_eq!(
            d.claim("0", body_digest(b"0")),
            Ok(()),
            "the oldest was forgotten"
        );
        assert_eq!(d.claim("3", body_digest(b"3")), Err(Seen::Redelivery));
        assert_eq!(
            d.claim("x", body_digest(b"2")),
            Err(Seen::Replay { first: "2".into() })
        );
    }
}
