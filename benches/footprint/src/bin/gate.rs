//! The gate: a request inspected, its response headers encoded, the decision finished.

#![no_std]
#![no_main]

use persistent_auth::{ArrayStore, GateConfig, SessionGate};
use persistent_auth_footprint::{Gate, gate_round, keep, received};

#[allow(unsafe_code)] // the entry symbol's name; no memory is touched
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let Ok(mut gate): Result<Gate, _> = SessionGate::new(GateConfig::new("/ovirt-engine/api"), ArrayStore::new()) else {
        loop {}
    };
    let mut out = [0u8; 256];
    loop {
        keep(gate_round(&mut gate, received(), &mut out));
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
