#![no_main]
//! Fuzz target `gate_request`: see `persistent_auth_tests::fuzz::gate_request`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| persistent_auth_tests::fuzz::gate_request(data));
