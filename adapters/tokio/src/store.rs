//! A session store for servers with memory to spare: any capacity, constant-time lookups.

use persistent_auth::{Instant, SessionId, SessionRecord, SessionStore, UserId};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes an index key with SplitMix64's finaliser: a few multiplies instead of SipHash on every
/// lookup. SipHash's keyed defence against chosen collisions is not needed here: index keys are
/// the first bytes of ids drawn from the caller's CSPRNG, and only ids the gate issued are ever
/// stored, so no client chooses what goes into the table (a client's made-up id only probes it).
/// The mixing keeps the table spread even if an id source is weaker than the contract asks.
#[derive(Default)]
struct IndexKeyHasher(u64);

impl Hasher for IndexKeyHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (the keys are `u64`); fold anything else in all the same.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

/// A map keyed by index keys.
type ByIndexKey<V> = HashMap<u64, V, BuildHasherDefault<IndexKeyHasher>>;

/// Up to `capacity` sessions in a hash table keyed by [`SessionId::index_key`]. Ids are compared
/// with `==` (constant time over all 16 bytes) within a bucket, so the index only narrows the
/// search.
///
/// A second index lists each user's sessions, so that the per-user cap
/// ([`GateConfig::with_max_sessions_per_user`](persistent_auth::GateConfig::with_max_sessions_per_user))
/// counts only the logging-in user's sessions rather than every session held. It follows
/// [`SessionRecord::user`] as inserted: the gate never changes it, and a caller reaching records
/// through [`find_mut`](SessionStore::find_mut) must not either.
#[derive(Debug)]
pub struct IndexedStore {
    buckets: ByIndexKey<Vec<SessionRecord>>,
    /// Per user: the index keys of their sessions, each with how many of their sessions have it.
    by_user: HashMap<UserId, ByIndexKey<usize>>,
    len: usize,
    capacity: usize,
}

impl IndexedStore {
    /// An empty store for up to `capacity` sessions.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            buckets: ByIndexKey::with_capacity_and_hasher(
                capacity.min(1 << 16),
                BuildHasherDefault::default(),
            ),
            by_user: HashMap::new(),
            len: 0,
            capacity,
        }
    }

    /// The capacity.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Takes one of `user`'s sessions with index key `key` out of the per-user index.
fn forget(by_user: &mut HashMap<UserId, ByIndexKey<usize>>, user: UserId, key: u64) {
    let Some(keys) = by_user.get_mut(&user) else { return };
    if let Some(count) = keys.get_mut(&key) {
        *count -= 1;
        if *count == 0 {
            keys.remove(&key);
        }
    }
    if keys.is_empty() {
        by_user.remove(&user);
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
        let key = record.id().index_key();
        *self.by_user.entry(record.user).or_default().entry(key).or_default() += 1;
        self.buckets.entry(key).or_default().push(record);
        self.len += 1;
        Ok(())
    }

    fn remove(&mut self, id: &SessionId) -> bool {
        let key = id.index_key();
        let Some(bucket) = self.buckets.get_mut(&key) else { return false };
        let Some(at) = bucket.iter().position(|r| r.id() == id) else { return false };
        // Dropping the record wipes its id.
        let record = bucket.swap_remove(at);
        if bucket.is_empty() {
            self.buckets.remove(&key);
        }
        forget(&mut self.by_user, record.user, key);
        self.len -= 1;
        true
    }

    fn remove_expired(&mut self, now: Instant) -> usize {
        let mut removed = 0;
        let by_user = &mut self.by_user;
        self.buckets.retain(|&key, bucket| {
            bucket.retain(|r| {
                let expired = r.is_expired(now);
                if expired {
                    forget(by_user, r.user, key);
                    removed += 1;
                }
                !expired
            });
            !bucket.is_empty()
        });
        self.len -= removed;
        removed
    }

    fn count_live(&self, user: UserId, now: Instant) -> usize {
        // Each of the user's keys once: a bucket can hold sessions of other users too, and (one
        // time in 2^64) two of the user's own, which the filter counts both of.
        self.by_user.get(&user).map_or(0, |keys| {
            keys.keys()
                .filter_map(|key| self.buckets.get(key))
                .flatten()
                .filter(|r| r.user == user && !r.is_expired(now))
                .count()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use persistent_auth::{
        Credentials, Decision, GateConfig, Granted, HeadReader, IdSource, IdSourceError, Progress,
        Refusal, SessionGate, Verdict, Verifier,
    };
    use std::num::NonZeroUsize;

    /// `Basic u<N>:pw` is user N.
    struct Numbered;

    impl Verifier for Numbered {
        fn verify(&mut self, credentials: &Credentials<'_>) -> Option<UserId> {
            match *credentials {
                Credentials::Basic { user, password: "pw" } => {
                    user.strip_prefix('u')?.parse().ok().map(UserId)
                }
                _ => None,
            }
        }
    }

    /// Distinct ids, all in one bucket (the same first eight bytes), so that a bucket holds several
    /// users' sessions.
    struct OneBucket(u8);

    impl IdSource for OneBucket {
        fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
            self.0 += 1;
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = if i < 8 { 0x5a } else { self.0 };
            }
            Ok(())
        }
    }

    /// The gate's decision on a request with `headers`, at `now` (milliseconds).
    fn inspect(
        gate: &mut SessionGate<'_, IndexedStore>,
        ids: &mut OneBucket,
        headers: &str,
        now: u64,
    ) -> Decision {
        let head = format!("GET /api HTTP/1.1\r\nHost: h\r\n{headers}\r\n");
        match gate.inspect_request(
            &mut HeadReader::new(),
            head.as_bytes(),
            Instant(now),
            &mut Numbered,
            ids,
        ) {
            Ok(Progress::Complete { value, .. }) => value,
            other => panic!("{other:?}"),
        }
    }

    /// Logs `user` in at `now` (minutes); the session's cookie header, or the refusal.
    fn login(
        gate: &mut SessionGate<'_, IndexedStore>,
        ids: &mut OneBucket,
        user: u64,
        minutes: u64,
    ) -> Result<String, Refusal> {
        // `u<N>:pw` in base64.
        let auth = match user {
            1 => "dTE6cHc=",
            2 => "dTI6cHc=",
            3 => "dTM6cHc=",
            _ => unreachable!("users 1 to 3"),
        };
        let headers =
            format!("Authorization: Basic {auth}\r\nPrefer: persistent-auth\r\nSession-TTL: 1\r\n");
        let decision = inspect(gate, ids, &headers, minutes * 60_000);
        match decision.verdict() {
            Verdict::Granted(Granted::Login, who) => assert_eq!(who, UserId(user)),
            Verdict::Refused(refusal) => return Err(refusal),
            other => panic!("{other:?}"),
        }
        let mut out = [0u8; 256];
        let n = gate.encode_response_headers(&decision, &mut out).unwrap();
        gate.finish(decision);
        let set = std::str::from_utf8(&out[..n]).unwrap();
        let id = set.strip_prefix("Set-Cookie: JSESSIONID=").unwrap().split(';').next().unwrap();
        Ok(format!("Cookie: JSESSIONID={id}\r\n"))
    }

    /// The per-user cap through the gate, with several users' sessions sharing a bucket: only
    /// the user's own live sessions count, whether their others were logged out, expired in
    /// place, or removed to make room.
    #[test]
    fn the_per_user_cap_counts_only_the_users_live_sessions() {
        let config = GateConfig::new("/api").with_max_sessions_per_user(NonZeroUsize::new(2));
        let mut gate = SessionGate::new(config, IndexedStore::new(5)).unwrap();
        let mut ids = OneBucket(0);
        let first = login(&mut gate, &mut ids, 1, 0).unwrap();
        login(&mut gate, &mut ids, 1, 0).unwrap();
        assert_eq!(login(&mut gate, &mut ids, 1, 0), Err(Refusal::UserSessionCap));
        login(&mut gate, &mut ids, 2, 0).unwrap();
        login(&mut gate, &mut ids, 2, 0).unwrap();
        assert_eq!(gate.store().count_live(UserId(1), Instant(0)), 2);
        assert_eq!(gate.store().count_live(UserId(3), Instant(0)), 0);

        // A logout frees a place under the cap.
        let logout = inspect(&mut gate, &mut ids, &first, 0);
        assert_eq!(logout.verdict(), Verdict::Granted(Granted::LastRequest, UserId(1)));
        gate.finish(logout);
        assert_eq!(gate.store().count_live(UserId(1), Instant(0)), 1);
        login(&mut gate, &mut ids, 1, 0).unwrap();
        assert_eq!(gate.store().len(), 4);

        // At two minutes every session has expired (TTL 1 minute) but is still held: none counts.
        assert_eq!(gate.store().count_live(UserId(1), Instant(2 * 60_000)), 0);
        // User 3 fills the last place; the next login makes room from the dead.
        login(&mut gate, &mut ids, 3, 2).unwrap();
        login(&mut gate, &mut ids, 1, 2).unwrap();
        assert_eq!(gate.store().len(), 2, "four expired sessions removed, one added");
        login(&mut gate, &mut ids, 1, 2).unwrap();
        assert_eq!(login(&mut gate, &mut ids, 1, 2), Err(Refusal::UserSessionCap));
        assert_eq!(gate.store().count_live(UserId(1), Instant(2 * 60_000)), 2);
        assert_eq!(gate.store().count_live(UserId(2), Instant(2 * 60_000)), 0);
        assert_eq!(gate.store().by_user.len(), 2, "users 1 and 3; user 2 forgotten entirely");
    }
}
