//! The model-based check of client ↔ gate histories (`persistent_auth_tests::model`), driven by
//! proptest: random sequences with shrinking to the shortest failing history.

use persistent_auth_tests::model::{Creds, Op, run};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (prop_oneof![3 => Just(Creds::Good), 1 => Just(Creds::Wrong), 1 => Just(Creds::None)], any::<bool>())
            .prop_map(|(creds, get)| Op::Request { creds, get }),
        2 => (0u64..40).prop_map(|minutes| Op::Advance { minutes }),
        1 => Just(Op::EndSession),
        1 => Just(Op::LostResponse),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(|bytes| Op::Garbage { bytes }),
        1 => Just(Op::RestartServer),
        1 => Just(Op::ForgetClient),
        1 => any::<u16>().prop_map(|size| Op::SmallBuffer { size }),
    ]
}

proptest! {
    // Failures are kept next to this file (the default location is resolved against a path this
    // crate's layout does not have), so that a shrunk history becomes a committed regression.
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/pair_model.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_sessions_keep_every_invariant(ops in proptest::collection::vec(op(), 1..60), renew in any::<bool>()) {
        run(&ops, renew).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn the_model_agrees_on_a_plain_session() {
    let ops = [
        Op::Request { creds: Creds::Good, get: false },
        Op::Request { creds: Creds::None, get: true },
        Op::Advance { minutes: 31 },
        Op::Request { creds: Creds::Good, get: false },
        Op::EndSession,
        Op::Request { creds: Creds::Good, get: false },
    ];
    run(&ops, false).unwrap();
}
