#![no_main]
//! Fuzz target `prefer`: see `persistent_auth_tests::fuzz::prefer`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| persistent_auth_tests::fuzz::prefer(data));
