#![no_main]
//! Fuzz target `session_ops`: see `persistent_auth_tests::fuzz::session_ops`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| persistent_auth_tests::fuzz::session_ops(data));
