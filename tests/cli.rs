//! The command line a newcomer meets (issue 16): the project root found
//! from a subfolder, `build DIR`, build's status lines and `-q`, one
//! notebook per report folder, `chart -o -`, `show` listing the metrics,
//! `changes --metric` and unchanged metrics left out, errors that name the
//! flag, and days on the command line read exactly as in the CSV files.

use crate::harness::Test;

/// A notebook with `since` on line 3.
const NOTEBOOK: &str = "+++\ntitle = \"T\"\nsince = \"2024-10-25\"\n+++\n\
                        {{ low kp_troops_kursk }}\n";

/// The seed data with one notebook in reports/r.
fn project() -> Test {
    Test::new().seed_data().file("reports/r/brief.md", NOTEBOOK)
}

// From a report folder, or from data/, every command finds the project
// root; paths are printed as seen from where the user stands.
#[test]
fn root_found_from_a_subfolder() {
    let test = project();
    test.run_in("reports/r", &["build"])
        .code(0)
        .stdout("../../reports/r: written\n")
        .stderr("note: using the project in ../..\n");
    test.run_in("reports/r", &["build", "--check"])
        .code(0)
        .stdout("../../reports/r: unchanged\n");
    test.run_in("data", &["check"])
        .code(0)
        .stdout("ok: 16 claims and 2 repeats, 8 sources, 8 metrics, 0 warnings\n");
    test.run_in("reports", &["show", "kp_generals_russia"])
        .code(0);
}

// A folder names the notebook inside it; a folder without one is a usage
// error that says so.
#[test]
fn build_a_folder() {
    let test = project().file("reports/empty/notes.txt", "x");
    test.run_with(&["build", "reports/r"])
        .code(0)
        .stdout("reports/r: written\n");
    assert!(test.path().join("reports/r/README.md").is_file());
    test.run_with(&["build", "reports/empty"])
        .code(2)
        .stdout("")
        .stderr(
            "error: reports/empty: no brief.md in this folder (a report folder holds its \
         notebook as brief.md)\n",
        );
}

// One line per report: written, then unchanged; with --check unchanged or
// differs (the files on stderr, exit 1); -q prints nothing but errors.
#[test]
fn build_prints_one_line_per_report() {
    let test = project().file("reports/s/brief.md", NOTEBOOK);
    test.run_with(&["build"])
        .code(0)
        .stdout("reports/r: written\nreports/s: written\n")
        .stderr("");
    test.run_with(&["build"])
        .code(0)
        .stdout("reports/r: unchanged\nreports/s: unchanged\n");
    std::fs::write(test.path().join("reports/s/README.md"), "edited\n").expect("edit");
    test.run_with(&["build", "--check"])
        .code(1)
        .stdout("reports/r: unchanged\nreports/s: differs\n")
        .stderr("reports/s/README.md: differs from what build would write\n");
    test.run_with(&["build", "--check", "-q"])
        .code(1)
        .stdout("")
        .stderr("reports/s/README.md: differs from what build would write\n");
    test.run_with(&["build", "-q"])
        .code(0)
        .stdout("")
        .stderr("");
    test.run_with(&["build", "--check", "--quiet"])
        .code(0)
        .stdout("")
        .stderr("");
}

// A report folder has one notebook, brief.md: another one there is refused
// before anything is read or written (issue 21: `build reports/x/other.md`
// overwrote README.md and removed brief.md's charts). The same notebook
// named twice is built once; the README.md a build writes is not a notebook.
#[test]
fn one_notebook_per_folder() {
    let other = "error: reports/r/other.md: a report folder has one notebook, brief.md, and its \
                 report is built from it (rename this notebook brief.md in a folder of its own \
                 under reports/)\n";
    let test = project().file("reports/r/other.md", NOTEBOOK);
    test.run_with(&["build", "reports/r/brief.md", "reports/r/other.md"])
        .code(2)
        .stdout("")
        .stderr(other);
    assert!(!test.path().join("reports/r/README.md").exists());
    // In a folder with a built report, every file stays as it was.
    let built = project()
        .file(
            "reports/r/brief.md",
            "+++\ntitle = \"T\"\n+++\n{{ low kp_troops_kursk }}\n\n\
             ```rangefinder\nchart = \"timeline\"\nmetric = \"kp_troops_kursk\"\n```\n",
        )
        .file(
            "reports/r/other.md",
            "+++\ntitle = \"Other\"\n+++\nno charts\n",
        );
    built.run_with(&["build"]).code(0);
    let before = crate::harness::files(&built.path().join("reports/r"));
    assert_eq!(before.len(), 4, "{:?}", before.keys());
    built
        .run_with(&["build", "reports/r/other.md"])
        .code(2)
        .stdout("")
        .stderr(other);
    assert_eq!(
        crate::harness::files(&built.path().join("reports/r")),
        before
    );
    test.run_with(&["build", "reports/r", "reports/r/./brief.md"])
        .code(0)
        .stdout("reports/r: written\n");
    test.run_with(&["build", "reports/r/README.md"])
        .code(2)
        .stderr(
            "error: reports/r/README.md: README.md is the report build writes, not a notebook \
         (name the notebook, usually brief.md)\n",
        );
}

// `-o -` writes the SVG to standard output and no file named `-`.
#[test]
fn chart_to_stdout() {
    let test = project();
    let run = test
        .run_with(&["chart", "ranges", "kp_troops_kursk", "-o", "-"])
        .code(0)
        .stderr("");
    assert!(
        run.stdout.starts_with("<!-- Generated by rangefinder") && run.stdout.contains("<svg "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.trim_end().ends_with("</svg>"));
    assert!(!test.path().join("-").exists());
    test.run_with(&["chart", "ranges", "kp_troops_kursk"])
        .code(0)
        .stdout("");
    assert_eq!(
        test.read("ranges-kp_troops_kursk.svg"),
        run.stdout.as_bytes()
    );
}

// `show` without a metric lists every metric with its number of claims
// (repeats collapsed), as text, Markdown or JSON; --as-of counts only the
// claims known by then.
#[test]
fn show_lists_metrics() {
    let test = project();
    test.run_with(&["show"]).code(0).stderr("").stdout(
        "\
metric                    claims  unit      label
kp_troops_kursk                5  troops    North Korean troops in Kursk region
kp_troops_russia               5  troops    North Korean troops in Russia
kp_troops_preparing            1  troops    North Korean troops being prepared to join Russia's army
kp_first_group_kursk           1  troops    First group of North Korean troops sent to Kursk
kp_officers_russia             1  officers  North Korean officers in Russia
kp_generals_russia             1  generals  North Korean generals in Russia
kp_training_bases              1  bases     Russian military bases training North Korean troops
ru_soldiers_per_kp_group       1  soldiers  Russian soldiers assigned to each group of 30 North Korean soldiers
",
    );
    let run = test
        .run_with(&["show", "--as-of", "2024-11-01", "--format", "json"])
        .code(0);
    assert!(
        run.stdout.starts_with(
            "[{\"claims\":1,\"label\":\"North Korean troops in Kursk region\",\
             \"metric\":\"kp_troops_kursk\",\"unit\":\"troops\"},{\"claims\":4,"
        ),
        "{}",
        run.stdout
    );
    let run = test.run_with(&["show", "--format", "markdown"]).code(0);
    assert!(run.stdout.starts_with(
        "| metric | claims | unit | label |\n| --- | ---: | --- | --- |\n\
         | `kp_troops_kursk` | 5 | troops | North Korean troops in Kursk region |\n"
    ));
}

/// The metric ids of the `changes` text output, in order.
fn changed_metrics(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .filter_map(|l| l.split(':').next())
        .map(String::from)
        .collect()
}

// Without --metric, `changes` lists only the metrics that changed; with
// it, exactly the metrics named (in id order), changed or not.
#[test]
fn changes_filters_metrics() {
    let test = project();
    let run = test.run_with(&["changes", "--since", "2025-03-01"]).code(0);
    assert_eq!(changed_metrics(&run.stdout), ["kp_troops_kursk"]);
    let run = test.run_with(&["changes", "--since", "2024-10-25"]).code(0);
    assert_eq!(
        changed_metrics(&run.stdout),
        ["kp_troops_kursk", "kp_troops_russia"]
    );
    let run = test
        .run_with(&[
            "changes",
            "--since",
            "2025-03-01",
            "--metric",
            "kp_troops_russia",
            "--metric",
            "kp_generals_russia",
        ])
        .code(0);
    assert_eq!(
        changed_metrics(&run.stdout),
        ["kp_generals_russia", "kp_troops_russia"]
    );
    test.run_with(&["changes", "--since", "2025-03-06", "--as-of", "2025-03-06T"])
        .code(2);
    test.run_with(&["changes", "--since", "2024-11-05", "--as-of", "2025-03-01"])
        .code(0)
        .stdout("no metric changed\n");
    test.run_with(&[
        "changes",
        "--since",
        "2024-11-05",
        "--as-of",
        "2025-03-01",
        "--format",
        "json",
    ])
    .code(0)
    .stdout("[]\n");
    test.run_with(&["changes", "--since", "2024-11-01", "--metric", "kp_trops"])
        .code(2)
        .stdout("")
        .stderr(
            "error: --metric: unknown metric \"kp_trops\" (nearest known: kp_troops_kursk, \
             kp_troops_russia, kp_troops_preparing, kp_training_bases, kp_first_group_kursk; \
             3 more)\n",
        );
}

// A day set by a flag that conflicts with the notebook is blamed on the
// flag, at the line of the front matter key it conflicts with.
#[test]
fn errors_name_the_flag() {
    let test = project();
    test.run_with(&["build", "--as-of", "2024-10-20"])
        .code(1)
        .stdout("")
        .stderr(
            "reports/r/brief.md:3: --as-of 2024-10-20 is not after this notebook's since \
             (2024-10-25)\n",
        );
    test.run_with(&["build", "--since", "2025-03-07"])
        .code(1)
        .stderr(
            "reports/r/brief.md:1: --since 2025-03-07 is not before the as-of day \
             2025-03-07 (the latest claim in the data)\n",
        );
    test.run_with(&["build", "--since", "2024-11-05", "--as-of", "2024-11-05"])
        .code(2)
        .stderr("error: --since 2024-11-05 must be before --as-of 2024-11-05\n");
    test.run_with(&["build", "--since", "2024-11-01", "--as-of", "2024-11-05"])
        .code(0);
}

// Days on the command line are read by the CSV files' date parser: the
// same wording for a day that does not exist, the same refusal of
// `2024-1-5`, and a month or window (fine in a CSV cell) is not one day.
#[test]
fn flag_days_read_as_in_the_csv() {
    let test = project();
    test.run_with(&["build", "--as-of", "2024-02-30"])
        .code(2)
        .stderr(
            "error: --as-of: \"2024-02-30\": day 30 does not exist (February 2024 has 29 days)\n",
        );
    test.run_with(&["show", "kp_troops_kursk", "--as-of", "2024-1-5"])
        .code(2)
        .stderr(
            "error: --as-of: \"2024-1-5\" is not a date spec (expected YYYY-MM-DD, YYYY-MM, \
             YYYY or a window A/B of those, optionally followed by ~ or ?)\n",
        );
    test.run_with(&["changes", "--since", "2024-10"])
        .code(2)
        .stderr("error: --since: \"2024-10\" is not a single day (expected YYYY-MM-DD)\n");
    // The CSV loader words the same two dates the same way.
    let claims = String::from_utf8_lossy(&test.read("data/claims.csv")).replacen(
        ",2024-11-04,ua_president,",
        ",2024-02-30,ua_president,",
        1,
    );
    let claims = claims.replacen(
        ",2024-11-04,us_dod,at_least,",
        ",2024-1-5,us_dod,at_least,",
        1,
    );
    let test = test.file("data/claims.csv", claims);
    let run = test.run_with(&["check"]).code(1);
    assert!(
        run.stderr.contains(
            "claimed: \"2024-02-30\": day 30 does not exist (February 2024 has 29 days)\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "claimed: \"2024-1-5\" is not a date spec (expected YYYY-MM-DD, YYYY-MM, YYYY or \
             a window A/B of those, optionally followed by ~ or ?)\n"
        ),
        "{}",
        run.stderr
    );
}

// --help is self-contained: no pointer to a design document.
#[test]
fn help_is_self_contained() {
    let test = Test::new();
    for args in [
        &["--help"][..],
        &["build", "--help"],
        &["show", "--help"],
        &["changes", "--help"],
        &["chart", "--help"],
        &["init", "--help"],
    ] {
        let run = test.run_with(args).code(0);
        assert!(!run.stdout.contains("DESIGN"), "{args:?}: {}", run.stdout);
        assert!(!run.stdout.contains("shared/"), "{args:?}: {}", run.stdout);
    }
}

// A hidden folder under reports/ is no report: a killed build's new or old
// folder (`.rangefinder-….tmp`) holds a brief.md, and the next build built
// it as a report of its own (found by the kill loop of issue 25).
#[test]
fn hidden_folders_are_not_reports() {
    let test = project()
        .file(".keep", "")
        .file("reports/.hidden/brief.md", NOTEBOOK);
    test.run_with(&["build"])
        .code(0)
        .stdout("reports/r: written\n");
    assert!(!test.path().join("reports/.hidden/README.md").exists());
    test.run_with(&["build", "--check"])
        .code(0)
        .stdout("reports/r: unchanged\n");
}

// A reader that goes away (`rangefinder show … | head -1`) ends the
// command quietly with 0, not with "error: writing to stdout: Broken pipe"
// and 1. The pipe is closed before the command writes; a chart is larger
// than a pipe's buffer, so the write fails however the two race.
#[test]
fn closed_stdout_exits_zero() {
    use std::process::{Command, Stdio};
    let test = project();
    for args in [
        &["show", "kp_troops_kursk"][..],
        &["chart", "timeline", "kp_troops_kursk"],
        &["changes", "--since", "2024-10-01"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rangefinder"))
            .args(args)
            .current_dir(test.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run rangefinder");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("wait for rangefinder");
        assert_eq!(
            (
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ),
            (Some(0), "".into()),
            "{args:?}"
        );
    }
}
