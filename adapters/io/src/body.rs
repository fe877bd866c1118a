//! Reading a body out of received bytes, whatever its framing: the sans-IO half of both drivers.

use persistent_auth::{BodyFraming, ChunkedDecoder, ChunkedError};

/// Where the reading of one body stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyState {
    /// No body, or all of it read.
    Done,
    /// This many bytes still to come.
    Length(u64),
    /// A chunked body.
    Chunked(ChunkedDecoder),
    /// Everything until the peer closes.
    UntilClose,
}

/// What the received bytes gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    /// Bytes of the input used (framing and data).
    pub(crate) consumed: usize,
    /// Body data: `input[data.0..data.1]`.
    pub(crate) data: (usize, usize),
    /// More input is needed before anything else can be read.
    pub(crate) need_more: bool,
}

impl BodyState {
    pub(crate) fn new(framing: BodyFraming) -> Self {
        match framing {
            BodyFraming::None | BodyFraming::Length(0) => Self::Done,
            BodyFraming::Length(n) => Self::Length(n),
            BodyFraming::Chunked => Self::Chunked(ChunkedDecoder::new()),
            BodyFraming::UntilClose => Self::UntilClose,
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        *self == Self::Done
    }

    /// Takes the next piece of the body from `input`.
    pub(crate) fn next(&mut self, input: &[u8]) -> Result<Piece, ChunkedError> {
        let whole = |n: usize| Piece { consumed: n, data: (0, n), need_more: false };
        match self {
            Self::Done => Ok(Piece { consumed: 0, data: (0, 0), need_more: false }),
            Self::Length(remaining) => {
                let take = usize::try_from(*remaining).map_or(input.len(), |r| r.min(input.len()));
                if take == 0 {
                    return Ok(Piece { consumed: 0, data: (0, 0), need_more: true });
                }
                *remaining -= take as u64;
                if *remaining == 0 {
                    *self = Self::Done;
                }
                Ok(whole(take))
            }
            Self::UntilClose => {
                if input.is_empty() {
                    return Ok(Piece { consumed: 0, data: (0, 0), need_more: true });
                }
                Ok(whole(input.len()))
            }
            Self::Chunked(decoder) => {
                let decoded = decoder.decode(input)?;
                let start = decoded.consumed - decoded.data.len();
                if decoded.done {
                    *self = Self::Done;
                }
                Ok(Piece {
                    consumed: decoded.consumed,
                    data: (start, decoded.consumed),
                    need_more: !decoded.done && decoded.consumed == 0,
                })
            }
        }
    }

    /// The peer closed the connection: the end of an until-close body, a truncation otherwise.
    pub(crate) fn at_close(&mut self) -> bool {
        match self {
            Self::Done => true,
            Self::UntilClose => {
                *self = Self::Done;
                true
            }
            Self::Length(_) | Self::Chunked(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_chunks_and_close() {
        let mut b = BodyState::new(BodyFraming::Length(5));
        assert_eq!(b.next(b"abc").unwrap(), Piece { consumed: 3, data: (0, 3), need_more: false });
        assert!(b.next(b"").unwrap().need_more);
        assert_eq!(b.next(b"defgh").unwrap().consumed, 2);
        assert!(b.is_done());

        let mut b = BodyState::new(BodyFraming::Chunked);
        let p = b.next(b"3\r\nabc\r\n0\r\n\r\n").unwrap();
        assert_eq!((p.consumed, p.data), (6, (3, 6)));
        let p = b.next(b"\r\n0\r\n\r\n").unwrap();
        assert_eq!(p.data.0, p.data.1);
        assert!(b.is_done());

        let mut b = BodyState::new(BodyFraming::UntilClose);
        assert_eq!(b.next(b"xy").unwrap().consumed, 2);
        assert!(b.at_close() && b.is_done());
        assert!(!BodyState::new(BodyFraming::Length(1)).at_close());
        assert!(BodyState::new(BodyFraming::Length(0)).is_done());
    }
}
