//! Finding where a head ends, without re-reading what was already read.
//!
//! Heads arrive in pieces. Handing the whole buffer to httparse on every read re-parses it from byte
//! 0 each time (quadratic in the number of reads, httparse issue 162). The scanner instead remembers
//! how far it has looked for the empty line that ends the head; the full parse runs once, when that
//! line is there. It also stops at the caller's size cap, so an endless head costs at most one look
//! at `max_head` bytes.

/// Where the search for the end of a head has got to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct HeadScanner {
    scanned: usize,
}

/// What the scanner found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// The head is complete and this many bytes long (the empty line included).
    Complete(usize),
    /// No end yet; more bytes are needed.
    Partial,
    /// `max_head` bytes were searched without finding the end.
    TooLarge,
}

impl HeadScanner {
    /// A scanner that has looked at nothing.
    pub(crate) const fn new() -> Self {
        Self { scanned: 0 }
    }

    /// Whether nothing of the current head has been looked at yet.
    pub(crate) fn is_fresh(&self) -> bool {
        self.scanned == 0
    }

    /// Forgets the progress, for the next head.
    pub(crate) fn reset(&mut self) {
        self.scanned = 0;
    }

    /// Looks for the end of the head in `input`, which must start with the same bytes as the input of
    /// the previous call (the caller appends to its buffer). A shorter input than last time means a
    /// new buffer, and the search starts over.
    pub(crate) fn scan(&mut self, input: &[u8], max_head: usize) -> Scan {
        if input.len() < self.scanned {
            self.scanned = 0;
        }
        let window = input.get(..max_head.min(input.len())).unwrap_or(input);
        // The terminator is at most `\r\n\r\n`: back off 3 bytes so one split across two reads is
        // still seen. Empty lines before the head are not its end: httparse skips them too, and
        // the two must agree on where a head ends.
        let start = self.scanned.saturating_sub(3).max(leading_empty_lines(window));
        if let Some(end) = find_empty_line(window, start) {
            self.scanned = 0;
            return Scan::Complete(end);
        }
        self.scanned = window.len();
        if input.len() >= max_head { Scan::TooLarge } else { Scan::Partial }
    }
}

/// How many bytes of empty lines (`\r\n` or `\n`) open `input`, as httparse skips them.
fn leading_empty_lines(input: &[u8]) -> usize {
    let mut at = 0;
    loop {
        match input.get(at..) {
            Some([b'\r', b'\n', ..]) => at += 2,
            Some([b'\n', ..]) => at += 1,
            _ => return at,
        }
    }
}

/// The end of the first empty line (`\n\n` or `\n\r\n`) at or after `start`.
fn find_empty_line(input: &[u8], start: usize) -> Option<usize> {
    let mut at = start;
    while let Some(rest) = input.get(at..) {
        let lf = at + rest.iter().position(|&b| b == b'\n')?;
        match input.get(lf + 1..) {
            Some([b'\n', ..]) => return Some(lf + 2),
            Some([b'\r', b'\n', ..]) => return Some(lf + 3),
            _ => at = lf + 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody";

    #[test]
    fn finds_the_end_in_one_piece_and_in_every_split() {
        assert_eq!(HeadScanner::new().scan(HEAD, 1024), Scan::Complete(25));
        for split in 0..HEAD.len() {
            let mut s = HeadScanner::new();
            let first = s.scan(&HEAD[..split], 1024);
            let second = s.scan(HEAD, 1024);
            if split >= 25 {
                assert_eq!(first, Scan::Complete(25), "split {split}");
            } else {
                assert_eq!(first, Scan::Partial, "split {split}");
                assert_eq!(second, Scan::Complete(25), "split {split}");
            }
        }
    }

    #[test]
    fn bare_line_feeds_end_a_head_too() {
        assert_eq!(HeadScanner::new().scan(b"HTTP/1.1 200 OK\nA: b\n\n", 64), Scan::Complete(22));
        assert_eq!(HeadScanner::new().scan(b"HTTP/1.1 200 OK\r\n\n", 64), Scan::Complete(18));
    }

    #[test]
    fn empty_lines_before_the_head_do_not_end_it() {
        // Found by fuzzing: httparse skips them, so the scanner must too.
        let input = b"\n\r\nHTTP/1.1 200\n\r\nbody";
        assert_eq!(HeadScanner::new().scan(input, 64), Scan::Complete(18));
        for split in 0..input.len() {
            let mut s = HeadScanner::new();
            let first = s.scan(&input[..split], 64);
            if first == Scan::Partial {
                assert_eq!(s.scan(input, 64), Scan::Complete(18), "split {split}");
            }
        }
        assert_eq!(HeadScanner::new().scan(b"\r\n\r\n\n", 64), Scan::Partial);
    }

    #[test]
    fn stops_at_the_cap() {
        let mut s = HeadScanner::new();
        assert_eq!(s.scan(b"HTTP/1.1 200 OK\r\nA: b", 16), Scan::TooLarge);
        // The end beyond the cap does not count.
        assert_eq!(HeadScanner::new().scan(HEAD, 24), Scan::TooLarge);
        assert_eq!(HeadScanner::new().scan(HEAD, 25), Scan::Complete(25));
        assert_eq!(HeadScanner::new().scan(&HEAD[..10], 25), Scan::Partial);
    }

    #[test]
    fn a_new_shorter_buffer_restarts_the_search() {
        let mut s = HeadScanner::new();
        assert_eq!(s.scan(b"HTTP/1.1 200 OK\r\nA: bbbbbbbbbbbbb", 1024), Scan::Partial);
        assert_eq!(s.scan(b"X\r\n\r\n", 1024), Scan::Complete(5));
    }
}
