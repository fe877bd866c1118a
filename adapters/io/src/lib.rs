//! Drivers that run [`persistent_auth`] sessions over streams: the client ([`Client`]) and one
//! server connection ([`Connection`]), over any `embedded_io_async::{Read, Write}` (tokio through
//! `embedded-io-adapters`, embassy-net's `TcpSocket`, a smoltcp socket) and, with the `blocking`
//! feature, any `embedded_io::{Read, Write}`.
//!
//! `no_std`, no allocation: every buffer is the caller's. The blocking API is the async driver run
//! to completion over blocking streams, so both share one code path.
//!
//! # Client
//!
//! ```
//! # use persistent_auth::{ClientConfig, ClientSession, Credentials, Instant, RequestHead, SessionEvent};
//! # use persistent_auth_io::BlockingClient;
//! # struct Canned { answers: Vec<u8>, at: usize, sent: Vec<u8> }
//! # impl embedded_io::ErrorType for Canned { type Error = core::convert::Infallible; }
//! # impl embedded_io::Read for Canned {
//! #     fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
//! #         let n = buf.len().min(self.answers.len() - self.at).min(7);
//! #         buf[..n].copy_from_slice(&self.answers[self.at..self.at + n]);
//! #         self.at += n;
//! #         Ok(n)
//! #     }
//! # }
//! # impl embedded_io::Write for Canned {
//! #     fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> { self.sent.extend_from_slice(buf); Ok(buf.len()) }
//! #     fn flush(&mut self) -> Result<(), Self::Error> { Ok(()) }
//! # }
//! # let socket = Canned { answers: b"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=abc; Path=/ovirt-engine/api\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\nHTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n".to_vec(), at: 0, sent: vec![] };
//! // `socket` is any embedded_io::{Read, Write}: a TCP socket of the device's stack.
//! let session: ClientSession = ClientSession::new(ClientConfig::new("engine.example.com", "/ovirt-engine/api"))?;
//! let creds = Credentials::basic("admin@internal", "secret");
//! let mut buf = [0u8; 2048];
//! let mut client = BlockingClient::new(socket, session, &mut buf);
//!
//! let login = client.request(&RequestHead::get(""), Some(&creds), &[], Instant(0))?;
//! assert_eq!(login.event, SessionEvent::Established);
//! let mut body = [0u8; 16];
//! let n = client.read_to_end(&mut body)?;
//! assert_eq!(&body[..n], b"hello");
//!
//! let reuse = client.request(&RequestHead::get("/vms"), Some(&creds), &[], Instant(1_000))?;
//! assert_eq!(reuse.event, SessionEvent::Reused); // its chunked body is skipped before the next request
//!
//! let logout = client.logout(&RequestHead::head(""), None, Instant(2_000))?;
//! assert_eq!(logout.map(|r| r.event), Some(SessionEvent::Closed));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Server
//!
//! A [`Connection`] reads requests into its buffer, asks a [`Gatekeeper`] (a [`LocalGate`] around
//! a `SessionGate`) what to do, hands authorised requests to a [`Handler`] and writes the replies.

#![no_std]
#![forbid(unsafe_code)]

#[cfg(test)]
extern crate std;

mod block_on;
mod body;
mod client;
mod error;
mod inbox;
mod server;

pub use block_on::Blocking;
pub use client::Client;
#[cfg(feature = "blocking")]
pub use client::blocking::BlockingClient;
pub use error::Error;
#[cfg(feature = "blocking")]
pub use server::blocking::BlockingHandler;
pub use server::{Connection, Gatekeeper, Handler, LocalGate, Reply, Request};
