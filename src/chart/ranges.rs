//! The `ranges` chart, a forest plot: one row per source's current claim
//! in sources.csv order, its interval as a horizontal bar (arrow-ended when
//! open), its point as a marker in the source's colour and the qualifier's
//! shape, the consensus as a shaded vertical band (none without one),
//! labels with the source's number and name, date and stated claim; stale
//! claims grey. Past [`MAX_ROWS`] claims, neighbouring rows (by point) are
//! merged.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    Area, INK, Key, MUTED, OTHER, STALE, Shape, Style, anchored, arrow, consensus_text, draw_svg,
    drawn, fade, fit, heading, iso, key_strip, marker, tag, wrap,
};
use super::{Options, Scale, ValueAxis};
use crate::analysis::{ClaimView, MetricView};
use crate::data::{DateSpec, Qualifier, Stated};
use crate::error::Result;
use crate::render::words;
use crate::render::{number, span};

/// Most rows drawn; more claims are merged into groups of neighbours.
pub const MAX_ROWS: usize = 30;
/// Height of one row.
const ROW: u32 = 46;
/// Width of the label column.
const LABELS: u32 = 340;
/// Height of the key strip under the plot.
const KEY: u32 = 26;
/// Space above the key strip (the heading).
const TOP: u32 = 64;
/// Height of the value axis above the rows.
const AXIS: u32 = 30;
/// Space under the rows (the consensus label).
const BELOW: u32 = 24;
/// Fill of the consensus band.
const CONSENSUS_FILL: RGBAColor = RGBAColor(0, 0, 0, 0.12);

/// One drawn row: a claim, or a group of neighbouring claims.
struct Row {
    /// The source's number (empty for a merged group).
    tag: String,
    /// First label line (source name).
    name: String,
    /// Second label line (date and stated number).
    detail: String,
    /// Interval low.
    low: f64,
    /// Interval high; `None` when open.
    high: Option<f64>,
    /// The interval runs down to 0 ("up to"), wherever the axis starts.
    to_zero: bool,
    /// Marker position.
    point: f64,
    /// Marker style.
    style: Style,
}

/// Draws the forest plot of `view`.
pub fn render(view: &MetricView, options: &Options) -> Result<String> {
    let rows = rows(view);
    let label = super::clean(&view.label);
    let title = format!(
        "{label}: current claim of each source, as of {}",
        iso(view.as_of)
    );
    let mut desc = describe(view, &rows);
    if options.scale == Scale::Log {
        desc.push_str(" The value axis is on a log scale: equal steps are equal ratios.");
    }
    let height = TOP + KEY + AXIS + ROW * rows.len().max(1) as u32 + BELOW + 8;
    let axis = x_axis(view, &rows, options.scale);
    draw_svg(height, &title, &desc, |root| draw(root, view, &rows, axis))
}

/// What a claim states, in words.
fn stated(claim: &ClaimView) -> String {
    match (claim.qualifier, claim.stated) {
        (_, stated @ Stated::Range(..)) => crate::render::stated_number(stated),
        (Qualifier::Approx, Stated::Value(v)) => format!("about {}", number(v)),
        (Qualifier::AtLeast, Stated::Value(v)) => format!("at least {}", number(v)),
        (Qualifier::UpTo, Stated::Value(v)) => format!("up to {}", number(v)),
        (_, Stated::Value(v)) => number(v),
    }
}

/// A date spec as ISO days, with its flags.
fn when(date: &DateSpec) -> String {
    let mut text = if date.start == date.end {
        iso(date.start)
    } else {
        format!("{} to {}", iso(date.start), iso(date.end))
    };
    if date.approximate {
        text.push_str(" (approx.)");
    }
    if date.uncertain {
        text.push_str(" (uncertain)");
    }
    text
}

/// The rows: one per current claim in sources.csv order (then claim id),
/// so a changed claim moves no other row; or, past [`MAX_ROWS`], merged
/// groups of neighbours by point.
fn rows(view: &MetricView) -> Vec<Row> {
    let mut claims: Vec<&ClaimView> = view.current.iter().collect();
    if claims.len() <= MAX_ROWS {
        claims.sort_by(|a, b| (a.source_row, &a.id).cmp(&(b.source_row, &b.id)));
        return claims
            .into_iter()
            .map(|c| {
                let mut style = Style::of(c);
                // A stale claim no longer counts: greyed, and its label says so.
                let stale = if c.stale {
                    style.colour = STALE;
                    " · stale"
                } else {
                    ""
                };
                Row {
                    tag: tag(c),
                    name: c.source_name.clone(),
                    detail: format!(
                        "{} · {}{}{stale}",
                        when(c.describes()),
                        stated(c),
                        if c.derived.is_empty() {
                            ""
                        } else {
                            " · derived"
                        }
                    ),
                    low: c.interval.low,
                    high: c.interval.high,
                    to_zero: c.qualifier == Qualifier::UpTo,
                    point: c.point,
                    style,
                }
            })
            .collect();
    }
    claims.sort_by(|a, b| {
        a.point
            .total_cmp(&b.point)
            .then_with(|| a.source_row.cmp(&b.source_row))
    });
    let size = claims.len().div_ceil(MAX_ROWS);
    claims
        .chunks(size)
        .map(|group| {
            let low = group
                .iter()
                .map(|c| c.interval.low)
                .fold(f64::INFINITY, f64::min);
            let high = group
                .iter()
                .try_fold(0.0_f64, |m, c| c.interval.high.map(|h| m.max(h)));
            let (first, last) = (group[0], group[group.len() - 1]);
            Row {
                tag: String::new(),
                name: format!(
                    "{}: {} … {}",
                    words::count(group.len(), "source", "sources"),
                    first.source_name,
                    last.source_name
                ),
                detail: format!("points {}, median marked", span(first.point, last.point)),
                low,
                high,
                to_zero: false,
                point: crate::chart::median(group.iter().map(|c| c.point).collect()),
                style: Style {
                    colour: OTHER,
                    shape: Shape::Circle,
                },
            }
        })
        .collect()
}

/// The `<desc>`: what is shown, the consensus and every row.
fn describe(view: &MetricView, rows: &[Row]) -> String {
    let mut desc = format!(
        "Forest plot of {} ({}) as of {}: the current claim of {}, its interval \
         as a horizontal bar (an arrow when open above) and its point as a marker, one row per \
         source in sources.csv order, numbered by that row; the marker's colour is the source's, \
         its shape the qualifier (circle exact, diamond about, square range, triangle up at \
         least, triangle down up to); the shaded vertical band is the consensus of the \
         estimates, the stretch most of their intervals cover.",
        super::clean(&view.label),
        view.metric,
        iso(view.as_of),
        match view.current.len() {
            1 => "its 1 source".to_string(),
            n => format!("each of {n} sources"),
        }
    );
    desc.push_str(&format!(
        " Consensus of the estimates: {}. Bounds: {}.",
        words::consensus_with_agreement(&words::Outcome::of(view)),
        words::bounds(&view.bounds)
    ));
    if rows.len() < view.current.len() {
        desc.push_str(&format!(
            " {} claims merged into {} rows of neighbours by point; each bar spans its group.",
            view.current.len(),
            rows.len()
        ));
    }
    for row in rows {
        let number = if row.tag.is_empty() {
            String::new()
        } else {
            format!("{} ", row.tag)
        };
        desc.push_str(&format!(
            " {number}{}: {}.",
            super::clean(&row.name),
            row.detail
        ));
    }
    desc
}

/// Draws heading, consensus band, rows, labels and the key.
fn draw(root: &Area, view: &MetricView, rows: &[Row], axis: ValueAxis) -> Result<()> {
    let label = super::clean(&view.label);
    let subtitle = if view.current.is_empty() {
        format!("As of {}: no claims known yet", iso(view.as_of))
    } else {
        format!(
            "As of {}: {}; consensus {}{}",
            iso(view.as_of),
            words::count(view.current.len(), "source", "sources"),
            words::consensus_with_agreement(&words::Outcome::of(view)),
            if axis.scale == Scale::Log {
                "; log scale"
            } else {
                ""
            },
        )
    };
    heading(
        root,
        &format!("{label} — current claim of each source"),
        &subtitle,
    )?;
    // Key and value axis on top, rows below them at fixed pixel steps: a
    // row added at the end moves nothing above it (the PR diff of an
    // appended source is its own row, not the whole axis).
    let body = root.margin(64, 8, 8, 8);
    let (key_area, main) = body.split_vertically(KEY);
    let (label_area, plot_area) = main.split_horizontally(LABELS);
    let n = rows.len().max(1) as f64;
    let (x0, x1) = (axis.low, axis.high);
    let (c0, c1) = axis.ends();
    let chart = drawn(
        ChartBuilder::on(&plot_area)
            .margin_top(AXIS)
            .margin_right(24)
            .margin_bottom(BELOW)
            .build_cartesian_2d(c0..c1, -0.5..n - 0.5),
    )?;
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let (left_px, right) = (xs.start, xs.end - 2);
    let row_y = |i: usize| ys.start + (ROW as i32) * i as i32 + (ROW as i32) / 2;
    draw_axis(root, &chart, axis, rows.len(), &super::clean(&view.unit))?;
    if let Some(c) = &view.consensus {
        let px = |x: f64| chart.backend_coord(&(axis.at(x.max(x0)), 0.0)).0;
        let (top, bottom) = (ys.start, ys.start + ROW as i32 * rows.len().max(1) as i32);
        // A consensus on one number is a stretch of zero width: draw it at
        // least 4 pixels wide, and darker, so it shows.
        let (mut left, mut right) = (px(c.low), px(c.high.unwrap_or(x1).min(x1)));
        let mut fill = CONSENSUS_FILL;
        if c.high.is_some() && right - left < 4 {
            let middle = (left + right) / 2;
            (left, right) = (middle - 2, middle + 2);
            fill = fill.mix(2.5);
        }
        if c.high.is_none() {
            // Open above: fades out to the right, never a closed box.
            let strips = 6;
            let width = f64::from(right - left) / f64::from(strips);
            let edge = |k: i32| left + (width * f64::from(k)).round() as i32;
            let boxes = (0..strips)
                .map(|k| {
                    vec![
                        (edge(k), top),
                        (edge(k + 1), top),
                        (edge(k + 1), bottom),
                        (edge(k), bottom),
                    ]
                })
                .collect();
            fade(root, boxes, RGBColor(0, 0, 0), fill.3)?;
        } else {
            drawn(root.draw(&Rectangle::new(
                [(left, top), (right, bottom)],
                fill.filled(),
            )))?;
        }
        let middle = if c.high.is_some() {
            (left + right) / 2
        } else {
            left
        };
        let h = if c.high.is_some() {
            HPos::Center
        } else {
            HPos::Left
        };
        let text = format!("consensus {}", consensus_text(c.low, c.high));
        drawn(root.draw(&Text::new(
            text,
            (middle, bottom + 4),
            anchored(12, MUTED, h, VPos::Top),
        )))?;
    }
    let left = label_area.get_base_pixel();
    for (i, row) in rows.iter().enumerate() {
        let py = row_y(i);
        let at = |x: f64| (chart.backend_coord(&(axis.at(x.max(x0)), 0.0)).0, py);
        draw_row(root, row, &at, (left_px, right), x0)?;
        let name_style = anchored(13, INK, HPos::Left, VPos::Bottom);
        let lines = wrap(root, &row.name, &name_style, LABELS - 40, 2)?;
        let count = lines.len() as i32;
        let number = anchored(11, MUTED, HPos::Right, VPos::Bottom);
        let first = py - 1 - 15 * (count - 1);
        drawn(root.draw(&Text::new(row.tag.clone(), (left.0 + 26, first), number)))?;
        for (k, line) in lines.into_iter().enumerate() {
            let y = py - 1 - 15 * (count - 1 - k as i32);
            drawn(root.draw(&Text::new(line, (left.0 + 32, y), name_style.clone())))?;
        }
        let detail_style = anchored(11, MUTED, HPos::Left, VPos::Top);
        let detail = fit(root, &row.detail, &detail_style, LABELS - 40)?;
        drawn(root.draw(&Text::new(detail, (left.0 + 32, py + 2), detail_style)))?;
    }
    let mut keys: Vec<Key> = super::SHAPE_KEY
        .iter()
        .map(|(q, label)| Key::Shape(super::shape_of(*q), label))
        .collect();
    keys.push(Key::Text("→ open above"));
    if rows.iter().any(|r| r.style.colour == STALE) {
        keys.push(Key::stale("stale (not counted)"));
    }
    let right_edge = key_area.dim_in_pixel().0 as i32 - 8;
    key_strip(&key_area, (8, 12), right_edge, &keys).map(|_| ())
}

/// Draws the value axis above the rows (line, round ticks, labels, the
/// unit) and its grid as one segment per row and tick, so rows added below
/// leave every existing line as it was.
fn draw_axis<DB: DrawingBackend>(
    root: &Area,
    chart: &ChartContext<
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    axis: ValueAxis,
    rows: usize,
    unit: &str,
) -> Result<()> {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let top = ys.start;
    drawn(root.draw(&PathElement::new(
        vec![(xs.start, top), (xs.end, top)],
        INK.stroke_width(1),
    )))?;
    let (x0, x1) = (axis.low, axis.high);
    let ticks: Vec<f64> = match axis.scale {
        Scale::Linear => {
            let step = super::round_step((x1 - x0) / 6.0);
            let first = (x0 / step).ceil() as i64;
            let last = (x1 / step).floor() as i64;
            (first..=last).map(|k| k as f64 * step).collect()
        }
        Scale::Log => axis.log_ticks(),
    };
    let grid = RGBAColor(0, 0, 0, 0.08).stroke_width(1);
    for value in ticks {
        let x = chart.backend_coord(&(axis.at(value), 0.0)).0;
        drawn(root.draw(&PathElement::new(
            vec![(x, top - 5), (x, top)],
            INK.stroke_width(1),
        )))?;
        // A tick at the axis's left end is labelled from there rightwards,
        // clear of the unit label before it.
        let at_start = x - xs.start < 30;
        let h = if at_start { HPos::Left } else { HPos::Center };
        let label = anchored(12, INK, h, VPos::Bottom);
        drawn(root.draw(&Text::new(number(value), (x, top - 7), label)))?;
        for i in 0..rows.max(1) as i32 {
            let y = top + ROW as i32 * i;
            drawn(root.draw(&PathElement::new(
                vec![(x, y + 1), (x, y + ROW as i32)],
                grid,
            )))?;
        }
    }
    let style = anchored(12, MUTED, HPos::Right, VPos::Bottom);
    drawn(root.draw(&Text::new(
        format!("{unit} →"),
        (xs.start - 12, top - 7),
        style,
    )))
}

/// The linear value axis of `view`'s forest plot, as drawn.
#[cfg(test)]
pub(super) fn extent(view: &MetricView) -> (f64, f64) {
    let axis = x_axis(view, &rows(view), Scale::Linear);
    (axis.low, axis.high)
}

/// The x axis ([`ValueAxis::fit`]): every finite number drawn but an "up
/// to"'s 0 (its bar then runs off the left edge as an arrow), with room on
/// the right for the arrows of open intervals.
fn x_axis(view: &MetricView, rows: &[Row], scale: Scale) -> ValueAxis {
    let finite = rows.iter().flat_map(|r| {
        let low = (!r.to_zero).then_some(r.low);
        [low, Some(r.point), r.high]
    });
    let consensus = view.consensus.iter().flat_map(|c| [Some(c.low), c.high]);
    ValueAxis::fit(finite.chain(consensus).flatten(), 0.12, scale)
}

/// Draws one row's bar (with caps, or an arrow at an open or cut-off end)
/// and marker. `at` gives a value's pixel (clamped to the left edge `x0`).
fn draw_row(
    root: &Area,
    row: &Row,
    at: &impl Fn(f64) -> (i32, i32),
    (left, right): (i32, i32),
    x0: f64,
) -> Result<()> {
    let line = row.style.colour.stroke_width(2);
    let cap = |x: i32, y: i32| PathElement::new(vec![(x, y - 6), (x, y + 6)], line);
    let from = at(row.low);
    let cut = row.low < x0;
    match row.high {
        Some(high) => {
            let to = at(high);
            if to.0 > from.0 {
                if cut {
                    // Runs down past the axis start (to 0): an arrow, not a cap.
                    arrow(root, to, (left + 1, to.1), row.style.colour)?;
                } else {
                    drawn(root.draw(&PathElement::new(vec![from, to], line)))?;
                    drawn(root.draw(&cap(from.0, from.1)))?;
                }
                drawn(root.draw(&cap(to.0, to.1)))?;
            }
        }
        None => {
            drawn(root.draw(&cap(from.0, from.1)))?;
            arrow(root, from, (right, from.1), row.style.colour)?;
        }
    }
    marker(root, at(row.point), 6, row.style)
}
