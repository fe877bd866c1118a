//! For comparison: reqwless (default features off) writing one HEAD request with Basic
//! credentials and a header, and reading the response head, over an embedded-io-async stream. The
//! same work as the client binary's login, without sessions or cookies.

#![no_std]
#![no_main]

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use persistent_auth_footprint::{keep, received};
use reqwless::request::{Method, Request, RequestBuilder};
use reqwless::response::Response;

/// A stream over canned bytes (opaque to the optimiser).
struct Canned {
    at: usize,
}

impl embedded_io_async::ErrorType for Canned {
    type Error = embedded_io_async::ErrorKind;
}

impl embedded_io_async::Read for Canned {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        let data = received().get(self.at..).unwrap_or_default();
        let n = data.len().min(buf.len());
        buf[..n].copy_from_slice(&data[..n]);
        self.at += n;
        Ok(n)
    }
}

impl embedded_io_async::Write for Canned {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        keep(buf);
        Ok(buf.len())
    }

    async fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

fn poll_once<F: Future>(future: F) {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
        keep(output);
    }
}

#[allow(unsafe_code)] // the entry symbol's name; no memory is touched
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let mut buf = [0u8; 256];
    loop {
        let mut conn = Canned { at: 0 };
        poll_once(async {
            let request = Request::head("/ovirt-engine/api")
                .host("engine.example.com")
                .basic_auth("admin@internal", "secret")
                .headers(&[("Prefer", "persistent-auth")])
                .build();
            if request.write_header(&mut conn).await.is_ok() {
                if let Ok(response) = Response::read(&mut conn, Method::HEAD, &mut buf).await {
                    keep(response.status);
                }
            }
        });
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
