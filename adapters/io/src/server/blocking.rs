//! The blocking server loop: the async one run to completion over `embedded_io` streams.

use super::{Connection, Gatekeeper, Handler, Reply, Request};
use crate::Error;
use crate::block_on::{Blocking, block_on};
use persistent_auth::Instant;

/// Answers authorised requests, blocking.
pub trait BlockingHandler {
    /// The reply to `request`.
    fn handle<'s>(&'s mut self, request: &Request<'_>) -> Reply<'s>;
}

/// A blocking handler seen as an async one.
struct AsAsync<'h, H>(&'h mut H);

impl<H: BlockingHandler> Handler for AsAsync<'_, H> {
    async fn handle<'s>(&'s mut self, request: &Request<'_>) -> Reply<'s> {
        self.0.handle(request)
    }
}

impl<const MAX_HEADERS: usize> Connection<'_, MAX_HEADERS> {
    /// [`serve`](Self::serve) over a blocking stream with a blocking handler.
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn serve_blocking<T, G, H, C>(
        &mut self,
        io: &mut T,
        gate: &mut G,
        handler: &mut H,
        clock: C,
    ) -> Result<(), Error<T::Error>>
    where
        T: embedded_io::Read + embedded_io::Write,
        G: Gatekeeper,
        H: BlockingHandler,
        C: FnMut() -> Instant,
    {
        let mut io = Blocking(io);
        block_on(self.serve(&mut io, gate, &mut AsAsync(handler), clock))
    }
}
