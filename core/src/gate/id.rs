//! Session ids: 128 random bits from the caller's CSPRNG, written cookie-safe, compared in constant
//! time, wiped when dropped.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use core::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// Random bytes in a session id: 128 bits, the OWASP minimum of session id entropy.
pub const SESSION_ID_BYTES: usize = 16;

/// Length of a session id as it appears in the cookie: unpadded base64url of the bytes.
pub const SESSION_ID_TEXT_LEN: usize = 22;

/// The caller's source of cryptographically secure random bytes, the only place session ids come
/// from (the gate never takes an id from a client: no session fixation).
pub trait IdSource {
    /// Fills `bytes` with fresh random bytes.
    ///
    /// # Errors
    ///
    /// [`IdSourceError`] when no randomness is available; the gate then answers 503 instead of
    /// issuing a guessable id.
    fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError>;
}

/// The random source failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IdSourceError;

impl fmt::Display for IdSourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the random source failed")
    }
}

impl core::error::Error for IdSourceError {}

/// A session id. `Debug` shows nothing of it; equality is constant-time; dropping wipes it.
#[derive(Clone)]
pub struct SessionId([u8; SESSION_ID_BYTES]);

impl SessionId {
    /// Draws a fresh id from `source`.
    pub(crate) fn generate(source: &mut impl IdSource) -> Result<Self, IdSourceError> {
        let mut id = Self([0; SESSION_ID_BYTES]);
        source.fill(&mut id.0)?;
        Ok(id)
    }

    /// Reads an id from a cookie value or `JSESSIONID` header: exactly the 22 base64url characters
    /// the gate writes, optionally in double quotes, with the two spare bits of the last one zero
    /// (the one spelling the gate writes). Anything else is no id of ours.
    ///
    /// Decoded here rather than by the base64 engine: the gate reads an id on every request, and a
    /// fixed length of whole groups needs no padding logic, at a fifth of the engine's cost (held
    /// to it by the tests).
    #[must_use]
    pub fn from_text(text: &[u8]) -> Option<Self> {
        let text = match text {
            [b'"', inner @ .., b'"'] => inner,
            _ => text,
        };
        let text: &[u8; SESSION_ID_TEXT_LEN] = text.try_into().ok()?;
        // Any invalid character sets the high bit of its table entry; OR-ed together, one check
        // at the end refuses the whole text.
        let mut invalid = 0u8;
        let mut sextet = |c: u8| {
            let value = BASE64URL_VALUES.get(usize::from(c)).copied().unwrap_or(INVALID);
            invalid |= value;
            u32::from(value & 63)
        };
        let mut id = Self([0; SESSION_ID_BYTES]);
        let (groups, last) = text.split_at(20);
        for (chars, bytes) in groups.chunks_exact(4).zip(id.0.chunks_exact_mut(3)) {
            let &[a, b, c, d] = chars else { return None };
            let bits = sextet(a) << 18 | sextet(b) << 12 | sextet(c) << 6 | sextet(d);
            let [_, high, middle, low] = bits.to_be_bytes();
            bytes.copy_from_slice(&[high, middle, low]);
        }
        let &[a, b] = last else { return None };
        let (a, b) = (sextet(a), sextet(b));
        // The 16th byte is the first character and the top two bits of the second; the second's
        // low four bits are spare and must be zero.
        if let Some(byte) = id.0.last_mut() {
            *byte = (a << 2 | b >> 4) as u8;
        }
        (invalid & INVALID == 0 && b & 15 == 0).then_some(id)
    }

    /// A hash of the id for a store's index: its first 8 bytes, which are uniformly random. It
    /// places an id in a table without comparing it; whether two ids are equal is still decided by
    /// `==`, in constant time over all 16 bytes.
    #[must_use]
    pub fn index_key(&self) -> u64 {
        let [a, b, c, d, e, f, g, h, ..] = self.0;
        u64::from_le_bytes([a, b, c, d, e, f, g, h])
    }

    /// The first 4 bytes of [`index_key`](Self::index_key), for [`ArrayStore`](super::ArrayStore)'s
    /// scan: half the memory of full keys, and twice as many compared per vector instruction.
    /// A false match (one in 2³² per stored session) costs only the full compare that follows.
    pub(crate) fn scan_key(&self) -> u32 {
        let [a, b, c, d, ..] = self.0;
        u32::from_le_bytes([a, b, c, d])
    }

    /// The id as it goes into the cookie.
    pub(crate) fn to_text(&self) -> IdText {
        let mut text = IdText([0; SESSION_ID_TEXT_LEN]);
        // 16 bytes always encode to 22 characters.
        let _ = URL_SAFE_NO_PAD.encode_slice(self.0, &mut text.0);
        text
    }
}

impl Drop for SessionId {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The table entry of a byte that is no base64url character.
const INVALID: u8 = 0x80;

/// Each byte's value as a base64url character (RFC 4648 §5), or [`INVALID`].
const BASE64URL_VALUES: [u8; 256] = {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [INVALID; 256];
    let mut value = 0;
    while value < 64 {
        // Evaluated at compile time: an index out of range would fail the build.
        #[allow(clippy::indexing_slicing)]
        {
            table[ALPHABET[value] as usize] = value as u8;
        }
        value += 1;
    }
    table
};

impl PartialEq for SessionId {
    /// Constant time: both halves are always compared, as two machine words (subtle's byte-wise
    /// slice compare cost six times as much, on every request the gate looks up).
    fn eq(&self, other: &Self) -> bool {
        let halves = |id: &Self| {
            let [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p] = id.0;
            (
                u64::from_le_bytes([a, b, c, d, e, f, g, h]),
                u64::from_le_bytes([i, j, k, l, m, n, o, p]),
            )
        };
        let (mine, theirs) = (halves(self), halves(other));
        (mine.0.ct_eq(&theirs.0) & mine.1.ct_eq(&theirs.1)).into()
    }
}

impl Eq for SessionId {}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionId(<redacted>)")
    }
}

/// A session id written out, wiped when dropped.
pub(crate) struct IdText([u8; SESSION_ID_TEXT_LEN]);

impl IdText {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for IdText {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A deterministic "random" source for tests: a counter. Never use such a thing for real.
    #[derive(Debug, Default)]
    pub(crate) struct CountingIds(pub(crate) u8);

    impl IdSource for CountingIds {
        fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
            self.0 = self.0.wrapping_add(1);
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = self.0.wrapping_mul(31).wrapping_add(i as u8);
            }
            Ok(())
        }
    }

    #[test]
    fn text_round_trip() {
        let id = SessionId::generate(&mut CountingIds(0)).unwrap();
        let text = id.to_text();
        assert_eq!(text.as_bytes().len(), SESSION_ID_TEXT_LEN);
        assert!(crate::head::token::is_cookie_value(text.as_bytes()));
        assert_eq!(SessionId::from_text(text.as_bytes()), Some(id.clone()));
        let mut quoted = std::vec![b'"'];
        quoted.extend_from_slice(text.as_bytes());
        quoted.push(b'"');
        assert_eq!(SessionId::from_text(&quoted), Some(id));
    }

    /// Bytes given by the test, as an id source.
    struct Fixed([u8; SESSION_ID_BYTES]);

    impl IdSource for Fixed {
        fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
            bytes.copy_from_slice(&self.0);
            Ok(())
        }
    }

    /// Equality looks at all sixteen bytes: ids one byte apart, at any position, differ.
    #[test]
    fn ids_one_byte_apart_are_not_equal() {
        let base = [7u8; SESSION_ID_BYTES];
        let id = SessionId::generate(&mut Fixed(base)).unwrap();
        assert_eq!(id, SessionId::generate(&mut Fixed(base)).unwrap());
        for at in 0..SESSION_ID_BYTES {
            let mut other = base;
            other[at] ^= 0x80;
            assert_ne!(id, SessionId::generate(&mut Fixed(other)).unwrap(), "byte {at}");
        }
    }

    /// What the base64 engine reads from a text, as `from_text` must: the reference.
    fn engine_reads(text: &[u8]) -> Option<[u8; SESSION_ID_BYTES]> {
        let text = match text {
            [b'"', inner @ .., b'"'] => inner,
            _ => text,
        };
        let mut bytes = [0u8; SESSION_ID_BYTES];
        (text.len() == SESSION_ID_TEXT_LEN
            && URL_SAFE_NO_PAD.decode_slice(text, &mut bytes) == Ok(SESSION_ID_BYTES))
        .then_some(bytes)
    }

    proptest::proptest! {
        /// Any id's text reads back as the id, and any 22 characters (a few of them outside the
        /// alphabet, the last one with or without its spare bits) read as the engine reads them.
        #[test]
        fn reads_what_the_base64_engine_reads(
            bytes in proptest::array::uniform16(proptest::num::u8::ANY),
            edits in proptest::collection::vec((0usize..24, proptest::num::u8::ANY), 0..3),
            quoted in proptest::bool::ANY,
        ) {
            let id = SessionId::generate(&mut Fixed(bytes)).unwrap();
            proptest::prop_assert_eq!(SessionId::from_text(id.to_text().as_bytes()), Some(id.clone()));
            let mut text = id.to_text().as_bytes().to_vec();
            for (at, byte) in edits {
                if let Some(b) = text.get_mut(at) {
                    // Mostly characters of the alphabet, so that spare bits get tested too.
                    *b = if byte < 200 { b"AZaz09-_+/=QgwB"[usize::from(byte) % 15] } else { byte };
                }
            }
            if quoted {
                text.insert(0, b'"');
                text.push(b'"');
            }
            proptest::prop_assert_eq!(
                SessionId::from_text(&text).map(|id| id.0),
                engine_reads(&text),
                "{}", text.escape_ascii()
            );
        }
    }

    #[test]
    fn index_keys_spread() {
        let mut ids = CountingIds(0);
        let a = SessionId::generate(&mut ids).unwrap();
        let b = SessionId::generate(&mut ids).unwrap();
        assert_ne!(a.index_key(), b.index_key());
        assert_eq!(a.index_key(), a.clone().index_key());
    }

    #[test]
    fn foreign_ids_are_no_ids() {
        for text in [
            &b""[..],
            b"short",
            b"5dQja5ubr4yvI2MM2z+LZxrK",
            b"AAAAAAAAAAAAAAAAAAAAA!",
            b"AAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert_eq!(SessionId::from_text(text), None, "{:?}", text.escape_ascii());
        }
        // The last character of 22 carries 2 spare bits; base64 refuses non-canonical ones.
        assert_eq!(SessionId::from_text(b"AAAAAAAAAAAAAAAAAAAAAB"), None);
    }

    #[test]
    fn debug_shows_nothing() {
        let id = SessionId::generate(&mut CountingIds(0)).unwrap();
        let text = std::string::String::from_utf8(id.to_text().as_bytes().to_vec()).unwrap();
        let shown = std::format!("{id:?}");
        assert!(!shown.contains(&text));
        assert!(!shown.contains(&std::format!("{:?}", id.0)));
    }
}
