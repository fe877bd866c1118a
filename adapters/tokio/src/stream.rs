//! The transports: plain TCP or TLS, a deadline on reads, and an optional tap on the bytes.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

/// A TCP connection, in the clear or under TLS.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one per connection; boxing would only add an indirection
pub enum Stream {
    /// Plain TCP.
    Plain(TcpStream),
    /// TLS, client side.
    TlsClient(tokio_rustls::client::TlsStream<TcpStream>),
    /// TLS, server side.
    TlsServer(tokio_rustls::server::TlsStream<TcpStream>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::TlsClient(s) => Pin::new(s).poll_read(cx, buf),
            Self::TlsServer(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::TlsClient(s) => Pin::new(s).poll_write(cx, buf),
            Self::TlsServer(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::TlsClient(s) => Pin::new(s).poll_flush(cx),
            Self::TlsServer(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::TlsClient(s) => Pin::new(s).poll_shutdown(cx),
            Self::TlsServer(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// What a server connection task and its [`Guarded`] stream share.
#[derive(Debug, Default)]
pub(crate) struct ConnectionState {
    /// No request is in progress: the connection is between a response and the next request.
    idle: AtomicBool,
    /// The server is shutting down: end the connection at the next request boundary.
    stop: AtomicBool,
}

impl ConnectionState {
    /// A new connection: idle.
    #[must_use]
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self { idle: AtomicBool::new(true), stop: AtomicBool::new(false) })
    }

    /// Whether no request is in progress.
    #[must_use]
    pub(crate) fn is_idle(&self) -> bool {
        self.idle.load(Ordering::SeqCst)
    }

    /// Asks the connection to end at the next request boundary.
    pub(crate) fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Server-side guard on a connection: reads fail with `TimedOut` once `limit` has passed since the
/// last response was written (or the connection opened), so a slow or silent client holds a
/// connection for one request's worth of time at most; and once the connection is asked to stop,
/// a read at a request boundary ends it.
#[derive(Debug)]
pub(crate) struct Guarded<T> {
    inner: T,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
    state: Arc<ConnectionState>,
}

impl<T> Guarded<T> {
    /// Guards `inner` with `limit` per request, sharing `state` with the connection's task.
    pub(crate) fn new(inner: T, limit: Duration, state: Arc<ConnectionState>) -> Self {
        Self { inner, limit, deadline: Box::pin(tokio::time::sleep(limit)), state }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Guarded<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.state.stop.load(Ordering::SeqCst) && this.state.is_idle() {
            return Poll::Ready(Ok(())); // end of stream, between requests
        }
        let before = buf.filled().len();
        if let Poll::Ready(result) = Pin::new(&mut this.inner).poll_read(cx, buf) {
            if buf.filled().len() > before {
                this.state.idle.store(false, Ordering::SeqCst);
            }
            return Poll::Ready(result);
        }
        match this.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => {
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "request took too long")))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Guarded<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_flush(cx);
        if matches!(result, Poll::Ready(Ok(()))) {
            // A response went out: the next request gets a fresh allowance. (A pipelined request
            // already buffered is read without waiting, so `idle` is only a hint for shutdown.)
            let limit = self.limit;
            self.deadline.as_mut().reset(Instant::now() + limit);
            self.state.idle.store(true, Ordering::SeqCst);
        }
        result
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A copy of the bytes that crossed a connection, for printing heads.
#[derive(Debug, Clone, Default)]
pub struct Tap {
    inner: Arc<Mutex<TapLog>>,
}

#[derive(Debug, Default)]
struct TapLog {
    sent: Vec<u8>,
    received: Vec<u8>,
}

impl Tap {
    /// An empty tap.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes what was sent and received since the last call.
    #[must_use]
    pub fn take(&self) -> (Vec<u8>, Vec<u8>) {
        let mut log = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        (std::mem::take(&mut log.sent), std::mem::take(&mut log.received))
    }

    fn record(&self, sent: bool, bytes: &[u8]) {
        let mut log = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if sent { &mut log.sent } else { &mut log.received }.extend_from_slice(bytes);
    }
}

/// A transport whose bytes are copied into a [`Tap`], if there is one.
#[derive(Debug)]
pub(crate) struct Tapped<T> {
    inner: T,
    tap: Option<Tap>,
}

impl<T> Tapped<T> {
    /// `inner`, tapped by `tap`.
    pub(crate) fn new(inner: T, tap: Option<Tap>) -> Self {
        Self { inner, tap }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Tapped<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let (Some(tap), Poll::Ready(Ok(()))) = (&self.tap, &result) {
            tap.record(false, &buf.filled()[before..]);
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tapped<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let (Some(tap), Poll::Ready(Ok(n))) = (&self.tap, &result) {
            tap.record(true, &buf[..*n]);
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
