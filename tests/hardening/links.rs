//! Documents become links only when they are `http`/`https` URLs, and a
//! URL cannot break out of its link: each case with its exact cell in the
//! `sources` table of a built report.

use std::time::Duration;

use super::{csv_line, run_within};
use crate::harness::Test;

/// Each case: a claim's document, and exactly how its table cell reads.
const DOCUMENTS: [(&str, &str); 15] = [
    (
        "https://x/\"onmouseover=alert(1)",
        "[x](https://x/%22onmouseover=alert%281%29)",
    ),
    ("https://ex.org/a)b(c", "[ex.org](https://ex.org/a%29b%28c)"),
    ("https://ex.org/a b", "https\\://ex.org/a b"),
    (
        "https://ex.org/<script>",
        "[ex.org](https://ex.org/%3Cscript%3E)",
    ),
    (
        "https://ex.org/[x](javascript:1)",
        "[ex.org](https://ex.org/%5Bx%5D%28javascript:1%29)",
    ),
    ("JaVaScRiPt:alert(1)", "JaVaScRiPt:alert(1)"),
    ("  javascript:alert(1)", "javascript:alert(1)"),
    (
        "data:text/html;base64,PHNjcmlwdD4=",
        "data:text/html;base64,PHNjcmlwdD4=",
    ),
    ("<https://ex.org>", "&lt;https\\://ex.org&gt;"),
    ("ftp://ex.org/f", "ftp\\://ex.org/f"),
    ("https://ex.org/\u{202E}x", "https\\://ex.org/x"),
    ("mailto:a@b.example", "mailto:a<!-- -->@b.example"),
    (
        "https://user:pw@evil.example@good.example/p",
        "[good.example](https://user:pw@evil.example@good.example/p)",
    ),
    (
        "HTTPS://www.Reuters.com/world",
        "[Reuters.com](HTTPS://www.Reuters.com/world)",
    ),
    ("www.ex.org/page", "www\\.ex.org/page"),
];

// Each document reads exactly as expected in the claims and sources
// tables: a link only from a web URL, its target unable to end early.
#[test]
fn documents_link_only_web_urls() {
    let mut claims = csv_line(&[
        "id",
        "metric",
        "claimed",
        "source",
        "qualifier",
        "value",
        "document",
        "quote",
    ]);
    for (i, (document, _)) in DOCUMENTS.iter().enumerate() {
        let id = format!("d{:02}", i + 1);
        claims.push_str(&csv_line(&[
            &id,
            "m",
            "2024-11-04",
            "s",
            "exact",
            "5",
            document,
            "q",
        ]));
    }
    let test = Test::new()
        .file("data/metrics.csv", "id,label,unit\nm,M,troops\n")
        .file("data/sources.csv", "id,name,affiliation\ns,S,Ukraine\n")
        .file("data/claims.csv", claims)
        .file(
            "reports/l/brief.md",
            "+++\ntitle = \"Links\"\n+++\n\n```rangefinder\ntable = \"claims\"\nmetric = \"m\"\n```\n\n\
             ```rangefinder\ntable = \"sources\"\n```\n",
        );
    let run = run_within(test.path(), &["build"], Duration::from_secs(30));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let readme = String::from_utf8(test.read("reports/l/README.md")).expect("utf-8");
    let lines: Vec<&str> = readme.lines().collect();
    for (i, (document, expected)) in DOCUMENTS.iter().enumerate() {
        let n = i + 1;
        // One claim of the source is current (the last by id), the others
        // superseded.
        let status = if n == DOCUMENTS.len() {
            "current | 0"
        } else {
            "superseded | "
        };
        let claims = format!(
            "| `d{n:02}` | 2024-11-04 | S (F) | exact | 5 | 5 | {status} | {expected} |  |  |"
        );
        let sources = format!(
            "| `d{n:02}` | `m` | 5 | 2024-11-04 | S | Ukraine | F | “q” |  | {expected} |  |"
        );
        for row in [claims, sources] {
            assert!(
                lines.contains(&row.as_str()),
                "{document:?}: {row}\n{readme}"
            );
        }
    }
}
