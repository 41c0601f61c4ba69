//! `rangefinder check`: one test per validation rule of DESIGN 1, each
//! breaking exactly that rule in an otherwise valid minimal dataset and
//! asserting the full message text and its physical line.

mod events;
mod files;
mod hints;
mod quoting;
mod repeats;
mod statements;

use crate::harness::Test;

const SOURCES: &str = "\
id,name,affiliation,kind,reliability
ua_hur,Ukraine's military intelligence,Ukraine,intelligence,B
us_dod,Pentagon,United States,government,
";

const METRICS: &str = "\
id,label,unit,tolerance
kp_kursk,North Korean troops in Kursk,troops,0.1
";

const HEADER: &str =
    "id,metric,claimed,source,qualifier,value,low,high,document,published,origin,quote";

/// Line 2: an approx claim of Ukraine.
const C1: &str =
    "c1,kp_kursk,2024-11-04,ua_hur,approx,11000,,,https://a.example,2024-11-05,,about 11000";

/// Line 3: a range claim of the US.
const C2: &str =
    "c2,kp_kursk,2024-10-21/2024-10-31,us_dod,range,,10000,12000,doc b,,,10 to 12 thousand";

/// A valid claims.csv: the header, C1, C2, then `extra` rows from line 4.
fn claims(extra: &[&str]) -> String {
    let mut rows = vec![HEADER, C1, C2];
    rows.extend(extra);
    rows.join("\n") + "\n"
}

/// A data folder `d` with the three files, ready to run `check` on.
fn data(claims: &str, sources: &str, metrics: &str) -> Test {
    Test::new()
        .file("d/claims.csv", claims)
        .file("d/sources.csv", sources)
        .file("d/metrics.csv", metrics)
        .args(["check", "--data", "d"])
}

/// The valid dataset plus claim rows `extra` (from line 4); runs `check`
/// and asserts it fails with exactly `stderr`.
fn fails_with(extra: &[&str], stderr: &str) {
    data(&claims(extra), SOURCES, METRICS)
        .run()
        .code(1)
        .stderr(stderr);
}

// The minimal dataset every other test perturbs is valid.
#[test]
fn valid_dataset() {
    data(&claims(&[]), SOURCES, METRICS)
        .run()
        .code(0)
        .stdout("ok: 2 claims, 2 sources, 1 metric, 0 warnings\n")
        .stderr("");
}

// An empty required cell is missing.
#[test]
fn missing_cell() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,exact,5,,,,,,q"],
        "d/claims.csv:4: document: missing value (required)\n",
    );
}

// Ids must be slugs.
#[test]
fn id_not_a_slug() {
    fails_with(
        &["Claim 3,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,,q"],
        "d/claims.csv:4: id: \"Claim 3\" is not a valid id (expected a slug: a-z or 0-9, \
         then a-z, 0-9, _ or -)\n",
    );
}

// An id used twice points at its first use.
#[test]
fn duplicate_id() {
    fails_with(
        &["c1,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,,q"],
        "d/claims.csv:4: id: duplicate id \"c1\" (first used on line 2)\n",
    );
}

// A claim's metric must be an id of metrics.csv.
#[test]
fn unknown_metric() {
    fails_with(
        &["c3,kp_russia,2024-11-06,ua_hur,exact,5,,,doc,,,q"],
        "d/claims.csv:4: metric: unknown metric \"kp_russia\" (not an id in d/metrics.csv)\n",
    );
}

// A claim's source must be an id of sources.csv.
#[test]
fn unknown_source() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,kr_nis,exact,5,,,doc,,,q"],
        "d/claims.csv:4: source: unknown source \"kr_nis\" (not an id in d/sources.csv)\n",
    );
}

// The qualifier must be one of the five (DESIGN's own example).
#[test]
fn unknown_qualifier() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,about,5,,,doc,,,q"],
        "d/claims.csv:4: qualifier: unknown value \"about\" (expected exact, approx, \
         at_least, up_to, range)\n",
    );
}

// A number that is not a number names itself and the accepted forms.
#[test]
fn bad_number() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,exact,\"1,1000\",,,doc,,,q"],
        "d/claims.csv:4: value: \"1,1000\" is not a number (expected a number ≥ 0 like \
         11000, 11000.5, 11,000 or 11 000)\n",
    );
}

// Numbers must be ≥ 0.
#[test]
fn negative_number() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,at_least,-5,,,doc,,,q"],
        "d/claims.csv:4: value: \"-5\" is negative (expected a number ≥ 0 like 11000, \
         11000.5, 11,000 or 11 000)\n",
    );
}

// Every qualifier but range needs a value.
#[test]
fn value_missing() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,up_to,,,,doc,,,q"],
        "d/claims.csv:4: value: missing value (required with qualifier up_to)\n",
    );
}

// low and high belong to range claims only.
#[test]
fn low_without_range() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,exact,5,4,,doc,,,q"],
        "d/claims.csv:4: low: not allowed with qualifier exact (only with range)\n",
    );
}

// A range claim needs low and high; its value (the central estimate) is
// optional and checked only once the range is whole.
#[test]
fn range_with_value() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,range,5,4,,doc,,,q"],
        "d/claims.csv:4: high: missing value (required with qualifier range)\n",
    );
}

// A range's low must not exceed its high.
#[test]
fn low_above_high() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,range,,13000,\"12,000\",doc,,,q"],
        "d/claims.csv:4: low: \"13000\" is greater than high \"12,000\" (expected low ≤ high)\n",
    );
}

// A day that does not exist is named with the length of its month.
#[test]
fn invalid_day() {
    fails_with(
        &["c3,kp_kursk,2023-02-29,ua_hur,exact,5,,,doc,,,q"],
        "d/claims.csv:4: claimed: \"2023-02-29\": day 29 does not exist (February 2023 has \
         28 days)\n",
    );
}

// A window that starts after it ends is an error.
#[test]
fn reversed_window() {
    fails_with(
        &["c3,kp_kursk,2024-11/2024-10,ua_hur,exact,5,,,doc,,,q"],
        "d/claims.csv:4: claimed: window \"2024-11/2024-10\" starts after it ends \
         (2024-11-01 is after 2024-10-31)\n",
    );
}

// A document cannot be published before the claim it reports was made.
#[test]
fn published_before_claimed() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,2024-11-01/2024-11-05,,q"],
        "d/claims.csv:4: published: \"2024-11-01/2024-11-05\" ends before the claimed window \
         \"2024-11-06\" starts (a document cannot report a claim made after it was published)\n",
    );
}

// An origin must name a claim.
#[test]
fn unknown_origin() {
    fails_with(
        &["c3,kp_kursk,2024-11-06,ua_hur,approx,11000,,,doc,,c9,q"],
        "d/claims.csv:4: origin: unknown claim \"c9\" (not an id in d/claims.csv) (did you \
         mean \"c1\"?)\n",
    );
}

// Origins that loop are reported on every row of the loop.
#[test]
fn origin_loop() {
    fails_with(
        &[
            "c3,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,c4,q",
            "c4,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,c3,q",
            "c5,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,c5,q",
        ],
        "d/claims.csv:4: origin: \"c4\" leads back to this claim (a loop of 2 claims; one \
         must be the original, without origin)\n\
         d/claims.csv:5: origin: \"c3\" leads back to this claim (a loop of 2 claims; one \
         must be the original, without origin)\n\
         d/claims.csv:6: origin: \"c5\" is this claim itself (a repeat needs another claim \
         as origin)\n",
    );
}

// A repeat must be of its origin's metric.
#[test]
fn origin_of_another_metric() {
    let metrics = format!("{METRICS}kp_russia,North Korean troops in Russia,troops,\n");
    let rows = [
        "c3,kp_russia,2024-11-06,ua_hur,approx,11000,,,doc,,,q",
        "c4,kp_kursk,2024-11-06,ua_hur,approx,11000,,,doc,,c3,q",
    ];
    data(&claims(&rows), SOURCES, &metrics)
        .run()
        .code(1)
        .stderr(
            "d/claims.csv:5: origin: claim \"c3\" is of metric \"kp_russia\", not \"kp_kursk\" \
         (a repeat must be of its origin's metric)\n",
        );
}

// A repeat stating another number than its origin is an error.
#[test]
fn repeat_with_other_number() {
    fails_with(
        &["c3,kp_kursk,2024-11-04,ua_hur,approx,\"12,000\",,,doc,,c1,q"],
        "d/claims.csv:4: value: 12000 differs from 11000 in origin claim \"c1\" (a repeat \
         must state what its origin states)\n",
    );
}

// A repeat stating another qualifier than its origin is an error.
#[test]
fn repeat_with_other_qualifier() {
    fails_with(
        &["c3,kp_kursk,2024-11-04,ua_hur,at_least,11000,,,doc,,c1,q"],
        "d/claims.csv:4: qualifier: at_least differs from approx in origin claim \"c1\" (a \
         repeat must state what its origin states)\n",
    );
}

// A repeat equal to its origin, written differently ("11,000"), is valid.
#[test]
fn repeat_of_same_claim() {
    let rows = ["c3,kp_kursk,2024-11-04,ua_hur,approx,\"11,000\",,,doc,,c1,q"];
    data(&claims(&rows), SOURCES, METRICS).run().code(0);
}

// Tolerance must be in [0, 1).
#[test]
fn tolerance_out_of_range() {
    let metrics = "id,label,unit,tolerance\nkp_kursk,Troops,troops,1\n";
    data(&claims(&[]), SOURCES, metrics)
        .run()
        .code(1)
        .stderr("d/metrics.csv:2: tolerance: \"1\" is out of range (expected 0 ≤ tolerance < 1)\n");
}

// Reliability is an Admiralty grade A to F.
#[test]
fn bad_reliability() {
    let sources = SOURCES.replace(",B\n", ",G\n");
    data(&claims(&[]), &sources, METRICS).run().code(1).stderr(
        "d/sources.csv:2: reliability: unknown value \"G\" (expected A, B, C, D, E or F)\n",
    );
}

// Kind is one of the nine listed.
#[test]
fn bad_kind() {
    let sources = SOURCES.replace("government", "press");
    data(&claims(&[]), &sources, METRICS).run().code(1).stderr(
        "d/sources.csv:3: kind: unknown value \"press\" (expected government, military, \
         intelligence, media, research, ngo, international, anonymous, other)\n",
    );
}

// Warnings alone print on stdout and exit 0.
#[test]
fn warnings_exit_zero() {
    let metrics = format!("{METRICS}kp_russia,North Korean troops in Russia,troops,\n");
    let sources = format!("{SOURCES}kp_kcna,KCNA,North Korea,media,\n");
    let rows = ["c3,kp_kursk,2024-11-06,ua_hur,exact,5,,,doc,,,"];
    data(&claims(&rows), &sources, &metrics)
        .run()
        .code(0)
        .stderr("")
        .stdout(
            "d/claims.csv:4: warning: quote: no quote (give the words that carry the claim)\n\
         d/metrics.csv:3: warning: id: metric \"kp_russia\" has no claims\n\
         d/sources.csv:4: warning: id: source \"kp_kcna\" has no claims\n\
         ok: 3 claims, 3 sources, 2 metrics, 3 warnings\n",
        );
}

// Every problem of every file is reported in one run, sorted by file and line.
#[test]
fn all_problems_sorted() {
    let rows = [
        "c3,kp_kursk,2024-13,ua_hur,exact,5,,,doc,,,",
        "c4,kp_kursk,2024-11-06,nobody,exact,x,,,doc,,,q",
    ];
    let metrics = "id,label,unit,tolerance\nkp_kursk,Troops,troops,-0.5\n";
    data(&claims(&rows), SOURCES, metrics).run().code(1).stderr(
        "d/claims.csv:4: claimed: \"2024-13\": month 13 does not exist (expected 01 to 12)\n\
         d/claims.csv:4: warning: quote: no quote (give the words that carry the claim)\n\
         d/claims.csv:5: source: unknown source \"nobody\" (not an id in d/sources.csv)\n\
         d/claims.csv:5: value: \"x\" is not a number (expected a number ≥ 0 like 11000, \
         11000.5, 11,000 or 11 000)\n\
         d/metrics.csv:2: tolerance: \"-0.5\" is negative (expected a number ≥ 0 like 11000, \
         11000.5, 11,000 or 11 000)\n",
    );
}
