//! The `ranges` chart, a forest plot: one row per source's current claim,
//! its interval as a horizontal bar (arrow-ended when open), its point as a
//! marker, the consensus as a shaded vertical band, labels with source and
//! date. Past [`MAX_ROWS`] claims, neighbouring rows (by point) are merged.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    Area, INK, MUTED, OTHER_STYLE, Style, anchored, arrow, consensus_text, draw_svg, drawn, fit,
    font, heading, iso, marker, styles, wrap,
};
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
/// Colour of a stale claim (left out of every figure).
const STALE: RGBColor = RGBColor(0xbb, 0xbb, 0xbb);
/// Fill of the consensus band.
const CONSENSUS_FILL: RGBAColor = RGBAColor(0, 0, 0, 0.12);

/// One drawn row: a claim, or a group of neighbouring claims.
struct Row {
    /// First label line (source name).
    name: String,
    /// Second label line (date and stated number).
    detail: String,
    /// Interval low.
    low: f64,
    /// Interval high; `None` when open.
    high: Option<f64>,
    /// Marker position.
    point: f64,
    /// Marker style.
    style: Style,
}

/// Draws the forest plot of `view`.
pub fn render(view: &MetricView) -> Result<String> {
    let rows = rows(view);
    let label = super::clean(&view.label);
    let title = format!(
        "{label}: current claim of each source, as of {}",
        iso(view.as_of)
    );
    let desc = describe(view, &rows);
    let height = 64 + 28 + ROW * rows.len().max(1) as u32 + 56;
    draw_svg(height, &title, &desc, |root| draw(root, view, &rows))
}

/// What a claim states, in words.
fn stated(claim: &ClaimView) -> String {
    match (claim.qualifier, claim.stated) {
        (_, Stated::Range(low, high)) => span(low, high),
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

/// The rows: one per current claim sorted by point then source, or merged
/// groups of neighbours when there are more than [`MAX_ROWS`].
fn rows(view: &MetricView) -> Vec<Row> {
    let style_of = styles(view.current.iter().map(|c| c.source.as_str()));
    let mut claims: Vec<&ClaimView> = view.current.iter().collect();
    claims.sort_by(|a, b| {
        a.point
            .total_cmp(&b.point)
            .then_with(|| a.source.cmp(&b.source))
    });
    if claims.len() <= MAX_ROWS {
        return claims
            .into_iter()
            .map(|c| {
                let style = style_of
                    .get(c.source.as_str())
                    .copied()
                    .unwrap_or(OTHER_STYLE);
                // A stale claim no longer counts: greyed, and its label says so.
                let (style, stale) = if c.stale {
                    (
                        Style {
                            colour: STALE,
                            ..style
                        },
                        " · stale",
                    )
                } else {
                    (style, "")
                };
                Row {
                    name: c.source_name.clone(),
                    detail: format!("{} · {}{stale}", when(&c.claimed), stated(c)),
                    low: c.interval.low,
                    high: c.interval.high,
                    point: c.point,
                    style,
                }
            })
            .collect();
    }
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
                name: format!(
                    "{} sources: {} … {}",
                    group.len(),
                    first.source_name,
                    last.source_name
                ),
                detail: format!("points {}, median marked", span(first.point, last.point)),
                low,
                high,
                point: group[group.len() / 2].point,
                style: OTHER_STYLE,
            }
        })
        .collect()
}

/// The `<desc>`: what is shown, the consensus and every row.
fn describe(view: &MetricView, rows: &[Row]) -> String {
    let mut desc = format!(
        "Forest plot of {} ({}) as of {}: the current claim of each of {} sources, its interval \
         as a horizontal bar (an arrow when open above) and its point as a marker; the shaded \
         vertical band is the consensus, the stretch most intervals cover.",
        super::clean(&view.label),
        view.metric,
        iso(view.as_of),
        view.current.len()
    );
    desc.push_str(&format!(
        " Consensus of the estimates: {}. Bounds: {}.",
        words::consensus_with_agreement(view.consensus.as_ref()),
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
        desc.push_str(&format!(" {}: {}.", super::clean(&row.name), row.detail));
    }
    desc
}

/// Draws heading, consensus band, rows and labels.
fn draw(root: &Area, view: &MetricView, rows: &[Row]) -> Result<()> {
    let label = super::clean(&view.label);
    let subtitle = if view.current.is_empty() {
        format!("As of {}: no claims known yet", iso(view.as_of))
    } else {
        format!(
            "As of {}: {} sources; consensus {}",
            iso(view.as_of),
            view.current.len(),
            words::consensus_with_agreement(view.consensus.as_ref()),
        )
    };
    heading(
        root,
        &format!("{label} — current claim of each source"),
        &subtitle,
    )?;
    let body = root.margin(64, 8, 8, 8);
    let (label_area, plot_area) = body.split_horizontally(LABELS);
    let n = rows.len().max(1) as f64;
    let x1 = x_max(view, rows);
    let mut chart = drawn(
        ChartBuilder::on(&plot_area)
            .margin_top(28)
            .margin_right(24)
            .x_label_area_size(44)
            .build_cartesian_2d(0.0..x1, -0.5..n - 0.5),
    )?;
    let x_format = |x: &f64| number(*x);
    drawn(
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_labels(7)
            .max_light_lines(2)
            .x_label_formatter(&x_format)
            .label_style(font(12, INK))
            .axis_desc_style(font(13, MUTED))
            .x_desc(super::clean(&view.unit))
            .light_line_style(RGBAColor(0, 0, 0, 0.04))
            .bold_line_style(RGBAColor(0, 0, 0, 0.1))
            .draw(),
    )?;
    if let Some(c) = &view.consensus {
        let high = c.high.unwrap_or(x1).min(x1);
        let (top, bottom) = (
            chart.backend_coord(&(c.low, n - 0.5)),
            chart.backend_coord(&(high, -0.5)),
        );
        // A consensus on one number is a stretch of zero width: draw it at
        // least 4 pixels wide, and darker, so it shows.
        let (mut left, mut right) = (top.0, bottom.0);
        let mut fill = CONSENSUS_FILL;
        if right - left < 4 {
            let middle = (left + right) / 2;
            (left, right) = (middle - 2, middle + 2);
            fill = fill.mix(2.5);
        }
        drawn(root.draw(&Rectangle::new(
            [(left, top.1), (right, bottom.1)],
            fill.filled(),
        )))?;
        let top = ((left + right) / 2, top.1);
        let text = format!("consensus {}", consensus_text(c.low, c.high));
        drawn(root.draw(&Text::new(
            text,
            (top.0, top.1 - 4),
            anchored(12, MUTED, HPos::Center, VPos::Bottom),
        )))?;
    }
    let right = chart.plotting_area().get_pixel_range().0.end - 2;
    for (i, row) in rows.iter().enumerate() {
        let y = n - 1.0 - i as f64;
        let at = |x: f64| chart.backend_coord(&(x, y));
        draw_row(root, row, &at, right)?;
        let left = label_area.get_base_pixel();
        let py = at(0.0).1;
        let name_style = anchored(13, INK, HPos::Left, VPos::Bottom);
        let lines = wrap(root, &row.name, &name_style, LABELS - 16, 2)?;
        let count = lines.len() as i32;
        for (k, line) in lines.into_iter().enumerate() {
            let y = py - 1 - 15 * (count - 1 - k as i32);
            drawn(root.draw(&Text::new(line, (left.0 + 8, y), name_style.clone())))?;
        }
        let detail_style = anchored(11, MUTED, HPos::Left, VPos::Top);
        let detail = fit(root, &row.detail, &detail_style, LABELS - 16)?;
        drawn(root.draw(&Text::new(detail, (left.0 + 8, py + 2), detail_style)))?;
    }
    Ok(())
}

/// The right end of the x axis, with room past every finite number.
fn x_max(view: &MetricView, rows: &[Row]) -> f64 {
    let finite = rows
        .iter()
        .flat_map(|r| [r.low, r.point, r.high.unwrap_or(0.0)]);
    let consensus = view
        .consensus
        .iter()
        .flat_map(|c| [c.low, c.high.unwrap_or(0.0)]);
    let top = finite
        .chain(consensus)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    if top > 0.0 { top * 1.12 } else { 1.0 }
}

/// Draws one row's bar (with caps, or an arrow when open) and marker.
fn draw_row(root: &Area, row: &Row, at: &impl Fn(f64) -> (i32, i32), right: i32) -> Result<()> {
    let line = row.style.colour.stroke_width(2);
    let from = at(row.low);
    match row.high {
        Some(high) => {
            let to = at(high);
            if to.0 > from.0 {
                drawn(root.draw(&PathElement::new(vec![from, to], line)))?;
                for x in [from.0, to.0] {
                    drawn(root.draw(&PathElement::new(
                        vec![(x, from.1 - 6), (x, from.1 + 6)],
                        line,
                    )))?;
                }
            }
        }
        None => {
            drawn(root.draw(&PathElement::new(
                vec![(from.0, from.1 - 6), (from.0, from.1 + 6)],
                line,
            )))?;
            arrow(root, from, (right, from.1), row.style.colour)?;
        }
    }
    marker(root, at(row.point), 6, row.style)
}
