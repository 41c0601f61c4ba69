//! Unit tests of the chart rules that keep a chart honest (DESIGN §3
//! Charts): a fitted linear axis spans at least a fifth of its top, a log
//! axis for counts that rise by orders of magnitude (refused for a value
//! at or below 0), gaps that are not 0 never read "0%", and "1 source".

use super::fixtures::{claim, day, fixture};
use super::*;
use super::{ranges, timeline};
use crate::analysis::{MetricHistory, MetricView, RangeSummary};
use crate::data::{Qualifier, Stated};

/// The words of every label drawn (each label's `<title>`).
fn labels(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter(|n| n.parent().is_some_and(|p| p.has_tag_name("g")))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

/// Exact claims of `values` by source `s0`, `s1`, … on successive weeks,
/// with each snapshot's range over the claims known by then and no
/// consensus.
pub(super) fn exact_story(values: &[f64]) -> (MetricView, MetricHistory) {
    let claims = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let d = day(2024, 10, 1) + chrono::Days::new(7 * i as u64);
            let source = format!("s{i}");
            let mut c = claim(
                &format!("c{i}"),
                &source,
                &format!("Source {i}"),
                Qualifier::Exact,
                Stated::Value(*v),
                (d, d),
            );
            c.affiliation = source;
            c
        })
        .collect();
    let (mut view, mut history) = fixture(claims);
    for (i, snapshot) in history.snapshots.iter_mut().enumerate() {
        let known = &values[..=i];
        let low = known.iter().copied().fold(f64::INFINITY, f64::min);
        let high = known.iter().copied().fold(0.0, f64::max);
        snapshot.range = Some(RangeSummary {
            low,
            high,
            median: crate::chart::median(known.to_vec()),
            sources: known.len(),
            affiliations: known.len(),
        });
        snapshot.consensus = None;
    }
    view.range = history.snapshots.last().and_then(|s| s.range);
    view.consensus = None;
    (view, history)
}

/// Draws `kind` of `data` with `options`, failing the test on an error.
fn draw(kind: ChartKind, data: &(MetricView, MetricHistory), options: &Options) -> String {
    render(kind, &data.0, Some(&data.1), options).unwrap_or_else(|e| panic!("{kind:?}: {e}"))
}

// 487 against 499 deaths is drawn on an axis spanning at least a fifth of
// its top (from 400), not on one from 480 that makes 2% fill the height.
#[test]
fn small_spread_not_exaggerated() {
    let (low, high) = value_extent([487.0, 499.0], 0.15);
    assert_eq!(low, 400.0);
    assert!(high > 499.0 && high - low >= 0.2 * high, "{low}..{high}");
    let data = exact_story(&[487.0, 499.0]);
    let (y0, y1) = timeline::y_extent(&data.1);
    assert!(y1 - y0 >= 0.2 * y1, "timeline {y0}..{y1}");
    let (x0, x1) = ranges::extent(&data.0);
    assert!(x1 - x0 >= 0.2 * x1, "ranges {x0}..{x1}");
    // Any pair of values, any headroom: the rule holds.
    for (a, b) in [
        (1.0, 1.0),
        (98.0, 100.0),
        (40_000.0, 43_000.0),
        (5e6, 5.1e6),
    ] {
        let (low, high) = value_extent([a, b], 0.0);
        assert!(high - low >= 0.2 * high - 1e-9, "{a}, {b}: {low}..{high}");
    }
}

// A log axis runs from a 1-2-5 number below the least value to above the
// greatest, ticks on 1, 2 and 5 times powers of ten.
#[test]
fn log_axis_ticks() {
    let axis = ValueAxis::fit([16.0, 64.0, 2975.0], 0.15, Scale::Log);
    assert_eq!(axis.low, 10.0);
    assert!(axis.high > 2975.0);
    assert_eq!(
        axis.log_ticks(),
        [
            10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0
        ]
    );
    assert_eq!(axis.at(100.0), 2.0);
    // Past ten 1-2-5 ticks, the powers of ten alone.
    let wide = ValueAxis::fit([3.0, 2e7], 0.0, Scale::Log);
    assert_eq!((wide.low, wide.log_ticks().first()), (2.0, Some(&10.0)));
    assert!(wide.log_ticks().iter().all(|t| t.log10().fract() == 0.0));
}

// A timeline of a count rising 16 → 64 → 2,975 on a log scale labels its
// 1-2-5 ticks and says it is on a log scale; the same chart with a 0 in
// it is refused, naming the claim.
#[test]
fn log_timeline() {
    let data = exact_story(&[16.0, 64.0, 2975.0]);
    let options = Options {
        scale: Scale::Log,
        ..Options::default()
    };
    for kind in [ChartKind::Timeline, ChartKind::Ranges] {
        let svg = draw(kind, &data, &options);
        let words = labels(&svg);
        for tick in ["10", "100", "1,000", "2,000"] {
            assert!(words.iter().any(|w| w == tick), "{kind:?}: no tick {tick}");
        }
        assert!(words.iter().any(|w| w.contains("log scale")), "{kind:?}");
        assert!(svg.contains("on a log scale"), "{kind:?}: desc");
    }
    let zero = exact_story(&[0.0, 64.0]);
    for kind in [ChartKind::Timeline, ChartKind::Ranges] {
        let error = render(kind, &zero.0, Some(&zero.1), &options).map(|_| ());
        assert_eq!(
            error.map_err(|e| e.to_string()),
            Err("claim c0 states 0; a log scale needs every value drawn above 0".to_string()),
            "{kind:?}"
        );
    }
    // The default, linear, is drawn as before.
    assert!(!draw(ChartKind::Timeline, &zero, &Options::default()).contains("log scale"));
}

// A gap that rounds to 0% reads "<1%" (the pair is coloured apart), in the
// chart as in the agreement table.
#[test]
fn tiny_gap_reads_under_one_percent() {
    assert_eq!(crate::render::words::gap(0.0), "0%");
    assert_eq!(crate::render::words::gap(0.0004), "<1%");
    assert_eq!(crate::render::words::gap(0.004), "<1%");
    assert_eq!(crate::render::words::gap(0.006), "1%");
    // About 1,085 (976.5–1,193.5) against exactly 1,194: half a death apart.
    let mut data = exact_story(&[1085.0, 1194.0]);
    let c = &mut data.0.current[0];
    c.qualifier = Qualifier::Approx;
    c.interval.low = 976.5;
    c.interval.high = Some(1193.5);
    let gap = 0.5 / 1194.0;
    for pair in data.0.pairs.iter_mut().flatten() {
        pair.agree = false;
        pair.gap = gap;
    }
    let svg = draw(ChartKind::Agreement, &data, &Options::default());
    let words = labels(&svg);
    assert!(words.iter().any(|w| w == "<1%"), "{words:?}");
    assert!(!words.iter().any(|w| w == "0%"), "{words:?}");
}

// One claim from one source is "1 claim from 1 source", never "1 sources".
#[test]
fn singular_words() {
    let data = exact_story(&[487.0]);
    for kind in [ChartKind::Timeline, ChartKind::Ranges, ChartKind::Agreement] {
        let svg = draw(kind, &data, &Options::default());
        let text = format!("{} {svg}", labels(&svg).join(" | "));
        for wrong in ["1 sources", "1 claims", "each of 1 sources"] {
            assert!(!text.contains(wrong), "{kind:?}: {wrong}");
        }
        assert!(text.contains("1 source"), "{kind:?}");
    }
}

/// The box of every label drawn in `fill`, by its words, from the glyph
/// groups' `translate(x y) scale(size) scale(0.01)` and the last glyph's
/// offset (plus an em for its advance): left, top, right, bottom.
fn label_boxes(svg: &str, fill: &str) -> Vec<(String, (f64, f64, f64, f64))> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("fill") == Some(fill))
        .filter_map(|g| {
            let words = g.children().find(|n| n.has_tag_name("title"))?.text()?;
            let transform = g.attribute("transform")?;
            let numbers: Vec<f64> = transform
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .filter_map(|t| t.parse().ok())
                .collect();
            let (x, y, size) = (numbers[0], numbers[1], numbers[2]);
            let last = g
                .children()
                .filter_map(|n| n.attribute("x"))
                .filter_map(|x| x.parse::<f64>().ok())
                .fold(0.0, f64::max);
            let right = x + (last + 100.0) * size * 0.01;
            Some((words.to_string(), (x, y - size, right, y + 0.3 * size)))
        })
        .collect()
}

// Three events on a timeline, two a day apart and one on a mark: each is
// listed in the description, and no event label overlaps another or a
// mark's number (boxes computed from the glyphs drawn).
#[test]
fn event_labels_apart() {
    let data = exact_story(&[8000.0, 11_000.0, 10_000.0]);
    let event = |id: &str, date: &str, label: &str| crate::data::Event {
        id: id.into(),
        date: crate::data::DateSpec::parse(date).unwrap_or_else(|e| panic!("{e}")),
        label: label.into(),
        metrics: Vec::new(),
        document: None,
        notes: None,
        line: 2,
    };
    let events = vec![
        event("a", "2024-10-08", "First troops under fire"),
        event("b", "2024-10-09", "Incursion widens to a second district"),
        event("c", "2024-10-01/2024-10-02", "Deployment reported"),
    ];
    let options = Options {
        events,
        ..Options::default()
    };
    let svg = draw(ChartKind::Timeline, &data, &options);
    assert!(svg.contains(
        "Thin vertical rules mark 3 events: 2024-10-01/2024-10-02 Deployment reported; \
         2024-10-08 First troops under fire; 2024-10-09 Incursion widens to a second district."
    ));
    let boxes = label_boxes(&svg, "#555555");
    let labels = options.events.iter().map(|e| e.label.as_str());
    let labels: Vec<&str> = labels.collect();
    let events: Vec<_> = boxes
        .iter()
        .filter(|(w, _)| labels.contains(&w.as_str()))
        .collect();
    // The marks' numbers, in the plot (the legend's are right of it).
    let tags: Vec<_> = boxes
        .iter()
        .filter(|(w, b)| w.chars().all(|c| c.is_ascii_digit()) && b.0 < 680.0)
        .collect();
    assert_eq!(events.len(), 3, "{boxes:?}");
    assert_eq!(tags.len(), 3, "{boxes:?}");
    let apart = |a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)| {
        a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1
    };
    for (i, (w, a)) in events.iter().enumerate() {
        for (v, b) in events.iter().skip(i + 1).chain(&tags) {
            assert!(apart(*a, *b), "{w:?} {a:?} overlaps {v:?} {b:?}");
        }
    }
}
