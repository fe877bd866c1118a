//! The errors of each operation: small `Copy` enums that say what was wrong.
//!
//! Local misuse (a call in the wrong state, a buffer too small) is kept apart from a peer breaking
//! the protocol: the first is a bug in the caller, the second is the network's fault and usually
//! means closing the connection.

use core::fmt;

/// Which part of a head broke the HTTP/1.x grammar.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Malformed {
    /// The version is not `HTTP/1.0` or `HTTP/1.1`.
    Version,
    /// The status line is not `HTTP/1.x NNN reason`.
    StatusLine,
    /// The request line is not `METHOD target HTTP/1.x`.
    RequestLine,
    /// A header name holds a byte that is not a token character.
    HeaderName,
    /// A header value holds a control byte.
    HeaderValue,
    /// A line ends in something other than CRLF or LF.
    LineEnding,
}

impl Malformed {
    pub(crate) fn from_httparse(e: httparse::Error, request: bool) -> Self {
        match e {
            httparse::Error::HeaderName => Self::HeaderName,
            httparse::Error::HeaderValue => Self::HeaderValue,
            httparse::Error::NewLine => Self::LineEnding,
            httparse::Error::Version => Self::Version,
            _ if request => Self::RequestLine,
            _ => Self::StatusLine,
        }
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Version => "unsupported HTTP version",
            Self::StatusLine => "malformed status line",
            Self::RequestLine => "malformed request line",
            Self::HeaderName => "invalid byte in a header name",
            Self::HeaderValue => "invalid byte in a header value",
            Self::LineEnding => "invalid line ending",
        })
    }
}

/// Why a [`ClientConfig`](crate::ClientConfig) was refused.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigError {
    /// The host is empty or holds bytes that cannot stand in a `Host` header (control bytes, space,
    /// `/`, `?`, `#`, `@`, `,`).
    InvalidHost,
    /// The base path does not start with `/` or holds bytes that cannot stand in a request target
    /// or a cookie `Path`.
    InvalidBasePath,
    /// The head cap is below 16 bytes, shorter than any real head.
    MaxHeadTooSmall,
    /// The realm is empty or holds `"`, `\\` or bytes a header cannot carry.
    InvalidRealm,
    /// An idle timeout or the largest `Session-TTL` is zero.
    ZeroTimeout,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidHost => "host is empty or holds bytes a Host header cannot carry",
            Self::InvalidBasePath => "base path must be an absolute path of visible ASCII",
            Self::MaxHeadTooSmall => "maximum head size must be at least 16 bytes",
            Self::InvalidRealm => "realm is empty or holds quotes, backslashes or control bytes",
            Self::ZeroTimeout => "timeouts must be at least one minute",
        })
    }
}

impl core::error::Error for ConfigError {}

/// Why a request could not be encoded. `out` is untouched and the session unchanged, except that an
/// expired cookie found on the way is forgotten.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EncodeError {
    /// `out` holds fewer than the `required` bytes the request needs (caller misuse).
    BufferTooSmall {
        /// Bytes the encoded request needs.
        required: usize,
    },
    /// The response to the previous request has not been decoded yet; this crate does not pipeline
    /// (caller misuse).
    ResponsePending,
    /// This request must log in (there is no session, or it died) but no credentials were given.
    CredentialsRequired,
    /// The user name holds `:` or a control byte, the password a control byte, or a bearer token
    /// bytes outside `token68`.
    InvalidCredentials,
    /// The method is not an HTTP token.
    InvalidMethod,
    /// The path is not an origin-form target of visible ASCII.
    InvalidPath,
    /// The caller header at `index` has a name that is not a token.
    InvalidHeaderName {
        /// Position in [`RequestHead::headers`](crate::RequestHead::headers).
        index: usize,
    },
    /// The caller header at `index` has a value with CR, LF or another control byte, or leading or
    /// trailing whitespace.
    InvalidHeaderValue {
        /// Position in [`RequestHead::headers`](crate::RequestHead::headers).
        index: usize,
    },
    /// The caller header at `index` is one the session writes itself (`Host`, `Authorization`,
    /// `Prefer`, `Cookie`, `Session-TTL`, `JSESSIONID`, `Content-Length`, `Transfer-Encoding`).
    ReservedHeader {
        /// Position in [`RequestHead::headers`](crate::RequestHead::headers).
        index: usize,
    },
    /// The session cookie does not cover this path (RFC 6265 path-match against its `Path`), so
    /// the request can neither reuse the session nor end it.
    OutsideCookiePath,
    /// [`end_session`](crate::ClientSession::end_session) asked for a logout, but the session
    /// cookie expired first: there is nothing left to end, and the session is now closed.
    NothingToEnd,
}

impl EncodeError {
    /// Whether the error is the caller's misuse of the API rather than bad request data.
    #[must_use]
    pub fn is_misuse(&self) -> bool {
        matches!(self, Self::BufferTooSmall { .. } | Self::ResponsePending)
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { required } => {
                write!(f, "output buffer too small: {required} bytes required")
            }
            Self::ResponsePending => f.write_str("the previous response has not been decoded"),
            Self::CredentialsRequired => f.write_str("this request logs in and needs credentials"),
            Self::InvalidCredentials => {
                f.write_str("credentials hold bytes the scheme cannot carry")
            }
            Self::InvalidMethod => f.write_str("method is not an HTTP token"),
            Self::InvalidPath => f.write_str("path is not an origin-form request target"),
            Self::InvalidHeaderName { index } => write!(f, "header {index}: invalid name"),
            Self::InvalidHeaderValue { index } => {
                write!(f, "header {index}: value holds CR, LF, a control byte or edge whitespace")
            }
            Self::ReservedHeader { index } => {
                write!(f, "header {index}: the session writes this header itself")
            }
            Self::OutsideCookiePath => f.write_str("path is outside the session cookie's Path"),
            Self::NothingToEnd => f.write_str("the session cookie expired before the logout"),
        }
    }
}

impl core::error::Error for EncodeError {}

/// Why a response head could not be decoded.
///
/// After an error the request counts as answered (except for
/// [`NoRequestInFlight`](Self::NoRequestInFlight)): the session is in the state its
/// [`ClientSession::abort`](crate::ClientSession::abort) would leave, and the connection should be
/// closed, since where the next response starts is unknown.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecodeError {
    /// No request was encoded whose response this could be (caller misuse).
    NoRequestInFlight,
    /// The head did not end within `max` bytes.
    HeadTooLarge {
        /// The configured cap.
        max: usize,
    },
    /// The head has more than `max` header lines.
    TooManyHeaders {
        /// The capacity of the header array.
        max: usize,
    },
    /// The head breaks the HTTP/1.x grammar.
    Malformed(Malformed),
    /// `Content-Length` is not a number, or several disagree.
    InvalidContentLength,
    /// The server set a session cookie (value and `Path`) of `required` bytes, more than the
    /// session's `COOKIE_MAX`; it was not taken, and no older cookie is kept either.
    CookieTooLong {
        /// Bytes the cookie value plus its path need.
        required: usize,
        /// `COOKIE_MAX` of the session.
        capacity: usize,
    },
}

impl DecodeError {
    /// Whether the error is the caller's misuse of the API rather than the peer's fault.
    #[must_use]
    pub fn is_misuse(&self) -> bool {
        matches!(self, Self::NoRequestInFlight)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoRequestInFlight => f.write_str("no request is awaiting a response"),
            Self::HeadTooLarge { max } => write!(f, "response head longer than {max} bytes"),
            Self::TooManyHeaders { max } => write!(f, "response head has more than {max} headers"),
            Self::Malformed(m) => write!(f, "response head: {m}"),
            Self::InvalidContentLength => f.write_str("invalid or conflicting Content-Length"),
            Self::CookieTooLong { required, capacity } => {
                write!(f, "session cookie needs {required} bytes, the session holds {capacity}")
            }
        }
    }
}

impl core::error::Error for DecodeError {}

/// Why a chunked body could not be decoded. The body is corrupt; close the connection.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChunkedError {
    /// A chunk size line does not start with a hexadecimal number.
    InvalidSize,
    /// A chunk size does not fit in 64 bits.
    SizeOverflow,
    /// A chunk extension holds a control byte.
    InvalidExtension,
    /// A chunk's data is not followed by CRLF, or a line ends in a bare CR or LF.
    InvalidLineEnding,
    /// A trailer line holds a control byte.
    InvalidTrailer,
    /// Input was given after the final chunk and its trailers (caller misuse).
    AlreadyDone,
}

impl fmt::Display for ChunkedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidSize => "chunk size is not hexadecimal",
            Self::SizeOverflow => "chunk size does not fit in 64 bits",
            Self::InvalidExtension => "chunk extension holds a control byte",
            Self::InvalidLineEnding => "chunk line does not end in CRLF",
            Self::InvalidTrailer => "trailer line holds a control byte",
            Self::AlreadyDone => "the chunked body already ended",
        })
    }
}

impl core::error::Error for ChunkedError {}
