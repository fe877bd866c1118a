//! The client driver: a [`ClientSession`] over a stream.

#[cfg(feature = "blocking")]
pub(crate) mod blocking;

use crate::Error;
use crate::body::BodyState;
use crate::inbox::Inbox;
use embedded_io_async::{Read, Write};
use persistent_auth::{
    ClientSession, ClientState, Credentials, Instant, Progress, RequestBody, RequestHead, Response,
    SessionEvent,
};

/// Drives one [`ClientSession`] over one stream (a TCP socket, a TLS stream), with the caller's
/// buffer for heads and received bytes.
///
/// [`request`](Self::request) sends a request with a body held in memory and, if the session had
/// expired, sends it once more as a login. Bodies of any size go through
/// [`send_head`](Self::send_head), [`write_body`](Self::write_body) and
/// [`finish_request`](Self::finish_request). Response bodies are read with
/// [`read_body`](Self::read_body); what is left unread is skipped before the next request.
pub struct Client<
    'a,
    T,
    B = &'a mut [u8],
    const COOKIE_MAX: usize = 128,
    const MAX_HEADERS: usize = 32,
> {
    session: ClientSession<'a, COOKIE_MAX, MAX_HEADERS>,
    io: T,
    inbox: Inbox<B>,
    /// The body of the last response, as far as it has been read.
    body: BodyState,
    /// The framing of the request being streamed, between `send_head` and `finish_request`.
    sending: Option<RequestBody>,
    /// Whether the connection can carry another request.
    usable: bool,
    /// Whether the last response asked for the connection to be closed after it.
    close_after_body: bool,
}

impl<'a, T, B, const COOKIE_MAX: usize, const MAX_HEADERS: usize>
    Client<'a, T, B, COOKIE_MAX, MAX_HEADERS>
where
    T: Read + Write,
    B: AsRef<[u8]> + AsMut<[u8]>,
{
    /// A client for `session` over `io`, reading into `buf`, borrowed or owned (it bounds the
    /// response head: make it at least the session's `max_head` for the full cap to apply).
    pub fn new(io: T, session: ClientSession<'a, COOKIE_MAX, MAX_HEADERS>, buf: B) -> Self {
        Self {
            session,
            io,
            inbox: Inbox::new(buf),
            body: BodyState::Done,
            sending: None,
            usable: true,
            close_after_body: false,
        }
    }

    /// The session.
    pub fn session(&self) -> &ClientSession<'a, COOKIE_MAX, MAX_HEADERS> {
        &self.session
    }

    /// The session, to end or forget it.
    pub fn session_mut(&mut self) -> &mut ClientSession<'a, COOKIE_MAX, MAX_HEADERS> {
        &mut self.session
    }

    /// The transport.
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// Whether the connection can carry another request.
    pub fn is_connected(&self) -> bool {
        self.usable
    }

    /// Continues the session over a new transport (after [`Error::Disconnected`], a keep-alive
    /// timeout, or a `Connection: close`). A request whose answer never came counts as unanswered.
    /// Returns the old transport.
    pub fn reconnect(&mut self, io: T) -> T {
        self.session.abort();
        self.inbox.clear();
        self.body = BodyState::Done;
        self.sending = None;
        self.usable = true;
        self.close_after_body = false;
        core::mem::replace(&mut self.io, io)
    }

    /// Gives back the session and the transport.
    pub fn into_parts(self) -> (ClientSession<'a, COOKIE_MAX, MAX_HEADERS>, T) {
        (self.session, self.io)
    }

    /// Sends a request whose body is `body` (none if empty, unless `head` asks for
    /// `Content-Length: 0`) and reads the response head. If the session had expired, the request
    /// is sent once more, as a login; the response returned is the final one.
    ///
    /// # Errors
    ///
    /// See [`Error`]; the session is left in a defined state.
    pub async fn request(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
        body: &[u8],
        now: Instant,
    ) -> Result<Response, Error<T::Error>> {
        let framing = if body.is_empty() && head.body == RequestBody::None {
            RequestBody::None
        } else {
            RequestBody::Length(body.len() as u64)
        };
        let head = head.with_body(framing);
        let mut response = self.exchange(&head, creds, body, now).await?;
        if response.should_retry() {
            self.skip_body().await?;
            response = self.exchange(&head, creds, body, now).await?;
        }
        Ok(response)
    }

    /// Ends the session: sends the logout request (`head`, with the cookie and without `Prefer`)
    /// and skips its body. Both 200 and 401 close the session (that is what engines answer).
    /// `Ok(None)` when there was no session to end.
    ///
    /// # Errors
    ///
    /// See [`Error`]; whatever happens, the session is closed afterwards.
    pub async fn logout(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
        now: Instant,
    ) -> Result<Option<Response>, Error<T::Error>> {
        self.skip_body().await?;
        self.session.end_session();
        if self.session.state() != ClientState::Ending {
            return Ok(None);
        }
        match self.exchange(head, creds, &[], now).await {
            Ok(response) => {
                self.skip_body().await?;
                Ok(Some(response))
            }
            Err(Error::Encode(persistent_auth::EncodeError::NothingToEnd)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Sends only the head of a request whose body is streamed after it with
    /// [`write_body`](Self::write_body) (`head.body` says how: `Length(n)` or `Chunked`), then
    /// [`finish_request`](Self::finish_request). No automatic retry: if the response says
    /// [`SessionEvent::Expired`], send the request again.
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn send_head(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
        now: Instant,
    ) -> Result<(), Error<T::Error>> {
        self.write_head(head, creds, now).await?;
        self.sending = Some(head.body);
        Ok(())
    }

    /// Writes a piece of the streamed request body (as one chunk, if the body is chunked).
    ///
    /// # Errors
    ///
    /// [`Error::Misuse`] outside `send_head` … `finish_request`; [`Error::Io`].
    pub async fn write_body(&mut self, data: &[u8]) -> Result<(), Error<T::Error>> {
        let framing = self.sending.ok_or(Error::Misuse)?;
        if data.is_empty() {
            return Ok(());
        }
        let sent = match framing {
            RequestBody::Chunked => {
                let mut size = [0u8; 18];
                let line = chunk_size_line(data.len(), &mut size);
                let r = self.io.write_all(line).await;
                match r {
                    Ok(()) => match self.io.write_all(data).await {
                        Ok(()) => self.io.write_all(b"\r\n").await,
                        Err(e) => Err(e),
                    },
                    Err(e) => Err(e),
                }
            }
            RequestBody::Length(_) | RequestBody::None => self.io.write_all(data).await,
        };
        self.on_write(sent)
    }

    /// Ends the streamed body (the last chunk, if chunked) and reads the response head.
    ///
    /// # Errors
    ///
    /// [`Error::Misuse`] without a streamed request; see [`Error`].
    pub async fn finish_request(&mut self, now: Instant) -> Result<Response, Error<T::Error>> {
        let framing = self.sending.take().ok_or(Error::Misuse)?;
        if framing == RequestBody::Chunked {
            let sent = self.io.write_all(b"0\r\n\r\n").await;
            self.on_write(sent)?;
        }
        let flushed = self.io.flush().await;
        self.on_write(flushed)?;
        self.read_head(now).await
    }

    /// Reads the next piece of the response body into `out`; `Ok(0)` at its end.
    ///
    /// # Errors
    ///
    /// [`Error::ConnectionClosed`] when the peer closes mid-body, [`Error::Chunked`] for a broken
    /// chunked body, [`Error::Io`].
    pub async fn read_body(&mut self, out: &mut [u8]) -> Result<usize, Error<T::Error>> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            // Never offer the decoder more than `out` can take: then no data is left half-used.
            let unread = self.inbox.unread();
            let window = unread.get(..out.len().min(unread.len())).unwrap_or_default();
            let piece = match self.body.next(window) {
                Ok(piece) => piece,
                Err(e) => {
                    self.usable = false;
                    return Err(Error::Chunked(e));
                }
            };
            let (start, end) = piece.data;
            let data = window.get(start..end).unwrap_or_default();
            let taken = data.len();
            if let Some(dst) = out.get_mut(..taken) {
                dst.copy_from_slice(data);
            }
            self.inbox.consume(piece.consumed);
            if self.body.is_done() {
                self.after_body();
            }
            if taken > 0 || self.body.is_done() {
                return Ok(taken);
            }
            if (piece.need_more || piece.consumed == 0)
                && !self.fill().await?
                && !self.body.at_close()
            {
                return Err(Error::ConnectionClosed);
            }
        }
    }

    /// Reads the rest of the response body into `out`; its length.
    ///
    /// # Errors
    ///
    /// [`Error::BufferFull`] when the body is longer than `out` (what was read stays in `out`, the
    /// rest is skipped before the next request); otherwise as [`read_body`](Self::read_body).
    pub async fn read_to_end(&mut self, out: &mut [u8]) -> Result<usize, Error<T::Error>> {
        let mut len = 0;
        while let Some(rest) = out.get_mut(len..).filter(|r| !r.is_empty()) {
            match self.read_body(rest).await? {
                0 => return Ok(len),
                n => len += n,
            }
        }
        // `out` is full: the body must end here.
        match self.read_body(&mut [0u8; 1]).await? {
            0 => Ok(len),
            _ => Err(Error::BufferFull { capacity: out.len() }),
        }
    }

    /// Reads and drops the rest of the response body.
    ///
    /// # Errors
    ///
    /// As [`read_body`](Self::read_body).
    pub async fn skip_body(&mut self) -> Result<(), Error<T::Error>> {
        let mut sink = [0u8; 64];
        while !self.body.is_done() {
            if self.read_body(&mut sink).await? == 0 {
                break;
            }
        }
        Ok(())
    }

    /// One request and its response head: encode, write, flush, read.
    async fn exchange(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
        body: &[u8],
        now: Instant,
    ) -> Result<Response, Error<T::Error>> {
        self.write_head(head, creds, now).await?;
        if !body.is_empty() {
            let sent = self.io.write_all(body).await;
            self.on_write(sent)?;
        }
        let flushed = self.io.flush().await;
        self.on_write(flushed)?;
        self.read_head(now).await
    }

    /// Readies the connection, encodes the head into the free part of the buffer and writes it.
    async fn write_head(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
        now: Instant,
    ) -> Result<(), Error<T::Error>> {
        self.prepare().await?;
        let n = self.encode(head, creds, now)?;
        let sent = {
            let (_, free) = self.inbox.split();
            self.io.write_all(free.get(..n).unwrap_or_default()).await
        };
        self.on_write(sent)
    }

    /// Makes the connection ready for a request: skips what is left of the last body.
    async fn prepare(&mut self) -> Result<(), Error<T::Error>> {
        if self.sending.is_some() {
            return Err(Error::Misuse);
        }
        if self.usable {
            self.skip_body().await?;
        }
        if !self.usable {
            // Whatever is left of the last body can no longer be read.
            self.body = BodyState::Done;
            return Err(Error::Disconnected);
        }
        Ok(())
    }

    /// Encodes the request head into the free part of the buffer.
    fn encode(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
        now: Instant,
    ) -> Result<usize, Error<T::Error>> {
        let (_, free) = self.inbox.split();
        self.session.encode_request(head, creds, now, free).map_err(Error::Encode)
    }

    /// A failed write leaves the request unanswered and the connection unusable.
    fn on_write(&mut self, result: Result<(), T::Error>) -> Result<(), Error<T::Error>> {
        result.map_err(|e| {
            self.session.abort();
            self.sending = None;
            self.usable = false;
            Error::Io(e)
        })
    }

    /// Reads until the response head is complete, skipping interim (1xx) responses.
    async fn read_head(&mut self, now: Instant) -> Result<Response, Error<T::Error>> {
        loop {
            match self.session.decode_response(self.inbox.unread(), now) {
                Ok(Progress::Complete { consumed, value }) => {
                    self.inbox.consume(consumed);
                    if value.event == SessionEvent::Interim {
                        continue;
                    }
                    self.body = BodyState::new(value.body);
                    self.close_after_body = !value.keep_alive;
                    if self.body.is_done() {
                        self.after_body();
                    }
                    return Ok(value);
                }
                Ok(Progress::Partial) => {}
                Err(e) => {
                    self.usable = false;
                    return Err(Error::Decode(e));
                }
            }
            if self.inbox.space().is_none() {
                self.session.abort();
                self.usable = false;
                return Err(Error::BufferFull { capacity: self.inbox.capacity() });
            }
            match self.fill().await {
                Ok(true) => {}
                Ok(false) => {
                    self.session.abort();
                    return Err(Error::ConnectionClosed);
                }
                Err(e) => {
                    self.session.abort();
                    return Err(e);
                }
            }
        }
    }

    /// Reads more bytes into the inbox; `false` when the peer closed the connection.
    async fn fill(&mut self) -> Result<bool, Error<T::Error>> {
        let Some(space) = self.inbox.space() else {
            return Err(Error::BufferFull { capacity: self.inbox.capacity() });
        };
        match self.io.read(space).await {
            Ok(0) => {
                self.usable = false;
                Ok(false)
            }
            Ok(n) => {
                self.inbox.filled(n);
                Ok(true)
            }
            Err(e) => {
                self.usable = false;
                Err(Error::Io(e))
            }
        }
    }

    /// The body was read whole: the connection is reusable unless the server said otherwise.
    fn after_body(&mut self) {
        if self.close_after_body {
            self.usable = false;
        }
    }
}

/// `{n:x}\r\n` into `buf`.
fn chunk_size_line(n: usize, buf: &mut [u8; 18]) -> &[u8] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut at = 16;
    let mut rest = n;
    loop {
        at -= 1;
        if let Some(slot) = buf.get_mut(at) {
            *slot = HEX.get(rest % 16).copied().unwrap_or(b'0');
        }
        rest /= 16;
        if rest == 0 || at == 0 {
            break;
        }
    }
    buf[16] = b'\r';
    buf[17] = b'\n';
    buf.get(at..).unwrap_or_default()
}

impl<T, B, const COOKIE_MAX: usize, const MAX_HEADERS: usize> core::fmt::Debug
    for Client<'_, T, B, COOKIE_MAX, MAX_HEADERS>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("session", &self.session)
            .field("usable", &self.usable)
            .finish_non_exhaustive()
    }
}
