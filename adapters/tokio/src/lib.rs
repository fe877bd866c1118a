//! [`persistent_auth`] over tokio: a session client ([`SessionClient`]) and the reference session
//! server ([`Server`]) over TCP and TLS (rustls with *ring*), and the `persistent-auth` command.
//!
//! Both run the `persistent-auth-io` async driver over tokio sockets through
//! `embedded-io-adapters`' `FromTokio`: the same code that runs on embedded stacks.

mod client;
mod clock;
mod endpoint;
mod server;
mod store;
mod stream;
pub mod tls;

/// The rustls this crate builds its TLS configurations with.
pub use rustls;

pub use client::{ClientError, ClientOptions, SessionClient};
pub use clock::{Clock, ManualClock, SystemClock};
pub use endpoint::{Endpoint, EndpointError, Scheme};
pub use server::{OsIds, Server, ServerConfig, ServerHandle};
pub use store::IndexedStore;
pub use stream::{Stream, Tap};
