//! The server driver: the gate and a handler over one connection, request after request.

#[cfg(feature = "blocking")]
pub(crate) mod blocking;
mod reply;

use crate::Error;
use crate::body::BodyState;
use crate::inbox::Inbox;
use core::mem::MaybeUninit;
use embedded_io_async::{Read, Write};
use persistent_auth::{
    BodyFraming, Decision, EncodeError, GateError, Granted, HeadReader, Header, IdSource, Instant,
    Progress, RequestParts, SessionGate, SessionStore, UserId, Verdict, Verifier,
};
use reply::{ReplyHead, encode_reply};

/// Access to a [`SessionGate`] and what it needs (a verifier, an id source), for the connection
/// loop. Each call is short and synchronous, so a gate shared by many connections can sit behind a
/// mutex that is never held across an `await`.
pub trait Gatekeeper {
    /// The longest request head accepted.
    fn max_head(&self) -> usize;

    /// Decides about a parsed request head ([`SessionGate::inspect_headers`]).
    ///
    /// # Errors
    ///
    /// [`GateError`]: answer it and close.
    fn inspect(
        &mut self,
        parts: &RequestParts<'_, '_>,
        now: Instant,
    ) -> Result<Decision, GateError>;

    /// The gate's response headers for a decision ([`SessionGate::encode_response_headers`]).
    ///
    /// # Errors
    ///
    /// [`EncodeError::BufferTooSmall`].
    fn response_headers(&self, decision: &Decision, out: &mut [u8]) -> Result<usize, EncodeError>;

    /// A whole refusal response ([`SessionGate::encode_refusal`]).
    ///
    /// # Errors
    ///
    /// [`EncodeError::BufferTooSmall`].
    fn refusal(&self, decision: &Decision, out: &mut [u8]) -> Result<usize, EncodeError>;

    /// Ends what ends with the response ([`SessionGate::finish`]).
    fn finish(&mut self, decision: Decision);
}

/// A gate owned by (or lent to) one connection loop, with its verifier and id source.
#[derive(Debug)]
pub struct LocalGate<
    'g,
    'c,
    S: SessionStore,
    V,
    I,
    const MAX_HEADERS: usize = 32,
    const CREDENTIALS_MAX: usize = 256,
> {
    /// The gate.
    pub gate: &'g mut SessionGate<'c, S, MAX_HEADERS, CREDENTIALS_MAX>,
    /// Checks credentials.
    pub verifier: V,
    /// Draws session ids.
    pub ids: I,
}

impl<S, V, I, const MAX_HEADERS: usize, const CREDENTIALS_MAX: usize> Gatekeeper
    for LocalGate<'_, '_, S, V, I, MAX_HEADERS, CREDENTIALS_MAX>
where
    S: SessionStore,
    V: Verifier,
    I: IdSource,
{
    fn max_head(&self) -> usize {
        self.gate.config().max_head
    }

    fn inspect(
        &mut self,
        parts: &RequestParts<'_, '_>,
        now: Instant,
    ) -> Result<Decision, GateError> {
        self.gate.inspect_headers(parts, now, &mut self.verifier, &mut self.ids)
    }

    fn response_headers(&self, decision: &Decision, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.gate.encode_response_headers(decision, out)
    }

    fn refusal(&self, decision: &Decision, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.gate.encode_refusal(decision, out)
    }

    fn finish(&mut self, decision: Decision) {
        self.gate.finish(decision);
    }
}

/// An authorised request, as the handler sees it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'r> {
    /// The method.
    pub method: &'r str,
    /// The request target, e.g. `/ovirt-engine/api?x=1`.
    pub target: &'r str,
    /// The header lines.
    pub headers: &'r [Header<'r>],
    /// The whole body (the driver read it into its buffer).
    pub body: &'r [u8],
    /// Who the request is for.
    pub user: UserId,
    /// How it was authorised.
    pub granted: Granted,
}

/// The handler's answer.
#[derive(Debug, Clone, Copy)]
pub struct Reply<'s> {
    /// The status code.
    pub status: u16,
    /// Extra header lines. `Content-Length`, `Transfer-Encoding`, `Connection` and `Set-Cookie`
    /// are the driver's and the gate's: a reply naming them, or with bytes a header cannot carry,
    /// is answered 500 instead.
    pub headers: &'s [Header<'s>],
    /// The body (not sent in answer to `HEAD`; its length still is).
    pub body: &'s [u8],
}

impl Reply<'static> {
    /// An empty reply with this status.
    #[must_use]
    pub const fn status(status: u16) -> Self {
        Self { status, headers: &[], body: &[] }
    }
}

/// Answers authorised requests.
// Implementations are used through generics, so the futures' `Send`-ness is that of the concrete
// handler: a `Send` requirement (tokio's `spawn`) is checked where the concrete type is known.
#[allow(async_fn_in_trait)]
pub trait Handler {
    /// The reply to `request`.
    async fn handle<'s>(&'s mut self, request: &Request<'_>) -> Reply<'s>;
}

/// One connection of a server: reads requests, lets the gate decide, hands authorised requests to
/// the handler, writes the replies, keeps the connection alive while the client wants.
///
/// The buffer holds one request head and its body (a longer head gets 431, a longer body 413) and
/// the reply head. `MAX_HEADERS` bounds the header lines of a request.
pub struct Connection<'b, const MAX_HEADERS: usize = 32> {
    inbox: Inbox<&'b mut [u8]>,
    reader: HeadReader,
}

/// How a request ended, for the connection loop.
enum Served {
    /// Keep reading requests.
    KeepAlive,
    /// Close the connection.
    Close,
}

impl<'b, const MAX_HEADERS: usize> Connection<'b, MAX_HEADERS> {
    /// A connection reading into `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self { inbox: Inbox::new(buf), reader: HeadReader::new() }
    }

    /// Serves requests on `io` until the client closes the connection or asks to (`Ok`), or
    /// something fails (`Err`, after answering 400/413/431 where there was a request to answer).
    /// `clock` gives the time of each request.
    ///
    /// # Errors
    ///
    /// See [`Error`]. An error ends the connection, never the gate's sessions.
    pub async fn serve<T, G, H, C>(
        &mut self,
        io: &mut T,
        gate: &mut G,
        handler: &mut H,
        mut clock: C,
    ) -> Result<(), Error<T::Error>>
    where
        T: Read + Write,
        G: Gatekeeper,
        H: Handler,
        C: FnMut() -> Instant,
    {
        loop {
            match self.serve_one(io, gate, handler, &mut clock).await? {
                Served::KeepAlive => {}
                Served::Close => return Ok(()),
            }
        }
    }

    async fn serve_one<T, G, H, C>(
        &mut self,
        io: &mut T,
        gate: &mut G,
        handler: &mut H,
        clock: &mut C,
    ) -> Result<Served, Error<T::Error>>
    where
        T: Read + Write,
        G: Gatekeeper,
        H: Handler,
        C: FnMut() -> Instant,
    {
        // 1. The head.
        let max_head = gate.max_head().min(self.inbox.capacity());
        let head_len = loop {
            match self.reader.poll(self.inbox.unread(), max_head) {
                Ok(Progress::Complete { value, .. }) => break value,
                Ok(Progress::Partial) => {}
                Err(e) => return self.refuse_head(io, e).await,
            }
            if !self.fill(io).await? {
                // A close between requests is the normal end of a connection.
                return if self.inbox.unread().is_empty() {
                    Ok(Served::Close)
                } else {
                    Err(Error::ConnectionClosed)
                };
            }
        };

        // 2. The gate's decision. The parse is kept for the handler when no body follows (most
        // requests), so that such a head is parsed once.
        let mut headers = [const { MaybeUninit::uninit() }; MAX_HEADERS];
        let decided = {
            let head = self.inbox.unread().get(..head_len).unwrap_or_default();
            RequestParts::parse_uninit(head, &mut headers)
                .and_then(|parts| Ok((gate.inspect(&parts, clock())?, parts)))
        };
        let (decision, parsed) = match decided {
            Ok(decided) => decided,
            Err(e) => return self.refuse_head(io, e).await,
        };

        // 3. The body, read whole into the buffer after the head.
        let (body_len, parsed) = if decision.body() == BodyFraming::None {
            (0, Some(parsed))
        } else {
            match self.read_request_body(io, head_len, decision.body()).await {
                Ok(Some(len)) => (len, None),
                Ok(None) => {
                    // Too large for the buffer: answer 413 and close, serving nothing.
                    write_all(io, b"HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").await?;
                    return Ok(Served::Close);
                }
                Err(e) => return Err(e),
            }
        };

        // 4. The handler, then the reply.
        let keep_alive = decision.keep_alive();
        match decision.verdict() {
            Verdict::Refused(_) => {
                self.inbox.consume(head_len + body_len);
                let (_, free) = self.inbox.split();
                let capacity = free.len();
                let n =
                    gate.refusal(&decision, free).map_err(|_| Error::BufferFull { capacity })?;
                write_all(io, free.get(..n).unwrap_or_default()).await?;
            }
            Verdict::Granted(granted, user) => {
                let mut reparsed = [const { MaybeUninit::uninit() }; MAX_HEADERS];
                let unread = self.inbox.unread();
                let head = unread.get(..head_len).unwrap_or_default();
                let body = unread.get(head_len..head_len + body_len).unwrap_or_default();
                let parts = match parsed {
                    Some(parts) => parts,
                    // The body's reading moved the buffer under the first parse: the same bytes
                    // again, which cannot fail.
                    None => RequestParts::parse_uninit(head, &mut reparsed).map_err(Error::Gate)?,
                };
                let sends_body = parts.method != "HEAD";
                let request = Request {
                    method: parts.method,
                    target: parts.target,
                    headers: parts.headers,
                    body,
                    user,
                    granted,
                };
                let reply = handler.handle(&request).await;
                self.inbox.consume(head_len + body_len);
                let (_, free) = self.inbox.split();
                let capacity = free.len();
                let head = ReplyHead { reply: &reply, keep_alive };
                let n = encode_reply(&head, |out| gate.response_headers(&decision, out), free)
                    .map_err(|()| Error::BufferFull { capacity })?;
                let body = if sends_body { head.body() } else { &[] };
                // A body that fits behind the head goes out in the same write: one system call
                // per response instead of two, which is most of what a small reply costs.
                let whole = n + body.len();
                if let Some(room) = free.get_mut(n..whole) {
                    room.copy_from_slice(body);
                    write_all(io, free.get(..whole).unwrap_or_default()).await?;
                } else {
                    write_all(io, free.get(..n).unwrap_or_default()).await?;
                    write_all(io, body).await?;
                }
            }
        }
        io.flush().await.map_err(Error::Io)?;
        gate.finish(decision);
        Ok(if keep_alive { Served::KeepAlive } else { Served::Close })
    }

    /// Answers a head the gate could not read, and ends the connection.
    async fn refuse_head<T: Read + Write>(
        &mut self,
        io: &mut T,
        error: GateError,
    ) -> Result<Served, Error<T::Error>> {
        let (_, free) = self.inbox.split();
        let mut fallback = [0u8; 96];
        let out: &mut [u8] = if free.len() >= fallback.len() { free } else { &mut fallback };
        if let Ok(n) = error.encode_response(out) {
            write_all(io, out.get(..n).unwrap_or_default()).await?;
            io.flush().await.map_err(Error::Io)?;
        }
        Err(Error::Gate(error))
    }

    /// Reads the request body after the head into the buffer; its length, or `None` when it does
    /// not fit. A chunked body is decoded in place.
    async fn read_request_body<T: Read + Write>(
        &mut self,
        io: &mut T,
        head_len: usize,
        framing: BodyFraming,
    ) -> Result<Option<usize>, Error<T::Error>> {
        let mut state = BodyState::new(framing);
        // `data_end`: where decoded body data ends; `read`: how far the raw bytes are used.
        let (mut data_end, mut read) = (head_len, head_len);
        while !state.is_done() {
            let piece = {
                let unread = self.inbox.unread();
                state.next(unread.get(read..).unwrap_or_default()).map_err(Error::Chunked)?
            };
            let (start, end) = piece.data;
            if end > start {
                let from = read + start;
                self.inbox.unread_mut().copy_within(from..read + end, data_end);
                data_end += end - start;
            }
            read += piece.consumed;
            if state.is_done() {
                break;
            }
            if piece.need_more || piece.consumed == 0 {
                if self.inbox.space().is_none() {
                    return Ok(None);
                }
                if !self.fill(io).await? {
                    return Err(Error::ConnectionClosed);
                }
            }
        }
        // Whatever follows the body (a pipelined request) moves up to the end of the data.
        if read > data_end {
            let total = self.inbox.unread().len();
            self.inbox.unread_mut().copy_within(read..total, data_end);
            self.inbox.truncate_unread(total - (read - data_end));
        }
        Ok(Some(data_end - head_len))
    }

    /// Reads more bytes; `false` when the peer closed the connection.
    async fn fill<T: Read + Write>(&mut self, io: &mut T) -> Result<bool, Error<T::Error>> {
        let Some(space) = self.inbox.space() else {
            return Err(Error::BufferFull { capacity: self.inbox.capacity() });
        };
        match io.read(space).await {
            Ok(0) => Ok(false),
            Ok(n) => {
                self.inbox.filled(n);
                Ok(true)
            }
            Err(e) => Err(Error::Io(e)),
        }
    }
}

async fn write_all<T: Write>(io: &mut T, bytes: &[u8]) -> Result<(), Error<T::Error>> {
    io.write_all(bytes).await.map_err(Error::Io)
}

impl<const MAX_HEADERS: usize> core::fmt::Debug for Connection<'_, MAX_HEADERS> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Connection").field("reader", &self.reader).finish_non_exhaustive()
    }
}
