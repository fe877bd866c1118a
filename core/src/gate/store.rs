//! Where the gate keeps its sessions: the [`SessionStore`] trait and a fixed-capacity default.

use super::id::SessionId;
use crate::time::Instant;

/// Who a session or a request belongs to, as the caller's [`Verifier`](super::Verifier) names users
/// (an index into a user table, a database key, a hash).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UserId(pub u64);

/// One live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    id: SessionId,
    /// Whose session it is.
    pub user: UserId,
    /// When it was created.
    pub created: Instant,
    /// When a request last used it.
    pub last_used: Instant,
    /// How long it may stay unused, in milliseconds.
    pub idle_timeout_ms: u64,
    /// Whether its requests must repeat the id in a `JSESSIONID` header.
    pub csrf_protection: bool,
}

impl SessionRecord {
    pub(crate) fn new(id: SessionId, user: UserId, now: Instant, idle_timeout_ms: u64) -> Self {
        Self { id, user, created: now, last_used: now, idle_timeout_ms, csrf_protection: false }
    }

    /// The session's id.
    #[must_use]
    pub fn id(&self) -> &SessionId {
        &self.id
    }

    /// When the session dies if unused.
    #[must_use]
    pub fn expires_at(&self) -> Instant {
        self.last_used.saturating_add_millis(self.idle_timeout_ms)
    }

    /// Whether the session is dead at `now`.
    #[must_use]
    pub fn is_expired(&self, now: Instant) -> bool {
        now >= self.expires_at()
    }
}

/// Storage for sessions, bounded. Implement it to keep sessions elsewhere (a shared table, flash);
/// [`ArrayStore`] keeps them inline.
///
/// Implementations compare ids with [`SessionId`]'s constant-time equality and drop removed
/// records (whose ids wipe themselves).
pub trait SessionStore {
    /// How many sessions are held, live or expired.
    fn len(&self) -> usize;

    /// Whether no session is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The session with this id, live or expired.
    fn find_mut(&mut self, id: &SessionId) -> Option<&mut SessionRecord>;

    /// Adds a session.
    ///
    /// # Errors
    ///
    /// Gives the record back when the store is full. It must never make room by dropping another
    /// session: the gate decides what may go.
    fn insert(&mut self, record: SessionRecord) -> Result<(), SessionRecord>;

    /// Removes the session with this id; whether there was one.
    fn remove(&mut self, id: &SessionId) -> bool;

    /// Removes every session expired at `now`; how many went.
    fn remove_expired(&mut self, now: Instant) -> usize;

    /// How many live sessions `user` has at `now`.
    fn count_live(&self, user: UserId, now: Instant) -> usize;
}

/// Up to `N` sessions held inline, no allocation.
///
/// A lookup scans an array of 4-byte keys (the first bytes of the ids, which are random), 32
/// at a time, and compares the whole id, in constant time, only where a key matches.
#[derive(Debug)]
pub struct ArrayStore<const N: usize> {
    keys: [u32; N],
    slots: [Option<SessionRecord>; N],
    len: usize,
}

impl<const N: usize> ArrayStore<N> {
    /// An empty store.
    #[must_use]
    pub const fn new() -> Self {
        Self { keys: [0; N], slots: [const { None }; N], len: 0 }
    }

    /// The capacity, `N`.
    #[must_use]
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Iterates over the sessions held.
    pub fn iter(&self) -> impl Iterator<Item = &SessionRecord> {
        self.slots.iter().flatten()
    }

    /// The slot holding `id`: a scan of the keys alone, then the constant-time compare where one
    /// matches.
    fn position(&self, id: &SessionId) -> Option<usize> {
        self.find(id.scan_key(), |slot| slot.as_ref().is_some_and(|record| record.id() == id))
    }

    /// The first empty slot. Empty slots have key 0, so it is found by the same key scan (a
    /// live session whose key happens to be 0 is passed over by the check of the slot).
    fn free_slot(&self) -> Option<usize> {
        self.find(0, Option::is_none)
    }

    /// The first slot whose key is `key` and which `wanted` accepts.
    fn find(&self, key: u32, wanted: impl Fn(&Option<SessionRecord>) -> bool) -> Option<usize> {
        // Whole blocks of 32 keys, compared without a branch each: of a known length, the
        // compiler turns each block into a few vector compares. Only a block with a match is
        // looked at key by key.
        const BLOCK: usize = 32;
        let blocks = self.keys.chunks_exact(BLOCK);
        let tail = blocks.remainder();
        for (block, keys) in blocks.enumerate() {
            if keys.iter().fold(false, |seen, &k| seen | (k == key)) {
                if let Some(at) = self.confirm(block * BLOCK, keys, key, &wanted) {
                    return Some(at);
                }
            }
        }
        self.confirm(N - tail.len(), tail, key, &wanted)
    }

    /// The slot among `keys` (which start at slot `first`) with key `key` that `wanted` accepts.
    fn confirm(
        &self,
        first: usize,
        keys: &[u32],
        key: u32,
        wanted: &impl Fn(&Option<SessionRecord>) -> bool,
    ) -> Option<usize> {
        let slots = self.slots.get(first..)?;
        keys.iter()
            .zip(slots)
            .position(|(&k, slot)| k == key && wanted(slot))
            .map(|offset| first + offset)
    }
}

impl<const N: usize> Default for ArrayStore<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> SessionStore for ArrayStore<N> {
    fn len(&self) -> usize {
        self.len
    }

    fn find_mut(&mut self, id: &SessionId) -> Option<&mut SessionRecord> {
        let at = self.position(id)?;
        self.slots.get_mut(at)?.as_mut()
    }

    fn insert(&mut self, record: SessionRecord) -> Result<(), SessionRecord> {
        let Some(at) = self.free_slot() else {
            return Err(record);
        };
        if let (Some(key), Some(slot)) = (self.keys.get_mut(at), self.slots.get_mut(at)) {
            *key = record.id().scan_key();
            *slot = Some(record);
            self.len += 1;
        }
        Ok(())
    }

    fn remove(&mut self, id: &SessionId) -> bool {
        let Some(at) = self.position(id) else { return false };
        if let (Some(key), Some(slot)) = (self.keys.get_mut(at), self.slots.get_mut(at)) {
            // Dropping the record wipes its id.
            *slot = None;
            *key = 0;
            self.len -= 1;
        }
        true
    }

    fn remove_expired(&mut self, now: Instant) -> usize {
        let mut removed = 0;
        for (key, slot) in self.keys.iter_mut().zip(self.slots.iter_mut()) {
            if slot.as_ref().is_some_and(|r| r.is_expired(now)) {
                *slot = None;
                *key = 0;
                removed += 1;
            }
        }
        self.len -= removed;
        removed
    }

    fn count_live(&self, user: UserId, now: Instant) -> usize {
        self.iter().filter(|r| r.user == user && !r.is_expired(now)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::super::id::tests::CountingIds;
    use super::*;

    fn record(ids: &mut CountingIds, user: u64, now: u64) -> SessionRecord {
        SessionRecord::new(SessionId::generate(ids).unwrap(), UserId(user), Instant(now), 1_000)
    }

    #[test]
    fn bounded_and_never_evicting_on_its_own() {
        let mut ids = CountingIds::default();
        let mut store = ArrayStore::<2>::new();
        let a = record(&mut ids, 1, 0);
        let a_id = a.id().clone();
        store.insert(a).unwrap();
        store.insert(record(&mut ids, 1, 500)).unwrap();
        let refused = record(&mut ids, 2, 0);
        assert!(store.insert(refused).is_err());
        assert_eq!(store.len(), 2);
        assert_eq!(store.count_live(UserId(1), Instant(999)), 2);
        assert_eq!(store.count_live(UserId(1), Instant(1_000)), 1);
        assert_eq!(store.find_mut(&a_id).unwrap().user, UserId(1));
        assert_eq!(store.remove_expired(Instant(1_000)), 1);
        assert!(store.find_mut(&a_id).is_none());
        assert!(!store.remove(&a_id));
        store.insert(record(&mut ids, 3, 0)).unwrap();
        assert_eq!(store.len(), 2);
        assert_eq!(store.capacity(), 2);
    }

    /// Distinct ids whose first four bytes, and so whose scan keys, are all `self.0`: every stored
    /// key matches every lookup's, and only the full compare tells the ids apart.
    struct SharedScanKey(u8, u8);

    impl crate::gate::IdSource for SharedScanKey {
        fn fill(&mut self, bytes: &mut [u8]) -> Result<(), crate::gate::IdSourceError> {
            self.1 = self.1.wrapping_add(1);
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = if i < 4 { self.0 } else { self.1 };
            }
            Ok(())
        }
    }

    /// Every slot is found, in whole blocks of keys and in the tail after them (70 = 2 × 32 + 6),
    /// when keys collide, and after removals have left holes.
    #[test]
    fn finds_every_slot_when_scan_keys_collide() {
        let mut ids = SharedScanKey(0xAB, 0);
        let mut store = ArrayStore::<70>::new();
        let mut held = std::vec::Vec::new();
        for user in 0..70 {
            let r = SessionRecord::new(
                SessionId::generate(&mut ids).unwrap(),
                UserId(user),
                Instant(0),
                1_000,
            );
            held.push(r.id().clone());
            store.insert(r).unwrap();
        }
        assert_eq!(held[0].scan_key(), held[69].scan_key());
        for (user, id) in held.iter().enumerate() {
            assert_eq!(store.find_mut(id).unwrap().user, UserId(user as u64));
        }
        let stranger = SessionId::generate(&mut ids).unwrap();
        assert!(store.find_mut(&stranger).is_none());
        for id in held.iter().step_by(3) {
            assert!(store.remove(id));
        }
        for (user, id) in held.iter().enumerate() {
            assert_eq!(
                store.find_mut(id).map(|r| r.user),
                (user % 3 != 0).then_some(UserId(user as u64))
            );
        }
    }

    /// Empty slots are found by their key 0 and then checked: a live session whose key is 0 is
    /// never taken for a free slot, and the first truly free slot is used.
    #[test]
    fn sessions_with_key_zero_are_not_free_slots() {
        let mut ids = SharedScanKey(0, 0);
        let mut new = |user| {
            SessionRecord::new(SessionId::generate(&mut ids).unwrap(), UserId(user), Instant(0), 1)
        };
        let mut store = ArrayStore::<3>::new();
        let first = new(1);
        let first_id = first.id().clone();
        assert_eq!(first_id.scan_key(), 0);
        store.insert(first).unwrap();
        store.insert(new(2)).unwrap();
        store.insert(new(3)).unwrap();
        assert!(store.insert(new(4)).is_err(), "full, though every key is 0");
        assert!(store.remove(&first_id));
        let fifth = new(5);
        let fifth_id = fifth.id().clone();
        store.insert(fifth).unwrap();
        let users: std::vec::Vec<u64> = store.iter().map(|r| r.user.0).collect();
        assert_eq!(users, [5, 2, 3], "the freed first slot was reused, no live one overwritten");
        assert_eq!(store.find_mut(&fifth_id).unwrap().user, UserId(5));
    }

    #[test]
    fn expiry_is_idle_time() {
        let mut r = record(&mut CountingIds::default(), 1, 0);
        assert!(!r.is_expired(Instant(999)) && r.is_expired(Instant(1_000)));
        r.last_used = Instant(500);
        assert_eq!(r.expires_at(), Instant(1_500));
        r.idle_timeout_ms = u64::MAX;
        assert!(!r.is_expired(Instant(u64::MAX - 1)));
    }
}
