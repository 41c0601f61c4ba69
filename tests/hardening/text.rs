//! Hostile text from the CSVs and the notebook's plain strings is shown as
//! text: one case per kind of attack, each with its exact escaped form in
//! prose (`{{ label M }}` at the start of a line), every table kind, and
//! the SVG charts (parsed: no element or attribute came from the data).

use std::time::Duration;

use super::{csv_line, run_within};
use crate::harness::Test;

/// Each case: what the data says, and exactly how the Markdown shows it.
const CASES: [(&str, &str); 15] = [
    (
        "a | b [x](javascript:alert(1)) `c`",
        "a \\| b \\[x\\](javascript:alert(1)) \\`c\\`",
    ),
    (
        "<img src=x onerror=alert(1)>",
        "&lt;img src=x onerror=alert(1)&gt;",
    ),
    ("Tom & \"Jerry\" 'x'", "Tom &amp; \"Jerry\" 'x'"),
    ("bell\u{7}nul\u{0}esc\u{1b}[0m", "bellnulesc\\[0m"),
    ("abc\u{202E}fed\u{2066}x\u{200F}", "abcfedx"),
    ("<javascript:alert(1)>", "&lt;javascript:alert(1)&gt;"),
    ("www.evil.example", "www\\.evil.example"),
    (
        "![img](https://evil.example/x.png)",
        "\\!\\[img\\](https\\://evil.example/x.png)",
    ),
    (
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    ),
    (
        "*bold* _it_ ~~gone~~ **x**",
        "\\*bold\\* \\_it\\_ \\~\\~gone\\~\\~ \\*\\*x\\*\\*",
    ),
    ("spy@evil.example", "spy<!-- -->@evil.example"),
    ("- item", "\\- item"),
    ("line one\nline two\r\nthree", "line one line two three"),
    ("# heading", "\\# heading"),
    ("see http://evil.example/p", "see http\\://evil.example/p"),
];

/// Case `i` (from 1) as metric `m<i>`, source `s<i>` and claim `c<i>`, all
/// text cells holding the case; metric `all` has a claim from every source
/// for the charts.
fn fixture() -> Test {
    let mut metrics = csv_line(&["id", "label", "unit"]);
    let mut sources = csv_line(&["id", "name", "affiliation"]);
    let header = [
        "id",
        "metric",
        "claimed",
        "source",
        "qualifier",
        "value",
        "document",
        "outlet",
        "quote",
    ];
    let mut claims = csv_line(&header);
    metrics.push_str(&csv_line(&["all", "All <b>cases</b>", "troops"]));
    for (i, (raw, _)) in CASES.iter().enumerate() {
        let n = i + 1;
        metrics.push_str(&csv_line(&[&format!("m{n}"), raw, raw]));
        sources.push_str(&csv_line(&[&format!("s{n}"), raw, raw]));
        let (m, s) = (format!("m{n}"), format!("s{n}"));
        claims.push_str(&csv_line(&[
            &format!("c{n}"),
            &m,
            "2024-11-10",
            &s,
            "exact",
            "5",
            raw,
            raw,
            raw,
        ]));
        let value = (1000 * n).to_string();
        claims.push_str(&csv_line(&[
            &format!("a{n}"),
            "all",
            "2024-11-10",
            &s,
            "exact",
            &value,
            raw,
            raw,
            raw,
        ]));
    }
    let ids: Vec<String> = (1..=CASES.len()).map(|n| format!("\"m{n}\"")).collect();
    let ids = ids.join(", ");
    let mut notebook = String::from(
        "+++\ntitle = \"Hostile <i>title</i> *x*\"\nsince = \"2024-11-01\"\n+++\n\n# {{ title }}\n\n",
    );
    for n in 1..=CASES.len() {
        notebook.push_str(&format!("{{{{ label m{n} }}}} ({n})\n\n"));
    }
    for kind in ["ranges", "claims", "changes", "agreement", "sources"] {
        notebook.push_str(&format!(
            "```rangefinder\ntable = \"{kind}\"\nmetrics = [{ids}]\n```\n\n"
        ));
    }
    for kind in ["timeline", "ranges", "agreement"] {
        notebook.push_str(&format!(
            "```rangefinder\nchart = \"{kind}\"\nmetric = \"all\"\ncaption = \"<b>cap</b> |x|\"\n```\n\n"
        ));
    }
    Test::new()
        .file("data/metrics.csv", metrics)
        .file("data/sources.csv", sources)
        .file("data/claims.csv", claims)
        .file("reports/h/brief.md", notebook)
}

/// Builds the fixture and returns it with its README.
fn built() -> (Test, String) {
    let test = fixture();
    let run = run_within(test.path(), &["build"], Duration::from_secs(60));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let readme = String::from_utf8(test.read("reports/h/README.md")).expect("utf-8");
    (test, readme)
}

// Every case shows exactly its escaped form in prose and in each of the
// five table kinds; the notebook's title and captions are escaped too.
#[test]
fn hostile_text_in_markdown() {
    let (_, readme) = built();
    let lines: Vec<&str> = readme.lines().collect();
    let has = |line: &str| lines.contains(&line);
    assert!(has("# Hostile &lt;i&gt;title&lt;/i&gt; \\*x\\*"));
    assert!(has("*&lt;b&gt;cap&lt;/b&gt; \\|x\\|*"));
    for (i, (raw, esc)) in CASES.iter().enumerate() {
        let n = i + 1;
        let case = format!("case {n} {raw:?}");
        // Prose: the inline value begins its line.
        assert!(has(&format!("{esc} ({n})")), "{case}: prose");
        // ranges
        assert!(
            has(&format!(
                "| {esc} | 5 | 5 | none | a single estimate, 5 | none | 1 | 1 |"
            )),
            "{case}: ranges"
        );
        // claims (several metrics: a Quantity column first)
        assert!(
            has(&format!(
                "| {esc} | `c{n}` | 2024-11-10 | {esc} (F) | exact | 5 | 5 | current | 0 | {esc} | \
                 {esc} |  |"
            )),
            "{case}: claims"
        );
        // changes
        assert!(
            has(&format!(
                "| {esc} | `c{n}` {esc}: 5 |  | n/a | 5 | none | none: a single estimate | none | none |"
            )),
            "{case}: changes"
        );
        // agreement: the metric heading, the column header and the row
        assert!(has(&format!("**{esc}**")), "{case}: agreement heading");
        assert!(
            has(&format!("| Source (claim) | {esc} |")),
            "{case}: agreement header"
        );
        assert!(
            has(&format!("| {esc} (`c{n}`) | — |")),
            "{case}: agreement row"
        );
        // sources
        assert!(
            has(&format!(
                "| `c{n}` | `m{n}` | 5 | 2024-11-10 | {esc} | {esc} | F | “{esc}” | {esc} | {esc} |  |"
            )),
            "{case}: sources"
        );
    }
    // Nothing from the data survives as live HTML, a link or an image.
    for live in ["<img", "<b>", "<i>", "<javascript", "<script"] {
        assert!(!readme.contains(live), "{live} in the README");
    }
    // The only links are the charts' images: every `](` not escaped opens
    // one of their file names.
    let targets: Vec<&str> = readme
        .match_indices("](")
        .filter(|(at, _)| !readme[..*at].ends_with('\\'))
        .map(|(at, _)| readme[at + 2..].split(')').next().unwrap_or(""))
        .collect();
    assert_eq!(
        targets,
        ["timeline-all.svg", "ranges-all.svg", "agreement-all.svg"]
    );
    for hidden in [
        '\u{0}', '\u{7}', '\u{1b}', '\u{202E}', '\u{2066}', '\u{200F}', '\r',
    ] {
        assert!(!readme.contains(hidden), "{hidden:?} in the README");
    }
}

/// Elements plotters and the finishing pass write (which draws each
/// `<text>` as a `<g>` of `<use>`s of glyph `<path>`s in `<defs>`); anything
/// else came from somewhere it should not.
const ELEMENTS: [&str; 13] = [
    "svg", "title", "desc", "rect", "text", "line", "polyline", "polygon", "circle", "g", "defs",
    "path", "use",
];
/// Attributes they write.
const ATTRIBUTES: [&str; 27] = [
    "id",
    "d",
    "href",
    "width",
    "height",
    "viewBox",
    "role",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "dy",
    "cx",
    "cy",
    "r",
    "fill",
    "stroke",
    "stroke-width",
    "opacity",
    "points",
    "font-family",
    "font-size",
    "text-anchor",
    "transform",
    "xmlns",
];

// Each chart parses as XML; every element and attribute is one the chart
// code writes, no attribute holds data text, and the hostile strings are
// there as text (after XML decoding, exactly as in the CSV, minus controls).
#[test]
fn hostile_text_in_svg() {
    let (test, _) = built();
    for kind in ["timeline", "ranges", "agreement"] {
        let name = format!("reports/h/{kind}-all.svg");
        let text = String::from_utf8(test.read(&name)).expect("utf-8");
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut texts = String::new();
        for node in doc.descendants() {
            if node.is_text() {
                texts.push_str(node.text().unwrap_or(""));
                texts.push('\n');
            }
            if !node.is_element() {
                continue;
            }
            let tag = node.tag_name().name();
            assert!(ELEMENTS.contains(&tag), "{name}: element <{tag}>");
            for attribute in node.attributes() {
                let key = attribute.name();
                let allowed = ATTRIBUTES.contains(&key);
                assert!(allowed, "{name}: attribute {key} on <{tag}>");
                let value = attribute.value().to_ascii_lowercase();
                if key == "href" {
                    assert!(value.starts_with("#g"), "{name}: href=\"{value}\"");
                }
                for word in ["javascript", "onerror", "evil", "script", "url("] {
                    assert!(!value.contains(word), "{name}: {key}=\"{value}\"");
                }
            }
        }
        assert!(
            texts.contains("<img src=x onerror=alert(1)>"),
            "{name}: {texts}"
        );
        assert!(texts.contains("Tom & \"Jerry\" 'x'"), "{name}");
        assert!(texts.contains("All <b>cases</b>"), "{name}");
        assert!(
            !texts.contains('\u{7}') && !texts.contains('\u{0}'),
            "{name}"
        );
        // A bidi override is shown as its code point, never applied.
        assert!(
            texts.contains("abc[U+202E]fed[U+2066]x[U+200F]"),
            "{name}: {texts}"
        );
    }
}
