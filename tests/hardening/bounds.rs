//! Bounded error output (issue 11, item 4): a huge header cell, a file of
//! NUL bytes, a notebook naming an unknown metric thousands of times or
//! quoting a megabyte of text each give short lines, however large the
//! input (DESIGN 5: only a short excerpt of a file is ever echoed).

use std::time::Duration;

use super::run_within;
use crate::harness::Test;

/// Every run here must end well before this.
const LIMIT: Duration = Duration::from_secs(60);

/// The claims.csv columns, as the "unknown column" message lists them.
const EXPECTED: &str = "(expected id, metric, claimed, source, qualifier, value, low, high, \
                        document, outlet, published, origin, quote, notes, refers_to, restated, \
                        alternative_of, based_on, or a name starting with x_)";

/// One metric `m` and one source `s`, with `claims` as claims.csv.
fn data(claims: impl AsRef<[u8]>) -> Test {
    Test::new()
        .file("data/metrics.csv", "id,label,unit\nm,M,troops\n")
        .file("data/sources.csv", "id,name,affiliation\ns,S,Ukraine\n")
        .file("data/claims.csv", claims)
}

// An 8 MB header cell is named by an excerpt, not whole (it was one 8 MB
// line): the column is cut like the message.
#[test]
fn huge_header_cell() {
    let cell = "x".repeat(8 << 20);
    // With the required columns, so the cell is read as a header name (a
    // header lacking most of them is told it may be another file, and
    // quotes none of it).
    let test = data(format!(
        "id,metric,claimed,source,qualifier,document,{cell}\n"
    ));
    let run = run_within(test.path(), &["check"], LIMIT);
    assert_eq!(run.code, 1);
    assert!(run.stderr.len() < 4_000, "{} bytes", run.stderr.len());
    let unknown = format!(
        "data/claims.csv:1: {}…[8388128 bytes cut]…{}: unknown column {EXPECTED}",
        "x".repeat(320),
        "x".repeat(160)
    );
    assert!(run.stderr.lines().any(|l| l == unknown), "{}", run.stderr);
}

// A file of 8 MB of NUL bytes (one header cell of NULs, each escaped as
// `\u{0}`) gave a 40 MB line, then seven short ones; now one line that
// quotes none of it (issue 13: the header names no expected column).
#[test]
fn file_of_nul_bytes() {
    let test = data(vec![0u8; 8 << 20]);
    let run = run_within(test.path(), &["check"], LIMIT);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "data/claims.csv:1: header names none of the expected columns (expected id, metric, \
         claimed, source, qualifier, value, low, high, document, outlet, published, origin, \
         quote, notes, refers_to, restated, alternative_of, based_on): is this a claims.csv?\n"
    );
}

/// 200 metrics `kp_metric_0` … `kp_metric_199` of one source, one claim each.
fn many_metrics() -> Test {
    let metrics: String = (0..200)
        .map(|i| format!("kp_metric_{i},M{i},troops\n"))
        .collect();
    let claims: String = (0..200)
        .map(|i| format!("c{i},kp_metric_{i},2024-11-04,s,exact,{i},doc\n"))
        .collect();
    Test::new()
        .file("data/metrics.csv", format!("id,label,unit\n{metrics}"))
        .file("data/sources.csv", "id,name,affiliation\ns,S,Ukraine\n")
        .file(
            "data/claims.csv",
            format!("id,metric,claimed,source,qualifier,value,document\n{claims}"),
        )
}

// 2,000 inline values naming an unknown metric among 200 name the five
// nearest ids each time, not all 200 (12 MB at 2,000 lines before); the
// first 100 are listed and the rest counted.
#[test]
fn unknown_metric_names_the_nearest() {
    let test = many_metrics().file(
        "reports/r/brief.md",
        format!(
            "+++\ntitle = \"T\"\n+++\n{}",
            "{{ low kp_metric_7x }}\n".repeat(2_000)
        ),
    );
    let run = run_within(test.path(), &["build"], LIMIT);
    assert_eq!(run.code, 1);
    // The data's 200 warnings (no quote) are listed as check lists them:
    // 100 and a count; then the notebook's errors.
    assert_eq!(run.stderr.lines().count() - run.errors().len(), 101);
    // The notebook's 2,000 are listed the same way (issue 25).
    let lines = run.errors();
    assert_eq!(lines.len(), 101);
    assert_eq!(
        lines[100],
        "reports/r/brief.md: … and 1900 more problems in this file (the first 100 are listed)"
    );
    assert_eq!(
        lines[0],
        "reports/r/brief.md:4: inline value `low`: unknown metric \"kp_metric_7x\" (nearest \
         known: kp_metric_7, kp_metric_70, kp_metric_71, kp_metric_72, kp_metric_73; 195 more)"
    );
    assert!(lines.iter().all(|l| l.len() < 200), "{}", lines[1]);
}

// A notebook problem quoting a megabyte of the notebook is cut in the middle
// like a data diagnostic (it was a 1 MB line).
#[test]
fn notebook_problems_are_cut() {
    let id = "y".repeat(1 << 20);
    let test =
        data("id,metric,claimed,source,qualifier,value,document\nc,m,2024-11-04,s,exact,5,d\n")
            .file(
                "reports/r/brief.md",
                format!("+++\ntitle = \"T\"\n+++\n{{{{ low {id} }}}}\n"),
            );
    let run = run_within(test.path(), &["build"], LIMIT);
    assert_eq!(run.code, 1);
    assert_eq!(run.errors().len(), 1, "{}", run.stderr);
    assert_eq!(
        run.stderr.lines().next(),
        Some("data/claims.csv:2: warning: quote: no quote (give the words that carry the claim)")
    );
    let error = run.errors()[0];
    assert!(error.len() < 600, "{} bytes", error.len());
    assert!(
        error.starts_with("reports/r/brief.md:4: inline value `low`: unknown metric \"yyy")
            && error.ends_with("yyy\" (known: m)")
            && error.contains(" bytes cut]…"),
        "{}",
        run.stderr
    );
}
