//! Exit codes (DESIGN 4): 0 ok, 1 invalid data or notebook, 2 usage error;
//! never Rust's 101.

use std::time::Duration;

use super::run_within;
use crate::harness::Test;

/// Runs `args` on the seed data (with one notebook) and returns the code.
fn code(args: &[&str]) -> i32 {
    let test = Test::new().seed_data().file(
        "reports/r/brief.md",
        "+++\ntitle = \"T\"\n+++\n{{ low kp_troops_kursk }}\n",
    );
    run_within(test.path(), args, Duration::from_secs(20)).code
}

// Unknown flags, missing or malformed arguments and bad values (a metric
// the data lacks included) are usage errors: exit 2, for every subcommand.
#[test]
fn bad_flags_exit_2() {
    for args in [
        &["--bogus"][..],
        &["frobnicate"],
        &[],
        &["build", "--as-of"],
        &["build", "--as-of", "2024-13-01"],
        &["build", "--as-of", "yesterday"],
        &["build", "--nope"],
        &["check", "--data"],
        &["check", "extra"],
        &["build", "--as-of", "2024-1-5"],
        &["build", "--since", "2024-11-05", "--as-of", "2024-11-05"],
        &["build", "reports/r/brief.md", "reports/r/other.md"],
        &["show", "kp_troops_kursk", "--format", "xml"],
        &["show", "no_such_metric"],
        &["show", "kp_troops_kursk", "--as-of", "2024-02-30"],
        &["changes"],
        &["changes", "--since", "junk"],
        &["chart", "pie", "kp_troops_kursk", "-o", "x.svg"],
        &["changes", "--since", "2024-11-01", "--metric", "kp_trops"],
        &["chart", "timeline", "kp_troops_kursk", "-o"],
    ] {
        assert_eq!(code(args), 2, "{args:?}");
    }
}

// Invalid data, an unknown metric, a broken notebook or a missing data
// folder exit 1; a good run exits 0.
#[test]
fn invalid_input_exits_1() {
    assert_eq!(code(&["check"]), 0);
    assert_eq!(code(&["build"]), 0);
    assert_eq!(code(&["check", "--data", "missing"]), 1);
    assert_eq!(code(&["build", "--data", "missing"]), 1);
    assert_eq!(code(&["build", "reports/none/brief.md"]), 1);
    let broken = Test::new()
        .seed_data()
        .file("data/metrics.csv", "id,label\nBad Id,x\n")
        .file("reports/r/brief.md", "no front matter\n");
    for args in [&["check"][..], &["build"], &["show", "x"]] {
        let run = run_within(broken.path(), args, Duration::from_secs(20));
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
    }
    let notebook = Test::new().seed_data().file(
        "reports/r/brief.md",
        "+++\ntitle = \"T\"\n+++\n{{ nope }}\n",
    );
    let run = run_within(notebook.path(), &["build"], Duration::from_secs(20));
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "reports/r/brief.md:4: inline value `{{ nope }}`: unknown key \"nope\" (expected \
         as_of, since, title, low, high, median, range, consensus, sources, affiliations, \
         agreement, floor, ceiling, label, edition, claim, date)\n"
    );
}
