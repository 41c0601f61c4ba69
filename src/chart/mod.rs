//! SVG charts drawn with plotters from the analysis structs: one file per
//! kind, sharing size, font, palette, markers and the SVG finishing pass
//! (title, description, rounding, size guard) here.

mod agreement;
mod bands;
mod ranges;
mod svg;
mod timeline;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::analysis::{MetricHistory, MetricView};
use crate::cli::ChartKind;
use crate::data::Day;
use crate::error::{Error, Result};

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 960;

/// The font family name every text element uses; registered with plotters
/// from the shipped file, so text layout never depends on the machine.
pub const FONT: &str = "DejaVu Sans";

/// DejaVu Sans, shipped in `assets/fonts/` with its licence.
pub static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// How many sources get their own colour and marker; the rest share a grey
/// "other sources" style (named in the legend, never dropped).
pub const MAX_STYLED: usize = 24;

/// Okabe–Ito colours, ordered so neighbours differ most (yellow, the
/// weakest on white, last).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x00, 0x00),
    RGBColor(0xF0, 0xE4, 0x42),
];

/// Text and axis colour.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text colour.
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Colour of the "other sources" style.
pub const OTHER: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// The drawing surface every chart draws on.
pub type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Marker shapes; paired with colours so sources differ in grey too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A disc.
    Circle,
    /// A square.
    Square,
    /// A triangle pointing up.
    Up,
    /// A diamond.
    Diamond,
    /// A triangle pointing down.
    Down,
    /// A plus sign.
    Plus,
    /// A cross.
    Cross,
}

const SHAPES: [Shape; 7] = [
    Shape::Circle,
    Shape::Square,
    Shape::Up,
    Shape::Diamond,
    Shape::Down,
    Shape::Plus,
    Shape::Cross,
];

/// How one source is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Fill colour.
    pub colour: RGBColor,
    /// Marker shape.
    pub shape: Shape,
}

/// The style shared by sources past [`MAX_STYLED`].
pub const OTHER_STYLE: Style = Style {
    colour: OTHER,
    shape: Shape::Circle,
};

/// Styles by source id: the i-th source in id order gets colour i mod 8 and
/// shape i mod 7, so every chart of a metric draws a source alike.
pub fn styles<'a>(sources: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'a str, Style> {
    let mut ids: Vec<&str> = sources.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| {
            let style = if i < MAX_STYLED {
                Style {
                    colour: PALETTE[i % PALETTE.len()],
                    shape: SHAPES[i % SHAPES.len()],
                }
            } else {
                OTHER_STYLE
            };
            (id, style)
        })
        .collect()
}

/// Draws one chart as SVG text.
pub fn render(kind: ChartKind, view: &MetricView, history: &MetricHistory) -> Result<String> {
    register_font()?;
    match kind {
        ChartKind::Timeline => timeline::render(history),
        ChartKind::Ranges => ranges::render(view),
        ChartKind::Agreement => agreement::render(view),
    }
}

/// Registers the shipped font with plotters once per process.
fn register_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Other(anyhow::anyhow!(
            "the shipped font assets/fonts/DejaVuSans.ttf could not be read"
        )))
    }
}

/// Turns a plotters drawing error into the crate error.
pub fn drawn<T, E>(result: Result<T, DrawingAreaErrorKind<E>>) -> Result<T>
where
    E: std::error::Error + Send + Sync,
{
    result.map_err(|e| Error::Other(anyhow::anyhow!("drawing chart: {e}")))
}

/// A text style in the shipped font.
pub fn font(size: u32, colour: RGBColor) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font(),
        color: colour.to_backend_color(),
        pos: Pos::default(),
    }
}

/// A text style anchored at `h`/`v`.
pub fn anchored(size: u32, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(size, colour).pos(Pos::new(h, v))
}

/// Text from the CSVs made safe to draw: control characters (invalid in
/// XML or able to break a line) become U+FFFD, and bidirectional controls
/// (which could reorder what a reader sees, e.g. U+202E) are shown as
/// `[U+202E]`. plotters escapes `< > & " '` itself.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' => out.push_str(&format!("[U+{:04X}]", c as u32)),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `text` cleaned and cut (with an ellipsis) to fit `max` pixels in `style`.
pub fn fit(area: &Area, text: &str, style: &TextStyle, max: u32) -> Result<String> {
    let text = clean(text);
    if drawn(area.estimate_text_size(&text, style))?.0 <= max {
        return Ok(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let (mut low, mut high) = (0, chars.len());
    // Longest prefix that fits with the ellipsis (binary search).
    while low < high {
        let mid = (low + high).div_ceil(2);
        let candidate: String = chars[..mid].iter().chain(['…'].iter()).collect();
        if drawn(area.estimate_text_size(&candidate, style))?.0 <= max {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    Ok(chars[..low].iter().chain(['…'].iter()).collect())
}

/// An ISO day.
pub fn iso(day: Day) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A day as an x coordinate (days since the common era).
pub fn day_x(day: Day) -> f64 {
    f64::from(chrono::Datelike::num_days_from_ce(&day))
}

/// The ISO day of an x coordinate (rounded to the nearest day).
pub fn x_day(x: f64) -> String {
    let days = x.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32;
    Day::from_num_days_from_ce_opt(days).map_or_else(String::new, iso)
}

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

/// Draws a legend row: a marker (or swatch) then the label, left-aligned at
/// pixel `at` within `width` pixels.
pub fn legend_row(
    area: &Area,
    at: (i32, i32),
    width: u32,
    style: Style,
    label: &str,
) -> Result<()> {
    marker(area, (at.0 + 7, at.1), 5, style)?;
    let text_style = anchored(13, INK, HPos::Left, VPos::Center);
    let text = fit(area, label, &text_style, width.saturating_sub(22))?;
    drawn(area.draw(&Text::new(text, (at.0 + 20, at.1), text_style)))
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

/// Draws the chart heading: a title line and a muted subtitle line.
pub fn heading(area: &Area, title: &str, subtitle: &str) -> Result<()> {
    let title_style = anchored(18, INK, HPos::Left, VPos::Top);
    let title = fit(area, title, &title_style, WIDTH - 32)?;
    drawn(area.draw(&Text::new(title, (16, 12), title_style)))?;
    let sub_style = anchored(13, MUTED, HPos::Left, VPos::Top);
    let subtitle = fit(area, subtitle, &sub_style, WIDTH - 32)?;
    drawn(area.draw(&Text::new(subtitle, (16, 38), sub_style)))
}

/// Draws with `draw` on a fresh white SVG of `height`, then finishes it
/// with `title` and `desc` (see [`svg::finish`]).
pub fn draw_svg(
    height: u32,
    title: &str,
    desc: &str,
    draw: impl FnOnce(&Area) -> Result<()>,
) -> Result<String> {
    let mut buffer = String::new();
    {
        let root = SVGBackend::with_string(&mut buffer, (WIDTH, height)).into_drawing_area();
        drawn(root.fill(&WHITE))?;
        draw(&root)?;
        drawn(root.present())?;
    }
    svg::finish(&buffer, title, desc)
}
