//! The drivers' error type: the transport's own errors, and everything the core can report.

use core::fmt;
use persistent_auth::{ChunkedError, DecodeError, EncodeError, GateError};

/// What went wrong while driving a session over a stream.
///
/// After any error but [`Encode`](Self::Encode) the connection is unusable: the client says so with
/// [`Disconnected`](Self::Disconnected) until it is given a new transport, the server loop returns.
/// The session itself is always left in a defined state (see each variant).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error<E> {
    /// The transport failed. A request in flight counts as unanswered (`ClientSession::abort`).
    Io(E),
    /// The request could not be encoded; nothing was sent and the connection is still usable.
    Encode(EncodeError),
    /// The response head was bad; the session is as `ClientSession::abort` leaves it.
    Decode(DecodeError),
    /// A chunked body was malformed.
    Chunked(ChunkedError),
    /// The server could not read a request head; the error response was sent.
    Gate(GateError),
    /// The peer closed the connection before a whole head or body arrived.
    ConnectionClosed,
    /// The head does not fit the caller's buffer (which is smaller than the head cap).
    BufferFull {
        /// The buffer's size.
        capacity: usize,
    },
    /// An earlier error or the server's `Connection: close` ended this connection; give the client
    /// a new transport ([`Client::reconnect`](crate::Client::reconnect)).
    Disconnected,
    /// A call out of order: a body write without a streamed request, a response awaited twice.
    Misuse,
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "transport error: {e:?}"),
            Self::Encode(e) => write!(f, "{e}"),
            Self::Decode(e) => write!(f, "{e}"),
            Self::Chunked(e) => write!(f, "{e}"),
            Self::Gate(e) => write!(f, "{e}"),
            Self::ConnectionClosed => f.write_str("the peer closed the connection mid-message"),
            Self::BufferFull { capacity } => {
                write!(f, "a head does not fit the {capacity}-byte buffer")
            }
            Self::Disconnected => f.write_str("the connection is closed; reconnect"),
            Self::Misuse => f.write_str("call out of order"),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for Error<E> {}

impl<E: embedded_io::Error> embedded_io::Error for Error<E> {
    fn kind(&self) -> embedded_io::ErrorKind {
        use embedded_io::ErrorKind;
        match self {
            Self::Io(e) => e.kind(),
            Self::ConnectionClosed => ErrorKind::ConnectionReset,
            Self::Disconnected => ErrorKind::NotConnected,
            Self::BufferFull { .. } => ErrorKind::OutOfMemory,
            Self::Encode(_) | Self::Misuse => ErrorKind::InvalidInput,
            Self::Decode(_) | Self::Chunked(_) | Self::Gate(_) => ErrorKind::InvalidData,
        }
    }
}
