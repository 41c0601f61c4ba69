//! The marks every chart shares: claim markers (the source's colour, the
//! qualifier's shape, a dark outline so light colours and grey prints still
//! show them), arrows and fades for open and one-sided bounds, and legend
//! entries.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Area, INK, MUTED, Shape, Style, anchored, drawn, wrap};
use crate::error::Result;

/// Draws a marker of `style` centred on the pixel `at`, `r` pixels in
/// radius, with a dark outline so light colours stay visible.
pub fn marker(area: &Area, at: (i32, i32), r: i32, style: Style) -> Result<()> {
    let edge = ShapeStyle::from(&INK).stroke_width(1);
    outlined(area, at, r, style.shape, style.colour.filled(), edge)
}

/// Draws a hollow marker: white inside, outlined in the style's colour (an
/// alternative figure, which counts in no figure).
pub fn hollow_marker(area: &Area, at: (i32, i32), r: i32, style: Style) -> Result<()> {
    let edge = style.colour.stroke_width(2);
    outlined(area, at, r, style.shape, WHITE.filled(), edge)
}

/// A marker of `shape` filled with `fill` and outlined with `edge`.
fn outlined(
    area: &Area,
    at: (i32, i32),
    r: i32,
    shape: Shape,
    fill: ShapeStyle,
    edge: ShapeStyle,
) -> Result<()> {
    let (x, y) = at;
    if shape == Shape::Circle {
        drawn(area.draw(&Circle::new(at, r as u32, fill)))?;
        return drawn(area.draw(&Circle::new(at, r as u32, edge)));
    }
    let points: Vec<(i32, i32)> = match shape {
        Shape::Circle | Shape::Square => vec![(-r, -r), (r, -r), (r, r), (-r, r)],
        Shape::Up => vec![(0, -r - 1), (r + 1, r), (-r - 1, r)],
        Shape::Down => vec![(0, r + 1), (r + 1, -r), (-r - 1, -r)],
        Shape::Diamond => vec![(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)],
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

/// Draws a source's legend entry: a chip of its colour, its number (the
/// tag beside its marks) and its label, wrapped to at most `lines` lines,
/// left-aligned at pixel `at` (the first line's centre) within `width`
/// pixels. Returns the height used.
pub fn legend_row(
    area: &Area,
    at: (i32, i32),
    width: u32,
    (colour, tag): (RGBColor, &str),
    label: &str,
    lines: usize,
) -> Result<i32> {
    chip(area, (at.0 + 7, at.1), colour)?;
    let tag_style = anchored(11, MUTED, HPos::Right, VPos::Center);
    drawn(area.draw(&Text::new(tag.to_string(), (at.0 + 36, at.1), tag_style)))?;
    let text_style = anchored(13, INK, HPos::Left, VPos::Center);
    let wrapped = wrap(area, label, &text_style, width.saturating_sub(44), lines)?;
    let count = wrapped.len() as i32;
    for (i, line) in wrapped.into_iter().enumerate() {
        let y = at.1 + 16 * i as i32;
        drawn(area.draw(&Text::new(line, (at.0 + 42, y), text_style.clone())))?;
    }
    Ok(16 * count)
}

/// Draws a source's colour chip (a flat bar, not a marker shape: shapes
/// mean qualifiers) centred on pixel `at`.
pub fn chip(area: &Area, at: (i32, i32), colour: RGBColor) -> Result<()> {
    let corners = [(at.0 - 7, at.1 - 4), (at.0 + 7, at.1 + 4)];
    drawn(area.draw(&Rectangle::new(corners, colour.filled())))?;
    drawn(area.draw(&Rectangle::new(corners, INK.stroke_width(1))))
}

/// One entry of a chart's key strip.
pub enum Key<'a> {
    /// A marker shape (drawn light grey, outlined) and what it means.
    Shape(Shape, &'a str),
    /// A marker drawn in a given style and what it means.
    Marker(Style, &'a str),
    /// A hollow marker (an alternative figure) and what it means.
    Hollow(Shape, &'a str),
    /// A filled swatch and what it means.
    Swatch(RGBAColor, &'a str),
    /// Text alone (its first character draws the mark, e.g. "│ bar: …").
    Text(&'a str),
}

impl<'a> Key<'a> {
    /// The key of a stale claim: a grey circle, as stale claims are drawn.
    pub fn stale(label: &'a str) -> Key<'a> {
        Key::Marker(
            Style {
                colour: super::STALE,
                shape: Shape::Circle,
            },
            label,
        )
    }
}

/// Fill of the markers in a key: shape only, no source's colour.
const KEY_FILL: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

/// Draws `keys` left to right from pixel `at` (the first row's centre),
/// wrapping before `right`. Returns the height used.
pub fn key_strip(area: &Area, at: (i32, i32), right: i32, keys: &[Key]) -> Result<i32> {
    let text_style = anchored(12, MUTED, HPos::Left, VPos::Center);
    let (mut x, mut y) = at;
    for key in keys {
        let (mark, label) = match key {
            Key::Shape(_, label)
            | Key::Marker(_, label)
            | Key::Hollow(_, label)
            | Key::Swatch(_, label) => (20, *label),
            Key::Text(label) => (0, *label),
        };
        let width = mark + drawn(area.estimate_text_size(label, &text_style))?.0 as i32;
        if x > at.0 && x + width > right {
            (x, y) = (at.0, y + 18);
        }
        match key {
            Key::Shape(shape, _) => {
                let style = Style {
                    colour: KEY_FILL,
                    shape: *shape,
                };
                marker(area, (x + 7, y), 5, style)?;
            }
            Key::Marker(style, _) => marker(area, (x + 7, y), 5, *style)?,
            Key::Hollow(shape, _) => {
                let style = Style {
                    colour: MUTED,
                    shape: *shape,
                };
                hollow_marker(area, (x + 7, y), 5, style)?;
            }
            Key::Swatch(colour, _) => drawn(area.draw(&Rectangle::new(
                [(x, y - 6), (x + 14, y + 6)],
                colour.filled(),
            )))?,
            Key::Text(_) => {}
        }
        drawn(area.draw(&Text::new(
            label.to_string(),
            (x + mark, y),
            text_style.clone(),
        )))?;
        x += width + 18;
    }
    Ok(y - at.1 + 18)
}

/// Draws `strips` (pixel polygons, from the closed end of an open stretch
/// towards its open end) in `colour`, each fainter than the one before,
/// from `alpha` to nearly nothing: a stretch with no end fades out instead
/// of stopping at the plot's edge as a closed box would.
pub fn fade(area: &Area, strips: Vec<Vec<(i32, i32)>>, colour: RGBColor, alpha: f64) -> Result<()> {
    let n = strips.len().max(1) as f64;
    for (k, strip) in strips.into_iter().enumerate() {
        let a = alpha * (1.0 - k as f64 / n);
        drawn(area.draw(&Polygon::new(strip, colour.mix(a).filled())))?;
    }
    Ok(())
}
