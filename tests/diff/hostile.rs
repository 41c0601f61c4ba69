//! Issue 25: what a pull request's text can do to `diff`'s output — escape
//! codes in the terminal listing, a comment over GitHub's 65,536-character
//! limit, mentions and issue references in the comment, and SVGs that
//! `build` never writes listed as changed charts.

use super::{commit, seeded};
use crate::harness::Test;

/// Rewrites data/claims.csv: `edit` gets each row (cells) and the index of
/// a column by name; `extra` rows are appended.
fn rewrite_claims(
    test: &Test,
    edit: impl Fn(&mut Vec<String>, &dyn Fn(&str) -> usize),
    extra: &[Vec<String>],
) {
    let path = test.path().join("data/claims.csv");
    let mut reader = csv::Reader::from_path(&path).expect("read claims");
    let headers = reader.headers().expect("header").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .expect("a claims column")
    };
    let mut writer = csv::Writer::from_path(test.path().join("claims.new")).expect("write");
    writer.write_record(&headers).expect("write header");
    for record in reader.records() {
        let mut row: Vec<String> = record.expect("a row").iter().map(str::to_owned).collect();
        edit(&mut row, &column);
        writer.write_record(&row).expect("write row");
    }
    for row in extra {
        writer.write_record(row).expect("write row");
    }
    writer.flush().expect("flush");
    drop(writer);
    std::fs::rename(test.path().join("claims.new"), &path).expect("replace claims");
}

/// A claim of troops in Kursk by the US State Department, with `notes`.
fn extra_claim(test: &Test, id: &str, notes: &str) -> Vec<String> {
    let path = test.path().join("data/claims.csv");
    let mut reader = csv::Reader::from_path(&path).expect("read claims");
    let headers = reader.headers().expect("header").clone();
    headers
        .iter()
        .map(|h| match h {
            "id" => id.to_owned(),
            "metric" => "kp_troops_kursk".to_owned(),
            "claimed" => "2023-01-02".to_owned(),
            "source" => "us_state".to_owned(),
            "qualifier" => "approx".to_owned(),
            "value" => "5000".to_owned(),
            "document" => "https://example.org/bulk".to_owned(),
            "notes" => notes.to_owned(),
            _ => String::new(),
        })
        .collect()
}

/// The characters that must not reach a terminal.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n') || ('\u{202A}'..='\u{202E}').contains(&c)
}

// A note, an outlet and a document holding escape codes (erase the line,
// carriage return, a fake "(unchanged)" line after a line break, a bidi
// override): the terminal listing holds no control character and no fake
// line, the value edit's line is intact; `show` is as clean.
#[test]
fn escape_codes_stay_visible_text() {
    let test = seeded();
    let fake = "\u{1b}[1A\u{1b}[2K\r  range      8,000–11,000 (unchanged)\n  evil";
    rewrite_claims(
        &test,
        |row, column| {
            if row[0] == "blinken_kursk_2024_10" {
                row[column("notes")] = fake.to_owned();
                row[column("outlet")] =
                    "Business\u{1b}]8;;https://evil.example\u{7}Insider\u{202E}".into();
                row[column("value")] = "9000".into();
            }
        },
        &[],
    );
    let run = test.run_with(&["diff"]).code(0);
    println!("{}", run.stdout);
    let bad: Vec<char> = run.stdout.chars().filter(|&c| hidden(c)).collect();
    assert!(
        bad.is_empty(),
        "control characters {bad:?} in:\n{}",
        run.stdout
    );
    assert!(
        !run.stdout.lines().any(|l| l.starts_with("  evil")),
        "a line of the note's own:\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("notes ")
            && run
                .stdout
                .contains("\\u{1b}[2K\\r  range      8,000–11,000 (unchanged)\\n  evil"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("value 8,000 → 9,000"), "{}", run.stdout);
    let show = test.run_with(&["show", "kp_troops_kursk"]).code(0);
    let bad: Vec<char> = show.stdout.chars().filter(|&c| hidden(c)).collect();
    assert!(
        bad.is_empty(),
        "control characters {bad:?} in:\n{}",
        show.stdout
    );
}

// 300 claims whose notes are edited: the comment stays under GitHub's
// 65,536 characters and ends saying how many edits it left out; the
// terminal listing and the JSON still list all 300.
#[test]
fn comment_is_capped() {
    let test = seeded();
    let notes = |i: usize, word: &str| format!("{word} note {i}: *_`|[]` ").repeat(8);
    let extra: Vec<Vec<String>> = (0..300)
        .map(|i| extra_claim(&test, &format!("bulk_{i:03}"), &notes(i, "first")))
        .collect();
    rewrite_claims(&test, |_, _| {}, &extra);
    commit(&test, "300 claims");
    rewrite_claims(
        &test,
        |row, column| {
            if let Some(i) = row[0].strip_prefix("bulk_") {
                let i: usize = i.parse().expect("a number");
                row[column("notes")] = notes(i, "second");
            }
        },
        &[],
    );
    commit(&test, "300 notes edited");
    let comment = test
        .run_with(&["diff", "HEAD~1", "HEAD", "--format", "markdown"])
        .code(0)
        .stdout;
    let chars = comment.chars().count();
    println!("comment: {chars} characters, {} bytes", comment.len());
    println!("{}", comment.lines().last().unwrap_or(""));
    assert!(chars < 65_536, "{chars} characters");
    let listed = comment.matches("\n- edited bulk\\_").count();
    assert!(listed > 0 && listed < 300, "{listed} edits listed");
    let tail = format!(
        "and {} more claims edited, {} more claims that moved no figure; run `rangefinder diff` \
         locally for everything.\n",
        300 - listed,
        300
    );
    assert!(
        comment.ends_with(&tail),
        "{}",
        &comment[comment.len() - 400..]
    );
    let text = test.run_with(&["diff", "HEAD~1", "HEAD"]).code(0).stdout;
    assert_eq!(text.matches("\n  edited bulk_").count(), 300);
}

// Mentions and issue references from the data reach the comment broken,
// as e-mail addresses are: no one is notified, no issue linked.
#[test]
fn mentions_are_broken() {
    let test = seeded();
    rewrite_claims(
        &test,
        |row, column| {
            if row[0] == "blinken_kursk_2024_10" {
                row[column("notes")] =
                    "thanks @octocat and @org/team, see org/repo#2, #12 and GH-7".into();
            }
        },
        &[],
    );
    let comment = test
        .run_with(&["diff", "--format", "markdown"])
        .code(0)
        .stdout;
    println!("{comment}");
    for live in ["@octocat", "@org/team", "#2", "#12", "GH-7"] {
        assert!(!comment.contains(live), "{live} in:\n{comment}");
    }
    assert!(
        comment.contains("@<!-- -->octocat and @<!-- -->org/team, see org/repo\\#<!-- -->2"),
        "{comment}"
    );
}

// Only charts `build` writes are listed: an SVG in a hidden folder, one in
// a folder with no notebook, and one in a report folder that no cell of its
// notebook names are not; a real chart that changed is.
#[test]
fn only_built_charts_are_listed() {
    let test = seeded();
    for planted in [
        "reports/.x/evil.svg",
        "reports/nobrief/evil.svg",
        "reports/nk-troops/evil.svg",
        "reports/nk-troops/.ranges-kp_troops_kursk.svg",
    ] {
        let path = test.path().join(planted);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
        std::fs::write(&path, "<svg>approved by @maintainer</svg>").expect("write");
    }
    // A real chart changes with the data.
    rewrite_claims(
        &test,
        |row, column| {
            if row[0] == "blinken_kursk_2024_10" {
                row[column("value")] = "9000".into();
            }
        },
        &[],
    );
    test.run_with(&["build", "-q"]).code(0);
    commit(&test, "a value and planted SVGs");
    let json = test
        .run_with(&["diff", "HEAD~1", "HEAD", "--format", "json"])
        .code(0)
        .stdout;
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let charts: Vec<&str> = json["charts"]
        .as_array()
        .expect("charts")
        .iter()
        .map(|c| c["path"].as_str().expect("path"))
        .collect();
    println!("{charts:?}");
    assert!(!charts.is_empty());
    for chart in &charts {
        assert!(
            chart.starts_with("reports/nk-troops/")
                && !chart.contains("evil")
                && !chart.contains("/."),
            "{chart} listed"
        );
    }
    let comment = test
        .run_with(&["diff", "HEAD~1", "HEAD", "--format", "markdown"])
        .code(0)
        .stdout;
    assert!(!comment.contains("evil"), "{comment}");
}
