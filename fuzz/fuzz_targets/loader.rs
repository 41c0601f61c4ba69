//! The whole data loader on arbitrary bytes as claims.csv, next to the
//! project's sources.csv and metrics.csv: never panics; diagnostics are sorted
//! and each prints as one line; what loads obeys DESIGN 1.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use rangefinder::data::{DateSpec, Stated, load};

/// The project's own sources and metrics, so rows of data/claims.csv are
/// valid seeds.
const SOURCES: &str = include_str!("../../data/sources.csv");
const METRICS: &str = include_str!("../../data/metrics.csv");

/// One folder per process, reused by every input: only claims.csv changes.
static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("rangefinder-fuzz-loader-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sources.csv"), SOURCES).unwrap();
    std::fs::write(dir.join("metrics.csv"), METRICS).unwrap();
    dir
});

fuzz_target!(|bytes: &[u8]| {
    let dir = &*DIR;
    std::fs::write(dir.join("claims.csv"), bytes).unwrap();
    let diagnostics = match load::load(dir) {
        Ok(loaded) => {
            let dataset = &loaded.dataset;
            let roots = dataset.root_index();
            let mut last_line = 1;
            for row in 0..dataset.claims.len() {
                assert!(dataset.claims.record(row).is_complete(), "row {row}");
                let claim = dataset.claim(row);
                assert!(claim.line > last_line, "lines grow: {claim:?}");
                last_line = claim.line;
                // Date specs are cached by text while loading: each must be
                // what its text parses to.
                assert_eq!(
                    DateSpec::parse(&claim.claimed.text).as_ref(),
                    Ok(&claim.claimed)
                );
                if let Some(published) = &claim.published {
                    assert_eq!(DateSpec::parse(&published.text).as_ref(), Ok(published));
                }
                match claim.stated {
                    Stated::Value(v) => assert!(v.is_finite() && v >= 0.0, "{claim:?}"),
                    Stated::Range(l, h, _) => {
                        assert!(
                            l.is_finite() && h.is_finite() && 0.0 <= l && l <= h,
                            "{claim:?}"
                        )
                    }
                }
                assert!(dataset.metric(&claim.metric).is_some(), "{claim:?}");
                assert!(
                    dataset.sources.iter().any(|s| s.id == claim.source),
                    "{claim:?}"
                );
                let root = roots[row];
                assert_eq!(roots[root], root, "a root is its own root");
                if claim.origin.is_none() {
                    assert_eq!(root, row, "{claim:?}");
                } else {
                    assert_ne!(root, row, "{claim:?}");
                    assert!(dataset.claim(root).origin.is_none());
                }
            }
            loaded.warnings
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty(), "a failed load says why");
            diagnostics
        }
    };
    assert!(diagnostics.is_sorted(), "diagnostics are sorted");
    for diagnostic in &diagnostics {
        let shown = diagnostic.to_string();
        assert!(!shown.contains(['\n', '\r']), "one line: {shown:?}");
    }
});
