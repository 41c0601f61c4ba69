//! `formats = ["pdf"]` (cargo feature `pdf`): report.pdf typeset by Typst.
//! The seed report's PDF holds its headline figures and every claim its
//! tables cite (pdftotext), embeds every font (pdffonts), is the same bytes
//! on every build, and text from the data or notebook that is Typst code
//! (`#panic(…)`, `]`, `"`) is typeset as text, never run.
//!
//! The poppler tools are Debian's `poppler-utils`: without them the checks
//! that need them are skipped, saying so, except under CI (`CI` set).

use std::fs;
use std::process::Command;

use crate::harness::{Test, copy_dir, repo};

/// The seed data and the nk-troops notebook, asking for a PDF.
fn seed() -> Test {
    let notebook = fs::read_to_string(repo().join("reports/nk-troops/brief.md"))
        .expect("nk-troops notebook")
        .replace("formats = [\"html\"]", "formats = [\"pdf\"]");
    let test = Test::new().file("reports/nk-troops/brief.md", notebook);
    copy_dir(&repo().join("data"), &test.path().join("data"));
    test
}

/// The output of a poppler tool on `pdf` (pdftotext writes to `-`), or
/// `None` (said why) when the tool is missing outside CI.
fn poppler(tool: &str, pdf: &std::path::Path) -> Option<String> {
    let mut command = Command::new(tool);
    command.arg(pdf);
    if tool == "pdftotext" {
        command.arg("-");
    }
    match command.output() {
        Ok(output) => {
            assert!(
                output.status.success(),
                "{tool}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            Some(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Err(error) => {
            assert!(std::env::var_os("CI").is_none(), "{tool} under CI: {error}");
            println!("skipped: {tool} not found ({error}; apt-get install poppler-utils)");
            None
        }
    }
}

/// `text` without white space (and the zero-width spaces that let a claim
/// id wrap), so words a table cell wrapped still match.
fn squeezed(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200B}')
        .collect()
}

// The seed report as a PDF: the same bytes twice, its figures and claims
// in its text, every font embedded, dated by its as-of day.
#[test]
fn seed_report_pdf() {
    let (one, two) = (seed(), seed());
    one.run_with(&["build"]).code(0);
    two.run_with(&["build"]).code(0);
    let pdf = one.read("reports/nk-troops/report.pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(
        pdf,
        two.read("reports/nk-troops/report.pdf"),
        "two builds differ"
    );
    one.run_with(&["build", "--check"]).code(0);
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("D:20250307"),
        "the creation date is the as-of day"
    );
    let path = one.path().join("reports/nk-troops/report.pdf");
    let Some(text) = poppler("pdftotext", &path) else {
        return;
    };
    let text = squeezed(&text);
    let readme = String::from_utf8(one.read("reports/nk-troops/README.md")).expect("README");
    for figure in [
        "8,000–11,000",
        "10,000",
        "11,000",
        "2of3estimates",
        "0–12,000",
    ] {
        assert!(text.contains(figure), "{figure} is not in the PDF's text");
    }
    // Every claim id a table cites.
    let mut ids = 0;
    for line in readme.lines().filter(|l| l.starts_with('|')) {
        for id in line.split('`').skip(1).step_by(2) {
            ids += 1;
            assert!(
                text.contains(&squeezed(id)),
                "claim {id} is not in the PDF's text"
            );
        }
    }
    assert!(ids > 10, "{ids} claim ids");
    let fonts = poppler("pdffonts", &path).unwrap_or_default();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        assert!(row.contains("DejaVu"), "a font not shipped: {row}");
        assert!(
            row.split_whitespace().rev().nth(3) == Some("yes"),
            "not embedded: {row}"
        );
    }
}

// Typst code in the data and the notebook is text in the PDF.
#[test]
fn typst_code_in_text_is_inert() {
    let sources = fs::read_to_string(repo().join("data/sources.csv"))
        .expect("sources")
        .replacen("Volodymyr Zelensky", "Volodymyr #panic() ] [ Zelensky", 1);
    let test = seed()
        .file("data/sources.csv", sources)
        .file(
            "reports/nk-troops/brief.md",
            "+++\ntitle = \"#panic(\\\"title\\\") \\\\ ]\"\ndata = \"../../data\"\nformats = [\"pdf\"]\n+++\n\n\
             # {{ title }}\n\nProse #panic(\"prose\") ]#[ $x$ <b>bold</b> `#panic()` \
             {{ claim ua_president kp_troops_kursk }}\n\n```rangefinder\ntable = \"claims\"\n\
             metric = \"kp_troops_kursk\"\n```\n",
        );
    test.run_with(&["build"]).code(0);
    let path = test.path().join("reports/nk-troops/report.pdf");
    let Some(text) = poppler("pdftotext", &path) else {
        return;
    };
    for literal in [
        "#panic(\"title\")",
        "#panic(\"prose\") ]#[ $x$ <b>bold</b>",
        "Volodymyr #panic() ] [ Zelensky",
    ] {
        assert!(
            squeezed(&text).contains(&squeezed(literal)),
            "{literal} not in:\n{text}"
        );
    }
}

// A build that no longer asks for the PDF removes the one it wrote (and
// --check says it would), never a report.pdf an author put there.
#[test]
fn generated_pdf_only_is_removed() {
    let test = seed();
    test.run_with(&["build"]).code(0);
    let notebook = test.path().join("reports/nk-troops/brief.md");
    let text = fs::read_to_string(&notebook).expect("notebook");
    fs::write(&notebook, text.replace("formats = [\"pdf\"]\n", "")).expect("notebook");
    let run = test.run_with(&["build", "--check"]).code(1);
    assert!(
        run.stderr
            .contains("reports/nk-troops/report.pdf: no longer produced (build would remove it)\n"),
        "{}",
        run.stderr
    );
    test.run_with(&["build"]).code(0);
    let pdf = test.path().join("reports/nk-troops/report.pdf");
    assert!(!pdf.exists());
    fs::write(&pdf, "%PDF-1.4 an author's").expect("author's PDF");
    test.run_with(&["build"]).code(0);
    test.run_with(&["build", "--check"]).code(0);
    assert_eq!(
        test.read("reports/nk-troops/report.pdf"),
        b"%PDF-1.4 an author's"
    );
}
