//! `rangefinder check` on the shape of the files rather than their rows:
//! BOM and CRLF, grouped numbers, column order, `x_` columns, broken
//! headers, multi-line cells, unreadable files, and the shipped data.

use super::{METRICS, SOURCES, claims, data, fails_with};
use crate::harness::Test;

// A UTF-8 BOM and CRLF line ends are accepted.
#[test]
fn bom_and_crlf() {
    let crlf = |text: &str| format!("\u{feff}{}", text.replace('\n', "\r\n"));
    data(&crlf(&claims(&[])), &crlf(SOURCES), &crlf(METRICS))
        .run()
        .code(0)
        .stdout("ok: 2 claims, 2 sources, 1 metric, 0 warnings\n");
}

// Quoted numbers with thousands commas and space-grouped numbers are valid.
#[test]
fn grouped_numbers() {
    let rows = [
        r#"c3,kp_kursk,2024-11-06,ua_hur,exact,"11,000",,,doc,,,q"#,
        "c4,kp_kursk,2024-11-06,us_dod,range,,10 000,\"12,000.5\",doc,,,q",
    ];
    data(&claims(&rows), SOURCES, METRICS)
        .run()
        .code(0)
        .stdout("ok: 4 claims, 2 sources, 1 metric, 0 warnings\n");
}

// Columns starting with x_ are the user's and are ignored.
#[test]
fn x_column() {
    let metrics = "id,x_owner,label,unit\nkp_kursk,ana,North Korean troops in Kursk,troops\n";
    data(&claims(&[]), SOURCES, metrics).run().code(0);
}

// Columns may come in any order.
#[test]
fn any_column_order() {
    let sources =
        "reliability,affiliation,name,id\nB,Ukraine,HUR,ua_hur\n,United States,DoD,us_dod\n";
    data(&claims(&[]), sources, METRICS).run().code(0);
}

// An unknown column is a header error naming every expected column.
#[test]
fn unknown_column() {
    let metrics = "id,label,unit,colour\nkp_kursk,Troops,troops,red\n";
    data(&claims(&[]), SOURCES, metrics).run().code(1).stderr(
        "d/metrics.csv:1: colour: unknown column (expected id, label, unit, tolerance, \
         description, stale_after, or a name starting with x_)\n",
    );
}

// A missing required column is reported once, at line 1, not on every row.
#[test]
fn missing_column() {
    let metrics = "id,label\nkp_kursk,Troops\n";
    data(&claims(&[]), SOURCES, metrics)
        .run()
        .code(1)
        .stderr("d/metrics.csv:1: unit: required column is missing\n");
}

// A column named twice is an error naming both positions.
#[test]
fn duplicate_column() {
    let metrics = "id,label,unit,label\nkp_kursk,Troops,troops,Again\n";
    data(&claims(&[]), SOURCES, metrics)
        .run()
        .code(1)
        .stderr("d/metrics.csv:1: label: duplicate column (columns 2 and 4)\n");
}

// A quoted cell spanning lines shifts the physical line of the rows after it.
#[test]
fn multiline_cell_counts_its_lines() {
    fails_with(
        &[
            "c3,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,,\"first line\nsecond line\"",
            "c4,kp_kursk,2024-11-06,ua_hur,about,5,,,doc,,,q",
        ],
        "d/claims.csv:6: qualifier: unknown value \"about\" (expected exact, approx, \
         at_least, up_to, range)\n",
    );
}

// A row with more cells than the header is reported as such.
#[test]
fn extra_cells() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,,q,surplus"],
        "d/claims.csv:4: 13 cells, but the header has 12\n",
    );
}

// Missing, empty and non-UTF-8 files each get one line; the others are still checked.
#[test]
fn unreadable_files() {
    Test::new()
        .file(
            "d/claims.csv",
            claims(&["c3,kp_kursk,2024-11-06,ua_hur,about,5,,,doc,,,q"]),
        )
        .file(
            "d/sources.csv",
            b"id,name,affiliation\nua_hur,HUR,Ukraine\nus_dod,D\xe9fense,US\n",
        )
        .file("d/metrics.csv", "")
        .args(["check", "--data", "d"])
        .run()
        .code(1)
        .stderr(
            "d/claims.csv:4: qualifier: unknown value \"about\" (expected exact, approx, \
             at_least, up_to, range)\n\
             d/metrics.csv: empty file (expected a header row: id, label, unit, tolerance, \
             description, stale_after)\n\
             d/sources.csv:3: not UTF-8 (byte 0xE9 at column 9; save the file as UTF-8)\n",
        );
    Test::new()
        .file("d/claims.csv", claims(&[]))
        .file("d/metrics.csv", METRICS)
        .args(["check", "--data", "d"])
        .run()
        .code(1)
        .stderr("d/sources.csv: file not found\n");
}

// The shipped seed data passes `check`.
#[test]
fn shipped_data_is_valid() {
    let run = Test::new().seed_data().args(["check"]).run().code(0);
    assert!(
        run.stdout.starts_with("ok: ") || run.stdout.contains("\nok: "),
        "{}",
        run.stdout
    );
}
