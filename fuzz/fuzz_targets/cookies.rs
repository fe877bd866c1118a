#![no_main]
//! Fuzz target `cookies`: see `persistent_auth_tests::fuzz::cookies`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| persistent_auth_tests::fuzz::cookies(data));
