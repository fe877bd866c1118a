//! The baseline: an entry point and a panic handler, nothing else. Its sections are subtracted
//! from the others'.

#![no_std]
#![no_main]

#[allow(unsafe_code)] // the entry symbol's name; no memory is touched
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    loop {
        persistent_auth_footprint::keep(persistent_auth_footprint::received());
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
