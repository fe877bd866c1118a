//! The one cookie a client session holds: `JSESSIONID`, its path and its expiry.

use crate::cookie::path_matches_joined;
use crate::secret::SecretBuf;
use crate::time::Instant;

/// The session cookie: value and `Path` share one secret buffer of `N` bytes, so a single
/// capacity bounds what a session stores and nothing is ever cut short.
#[derive(Debug)]
pub(crate) struct SessionCookie<const N: usize> {
    buf: SecretBuf<N>,
    value_len: usize,
    expires_at: Option<Instant>,
}

impl<const N: usize> SessionCookie<N> {
    pub(crate) const fn new() -> Self {
        Self { buf: SecretBuf::new(), value_len: 0, expires_at: None }
    }

    /// Whether a cookie is held.
    pub(crate) fn is_set(&self) -> bool {
        !self.buf.is_empty()
    }

    /// The value, as the server sent it (quotes included), to send back.
    pub(crate) fn value(&self) -> &[u8] {
        self.buf.as_bytes().get(..self.value_len).unwrap_or_default()
    }

    /// The path the cookie is scoped to.
    pub(crate) fn path(&self) -> &[u8] {
        self.buf.as_bytes().get(self.value_len..).unwrap_or_default()
    }

    /// Replaces the cookie. `path` is given in parts (the base path, then the rest) so that no
    /// concatenation buffer is needed. On `Err(required)` nothing changed.
    pub(crate) fn store(
        &mut self,
        value: &[u8],
        path: [&[u8]; 2],
        expires_at: Option<Instant>,
    ) -> Result<(), usize> {
        let [a, b] = path;
        self.buf.set(&[value, a, b])?;
        self.value_len = value.len();
        self.expires_at = expires_at;
        Ok(())
    }

    /// Whether the cookie equals `value`.
    pub(crate) fn has_value(&self, value: &[u8]) -> bool {
        self.is_set() && self.value() == value
    }

    /// Forgets and wipes the cookie.
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.value_len = 0;
        self.expires_at = None;
    }

    /// Whether the cookie's lifetime is over at `now`.
    pub(crate) fn is_expired(&self, now: Instant) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }

    /// Whether a request to `base` followed by `rest` (query excluded) is within the cookie's path.
    pub(crate) fn covers(&self, base: &[u8], rest: &[u8]) -> bool {
        path_matches_joined(base, rest, self.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_value_and_path_in_one_capacity() {
        let mut c = SessionCookie::<26>::new();
        assert!(!c.is_set());
        c.store(b"abc.node1", [b"/ovirt-engine", b"/api"], Some(Instant(10))).unwrap();
        assert_eq!((c.value(), c.path()), (&b"abc.node1"[..], &b"/ovirt-engine/api"[..]));
        assert!(c.covers(b"/ovirt-engine/api", b"/vms"));
        assert!(!c.covers(b"/ovirt-engine", b""));
        assert!(!c.is_expired(Instant(9)) && c.is_expired(Instant(10)));
        assert_eq!(c.store(b"0123456789", [b"/ovirt-engine", b"/api"], None), Err(27));
        assert_eq!(c.value(), b"abc.node1", "refused cookie leaves the old one");
        c.clear();
        assert!(!c.is_set() && c.path().is_empty());
    }

    #[test]
    fn debug_shows_no_value() {
        let mut c = SessionCookie::<64>::new();
        c.store(b"SECRETID", [b"/", b""], None).unwrap();
        assert!(!std::format!("{c:?}").contains("SECRETID"));
    }
}
