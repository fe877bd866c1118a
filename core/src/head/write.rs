//! Writing heads into caller buffers, all or nothing.
//!
//! Every encoder is written once, generically over a [`Sink`]. Its length is known before anything
//! is written: counted by running it into a [`Counter`], or, for the client's requests (the hot
//! path, and most of the client's flash), computed arithmetically by the encoder itself, with a test
//! holding that sum to the count. Only when the length fits is the encoder run into a [`SliceSink`]
//! over the caller's buffer, once. So `out` is never touched on error and the error can say how
//! many bytes were needed.

/// Where encoded bytes go.
pub(crate) trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);

    /// Appends `n` in decimal.
    fn put_decimal(&mut self, n: u64) {
        let mut digits = [0u8; 20];
        let text = format_decimal(n, &mut digits);
        self.put(text);
    }

    /// Appends the padded base64 of the concatenated `parts`.
    fn put_base64(&mut self, parts: &[&[u8]]) {
        crate::basic::write_base64(self, parts);
    }

    /// Appends `Name: value\r\n`.
    fn put_header(&mut self, name: &[u8], value: &[u8]) {
        self.put(name);
        self.put(b": ");
        self.put(value);
        self.put(b"\r\n");
    }
}

/// Counts what would be written.
#[derive(Debug, Default)]
pub(crate) struct Counter {
    /// Bytes counted so far; saturates, so an absurd request fails the size check instead of
    /// wrapping round.
    pub(crate) len: usize,
}

impl Sink for Counter {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.len = self.len.saturating_add(bytes.len());
    }

    fn put_decimal(&mut self, n: u64) {
        self.len = self.len.saturating_add(decimal_len(n));
    }

    fn put_base64(&mut self, parts: &[&[u8]]) {
        let len = parts.iter().fold(0usize, |acc, p| acc.saturating_add(p.len()));
        self.len = self.len.saturating_add(crate::basic::base64_len(len));
    }
}

/// Writes into a slice that has been shown to be large enough.
#[derive(Debug)]
pub(crate) struct SliceSink<'a> {
    /// What is left of the caller's buffer: each piece is split off its front.
    rest: &'a mut [u8],
    /// The buffer's whole length, so that what was written is `capacity - rest.len()`.
    capacity: usize,
    /// Set if a piece did not fit: only if the length computed first was wrong.
    overflowed: bool,
}

impl<'a> SliceSink<'a> {
    /// A sink writing from the start of `out`.
    pub(crate) fn new(out: &'a mut [u8]) -> Self {
        Self { capacity: out.len(), rest: out, overflowed: false }
    }

    /// Bytes written so far, or `usize::MAX` if a piece did not fit.
    pub(crate) fn written(&self) -> usize {
        if self.overflowed { usize::MAX } else { self.capacity.saturating_sub(self.rest.len()) }
    }
}

impl Sink for SliceSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        // Split off the front rather than index at an offset: one length compare per piece, and a
        // copy whose destination is exactly `bytes.len()` long needs no check of its own. The
        // length was checked first; should it ever be wrong, writing stops and the final length
        // check in `encode_all_or_nothing` reports it instead of panicking.
        match core::mem::take(&mut self.rest).split_at_mut_checked(bytes.len()) {
            Some((dst, rest)) => {
                dst.copy_from_slice(bytes);
                self.rest = rest;
            }
            None => self.overflowed = true,
        }
    }
}

/// Something already validated that can be written into any [`Sink`].
pub(crate) trait Encode {
    /// Writes the encoding. It must write the same bytes into every sink.
    fn encode<S: Sink>(&self, sink: &mut S);

    /// The exact length [`encode`](Self::encode) writes. Counted by a [`Counter`] pass unless an
    /// encoder computes it more cheaply; one that does must agree with the count (tested).
    fn encoded_len(&self) -> usize {
        let mut counter = Counter::default();
        self.encode(&mut counter);
        counter.len
    }
}

/// Writes `item` into `out` if its length fits.
///
/// Returns the length written, or `Err(required)` with `out` untouched.
pub(crate) fn encode_all_or_nothing<E: Encode>(out: &mut [u8], item: &E) -> Result<usize, usize> {
    let required = item.encoded_len();
    if required > out.len() {
        return Err(required);
    }
    let mut sink = SliceSink::new(out);
    item.encode(&mut sink);
    if sink.written() == required { Ok(required) } else { Err(required) }
}

/// `n / 10` by a multiplication: on 32-bit microcontrollers a 64-bit division is a library call
/// of close to a kilobyte, which heads with lengths in them would otherwise pull in. Exact for every
/// `u64` (the constant is ⌈2⁶⁷ / 10⌉).
const fn div10(n: u64) -> u64 {
    ((n as u128 * 0xCCCC_CCCC_CCCC_CCCD) >> 67) as u64
}

/// Number of decimal digits of `n`.
pub(crate) const fn decimal_len(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 10 {
        n = div10(n);
        len += 1;
    }
    len
}

/// `n` in decimal, in the tail of `digits`.
pub(crate) fn format_decimal(mut n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    loop {
        start -= 1;
        let quotient = div10(n);
        if let Some(d) = digits.get_mut(start) {
            // `n - 10 * (n / 10)` is below 10, so the cast cannot truncate.
            *d = b'0' + (n - quotient * 10) as u8;
        }
        n = quotient;
        if n == 0 || start == 0 {
            break;
        }
    }
    digits.get(start..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div10_is_exact() {
        for n in [0, 9, 10, 11, 99, 1 << 32, u64::MAX, u64::MAX - 5, 12_345_678_901_234_567_890] {
            assert_eq!(div10(n), n / 10, "{n}");
        }
    }

    #[test]
    fn decimals() {
        let mut d = [0; 20];
        for n in [0, 7, 10, 99, 100, 1234567890, u64::MAX] {
            let text = std::format!("{n}");
            assert_eq!(format_decimal(n, &mut d), text.as_bytes());
            assert_eq!(decimal_len(n), text.len());
        }
    }

    #[test]
    fn all_or_nothing() {
        struct Sample;
        impl Encode for Sample {
            fn encode<S: Sink>(&self, s: &mut S) {
                s.put_header(b"Session-TTL", b"5");
                s.put_decimal(42);
            }
        }
        let mut small = [0xAAu8; 10];
        assert_eq!(encode_all_or_nothing(&mut small, &Sample), Err(18));
        assert_eq!(small, [0xAA; 10], "out untouched");
        let mut big = [0u8; 32];
        assert_eq!(encode_all_or_nothing(&mut big, &Sample), Ok(18));
        assert_eq!(&big[..18], b"Session-TTL: 5\r\n42");
    }
}
