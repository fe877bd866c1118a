//! The client: login, reuse and logout requests encoded, responses decoded.

#![no_std]
#![no_main]

use persistent_auth::{ClientConfig, ClientSession, Credentials};
use persistent_auth_footprint::{Session, client_decode, client_encode, keep, received};

#[allow(unsafe_code)] // the entry symbol's name; no memory is touched
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let config = ClientConfig::new("engine.example.com", "/ovirt-engine/api").with_secure_channel(true);
    let Ok(mut session): Result<Session, _> = ClientSession::new(config) else { loop {} };
    let creds = Credentials::basic("admin@internal", "secret");
    let mut out = [0u8; 256];
    loop {
        keep(client_encode(&mut session, &creds, &mut out));
        keep(client_decode(&mut session, received()));
        if core::hint::black_box(false) {
            session.end_session();
        }
        keep(&persistent_auth_footprint::SIZES);
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
