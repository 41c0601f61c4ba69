//! The `timeline` chart: every claim known as of the day, at the date it
//! was made (a date window is a horizontal whisker) and its stated value,
//! in its source's colour with its source's number beside it, its marker
//! shaped by its qualifier; vertical bars for intervals, arrows for
//! one-sided bounds; a light band for the range and a darker one for the
//! consensus as of each date (absent on days without one, fading out where
//! open); stale claims grey. Dense data is binned, never dropped.

use std::collections::{BTreeMap, BTreeSet};

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::bands::{Run, bands, consensus_of, range_of};
use super::events::Rect;
use super::{
    Area, INK, Key, MUTED, STALE, Shape, Style, WIDTH, anchored, arrow, day_x, draw_svg, drawn,
    fade, font, heading, hollow_marker, iso, key_strip, legend_row, marker, source_colour, tag,
};
use super::{Options, Scale, ValueAxis};
use crate::analysis::{ClaimView, MetricHistory, MetricView};
use crate::data::Event;
use crate::data::Qualifier;
use crate::error::Result;
use crate::render::{number, words};

/// Height of the timeline.
const HEIGHT: u32 = 640;
/// Width of the legend panel on the right (outside the plot).
const LEGEND: u32 = 270;
/// Height of the key strip under the plot.
const KEY: u32 = 44;
/// With more claims than this, claims are binned by source and date.
pub const MAX_POINTS: usize = 400;
/// Upper bound on drawn bins (sources × date bins) when aggregating.
const MAX_BINS: usize = 600;
/// Fill of the range band.
const RANGE_FILL: RGBAColor = RGBAColor(0, 0, 0, 0.08);
/// Fill of the consensus band (drawn over the range band).
const CONSENSUS_FILL: RGBAColor = RGBAColor(0, 0, 0, 0.16);
/// Strips an open stretch fades out in.
const FADE_STRIPS: usize = 6;

/// The sources of a history in row order: row → (colour, number, label).
type Sources<'a> = BTreeMap<usize, (RGBColor, String, &'a str)>;

/// Draws the timeline of `history`; `view` (the same day) says which
/// current claims are stale.
pub fn render(view: &MetricView, history: &MetricHistory, options: &Options) -> Result<String> {
    let sources: Sources = history
        .known
        .iter()
        .map(|c| {
            let label = c.source_short.as_str();
            (c.source_row, (source_colour(c), tag(c), label))
        })
        .collect();
    let stale: BTreeSet<&str> = view
        .current
        .iter()
        .filter(|c| c.stale)
        .map(|c| c.id.as_str())
        .collect();
    let bins = bin_count(history.known.len(), sources.len());
    let label = super::clean(&history.label);
    let title = format!("{label}: every claim by date, as of {}", iso(history.as_of));
    let mut desc = describe(history, &sources, stale.len(), bins);
    if options.scale == Scale::Log {
        desc.push_str(" The value axis is on a log scale: equal steps are equal ratios.");
    }
    let events = by_date(&options.events);
    if !events.is_empty() {
        let list: Vec<String> = events
            .iter()
            .map(|e| format!("{} {}", e.date, super::clean(&e.label)))
            .collect();
        desc.push_str(&format!(
            " Thin vertical rules mark {}: {}.",
            words::count(events.len(), "event", "events"),
            list.join("; ")
        ));
    }
    draw_svg(HEIGHT, &title, &desc, |root| {
        draw(root, history, &sources, &stale, bins, options)
    })
}

/// How many date bins to aggregate into; `None` when every claim is drawn.
fn bin_count(claims: usize, sources: usize) -> Option<usize> {
    (claims > MAX_POINTS).then(|| (MAX_BINS / sources.max(1)).clamp(4, 60))
}

/// The `<desc>`: what is shown, who is who, the latest figures, and any
/// aggregation.
fn describe(
    history: &MetricHistory,
    sources: &Sources,
    stale: usize,
    bins: Option<usize>,
) -> String {
    let mut desc = format!(
        "Timeline of {} ({}) as of {}: {} from {}, each at the date it {} \
         (a horizontal whisker spans a date window) and its stated value in {}. Each source has \
         one colour and its number (its row in sources.csv) beside its marks; the marker shape is \
         the qualifier (circle exact, diamond about, square range, triangle up at least, \
         triangle down up to). Vertical bars are intervals; arrows are one-sided bounds (up: at \
         least, down: up to). Light band: range of the current claims as of each date; dark \
         band: the consensus of the estimates (absent on days without one).",
        super::clean(&history.label),
        history.metric,
        iso(history.as_of),
        words::count(history.known.len(), "claim", "claims"),
        words::count(sources.len(), "source", "sources"),
        if history.known.iter().any(|c| c.refers_to.is_some()) {
            "describes (refers_to, else the date it was made)"
        } else {
            "was made"
        },
        super::clean(&history.unit),
    );
    let names: Vec<String> = sources
        .values()
        .map(|(_, tag, label)| format!("{tag} {}", super::clean(label)))
        .collect();
    if !names.is_empty() {
        desc.push_str(&format!(" Sources: {}.", names.join("; ")));
    }
    let described = history
        .known
        .iter()
        .filter(|c| c.refers_to.is_some())
        .count();
    if described > 0 {
        desc.push_str(&format!(
            " {} at the day or period {} (refers_to), not the day it was made.",
            words::count(described, "claim is drawn", "claims are drawn"),
            words::plural(described, "it describes", "they describe")
        ));
    }
    let alternatives: usize = history.known.iter().map(|c| c.alternatives.len()).sum();
    if alternatives > 0 {
        desc.push_str(&format!(
            " Hollow markers: {} the same source gave in the same statement \
             (alternatives, in no figure).",
            words::count(alternatives, "other figure", "other figures")
        ));
    }
    let central = history
        .known
        .iter()
        .filter(|c| c.stated.central().is_some())
        .count();
    if central > 0 {
        desc.push_str(" A cross-bar on a range marks its stated central estimate.");
    }
    if stale > 0 {
        desc.push_str(&format!(
            " Grey: {stale} stale current {} (left out of the figures).",
            words::plural(stale, "claim", "claims")
        ));
    }
    if let Some(last) = history.snapshots.last() {
        if let Some(range) = &last.range {
            desc.push_str(&format!(
                " Latest range {} (median {}).",
                crate::render::span(range.low, range.high),
                crate::render::figure(range.median, history.decimals)
            ));
        }
        desc.push_str(&format!(
            " Consensus of the estimates: {}.",
            crate::render::words::consensus_with_agreement(&crate::render::words::Outcome::bare(
                last.consensus.as_ref(),
                history.decimals
            ))
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
    desc
}

/// Draws heading, plot, legend and key.
fn draw(
    root: &Area,
    history: &MetricHistory,
    sources: &Sources,
    stale: &BTreeSet<&str>,
    bins: Option<usize>,
    options: &Options,
) -> Result<()> {
    let label = super::clean(&history.label);
    let described = history.known.iter().any(|c| c.refers_to.is_some());
    let log = if options.scale == Scale::Log {
        "; log scale"
    } else {
        ""
    };
    heading(
        root,
        &format!(
            "{label} — every claim by the date {}",
            if described {
                "it describes"
            } else {
                "it was made"
            }
        ),
        &format!(
            "As of {}: {} from {}{log}",
            iso(history.as_of),
            words::count(history.known.len(), "claim", "claims"),
            words::count(sources.len(), "source", "sources"),
        ),
    )?;
    let body = root.margin(64, 8, 8, 8);
    let (main, key_area) = body.split_vertically(HEIGHT - 64 - 8 - KEY);
    let (plot_area, legend_area) = main.split_horizontally(WIDTH - 16 - LEGEND);
    let events = by_date(&options.events);
    let (x0, x1) = x_extent(history, &events);
    let axis = y_axis(history, options.scale);
    let (y0, y1) = axis.ends();
    let mut chart = drawn(
        ChartBuilder::on(&plot_area)
            .margin_right(16)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1, y0..y1),
    )?;
    let log = options.scale == Scale::Log;
    let y_format = |y: &f64| number(*y);
    // plotters would put day ticks on round day numbers (2024-11-10); the
    // ticks are drawn below on month starts instead.
    drawn(
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            // A log axis gets its ticks on 1-2-5 numbers, drawn below.
            .y_labels(if log { 0 } else { 8 })
            .max_light_lines(2)
            .y_label_formatter(&y_format)
            .label_style(font(12, INK))
            .axis_desc_style(font(13, MUTED))
            .x_desc(if described {
                "date described (refers_to, else claimed)"
            } else {
                "date claimed"
            })
            .y_desc(super::clean(&history.unit))
            .light_line_style(RGBAColor(0, 0, 0, 0.04))
            .bold_line_style(RGBAColor(0, 0, 0, 0.1))
            .draw(),
    )?;
    let bottom = chart.plotting_area().get_pixel_range().1.end - 1;
    if log {
        for value in axis.log_ticks() {
            let y = axis.at(value);
            let grid = RGBAColor(0, 0, 0, 0.1).stroke_width(1);
            drawn(chart.draw_series(std::iter::once(PathElement::new(
                vec![(x0, y), (x1, y)],
                grid,
            ))))?;
            let at = chart.backend_coord(&(x0, y));
            drawn(root.draw(&PathElement::new(
                vec![(at.0 - 5, at.1), (at.0, at.1)],
                INK.stroke_width(1),
            )))?;
            let style = anchored(12, INK, HPos::Right, VPos::Center);
            drawn(root.draw(&Text::new(number(value), (at.0 - 8, at.1), style)))?;
        }
    }
    for (x, label) in super::date_ticks(x0, x1) {
        let grid = RGBAColor(0, 0, 0, 0.1).stroke_width(1);
        drawn(chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, y0), (x, y1)],
            grid,
        ))))?;
        let at = chart.backend_coord(&(x, y0));
        drawn(root.draw(&PathElement::new(
            vec![(at.0, bottom), (at.0, bottom + 5)],
            INK.stroke_width(1),
        )))?;
        let style = anchored(12, INK, HPos::Center, VPos::Top);
        drawn(root.draw(&Text::new(label, (at.0, bottom + 8), style)))?;
    }
    let end = day_x(history.as_of) + 0.5;
    let to_px = |x: f64, y: f64| chart.backend_coord(&(x, axis.at(y.max(axis.low))));
    // The consensus edge is thick and dark so a consensus on one number
    // (a band of zero height) stands out from the range's edges.
    let range_edge = RGBAColor(0, 0, 0, 0.2).stroke_width(1);
    let consensus_edge = RGBAColor(0, 0, 0, 0.45).stroke_width(3);
    for run in bands(&history.snapshots, end, axis.high, range_of) {
        draw_band(root, &run, RANGE_FILL, range_edge, &to_px)?;
    }
    for run in bands(&history.snapshots, end, axis.high, consensus_of) {
        draw_band(root, &run, CONSENSUS_FILL, consensus_edge, &to_px)?;
    }
    let mut taken: Vec<Rect> = Vec::new();
    match bins {
        None => {
            // Source row, then claim id: the order of the marks in the file
            // follows the data's identity, not the dates, so a changed
            // claim moves only its own marks.
            let mut claims: Vec<&ClaimView> = history.known.iter().collect();
            claims.sort_by(|a, b| (a.source_row, &a.id).cmp(&(b.source_row, &b.id)));
            let mut tags = Vec::with_capacity(claims.len());
            for claim in claims {
                let mut style = Style::of(claim);
                if stale.contains(claim.id.as_str()) {
                    style.colour = STALE;
                }
                let centre = draw_claim(root, claim, style, &to_px, bottom)?;
                tags.push((centre, tag(claim)));
            }
            // Event labels keep off the marks and their numbers.
            let marks: Vec<Rect> = tags
                .iter()
                .map(|((x, y), _)| (x - 7, y - 7, x + 7, y + 7))
                .collect();
            taken.extend(marks);
            taken.extend(draw_tags(root, tags)?);
        }
        Some(bins) => draw_bins(root, history, bins, (x0, x1), &to_px)?,
    }
    if !events.is_empty() {
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let plot = (xs.start, ys.start, xs.end - 1, ys.end - 1);
        let x_px = |day| chart.backend_coord(&(day_x(day), y0)).0;
        super::events::draw(root, &events, x_px, &taken, plot)?;
    }
    legend(&legend_area, sources)?;
    let alternatives = history.known.iter().any(|c| !c.alternatives.is_empty());
    key(&key_area, !stale.is_empty(), alternatives)
}

/// Draws one band run: a closed run filled and outlined; an open one
/// fading out from its lower edge, which alone is outlined.
fn draw_band(
    root: &Area,
    run: &Run,
    fill: RGBAColor,
    edge: ShapeStyle,
    to_px: &impl Fn(f64, f64) -> (i32, i32),
) -> Result<()> {
    let px = |points: Vec<(f64, f64)>| -> Vec<(i32, i32)> {
        points.into_iter().map(|(x, y)| to_px(x, y)).collect()
    };
    if run.open {
        let strips = run
            .strips(FADE_STRIPS)
            .iter()
            .map(|s| px(s.polygon()))
            .collect();
        fade(root, strips, RGBColor(0, 0, 0), fill.3)?;
        return drawn(root.draw(&PathElement::new(px(run.lower_edge()), edge)));
    }
    let polygon = px(run.polygon());
    // The outline keeps a band on one number (zero height) visible.
    let mut outline = polygon.clone();
    outline.extend(polygon.first().copied());
    drawn(root.draw(&Polygon::new(polygon, fill.filled())))?;
    drawn(root.draw(&PathElement::new(outline, edge)))
}

/// `events` sorted by date (start, end), then file order.
fn by_date(events: &[Event]) -> Vec<&Event> {
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by_key(|e| (e.date.start, e.date.end));
    sorted
}

/// The x extent: claimed windows, the events and the as-of day, padded.
fn x_extent(history: &MetricHistory, events: &[&Event]) -> (f64, f64) {
    let as_of = day_x(history.as_of);
    let claims = history
        .known
        .iter()
        .map(|c| (day_x(c.describes().start), day_x(c.describes().end)));
    let marked = events
        .iter()
        .map(|e| (day_x(e.date.start), day_x(e.date.end).min(as_of)));
    let (start, end) = claims
        .chain(marked)
        .fold((as_of, as_of), |(s, e), (a, b)| (s.min(a), e.max(b)));
    let pad = ((end - start) * 0.04).max(3.0);
    (start - pad, end + pad)
}

/// The linear y extent, as drawn ([`y_axis`]).
#[cfg(test)]
pub(super) fn y_extent(history: &MetricHistory) -> (f64, f64) {
    let axis = y_axis(history, Scale::Linear);
    (axis.low, axis.high)
}

/// The y axis ([`ValueAxis::fit`]): every finite number drawn (points,
/// finite interval ends other than an "up to"'s 0, which is drawn as an
/// arrow, and the bands), plus headroom for the arrows of lower bounds.
fn y_axis(history: &MetricHistory, scale: Scale) -> ValueAxis {
    let claims = history.known.iter().flat_map(|c| {
        let low = (c.qualifier != Qualifier::UpTo).then_some(c.interval.low);
        [Some(c.point), low, c.interval.high]
    });
    let bands = history.snapshots.iter().flat_map(|s| {
        let range = s.range.iter().flat_map(|r| [Some(r.low), Some(r.high)]);
        let consensus = s.consensus.iter().flat_map(|c| [Some(c.low), c.high]);
        range.chain(consensus).collect::<Vec<_>>()
    });
    ValueAxis::fit(claims.chain(bands).flatten(), 0.15, scale)
}

/// Draws one claim: whisker, interval bar or bound arrow, then the marker;
/// returns the marker's centre.
fn draw_claim(
    root: &Area,
    claim: &ClaimView,
    style: Style,
    to_px: &impl Fn(f64, f64) -> (i32, i32),
    bottom: i32,
) -> Result<(i32, i32)> {
    let window = claim.describes();
    let (start, end) = (day_x(window.start), day_x(window.end));
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
    // A range's stated central estimate: a bar across it, under the marker.
    if claim.stated.central().is_some() {
        drawn(root.draw(&PathElement::new(
            vec![(centre.0 - 9, centre.1), (centre.0 + 9, centre.1)],
            line,
        )))?;
    }
    // The other figures given in the same statement: hollow, on a thin bar
    // when they are ranges, beside the claim's date.
    for alternative in &claim.alternatives {
        let at = to_px((start + end) / 2.0, alternative.point);
        let (low, high) = alternative.stated.ends();
        if high > low {
            let (low, high) = (to_px(0.0, low).1, to_px(0.0, high).1);
            let thin = style.colour.stroke_width(1);
            drawn(root.draw(&PathElement::new(vec![(at.0, low), (at.0, high)], thin)))?;
        }
        hollow_marker(root, at, 5, style)?;
    }
    marker(root, centre, 5, style)?;
    Ok(centre)
}

/// Draws each mark's source number beside it, at the first of four corners
/// where it overlaps no number already drawn; a number with no free corner
/// (a dense cluster) is left out rather than drawn over another. Numbers go
/// on top of every mark, in the marks' order. Returns the numbers' boxes.
fn draw_tags(root: &Area, tags: Vec<((i32, i32), String)>) -> Result<Vec<Rect>> {
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    for ((x, y), text) in tags {
        // DejaVu Sans digits at 10 px are about 6.4 px wide, 8 px tall.
        let width = 7 * text.len() as i32;
        let corners = [
            (x + 6, y - 13, HPos::Left, VPos::Bottom),
            (x + 6, y + 3, HPos::Left, VPos::Top),
            (x - 6 - width, y - 13, HPos::Right, VPos::Bottom),
            (x - 6 - width, y + 3, HPos::Right, VPos::Top),
        ];
        let free = corners.into_iter().find(|(left, top, _, _)| {
            let b = (*left, *top, left + width, top + 10);
            placed
                .iter()
                .all(|p| b.2 <= p.0 || p.2 <= b.0 || b.3 <= p.1 || p.3 <= b.1)
        });
        let Some((left, top, h, v)) = free else {
            continue;
        };
        placed.push((left, top, left + width, top + 10));
        let at = match (h, v) {
            (HPos::Left, VPos::Bottom) => (x + 6, y - 3),
            (HPos::Left, _) => (x + 6, y + 3),
            (_, VPos::Bottom) => (x - 6, y - 3),
            _ => (x - 6, y + 3),
        };
        let style = anchored(10, MUTED, h, v);
        drawn(root.draw(&Text::new(text, at, style)))?;
    }
    Ok(placed)
}

/// Draws claims binned by source and date: a bar from the least to the
/// greatest point of the bin and a marker at its median (the analysis'
/// median, [`crate::analysis::median`]), in the source's colour, shaped as
/// the bin's qualifier when all its claims share one, else as a circle.
fn draw_bins(
    root: &Area,
    history: &MetricHistory,
    bins: usize,
    (x0, x1): (f64, f64),
    to_px: &impl Fn(f64, f64) -> (i32, i32),
) -> Result<()> {
    let width = (x1 - x0) / bins as f64;
    // Within a bin, each source gets its own slot (by row) so markers of
    // different sources do not hide one another.
    let rows: BTreeSet<usize> = history.known.iter().map(|c| c.source_row).collect();
    let slot: BTreeMap<usize, usize> = rows.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    // Key: (source row, bin) -> style, tag, points.
    type Bin = (Style, String, Vec<f64>);
    let mut groups: BTreeMap<(usize, usize), Bin> = BTreeMap::new();
    for claim in &history.known {
        let window = claim.describes();
        let mid = (day_x(window.start) + day_x(window.end)) / 2.0;
        let bin = (((mid - x0) / width) as usize).min(bins - 1);
        let style = Style::of(claim);
        let entry = groups
            .entry((claim.source_row, bin))
            .or_insert_with(|| (style, tag(claim), Vec::new()));
        if entry.0.shape != style.shape {
            entry.0.shape = Shape::Circle;
        }
        entry.2.push(claim.point);
    }
    let slots = rows.len().max(1) as f64;
    for ((row, bin), (style, _, points)) in groups {
        let place = slot.get(&row).copied().unwrap_or(0) as f64;
        let x = x0 + (bin as f64 + (place + 0.5) / slots) * width;
        let low = points.iter().copied().fold(f64::INFINITY, f64::min);
        let high = points.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let median = crate::chart::median(points);
        // Thin, faint spread bars so the medians (markers) carry the eye.
        let line = style.colour.mix(0.5).stroke_width(1);
        drawn(root.draw(&PathElement::new(vec![to_px(x, low), to_px(x, high)], line)))?;
        marker(root, to_px(x, median), 4, style)?;
    }
    Ok(())
}

/// The legend panel: one entry per source in row order (colour, number,
/// label), as many as fit; the rest are named in the description.
fn legend(area: &Area, sources: &Sources) -> Result<()> {
    let width = LEGEND - 8;
    let height = area.dim_in_pixel().1 as i32;
    let mut y = 12;
    drawn(area.draw(&Text::new(
        "Sources (number beside each mark)",
        (8, y),
        anchored(13, MUTED, HPos::Left, VPos::Center),
    )))?;
    // Two lines per label while they fit; one line for many sources.
    let lines = if sources.len() <= 12 { 2 } else { 1 };
    y += 19;
    for (k, (colour, tag, label)) in sources.values().enumerate() {
        let left = sources.len() - k;
        if left > 1 && y + 16 * lines as i32 + 20 > height {
            let more = format!("… {left} more sources: see the description");
            let style = anchored(12, MUTED, HPos::Left, VPos::Center);
            return drawn(area.draw(&Text::new(more, (8, y), style)));
        }
        y += legend_row(area, (8, y), width, (*colour, tag), label, lines)? + 4;
    }
    Ok(())
}

/// The key under the plot: shapes, bands and glyphs.
fn key(area: &Area, stale: bool, alternatives: bool) -> Result<()> {
    let mut keys: Vec<Key> = super::SHAPE_KEY
        .iter()
        .map(|(q, label)| Key::Shape(super::shape_of(*q), label))
        .collect();
    keys.extend([
        Key::Text("│ interval"),
        Key::Text("─ date window"),
        Key::Swatch(RANGE_FILL, "range"),
        // The consensus band lies over the range band: shown combined.
        Key::Swatch(RGBAColor(0, 0, 0, 0.23), "consensus"),
    ]);
    if stale {
        keys.push(Key::stale("stale"));
    }
    if alternatives {
        keys.push(Key::Hollow(Shape::Circle, "other figure, same statement"));
    }
    let right = area.dim_in_pixel().0 as i32 - 8;
    key_strip(area, (8, 12), right, &keys).map(|_| ())
}
