//! The blocking client: the async driver run to completion over `embedded_io` streams.

use crate::Error;
use crate::block_on::{Blocking, block_on};
use persistent_auth::{ClientSession, Credentials, Instant, RequestHead, Response};

/// [`Client`](super::Client) over a blocking `embedded_io::{Read, Write}` stream: the same driver,
/// the same behaviour, blocking calls.
pub struct BlockingClient<
    'a,
    T,
    B = &'a mut [u8],
    const COOKIE_MAX: usize = 128,
    const MAX_HEADERS: usize = 32,
> {
    inner: super::Client<'a, Blocking<T>, B, COOKIE_MAX, MAX_HEADERS>,
}

impl<'a, T, B, const COOKIE_MAX: usize, const MAX_HEADERS: usize>
    BlockingClient<'a, T, B, COOKIE_MAX, MAX_HEADERS>
where
    T: embedded_io::Read + embedded_io::Write,
    B: AsRef<[u8]> + AsMut<[u8]>,
{
    /// A client for `session` over `io`, reading into `buf` (borrowed or owned).
    pub fn new(io: T, session: ClientSession<'a, COOKIE_MAX, MAX_HEADERS>, buf: B) -> Self {
        Self { inner: super::Client::new(Blocking(io), session, buf) }
    }

    /// The session.
    pub fn session(&self) -> &ClientSession<'a, COOKIE_MAX, MAX_HEADERS> {
        self.inner.session()
    }

    /// The session, to end or forget it.
    pub fn session_mut(&mut self) -> &mut ClientSession<'a, COOKIE_MAX, MAX_HEADERS> {
        self.inner.session_mut()
    }

    /// The transport.
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.inner.transport_mut().0
    }

    /// Whether the connection can carry another request.
    pub fn is_connected(&self) -> bool {
        self.inner.is_connected()
    }

    /// Continues the session over a new transport; see [`Client::reconnect`](super::Client::reconnect).
    pub fn reconnect(&mut self, io: T) -> T {
        self.inner.reconnect(Blocking(io)).0
    }

    /// See [`Client::request`](super::Client::request).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn request(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
        body: &[u8],
        now: Instant,
    ) -> Result<Response, Error<T::Error>> {
        block_on(self.inner.request(head, creds, body, now))
    }

    /// See [`Client::logout`](super::Client::logout).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn logout(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
        now: Instant,
    ) -> Result<Option<Response>, Error<T::Error>> {
        block_on(self.inner.logout(head, creds, now))
    }

    /// See [`Client::send_head`](super::Client::send_head).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn send_head(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
        now: Instant,
    ) -> Result<(), Error<T::Error>> {
        block_on(self.inner.send_head(head, creds, now))
    }

    /// See [`Client::write_body`](super::Client::write_body).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn write_body(&mut self, data: &[u8]) -> Result<(), Error<T::Error>> {
        block_on(self.inner.write_body(data))
    }

    /// See [`Client::finish_request`](super::Client::finish_request).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn finish_request(&mut self, now: Instant) -> Result<Response, Error<T::Error>> {
        block_on(self.inner.finish_request(now))
    }

    /// See [`Client::read_body`](super::Client::read_body).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn read_body(&mut self, out: &mut [u8]) -> Result<usize, Error<T::Error>> {
        block_on(self.inner.read_body(out))
    }

    /// See [`Client::read_to_end`](super::Client::read_to_end).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn read_to_end(&mut self, out: &mut [u8]) -> Result<usize, Error<T::Error>> {
        block_on(self.inner.read_to_end(out))
    }

    /// See [`Client::skip_body`](super::Client::skip_body).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn skip_body(&mut self) -> Result<(), Error<T::Error>> {
        block_on(self.inner.skip_body())
    }
}

impl<T, B, const COOKIE_MAX: usize, const MAX_HEADERS: usize> core::fmt::Debug
    for BlockingClient<'_, T, B, COOKIE_MAX, MAX_HEADERS>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.inner.fmt(f)
    }
}
