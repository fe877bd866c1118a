//! The floor: `persistent-auth-floor` writing a login, a reuse and a logout and finding the
//! cookie in a response, the least a client does, built the same way as the client.

#![no_std]
#![no_main]

use core::hint::black_box;
use persistent_auth_floor::{parse_login, write_login, write_logout, write_reuse};
use persistent_auth_footprint::{keep, received};

#[allow(unsafe_code)] // the entry symbol's name; no memory is touched
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    // Opaque, as the client's configuration and credentials are to it.
    let (host, user, password) =
        black_box((&b"engine.example.com"[..], &b"admin@internal"[..], &b"secret"[..]));
    let mut out = [0u8; 256];
    let mut id = [0u8; 128];
    let mut id_len = 0;
    loop {
        keep(write_login(&mut out, host, user, password));
        if let Some(found) = parse_login(received()) {
            if let Some(slot) = id.get_mut(..found.len()) {
                slot.copy_from_slice(found);
                id_len = found.len();
            }
        }
        let id = id.get(..id_len).unwrap_or_default();
        keep(write_reuse(&mut out, host, id));
        keep(write_logout(&mut out, host, id));
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
