//! The marks every chart shares: source markers (a colour and a shape, with
//! a dark outline so light colours and grey prints still show them), arrows
//! for open and one-sided bounds, and legend entries.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Area, INK, Shape, Style, anchored, drawn, fit, wrap};
use crate::error::Result;

/// Draws a marker of `style` centred on the pixel `at`, `r` pixels in
/// radius, with a dark outline so light colours stay visible.
pub fn marker(area: &Area, at: (i32, i32), r: i32, style: Style) -> Result<()> {
    let (x, y) = at;
    let fill = style.colour.filled();
    let edge = ShapeStyle::from(&INK).stroke_width(1);
    if style.shape == Shape::Circle {
        drawn(area.draw(&Circle::new(at, r as u32, fill)))?;
        return drawn(area.draw(&Circle::new(at, r as u32, edge)));
    }
    let t = (r / 3).max(1);
    let points: Vec<(i32, i32)> = match style.shape {
        Shape::Circle | Shape::Square => vec![(-r, -r), (r, -r), (r, r), (-r, r)],
        Shape::Up => vec![(0, -r - 1), (r + 1, r), (-r - 1, r)],
        Shape::Down => vec![(0, r + 1), (r + 1, -r), (-r - 1, -r)],
        Shape::Diamond => vec![(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)],
        Shape::Plus => vec![
            (-t, -r),
            (t, -r),
            (t, -t),
            (r, -t),
            (r, t),
            (t, t),
            (t, r),
            (-t, r),
            (-t, t),
            (-r, t),
            (-r, -t),
            (-t, -t),
        ],
        Shape::Cross => vec![
            (-r, -r + t),
            (-r + t, -r),
            (0, -t),
            (r - t, -r),
            (r, -r + t),
            (t, 0),
            (r, r - t),
            (r - t, r),
            (0, t),
            (-r + t, r),
            (-r, r - t),
            (-t, 0),
        ],
    };
    let absolute: Vec<(i32, i32)> = points.iter().map(|(dx, dy)| (x + dx, y + dy)).collect();
    drawn(area.draw(&Polygon::new(absolute.clone(), fill)))?;
    let mut ring = absolute;
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    drawn(area.draw(&PathElement::new(ring, edge)))
}

/// Draws an arrow from pixel `from` to pixel `to` with a head at `to`.
pub fn arrow(area: &Area, from: (i32, i32), to: (i32, i32), colour: RGBColor) -> Result<()> {
    drawn(area.draw(&PathElement::new(vec![from, to], colour.stroke_width(2))))?;
    let (dx, dy) = (f64::from(to.0 - from.0), f64::from(to.1 - from.1));
    let length = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / length, dy / length);
    let head = 7.0;
    let base = (f64::from(to.0) - ux * head, f64::from(to.1) - uy * head);
    let wing = |sign: f64| {
        (
            (base.0 - uy * head * 0.55 * sign).round() as i32,
            (base.1 + ux * head * 0.55 * sign).round() as i32,
        )
    };
    drawn(area.draw(&Polygon::new(
        vec![to, wing(1.0), wing(-1.0)],
        colour.filled(),
    )))
}

/// Draws a legend entry: a marker then the label, wrapped to at most
/// `lines` lines, left-aligned at pixel `at` (the first line's centre)
/// within `width` pixels. Returns the height used.
pub fn legend_row(
    area: &Area,
    at: (i32, i32),
    width: u32,
    style: Style,
    label: &str,
    lines: usize,
) -> Result<i32> {
    marker(area, (at.0 + 7, at.1), 5, style)?;
    let text_style = anchored(13, INK, HPos::Left, VPos::Center);
    let wrapped = wrap(area, label, &text_style, width.saturating_sub(22), lines)?;
    let count = wrapped.len() as i32;
    for (i, line) in wrapped.into_iter().enumerate() {
        let y = at.1 + 16 * i as i32;
        drawn(area.draw(&Text::new(line, (at.0 + 20, y), text_style.clone())))?;
    }
    Ok(16 * count)
}

/// Draws a legend swatch (a filled box) then the label.
pub fn legend_swatch(
    area: &Area,
    at: (i32, i32),
    width: u32,
    colour: RGBAColor,
    label: &str,
) -> Result<()> {
    drawn(area.draw(&Rectangle::new(
        [(at.0, at.1 - 6), (at.0 + 14, at.1 + 6)],
        colour.filled(),
    )))?;
    let text_style = anchored(13, INK, HPos::Left, VPos::Center);
    let text = fit(area, label, &text_style, width.saturating_sub(22))?;
    drawn(area.draw(&Text::new(text, (at.0 + 20, at.1), text_style)))
}
