//! `rangefinder check` and `show` on repeats (DESIGN 1, Repeats): what a
//! repeat leaves empty is its origin's; what it gives must equal it.

use super::{METRICS, SOURCES, claims, data, fails_with};

// A repeat naming another source than its origin's is an error (it was
// accepted and silently ignored).
#[test]
fn repeat_with_other_source() {
    fails_with(
        &["c3,kp_kursk,2024-11-04,us_dod,approx,11000,,,doc,,c1,q"],
        "d/claims.csv:4: source: us_dod differs from ua_hur in origin claim \"c1\" (a repeat \
         must state what its origin states)\n",
    );
}

// A repeat with another claimed window than its origin's is an error.
#[test]
fn repeat_with_other_claimed() {
    fails_with(
        &["c3,kp_kursk,2024-11,ua_hur,approx,11000,,,doc,,c1,q"],
        "d/claims.csv:4: claimed: \"2024-11\" differs from \"2024-11-04\" in origin claim \
         \"c1\" (a repeat must state what its origin states)\n",
    );
}

// A repeat of a repeat that left `claimed` empty is told the window its
// origin took from further up the chain (it was told the first row's).
#[test]
fn repeat_of_repeat_with_other_claimed() {
    fails_with(
        &["c3,,,,,,,,doc c,,c2,q", "c4,,2024-11,,,,,,doc d,,c3,q"],
        "d/claims.csv:5: claimed: \"2024-11\" differs from \"2024-10-21/2024-10-31\" in origin \
         claim \"c3\" (a repeat must state what its origin states)\n",
    );
}

// A repeat leaving metric, source, claimed, qualifier and numbers empty
// loads (also a repeat of a repeat), and `show` lists it as a further
// report of the origin claim.
#[test]
fn repeat_with_every_stated_cell_empty() {
    let rows = [
        "c3,,,,,,,,doc c,2024-11-06,c1,q",
        "c4,,,,,,,,doc d,2024-11-06,c3,q",
    ];
    let test = data(&claims(&rows), SOURCES, METRICS);
    test.run()
        .code(0)
        .stdout("ok: 2 claims and 2 repeats, 2 sources, 1 metric, 0 warnings\n");
    let run = test
        .run_with(&["show", "kp_kursk", "--data", "d", "--as-of", "2024-11-06"])
        .code(0);
    let line = run.stdout.lines().find(|l| l.starts_with("ua_hur"));
    assert_eq!(
        line,
        Some(
            "ua_hur  Ukraine        approx      9,900–12,100  11,000  2024-11-04             \
             c1     doc c (c3); doc d (c4)"
        ),
        "{}",
        run.stdout
    );
}

// A repeat that gives numbers but leaves its qualifier empty must state
// its origin's numbers too (a different value was accepted, kept nowhere
// and reported nowhere); a value where the origin states a range, or the
// reverse, differs as well.
#[test]
fn repeat_without_qualifier_with_other_numbers() {
    fails_with(
        &["c3,,,,,12000,,,doc,,c1,q"],
        "d/claims.csv:4: value: 12000 differs from 11000 in origin claim \"c1\" (a repeat \
         must state what its origin states)\n",
    );
    fails_with(
        &["c3,,,,,,10000,12000,doc,,c1,q"],
        "d/claims.csv:4: value: low 10000, high 12000 differs from value 11000 in origin \
         claim \"c1\" (a repeat must state what its origin states)\n",
    );
}
