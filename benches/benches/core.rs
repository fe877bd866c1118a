//! The core's operations side by side with the floor (httparse alone, plain copies) and with what a
//! std user writes (`http` + `cookie` crates, `format!`), in one run.
//!
//! `cargo bench -p persistent-auth-benches --bench core`; CI runs it once with `-- --test`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use persistent_auth::ArrayStore;
use persistent_auth_benches::*;
use persistent_auth_tokio::IndexedStore;
use std::hint::black_box;

fn client(c: &mut Criterion) {
    let mut out = [0u8; 512];

    let mut g = c.benchmark_group("parse login response (244 B) + JSESSIONID");
    g.bench_function("persistent-auth", |b| {
        b.iter_batched_ref(
            client_awaiting_login,
            |s| black_box(decode_login(s)),
            criterion::BatchSize::SmallInput,
        )
    });
    g.bench_function("floor: httparse + scan", |b| {
        b.iter(|| floor_parse_login(black_box(LOGIN_RESPONSE)))
    });
    g.bench_function("std: http + cookie crates", |b| {
        b.iter(|| std_parse_login(black_box(LOGIN_RESPONSE)))
    });
    g.finish();

    let mut g = c.benchmark_group("parse reuse response");
    g.bench_function("persistent-auth", |b| {
        b.iter_batched_ref(
            || {
                let mut s = client_established();
                let mut out = [0u8; 512];
                s.encode_request(
                    &persistent_auth::RequestHead::head(""),
                    None,
                    persistent_auth::Instant(1),
                    &mut out,
                )
                .unwrap();
                s
            },
            |s| black_box(decode_reuse(s)),
            criterion::BatchSize::SmallInput,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("write reuse request");
    let mut session = client_established();
    g.bench_function("persistent-auth", |b| {
        b.iter(|| black_box(encode_reuse(&mut session, &mut out)))
    });
    g.bench_function("floor: copies", |b| {
        b.iter(|| black_box(floor_write_reuse(&mut out, SESSION_ID.as_bytes())))
    });
    g.bench_function("std: format!", |b| {
        b.iter(|| black_box(std_write_reuse(black_box(SESSION_ID))))
    });
    g.finish();

    let mut g = c.benchmark_group("write login request");
    let mut session = client_established();
    g.bench_function("persistent-auth", |b| {
        b.iter(|| black_box(encode_login(&mut session, &mut out)))
    });
    g.bench_function("floor: copies + base64", |b| {
        b.iter(|| black_box(floor_write_login(&mut out)))
    });
    g.bench_function("std: format! + base64", |b| b.iter(|| black_box(std_write_login())));
    g.finish();

    let mut g = c.benchmark_group("write logout request");
    g.bench_function("persistent-auth", |b| {
        b.iter_batched_ref(
            client_established,
            |s| black_box(encode_logout(s, &mut [0u8; 512])),
            criterion::BatchSize::SmallInput,
        )
    });
    g.bench_function("floor: copies", |b| {
        b.iter(|| black_box(floor_write_logout(&mut out, SESSION_ID.as_bytes())))
    });
    g.finish();
}

fn gate(c: &mut Criterion) {
    let mut g = c.benchmark_group("gate with 1000 live sessions");
    gate_store(&mut g, "ArrayStore<1024> (no_std)", ArrayStore::<1024>::new);
    gate_store(&mut g, "IndexedStore (std)", || IndexedStore::new(1024));
    g.finish();
}

fn gate_store<S: persistent_auth::SessionStore>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    label: &str,
    store: impl Fn() -> S,
) {
    let (mut gate, mut ids, reuse, _) = gate_with(store(), 1000);
    g.bench_function(BenchmarkId::new("reuse", label), |b| {
        b.iter(|| inspect(&mut gate, &mut ids, &reuse))
    });
    // A login adds a session and a logout ends one: time each, undo it untimed.
    g.bench_function(BenchmarkId::new("login", label), |b| {
        b.iter_custom(|iters| {
            let mut timed = std::time::Duration::ZERO;
            for _ in 0..iters {
                let start = std::time::Instant::now();
                let logout = login(&mut gate, &mut ids);
                timed += start.elapsed();
                inspect(&mut gate, &mut ids, &logout);
            }
            timed
        })
    });
    g.bench_function(BenchmarkId::new("logout", label), |b| {
        b.iter_custom(|iters| {
            let mut timed = std::time::Duration::ZERO;
            for _ in 0..iters {
                let logout = login(&mut gate, &mut ids);
                let start = std::time::Instant::now();
                black_box(inspect(&mut gate, &mut ids, &logout));
                timed += start.elapsed();
            }
            timed
        })
    });
}

criterion_group!(benches, client, gate);
criterion_main!(benches);
