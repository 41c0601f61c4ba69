//! Unit tests of the three chart kinds on hand-built views: structure and
//! accessibility of the SVG, escaping of hostile source names, determinism,
//! number rounding, the size limit on a very large synthetic history, and
//! text drawn as glyphs: the same pixels with and without fonts, every glyph
//! inside the canvas, every cut label whole in the description.

use super::fixtures::{NAMES, extreme, story, synthetic};
use super::svg::MAX_BYTES;
use super::*;
use crate::analysis::{MetricHistory, MetricView};

const KINDS: [ChartKind; 3] = [ChartKind::Timeline, ChartKind::Ranges, ChartKind::Agreement];

/// Renders `kind`, failing the test on an error.
fn draw(kind: ChartKind, (view, history): &(MetricView, MetricHistory)) -> String {
    render(kind, view, Some(history)).unwrap_or_else(|e| panic!("{kind:?}: {e}"))
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

// The first MAX_STYLED sources all get a different colour-and-shape pair.
#[test]
fn styles_distinct() {
    let ids: Vec<String> = (0..MAX_STYLED + 3).map(|i| format!("s{i:03}")).collect();
    let styles = styles(ids.iter().map(String::as_str));
    let mut seen: Vec<Style> = Vec::new();
    for id in &ids[..MAX_STYLED] {
        let style = styles[id.as_str()];
        assert!(!seen.contains(&style), "{id}");
        seen.push(style);
    }
    assert_eq!(styles[ids[MAX_STYLED].as_str()], OTHER_STYLE);
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
