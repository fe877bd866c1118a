//! Runs one operation N times, for `benches/callgrind.sh`: the difference of two runs' instruction
//! counts divided by the difference of their N is the cost of one operation, start-up cancelled.
//! Also counts heap allocations per operation.
//!
//! `instr OPERATION N`; `instr --list` names the operations.

use persistent_auth::{ArrayStore, Instant, RequestHead};
use persistent_auth_benches::*;
use persistent_auth_tokio::IndexedStore;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::hint::black_box;

// Counts allocations (stats_alloc: a counting allocator without unsafe code of ours).
#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

const OPERATIONS: [&str; 16] = [
    "write-login",
    "establish",
    "establish+logout",
    "write-reuse",
    "write-reuse+parse-reuse",
    "floor-parse-login",
    "std-parse-login",
    "floor-write-reuse",
    "std-write-reuse",
    "floor-write-login",
    "std-write-login",
    "floor-write-logout",
    "gate-reuse-array",
    "gate-reuse-indexed",
    "gate-login+logout-array",
    "gate-login+logout-indexed",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--list") {
        println!("{}", OPERATIONS.join("\n"));
        return;
    }
    let (Some(op), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok())) else {
        eprintln!("usage: instr OPERATION N | instr --list");
        std::process::exit(2);
    };
    let mut out = [0u8; 512];
    // Everything set up before the count starts.
    let mut idle = client_established();
    idle.forget();
    let mut active = client_established();
    // The gates only for the gate operations: filling them is most of the start-up.
    let live = if op.contains("array") { 1000 } else { 0 };
    let (mut array_gate, mut array_ids, array_reuse, _) =
        gate_with(ArrayStore::<1024>::new(), live.max(1));
    let live = if op.contains("indexed") { 1000 } else { 0 };
    let (mut indexed_gate, mut indexed_ids, indexed_reuse, _) =
        gate_with(IndexedStore::new(1024), live.max(1));
    let region = Region::new(GLOBAL);
    for _ in 0..n {
        match op.as_str() {
            "write-login" => {
                black_box(
                    idle.encode_request(
                        &RequestHead::head(""),
                        Some(&creds()),
                        Instant(0),
                        &mut out,
                    )
                    .ok(),
                );
                idle.abort();
            }
            "establish" => {
                black_box(
                    idle.encode_request(
                        &RequestHead::head(""),
                        Some(&creds()),
                        Instant(0),
                        &mut out,
                    )
                    .ok(),
                );
                black_box(decode_login(&mut idle));
                idle.forget();
            }
            "establish+logout" => {
                black_box(
                    idle.encode_request(
                        &RequestHead::head(""),
                        Some(&creds()),
                        Instant(0),
                        &mut out,
                    )
                    .ok(),
                );
                black_box(decode_login(&mut idle));
                black_box(encode_logout(&mut idle, &mut out));
                idle.forget();
            }
            "write-reuse" => {
                black_box(encode_reuse(&mut active, &mut out));
            }
            "write-reuse+parse-reuse" => {
                let n = active.encode_request(
                    &RequestHead::get("").with_headers(&ACCEPT),
                    None,
                    Instant(1),
                    &mut out,
                );
                black_box(n.ok());
                black_box(decode_reuse(&mut active));
            }
            "floor-parse-login" => {
                black_box(floor_parse_login(black_box(LOGIN_RESPONSE)));
            }
            "std-parse-login" => {
                black_box(std_parse_login(black_box(LOGIN_RESPONSE)));
            }
            "floor-write-reuse" => {
                black_box(floor_write_reuse(&mut out, black_box(SESSION_ID.as_bytes())));
            }
            "std-write-reuse" => {
                black_box(std_write_reuse(black_box(SESSION_ID)));
            }
            "floor-write-login" => {
                black_box(floor_write_login(&mut out));
            }
            "std-write-login" => {
                black_box(std_write_login());
            }
            "floor-write-logout" => {
                black_box(floor_write_logout(&mut out, SESSION_ID.as_bytes()));
            }
            "gate-reuse-array" => {
                black_box(inspect(&mut array_gate, &mut array_ids, &array_reuse));
            }
            "gate-reuse-indexed" => {
                black_box(inspect(&mut indexed_gate, &mut indexed_ids, &indexed_reuse));
            }
            "gate-login+logout-array" => {
                let logout = login(&mut array_gate, &mut array_ids);
                black_box(inspect(&mut array_gate, &mut array_ids, &logout));
            }
            "gate-login+logout-indexed" => {
                let logout = login(&mut indexed_gate, &mut indexed_ids);
                black_box(inspect(&mut indexed_gate, &mut indexed_ids, &logout));
            }
            other => {
                eprintln!("unknown operation {other}; instr --list");
                std::process::exit(2);
            }
        }
    }
    eprintln!("allocations: {}", region.change().allocations);
}

fn creds() -> persistent_auth::Credentials<'static> {
    persistent_auth::Credentials::basic(USER, PASSWORD)
}
