#![no_main]
//! Fuzz target `chunked`: see `persistent_auth_tests::fuzz::chunked`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| persistent_auth_tests::fuzz::chunked(data));
