//! HTTP *authentication sessions* as the oVirt / RHV engine REST API defines them, for both sides of
//! the wire, as a `no_std`, allocation-free, sans-IO state machine.
//!
//! 1. **login**: `Authorization: Basic …` plus `Prefer: persistent-auth`; the server answers with
//!    `Set-Cookie: JSESSIONID=…; Path=/ovirt-engine/api; Secure`;
//! 2. **reuse**: later requests carry `Prefer: persistent-auth` and `Cookie: JSESSIONID=…`, no
//!    credentials;
//! 3. **logout**: a request *without* `Prefer: persistent-auth` ends the session.
//!
//! The crate never touches a socket, a clock or an allocator. [`ClientSession`] writes request
//! heads into buffers you own and reads response heads out of them; you move the bytes, read the
//! bodies (the [`BodyFraming`] says how, [`ChunkedDecoder`] decodes chunked ones) and pass the time
//! in as an [`Instant`].
//!
//! # Run loop
//!
//! A login, two reuses and a logout, against canned responses where a real program would use a
//! socket:
//!
//! ```
//! use persistent_auth::{
//!     ClientConfig, ClientSession, ClientState, Credentials, Instant, Progress, RequestHead,
//!     SessionEvent,
//! };
//!
//! let config = ClientConfig::new("engine.example.com", "/ovirt-engine/api").with_secure_channel(true);
//! let mut session: ClientSession = ClientSession::new(config)?;
//! let creds = Credentials::basic("rhevmadmin@black.qumranet.com", "123456");
//!
//! // What the "server" answers to each request, in order.
//! let answers: [&[u8]; 4] = [
//!     b"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK; Path=/ovirt-engine/api; Secure\r\nContent-Length: 0\r\n\r\n",
//!     b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
//!     b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
//!     b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"RESTAPI\"\r\nContent-Length: 0\r\n\r\n",
//! ];
//! let mut events = Vec::new();
//! let mut out = [0u8; 512];
//! for (step, answer) in answers.iter().enumerate() {
//!     if step == 3 {
//!         session.end_session(); // the next request is the logout
//!     }
//!     let now = Instant::from_secs(step as u64);
//!     // Credentials can go with every call: the session puts them only on a login.
//!     let len = session.encode_request(&RequestHead::head(""), Some(&creds), now, &mut out)?;
//!     let request = &out[..len]; // a program writes this to its socket
//!     assert_eq!(request.starts_with(b"HEAD /ovirt-engine/api HTTP/1.1\r\n"), true);
//!     assert_eq!(request.windows(13).any(|w| w == b"Authorization"), step == 0);
//!
//!     // Bytes may arrive in any pieces; here, 16 at a time.
//!     let mut received = 0;
//!     let response = loop {
//!         received = (received + 16).min(answer.len());
//!         match session.decode_response(&answer[..received], now)? {
//!             Progress::Partial => continue,
//!             Progress::Complete { value, .. } => break value,
//!         }
//!     };
//!     events.push(response.event);
//! }
//! assert_eq!(
//!     events,
//!     [SessionEvent::Established, SessionEvent::Reused, SessionEvent::Reused, SessionEvent::Closed]
//! );
//! assert_eq!(session.state(), ClientState::Closed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A real client also handles [`SessionEvent::Expired`] (send the request again: it logs in, once)
//! and reads each body before the next request; the `persistent-auth-io` and
//! `persistent-auth-tokio` crates do that over sockets.
//!
//! # Server side
//!
//! [`SessionGate`] puts the same protocol in front of a server's handlers: it reads request heads,
//! decides (log in, reuse, end, one-shot, or refuse with 401/403/503), and writes the `Set-Cookie`
//! and `WWW-Authenticate` headers the response needs. Session ids come from the caller's CSPRNG
//! ([`IdSource`]), credentials are checked by the caller's [`Verifier`], sessions live in a bounded
//! [`SessionStore`] ([`ArrayStore`] by default).

#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(test)]
extern crate std;

mod basic;
mod chunked;
mod client;
mod cookie;
mod date;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod gate;
mod head;
mod prefer;
mod secret;
mod time;

pub use basic::{Credentials, MalformedCredentials};
pub use chunked::{ChunkedDecoder, Decoded};
pub use client::{
    ClientConfig, ClientSession, ClientState, DEFAULT_MAX_HEAD, NotEstablished, RequestBody,
    RequestHead, RequestKind, Response, SessionEvent, SessionTtl,
};
pub use cookie::SESSION_COOKIE;
pub use error::{ChunkedError, ConfigError, DecodeError, EncodeError, Malformed};
pub use gate::{
    ArrayStore, DEFAULT_IDLE_TIMEOUT_MINUTES, DEFAULT_MAX_SESSION_TTL_MINUTES, Decision,
    GateConfig, GateError, Granted, HeadReader, IdSource, IdSourceError, Refusal, RequestParts,
    SESSION_ID_BYTES, SESSION_ID_TEXT_LEN, SessionGate, SessionId, SessionRecord, SessionStore,
    UserId, Verdict, Verifier,
};
pub use head::BodyFraming;
/// A header line: a name and a raw value. The same type httparse fills, so heads parsed by
/// httparse pass straight through.
pub use httparse::Header;
pub use prefer::Preferences;
pub use time::Instant;

/// The result of reading from a buffer that may not yet hold the whole thing (httparse's
/// `Status`, with the value).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Progress<T> {
    /// More bytes are needed; call again with the same buffer extended.
    Partial,
    /// Done: `consumed` bytes of the input were used.
    Complete {
        /// Bytes of the input that made up what was read.
        consumed: usize,
        /// What was read.
        value: T,
    },
}

impl<T> Progress<T> {
    /// Whether the value is complete.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        matches!(self, Self::Complete { .. })
    }

    /// The value, if complete.
    #[must_use]
    pub fn complete(self) -> Option<(usize, T)> {
        match self {
            Self::Partial => None,
            Self::Complete { consumed, value } => Some((consumed, value)),
        }
    }
}
