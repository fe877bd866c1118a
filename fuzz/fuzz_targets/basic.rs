#![no_main]
//! Fuzz target `basic`: see `persistent_auth_tests::fuzz::basic`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| persistent_auth_tests::fuzz::basic(data));
