//! `diff` in a temporary git repository: the seed data committed, then one
//! claim's value changed, one claim removed and one claim by a new source
//! added. The working-tree diff and the committed diff agree, name exactly
//! those claims, and show each version's figures exactly as `show` does.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

mod errors;
mod hostile;
mod planted;

use crate::harness::{Test, copy_dir, golden, repo};

/// Runs git in the test folder as a fixed author at a fixed time (a clean
/// CI machine has no git identity); returns its stdout, trimmed.
fn git(test: &Test, args: &[&str]) -> String {
    let output = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(test.path())
        .env("GIT_AUTHOR_NAME", "Analyst")
        .env("GIT_AUTHOR_EMAIL", "analyst@example.org")
        .env("GIT_COMMITTER_NAME", "Analyst")
        .env("GIT_COMMITTER_EMAIL", "analyst@example.org")
        .env("GIT_AUTHOR_DATE", "2025-03-10T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2025-03-10T12:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// `text` with the commits of HEAD~1 and HEAD (full and short) written as
/// BEFORE and AFTER: the hashes change whenever the seed data or the
/// shipped report do, and the golden files should not.
fn unhashed(test: &Test, text: &str) -> String {
    let mut text = text.to_owned();
    for (rev, name) in [("HEAD~1", "BEFORE"), ("HEAD", "AFTER")] {
        let full = git(test, &["rev-parse", rev]);
        text = text.replace(&full, name).replace(&full[..7], name);
    }
    text
}

/// Commits everything in the folder.
fn commit(test: &Test, message: &str) {
    git(test, &["add", "-A"]);
    git(test, &["commit", "-q", "-m", message]);
}

/// A repository holding the seed data and the shipped report, built.
fn seeded() -> Test {
    let test = Test::new().seed_data();
    copy_dir(
        &repo().join("reports/nk-troops"),
        &test.path().join("reports/nk-troops"),
    );
    test.run_with(&["build", "-q"]).code(0);
    git(&test, &["init", "-q"]);
    commit(&test, "seed data");
    test
}

/// The test change: budanov_first_group_2024_10's value 2,600 → 3,000,
/// western_russia_2024_10_15 removed, nis_kursk_2025_03_06 added by a new
/// source (kr_nis); then the reports are rebuilt.
fn change(test: &Test) {
    let path = test.path().join("data/claims.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut writer = csv::Writer::from_path(test.path().join("claims.new")).unwrap();
    writer.write_record(&headers).unwrap();
    for record in reader.records() {
        let mut row: Vec<String> = record.unwrap().iter().map(str::to_owned).collect();
        match row[0].as_str() {
            "western_russia_2024_10_15" => continue,
            "budanov_first_group_2024_10" => row[column("value")] = "3000".into(),
            _ => {}
        }
        writer.write_record(&row).unwrap();
    }
    let mut added = vec![String::new(); headers.len()];
    for (name, value) in [
        ("id", "nis_kursk_2025_03_06"),
        ("metric", "kp_troops_kursk"),
        ("claimed", "2025-03-06"),
        ("source", "kr_nis"),
        ("qualifier", "approx"),
        ("value", "12000"),
        ("document", "https://example.org/nis-briefing"),
        ("outlet", "Example News"),
        ("quote", "about 12,000 North Korean troops in Kursk"),
    ] {
        added[column(name)] = value.into();
    }
    writer.write_record(&added).unwrap();
    writer.flush().unwrap();
    drop(writer);
    std::fs::rename(test.path().join("claims.new"), &path).unwrap();
    let mut sources = String::from_utf8(test.read("data/sources.csv")).unwrap();
    sources.push_str(
        "kr_nis,National Intelligence Service (South Korea),South Korea,intelligence,B,,NIS,\n",
    );
    std::fs::write(test.path().join("data/sources.csv"), sources).unwrap();
    test.run_with(&["build", "-q"]).code(0);
}

/// The metrics whose figures `show` gives differently before and after.
const CHANGED: [&str; 3] = [
    "kp_first_group_kursk",
    "kp_troops_kursk",
    "kp_troops_russia",
];

/// `show METRIC --format json` in the test folder, parsed.
fn show(test: &Test, metric: &str) -> Value {
    let run = test.run_with(&["show", metric, "--format", "json"]).code(0);
    serde_json::from_str(&run.stdout).unwrap()
}

/// `diff ARGS --format json`, parsed.
fn diff_json(test: &Test, args: &[&str]) -> Value {
    let mut line = vec!["diff"];
    line.extend(args);
    line.extend(["--format", "json"]);
    let run = test.run_with(&line).code(0).stderr("");
    serde_json::from_str(&run.stdout).unwrap()
}

/// The ids a diff lists under `key` over every metric.
fn ids(json: &Value, key: &str) -> BTreeSet<String> {
    json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m[key].as_array().unwrap().clone())
        .map(|c| {
            let c = if key == "edited" { &c["after"] } else { &c };
            c["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

// The working-tree diff and the committed diff agree; they list exactly
// the three claims changed, only the changed metrics, each version's
// figures as `show --format json` gives them; the Markdown comment is a
// golden file.
#[test]
fn diff_of_a_data_change() {
    let test = seeded();
    let before: Vec<Value> = CHANGED.iter().map(|m| show(&test, m)).collect();
    change(&test);
    let after: Vec<Value> = CHANGED.iter().map(|m| show(&test, m)).collect();

    let working = diff_json(&test, &[]);
    let text = test.run_with(&["diff"]).code(0).stdout;
    commit(&test, "one claim edited, one removed, one added");
    let committed = diff_json(&test, &["HEAD~1", "HEAD"]);
    let text_committed = test.run_with(&["diff", "HEAD~1", "HEAD"]).code(0).stdout;

    for key in ["metrics", "claims", "sources", "summary", "charts"] {
        assert_eq!(working[key], committed[key], "{key} differs");
    }
    let body = |t: &str| t.split_once('\n').unwrap().1.to_owned();
    assert_eq!(body(&text), body(&text_committed));
    assert_eq!(
        committed["summary"],
        "3 metrics changed: 1 claim added, 1 edited, 1 removed"
    );

    let one = |id: &str| BTreeSet::from([id.to_owned()]);
    assert_eq!(ids(&committed, "added"), one("nis_kursk_2025_03_06"));
    assert_eq!(ids(&committed, "removed"), one("western_russia_2024_10_15"));
    assert_eq!(
        ids(&committed, "edited"),
        one("budanov_first_group_2024_10")
    );
    assert_eq!(committed["sources"]["added"], serde_json::json!(["kr_nis"]));

    let metrics = committed["metrics"].as_array().unwrap();
    let listed: Vec<&str> = metrics
        .iter()
        .map(|m| m["metric"].as_str().unwrap())
        .collect();
    assert_eq!(listed, CHANGED, "only the changed metrics, sorted");
    for (i, m) in metrics.iter().enumerate() {
        assert_eq!(m["before"], before[i], "{}: before", listed[i]);
        assert_eq!(m["after"], after[i], "{}: after", listed[i]);
        assert_eq!(m["status"], "changed");
    }
    let edit = &metrics[0]["edited"][0]["fields"];
    assert_eq!(
        edit,
        &serde_json::json!([{"field": "value", "before": "2,600", "after": "3,000"}])
    );

    // --all lists every metric, the unchanged ones as such.
    let all = diff_json(&test, &["HEAD~1", "HEAD", "--all"]);
    let all = all["metrics"].as_array().unwrap();
    assert_eq!(all.len(), 8);
    assert_eq!(all.iter().filter(|m| m["status"] == "unchanged").count(), 5);

    let markdown = test
        .run_with(&[
            "diff",
            "HEAD~1",
            "HEAD",
            "--format",
            "markdown",
            "--image-url",
            "https://github.com/OWNER/REPO/raw/{rev}/{path}",
        ])
        .code(0)
        .stderr("")
        .stdout;
    golden(
        "diff/pull-request.md",
        unhashed(&test, &markdown).as_bytes(),
    );
    let listed = test
        .run_with(&["diff", "HEAD~1", "HEAD", "--format", "markdown"])
        .code(0)
        .stdout;
    golden(
        "diff/pull-request-no-images.md",
        unhashed(&test, &listed).as_bytes(),
    );
    golden(
        "diff/terminal.txt",
        unhashed(&test, &text_committed).as_bytes(),
    );
}

// Nothing changed: the one-line summary and nothing else.
#[test]
fn diff_of_nothing() {
    let test = seeded();
    let head = git(&test, &["rev-parse", "--short=7", "HEAD"]);
    test.run_with(&["diff"]).code(0).stderr("").stdout(&format!(
        "HEAD ({head}) → working tree: no metric changed: no claim changed\n"
    ));
}

// A claim that became stale moved the figures without any claim changing:
// the diff says which (here metrics.csv gains `stale_after` = 30 for troops
// in Russia, as of 2025-03-07 every current claim there is older, and the
// figures have no live claim left).
#[test]
fn diff_names_claims_that_became_stale() {
    let test = seeded();
    let metrics = std::fs::read_to_string(test.path().join("data/metrics.csv")).unwrap();
    let mut lines: Vec<String> = metrics.lines().map(str::to_owned).collect();
    lines[0].push_str(",stale_after");
    for line in &mut lines[1..] {
        let days = if line.starts_with("kp_troops_russia,") {
            "30"
        } else {
            ""
        };
        line.push(',');
        line.push_str(days);
    }
    std::fs::write(
        test.path().join("data/metrics.csv"),
        lines.join("\n") + "\n",
    )
    .unwrap();
    let run = test.run_with(&["diff", "--format", "text"]).code(0);
    assert!(
        run.stdout.contains(
            "moved ua_hur: current claim hur_russia_2024_10_24 approx 12,000 on 2024-10-24 \
             became stale (it no longer counts)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("metric edited") || run.stdout.contains("stale_after"),
        "{}",
        run.stdout
    );
}

// DESIGN v3's columns are compared like the others: a claim given a
// refers_to (the seed's North Korean denial, said to describe September) is
// an edit of that field, and the figures it moves are shown.
#[test]
fn diff_compares_refers_to() {
    let test = seeded();
    let path = test.path().join("data/claims.csv");
    let claims = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = claims.lines().map(str::to_owned).collect();
    lines[0].push_str(",refers_to");
    for line in &mut lines[1..] {
        line.push(',');
        if line.starts_with("kp_denial_2024_10,") {
            line.push_str("2024-09");
        }
    }
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let run = test.run_with(&["diff", "--format", "text"]).code(0);
    assert!(
        run.stdout.contains(
            "  edited kp_denial_2024_10 (kp_government): refers_to set to 2024-09\n  \
             kp_denial_2024_10 moved no figure (its source's current claim, stated as before)\n"
        ),
        "{}",
        run.stdout
    );
}
