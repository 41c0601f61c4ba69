//! SVG charts drawn with plotters from the analysis structs: one file per
//! kind, sharing size, font, palette, markers and the SVG finishing pass
//! (title, description, rounding, size guard) here.

mod agreement;
mod axis;
mod backend;
mod bands;
mod bidi;
pub mod data;
mod events;
pub mod glyphs;
mod marks;
mod outlines;
mod ranges;
pub mod svg;
mod timeline;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod honesty;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::analysis::{ClaimView, MetricHistory, MetricView};
use crate::data::number::MAX_VALUE;
use crate::data::{Day, Qualifier};
use crate::error::{Error, Result};

/// The three chart kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum ChartKind {
    /// Every claim by the date it was made.
    Timeline,
    /// Forest plot of each source's current claim.
    Ranges,
    /// Source × source matrix coloured by gap.
    Agreement,
}

impl ChartKind {
    /// The name used in notebooks and file names.
    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Timeline => "timeline",
            ChartKind::Ranges => "ranges",
            ChartKind::Agreement => "agreement",
        }
    }

    /// Parses the notebook spelling.
    pub fn parse(text: &str) -> Option<ChartKind> {
        [ChartKind::Timeline, ChartKind::Ranges, ChartKind::Agreement]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

pub use axis::{Scale, ValueAxis, value_extent};
pub use marks::{Key, arrow, fade, hollow_marker, key_strip, legend_row, marker};

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 960;

/// The font family name every text element uses; registered with plotters
/// from the shipped file, so text layout never depends on the machine.
pub const FONT: &str = "DejaVu Sans";

/// DejaVu Sans, shipped in `assets/fonts/` with its licence.
pub static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Okabe–Ito colours, ordered so neighbours differ most (yellow, the
/// weakest on white, last). A source without its own `color` takes the
/// colour of its row in sources.csv, cycling.
pub const PALETTE: [RGBColor; 8] = [
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
/// Colour of marks that stand for several sources (merged rows, groups)
/// and of stale claims.
pub const OTHER: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Colour of a stale claim (listed, but left out of every figure).
pub const STALE: RGBColor = RGBColor(0xbb, 0xbb, 0xbb);

/// The drawing surface every chart draws on.
pub type Area = DrawingArea<backend::GlyphBackend, Shift>;

/// Marker shapes, one per qualifier (see [`shape_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A disc: an exact number.
    Circle,
    /// A diamond: an approximate number.
    Diamond,
    /// A square: the middle of a stated range.
    Square,
    /// A triangle pointing up: at least (its arrow points up too).
    Up,
    /// A triangle pointing down: up to (its arrow points down too).
    Down,
}

/// The marker shape of a qualifier, the same for every source, so a shape
/// never contradicts the arrow drawn with it: ▲ and the up arrow are "at
/// least", ▼ and the down arrow "up to".
pub fn shape_of(qualifier: Qualifier) -> Shape {
    match qualifier {
        Qualifier::Exact => Shape::Circle,
        Qualifier::Approx => Shape::Diamond,
        Qualifier::Range => Shape::Square,
        Qualifier::AtLeast => Shape::Up,
        Qualifier::UpTo => Shape::Down,
    }
}

/// What each shape means, in legend order.
pub const SHAPE_KEY: [(Qualifier, &str); 5] = [
    (Qualifier::Exact, "exact"),
    (Qualifier::Approx, "about"),
    (Qualifier::Range, "range (middle)"),
    (Qualifier::AtLeast, "at least (↑ open above)"),
    (Qualifier::UpTo, "up to (↓ down to 0)"),
];

/// A source's colour: its `color` from sources.csv, else the palette colour
/// of its row there. Depends on nothing else, so every chart, report, day
/// and build draws a source alike, and appending a source recolours none.
pub fn colour_of(row: usize, color: Option<[u8; 3]>) -> RGBColor {
    color.map_or(PALETTE[row % PALETTE.len()], |[r, g, b]| RGBColor(r, g, b))
}

/// The colour of a claim's source.
pub fn source_colour(claim: &ClaimView) -> RGBColor {
    colour_of(claim.source_row, claim.source_color)
}

/// A source's number in a chart: its row in sources.csv, from 1. Drawn
/// beside its marks and in the legend, so marks of sources that share a
/// colour (past eight sources, or in grey print) are still told apart.
pub fn tag(claim: &ClaimView) -> String {
    (claim.source_row + 1).to_string()
}

/// How one mark is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Fill colour.
    pub colour: RGBColor,
    /// Marker shape.
    pub shape: Shape,
}

impl Style {
    /// A claim's style: its source's colour, its qualifier's shape.
    pub fn of(claim: &ClaimView) -> Style {
        Style {
            colour: source_colour(claim),
            shape: shape_of(claim.qualifier),
        }
    }
}

/// The round number (1, 2 or 5 times a power of ten) nearest above `raw`.
pub fn round_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|k| k * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
}

/// How a chart is drawn beyond its kind and data: a cell's keys, or the
/// `chart` command's flags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// The value axis's scale (timelines and forest plots).
    pub scale: Scale,
    /// The events a timeline marks (events.csv: those of its metric up to
    /// the as-of day), in file order.
    pub events: Vec<crate::data::Event>,
}

/// The first claim a log axis cannot draw, as "claim ID states N": every
/// number a claim states (its value, or its low and high) must be above 0,
/// so its marker, interval and the bands built from them lie on the axis.
pub fn log_problem<'a>(claims: impl IntoIterator<Item = &'a ClaimView>) -> Option<String> {
    claims.into_iter().find_map(|claim| {
        let (low, _) = claim.stated.ends();
        (low <= 0.0 || claim.point <= 0.0).then(|| {
            format!(
                "claim {} states {}; a log scale needs every value drawn above 0",
                claim.id,
                crate::render::number(low.min(claim.point))
            )
        })
    })
}

/// Draws one chart as SVG text. A log scale on a chart with a value at or
/// below 0 is an error naming the claim ([`log_problem`]).
pub fn render(
    kind: ChartKind,
    view: &MetricView,
    history: Option<&MetricHistory>,
    options: &Options,
) -> Result<String> {
    register_font()?;
    let claims = view
        .current
        .iter()
        .chain(history.into_iter().flat_map(|h| &h.known));
    if let Some(claim) = claims.into_iter().find(|c| !drawable(c)) {
        return Err(anyhow::anyhow!(
            "{}: claim {} states a number over {} (the largest rangefinder takes), which no \
             chart can draw",
            view.metric,
            claim.id,
            crate::render::number(MAX_VALUE)
        )
        .into());
    }
    if options.scale == Scale::Log {
        let claims: Vec<&ClaimView> = match (kind, history) {
            (ChartKind::Timeline, Some(history)) => history.known.iter().collect(),
            _ => view.current.iter().collect(),
        };
        if let Some(problem) = log_problem(claims) {
            return Err(Error::Other(anyhow::anyhow!("{problem}")));
        }
    }
    match kind {
        ChartKind::Timeline => timeline::render(
            view,
            history.ok_or_else(|| {
                anyhow::anyhow!(
                    "internal error: the timeline of {} has no history",
                    view.metric
                )
            })?,
            options,
        ),
        ChartKind::Ranges => ranges::render(view, options),
        ChartKind::Agreement => agreement::render(view),
    }
}

/// True when every number of `claim` is within what the data may state:
/// `check` refuses larger numbers, and an axis near f64's largest overflows
/// to infinity (a timeline once looped forever on 1.78e308).
fn drawable(claim: &ClaimView) -> bool {
    let numbers = [claim.interval.low, claim.point]
        .into_iter()
        .chain(claim.interval.high)
        .chain(<[f64; 2]>::from(claim.stated.ends()));
    numbers
        .into_iter()
        .all(|n| n.is_finite() && n.abs() <= MAX_VALUE * 2.0)
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

/// Notes that `full` was drawn shortened: the backend gives it whole in
/// the chart's `<desc>`.
fn note_cut(area: &Area, full: &str) -> Result<()> {
    drawn(area.draw(&backend::CutNote(full.to_string())))
}

/// `text` cleaned and cut (with an ellipsis) to fit `max` pixels in `style`;
/// a cut text is given whole in the chart's `<desc>`.
pub fn fit(area: &Area, text: &str, style: &TextStyle, max: u32) -> Result<String> {
    let (fitted, cut) = fit_text(area, &clean(text), style, max)?;
    if cut {
        note_cut(area, &clean(text))?;
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
        note_cut(area, &full)?;
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
/// every label shortened to fit is added.
pub fn draw_svg(
    height: u32,
    title: &str,
    desc: &str,
    draw: impl FnOnce(&Area) -> Result<()>,
) -> Result<String> {
    let size = (WIDTH, height);
    let canvas = std::rc::Rc::new(std::cell::RefCell::new(backend::GlyphBackend::new(size)?));
    {
        let root = Area::from(&canvas);
        drawn(root.fill(&WHITE))?;
        draw(&root)?;
        drawn(root.present())?;
    }
    let backend = std::rc::Rc::try_unwrap(canvas)
        .map_err(|_| anyhow::anyhow!("drawing chart: the canvas is still in use"))?;
    let done = backend.into_inner().finish();
    let desc = svg::with_full_forms(&svg::with_full_forms(desc, &done.noted), &done.cut);
    svg::finish(size, &done.body, title, &desc)
}

/// Where a chart draws one marker for a group of claims (a bin of a
/// timeline, a group of the ranges chart): the median of their points, as
/// polars computes a median (linear interpolation at 0.5: `0.5 · (upper −
/// lower) + lower`, exactly `lower` when they are equal). NaN when empty.
/// A drawing position, not a reported figure: every figure's median is the
/// query's (`analysis::query`).
pub fn median(mut points: Vec<f64>) -> f64 {
    points.sort_by(f64::total_cmp);
    let n = points.len();
    if n == 0 {
        return f64::NAN;
    }
    let lower = points[(n - 1) / 2];
    let upper = points[n / 2];
    if lower == upper {
        lower
    } else {
        0.5 * (upper - lower) + lower
    }
}
