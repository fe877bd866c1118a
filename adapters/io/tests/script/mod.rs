//! A scripted stream for driver tests: reads hand out prepared pieces, writes are recorded, and
//! the end of the script is a clean close or a connection reset.

use std::collections::VecDeque;

/// How the script ends once its pieces are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    Close,
    Reset,
}

#[derive(Debug)]
pub(crate) struct Script {
    pieces: VecDeque<Vec<u8>>,
    end: End,
    pub(crate) written: Vec<u8>,
    pub(crate) flushes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reset;

impl core::fmt::Display for Reset {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("connection reset")
    }
}

impl std::error::Error for Reset {}

impl embedded_io::Error for Reset {
    fn kind(&self) -> embedded_io::ErrorKind {
        embedded_io::ErrorKind::ConnectionReset
    }
}

impl Script {
    /// Reads give `pieces` one by one (each in full, if the buffer allows), then `end`.
    pub(crate) fn new(pieces: &[&[u8]], end: End) -> Self {
        Self {
            pieces: pieces.iter().map(|p| p.to_vec()).collect(),
            end,
            written: Vec::new(),
            flushes: 0,
        }
    }

    /// The whole of `bytes` cut into pieces of `size`.
    pub(crate) fn chopped(bytes: &[u8], size: usize, end: End) -> Self {
        let pieces: Vec<&[u8]> = bytes.chunks(size.max(1)).collect();
        Self::new(&pieces, end)
    }

    pub(crate) fn written_text(&self) -> String {
        String::from_utf8_lossy(&self.written).into_owned()
    }
}

impl embedded_io::ErrorType for Script {
    type Error = Reset;
}

impl embedded_io::Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Reset> {
        let Some(piece) = self.pieces.front_mut() else {
            return match self.end {
                End::Close => Ok(0),
                End::Reset => Err(Reset),
            };
        };
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        piece.drain(..n);
        if piece.is_empty() {
            self.pieces.pop_front();
        }
        Ok(n)
    }
}

impl embedded_io::Write for Script {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Reset> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Reset> {
        self.flushes += 1;
        Ok(())
    }
}
