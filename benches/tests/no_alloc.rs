//! The core allocates nothing: every client and gate operation the benchmarks measure, counted by
//! a counting global allocator. (The std baselines beside them do allocate: 14 allocations to parse
//! the login response through the `http` and `cookie` crates.)

use persistent_auth::{ArrayStore, Instant, RequestHead};
use persistent_auth_benches::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

#[test]
fn the_core_allocates_nothing() {
    // Everything set up (and allocated) first.
    let mut awaiting = client_awaiting_login();
    let mut established = client_established();
    let mut closing = client_established();
    let mut idle = client_established();
    let (mut gate, mut ids, reuse, logout) = gate_with(ArrayStore::<64>::new(), 32);
    let mut out = [0u8; 512];

    let region = Region::new(GLOBAL);
    decode_login(&mut awaiting);
    encode_reuse(&mut established, &mut out);
    established
        .encode_request(&RequestHead::get("").with_headers(&ACCEPT), None, Instant(1), &mut out)
        .unwrap();
    decode_reuse(&mut established);
    encode_login(&mut idle, &mut out);
    encode_logout(&mut closing, &mut out);
    assert!(inspect(&mut gate, &mut ids, &reuse));
    let next_logout = login(&mut gate, &mut ids);
    assert!(inspect(&mut gate, &mut ids, &logout));
    assert!(inspect(&mut gate, &mut ids, &next_logout));
    assert!(!inspect(&mut gate, &mut ids, &reuse), "the logged-out session is gone");
    let change = region.change();
    assert_eq!((change.allocations, change.reallocations), (0, 0), "{change:?}");

    // The counter counts: the std path allocates.
    let region = Region::new(GLOBAL);
    let _ = std_parse_login(LOGIN_RESPONSE);
    assert!(region.change().allocations > 0);
}
