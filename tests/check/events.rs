//! The optional `data/events.csv`, validated as the other files are: every
//! problem with its physical line, unknown metric ids with the nearest
//! known id, unknown columns unless `x_`.

use super::{METRICS, SOURCES, claims, data};

/// The valid dataset plus `events` as events.csv.
fn with_events(events: &str) -> crate::harness::Test {
    data(&claims(&[]), SOURCES, METRICS).file("d/events.csv", events)
}

// A valid events file (a day, a window, every metric, an `x_` column) passes;
// no events file at all is fine too (the valid dataset has none).
#[test]
fn valid_events() {
    with_events(
        "id,date,label,metrics,document,notes,x_owner\n\
         incursion,2024-08-06,Kursk incursion begins,kp_kursk,https://a.example,,ana\n\
         mid_october,2024-10-11/2024-10-20,Deployment first reported,,,\"two\nlines\",\n",
    )
    .run()
    .code(0)
    .stdout("ok: 2 claims, 2 sources, 1 metric, 0 warnings\n");
}

// Every problem is listed, sorted by line: a bad date, a missing label, a
// duplicate id, an unknown metric with the nearest known id, and an
// unknown column at line 1.
#[test]
fn every_problem_with_its_line() {
    with_events(
        "id,date,label,metrics,colour\n\
         a,2024-13-01,Bad date,,\n\
         b,2024-10-01,,,\n\
         a,2024-10-02,Again,,\n\
         c,2024-10-03,Unknown metric,kp_kurks kp_kursk,\n",
    )
    .run()
    .code(1)
    .stderr(
        "d/events.csv:1: colour: unknown column (expected id, date, label, metrics, document, \
         notes, or a name starting with x_)\n\
         d/events.csv:2: date: \"2024-13-01\": month 13 does not exist (expected 01 to 12)\n\
         d/events.csv:3: label: missing value (required)\n\
         d/events.csv:4: id: duplicate id \"a\" (first used on line 2)\n\
         d/events.csv:5: metrics: unknown metric \"kp_kurks\" (not an id in d/metrics.csv) (did \
         you mean \"kp_kursk\"?)\n",
    );
}
