//! Fixed-capacity storage for secrets: never printed, wiped when replaced or dropped.

use core::fmt;
use zeroize::Zeroize;

/// Up to `N` secret bytes held inline.
///
/// `Debug` prints only the length. Bytes past the length are always zero: [`set`](Self::set)
/// overwrites the old content and wipes what the new one does not cover, and [`clear`](Self::clear)
/// wipes it all, so no earlier, longer secret survives in the tail. Wiping only the used part keeps
/// a clear of an empty buffer free.
pub(crate) struct SecretBuf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> SecretBuf<N> {
    /// An empty buffer.
    pub(crate) const fn new() -> Self {
        Self { bytes: [0; N], len: 0 }
    }

    /// The bytes held.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    /// Whether nothing is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Replaces the content with the concatenation of `parts`, or leaves the buffer untouched and
    /// returns the length the parts need when they do not fit.
    ///
    /// The new bytes overwrite the old ones; only an old tail beyond the new length is wiped, so
    /// replacing a cookie with one of the same length costs no wipe at all.
    pub(crate) fn set(&mut self, parts: &[&[u8]]) -> Result<(), usize> {
        let required = parts.iter().fold(0usize, |acc, p| acc.saturating_add(p.len()));
        if required > N {
            return Err(required);
        }
        if let Some(tail) = self.bytes.get_mut(required..self.len) {
            wipe(tail);
        }
        let mut at = 0;
        for part in parts {
            let end = at + part.len();
            if let Some(dst) = self.bytes.get_mut(at..end) {
                dst.copy_from_slice(part);
            }
            at = end;
        }
        self.len = required;
        Ok(())
    }

    /// Wipes the content.
    pub(crate) fn clear(&mut self) {
        if let Some(used) = self.bytes.get_mut(..self.len) {
            wipe(used);
        }
        self.len = 0;
    }
}

/// Zeroes `bytes` in a way the optimiser must keep. One out-of-line copy for every wipe: inlined,
/// each call site's known alignment picked its own `memclr` variant, and on a Cortex-M each variant
/// is another ~170 bytes of flash.
#[inline(never)]
fn wipe(bytes: &mut [u8]) {
    bytes.zeroize();
}

impl<const N: usize> Drop for SecretBuf<N> {
    fn drop(&mut self) {
        self.clear();
    }
}

impl<const N: usize> fmt::Debug for SecretBuf<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<redacted {} bytes>", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_concatenates_and_refuses_without_truncating() {
        let mut buf = SecretBuf::<8>::new();
        buf.set(&[b"abc", b"de"]).unwrap();
        assert_eq!(buf.as_bytes(), b"abcde");
        assert_eq!(buf.set(&[b"abcde", b"fghi"]), Err(9));
        assert_eq!(buf.as_bytes(), b"abcde", "a refused value leaves the old one");
        buf.set(&[b"x"]).unwrap();
        assert_eq!(buf.bytes, *b"x\0\0\0\0\0\0\0", "the longer old secret is wiped");
        buf.set(&[b"abcdefgh"]).unwrap();
        buf.clear();
        assert!(buf.is_empty());
        assert_eq!(buf.bytes, [0; 8]);
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut buf = SecretBuf::<16>::new();
        buf.set(&[b"hunter2"]).unwrap();
        assert_eq!(std::format!("{buf:?}"), "<redacted 7 bytes>");
    }
}
