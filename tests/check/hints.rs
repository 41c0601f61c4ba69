//! `rangefinder check`: one mistake, one message that says how to fix it
//! (issue 13): an unquoted thousands comma, a header typed in another case
//! or with a typo, a file separated by `;`, a file that is not the one
//! named, unknown ids with the nearest known one, and the warnings for
//! numbers with a dot as thousands separator and claims of one source on
//! one metric with the same window.

use super::{C1, C2, HEADER, METRICS, SOURCES, claims, data, fails_with};

// An unquoted 11,300 splits into two cells and shifts every later one: one
// message naming the comma, not one per shifted cell.
#[test]
fn unquoted_thousands_comma() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,exact,11,300,,,doc,,,q"],
        "d/claims.csv:4: value: the comma in 11,300 splits the cell in two, which shifts \
         every later cell by one (quote the cell: \"11,300\", or write 11300)\n",
    );
}

// Two unquoted commas in one row (a range 2,600 to 3,500): one message
// for each, and the row is checked as it was meant (it was one message
// about the cell count plus one per shifted cell).
#[test]
fn two_unquoted_thousands_commas() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,range,,2,600,3,500,doc,,,q"],
        "d/claims.csv:4: high: the comma in 3,500 splits the cell in two, which shifts every \
         later cell by one (quote the cell: \"3,500\", or write 3500)\n\
         d/claims.csv:4: low: the comma in 2,600 splits the cell in two, which shifts every \
         later cell by one (quote the cell: \"2,600\", or write 2600)\n",
    );
}

// A header cell in another case or with a typo gets one hint, and its
// cells are still checked as that column's (no "required column is
// missing", no error per row).
#[test]
fn header_case_and_typo() {
    let header = HEADER
        .replace("value", "Value")
        .replace("qualifier", "qualifer");
    let text = format!("{header}\n{C1}\n{C2}\n");
    data(&text, SOURCES, METRICS).run().code(1).stderr(
        "d/claims.csv:1: Value: unknown column (did you mean \"value\"?)\n\
         d/claims.csv:1: qualifer: unknown column (did you mean \"qualifier\"?)\n",
    );
}

// A file Excel saved with `;` is one message, not one per row.
#[test]
fn semicolon_separated() {
    data(&claims(&[]).replace(',', ";"), SOURCES, METRICS)
        .run()
        .code(1)
        .stderr(
            "d/claims.csv:1: the file is separated by semicolons, not commas (Excel's European \
             default): save it as CSV, comma-separated\n",
        );
}

// sources.csv copied over claims.csv shares `id` and `notes` with it, but
// lacks most of its required columns: one line asking whether it is a
// claims.csv (it was a missing-column error each and a problem per row).
#[test]
fn another_data_file() {
    data(SOURCES, SOURCES, METRICS).run().code(1).stderr(
        "d/claims.csv:1: header lacks 5 of the 6 required columns (metric, claimed, source, \
         qualifier, document): is this a claims.csv? (expected id, metric, claimed, source, \
         qualifier, value, low, high, document, outlet, published, origin, quote, notes, \
         refers_to, restated, alternative_of, based_on)\n",
    );
}

// A header naming none of the columns (a claims.csv linked to a secrets
// file) is one error that does not echo the file.
#[test]
fn not_a_claims_file() {
    data("AWS_SECRET_ACCESS_KEY=abc123\nfoo=bar\n", SOURCES, METRICS)
        .run()
        .code(1)
        .stderr(
            "d/claims.csv:1: header names none of the expected columns (expected id, metric, \
             claimed, source, qualifier, value, low, high, document, outlet, published, origin, \
             quote, notes, refers_to, restated, alternative_of, based_on): is this a \
             claims.csv?\n",
        );
}

// Unknown metric and source ids are given the nearest known id.
#[test]
fn unknown_ids_name_the_nearest() {
    fails_with(
        &[
            "c3,kp_kurks,2024-11-06,ua_hur,exact,5,,,doc,,,q",
            "c4,kp_kursk,2024-11-06,ua_hurr,exact,5,,,doc,,,q",
        ],
        "d/claims.csv:4: metric: unknown metric \"kp_kurks\" (not an id in d/metrics.csv) (did \
         you mean \"kp_kursk\"?)\n\
         d/claims.csv:5: source: unknown source \"ua_hurr\" (not an id in d/sources.csv) (did \
         you mean \"ua_hur\"?)\n",
    );
}

// 10.100 may be 10,100 written the Italian or Danish way: a warning.
#[test]
fn dot_as_thousands_separator() {
    data(
        &claims(&["c3,kp_kursk,2024-11-06,ua_hur,exact,10.100,,,doc,,,q"]),
        SOURCES,
        METRICS,
    )
    .run()
    .code(0)
    .stdout(
        "d/claims.csv:4: warning: value: \"10.100\" reads as 10.1; if it means 10,100 (a dot as \
         thousands separator, the Italian or Danish way), write 10100 (or \"10,100\")\n\
         ok: 3 claims, 2 sources, 1 metric, 1 warning\n",
    );
}

// Two claims of one source on one metric with the same claimed window: the
// later is warned about, naming the other.
#[test]
fn same_source_metric_and_window() {
    data(
        &claims(&["c3,kp_kursk,2024-11-04,ua_hur,exact,5,,,doc,,,q"]),
        SOURCES,
        METRICS,
    )
    .run()
    .code(0)
    .stdout(
        "d/claims.csv:2: warning: claimed: claim \"c3\" has the same source, metric and \
         claimed window and is taken as the source's current claim; if both figures were \
         given in one statement (two scenarios, methods or definitions), mark this one \
         alternative_of \"c3\"; if one repeats the other, give it origin\n\
         ok: 3 claims, 2 sources, 1 metric, 1 warning\n",
    );
}

// Past the 100 listed, same-window claims are counted, not each written
// out (10 million synthetic claims held 1.7 million of them): 150 claims in
// the window of c1 give the first 100 by line and one count line.
#[test]
fn many_same_window_claims_are_counted() {
    let extra: Vec<String> = (0..150)
        .map(|i| format!("d{i:03},kp_kursk,2024-11-04,ua_hur,exact,{i},,,doc,,,q"))
        .collect();
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let run = data(&claims(&extra), SOURCES, METRICS).run().code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 102, "{}", run.stdout);
    // The greatest id is the current claim (the windows are equal).
    assert!(lines[0].starts_with("d/claims.csv:2: warning: claimed: claim \"d149\" has the same"));
    assert!(lines[99].starts_with("d/claims.csv:102: warning: claimed: claim \"d149\""));
    assert_eq!(
        lines[100],
        "d/claims.csv: warning: … and 50 more problems in this file (the first 100 are listed)"
    );
    assert_eq!(
        lines[101],
        "ok: 152 claims, 2 sources, 1 metric, 150 warnings"
    );
}
