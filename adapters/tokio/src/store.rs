//! A session store for servers with memory to spare: any capacity, constant-time lookups.

use persistent_auth::{Instant, SessionId, SessionRecord, SessionStore, UserId};
use std::collections::HashMap;

/// Up to `capacity` sessions in a hash table keyed by [`SessionId::index_key`]. Ids are compared
/// with `==` (constant time over all 16 bytes) within a bucket, so the index only narrows the
/// search.
#[derive(Debug)]
pub struct IndexedStore {
    buckets: HashMap<u64, Vec<SessionRecord>>,
    len: usize,
    capacity: usize,
}

impl IndexedStore {
    /// An empty store for up to `capacity` sessions.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self { buckets: HashMap::with_capacity(capacity.min(1 << 16)), len: 0, capacity }
    }

    /// The capacity.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl SessionStore for IndexedStore {
    fn len(&self) -> usize {
        self.len
    }

    fn find_mut(&mut self, id: &SessionId) -> Option<&mut SessionRecord> {
        self.buckets.get_mut(&id.index_key())?.iter_mut().find(|r| r.id() == id)
    }

    fn insert(&mut self, record: SessionRecord) -> Result<(), SessionRecord> {
        if self.len >= self.capacity {
            return Err(record);
        }
        self.buckets.entry(record.id().index_key()).or_default().push(record);
        self.len += 1;
        Ok(())
    }

    fn remove(&mut self, id: &SessionId) -> bool {
        let key = id.index_key();
        let Some(bucket) = self.buckets.get_mut(&key) else { return false };
        let Some(at) = bucket.iter().position(|r| r.id() == id) else { return false };
        // Dropping the record wipes its id.
        bucket.swap_remove(at);
        if bucket.is_empty() {
            self.buckets.remove(&key);
        }
        self.len -= 1;
        true
    }

    fn remove_expired(&mut self, now: Instant) -> usize {
        let before = self.len;
        self.buckets.retain(|_, bucket| {
            bucket.retain(|r| !r.is_expired(now));
            !bucket.is_empty()
        });
        self.len = self.buckets.values().map(Vec::len).sum();
        before - self.len
    }

    fn count_live(&self, user: UserId, now: Instant) -> usize {
        self.buckets.values().flatten().filter(|r| r.user == user && !r.is_expired(now)).count()
    }
}
