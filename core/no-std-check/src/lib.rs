//! A `no_std` static library with no global allocator that drives the core's client through a
//! login, a reuse and a logout.
//!
//! It proves, on the host and without downloading a target, that nothing the core links needs
//! `std` (two `panic_impl` lang items would collide) or `alloc` (linking it without a
//! `#[global_allocator]` fails). `.ci/run` builds it and also checks its symbols for allocator
//! entry points.

#![no_std]

use persistent_auth::{
    ArrayStore, ClientConfig, ClientSession, Credentials, GateConfig, HeadReader, IdSource,
    IdSourceError, Instant, Progress, RequestHead, SessionGate, UserId, Verifier,
};

/// Runs one whole session against canned answers; returns the number of events seen, or -1.
// Exported so that the code is kept and its symbols can be inspected; the only unsafe attribute
// in the project, and it guards no memory access.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn persistent_auth_no_std_check() -> i32 {
    let Ok(mut session) = ClientSession::<'static, 128, 32>::new(
        ClientConfig::new("engine.example.com", "/ovirt-engine/api").with_secure_channel(true),
    ) else {
        return -1;
    };
    let creds = Credentials::basic("admin@internal", "secret");
    let answers: [&[u8]; 3] = [
        b"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=abc; Path=/ovirt-engine/api; Secure\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"HTTP/1.1 401 Unauthorized\r\n\r\n",
    ];
    let mut out = [0u8; 256];
    let mut events = 0;
    for (step, answer) in answers.iter().enumerate() {
        if step == 2 {
            session.end_session();
        }
        let head = RequestHead::get("");
        if session.encode_request(&head, Some(&creds), Instant(0), &mut out).is_err() {
            return -1;
        }
        match session.decode_response(answer, Instant(0)) {
            Ok(Progress::Complete { consumed, value }) => {
                events += 1;
                if value.body == persistent_auth::BodyFraming::Chunked {
                    let rest = answer.get(consumed..).unwrap_or_default();
                    if persistent_auth::ChunkedDecoder::new().decode(rest).is_err() {
                        return -1;
                    }
                }
            }
            _ => return -1,
        }
    }
    events
}

struct OneUser;

impl Verifier for OneUser {
    fn verify(&mut self, credentials: &Credentials<'_>) -> Option<UserId> {
        (*credentials == Credentials::basic("admin@internal", "secret")).then_some(UserId(1))
    }
}

/// Not random: this library is only linked, never run.
struct FixedIds;

impl IdSource for FixedIds {
    fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
        bytes.fill(0x5a);
        Ok(())
    }
}

/// Runs a login through the gate; returns the length of the response headers, or -1.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn persistent_auth_no_std_check_gate() -> i32 {
    let Ok(mut gate) = SessionGate::<'static, ArrayStore<4>, 32, 256>::new(
        GateConfig::new("/ovirt-engine/api"),
        ArrayStore::new(),
    ) else {
        return -1;
    };
    let request = b"HEAD /ovirt-engine/api HTTP/1.1\r\nAuthorization: Basic YWRtaW5AaW50ZXJuYWw6c2VjcmV0\r\nPrefer: persistent-auth\r\n\r\n";
    let mut reader = HeadReader::new();
    let Ok(Progress::Complete { value, .. }) =
        gate.inspect_request(&mut reader, request, Instant(0), &mut OneUser, &mut FixedIds)
    else {
        return -1;
    };
    let mut out = [0u8; 256];
    let written = gate.encode_response_headers(&value, &mut out);
    gate.finish(value);
    written.map_or(-1, |n| i32::try_from(n).unwrap_or(-1))
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
