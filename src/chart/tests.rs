//! Unit tests of the three chart kinds on hand-built views: structure and
//! accessibility of the SVG, escaping of hostile source names, determinism,
//! number rounding, the size limit on a very large synthetic history, and
//! text drawn as glyphs: the same pixels with and without fonts, every glyph
//! inside the canvas, every cut label whole in the description.

use super::fixtures::{NAMES, extreme, scaled, story, synthetic};
use super::svg::MAX_BYTES;
use super::*;
use super::{agreement, ranges, timeline};
use crate::analysis::{MetricHistory, MetricView};

const KINDS: [ChartKind; 3] = [ChartKind::Timeline, ChartKind::Ranges, ChartKind::Agreement];

/// Renders `kind`, failing the test on an error.
fn draw(kind: ChartKind, (view, history): &(MetricView, MetricHistory)) -> String {
    render(kind, view, Some(history), &Options::default())
        .unwrap_or_else(|e| panic!("{kind:?}: {e}"))
}

// Every kind is well-formed XML with role="img", then <title> and <desc>
// naming the metric and the as-of day.
#[test]
fn accessible_svg() {
    let data = story(NAMES);
    for kind in KINDS {
        let svg = draw(kind, &data);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let mut children = root.children().filter(|n| n.is_element());
        let title = children
            .next()
            .map(|n| (n.tag_name().name(), n.text().unwrap_or("")));
        let desc = children
            .next()
            .map(|n| (n.tag_name().name(), n.text().unwrap_or("")));
        assert!(
            matches!(title, Some(("title", t)) if t.contains("North Korean troops") && t.contains("2024-12-31")),
            "{kind:?}"
        );
        assert!(
            matches!(desc, Some(("desc", d)) if d.contains("kp_troops_kursk") && d.contains("2024-12-31")),
            "{kind:?}"
        );
    }
}

// The same input gives the same bytes.
#[test]
fn deterministic() {
    for kind in KINDS {
        assert_eq!(
            draw(kind, &story(NAMES)),
            draw(kind, &story(NAMES)),
            "{kind:?}"
        );
    }
}

// Every number in an attribute has at most two decimals.
#[test]
fn attribute_numbers_rounded() {
    let data = story(NAMES);
    for kind in KINDS {
        let svg = draw(kind, &data);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
        for node in doc.descendants() {
            for attribute in node.attributes() {
                for token in attribute
                    .value()
                    .split(|c: char| !c.is_ascii_digit() && c != '.')
                {
                    let decimals = token.split_once('.').map_or(0, |(_, f)| f.len());
                    assert!(
                        decimals <= 2,
                        "{kind:?}: {}={}",
                        attribute.name(),
                        attribute.value()
                    );
                }
            }
        }
    }
}

// Markup, quotes, ampersands and right-to-left text in names are drawn as
// text: the SVG parses, has no <script> element, and shows the text; a
// bidi override is made visible instead of reordering the label.
#[test]
fn hostile_names_escaped() {
    let names = [
        "<script>alert(1)</script>",
        "Tom & Jerry \"quoted\" 'single'",
        "وزارة الدفاع",
        "משרד הביטחון",
        "evil\u{202E}txt.exe",
    ];
    let data = story(names);
    for kind in KINDS {
        let svg = draw(kind, &data);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert!(
            !doc.descendants().any(|n| n.tag_name().name() == "script"),
            "{kind:?}"
        );
        assert!(!svg.contains('\u{202E}'), "{kind:?}");
        let text: String = doc.descendants().filter_map(|n| n.text()).collect();
        for needle in [
            "<script>alert(1)",
            "Tom & Jerry \"quoted\" 'single'",
            "وزارة الدفاع",
            "משרד הביטחון",
            "[U+202E]",
        ] {
            assert!(text.contains(needle), "{kind:?}: {needle}");
        }
    }
}

// 100,000 claims from 60 sources stay under 1 MB in every kind, and the
// description says how they were aggregated.
#[test]
fn huge_history_aggregated() {
    let data = synthetic(100_000, 60);
    for (kind, says) in [
        (ChartKind::Timeline, "binned"),
        (ChartKind::Ranges, "merged"),
        (ChartKind::Agreement, "grouped"),
    ] {
        let svg = draw(kind, &data);
        assert!(svg.len() < MAX_BYTES, "{kind:?}: {} bytes", svg.len());
        assert!(svg.contains(says), "{kind:?} does not say it aggregated");
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
}

// A source's colour is its own `color`, else the palette colour of its row
// in sources.csv: eight rows in a row differ, row 8 cycles to row 0's
// colour, and nothing but the row and `color` enters it.
#[test]
fn colour_by_row() {
    let colours: Vec<RGBColor> = (0..PALETTE.len()).map(|row| colour_of(row, None)).collect();
    for (i, a) in colours.iter().enumerate() {
        assert!(!colours[i + 1..].contains(a), "row {i}");
    }
    assert_eq!(colour_of(PALETTE.len(), None), colours[0]);
    assert_eq!(colour_of(3, Some([1, 2, 3])), RGBColor(1, 2, 3));
}

// Each qualifier has its own marker shape, the same for every source; the
// one-sided bounds point the way their arrows do: at least is never a
// down-pointing marker, up to never an up-pointing one.
#[test]
fn shape_by_qualifier() {
    use crate::data::Qualifier::*;
    let shapes: Vec<Shape> = crate::data::Qualifier::ALL
        .iter()
        .map(|q| shape_of(*q))
        .collect();
    for (i, a) in shapes.iter().enumerate() {
        assert!(!shapes[i + 1..].contains(a), "{shapes:?}");
    }
    assert_eq!(shape_of(AtLeast), Shape::Up);
    assert_eq!(shape_of(UpTo), Shape::Down);
    // Every claim of the story is drawn with its qualifier's shape whatever
    // its source: two sources stating "at least" share ▲.
    let (view, history) = story(NAMES);
    for claim in view.current.iter().chain(&history.known) {
        assert_eq!(
            Style::of(claim).shape,
            shape_of(claim.qualifier),
            "{}",
            claim.id
        );
        assert_ne!(
            (claim.qualifier, Style::of(claim).shape),
            (AtLeast, Shape::Down)
        );
    }
}

// Control characters are replaced and bidi controls shown as code points.
#[test]
fn clean_text() {
    assert_eq!(clean("a\u{0}b\nc"), "a\u{FFFD}b\u{FFFD}c");
    assert_eq!(clean("x\u{202E}y\u{2066}"), "x[U+202E]y[U+2066]");
    assert_eq!(clean("שלום & <b>"), "שלום & <b>");
    // A huge cell is cut to MAX_TEXT characters plus an ellipsis.
    let long = clean(&"é".repeat(MAX_TEXT + 5));
    assert_eq!(long.chars().count(), MAX_TEXT + 1);
    assert!(long.ends_with("é…"));
}

// Writes the fixture charts as SVG and PNG into $CHART_PREVIEW (when set)
// for a person to look at; renders them either way to prove resvg reads them.
#[test]
fn preview() {
    let dir = std::env::var_os("CHART_PREVIEW").map(std::path::PathBuf::from);
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_font_data(FONT_BYTES.to_vec());
    for (name, data) in [
        ("story", story(NAMES)),
        ("dense", synthetic(3_000, 30)),
        ("extreme", extreme()),
        (
            "hostile",
            story([
                "<script>x</script>",
                "A & B",
                "وزارة الدفاع",
                "משרד הביטחון",
                "e\u{202E}vil",
            ]),
        ),
    ] {
        for kind in KINDS {
            let svg = draw(kind, &data);
            let tree =
                resvg::usvg::Tree::from_str(&svg, &options).unwrap_or_else(|e| panic!("{e}"));
            let size = tree.size().to_int_size();
            let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
                .unwrap_or_else(|| panic!("pixmap"));
            resvg::render(
                &tree,
                resvg::tiny_skia::Transform::default(),
                &mut pixmap.as_mut(),
            );
            if let Some(dir) = &dir {
                let stem = dir.join(format!("{name}-{}", kind.as_str()));
                std::fs::write(stem.with_extension("svg"), &svg).unwrap_or_else(|e| panic!("{e}"));
                pixmap
                    .save_png(stem.with_extension("png"))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
}

// A metric with nothing known yet, or with one source, still draws every
// kind (empty plot, a one-cell matrix) instead of failing.
#[test]
fn empty_and_single() {
    let (mut view, mut history) = story(NAMES);
    view.current.clear();
    view.pairs = Some(Vec::new());
    view.range = None;
    view.consensus = None;
    history.known.clear();
    history.snapshots.clear();
    let single = story(NAMES);
    let one = (
        MetricView {
            current: single.0.current[..1].to_vec(),
            pairs: Some(Vec::new()),
            ..single.0.clone()
        },
        single.1,
    );
    for kind in KINDS {
        for data in [&(view.clone(), history.clone()), &one] {
            let svg = draw(kind, data);
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        }
    }
}

/// A drawn element: its opacity, colour and points.
type Drawn = (f64, String, Vec<(f64, f64)>);

/// Every `<polygon>` of an SVG: (opacity, fill, points).
fn polygons(svg: &str) -> Vec<Drawn> {
    shapes(svg, "polygon", "fill")
}

/// Every `<polyline>` of an SVG: (opacity, stroke, points).
fn polylines(svg: &str) -> Vec<Drawn> {
    shapes(svg, "polyline", "stroke")
}

/// The elements `tag` of an SVG with their opacity, `colour` attribute
/// and points.
fn shapes(svg: &str, tag: &str, colour: &str) -> Vec<Drawn> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}"));
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .map(|n| {
            let opacity = n
                .attribute("opacity")
                .and_then(|o| o.parse().ok())
                .unwrap_or(1.0);
            let points = n
                .attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            (
                opacity,
                n.attribute(colour).unwrap_or("").to_string(),
                points,
            )
        })
        .collect()
}

/// Height in pixels of a set of points.
fn height(points: &[(f64, f64)]) -> f64 {
    let ys = points.iter().map(|p| p.1);
    ys.clone().fold(f64::MIN, f64::max) - ys.fold(f64::MAX, f64::min)
}

// An open consensus (no upper end) is drawn open in the timeline: no closed
// outline, only translucent strips that fade out (each fainter than the
// one below it); with a closed consensus, the same story has its closed
// outline (so the test looks at the right elements).
#[test]
fn open_consensus_fades() {
    let (view, mut history) = story(NAMES);
    let closed = draw(ChartKind::Timeline, &(view.clone(), history.clone()));
    let outline = |svg: &str| {
        polylines(svg)
            .into_iter()
            .any(|(o, _, p)| o == 0.45 && p.len() > 2 && p.first() == p.last())
    };
    assert!(outline(&closed));
    for s in &mut history.snapshots {
        if let Some(c) = &mut s.consensus {
            c.high = None;
        }
    }
    let open = draw(ChartKind::Timeline, &(view, history));
    assert!(!outline(&open), "an open consensus has a closed outline");
    // In drawing order: the range band (one run in the story, 0.08), then
    // the consensus strips, fading.
    let translucent: Vec<f64> = polygons(&open)
        .into_iter()
        .filter(|(o, fill, _)| fill == "#000000" && *o < 1.0)
        .map(|(o, _, _)| o)
        .collect();
    assert_eq!(translucent.first(), Some(&0.08), "{translucent:?}");
    let strips = &translucent[1..];
    assert_eq!(strips.len(), 6, "{strips:?}");
    assert!(strips.windows(2).all(|w| w[1] < w[0]), "{strips:?}");
}

// In the ranges chart an open consensus fades out to the right instead of
// being a closed box to the plot's edge; a closed one is one box.
#[test]
fn open_consensus_fades_in_ranges() {
    let (mut view, history) = story(NAMES);
    let boxes = |svg: &str| svg.matches("<rect").filter(|_| true).count();
    let closed = draw(ChartKind::Ranges, &(view.clone(), history.clone()));
    if let Some(c) = &mut view.consensus {
        c.high = None;
    }
    let open = draw(ChartKind::Ranges, &(view, history));
    // One rect fewer (the consensus box), six fading strips more.
    assert_eq!(boxes(&open) + 1, boxes(&closed));
    let faded = polygons(&open)
        .into_iter()
        .filter(|(o, fill, _)| fill == "#000000" && *o < 1.0)
        .count();
    assert_eq!(faded, 6);
}

// A single "up to 8,000" is an arrow down from its marker, never a
// translucent band from 0 to 8,000: every translucent polygon is flat
// (the range of one stated number), and the claim's arrow points down.
#[test]
fn single_up_to_is_no_column() {
    use crate::data::{Qualifier, Stated};
    let (mut view, mut history) = super::fixtures::fixture(vec![super::fixtures::claim(
        "c1",
        "us_state",
        "Blinken",
        Qualifier::UpTo,
        Stated::Value(8000.0),
        (
            super::fixtures::day(2024, 10, 31),
            super::fixtures::day(2024, 10, 31),
        ),
    )]);
    let range = crate::analysis::RangeSummary {
        low: 8000.0,
        high: 8000.0,
        median: 8000.0,
        sources: 1,
        affiliations: 1,
    };
    for s in &mut history.snapshots {
        s.range = Some(range);
        s.consensus = None;
    }
    view.consensus = None;
    let svg = draw(ChartKind::Timeline, &(view, history));
    for (opacity, _, points) in polygons(&svg) {
        if opacity < 1.0 {
            assert!(height(&points) <= 1.0, "a translucent column: {points:?}");
        }
    }
    // The marker is ▼ (its tip below its base) above the arrow's head.
    let down = polygons(&svg)
        .into_iter()
        .filter(|(o, fill, p)| *o == 1.0 && fill == "#0072B2" && p.len() == 3)
        .count();
    assert_eq!(down, 2, "a ▼ marker and a down arrow head");
}

// Days without a consensus draw no consensus band: with none on any day the
// timeline has no consensus fill or edge and the ranges chart no band; with
// one on some days, the band covers only those days.
#[test]
fn no_consensus_no_band() {
    let (mut view, mut history) = story(NAMES);
    let consensus = |svg: &str| {
        polygons(svg).iter().filter(|(o, _, _)| *o == 0.16).count()
            + polylines(svg).iter().filter(|(o, _, _)| *o == 0.45).count()
    };
    let some = draw(ChartKind::Timeline, &(view.clone(), history.clone()));
    assert!(consensus(&some) > 0);
    // The story has no consensus on its first day: the band starts later.
    let first = day_x(history.snapshots[0].day);
    let second = day_x(history.snapshots[1].day);
    assert!(first < second);
    for s in &mut history.snapshots {
        s.consensus = None;
    }
    view.consensus = None;
    let none = draw(ChartKind::Timeline, &(view.clone(), history.clone()));
    assert_eq!(consensus(&none), 0);
    let ranges = draw(ChartKind::Ranges, &(view, history));
    assert!(!ranges.contains("opacity=\"0.12\""), "a consensus band");
    assert!(!ranges.contains("opacity=\"0.3\""), "a consensus band");
}

// The value axis starts at 0 only when the data come near it: claims of
// 40,000–43,000 get an axis from a round number just below 40,000 in the
// timeline and the ranges chart; data reaching down to a third of the top
// (or a denial) keep 0.
#[test]
fn fitted_value_axis() {
    use super::fixtures::{claim, day, fixture};
    use crate::data::{Qualifier, Stated};
    let on = |d| (day(2024, 11, d), day(2024, 11, d));
    let (mut view, mut history) = fixture(vec![
        claim(
            "c1",
            "a",
            "A",
            Qualifier::Exact,
            Stated::Value(40_000.0),
            on(1),
        ),
        claim(
            "c2",
            "b",
            "B",
            Qualifier::Approx,
            Stated::Value(42_000.0),
            on(2),
        ),
        claim(
            "c3",
            "c",
            "C",
            Qualifier::UpTo,
            Stated::Value(43_000.0),
            on(3),
        ),
        claim(
            "c4",
            "d",
            "D",
            Qualifier::AtLeast,
            Stated::Value(41_000.0),
            on(4),
        ),
    ]);
    let range = crate::analysis::RangeSummary {
        low: 40_000.0,
        high: 43_000.0,
        median: 41_500.0,
        sources: 4,
        affiliations: 4,
    };
    for s in &mut history.snapshots {
        s.range = Some(range);
        s.consensus = None;
    }
    view.consensus = None;
    let (y0, y1) = timeline::y_extent(&history);
    // approx 42,000 reaches down to 37,800 (tolerance 0.1).
    assert!((30_000.0..37_800.0).contains(&y0), "timeline from {y0}");
    assert!(y1 > 46_200.0, "timeline to {y1}");
    let (x0, _) = ranges::extent(&view);
    assert!((30_000.0..37_800.0).contains(&x0), "ranges from {x0}");
    // Fitted, but spanning at least a fifth of the top (DESIGN v3: 39,000
    // before, which drew a 7% spread across the whole height).
    assert_eq!(value_extent([40_000.0, 43_000.0], 0.0).0, 34_000.0);
    // Near 0: from 0.
    assert_eq!(value_extent([3_000.0, 10_000.0], 0.1).0, 0.0);
    assert_eq!(value_extent([0.0, 12_000.0], 0.1).0, 0.0);
    assert!(value_extent([4_100.0, 10_000.0], 0.0).0 > 0.0);
    assert_eq!(value_extent([], 0.1), (0.0, 1.0));
}

// The agreement matrix groups sources by affiliation (affiliations in the
// order of their first source's row), then by row, and labels each with
// its number (row + 1).
#[test]
fn agreement_grouped_by_affiliation() {
    let (mut view, history) = story(NAMES);
    // Rows: ua_gur 0, kp_gov 1, us_dod 2, kr_nis 3, ua_mod 4; Ukraine's two
    // sources are rows 0 and 4.
    for c in &mut view.current {
        c.affiliation = match c.source.as_str() {
            "ua_gur" | "ua_mod" => "Ukraine",
            "kp_gov" => "North Korea",
            "us_dod" => "United States",
            _ => "South Korea",
        }
        .into();
    }
    let labels = agreement::matrix(&view).labels;
    let numbers: Vec<&str> = labels
        .iter()
        .map(|l| l.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(numbers, ["1", "5", "2", "3", "4"], "{labels:?}");
    let svg = draw(ChartKind::Agreement, &(view, history));
    assert!(svg.contains("Sources are grouped by affiliation"));
}

/// The fixtures the glyph tests draw: the story, hostile names, and the
/// extreme one (a 400-letter name, numbers in the hundreds of trillions).
fn glyph_fixtures() -> Vec<(&'static str, (MetricView, MetricHistory))> {
    vec![
        ("story", story(NAMES)),
        (
            "hostile",
            story([
                "<script>x</script>",
                "Tom & Jerry \"quoted\" 'single'",
                "وزارة الدفاع",
                "משרד הביטחון",
                "e\u{202E}vil",
            ]),
        ),
        ("extreme", extreme()),
    ]
}

/// `svg` drawn by resvg with the fonts in `options`, on white.
fn raster(svg: &str, options: &resvg::usvg::Options) -> resvg::tiny_skia::Pixmap {
    let tree = resvg::usvg::Tree::from_str(svg, options).unwrap_or_else(|e| panic!("{e}"));
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .unwrap_or_else(|| panic!("pixmap"));
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
}

// Text needs no font on the viewer's machine: every kind, drawn by resvg
// with the system's fonts and with none at all, gives the same pixels; no
// <text> element is left (the words are in <title>/<desc> only), and the
// heading is still drawn with no font.
#[test]
fn glyphs_need_no_fonts() {
    let mut system = resvg::usvg::Options::default();
    system.fontdb_mut().load_system_fonts();
    let empty = resvg::usvg::Options::default();
    assert_eq!(empty.fontdb.len(), 0);
    println!("system font faces loaded: {}", system.fontdb.len());
    for (name, data) in glyph_fixtures() {
        for kind in KINDS {
            let svg = draw(kind, &data);
            let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                !doc.descendants().any(|n| n.has_tag_name("text")),
                "{name} {kind:?}: a <text> element is left"
            );
            let with_fonts = raster(&svg, &system);
            let without = raster(&svg, &empty);
            assert!(
                with_fonts.data() == without.data(),
                "{name} {kind:?}: pixels differ with and without fonts"
            );
            // The heading (title and subtitle lines) has ink without fonts.
            let width = without.width() as usize;
            let heading = without.data()[12 * width * 4..56 * width * 4]
                .chunks(4)
                .filter(|p| p[..3] != [255, 255, 255])
                .count();
            assert!(
                heading > 1500,
                "{name} {kind:?}: heading not drawn ({heading} px)"
            );
            println!(
                "{name} {kind:?}: {}x{} px identical with {} and 0 font faces; heading {heading} inked px",
                without.width(),
                without.height(),
                system.fontdb.len()
            );
        }
    }
}

/// The glyphs of `svg` alone: its `<defs>` and every label group (a `<g>`
/// holding `<use>`s), in an SVG of the same size.
fn glyphs_only(svg: &str) -> (String, usize) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}"));
    let root = doc.root_element();
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"{}\">\n",
        root.attribute("width").unwrap_or_default(),
        root.attribute("height").unwrap_or_default(),
        root.attribute("viewBox").unwrap_or_default(),
    );
    let mut uses = 0;
    for node in doc.descendants() {
        let label = node.has_tag_name("g") && node.children().any(|c| c.has_tag_name("use"));
        if node.has_tag_name("defs") || label {
            out.push_str(&svg[node.range()]);
            out.push('\n');
        }
        if label {
            uses += node.children().filter(|c| c.has_tag_name("use")).count();
        }
    }
    out.push_str("</svg>\n");
    (out, uses)
}

/// Every path under `group` with its box in canvas coordinates.
fn boxes(group: &resvg::usvg::Group, out: &mut Vec<resvg::usvg::Rect>) {
    for node in group.children() {
        match node {
            resvg::usvg::Node::Group(g) => boxes(g, out),
            resvg::usvg::Node::Path(p) => out.push(p.abs_bounding_box()),
            _ => {}
        }
    }
}

// No text is clipped by the canvas: usvg's box of every glyph drawn (each
// <use> of a glyph path, after its label's rotation, placement and scale)
// lies inside the 960 × height canvas, for every kind, including a 400-letter
// source name and numbers in the hundreds of trillions.
#[test]
fn glyph_boxes_inside_canvas() {
    let empty = resvg::usvg::Options::default();
    for (name, data) in glyph_fixtures() {
        for kind in KINDS {
            let svg = draw(kind, &data);
            let (glyphs, uses) = glyphs_only(&svg);
            let tree =
                resvg::usvg::Tree::from_str(&glyphs, &empty).unwrap_or_else(|e| panic!("{e}"));
            let (width, height) = (tree.size().width(), tree.size().height());
            let mut found = Vec::new();
            boxes(tree.root(), &mut found);
            assert_eq!(found.len(), uses, "{name} {kind:?}: a glyph was not drawn");
            let mut margin = f32::INFINITY;
            let outside: Vec<_> = found
                .iter()
                .filter(|b| {
                    b.left() < 0.0 || b.top() < 0.0 || b.right() > width || b.bottom() > height
                })
                .collect();
            assert!(
                outside.is_empty(),
                "{name} {kind:?}: glyph boxes outside {width} × {height}: {outside:?}"
            );
            for b in &found {
                margin = margin
                    .min(b.left())
                    .min(b.top())
                    .min(width - b.right())
                    .min(height - b.bottom());
            }
            println!(
                "{name} {kind:?}: {} glyphs inside {width} × {height}, nearest edge {margin:.1} px",
                found.len()
            );
        }
    }
}

// A label cut to fit (ending in "…") is whole in the chart's <desc>.
#[test]
fn cut_labels_whole_in_desc() {
    for (name, data) in glyph_fixtures() {
        for kind in KINDS {
            let svg = draw(kind, &data);
            let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
            let desc = doc
                .descendants()
                .find(|n| n.has_tag_name("desc"))
                .and_then(|n| n.text())
                .unwrap_or_default();
            let title = doc
                .descendants()
                .find(|n| n.has_tag_name("title"))
                .and_then(|n| n.text())
                .unwrap_or_default();
            let mut cut = 0;
            for label in doc.descendants().filter(|n| n.has_tag_name("g")) {
                let Some(words) = label
                    .children()
                    .find(|c| c.has_tag_name("title"))
                    .and_then(|t| t.text())
                else {
                    continue;
                };
                let Some(kept) = words.strip_suffix('…') else {
                    continue;
                };
                cut += 1;
                assert!(
                    desc.contains(kept) || title.contains(kept),
                    "{name} {kind:?}: cut label {words:?} is not whole in the <desc>"
                );
            }
            println!("{name} {kind:?}: {cut} cut labels, each whole in <desc> or <title>");
        }
    }
}

// Found by attack (issue 25): a claim of 1.78e308 made the timeline's axis
// loop forever. Every kind draws, or refuses, any finite numbers within
// seconds: here up to f64's largest, each on a thread with a deadline.
#[test]
fn extreme_numbers_never_hang() {
    for k in [1e300, 1e303, 1e304, 1.3e304] {
        for kind in KINDS {
            for scale in [Scale::Linear, Scale::Log] {
                let (done, wait) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    let (view, history) = scaled(k);
                    let options = Options {
                        scale,
                        ..Options::default()
                    };
                    let drawn = render(kind, &view, Some(&history), &options);
                    let _ = done.send(drawn.map(|svg| svg.len()));
                });
                let drawn = wait.recv_timeout(std::time::Duration::from_secs(30));
                assert!(
                    drawn.is_ok(),
                    "{kind:?} ({scale:?}) at scale {k:e} still drawing after 30 s"
                );
            }
        }
    }
}
