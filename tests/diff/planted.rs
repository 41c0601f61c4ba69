//! Issue 25: a pull request that commits a bare git repository as plain
//! files inside `data/` (`HEAD`, `config`, `index`, `objects/`, `refs/`)
//! must not make `diff`'s git read that repository's configuration. Two
//! variants: a `core.fsmonitor` program (run by plain `diff`, which reads
//! the working tree) and a partial-clone setting with a `core.sshCommand`
//! (run by `diff main HEAD --format markdown`, the CI comment step, when a
//! blob is missing). Each program only touches a marker file; the marker
//! must never appear, and `diff` either refuses with a clear message or
//! compares the real revisions.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{change, commit, git, seeded};
use crate::harness::Test;

/// Which setting of the planted repository runs the PR's program.
#[derive(Clone, Copy, Debug)]
enum Variant {
    /// `core.fsmonitor = <program>`: run when git reads the working tree.
    Fsmonitor,
    /// `extensions.partialClone` with a promisor remote over ssh and
    /// `core.sshCommand = <program>`, the claims blob missing: run when git
    /// lazily fetches the blob.
    PartialClone,
}

/// Runs git on the planted repository in `data/` (its own git directory
/// and work tree, its fsmonitor off) as the tests' `git` runs git; stdout.
fn planted_git(test: &Test, args: &[&str]) -> String {
    let planted = [
        "--git-dir",
        "data",
        "--work-tree",
        "data",
        "-c",
        "core.fsmonitor=false",
    ];
    git(test, &[&planted[..], args].concat())
}

/// Sets `key` in the planted repository's `data/config`.
fn set(test: &Test, key: &str, value: &str) {
    planted_git(test, &["config", "--file", "data/config", key, value]);
}

/// The seeded project on a branch `pr` whose one commit changes three
/// claims (as `change` does) and plants a bare repository in `data/`
/// holding the seed data as its `main` and `HEAD`, configured to run a
/// program that creates the returned marker file. With `link_reports`,
/// `reports/` becomes a link to `data/reports` (as in the issue, so that
/// the planted repository's work tree holds the charts too).
fn planted(variant: Variant, link_reports: bool) -> (Test, PathBuf) {
    let test = seeded();
    git(&test, &["checkout", "-q", "-b", "pr"]);
    // The change first: its build would now stop at the planted repository
    // (check refuses one in data/, see below).
    change(&test);
    let marker = test.path().join("MARKER-program-ran");
    let program = test.path().join("data/run.sh");
    std::fs::write(
        &program,
        format!("#!/bin/sh\ntouch '{}'\nexit 1\n", marker.display()),
    )
    .expect("write the program");
    make_executable(&program);
    // `git init --bare` in the existing folder: HEAD, config, objects/,
    // refs/ beside the CSVs; objects/ and refs/ get a file each so that a
    // checkout of the commit has them.
    let init = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "init",
            "-q",
            "--bare",
            "data",
        ])
        .current_dir(test.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("git init");
    assert!(init.success());
    planted_git(&test, &["add", "claims.csv", "sources.csv", "metrics.csv"]);
    planted_git(&test, &["commit", "-q", "-m", "the seed data, as main"]);
    std::fs::write(test.path().join("data/refs/keep"), "").expect("keep refs");
    set(&test, "core.bare", "false");
    set(&test, "core.worktree", ".");
    let program = program.display().to_string();
    match variant {
        Variant::Fsmonitor => set(&test, "core.fsmonitor", &program),
        Variant::PartialClone => {
            set(&test, "core.repositoryformatversion", "1");
            set(&test, "extensions.partialClone", "origin");
            set(&test, "remote.origin.url", "ssh://example.invalid/x");
            set(&test, "remote.origin.promisor", "true");
            set(&test, "core.sshCommand", &program);
            // The claims blob is removed: reading it makes git fetch it.
            let blob = planted_git(&test, &["rev-parse", "HEAD:claims.csv"]);
            let loose = test
                .path()
                .join("data/objects")
                .join(&blob[..2])
                .join(&blob[2..]);
            std::fs::remove_file(loose).expect("remove the claims blob");
        }
    }
    std::fs::write(test.path().join("data/objects/keep"), "").expect("keep objects");
    if link_reports {
        std::fs::rename(
            test.path().join("reports"),
            test.path().join("data/reports"),
        )
        .expect("move reports");
        std::os::unix::fs::symlink("data/reports", test.path().join("reports"))
            .expect("link reports");
    }
    commit(&test, "three claims changed, a repository planted in data/");
    assert!(!marker.exists(), "the set-up itself ran the program");
    (test, marker)
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .expect("make executable");
}

/// The two runs of the issue: plain `diff`, and the CI comment step.
fn runs(test: &Test) -> [crate::harness::Run; 2] {
    [
        test.run_with(&["diff"]),
        test.run_with(&["diff", "main", "HEAD", "--format", "markdown"]),
    ]
}

/// The comparison of the real revisions: the value edit `change` makes.
fn assert_real_comparison(run: &crate::harness::Run) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("3 metrics changed")
            && run.stdout.contains("budanov")
            && run.stdout.contains("2,600 → 3,000"),
        "not the real revisions:\n{}",
        run.stdout
    );
}

// The attack, both variants (the fsmonitor program plain `diff`
// ran, and the partial clone's sshCommand the CI comment step ran), with
// reports/ linked into data/: no program runs, and diff refuses the linked
// reports folder by name.
#[test]
fn planted_programs_never_run() {
    for variant in [Variant::Fsmonitor, Variant::PartialClone] {
        let (test, marker) = planted(variant, true);
        for run in runs(&test) {
            assert!(
                !marker.exists(),
                "{variant:?}: the planted program ran: {}",
                run.stderr
            );
            assert_eq!(run.code, 2, "{variant:?}: {}{}", run.stdout, run.stderr);
            assert!(
                run.stderr.contains("reports is a symbolic link"),
                "{}",
                run.stderr
            );
        }
    }
}

// The planted repository without the link: git is the project's own, so
// no program runs and `main` and `HEAD` are the real branches — the
// comment (which reads only the revisions' CSVs) shows the real change,
// not the planted repository's "no metric changed"; plain diff reads the
// working tree, whose data folder fails check.
#[test]
fn planted_repository_does_not_decide_the_revisions() {
    for variant in [Variant::Fsmonitor, Variant::PartialClone] {
        let (test, marker) = planted(variant, false);
        let [plain, comment] = runs(&test);
        assert!(!marker.exists(), "a planted program ran");
        // The working tree's data fail check: a git repository in data/ is
        // an error of its own (tests/hardening/attack.rs), so plain diff
        // refuses, naming it.
        assert_eq!(plain.code, 1, "{}", plain.stderr);
        assert!(
            plain.stderr.contains(
                "data/HEAD: a git repository inside the data folder (git commands run there"
            ),
            "{}",
            plain.stderr
        );
        let head = git(&test, &["rev-parse", "--short=7", "HEAD"]);
        assert_real_comparison(&comment);
        let main = git(&test, &["rev-parse", "--short=7", "main"]);
        assert!(
            comment
                .stdout
                .contains(&format!("main ({main}) → HEAD ({head})")),
            "{}",
            comment.stdout
        );
        assert!(!marker.exists(), "a planted program ran");
    }
}

// Nothing in the caller's environment steers diff's git to the planted
// repository or runs a program: GIT_DIR, GIT_WORK_TREE, GIT_SSH_COMMAND
// and a GIT_CONFIG_* fsmonitor are dropped (with a token beside them).
#[test]
fn caller_environment_does_not_steer_git() {
    let (test, marker) = planted(Variant::PartialClone, false);
    let data = test.path().join("data");
    let program = data.join("run.sh");
    let output = Command::new(env!("CARGO_BIN_EXE_rangefinder"))
        .args(["diff", "main", "HEAD", "--format", "markdown"])
        .current_dir(test.path())
        .env("GIT_DIR", &data)
        .env("GIT_WORK_TREE", &data)
        .env("GIT_SSH_COMMAND", &program)
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "core.fsmonitor")
        .env("GIT_CONFIG_VALUE_0", &program)
        .env("GH_TOKEN", "secret")
        .output()
        .expect("run rangefinder");
    let run = crate::harness::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!marker.exists(), "a program ran");
    assert_real_comparison(&run);
}

// The folder checks refuse only links and folders outside the project: the
// CSVs at the repository's top (`--data .`) are still compared.
#[test]
fn data_at_the_top_is_compared() {
    let test = Test::new().seed_data();
    for name in ["claims.csv", "sources.csv", "metrics.csv"] {
        std::fs::rename(test.path().join("data").join(name), test.path().join(name))
            .expect("move a CSV up");
    }
    std::fs::remove_dir_all(test.path().join("data")).expect("remove data/");
    git(&test, &["init", "-q"]);
    commit(&test, "the data at the top");
    let claims = std::fs::read_to_string(test.path().join("claims.csv")).expect("claims");
    let edited = claims.replacen(",up_to,8000,", ",up_to,9000,", 1);
    assert_ne!(edited, claims);
    std::fs::write(test.path().join("claims.csv"), edited).expect("write claims");
    let run = test.run_with(&["diff", "--data", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("value 8,000 → 9,000"), "{}", run.stdout);
}
