//! Replays every committed fuzz corpus file through its harness, so the plain test command covers
//! the corpus (and every crash ever found, kept there as a regression) without a fuzzer.

use persistent_auth_tests::fuzz::TARGETS;
use std::path::Path;

#[test]
fn every_corpus_file_passes_its_harness() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let mut replayed = 0;
    for (name, harness) in TARGETS {
        let dir = root.join(name);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut files = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| harness(&data));
            assert!(outcome.is_ok(), "{name}: {} broke its harness", path.display());
            files += 1;
        }
        assert!(files > 0, "{name} has no seed corpus in {}", dir.display());
        replayed += files;
    }
    eprintln!("replayed {replayed} corpus files");
}
