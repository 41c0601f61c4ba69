//! `rangefinder init`: a new project that checks and builds as written,
//! and a second init that refuses, changing nothing; the CI workflows it
//! writes keep the pull request's files away from any write permission.

mod workflow;

use crate::harness::Test;

/// The files init writes, as it lists them.
const CREATED: &str = "\
created data/claims.csv
created data/sources.csv
created data/metrics.csv
created reports/example/brief.md
created .github/workflows/rangefinder.yml
created .github/workflows/rangefinder-comment.yml
created README.md
";

// init in an empty folder gives a project whose data validate and whose
// report builds and is then current; a second init exits 1 naming every
// file it would overwrite, and changes no file.
#[test]
fn init_then_check_build_and_refuse() {
    let test = Test::new();
    let run = test.run_with(&["init"]).code(0);
    assert_eq!(
        run.stdout,
        format!(
            "{CREATED}next: rangefinder build, then replace the example rows in data/ with \
             your own and set RANGEFINDER_GIT and RANGEFINDER_COMMIT in \
             .github/workflows/rangefinder.yml\n"
        )
    );
    test.run_with(&["check"])
        .code(0)
        .stdout("ok: 1 claim, 1 source, 1 metric, 0 warnings\n")
        .stderr("");
    test.run_with(&["build"])
        .code(0)
        .stdout("reports/example: written\n")
        .stderr("");
    test.run_with(&["build", "--check"])
        .code(0)
        .stdout("reports/example: unchanged\n")
        .stderr("");
    let readme = String::from_utf8_lossy(&test.read("reports/example/README.md")).into_owned();
    assert!(readme.contains("![Timeline of every claim"), "{readme}");
    assert!(readme.contains("ministry_2025_01_10"), "{readme}");
    assert!(!readme.contains("{{"), "{readme}");
    let workflow =
        String::from_utf8_lossy(&test.read(".github/workflows/rangefinder.yml")).into_owned();
    assert!(workflow.contains("run: rangefinder check\n"));
    assert!(workflow.contains("run: rangefinder build --check\n"));

    let before = test.snapshot();
    test.run_with(&["init"]).code(1).stdout("").stderr(
        "error: init writes nothing: .github/workflows/rangefinder-comment.yml, \
         .github/workflows/rangefinder.yml, README.md, \
         data/claims.csv, data/metrics.csv, data/sources.csv, \
         reports/example/brief.md already exist (init only starts a new project)\n",
    );
    assert!(test.snapshot() == before, "a refused init changed a file");
}

// One file in the way is enough to refuse, and then nothing is written;
// init DIR makes the folder.
#[test]
fn init_refuses_any_existing_file() {
    let test = Test::new().file("p/README.md", "mine\n");
    test.run_with(&["init", "p"]).code(1).stdout("").stderr(
        "error: init writes nothing: p/README.md already exists (init only starts a new \
         project)\n",
    );
    assert_eq!(test.snapshot().len(), 1);
    assert_eq!(test.read("p/README.md"), b"mine\n");
    test.run_with(&["init", "q/new"]).code(0);
    test.run_in("q/new", &["check"]).code(0);
}

// A file name that is a dangling symbolic link is taken too: init never
// writes through it.
#[test]
fn init_refuses_a_symlink() {
    let test = Test::new();
    std::os::unix::fs::symlink(test.path().join("elsewhere"), test.path().join("README.md"))
        .expect("symlink");
    test.run_with(&["init"]).code(1).stderr(
        "error: init writes nothing: README.md already exists (init only starts a new \
         project)\n",
    );
    assert!(!test.path().join("elsewhere").exists());
    assert!(!test.path().join("data").exists());
}
