//! The data, notebook and project findings of the third attack (issue 25),
//! each reproduced through the binary: a git repository planted in the data
//! folder, confusable affiliations, a flood of notebook errors, a claims
//! file that would take more memory than the process may have, a last line
//! of one quote, a blank line before the header, and a command run in a
//! folder with no project.

use std::process::Command;
use std::time::Duration;

use super::run_within;
use crate::harness::Test;

/// Every run here must end well before this.
const LIMIT: Duration = Duration::from_secs(120);

/// One metric `m`, two sources, one claim each.
fn base() -> Test {
    super::extreme::base().file(
        "data/claims.csv",
        "id,metric,claimed,source,qualifier,value,document,quote\n\
         a,m,2024-11-04,s,exact,5,d,q\nb,m,2024-11-04,t,exact,6,d,q\n",
    )
}

// A bare git repository committed as plain files in data/ (HEAD, config,
// objects/, refs/) is an error naming it, once; other stray files are a
// warning each, folders (copies of articles) are left alone.
#[test]
fn git_repository_in_data_folder() {
    let test = base()
        .file("data/HEAD", "ref: refs/heads/main\n")
        .file("data/config", "[core]\n\tfsmonitor = touch pwned\n")
        .file("data/objects/info/x", "")
        .file("data/refs/heads/x", "")
        .file("data/notes.txt", "mine")
        .file("data/seeds/article.txt", "text");
    let run = run_within(test.path(), &["check"], LIMIT);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "data/HEAD: a git repository inside the data folder (git commands run there, as \
         `rangefinder diff` does, would obey its config, which can run programs); remove it: \
         the data folder holds only claims.csv, sources.csv, metrics.csv and events.csv\n\
         data/notes.txt: warning: not a data file, never read (the data folder holds \
         claims.csv, sources.csv, metrics.csv and events.csv; move other files out of it)\n"
    );
    assert!(!test.path().join("pwned").exists());
    let run = run_within(test.path(), &["build", "--check"], LIMIT);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // A .git entry in data/ below the project's repository is one too (at
    // the repository's top, with the CSVs kept there, it is the project's
    // own: diff::planted::data_at_the_top_is_compared).
    let dotgit = base()
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file("data/.git", "gitdir: /tmp/elsewhere\n");
    let run = run_within(dotgit.path(), &["check"], LIMIT);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("data/.git: a git repository inside"),
        "{}",
        run.stderr
    );
}

// Ukraine, ukraine, Ukrаine (Cyrillic а) and Ukraine with a zero-width
// space counted as four affiliations with no word; each is now a warning
// saying how it differs.
#[test]
fn confusable_affiliations() {
    let test = base().file(
        "data/sources.csv",
        "id,name,affiliation\ns,S,Ukraine\nt,T,ukraine\nu,U,Ukr\u{430}ine\nv,V,Ukraine\u{200B}\n\
         w,W,United States\n",
    );
    let run = run_within(test.path(), &["check"], LIMIT);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("affiliation:"))
        .collect();
    assert_eq!(
        warnings,
        [
            "data/sources.csv:3: warning: affiliation: \"ukraine\" differs from \"Ukraine\" \
             (line 2) only in case: they count as two affiliations; write both the same way",
            "data/sources.csv:4: warning: affiliation: \"Ukr\u{430}ine\" differs from \
             \"Ukraine\" (line 2) only in look-alike letters (U+0430): they count as two \
             affiliations; write both the same way",
            "data/sources.csv:5: warning: affiliation: \"Ukraine\u{200B}\" holds an invisible \
             character (U+200B); retype it without",
        ]
    );
}

// A 16 MiB notebook of one bad inline value printed 210 MB of errors; the
// problems are now listed as a data file's are: the first 100 and a count.
#[test]
fn notebook_error_flood_is_capped() {
    let line = "{{ low nope }}\n";
    let body = line.repeat((16 << 20) / line.len() - 10);
    let count = (16 << 20) / line.len() - 10;
    let test = base().file(
        "reports/r/brief.md",
        format!("+++\ntitle = \"T\"\n+++\n{body}"),
    );
    let run = run_within(test.path(), &["build"], LIMIT);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        101,
        "{}",
        &run.stderr[..2000.min(run.stderr.len())]
    );
    assert_eq!(
        lines[0],
        "reports/r/brief.md:4: inline value `low`: unknown metric \"nope\" (known: m)"
    );
    assert_eq!(
        lines[100],
        format!(
            "reports/r/brief.md: … and {} more problems in this file (the first 100 are listed)",
            count - 100
        )
    );
    assert!(!test.path().join("reports/r/README.md").exists());
}

/// The address space the segments of the ELF binary at `path` take once
/// loaded (the sizes in memory of its PT_LOAD program headers), in MB.
fn loaded_mb(path: &std::path::Path) -> u64 {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let mut file = std::fs::File::open(path).expect("open the binary");
    let mut header = [0u8; 64];
    file.read_exact(&mut header).expect("ELF header");
    assert_eq!(&header[..5], b"\x7fELF\x02", "a 64-bit ELF binary");
    let u16_at = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as u64;
    let u64_at =
        |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"));
    let (offset, size, count) = (
        u64_at(&header, 0x20),
        u16_at(&header, 0x36),
        u16_at(&header, 0x38),
    );
    let mut table = vec![0u8; (size * count) as usize];
    file.seek(SeekFrom::Start(offset)).expect("program headers");
    file.read_exact(&mut table).expect("program headers");
    let loaded: u64 = table
        .chunks(size as usize)
        .filter(|h| u32::from_le_bytes([h[0], h[1], h[2], h[3]]) == 1)
        .map(|h| u64_at(h, 0x28))
        .sum();
    loaded >> 20
}

/// Runs the binary with `args` in `dir` under an address-space limit of
/// `megabytes` (`ulimit -v`, as `prlimit --as` sets it).
fn limited(dir: &std::path::Path, megabytes: u64, args: &str) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {}; exec \"$0\" {args}",
            megabytes * 1024
        ))
        .arg(env!("CARGO_BIN_EXE_rangefinder"))
        .current_dir(dir)
        .output()
        .expect("run sh")
}

// One short row repeated to 100 MB made `check` ask for three times the
// file at once and abort (exit 134) under a memory limit; it is now an
// error naming the file and the memory it needs (exit 1), while the same
// limit still checks a small dataset.
// The limit is the binary's own loaded size plus 632 MB: the 512 MB that
// `input::memory_room` keeps for threads, the 100 MB read, and 20 MB to
// spare. It was 700 MB, which left the read under 1 MB of room beside the
// debug binary of main, so the 1.5 MB comrak added (or the 85 MB of the
// `pdf` feature) made the read itself refused, before the check this test
// is about.
#[test]
fn repeated_row_bomb_under_a_memory_limit() {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_rangefinder"));
    let limit_mb = loaded_mb(binary) + 632;
    let row = "c,m,2024-11-04,s,exact,1,d,q\n";
    let mut claims = String::from("id,metric,claimed,source,qualifier,value,document,quote\n");
    claims.push_str(&row.repeat((100 << 20) / row.len()));
    let bomb = base().file("data/claims.csv", claims);
    let output = limited(bomb.path(), limit_mb, "check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("data/claims.csv: needs about ")
            && stderr.contains(" MB of memory to load, and this process has "),
        "{stderr}"
    );
    let small = base();
    let output = limited(small.path(), limit_mb, "check");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "ok: 2 claims, 2 sources, 1 metric, 0 warnings\n",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

// A last line holding only a quote is a cell that never closes (it was
// taken for a blank line: `ok`, exit 0); a blank line before the header
// puts header errors on the header's line, 2 (they were reported at 1).
#[test]
fn lone_quote_and_blank_line_before_header() {
    let test = base().file(
        "data/claims.csv",
        "id,metric,claimed,source,qualifier,value,document,quote\n\
         a,m,2024-11-04,s,exact,5,d,q\nb,m,2024-11-04,t,exact,6,d,q\n\"",
    );
    let run = run_within(test.path(), &["check"], LIMIT);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "data/claims.csv:4: id: quoted cell never closes (add the closing quote; write a quote \
         inside a quoted cell as \"\")\n"
    );
    let test = base().file(
        "data/sources.csv",
        "\nid,name,affiliaton\ns,S,Ukraine\nt,T,United States\n",
    );
    let run = run_within(test.path(), &["check"], LIMIT);
    assert_eq!(
        run.stderr,
        "data/sources.csv:2: affiliaton: unknown column (did you mean \"affiliation\"?)\n"
    );
}

// From a folder with no project, `check` once read ../../../data without
// a word: the search stops at the repository's top and at the home folder,
// and a project found above the current folder is named.
#[test]
fn root_search_stops_at_the_repository() {
    let test = base().file("repo/.git/HEAD", "x").file("repo/a/b/x", "");
    let run = super::run_within(&test.path().join("repo/a/b"), &["check"], LIMIT);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("data: folder not found"),
        "{}",
        run.stderr
    );
    let run = super::run_within(&test.path().join("repo/a/b"), &["show"], LIMIT);
    assert_eq!(run.code, 1);
    // HOME is a stop too.
    let home = test.path().join("home/stray");
    std::fs::create_dir_all(&home).expect("mkdir");
    let output = Command::new(env!("CARGO_BIN_EXE_rangefinder"))
        .arg("check")
        .current_dir(&home)
        .env("HOME", test.path().join("home"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    // Found above: said on stderr.
    let run = super::run_within(&test.path().join("repo/a"), &["check"], LIMIT);
    assert_eq!(run.code, 1);
    let from_data = super::run_within(&test.path().join("data"), &["check"], LIMIT);
    assert_eq!(from_data.stderr, "note: using the project in ..\n");
    assert_eq!(
        from_data.stdout,
        "ok: 2 claims, 2 sources, 1 metric, 0 warnings\n"
    );
}
