//! A sans-IO decoder for `Transfer-Encoding: chunked` bodies (RFC 9112 §7.1).
//!
//! It keeps a few bytes of state, never buffers, and hands back the body's data as slices of the
//! caller's input, so it works on any read size down to one byte. Line endings are strict CRLF:
//! leniency in chunk framing is where request smuggling lives.

use crate::error::ChunkedError;

/// Decodes one chunked body, piece by piece.
///
/// ```
/// use persistent_auth::ChunkedDecoder;
///
/// let wire = b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\nNEXT";
/// let mut decoder = ChunkedDecoder::new();
/// let (mut at, mut body) = (0, Vec::new());
/// loop {
///     let piece = decoder.decode(&wire[at..])?;
///     at += piece.consumed;
///     body.extend_from_slice(piece.data);
///     if piece.done {
///         break;
///     }
/// }
/// assert_eq!(body, b"Wikipedia");
/// assert_eq!(&wire[at..], b"NEXT");
/// # Ok::<(), persistent_auth::ChunkedError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChunkedDecoder {
    state: State,
}

/// What one call to [`ChunkedDecoder::decode`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// Bytes of the input used, framing and data alike; the caller drops them.
    pub consumed: usize,
    /// Body data: a slice of the input, at most one chunk's worth. Empty when the call only read
    /// framing or needs more input.
    pub data: &'a [u8],
    /// The final chunk and the trailers have been read; bytes after `consumed` belong to whatever
    /// follows the body.
    pub done: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// Before the first hex digit of a chunk size.
    #[default]
    SizeStart,
    /// Within the hex digits of a chunk size.
    Size {
        size: u64,
    },
    /// Whitespace after the size, before an extension or the line end.
    SizeSpace {
        size: u64,
    },
    Extension {
        size: u64,
    },
    SizeLf {
        size: u64,
    },
    Data {
        remaining: u64,
    },
    DataCr,
    DataLf,
    TrailerStart,
    TrailerLine,
    TrailerLf,
    FinalLf,
    Done,
}

impl ChunkedDecoder {
    /// A decoder at the start of a body.
    #[must_use]
    pub const fn new() -> Self {
        Self { state: State::SizeStart }
    }

    /// Whether the whole body has been read.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Reads framing from `input` up to the next data (returned as a slice of `input`), the end of
    /// the body, or the end of the input.
    ///
    /// Call it again with the unconsumed rest, and with more input when it returns no data, consumes
    /// nothing and is not done.
    ///
    /// # Errors
    ///
    /// A [`ChunkedError`] when the body breaks the chunked grammar; the decoder then stays where it
    /// stopped and the connection should be closed.
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Result<Decoded<'a>, ChunkedError> {
        let mut at = 0;
        loop {
            if let State::Data { remaining } = self.state {
                let available = input.len().saturating_sub(at);
                let take = usize::try_from(remaining).map_or(available, |r| r.min(available));
                if take == 0 && available == 0 {
                    return Ok(Decoded { consumed: at, data: &[], done: false });
                }
                let data = input.get(at..at + take).unwrap_or_default();
                let left = remaining - take as u64;
                self.state =
                    if left == 0 { State::DataCr } else { State::Data { remaining: left } };
                return Ok(Decoded { consumed: at + take, data, done: false });
            }
            if self.state == State::Done {
                return if at == 0 && !input.is_empty() {
                    Err(ChunkedError::AlreadyDone)
                } else {
                    Ok(Decoded { consumed: at, data: &[], done: true })
                };
            }
            let Some(&byte) = input.get(at) else {
                return Ok(Decoded { consumed: at, data: &[], done: false });
            };
            self.state = step(self.state, byte)?;
            at += 1;
            if self.state == State::Done {
                return Ok(Decoded { consumed: at, data: &[], done: true });
            }
        }
    }
}

/// One byte of framing.
fn step(state: State, b: u8) -> Result<State, ChunkedError> {
    use State::*;
    Ok(match state {
        SizeStart => Size { size: u64::from(hex(b).ok_or(ChunkedError::InvalidSize)?) },
        Size { size } => match (hex(b), b) {
            (Some(d), _) => Size {
                size: size
                    .checked_mul(16)
                    .and_then(|s| s.checked_add(u64::from(d)))
                    .ok_or(ChunkedError::SizeOverflow)?,
            },
            (None, b' ' | b'\t') => SizeSpace { size },
            (None, b';') => Extension { size },
            (None, b'\r') => SizeLf { size },
            (None, b'\n') => return Err(ChunkedError::InvalidLineEnding),
            (None, _) => return Err(ChunkedError::InvalidSize),
        },
        SizeSpace { size } => match b {
            b' ' | b'\t' => SizeSpace { size },
            b';' => Extension { size },
            b'\r' => SizeLf { size },
            b'\n' => return Err(ChunkedError::InvalidLineEnding),
            _ => return Err(ChunkedError::InvalidSize),
        },
        Extension { size } => match b {
            b'\r' => SizeLf { size },
            b'\t' => Extension { size },
            0..=0x1f | 0x7f => return Err(ChunkedError::InvalidExtension),
            _ => Extension { size },
        },
        SizeLf { size } => match b {
            b'\n' if size == 0 => TrailerStart,
            b'\n' => Data { remaining: size },
            _ => return Err(ChunkedError::InvalidLineEnding),
        },
        DataCr => match b {
            b'\r' => DataLf,
            _ => return Err(ChunkedError::InvalidLineEnding),
        },
        DataLf => match b {
            b'\n' => SizeStart,
            _ => return Err(ChunkedError::InvalidLineEnding),
        },
        TrailerStart => match b {
            b'\r' => FinalLf,
            b'\t' => TrailerLine,
            0..=0x1f | 0x7f => return Err(ChunkedError::InvalidTrailer),
            _ => TrailerLine,
        },
        TrailerLine => match b {
            b'\r' => TrailerLf,
            b'\t' => TrailerLine,
            0..=0x1f | 0x7f => return Err(ChunkedError::InvalidTrailer),
            _ => TrailerLine,
        },
        TrailerLf | FinalLf => match (state, b) {
            (TrailerLf, b'\n') => TrailerStart,
            (_, b'\n') => Done,
            _ => return Err(ChunkedError::InvalidLineEnding),
        },
        // `decode` handles these before stepping.
        Data { remaining } => Data { remaining },
        Done => Done,
    })
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    /// Feeds `wire` in pieces of `step` bytes, as a socket would deliver it; returns the body and
    /// the bytes left after it.
    fn decode_in_pieces(wire: &[u8], step: usize) -> Result<(Vec<u8>, usize), ChunkedError> {
        let mut decoder = ChunkedDecoder::new();
        let (mut body, mut at, mut available) = (Vec::new(), 0, 0);
        loop {
            let piece = decoder.decode(&wire[at..available])?;
            at += piece.consumed;
            body.extend_from_slice(piece.data);
            if piece.done {
                return Ok((body, at));
            }
            if piece.consumed == 0 {
                if available == wire.len() {
                    return Err(ChunkedError::InvalidLineEnding); // truncated: reported by the test
                }
                available = (available + step).min(wire.len());
            }
        }
    }

    #[test]
    fn decodes_sizes_extensions_and_trailers() {
        let wire = b"4\r\nWiki\r\n5 ;name=\"va;lue\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n000\r\nExpires: never\r\nX: y\r\n\r\nrest";
        let (body, end) = decode_in_pieces(wire, usize::MAX).unwrap();
        assert_eq!(body, b"Wikipedia in\r\n\r\nchunks.");
        assert_eq!(&wire[end..], b"rest");
    }

    #[test]
    fn an_empty_body_is_just_the_last_chunk() {
        let (body, end) = decode_in_pieces(b"0\r\n\r\n", 1).unwrap();
        assert!(body.is_empty());
        assert_eq!(end, 5);
    }

    #[test]
    fn refuses_broken_framing() {
        use ChunkedError::*;
        for (wire, err) in [
            (&b"x\r\n"[..], InvalidSize),
            (b"\r\n", InvalidSize),
            (b"4\nWiki\r\n0\r\n\r\n", InvalidLineEnding),
            (b"4\r\nWikiXX0\r\n\r\n", InvalidLineEnding),
            (b"4\r\nWiki\r\r", InvalidLineEnding),
            (b"4 x\r\n", InvalidSize),
            (b"4;a\x00\r\n", InvalidExtension),
            (b"10000000000000000\r\n", SizeOverflow),
            (b"0\r\nX: \x01\r\n\r\n", InvalidTrailer),
            (b"0\r\n\rX", InvalidLineEnding),
            (b"0\r\nX: y\rZ", InvalidLineEnding),
        ] {
            assert_eq!(decode_in_pieces(wire, usize::MAX), Err(err), "{:?}", wire.escape_ascii());
        }
    }

    #[test]
    fn the_largest_size_is_accepted() {
        let mut decoder = ChunkedDecoder::new();
        let piece = decoder.decode(b"ffffffffffffffff\r\nab").unwrap();
        assert_eq!(piece.data, b"ab");
        assert!(!decoder.is_done());
    }

    #[test]
    fn input_after_the_end_is_misuse() {
        let mut decoder = ChunkedDecoder::new();
        let done = decoder.decode(b"0\r\n\r\n").unwrap();
        assert!(done.done && decoder.is_done());
        assert!(decoder.decode(b"").unwrap().done);
        assert_eq!(decoder.decode(b"x"), Err(ChunkedError::AlreadyDone));
    }

    fn encode_chunked(body: &[u8], sizes: &[usize]) -> Vec<u8> {
        let mut wire = Vec::new();
        let mut rest = body;
        for &size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let n = size.clamp(1, rest.len());
            wire.extend_from_slice(std::format!("{n:x}\r\n").as_bytes());
            wire.extend_from_slice(&rest[..n]);
            wire.extend_from_slice(b"\r\n");
            rest = &rest[n..];
        }
        wire.extend_from_slice(b"0\r\n\r\n");
        wire
    }

    proptest! {
        #[test]
        fn any_chunking_and_any_read_size_give_the_body(
            body in proptest::collection::vec(any::<u8>(), 0..300),
            sizes in proptest::collection::vec(1usize..40, 1..8),
            step in 1usize..64,
        ) {
            let wire = encode_chunked(&body, &sizes);
            let (decoded, end) = decode_in_pieces(&wire, step).unwrap();
            prop_assert_eq!(decoded, body);
            prop_assert_eq!(end, wire.len());
        }

        #[test]
        fn arbitrary_bytes_never_panic(wire in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_in_pieces(&wire, 7);
        }
    }
}
