//! The receive window over the caller's buffer: bytes read from the transport and not yet used.

/// `buf[start..end]` holds received, unused bytes. `B` is the caller's buffer: borrowed
/// (`&mut [u8]`) or owned (`Box<[u8]>`, `[u8; N]`).
#[derive(Debug)]
pub(crate) struct Inbox<B> {
    buf: B,
    start: usize,
    end: usize,
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> Inbox<B> {
    pub(crate) fn new(buf: B) -> Self {
        Self { buf, start: 0, end: 0 }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.buf.as_ref().len()
    }

    /// The received bytes not used yet.
    pub(crate) fn unread(&self) -> &[u8] {
        self.buf.as_ref().get(self.start..self.end).unwrap_or_default()
    }

    /// Marks `n` bytes as used.
    pub(crate) fn consume(&mut self, n: usize) {
        self.start = self.start.saturating_add(n).min(self.end);
        if self.start == self.end {
            self.clear();
        }
    }

    /// Forgets everything received.
    pub(crate) fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
    }

    /// Room to read into, after moving the unread bytes to the front if that makes room; `None`
    /// when the unread bytes fill the whole buffer.
    pub(crate) fn space(&mut self) -> Option<&mut [u8]> {
        let buf = self.buf.as_mut();
        if self.end == buf.len() && self.start > 0 {
            buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        buf.get_mut(self.end..).filter(|s| !s.is_empty())
    }

    /// Records that `n` bytes were read into [`space`](Self::space).
    pub(crate) fn filled(&mut self, n: usize) {
        self.end = self.end.saturating_add(n).min(self.capacity());
    }

    /// The unread bytes and, separately, the free room after them (for writing a reply while a
    /// pipelined request waits). Compacts first.
    pub(crate) fn split(&mut self) -> (&[u8], &mut [u8]) {
        let buf = self.buf.as_mut();
        if self.start > 0 {
            buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let (used, free) = buf.split_at_mut(self.end);
        (used, free)
    }

    /// Keeps only the first `n` unread bytes (used when a chunked body is compacted in place).
    pub(crate) fn truncate_unread(&mut self, n: usize) {
        self.end = self.start.saturating_add(n).min(self.end);
    }

    /// The unread bytes, writable (for compacting a chunked body in place).
    pub(crate) fn unread_mut(&mut self) -> &mut [u8] {
        self.buf.as_mut().get_mut(self.start..self.end).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_consumes_and_compacts() {
        let mut buf = [0u8; 8];
        let mut inbox = Inbox::new(&mut buf[..]);
        inbox.space().unwrap()[..6].copy_from_slice(b"abcdef");
        inbox.filled(6);
        inbox.consume(4);
        assert_eq!(inbox.unread(), b"ef");
        // Two bytes of room at the end, so no compaction yet.
        assert_eq!(inbox.space().unwrap().len(), 2);
        inbox.space().unwrap().copy_from_slice(b"gh");
        inbox.filled(2);
        // Full at the end: compaction makes room.
        assert_eq!(inbox.space().unwrap().len(), 4);
        assert_eq!(inbox.unread(), b"efgh");
        inbox.consume(4);
        assert!(inbox.unread().is_empty());
        assert_eq!(inbox.space().unwrap().len(), 8);
    }

    #[test]
    fn a_full_window_has_no_space() {
        let mut buf = [0u8; 4];
        let mut inbox = Inbox::new(&mut buf[..]);
        inbox.filled(4);
        assert!(inbox.space().is_none());
        let (used, free) = inbox.split();
        assert_eq!((used.len(), free.len()), (4, 0));
    }
}
