//! `diff`'s errors, by their exact text: outside a git repository, an
//! unknown revision, a revision without the data folder, a version whose
//! data fail `check`.

use super::{commit, git, seeded};
use crate::harness::Test;

// Outside any repository: exit 2, quoting git.
#[test]
fn outside_a_repository() {
    let test = Test::new().seed_data();
    test.run_with(&["diff"]).code(2).stdout("").stderr(
        "error: diff compares versions in git, and data is not in a git repository \
         (git: fatal: not a git repository (or any of the parent directories): .git)\n",
    );
}

// A revision git does not know: exit 2, naming it and quoting git; a
// revision that looks like an option is refused before git sees it.
#[test]
fn unknown_revision() {
    let test = seeded();
    test.run_with(&["diff", "nope"])
        .code(2)
        .stdout("")
        .stderr("error: unknown revision \"nope\" (git: fatal: Needed a single revision)\n");
    test.run_with(&["diff", "HEAD", "--", "--output=x"])
        .code(2)
        .stderr("error: \"--output=x\" is not a revision (a revision does not start with -)\n");
}

// A revision without data/: exit 2, naming the revision and the folder.
#[test]
fn revision_without_data() {
    let test = Test::new().file("README.md", "project\n");
    git(&test, &["init", "-q"]);
    commit(&test, "start");
    let test = test.seed_data();
    commit(&test, "data");
    test.run_with(&["diff", "HEAD~1"])
        .code(2)
        .stdout("")
        .stderr(
            "error: revision HEAD~1 has no data folder data/ (nothing to compare; check --data)\n",
        );
}

// A version whose data fail check: exit 1, naming the version and listing
// its problems with the file as REV:path (or the working tree's path).
#[test]
fn version_that_fails_check() {
    let test = seeded();
    let claims = String::from_utf8(test.read("data/claims.csv")).unwrap_or_default();
    let bad = claims.replacen(",up_to,8000,", ",about,8000,", 1);
    assert_ne!(bad, claims);
    std::fs::write(test.path().join("data/claims.csv"), bad).expect("write claims");
    let expected = |name: &str, file: &str| {
        format!(
            "error: the data in {name} fail check (1 error); diff compares valid versions only\n\
             {file}:2: qualifier: unknown value \"about\" (expected exact, approx, at_least, up_to, range)\n"
        )
    };
    test.run_with(&["diff"])
        .code(1)
        .stdout("")
        .stderr(&expected("the working tree", "data/claims.csv"));
    commit(&test, "a bad qualifier");
    test.run_with(&["diff", "HEAD~1", "HEAD"])
        .code(1)
        .stdout("")
        .stderr(&expected("HEAD", "HEAD:data/claims.csv"));
}
