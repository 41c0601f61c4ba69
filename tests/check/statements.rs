//! DESIGN v3's claims.csv columns (issue 21): `refers_to`, a range's
//! central `value`, `restated`, `alternative_of`, `based_on`, and
//! sources.csv's `party`. One test per rule, each breaking exactly it in
//! an otherwise valid dataset and asserting the whole message.

use super::{METRICS, SOURCES, data};

const HEADER: &str = "id,metric,claimed,source,qualifier,value,low,high,document,published,\
                      origin,quote,refers_to,restated,alternative_of,based_on";

/// Line 2: an approx claim of Ukraine.
const C1: &str = "c1,kp_kursk,2024-11-04,ua_hur,approx,11000,,,https://a.example,2024-11-05,,\
                  about 11000,,,,";

/// Line 3: a range claim of the US with its central estimate.
const C2: &str = "c2,kp_kursk,2024-10-21/2024-10-31,us_dod,range,11000,10000,12000,doc b,,,\
                  10 to 12 thousand,,,,";

/// claims.csv with the v3 columns: the header, C1, C2, then `extra` rows
/// from line 4.
fn claims(extra: &[&str]) -> String {
    let mut rows = vec![HEADER, C1, C2];
    rows.extend(extra);
    rows.join("\n") + "\n"
}

/// Runs `check` on the dataset plus `extra` and asserts it fails with
/// exactly `stderr`.
fn fails_with(extra: &[&str], stderr: &str) {
    data(&claims(extra), SOURCES, METRICS)
        .run()
        .code(1)
        .stderr(stderr);
}

/// Runs `check` on the dataset plus `extra` and asserts it passes with
/// exactly `stdout`.
fn passes_with(extra: &[&str], stdout: &str) {
    data(&claims(extra), SOURCES, METRICS)
        .run()
        .code(0)
        .stdout(stdout);
}

// Every v3 column used rightly passes: a range with its central estimate,
// a claim describing an earlier period, a restated repeat in its own
// words, an alternative, a derived estimate.
#[test]
fn every_new_column_used_rightly() {
    passes_with(
        &[
            "c3,kp_kursk,2024-11-06,ua_hur,exact,12000,,,doc c,,,q,2024-10,,,",
            "c4,,,,at_least,11000,,,doc d,,c2,q,,yes,,",
            "c5,kp_kursk,2024-11-06,ua_hur,exact,9000,,,doc c,,,q,2024-10,,c3,",
            "c6,kp_kursk,2024-11-07,us_dod,exact,11500,,,doc e,,,q,,,,c1 c2",
        ],
        "ok: 5 claims and 1 repeat, 2 sources, 1 metric, 0 warnings\n",
    );
}

// refers_to describes the past or the present: ending after the claimed
// window is a forecast, refused.
#[test]
fn refers_to_after_claimed() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,exact,12000,,,doc c,,,q,2024-12,,,"],
        "d/claims.csv:4: refers_to: \"2024-12\" ends after the claimed window \"2024-11-06\" \
         (a claim describes the past or the present, not a forecast)\n",
    );
}

// A range's value is its central estimate, inside the range.
#[test]
fn central_value_outside_its_range() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,range,9000,10000,12000,doc c,,,q,,,,"],
        "d/claims.csv:4: value: \"9000\" is outside the range 10000–12000 (on a range, value \
         is the central estimate the range surrounds: low ≤ value ≤ high)\n",
    );
}

// restated = yes marks a repeat only.
#[test]
fn restated_without_origin() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,exact,12000,,,doc c,,,q,,yes,,"],
        "d/claims.csv:4: restated: \"yes\" on a claim without origin (restated marks a repeat \
         that words its origin's claim differently: give origin, or leave restated empty)\n",
    );
}

// restated takes yes or nothing.
#[test]
fn restated_unknown_value() {
    fails_with(
        &["c3,,,,,,,,doc c,,c1,q,,true,,"],
        "d/claims.csv:4: restated: unknown value \"true\" (expected yes, or empty: yes when a \
         repeat words its origin's claim differently)\n",
    );
}

// A restated repeat gives its own wording: its qualifier is required.
#[test]
fn restated_without_qualifier() {
    fails_with(
        &["c3,,,,,12000,,,doc c,,c1,q,,yes,,"],
        "d/claims.csv:4: qualifier: missing value (required)\n",
    );
}

// Without restated, a repeat that words the claim differently is refused,
// as in version 2; its central value is compared too.
#[test]
fn repeat_with_another_central_value() {
    fails_with(
        &["c3,,,,range,11500,10000,12000,doc c,,c2,q,,,,"],
        "d/claims.csv:4: value: 11500 differs from 11000 in origin claim \"c2\" (a repeat must \
         state what its origin states)\n",
    );
}

// A repeat's refers_to, when given, is its origin's.
#[test]
fn repeat_with_another_refers_to() {
    fails_with(
        &["c3,,,,,,,,doc c,,c1,q,2024-10,,,"],
        "d/claims.csv:4: refers_to: \"2024-10\" differs from the claimed window \"2024-11-04\" \
         in origin claim \"c1\" (a repeat must state what its origin states)\n",
    );
}

// alternative_of names a claim; the nearest id is suggested.
#[test]
fn alternative_of_unknown_claim() {
    fails_with(
        &["c3,kp_kursk,2024-11-04,ua_hur,exact,9000,,,doc c,,,q,,,c11,"],
        "d/claims.csv:4: alternative_of: unknown claim \"c11\" (not an id in d/claims.csv) \
         (did you mean \"c1\"?)\n",
    );
}

// An alternative names another claim.
#[test]
fn alternative_of_itself() {
    fails_with(
        &["c3,kp_kursk,2024-11-04,ua_hur,exact,9000,,,doc c,,,q,,,c3,"],
        "d/claims.csv:4: alternative_of: \"c3\" is this claim itself (an alternative names the \
         claim it was given beside)\n",
    );
}

// An alternative names a claim, not a repeat of one.
#[test]
fn alternative_of_a_repeat() {
    fails_with(
        &[
            "c3,,,,,,,,doc c,,c1,q,,,,",
            "c4,kp_kursk,2024-11-04,ua_hur,exact,9000,,,doc d,,,q,,,c3,",
        ],
        "d/claims.csv:5: alternative_of: claim \"c3\" is a repeat (name the claim it repeats, \
         \"c1\")\n",
    );
}

// An alternative names a claim, not another alternative.
#[test]
fn alternative_of_an_alternative() {
    fails_with(
        &[
            "c3,kp_kursk,2024-11-04,ua_hur,exact,9000,,,doc c,,,q,,,c1,",
            "c4,kp_kursk,2024-11-04,ua_hur,exact,8000,,,doc d,,,q,,,c3,",
        ],
        "d/claims.csv:5: alternative_of: claim \"c3\" is itself an alternative (name the claim \
         it was given beside, \"c1\")\n",
    );
}

// An alternative is of its claim's source, metric and claimed window.
#[test]
fn alternative_of_another_source_or_window() {
    fails_with(
        &[
            "c3,kp_kursk,2024-11-04,us_dod,exact,9000,,,doc c,,,q,,,c1,",
            "c4,kp_kursk,2024-11-05,ua_hur,exact,9000,,,doc d,,,q,,,c1,",
        ],
        "d/claims.csv:4: alternative_of: claim \"c1\" is of source \"ua_hur\", not \"us_dod\" \
         (an alternative is another figure of the same source, metric and claimed window)\n\
         d/claims.csv:5: alternative_of: claim \"c1\" was claimed \"2024-11-04\", not \
         \"2024-11-05\" (an alternative is another figure of the same source, metric and \
         claimed window)\n",
    );
}

// A repeat reports its origin's claim: it is no alternative of its own.
#[test]
fn repeat_as_alternative() {
    fails_with(
        &["c3,,,,,,,,doc c,,c1,q,,,c2,"],
        "d/claims.csv:4: alternative_of: a repeat cannot be an alternative (its origin's claim \
         is what it reports): leave alternative_of empty, or origin\n",
    );
}

// based_on names claims; the nearest id is suggested.
#[test]
fn based_on_unknown_claim() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,us_dod,exact,11500,,,doc c,,,q,,,,c1 c22"],
        "d/claims.csv:4: based_on: unknown claim \"c22\" (not an id in d/claims.csv) (did you \
         mean \"c2\"?)\n",
    );
}

// An estimate is based on other claims.
#[test]
fn based_on_itself() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,us_dod,exact,11500,,,doc c,,,q,,,,c1 c3"],
        "d/claims.csv:4: based_on: \"c3\" is this claim itself (an estimate is based on other \
         claims)\n",
    );
}

// Derived estimates may not be based on each other in a loop.
#[test]
fn based_on_loop() {
    fails_with(
        &[
            "c3,kp_kursk,2024-11-06,us_dod,exact,11500,,,doc c,,,q,,,,c4",
            "c4,kp_kursk,2024-11-06,ua_hur,exact,11600,,,doc d,,,q,,,,c3",
        ],
        "d/claims.csv:5: based_on: \"c3\" leads back to this claim (derived estimates based on \
         each other in a loop: one of them must be based on other claims)\n",
    );
}

// A repeat is derived only as its origin is.
#[test]
fn based_on_on_a_repeat() {
    fails_with(
        &["c3,,,,,,,,doc c,,c1,q,,,,c2"],
        "d/claims.csv:4: based_on: a repeat is derived only as its origin is (give based_on on \
         the origin claim): leave based_on empty, or origin\n",
    );
}

// party takes yes, no or nothing.
#[test]
fn party_unknown_value() {
    let sources = "id,name,affiliation,kind,reliability,party\n\
                   ua_hur,Ukraine's military intelligence,Ukraine,intelligence,B,true\n\
                   us_dod,Pentagon,United States,government,,\n";
    data(&claims(&[]), sources, METRICS).run().code(1).stderr(
        "d/sources.csv:2: party: unknown value \"true\" (expected yes, no, or empty: yes \
             when the claimant speaks for a party to the conflict or dispute)\n",
    );
}

// The longer kind list of version 3 is accepted.
#[test]
fn research_ngo_and_international_kinds() {
    let sources = "id,name,affiliation,kind,reliability,party\n\
                   ua_hur,Ukraine's military intelligence,Ukraine,research,B,yes\n\
                   us_dod,Pentagon,United States,international,,no\n";
    data(&claims(&[]), sources, METRICS)
        .run()
        .code(0)
        .stdout("ok: 2 claims, 2 sources, 1 metric, 0 warnings\n");
}

// Two claims of one source and metric with the same claimed window: the
// warning names the one the current-claim rule takes (the later period it
// describes wins over the greater id) and says to mark the other
// alternative_of.
#[test]
fn same_window_names_the_current_claim() {
    passes_with(
        &["c3,kp_kursk,2024-11-04,ua_hur,exact,12000,,,doc c,,,q,2024-10,,,"],
        "d/claims.csv:4: warning: claimed: claim \"c1\" has the same source, metric and \
         claimed window and is taken as the source's current claim; if both figures were \
         given in one statement (two scenarios, methods or definitions), mark this one \
         alternative_of \"c1\"; if one repeats the other, give it origin\n\
         ok: 3 claims, 2 sources, 1 metric, 1 warning\n",
    );
}
