//! A pull request's files are an outsider's (issue 11): links planted at
//! temporary names, report files and folders that are links out of the
//! project, FIFOs and links to `/dev/zero` where data, notebooks or reports
//! are read. None of them may make a build write outside its report folder,
//! read without end, or hang.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::run_within;
use crate::harness::Test;

/// The report folder inside the test folder.
const DIR: &str = "reports/k";

/// What an attacker's target holds before the build.
const PRECIOUS: &str = "precious: must never be overwritten\n";

/// A hang is anything over this (a build of the seed data takes
/// milliseconds; a FIFO read or a read of `/dev/zero` never ends).
const LIMIT: Duration = Duration::from_secs(20);

/// Seed data and a notebook with an inline value and one chart.
fn fixture() -> Test {
    Test::new().seed_data().file(
        &format!("{DIR}/brief.md"),
        "+++\ntitle = \"K\"\n+++\n\n{{ range kp_troops_kursk }}\n\n```rangefinder\n\
         chart = \"timeline\"\nmetric = \"kp_troops_kursk\"\n```\n",
    )
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// True when `path` is a symbolic link.
fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

// Links planted at every temporary name an earlier version used, for pids
// 1 to 4096 and for the very pid the build runs as (a shell plants them
// with `$$`, then `exec`s the build, which keeps the pid), lead nowhere:
// the outside file is untouched, the README is a file of its own, and the
// build removes every planted link.
#[test]
fn planted_temporary_links_are_never_written_through() {
    let test = fixture();
    let outside = tempfile::tempdir().expect("outside folder");
    let target = outside.path().join("victim.txt");
    fs::write(&target, PRECIOUS).expect("write victim");
    let dir = test.path().join(DIR);
    let files = ["README.md", "timeline-kp_troops_kursk.svg"];
    for pid in 1..=4096 {
        for file in files {
            symlink(&target, dir.join(format!(".{file}.tmp-{pid}"))).expect("plant link");
        }
    }
    let plant: Vec<String> = files
        .iter()
        .map(|f| format!("ln -sf \"$1\" '{DIR}/.{f}.tmp-'$$"))
        .collect();
    let script = format!("{} && exec \"$0\" build", plant.join(" && "));
    let status = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_rangefinder"))
        .arg(&target)
        .current_dir(test.path())
        .status()
        .expect("run the build from a shell");
    assert!(status.success(), "{status}");
    assert_eq!(fs::read_to_string(&target).expect("victim"), PRECIOUS);
    for file in files {
        assert!(!is_link(&dir.join(file)), "{file} is a link");
    }
    let readme = String::from_utf8(test.read(&format!("{DIR}/README.md"))).expect("UTF-8");
    assert!(readme.contains("8,000–11,000"), "{readme}");
    assert_eq!(
        names(&dir),
        ["README.md", "brief.md", "timeline-kp_troops_kursk.svg"]
    );
}

// A report file that is a link to a file outside is replaced by the file;
// the outside file keeps its bytes. `--check` first names the link.
#[test]
fn report_file_links_are_replaced_not_followed() {
    let test = fixture();
    let outside = tempfile::tempdir().expect("outside folder");
    let target = outside.path().join("victim.md");
    fs::write(&target, PRECIOUS).expect("write victim");
    let readme = test.path().join(DIR).join("README.md");
    symlink(&target, &readme).expect("plant link");
    let check = run_within(test.path(), &["build", "--check"], LIMIT);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check.stderr.contains(&format!(
            "{DIR}/README.md: is a symbolic link (build would replace it with the file)"
        )),
        "{}",
        check.stderr
    );
    let build = run_within(test.path(), &["build"], LIMIT);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(!is_link(&readme));
    assert_eq!(fs::read_to_string(&target).expect("victim"), PRECIOUS);
    assert_eq!(
        run_within(test.path(), &["build", "--check"], LIMIT).code,
        0
    );
}

// A report folder that is a link out of the project is refused before
// anything is written or removed: the outside folder keeps its chart.
#[test]
fn report_folder_linked_outside_is_refused() {
    let test = Test::new().seed_data();
    let outside = tempfile::tempdir().expect("outside folder");
    fs::write(outside.path().join("precious.svg"), PRECIOUS).expect("write svg");
    fs::write(
        outside.path().join("brief.md"),
        "+++\ntitle = \"K\"\n+++\n{{ range kp_troops_kursk }}\n",
    )
    .expect("write notebook");
    fs::create_dir(test.path().join("reports")).expect("reports");
    symlink(outside.path(), test.path().join(DIR)).expect("link folder");
    for args in [&["build"][..], &["build", "--check"]] {
        let run = run_within(test.path(), args, LIMIT);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .starts_with(&format!("error: {DIR}: is a symbolic link;")),
            "{}",
            run.stderr
        );
    }
    assert_eq!(names(outside.path()), ["brief.md", "precious.svg"]);
    // A link that stays inside the project is refused too (issue 25: a
    // pull request replaced reports/ by a link into data/), and so is
    // reports/ itself as a link; nothing is written through either.
    fs::remove_file(test.path().join(DIR)).expect("unlink");
    let inside = test.path().join("elsewhere");
    fs::create_dir(&inside).expect("inside folder");
    fs::copy(outside.path().join("brief.md"), inside.join("brief.md")).expect("copy");
    symlink(&inside, test.path().join(DIR)).expect("link folder");
    for args in [&["build"][..], &["build", "--check"]] {
        let run = run_within(test.path(), args, LIMIT);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stderr,
            format!(
                "error: {DIR}: is a symbolic link; the reports folder and each report folder \
                 must be folders of the project (replace the link with a folder)\n"
            )
        );
    }
    assert_eq!(names(&inside), ["brief.md"]);
    fs::remove_file(test.path().join(DIR)).expect("unlink");
    fs::rename(&inside, test.path().join("data/reports")).expect("move");
    fs::create_dir(test.path().join("data/reports/k")).expect("report");
    fs::rename(
        test.path().join("data/reports/brief.md"),
        test.path().join("data/reports/k/brief.md"),
    )
    .expect("move notebook");
    fs::remove_dir(test.path().join("reports")).expect("rmdir");
    symlink("data/reports", test.path().join("reports")).expect("link reports");
    let run = run_within(test.path(), &["build", "--check"], LIMIT);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: reports: is a symbolic link;"),
        "{}",
        run.stderr
    );
    fs::remove_file(test.path().join("reports")).expect("unlink");
    fs::create_dir_all(test.path().join(DIR)).expect("report folder");
    fs::copy(
        test.path().join("data/reports/k/brief.md"),
        test.path().join(DIR).join("brief.md"),
    )
    .expect("copy");
    fs::remove_dir_all(test.path().join("data/reports")).expect("rm");
    let run = run_within(test.path(), &["build"], LIMIT);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The project is the root found from any folder, not the current one.
    let run = run_within(&test.path().join("data"), &["build", "--check"], LIMIT);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Makes a FIFO at `path`.
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

// Data files that are a link to /dev/zero or a FIFO are refused at once,
// by `check`, `build` and `build --check`, each with a line saying why.
#[test]
fn special_data_files_are_refused() {
    for special in ["zero", "fifo"] {
        let test = fixture();
        let claims = test.path().join("data/claims.csv");
        fs::remove_file(&claims).expect("remove claims");
        let kind = match special {
            "zero" => {
                symlink("/dev/zero", &claims).expect("link");
                "a device"
            }
            _ => {
                mkfifo(&claims);
                "a FIFO"
            }
        };
        let line = format!(
            "data/claims.csv: is {kind}, not a regular file (only plain files are read; \
             replace it with one)"
        );
        for args in [&["check"][..], &["build"], &["build", "--check"]] {
            let run = run_within(test.path(), args, LIMIT);
            assert_eq!(run.code, 1, "{special} {args:?}: {}", run.stderr);
            assert!(
                run.stderr.lines().any(|l| l.starts_with(&line)),
                "{special} {args:?}: {}",
                run.stderr
            );
        }
    }
}

// A README that is a FIFO is refused before anything is written; a chart
// that is a link to /dev/zero is never read, and a build replaces it.
#[test]
fn special_report_files_are_refused_or_replaced() {
    let test = fixture();
    let dir = test.path().join(DIR);
    let chart = dir.join("timeline-kp_troops_kursk.svg");
    mkfifo(&dir.join("README.md"));
    symlink("/dev/zero", &chart).expect("link");
    for args in [&["build"][..], &["build", "--check"]] {
        let run = run_within(test.path(), args, LIMIT);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stderr,
            format!(
                "error: {DIR}/README.md: is a FIFO, where the build writes a report file \
                 (remove it and build again)\n"
            ),
            "{args:?}"
        );
    }
    assert!(is_link(&chart), "the chart was replaced by a failed build");
    fs::remove_file(dir.join("README.md")).expect("remove FIFO");
    let run = run_within(test.path(), &["build"], LIMIT);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!is_link(&chart));
    assert!(
        test.read(&format!("{DIR}/timeline-kp_troops_kursk.svg"))
            .starts_with(b"<!-- Generated by rangefinder")
    );
}

// A notebook that is a link to /dev/zero, a FIFO, or over the size limit is
// refused with a line saying why, and nothing is written.
#[test]
fn special_notebooks_are_refused() {
    let test = Test::new().seed_data();
    let dir = test.path().join(DIR);
    fs::create_dir_all(&dir).expect("report folder");
    let notebook = dir.join("brief.md");
    symlink("/dev/zero", &notebook).expect("link");
    let run = run_within(test.path(), &["build", "reports/k/brief.md"], LIMIT);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: reading reports/k/brief.md: is a device, not a regular file (only plain files \
         are read; replace it with one)\n"
    );
    fs::remove_file(&notebook).expect("unlink");
    mkfifo(&notebook);
    let run = run_within(test.path(), &["build", "reports/k/brief.md"], LIMIT);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is a FIFO"), "{}", run.stderr);
    fs::remove_file(&notebook).expect("unlink");
    let big = format!("+++\ntitle = \"K\"\n+++\n{}", "x".repeat(17 << 20));
    fs::write(&notebook, big).expect("big notebook");
    let run = run_within(test.path(), &["build"], LIMIT);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: reading reports/k/brief.md: is 17,825,812 bytes, over the limit of \
         16,777,216 bytes\n"
    );
    assert_eq!(names(&dir), ["brief.md"]);
}

// `build brief.md --data ../../data` inside the report folder builds it
// (the folder was the empty path: `listing : No such file or directory`)
// and leaves no lock file behind.
#[test]
fn build_inside_the_report_folder() {
    let test = fixture();
    let dir = test.path().join(DIR);
    let run = run_within(&dir, &["build", "brief.md", "--data", "../../data"], LIMIT);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        names(&dir),
        ["README.md", "brief.md", "timeline-kp_troops_kursk.svg"]
    );
}

// An empty caption writes no caption (it was a literal `**`), and a
// document at an IPv6 host stays a working link (it was `%5B::1%5D`).
#[test]
fn empty_caption_and_ipv6_links() {
    let claims = crate::harness::repo().join("data/claims.csv");
    let claims = fs::read_to_string(claims).expect("claims");
    let claims = claims.replacen(
        "http://m.ariseright.com/north-korean-troops-in-russia-shelled-by-ukrainians-official",
        "http://[::1]/briefing",
        1,
    );
    let test = Test::new()
        .seed_data()
        .file("data/claims.csv", claims)
        .file(
            &format!("{DIR}/brief.md"),
            "+++\ntitle = \"K\"\n+++\n\n```rangefinder\ntable = \"claims\"\n\
         metrics = [\"kp_troops_kursk\"]\ncaption = \" \"\n```\n",
        );
    let run = run_within(test.path(), &["build"], LIMIT);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let readme = String::from_utf8(test.read(&format!("{DIR}/README.md"))).expect("UTF-8");
    assert!(!readme.contains("**"), "{readme}");
    assert!(readme.contains("(http://[::1]/briefing)"), "{readme}");
}

// An SVG an author put in the report folder (no generator mark) survives
// `build` and is not reported by `--check`; a chart the build generated
// and no longer produces is still removed.
#[test]
fn authors_svgs_are_never_touched() {
    let test = fixture();
    let dir = test.path().join(DIR);
    let map = "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>Map of Kursk</title></svg>\n";
    fs::write(dir.join("map-of-kursk.svg"), map).expect("author's SVG");
    let run = run_within(test.path(), &["build"], LIMIT);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let generated = dir.join("timeline-kp_troops_kursk.svg");
    fs::rename(&generated, dir.join("timeline-old.svg")).expect("rename chart");
    let run = run_within(test.path(), &["build", "--check"], LIMIT);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "{DIR}/timeline-kp_troops_kursk.svg: missing (build would write it)\n\
             {DIR}/timeline-old.svg: no longer produced (build would remove it)\n"
        )
    );
    let run = run_within(test.path(), &["build"], LIMIT);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        names(&dir),
        [
            "README.md",
            "brief.md",
            "map-of-kursk.svg",
            "timeline-kp_troops_kursk.svg"
        ]
    );
    assert_eq!(
        test.read(&format!("{DIR}/map-of-kursk.svg")),
        map.as_bytes()
    );
    assert_eq!(
        run_within(test.path(), &["build", "--check"], LIMIT).code,
        0
    );
}
