//! What the footprint binaries share: the core's calls behind `#[inline(never)]` wrappers (so that
//! each call's stack frame can be measured on its own) and a way to keep results alive.

#![no_std]

use core::hint::black_box;
use persistent_auth::{
    ArrayStore, ClientSession, Credentials, DecodeError, EncodeError, GateError, HeadReader,
    IdSource, IdSourceError, Instant, Progress, RequestHead, Response, SessionGate, UserId,
    Verifier,
};

/// The client as firmware would size it.
pub type Session = ClientSession<'static, 128, 16>;
/// The gate as firmware would size it.
pub type Gate = SessionGate<'static, ArrayStore<8>, 16, 128>;

/// Keeps `value` from being optimised away, as firmware would use it.
pub fn keep<T>(value: T) {
    black_box(value);
}

/// The bytes "received": opaque to the optimiser, so no decoding is folded away.
#[must_use]
pub fn received() -> &'static [u8] {
    black_box(b"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=abc; Path=/ovirt-engine/api; Secure\r\nContent-Length: 0\r\n\r\n")
}

/// `ClientSession::encode_request`.
///
/// # Errors
///
/// As the core's.
#[inline(never)]
pub fn client_encode(session: &mut Session, creds: &Credentials<'_>, out: &mut [u8]) -> Result<usize, EncodeError> {
    session.encode_request(&RequestHead::head(""), Some(creds), Instant(0), out)
}

/// `ClientSession::decode_response`.
///
/// # Errors
///
/// As the core's.
#[inline(never)]
pub fn client_decode(session: &mut Session, input: &[u8]) -> Result<Progress<Response>, DecodeError> {
    session.decode_response(input, Instant(0))
}

/// `SessionGate::inspect_request`, then the response headers, then `finish`.
///
/// # Errors
///
/// As the core's.
#[inline(never)]
pub fn gate_round(gate: &mut Gate, input: &[u8], out: &mut [u8]) -> Result<usize, GateError> {
    let mut reader = HeadReader::new();
    match gate.inspect_request(&mut reader, input, Instant(0), &mut User, &mut Rng)? {
        Progress::Complete { value, .. } => {
            let n = gate.encode_response_headers(&value, out).unwrap_or(0);
            keep(gate.encode_refusal(&value, out));
            gate.finish(value);
            Ok(n)
        }
        Progress::Partial => Ok(0),
    }
}

struct User;

impl Verifier for User {
    fn verify(&mut self, c: &Credentials<'_>) -> Option<UserId> {
        black_box(c).is_valid().then_some(UserId(1))
    }
}

/// A stand-in for the device's random source.
struct Rng;

impl IdSource for Rng {
    fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
        bytes.fill(black_box(7));
        Ok(())
    }
}

/// The sizes of the main types on this target, in a section of their own for the report to read.
#[used]
#[unsafe(link_section = ".sizes")]
pub static SIZES: [u32; 6] = [
    core::mem::size_of::<Session>() as u32,
    core::mem::size_of::<ClientSession<'static>>() as u32,
    core::mem::size_of::<Gate>() as u32,
    core::mem::size_of::<persistent_auth::SessionRecord>() as u32,
    core::mem::size_of::<persistent_auth::Decision>() as u32,
    core::mem::size_of::<HeadReader>() as u32,
];
