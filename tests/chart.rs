//! `rangefinder chart`: golden SVGs of every kind on the seed data (byte
//! compared, identical across runs), the same SVGs rendered to pixels with
//! resvg and the shipped font (plot not blank, at least two sources' markers
//! drawn), and hostile CSV text drawn escaped.

use std::path::PathBuf;

use crate::harness::{Test, golden, repo};

/// The chart kinds.
const KINDS: [&str; 3] = ["timeline", "ranges", "agreement"];
/// Seed metrics with several sources.
const METRICS: [&str; 2] = ["kp_troops_kursk", "kp_troops_russia"];

/// Okabe–Ito colours the charts give sources (yellow excluded: it is the
/// ninth-and-later fallback and too light to count on).
const PALETTE: [(u8, u8, u8); 7] = [
    (0x00, 0x72, 0xB2),
    (0xD5, 0x5E, 0x00),
    (0x00, 0x9E, 0x73),
    (0xCC, 0x79, 0xA7),
    (0xE6, 0x9F, 0x00),
    (0x56, 0xB4, 0xE9),
    (0x00, 0x00, 0x00),
];

/// Runs `rangefinder chart KIND METRIC` on a fresh copy of `fixture` and
/// returns the SVG it wrote.
fn chart(fixture: fn() -> Test, kind: &str, metric: &str) -> Vec<u8> {
    let test = fixture().args(["chart", kind, metric, "-o", "out.svg"]);
    let run = test.run().code(0);
    assert_eq!(run.stdout, "", "chart prints nothing");
    test.read("out.svg")
}

/// The shipped seed data.
fn seed() -> Test {
    Test::new().seed_data()
}

// Every kind on the seed metrics matches its golden file, and a second run
// writes the same bytes.
#[test]
fn seed_goldens() {
    for metric in METRICS {
        for kind in KINDS {
            let first = chart(seed, kind, metric);
            let second = chart(seed, kind, metric);
            assert!(first == second, "{kind} {metric}: two runs differ");
            golden(&format!("chart/{kind}-{metric}.svg"), &first);
        }
    }
}

/// The golden SVG files.
fn golden_files() -> Vec<PathBuf> {
    let dir = repo().join("tests/cases/chart");
    let mut files = Vec::new();
    for metric in METRICS {
        for kind in KINDS {
            files.push(dir.join(format!("{kind}-{metric}.svg")));
        }
    }
    files
}

/// Renders an SVG to RGBA pixels with resvg and the shipped font only.
fn pixels(svg: &[u8]) -> resvg::tiny_skia::Pixmap {
    let font = std::fs::read(repo().join("assets/fonts/DejaVuSans.ttf")).expect("shipped font");
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_font_data(font);
    let tree = resvg::usvg::Tree::from_data(svg, &options).expect("resvg parses the SVG");
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).expect("pixmap size");
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
}

// Each golden SVG, drawn by resvg with the shipped font: the plot area (below
// the heading) is not blank and markers of at least two sources show, found
// as solid pixels of two different Okabe–Ito colours. With CHART_PREVIEW set,
// the PNGs are written there for a person to look at.
#[test]
fn goldens_draw_pixels() {
    let preview = std::env::var_os("CHART_PREVIEW").map(PathBuf::from);
    for path in golden_files() {
        let svg = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let pixmap = pixels(&svg);
        let (width, height) = (pixmap.width() as usize, pixmap.height() as usize);
        let data = pixmap.data();
        let at = |x: usize, y: usize| {
            let i = (y * width + x) * 4;
            (data[i], data[i + 1], data[i + 2])
        };
        let mut inked = 0;
        let mut found = [0usize; PALETTE.len()];
        for y in 70..height {
            for x in 0..width {
                let pixel = at(x, y);
                if pixel != (255, 255, 255) {
                    inked += 1;
                }
                if let Some(i) = PALETTE.iter().position(|c| *c == pixel) {
                    found[i] += 1;
                }
            }
        }
        let name = path.display();
        assert!(
            inked > width * height / 50,
            "{name}: plot nearly blank ({inked} inked pixels)"
        );
        let colours = found.iter().filter(|n| **n >= 12).count();
        assert!(
            colours >= 2,
            "{name}: markers of fewer than two sources ({found:?})"
        );
        if let Some(dir) = &preview {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            pixmap
                .save_png(dir.join(format!("{stem}.png")))
                .expect("write preview PNG");
        }
    }
}

/// CSV fixtures whose source names and metric label carry markup, quotes,
/// ampersands and right-to-left text.
fn hostile() -> Test {
    Test::new()
        .file(
            "data/metrics.csv",
            "id,label,unit\nm,\"Troops <b>bold</b> & \"\"more\"\"\",troops\n",
        )
        .file(
            "data/sources.csv",
            "id,name,affiliation\n\
             a,<script>alert('x')</script>,A\n\
             b,\"Tom & Jerry \"\"quoted\"\" 'single'\",B\n\
             c,وزارة الدفاع,C\n\
             d,משרד הביטחון,D\n\
             e,evil\u{202E}txt.exe,E\n",
        )
        .file(
            "data/claims.csv",
            "id,metric,claimed,source,qualifier,value,low,high,document,quote\n\
             c1,m,2024-10-21/2024-10-31,a,up_to,8000,,,doc,q\n\
             c2,m,2024-11-04,b,at_least,10000,,,doc,q\n\
             c3,m,2024-11-13,c,approx,11000,,,doc,q\n\
             c4,m,2024-12,d,range,,10000,12000,doc,q\n\
             c5,m,2024-12-16,e,exact,0,,,doc,q\n",
        )
}

// Hostile names and labels: every chart parses as XML, has no <script>
// element, shows the text itself, and makes the bidi override visible.
#[test]
fn hostile_text_escaped() {
    for kind in KINDS {
        let svg = String::from_utf8(chart(hostile, kind, "m")).expect("UTF-8 SVG");
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(
            !doc.descendants().any(|n| n.has_tag_name("script")),
            "{kind}: <script>"
        );
        assert!(
            !doc.descendants().any(|n| n.has_tag_name("b")),
            "{kind}: <b>"
        );
        assert!(!svg.contains('\u{202E}'), "{kind}: raw U+202E");
        let text: String = doc.descendants().filter_map(|n| n.text()).collect();
        for needle in [
            "Troops <b>bold</b> & \"more\"",
            "<script>alert('x')",
            "Tom & Jerry \"quoted\" 'single'",
            "وزارة الدفاع",
            "משרד הביטחון",
            "evil[U+202E]txt.exe",
        ] {
            assert!(text.contains(needle), "{kind}: {needle} not shown");
        }
    }
}

/// sources.csv of the identity fixture: five sources, five affiliations.
const SOURCES: &str = "id,name,affiliation,short\n\
    ua,Ukraine defence intelligence,Ukraine,Ukraine HUR\n\
    us,Pentagon press secretary,United States,Pentagon\n\
    kr,South Korea intelligence service,South Korea,NIS\n\
    kp,North Korea foreign ministry,North Korea,DPRK\n\
    uk,UK defence ministry,United Kingdom,UK MoD\n";

/// claims.csv of the identity fixture: every qualifier, 40,000–43,000.
const CLAIMS: &str = "id,metric,claimed,source,qualifier,value,low,high,document,quote\n\
    c1,m,2024-10-01,ua,exact,41000,,,doc,q\n\
    c2,m,2024-10-05,us,approx,42000,,,doc,q\n\
    c3,m,2024-10-10,kr,range,,40000,43000,doc,q\n\
    c4,m,2024-10-12,kp,at_least,40500,,,doc,q\n\
    c5,m,2024-10-20,uk,up_to,43000,,,doc,q\n\
    c6,m,2024-10-25,ua,exact,41500,,,doc,q\n";

/// The identity fixture, plus `extra` sources and claims rows.
fn identity(sources: &str, claims: &str) -> Test {
    Test::new()
        .file("data/metrics.csv", "id,label,unit\nm,Troops,troops\n")
        .file("data/sources.csv", format!("{SOURCES}{sources}"))
        .file("data/claims.csv", format!("{CLAIMS}{claims}"))
}

/// Lines of `old` and `new` that a line diff shows as removed and added:
/// both lengths minus their longest common subsequence (LCS, by dynamic
/// programming; charts are a few hundred lines).
fn line_diff(old: &str, new: &str) -> (usize, usize) {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    (a.len() - lcs[0][0], b.len() - lcs[0][0])
}

// Appending one source and one claim (inside the dates and values already
// shown) to sources.csv and claims.csv keeps every other source's identity
// in every chart kind: each line that draws in an old source's colour (its
// markers, whose shape is the qualifier's, bars, arrows, legend chip) is
// still in the new chart, unchanged. The share of changed lines (LCS line
// diff: removed + added over old + new lines) is printed per kind; for the
// timeline and the ranges chart it is at most 30%.
#[test]
fn appended_source_keeps_identities() {
    let extra_source = "fr,French armed forces ministry,France,France\n";
    let extra_claim = "c7,m,2024-10-15,fr,exact,41800,,,doc,q\n";
    // Okabe–Ito colours of rows 0–4, as plotters writes them.
    let old_colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"];
    for kind in KINDS {
        let run = |sources: &str, claims: &str| {
            let test = identity(sources, claims).args(["chart", kind, "m", "-o", "out.svg"]);
            test.run().code(0);
            String::from_utf8(test.read("out.svg")).expect("UTF-8 SVG")
        };
        let old = run("", "");
        let new = run(extra_source, extra_claim);
        for colour in old_colours {
            let attribute = format!("=\"{colour}\"");
            let mut marks: Vec<&str> = old.lines().filter(|l| l.contains(&attribute)).collect();
            assert!(!marks.is_empty(), "{kind}: no mark in {colour}");
            for line in new.lines() {
                if let Some(at) = marks.iter().position(|m| *m == line) {
                    marks.swap_remove(at);
                }
            }
            assert!(
                marks.is_empty(),
                "{kind}: {colour} marks changed: {marks:#?}"
            );
        }
        let (removed, added) = line_diff(&old, &new);
        let (a, b) = (old.lines().count(), new.lines().count());
        let share = (removed + added) as f64 / (a + b) as f64;
        println!(
            "{kind}: {removed} lines removed, {added} added of {a} -> {b}: {:.1}% changed",
            100.0 * share
        );
        if kind != "agreement" {
            assert!(
                share <= 0.30,
                "{kind}: {:.1}% of lines changed",
                100.0 * share
            );
        }
    }
}

// `--scale log` draws the value axis on a log scale and says so in the
// description; a chart with a value at or below 0 (the seed's denial) is
// refused naming the flag and the claim, and an agreement chart, which
// has no value axis, is a usage error.
#[test]
fn log_scale_flag() {
    let test = seed().args([
        "chart",
        "timeline",
        "kp_troops_kursk",
        "--scale",
        "log",
        "-o",
        "out.svg",
    ]);
    test.run().code(0);
    let svg = String::from_utf8(test.read("out.svg")).expect("utf-8");
    assert!(svg.contains("on a log scale"));
    seed()
        .args(["chart", "timeline", "kp_troops_russia", "--scale", "log"])
        .run()
        .code(1)
        .stderr(
            "error: --scale log: claim kp_denial_2024_10 states 0; a log scale needs every value \
             drawn above 0\n",
        );
    seed()
        .args(["chart", "agreement", "kp_troops_russia", "--scale", "log"])
        .run()
        .code(2)
        .stderr(
            "error: --scale log: an agreement chart has no value axis (use it with timeline or \
             ranges)\n",
        );
}

// A cell's `scale = "log"` on a metric with a denial is a notebook error at
// the key's line, and nothing is written.
#[test]
fn log_scale_cell() {
    let brief = "+++\ntitle = \"t\"\n+++\n\n```rangefinder\nchart = \"ranges\"\nmetric = \
                 \"kp_troops_russia\"\nscale = \"log\"\n```\n";
    let test = seed().file("reports/t/brief.md", brief).args(["build"]);
    test.run().code(1).stderr(
        "reports/t/brief.md:8: cell: scale = \"log\": claim kp_denial_2024_10 states 0; a log \
         scale needs every value drawn above 0\n",
    );
    assert!(!test.path().join("reports/t/README.md").exists());
    let ok = brief.replace("kp_troops_russia", "kp_troops_kursk");
    let test = seed().file("reports/t/brief.md", ok).args(["build"]);
    test.run().code(0);
    let svg = String::from_utf8(test.read("reports/t/ranges-kp_troops_kursk.svg")).expect("utf-8");
    assert!(svg.contains("on a log scale"));
}
