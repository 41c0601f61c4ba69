//! `rangefinder publish`: editions frozen into `reports/<name>/editions/`,
//! verified by `build --check` against their `edition.toml` and rebuilt
//! from their commit by `publish --verify`; `since` read from the latest
//! edition. Every run passes `--published`, so no test reads the clock.

use std::fs;
use std::process::Command;

use crate::harness::{Run, Test};

const METRICS: &str = "id,label,unit\ntroops,Troops in Kursk,troops\n";

const SOURCES: &str = "\
id,name,affiliation
ua,Ukraine,Ukraine
us,Pentagon,United States
";

const CLAIMS: &str = "\
id,metric,claimed,source,qualifier,value,document,quote
c1,troops,2024-10-15,ua,exact,10000,https://a.example/1,q
c2,troops,2024-11-04,us,at_least,10000,https://a.example/2,q
c3,troops,2025-03-05,ua,exact,11000,https://a.example/3,q
";

/// A notebook with a chart, a changes table without `since`, the edition
/// and a link out of the report.
const BRIEF: &str = "+++\ntitle = \"Troops\"\n+++\n\n# {{ title }}: edition {{ edition }}\n\n\
                     [Data](../../data)\n\n```rangefinder\nchart = \"timeline\"\nmetric = \
                     \"troops\"\n```\n\n```rangefinder\ntable = \"changes\"\nmetric = \
                     \"troops\"\n```\n";

/// A project with data and the notebook `reports/t/brief.md`.
fn project() -> Test {
    Test::new()
        .file("data/metrics.csv", METRICS)
        .file("data/sources.csv", SOURCES)
        .file("data/claims.csv", CLAIMS)
        .file("reports/t/brief.md", BRIEF)
}

/// Runs git in the project; panics on failure.
fn git(test: &Test, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(args)
        .current_dir(test.path())
        .output()
        .expect("run git");
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

/// The project as a git repository with everything committed.
fn repository() -> Test {
    let test = project();
    git(&test, &["init", "-q", "."]);
    commit(&test);
    test
}

/// Commits everything in the project.
fn commit(test: &Test) {
    git(test, &["add", "-A"]);
    git(test, &["commit", "-q", "--allow-empty", "-m", "x"]);
}

/// `publish reports/t --as-of AS_OF --published PUBLISHED`.
fn publish(test: &Test, as_of: &str, published: &str) -> Run {
    test.run_with(&[
        "publish",
        "reports/t",
        "--as-of",
        as_of,
        "--published",
        published,
    ])
}

/// Every file of an edition with its bytes, sorted by name.
fn edition(test: &Test, as_of: &str) -> Vec<(String, Vec<u8>)> {
    let dir = test.path().join("reports/t/editions").join(as_of);
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .expect("edition folder")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

// Publishing on two days gives two editions, each with its files and an
// edition.toml; the report lists them newest first; a later data
// correction changes the report but not a byte of either edition, and
// `build --check` still passes on the editions.
#[test]
fn two_editions_stay_as_published() {
    let test = repository();
    publish(&test, "2024-11-05", "2024-11-06").code(0).stdout(
        "reports/t/editions/2024-11-05: published\nreports/t: written (it lists the new edition)\n",
    );
    commit(&test);
    publish(&test, "2025-03-07", "2025-03-08").code(0);
    commit(&test);
    let first = edition(&test, "2024-11-05");
    let second = edition(&test, "2025-03-07");
    let names: Vec<&str> = first.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["README.md", "edition.toml", "timeline-troops.svg"]);
    let record = String::from_utf8_lossy(&first[1].1).into_owned();
    assert!(record.contains("as_of = \"2024-11-05\"\npublished = \"2024-11-06\"\ncommit = \""));
    let readme = String::from_utf8_lossy(&second[0].1).into_owned();
    // Links from the edition's folder: out of the report two levels up,
    // to the earlier edition through the report's folder.
    assert!(readme.contains("# Troops: edition 2025-03-07"), "{readme}");
    assert!(readme.contains("[Data](../../../../data)"), "{readme}");
    assert!(
        readme
            .contains("- [2024-11-05](../../editions/2024-11-05/README.md), published 2024-11-06")
    );
    let report = String::from_utf8_lossy(&test.read("reports/t/README.md")).into_owned();
    assert!(report.ends_with(
        "## Editions\n\nPublished editions of this report, newest first:\n\n\
         - [2025-03-07](editions/2025-03-07/README.md), published 2025-03-08\n\
         - [2024-11-05](editions/2024-11-05/README.md), published 2024-11-06\n"
    ));
    // A correction: the report changes, the editions do not.
    let corrected = CLAIMS.replace(
        "c1,troops,2024-10-15,ua,exact,10000",
        "c1,troops,2024-10-15,ua,exact,9000",
    );
    fs::write(test.path().join("data/claims.csv"), corrected).expect("write");
    test.run_with(&["build"])
        .code(0)
        .stdout("reports/t: written\n");
    assert_eq!(edition(&test, "2024-11-05"), first);
    assert_eq!(edition(&test, "2025-03-07"), second);
    test.run_with(&["build", "--check"]).code(0);
}

// One byte of an edition edited, a file removed, a file added: `build
// --check` exits 1 naming each.
#[test]
fn check_names_edited_missing_and_added_files() {
    let test = repository();
    publish(&test, "2024-11-05", "2024-11-06").code(0);
    test.run_with(&["build", "--check"]).code(0);
    let dir = test.path().join("reports/t/editions/2024-11-05");
    let mut readme = fs::read(dir.join("README.md")).expect("read");
    readme[3] ^= 1;
    fs::write(dir.join("README.md"), readme).expect("write");
    test.run_with(&["build", "--check"])
        .code(1)
        .stdout("reports/t: differs\n")
        .stderr(
            "reports/t/editions/2024-11-05/README.md: edited since it was published (its SHA-256 \
         differs from edition.toml)\n",
        );
    fs::remove_file(dir.join("timeline-troops.svg")).expect("remove");
    fs::write(dir.join("notes.txt"), "x").expect("write");
    test.run_with(&["build", "--check"]).code(1).stderr(
        "reports/t/editions/2024-11-05/README.md: edited since it was published (its SHA-256 \
         differs from edition.toml)\n\
         reports/t/editions/2024-11-05/notes.txt: added after the edition was published (not \
         in edition.toml)\n\
         reports/t/editions/2024-11-05/timeline-troops.svg: missing (published in this \
         edition, listed in edition.toml)\n",
    );
}

// `publish --verify` rebuilds each edition from its commit, identical;
// after an edition file is edited it fails naming that file.
#[test]
fn verify_rebuilds_from_the_commit() {
    let test = repository();
    publish(&test, "2024-11-05", "2024-11-06").code(0);
    commit(&test);
    publish(&test, "2025-03-07", "2025-03-08").code(0);
    commit(&test);
    // Later data changes do not matter: each edition is rebuilt from its commit.
    fs::write(
        test.path().join("data/claims.csv"),
        CLAIMS.replace("11000", "12000"),
    )
    .expect("write");
    commit(&test);
    test.run_with(&["publish", "--verify", "reports/t"])
        .code(0)
        .stdout(
            "reports/t/editions/2024-11-05: rebuilt identical\n\
         reports/t/editions/2025-03-07: rebuilt identical\n",
        );
    let svg = test
        .path()
        .join("reports/t/editions/2025-03-07/timeline-troops.svg");
    let edited =
        String::from_utf8_lossy(&fs::read(&svg).expect("read")).replace("Troops", "Tr00ps");
    fs::write(&svg, edited).expect("write");
    test.run_with(&["publish", "--verify", "reports/t"])
        .code(1)
        .stdout(
            "reports/t/editions/2024-11-05: rebuilt identical\n\
             reports/t/editions/2025-03-07: differs\n",
        )
        .stderr(&format!(
            "reports/t/editions/2025-03-07/timeline-troops.svg: differs from the edition rebuilt \
             at commit {}\n",
            record_commit(&test, "2025-03-07")
        ));
}

/// The first 12 characters of the commit an edition records.
fn record_commit(test: &Test, as_of: &str) -> String {
    let record =
        String::from_utf8_lossy(&test.read(&format!("reports/t/editions/{as_of}/edition.toml")))
            .into_owned();
    let line = record
        .lines()
        .find(|l| l.starts_with("commit = "))
        .expect("commit");
    line.trim_start_matches("commit = \"")
        .chars()
        .take(12)
        .collect()
}

// Uncommitted data: the edition is published with a warning and records
// no commit; `publish --verify` says it cannot be rebuilt. Outside git, the
// same warning's sibling.
#[test]
fn dirty_tree_warns_and_records_no_commit() {
    let test = repository();
    fs::write(
        test.path().join("data/claims.csv"),
        CLAIMS.replace("11000", "12000"),
    )
    .expect("write");
    publish(&test, "2024-11-05", "2024-11-06").code(0).stderr(
        "warning: the data or notebook have uncommitted changes (data/claims.csv): the edition \
         records no commit, so `publish --verify` cannot rebuild it; commit them and publish \
         again to record one\n",
    );
    let record = String::from_utf8_lossy(&test.read("reports/t/editions/2024-11-05/edition.toml"))
        .into_owned();
    assert!(!record.contains("commit ="), "{record}");
    assert!(record.contains("published = \"2024-11-06\"\n\n[files]\n"));
    test.run_with(&["publish", "--verify", "reports/t"])
        .code(1)
        .stderr(
            "reports/t/editions/2024-11-05/edition.toml: records no commit (published from \
         uncommitted data or notebook), so it cannot be rebuilt\n",
        );
    let outside = project();
    publish(&outside, "2024-11-05", "2024-11-06")
        .code(0)
        .stderr(
            "warning: not in a git repository: the edition records no commit, so `publish \
         --verify` cannot rebuild it\n",
        );
}

// A changes table with no `since` in a report with editions reads since
// the latest edition before the report's day; the first edition says
// there is none to compare with.
#[test]
fn changes_since_the_latest_edition() {
    let test = repository();
    publish(&test, "2024-11-05", "2024-11-06").code(0);
    let first =
        String::from_utf8_lossy(&test.read("reports/t/editions/2024-11-05/README.md")).into_owned();
    assert!(
        first.contains("\n*The first edition: there is no earlier edition to compare with.*\n"),
        "{first}"
    );
    let report = String::from_utf8_lossy(&test.read("reports/t/README.md")).into_owned();
    let table = report
        .lines()
        .skip_while(|l| !l.starts_with("| Quantity"))
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        table,
        "| Quantity | New claims | Revisions (old → new claim) | Range on 2024-11-05 | Range on \
         2025-03-05 | Consensus on 2024-11-05 | Consensus on 2025-03-05 | Bounds on 2024-11-05 \
         | Bounds on 2025-03-05 |\n\
         | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n\
         | Troops in Kursk | `c3` Ukraine: 11,000 | Ukraine: 10,000 → 11,000 (`c1` → `c3`) | \
         10,000 | 10,000–11,000 | none: a single estimate | none: a single estimate | at \
         least 10,000 (1 floor) | at least 10,000 (1 floor) |"
    );
    // Publishing again on a day already published, or an earlier one, is refused.
    publish(&test, "2024-11-05", "2024-11-07").code(2);
    publish(&test, "2024-11-01", "2024-11-07").code(2).stderr(
        "error: an edition as of 2024-11-05 is already published: editions are published in \
         order, each after the last (publish --as-of a later day)\n",
    );
}

// A file dropped into editions/ is no edition: `build --check` names it.
#[test]
fn stray_file_in_editions() {
    let test = repository();
    publish(&test, "2024-11-05", "2024-11-06").code(0);
    fs::write(test.path().join("reports/t/editions/notes.md"), "x").expect("write");
    test.run_with(&["build", "--check"]).code(1).stderr(
        "reports/t/editions/notes.md: not an edition (only edition folders belong in \
         editions/)\n",
    );
}
