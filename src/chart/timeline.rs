//! The `timeline` chart: every claim known as of the day, at the date it
//! was made (a date window is a horizontal whisker) and its stated value,
//! one colour and marker per source; vertical bars for intervals, arrows for
//! one-sided bounds; a light band for the range and a darker one for the
//! consensus as of each date. Dense data is binned, never dropped.

use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::bands::{Pick, bands, consensus_of, range_of};
use super::{
    Area, INK, MUTED, Style, WIDTH, anchored, arrow, day_x, draw_svg, drawn, font, heading, iso,
    legend_row, legend_swatch, marker, styles,
};
use crate::analysis::{ClaimView, MetricHistory};
use crate::data::Qualifier;
use crate::error::Result;
use crate::render::number;

/// Height of the timeline.
const HEIGHT: u32 = 600;
/// Width of the legend panel on the right (outside the plot).
const LEGEND: u32 = 270;
/// With more claims than this, claims are binned by source and date.
pub const MAX_POINTS: usize = 400;
/// Upper bound on drawn bins (sources × date bins) when aggregating.
const MAX_BINS: usize = 600;
/// Fill of the range band.
const RANGE_FILL: RGBAColor = RGBAColor(0, 0, 0, 0.08);
/// Fill of the consensus band (drawn over the range band).
const CONSENSUS_FILL: RGBAColor = RGBAColor(0, 0, 0, 0.16);

/// Draws the timeline of `history`.
pub fn render(history: &MetricHistory) -> Result<String> {
    let style_of = styles(history.known.iter().map(|c| c.source.as_str()));
    let bins = bin_count(history.known.len(), style_of.len());
    let label = super::clean(&history.label);
    let title = format!("{label}: every claim by date, as of {}", iso(history.as_of));
    let desc = describe(history, style_of.len(), bins);
    draw_svg(HEIGHT, &title, &desc, |root| {
        draw(root, history, &style_of, bins)
    })
}

/// How many date bins to aggregate into; `None` when every claim is drawn.
fn bin_count(claims: usize, sources: usize) -> Option<usize> {
    (claims > MAX_POINTS).then(|| (MAX_BINS / sources.clamp(1, super::MAX_STYLED + 1)).clamp(4, 60))
}

/// The `<desc>`: what is shown, the latest figures, and any aggregation.
fn describe(history: &MetricHistory, sources: usize, bins: Option<usize>) -> String {
    let mut desc = format!(
        "Timeline of {} ({}) as of {}: {} claims from {} sources, each at the date it was made \
         (a horizontal whisker spans a date window) and its stated value in {}. Vertical bars are \
         intervals; arrows are one-sided bounds (up: at least, down: up to). Light band: range of \
         the current claims as of each date; dark band: the consensus of the estimates (absent \
         on days without one).",
        super::clean(&history.label),
        history.metric,
        iso(history.as_of),
        history.known.len(),
        sources,
        super::clean(&history.unit),
    );
    if let Some(last) = history.snapshots.last() {
        if let Some(range) = &last.range {
            desc.push_str(&format!(
                " Latest range {} (median {}).",
                crate::render::span(range.low, range.high),
                number(range.median)
            ));
        }
        desc.push_str(&format!(
            " Consensus of the estimates: {}.",
            crate::render::words::consensus_with_agreement(last.consensus.as_ref())
        ));
    }
    if let Some(bins) = bins {
        desc.push_str(&format!(
            " Too many claims to draw one by one ({} > {MAX_POINTS}): claims are binned per source \
             into {bins} equal date bins; each marker is the median point of its bin and its bar \
             the lowest to highest point.",
            history.known.len()
        ));
    }
    if sources > super::MAX_STYLED {
        desc.push_str(&format!(
            " Sources past the first {} (by id) share one grey style.",
            super::MAX_STYLED
        ));
    }
    desc
}

/// Draws heading, plot and legend.
fn draw(
    root: &Area,
    history: &MetricHistory,
    style_of: &BTreeMap<&str, Style>,
    bins: Option<usize>,
) -> Result<()> {
    let label = super::clean(&history.label);
    heading(
        root,
        &format!("{label} — every claim by the date it was made"),
        &format!(
            "As of {}: {} claims from {} sources",
            iso(history.as_of),
            history.known.len(),
            style_of.len()
        ),
    )?;
    let body = root.margin(64, 8, 8, 8);
    let (plot_area, legend_area) = body.split_horizontally(WIDTH - 16 - LEGEND);
    let (x0, x1) = x_extent(history);
    let y1 = y_max(history);
    let mut chart = drawn(
        ChartBuilder::on(&plot_area)
            .margin_right(16)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1, 0.0..y1),
    )?;
    let y_format = |y: &f64| number(*y);
    // plotters would put day ticks on round day numbers (2024-11-10); the
    // ticks are drawn below on month starts instead.
    drawn(
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(8)
            .max_light_lines(2)
            .y_label_formatter(&y_format)
            .label_style(font(12, INK))
            .axis_desc_style(font(13, MUTED))
            .x_desc("date claimed")
            .y_desc(super::clean(&history.unit))
            .light_line_style(RGBAColor(0, 0, 0, 0.04))
            .bold_line_style(RGBAColor(0, 0, 0, 0.1))
            .draw(),
    )?;
    let bottom = chart.plotting_area().get_pixel_range().1.end - 1;
    for (x, label) in super::date_ticks(x0, x1) {
        let grid = RGBAColor(0, 0, 0, 0.1).stroke_width(1);
        drawn(chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, 0.0), (x, y1)],
            grid,
        ))))?;
        let at = chart.backend_coord(&(x, 0.0));
        drawn(root.draw(&PathElement::new(
            vec![(at.0, bottom), (at.0, bottom + 5)],
            INK.stroke_width(1),
        )))?;
        let style = anchored(12, INK, HPos::Center, VPos::Top);
        drawn(root.draw(&Text::new(label, (at.0, bottom + 8), style)))?;
    }
    let end = day_x(history.as_of) + 0.5;
    // The consensus edge is thick and dark so a consensus on one number
    // (a band of zero height) stands out from the range's edges.
    let range_edge = RGBAColor(0, 0, 0, 0.2).stroke_width(1);
    let consensus_edge = RGBAColor(0, 0, 0, 0.45).stroke_width(3);
    for (fill, pick, edge) in [
        (RANGE_FILL, range_of as Pick, range_edge),
        (CONSENSUS_FILL, consensus_of, consensus_edge),
    ] {
        for polygon in bands(&history.snapshots, end, y1, pick) {
            // The outline keeps a band on one number (zero height) visible.
            let mut outline = polygon.clone();
            outline.extend(polygon.first().copied());
            drawn(chart.draw_series(std::iter::once(Polygon::new(polygon, fill.filled()))))?;

            drawn(chart.draw_series(std::iter::once(PathElement::new(outline, edge))))?;
        }
    }
    let to_px = |x: f64, y: f64| chart.backend_coord(&(x, y));
    match bins {
        None => {
            for claim in &history.known {
                let style = style_of
                    .get(claim.source.as_str())
                    .copied()
                    .unwrap_or(super::OTHER_STYLE);
                draw_claim(root, claim, style, &to_px, bottom)?;
            }
        }
        Some(bins) => draw_bins(root, history, style_of, bins, (x0, x1), &to_px)?,
    }
    legend(&legend_area, history, style_of)
}

/// The x extent: claimed windows and the as-of day, padded.
fn x_extent(history: &MetricHistory) -> (f64, f64) {
    let as_of = day_x(history.as_of);
    let start = history
        .known
        .iter()
        .map(|c| day_x(c.claimed.start))
        .fold(as_of, f64::min);
    let end = history
        .known
        .iter()
        .map(|c| day_x(c.claimed.end))
        .fold(as_of, f64::max);
    let pad = ((end - start) * 0.04).max(3.0);
    (start - pad, end + pad)
}

/// The top of the y axis: every finite number drawn, plus headroom for
/// the arrows of lower bounds.
fn y_max(history: &MetricHistory) -> f64 {
    let claims = history
        .known
        .iter()
        .flat_map(|c| [c.point, c.interval.high.unwrap_or(c.point)]);
    let bands = history.snapshots.iter().flat_map(|s| {
        let range = s.range.map_or(0.0, |r| r.high);
        let consensus = s
            .consensus
            .and_then(|c| c.high.or(Some(c.low)))
            .unwrap_or(0.0);
        [range, consensus]
    });
    let top = claims
        .chain(bands)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    if top > 0.0 { top * 1.15 } else { 1.0 }
}

/// Draws one claim: whisker, interval bar or bound arrow, then the marker.
fn draw_claim(
    root: &Area,
    claim: &ClaimView,
    style: Style,
    to_px: &impl Fn(f64, f64) -> (i32, i32),
    bottom: i32,
) -> Result<()> {
    let (start, end) = (day_x(claim.claimed.start), day_x(claim.claimed.end));
    let centre = to_px((start + end) / 2.0, claim.point);
    let line = style.colour.stroke_width(2);
    if end > start {
        let (a, b) = (to_px(start, claim.point), to_px(end, claim.point));
        drawn(root.draw(&PathElement::new(vec![a, b], line)))?;
        for x in [a.0, b.0] {
            drawn(root.draw(&PathElement::new(vec![(x, a.1 - 4), (x, a.1 + 4)], line)))?;
        }
    }
    match (claim.qualifier, claim.interval.high) {
        (Qualifier::AtLeast, _) => arrow(root, centre, (centre.0, centre.1 - 26), style.colour)?,
        (Qualifier::UpTo, _) => {
            let tip = (centre.1 + 26).min(bottom);
            arrow(root, centre, (centre.0, tip), style.colour)?;
        }
        (_, Some(high)) if high > claim.interval.low => {
            let (low, high) = (to_px(0.0, claim.interval.low).1, to_px(0.0, high).1);
            drawn(root.draw(&PathElement::new(
                vec![(centre.0, low), (centre.0, high)],
                line,
            )))?;
            for y in [low, high] {
                drawn(root.draw(&PathElement::new(
                    vec![(centre.0 - 4, y), (centre.0 + 4, y)],
                    line,
                )))?;
            }
        }
        _ => {}
    }
    marker(root, centre, 5, style)
}

/// Draws claims binned by source style and date: a bar from the least to
/// the greatest point of the bin and a marker at its median.
fn draw_bins(
    root: &Area,
    history: &MetricHistory,
    style_of: &BTreeMap<&str, Style>,
    bins: usize,
    (x0, x1): (f64, f64),
    to_px: &impl Fn(f64, f64) -> (i32, i32),
) -> Result<()> {
    let width = (x1 - x0) / bins as f64;
    // Key: (style index in id order or MAX for "other", bin) -> points.
    let mut groups: BTreeMap<(usize, usize), (Style, Vec<f64>)> = BTreeMap::new();
    let index: BTreeMap<&str, usize> = style_of
        .keys()
        .enumerate()
        .map(|(i, id)| (*id, i.min(super::MAX_STYLED)))
        .collect();
    for claim in &history.known {
        let style = style_of
            .get(claim.source.as_str())
            .copied()
            .unwrap_or(super::OTHER_STYLE);
        let slot = index
            .get(claim.source.as_str())
            .copied()
            .unwrap_or(super::MAX_STYLED);
        let mid = (day_x(claim.claimed.start) + day_x(claim.claimed.end)) / 2.0;
        let bin = (((mid - x0) / width) as usize).min(bins - 1);
        groups
            .entry((slot, bin))
            .or_insert_with(|| (style, Vec::new()))
            .1
            .push(claim.point);
    }
    // Within a bin, each source style gets its own slot so markers of
    // different sources do not hide one another.
    let slots = (index.len().min(super::MAX_STYLED + 1)) as f64;
    for ((slot, bin), (style, mut points)) in groups {
        points.sort_by(f64::total_cmp);
        let x = x0 + (bin as f64 + (slot as f64 + 0.5) / slots) * width;
        let median = points[points.len() / 2];
        let (low, high) = (points[0], points[points.len() - 1]);
        // Thin, faint spread bars so the medians (markers) carry the eye.
        let line = style.colour.mix(0.5).stroke_width(1);
        drawn(root.draw(&PathElement::new(vec![to_px(x, low), to_px(x, high)], line)))?;
        marker(root, to_px(x, median), 4, style)?;
    }
    Ok(())
}

/// The legend panel: one row per source, then the bands and glyphs.
fn legend(area: &Area, history: &MetricHistory, style_of: &BTreeMap<&str, Style>) -> Result<()> {
    let names: BTreeMap<&str, &str> = history
        .known
        .iter()
        .map(|c| (c.source.as_str(), c.source_name.as_str()))
        .collect();
    let width = LEGEND - 8;
    let mut y = 12;
    drawn(area.draw(&Text::new(
        "Sources",
        (8, y),
        anchored(13, MUTED, HPos::Left, VPos::Center),
    )))?;
    // Two lines per name while they fit; one line for many sources.
    let lines = if style_of.len() <= 12 { 2 } else { 1 };
    let mut others = 0;
    y += 19;
    for (id, style) in style_of {
        if *style == super::OTHER_STYLE && style_of.len() > super::MAX_STYLED {
            others += 1;
            continue;
        }
        let name = names.get(id).copied().unwrap_or(id);
        y += legend_row(area, (8, y), width, *style, name, lines)? + 4;
    }
    if others > 0 {
        let label = format!("{others} other sources");
        y += legend_row(area, (8, y), width, super::OTHER_STYLE, &label, 1)? + 4;
    }
    y += 14;
    legend_swatch(area, (8, y), width, RANGE_FILL, "range of current claims")?;
    y += 19;
    // The consensus band lies over the range band: show the two combined.
    legend_swatch(
        area,
        (8, y),
        width,
        RGBAColor(0, 0, 0, 0.23),
        "consensus (most overlap)",
    )?;
    let key = [
        "│ bar: stated interval",
        "↑ arrow: at least",
        "↓ arrow: up to",
        "─ whisker: date window",
    ];
    for line in key {
        y += 19;
        drawn(area.draw(&Text::new(
            line,
            (8, y),
            anchored(12, MUTED, HPos::Left, VPos::Center),
        )))?;
    }
    Ok(())
}
