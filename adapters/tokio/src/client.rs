//! A session client over tokio: TCP or TLS, reconnecting when a kept-alive connection has gone.

use crate::clock::{Clock, SystemClock};
use crate::endpoint::{Endpoint, Scheme};
use crate::stream::{Stream, Tap, Tapped};
use crate::tls;
use embedded_io_adapters::tokio_1::FromTokio;
use persistent_auth::{
    ClientConfig, ClientSession, Credentials, RequestHead, Response, SessionTtl,
};
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use zeroize::Zeroizing;

type Transport = FromTokio<Tapped<Stream>>;

/// How a [`SessionClient`] behaves.
#[derive(Clone)]
pub struct ClientOptions {
    /// Trust only the certificates in this PEM file (else the system's roots).
    pub ca_file: Option<PathBuf>,
    /// `Session-TTL` to ask for at login.
    pub session_ttl: Option<SessionTtl>,
    /// Send the credentials on every request, as the oVirt v3 SDKs do.
    pub renew: bool,
    /// Ask for CSRF protection.
    pub csrf_protection: bool,
    /// Allow `http://` to a host other than this machine. The session id then travels in the
    /// clear, so a cookie marked `Secure` is refused and every request logs in again.
    pub insecure_plain_http: bool,
    /// How long connecting, and each request, may take.
    pub timeout: Duration,
    /// Copies every byte sent and received, for printing heads.
    pub tap: Option<Tap>,
    /// The clock the session's cookie lifetimes run on.
    pub clock: Arc<dyn Clock>,
    /// Bytes for response heads and received data.
    pub buffer_size: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            ca_file: None,
            session_ttl: None,
            renew: false,
            csrf_protection: false,
            insecure_plain_http: false,
            timeout: Duration::from_secs(30),
            tap: None,
            clock: Arc::new(SystemClock::new()),
            buffer_size: 16 * 1024,
        }
    }
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("ca_file", &self.ca_file)
            .field("session_ttl", &self.session_ttl)
            .field("renew", &self.renew)
            .field("csrf_protection", &self.csrf_protection)
            .field("insecure_plain_http", &self.insecure_plain_http)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// What went wrong for a [`SessionClient`].
#[derive(Debug)]
pub enum ClientError {
    /// Plain `http://` to a host that is not this machine, without
    /// [`insecure_plain_http`](ClientOptions::insecure_plain_http).
    PlainHttpRefused,
    /// The connection (TCP, TLS) could not be made.
    Connect(io::Error),
    /// The exchange failed.
    Protocol(persistent_auth_io::Error<io::Error>),
    /// The server did not answer in time.
    Timeout,
    /// The client configuration was refused (a host or path that cannot go into a head).
    Config(persistent_auth::ConfigError),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PlainHttpRefused => f.write_str(
                "plain http:// to another machine would send the password and the session in the clear; use https:// or pass --insecure-plain-http",
            ),
            Self::Connect(e) => write!(f, "cannot connect: {e}"),
            Self::Protocol(e) => write!(f, "{e}"),
            Self::Timeout => f.write_str("the server did not answer in time"),
            Self::Config(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ClientError {}

/// One authentication session with an engine API (or anything speaking the protocol), over tokio.
///
/// The credentials are kept (wiped on drop) because the session logs in again by itself when the
/// server has forgotten it.
pub struct SessionClient<'e> {
    endpoint: &'e Endpoint,
    inner: persistent_auth_io::Client<'e, Transport, Box<[u8]>>,
    tls: Option<TlsConnector>,
    user: Zeroizing<String>,
    password: Zeroizing<String>,
    options: ClientOptions,
    /// The connection has not carried a request yet (a failure on it is not a stale keep-alive).
    fresh: bool,
    /// A request was abandoned mid-way (timeout): the connection must be replaced.
    broken: bool,
}

impl fmt::Debug for SessionClient<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionClient")
            .field("endpoint", &self.endpoint)
            .field("user", &*self.user)
            .field("session", self.inner.session())
            .finish_non_exhaustive()
    }
}

impl<'e> SessionClient<'e> {
    /// Connects to `endpoint` (no request is sent yet).
    ///
    /// # Errors
    ///
    /// [`ClientError::PlainHttpRefused`], [`ClientError::Connect`], [`ClientError::Config`].
    pub async fn connect(
        endpoint: &'e Endpoint,
        user: &str,
        password: Zeroizing<String>,
        options: ClientOptions,
    ) -> Result<Self, ClientError> {
        let plain = endpoint.scheme() == Scheme::Http;
        if plain && !endpoint.is_loopback() && !options.insecure_plain_http {
            return Err(ClientError::PlainHttpRefused);
        }
        let tls = if plain {
            None
        } else {
            Some(TlsConnector::from(
                tls::client_config(options.ca_file.as_deref()).map_err(ClientError::Connect)?,
            ))
        };
        // TLS, or a connection that never leaves the machine: only then may `Secure` cookies go.
        let secure_channel = !plain || endpoint.is_loopback();
        let config = ClientConfig::new(endpoint.host_header(), endpoint.base_path())
            .with_secure_channel(secure_channel)
            .with_session_ttl(options.session_ttl)
            .with_renew(options.renew)
            .with_csrf_protection(options.csrf_protection);
        let session = ClientSession::new(config).map_err(ClientError::Config)?;
        let stream = open(endpoint, tls.as_ref(), options.timeout).await?;
        let buffer = vec![0u8; options.buffer_size].into_boxed_slice();
        let inner = persistent_auth_io::Client::new(
            FromTokio::new(Tapped::new(stream, options.tap.clone())),
            session,
            buffer,
        );
        Ok(Self {
            endpoint,
            inner,
            tls,
            user: Zeroizing::new(user.to_owned()),
            password,
            options,
            fresh: true,
            broken: false,
        })
    }

    /// The session.
    #[must_use]
    pub fn session(&self) -> &ClientSession<'e> {
        self.inner.session()
    }

    /// Sends `method` on `path` (relative to the base path; `""` is the base) and reads the
    /// response head. An expired session is logged into again once, transparently; a connection
    /// the server closed is replaced.
    ///
    /// # Errors
    ///
    /// See [`ClientError`].
    pub async fn request(&mut self, method: &str, path: &str) -> Result<Response, ClientError> {
        let head = RequestHead::new(method, path);
        let idempotent = matches!(method, "GET" | "HEAD" | "OPTIONS");
        for attempt in 0..2 {
            self.ensure_connected().await?;
            let creds = Credentials::basic(&self.user, &self.password);
            let now = self.options.clock.now();
            let sent = tokio::time::timeout(
                self.options.timeout,
                self.inner.request(&head, Some(&creds), &[], now),
            )
            .await;
            match sent {
                Ok(Ok(response)) => {
                    self.fresh = false;
                    return Ok(response);
                }
                // Nothing was sent: the connection had already ended.
                Ok(Err(persistent_auth_io::Error::Disconnected)) => self.broken = true,
                // A kept-alive connection the server closed as the request went out.
                Ok(Err(
                    persistent_auth_io::Error::ConnectionClosed | persistent_auth_io::Error::Io(_),
                )) if !self.fresh && idempotent && attempt == 0 => {
                    self.broken = true;
                }
                Ok(Err(e)) => return Err(ClientError::Protocol(e)),
                Err(_) => {
                    self.broken = true;
                    return Err(ClientError::Timeout);
                }
            }
        }
        Err(ClientError::Protocol(persistent_auth_io::Error::Disconnected))
    }

    /// Reads the response body into `out`; its length.
    ///
    /// # Errors
    ///
    /// See [`ClientError`]; a body longer than `out` is [`persistent_auth_io::Error::BufferFull`].
    pub async fn read_to_end(&mut self, out: &mut [u8]) -> Result<usize, ClientError> {
        match tokio::time::timeout(self.options.timeout, self.inner.read_to_end(out)).await {
            Ok(result) => result.map_err(ClientError::Protocol),
            Err(_) => {
                self.broken = true;
                Err(ClientError::Timeout)
            }
        }
    }

    /// Ends the session with `HEAD` on the base path (cookie, no `Prefer`); `None` when there was
    /// no session. Engines answer 200 or 401; both mean closed.
    ///
    /// # Errors
    ///
    /// See [`ClientError`]; the session is closed here whatever happens.
    pub async fn logout(&mut self) -> Result<Option<Response>, ClientError> {
        if self.ensure_connected().await.is_err() {
            self.inner.session_mut().end_session();
            self.inner.session_mut().forget();
            return Err(ClientError::Protocol(persistent_auth_io::Error::Disconnected));
        }
        let now = self.options.clock.now();
        match tokio::time::timeout(
            self.options.timeout,
            self.inner.logout(&RequestHead::head(""), None, now),
        )
        .await
        {
            Ok(result) => result.map_err(ClientError::Protocol),
            Err(_) => {
                self.broken = true;
                self.inner.session_mut().forget();
                Err(ClientError::Timeout)
            }
        }
    }

    async fn ensure_connected(&mut self) -> Result<(), ClientError> {
        if self.broken || !self.inner.is_connected() {
            let stream = open(self.endpoint, self.tls.as_ref(), self.options.timeout).await?;
            self.inner.reconnect(FromTokio::new(Tapped::new(stream, self.options.tap.clone())));
            self.broken = false;
            self.fresh = true;
        }
        Ok(())
    }
}

/// Opens a connection to `endpoint`, with TLS when there is a connector.
async fn open(
    endpoint: &Endpoint,
    tls: Option<&TlsConnector>,
    timeout: Duration,
) -> Result<Stream, ClientError> {
    let connect = async {
        let tcp = TcpStream::connect((endpoint.host(), endpoint.port())).await?;
        tcp.set_nodelay(true)?;
        match tls {
            None => Ok(Stream::Plain(tcp)),
            Some(connector) => {
                let name = rustls_pki_types::ServerName::try_from(endpoint.host().to_owned())
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
                Ok(Stream::TlsClient(connector.connect(name, tcp).await?))
            }
        }
    };
    match tokio::time::timeout(timeout, connect).await {
        Ok(result) => result.map_err(ClientError::Connect),
        Err(_) => Err(ClientError::Timeout),
    }
}
