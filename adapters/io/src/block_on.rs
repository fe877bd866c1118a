//! The blocking API is the async one run to completion over blocking streams.
//!
//! A blocking `Read`/`Write` never returns `Pending`, so the async driver's future over it finishes
//! in a single poll. Running it with a no-op waker gives blocking calls the very code path the async
//! calls use: one driver to test, not two to keep in step.

/// Drives `future` to completion on this thread. Over blocking streams it completes on the first
/// poll; a future that does pend is simply polled again.
#[cfg(feature = "blocking")]
pub(crate) fn block_on<F: core::future::Future>(future: F) -> F::Output {
    use core::task::{Context, Poll, Waker};
    let mut future = core::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// A blocking stream seen as an async one.
#[derive(Debug)]
pub struct Blocking<T>(pub T);

impl<T: embedded_io::ErrorType> embedded_io::ErrorType for Blocking<T> {
    type Error = T::Error;
}

impl<T: embedded_io::Read> embedded_io_async::Read for Blocking<T> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        self.0.read(buf)
    }
}

impl<T: embedded_io::Write> embedded_io_async::Write for Blocking<T> {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        self.0.write(buf)
    }

    async fn flush(&mut self) -> Result<(), Self::Error> {
        self.0.flush()
    }
}
