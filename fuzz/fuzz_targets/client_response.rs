#![no_main]
//! Fuzz target `client_response`: see `persistent_auth_tests::fuzz::client_response`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| persistent_auth_tests::fuzz::client_response(data));
