//! SVG charts drawn with plotters from the analysis structs: one file per
//! kind, sharing size, font, palette, markers and the SVG finishing pass
//! (title, description, rounding, size guard) here.

mod agreement;
mod bands;
mod bidi;
pub mod glyphs;
mod marks;
mod outlines;
mod ranges;
pub mod svg;
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

pub use marks::{arrow, legend_row, legend_swatch, marker};

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 960;

/// The font family name every text element uses; registered with plotters
/// from the shipped file, so text layout never depends on the machine.
pub const FONT: &str = "DejaVu Sans";

/// DejaVu Sans, shipped in `assets/fonts/` with its licence.
pub static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// How many sources get their own colour and marker; the rest share a grey
/// "other sources" style (named in the legend, never dropped).
pub const MAX_STYLED: usize = 16;

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
pub fn render(
    kind: ChartKind,
    view: &MetricView,
    history: Option<&MetricHistory>,
) -> Result<String> {
    register_font()?;
    match kind {
        ChartKind::Timeline => timeline::render(history.ok_or_else(|| {
            anyhow::anyhow!(
                "internal error: the timeline of {} has no history",
                view.metric
            )
        })?),
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

/// The most characters of one text from the data that a chart draws.
pub const MAX_TEXT: usize = 300;

/// Text from the CSVs made safe to draw: control characters (invalid in
/// XML or able to break a line) become U+FFFD, and bidirectional controls
/// (which could reorder what a reader sees, e.g. U+202E) are shown as
/// `[U+202E]`. plotters escapes `< > & " '` itself. Text past
/// [`MAX_TEXT`] characters is cut with an ellipsis: no chart can show more,
/// and measuring a 20 MB cell glyph by glyph would take minutes.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * MAX_TEXT));
    for (i, c) in text.chars().enumerate() {
        if i == MAX_TEXT {
            out.push('…');
            break;
        }
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

thread_local! {
    /// The full form of every label [`fit`] or [`wrap`] cut while the
    /// current chart is drawn (one chart at a time per thread, inside
    /// [`draw_svg`]), so the `<desc>` can give it whole.
    static CUT: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Notes that `full` was drawn shortened.
fn note_cut(full: &str) {
    CUT.with(|cut| cut.borrow_mut().push(full.to_string()));
}

/// `text` cleaned and cut (with an ellipsis) to fit `max` pixels in `style`;
/// a cut text is given whole in the chart's `<desc>`.
pub fn fit(area: &Area, text: &str, style: &TextStyle, max: u32) -> Result<String> {
    let (fitted, cut) = fit_text(area, &clean(text), style, max)?;
    if cut {
        note_cut(&clean(text));
    }
    Ok(fitted)
}

/// Cleaned `text` cut to fit, and whether it was cut.
fn fit_text(area: &Area, text: &str, style: &TextStyle, max: u32) -> Result<(String, bool)> {
    if drawn(area.estimate_text_size(text, style))?.0 <= max {
        return Ok((text.to_string(), false));
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
    Ok((chars[..low].iter().chain(['…'].iter()).collect(), true))
}

/// `text` cleaned and broken at spaces into at most `lines` lines of at
/// most `max` pixels; the last line is cut with an ellipsis if need be (and
/// the text given whole in the chart's `<desc>`).
pub fn wrap(
    area: &Area,
    text: &str,
    style: &TextStyle,
    max: u32,
    lines: usize,
) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let full = clean(text);
    let mut rest = full.clone();
    while out.len() + 1 < lines && drawn(area.estimate_text_size(&rest, style))?.0 > max {
        // The longest run of whole words that fits.
        let mut cut = None;
        for (i, _) in rest.match_indices(' ') {
            if drawn(area.estimate_text_size(&rest[..i], style))?.0 > max {
                break;
            }
            cut = Some(i);
        }
        let Some(i) = cut else { break };
        out.push(rest[..i].to_string());
        rest = rest[i + 1..].to_string();
    }
    let (last, cut) = fit_text(area, &rest, style, max)?;
    if cut {
        note_cut(&full);
    }
    out.push(last);
    Ok(out)
}

/// A consensus as text: `10,000–12,000`, `11,000`, or `10,000 or more`.
pub fn consensus_text(low: f64, high: Option<f64>) -> String {
    high.map_or_else(
        || format!("{} or more", crate::render::number(low)),
        |h| crate::render::span(low, h),
    )
}

/// ", 1 other stretch ties" when other stretches tie with the consensus.
pub fn ties(others: usize) -> String {
    match others {
        0 => String::new(),
        1 => "; 1 other stretch ties".into(),
        n => format!("; {n} other stretches tie"),
    }
}

/// Tick positions and ISO labels for a day axis from `x0` to `x1`: the
/// first of every k-th month for spans over two months, else every k-th
/// day; at most about eight ticks.
pub fn date_ticks(x0: f64, x1: f64) -> Vec<(f64, String)> {
    use chrono::Datelike;
    let (Some(first), Some(last)) = (
        Day::from_num_days_from_ce_opt(x0.ceil() as i32),
        Day::from_num_days_from_ce_opt(x1.floor() as i32),
    ) else {
        return Vec::new();
    };
    let span = (x1 - x0).max(1.0);
    let mut ticks = Vec::new();
    if span > 62.0 {
        let months = (span / 30.4).ceil() as u32;
        let step = months.div_ceil(7).max(1);
        let mut at = Day::from_ymd_opt(first.year(), first.month(), 1);
        while let Some(day) = at {
            if day > last {
                break;
            }
            let index = day.year() as i64 * 12 + i64::from(day.month0());
            if day >= first && index % i64::from(step) == 0 {
                ticks.push((day_x(day), iso(day)));
            }
            at = day.checked_add_months(chrono::Months::new(1));
        }
    } else {
        let step = ((span / 7.0).ceil() as u64).max(1);
        let mut at = Some(first);
        while let Some(day) = at.filter(|d| *d <= last) {
            ticks.push((day_x(day), iso(day)));
            at = day.checked_add_days(chrono::Days::new(step));
        }
    }
    ticks
}

/// An ISO day.
pub fn iso(day: Day) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A day as an x coordinate (days since the common era).
pub fn day_x(day: Day) -> f64 {
    f64::from(chrono::Datelike::num_days_from_ce(&day))
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
/// with `title` and `desc` (see [`svg::finish`]), to which the full form of
/// every label cut to fit is added.
pub fn draw_svg(
    height: u32,
    title: &str,
    desc: &str,
    draw: impl FnOnce(&Area) -> Result<()>,
) -> Result<String> {
    let mut buffer = String::new();
    CUT.with(|cut| cut.borrow_mut().clear());
    {
        let root = SVGBackend::with_string(&mut buffer, (WIDTH, height)).into_drawing_area();
        drawn(root.fill(&WHITE))?;
        draw(&root)?;
        drawn(root.present())?;
    }
    let cut = CUT.with(|cut| std::mem::take(&mut *cut.borrow_mut()));
    svg::finish(&buffer, title, &svg::with_full_forms(desc, &cut))
}
