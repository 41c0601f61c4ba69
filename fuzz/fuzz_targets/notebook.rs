//! The notebook parser (front matter, cells, inline values) and its checks
//! against a tiny fixed dataset, on arbitrary UTF-8: never panics, and every
//! problem points at a line of the notebook and is one line of text, in
//! line order.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use rangefinder::data::{Dataset, Day, Metric};
use rangefinder::notebook;

/// Two metrics, no claims: enough for "unknown metric" and chart-file checks.
static DATASET: LazyLock<Dataset> = LazyLock::new(|| Dataset {
    metrics: ["kp_troops_kursk", "kp_troops_russia"]
        .iter()
        .enumerate()
        .map(|(i, id)| Metric {
            id: (*id).into(),
            label: format!("Metric {id}"),
            unit: "troops".into(),
            tolerance: 0.1,
            description: None,
            line: i + 2,
        })
        .collect(),
    ..Dataset::default()
});

fuzz_target!(|text: &str| {
    let as_of = Day::from_ymd_opt(2024, 11, 5).unwrap();
    let problems = notebook::problems(text, &DATASET, as_of);
    // The parser strips a BOM; lines are counted as `split_inclusive('\n')`.
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = body.split_inclusive('\n').count().max(1);
    assert!(
        problems.is_sorted_by_key(|p| p.line),
        "by line: {problems:?}"
    );
    for problem in &problems {
        assert!(
            (1..=lines).contains(&problem.line),
            "line {} of {lines}: {problem:?}",
            problem.line
        );
        assert!(!problem.message.is_empty());
        assert!(
            !problem.message.contains(['\n', '\r']),
            "a problem is one line: {problem:?}"
        );
    }
});
