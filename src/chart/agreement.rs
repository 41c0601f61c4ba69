//! The `agreement` chart: a source × source matrix of the current claims,
//! each cell coloured by the pair's gap (0 = the intervals overlap), with a
//! labelled colour scale beside it. Sources are grouped by affiliation
//! (affiliations in the order of their first source in sources.csv), then
//! in sources.csv order, each labelled with its colour, number and short
//! label. Past [`MAX_SOURCES`] sources, neighbours in that order are grouped
//! and a cell shows the largest gap between two groups.

use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, VPos};

use std::collections::BTreeMap;

use super::{
    Area, INK, MUTED, WIDTH, anchored, draw_svg, drawn, fit, heading, iso, source_colour, tag,
};
use crate::analysis::{ClaimView, MetricView, Pair};
use crate::error::Result;

/// Most rows (and columns) drawn; more sources are grouped.
pub const MAX_SOURCES: usize = 30;
/// Width of the row label column.
const LABELS: i32 = 300;
/// Width of the affiliation names at the left of the row labels.
const AFFILIATION: i32 = 100;
/// Most height of the column label strip (it shrinks to the longest label).
const COLUMN_LABELS: i32 = 230;
/// Height the colour scale needs below the top of the matrix.
const SCALE_HEIGHT: i32 = 340;
/// Top of the column label strip (below the heading).
const TOP: i32 = 72;
/// Colour of agreeing pairs (gap 0): Okabe–Ito sky blue, a hue apart from
/// the orange ramp of the gaps.
const AGREE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// The gap ramp runs from this (small gap) …
const GAP_LOW: (f64, f64, f64) = (252.0, 227.0, 200.0);
/// … to this (gap 1: as far apart as the larger point).
const GAP_HIGH: (f64, f64, f64) = (140.0, 50.0, 0.0);
/// The diagonal (a source with itself).
const SELF: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);

/// The matrix to draw: labels and, per cell, the gap (`None` on the
/// diagonal of a single source).
pub(super) struct Matrix {
    /// Row (and column) labels, in drawing order.
    pub(super) labels: Vec<String>,
    /// Each row's source colour (the same as in the other charts), when a
    /// row is one source.
    colours: Vec<Option<RGBColor>>,
    /// Each row's affiliation, when it starts a new affiliation group.
    affiliations: Vec<Option<String>>,
    cells: Vec<Vec<Option<f64>>>,
    grouped: bool,
}

/// Draws the agreement matrix of `view`, whose pairs must have been asked
/// for (`analysis::add_pairs`).
pub fn render(view: &MetricView) -> Result<String> {
    let pairs = view.pairs()?;
    let matrix = matrix(view);
    let n = matrix.labels.len().max(1) as i32;
    let cell = cell_size(n);
    let strip = strip_height(&matrix)?;
    let height = (TOP + strip + (n * cell + 24).max(SCALE_HEIGHT)) as u32;
    let label = super::clean(&view.label);
    let title = format!(
        "{label}: agreement between sources, as of {}",
        iso(view.as_of)
    );
    let desc = describe(view, pairs, &matrix);
    draw_svg(height, &title, &desc, |root| {
        draw(root, view, pairs, &matrix, (cell, strip))
    })
}

/// Height of the column label strip: the longest label, at most
/// [`COLUMN_LABELS`].
fn strip_height(matrix: &Matrix) -> Result<i32> {
    let font = (super::FONT, 12).into_font();
    let mut longest = 0;
    for label in &matrix.labels {
        let width = font
            .box_size(&super::clean(label))
            .map_err(|e| crate::error::Error::Other(anyhow::anyhow!("drawing chart: {e:?}")))?
            .0;
        longest = longest.max(width as i32);
    }
    Ok((longest + 20).clamp(60, COLUMN_LABELS))
}

/// Side of one cell in pixels.
fn cell_size(n: i32) -> i32 {
    (440 / n).clamp(14, 64)
}

/// The gap of each ordered pair, sources grouped by affiliation (in the
/// order of each affiliation's first row in sources.csv), then by row;
/// grouped past [`MAX_SOURCES`]. Sources are named by their positions in
/// `current` (one claim per source) and each cell looks its pairs up by
/// position, so the matrix costs n² look-ups, not n² string-keyed map
/// entries.
pub(super) fn matrix(view: &MetricView) -> Matrix {
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &view.current {
        let row = first.entry(c.affiliation.as_str()).or_insert(c.source_row);
        *row = (*row).min(c.source_row);
    }
    // A stale claim is in no pair (docs/figures.md): its row and column
    // would be empty, so the matrix shows live claims only.
    let mut sources: Vec<(usize, &ClaimView)> = view
        .current
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.stale)
        .collect();
    sources.sort_by_key(|(_, c)| (first.get(c.affiliation.as_str()), c.source_row, &c.id));
    let size = sources.len().div_ceil(MAX_SOURCES).max(1);
    let groups: Vec<&[(usize, &ClaimView)]> = sources.chunks(size).collect();
    let colours = groups
        .iter()
        .map(|g| match g {
            [(_, claim)] => Some(source_colour(claim)),
            _ => None,
        })
        .collect();
    let mut previous = None;
    let affiliations = groups
        .iter()
        .map(|g| {
            let affiliation = g[0].1.affiliation.as_str();
            let new = previous != Some(affiliation) && g.len() == 1;
            previous = Some(affiliation);
            new.then(|| affiliation.to_string())
        })
        .collect();
    let labels = groups
        .iter()
        .map(|g| match g {
            [(_, claim)] => format!("{} {}", tag(claim), claim.source_short),
            _ => format!(
                "{}: {} … {}",
                crate::render::words::count(g.len(), "source", "sources"),
                g[0].1.source_short,
                g[g.len() - 1].1.source_short
            ),
        })
        .collect();
    let cells = groups
        .iter()
        .map(|row| {
            groups
                .iter()
                .map(|col| {
                    let pairs = row.iter().flat_map(|a| col.iter().map(move |b| (a.0, b.0)));
                    pairs
                        .filter_map(|(a, b)| view.pair(a, b).map(|p| p.gap))
                        .reduce(f64::max)
                })
                .collect()
        })
        .collect();
    Matrix {
        labels,
        colours,
        affiliations,
        cells,
        grouped: size > 1,
    }
}

/// The `<desc>`: what is shown and the pairs that agree or differ most.
fn describe(view: &MetricView, pairs: &[Pair], matrix: &Matrix) -> String {
    let mut desc = format!(
        "Agreement matrix of {} ({}) as of {}: the current claims of {}, row × column; each cell \
         is coloured by the pair's gap, 0 (blue) when their intervals overlap, else the distance \
         between the intervals as a share of the larger point (light to dark orange, 0–100%). \
         Sources are grouped by affiliation, affiliations in the order of their first source in \
         sources.csv, then in sources.csv order; each is labelled with its number there and its \
         short label.",
        super::clean(&view.label),
        view.metric,
        iso(view.as_of),
        live_sources(view)
    );
    let agree = pairs.iter().filter(|p| p.agree).count();
    desc.push_str(&format!(
        " {} of {} ordered pairs agree.",
        agree,
        pairs.len()
    ));
    if let Some((worst, (a, b))) = pairs
        .iter()
        .filter(|p| !p.agree)
        .max_by(|x, y| x.gap.total_cmp(&y.gap))
        .and_then(|p| Some((p, view.pair_claims(p)?)))
    {
        desc.push_str(&format!(
            " Largest gap {} between {} and {}.",
            percent(worst.gap),
            super::clean(&a.source_name),
            super::clean(&b.source_name)
        ));
    }
    let derived: Vec<String> = view
        .current
        .iter()
        .filter(|c| !c.derived.is_empty())
        .map(|c| {
            format!(
                "{}'s claim is derived from {}",
                super::clean(&c.source_name),
                c.derived.join(", ")
            )
        })
        .collect();
    if !derived.is_empty() {
        desc.push_str(&format!(
            " Derived claims, which agree without being independent support: {}.",
            derived.join("; ")
        ));
    }
    if matrix.grouped {
        desc.push_str(&format!(
            " More than {MAX_SOURCES} sources: neighbouring sources in that order are grouped into {} \
             groups and each cell shows the largest gap between the two groups.",
            matrix.labels.len()
        ));
    }
    desc
}

/// "11 sources" or "11 sources (7 stale left out)": the sources the matrix
/// shows.
fn live_sources(view: &MetricView) -> String {
    let stale = view.current.iter().filter(|c| c.stale).count();
    let live = view.current.len() - stale;
    let noun = if live == 1 { "source" } else { "sources" };
    match stale {
        0 => format!("{live} {noun}"),
        _ => format!("{live} {noun} ({stale} stale left out)"),
    }
}

/// A gap as a whole percentage, as the agreement table writes it.
fn percent(gap: f64) -> String {
    crate::render::words::gap(gap)
}

/// The fill of a cell. The ramp follows the square root of the gap, so
/// the small gaps common between estimates (10–30%) still differ visibly.
fn fill(gap: Option<f64>) -> RGBColor {
    match gap {
        None => SELF,
        Some(g) if g <= 0.0 => AGREE,
        Some(g) => {
            let t = g.clamp(0.0, 1.0).sqrt();
            let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
            RGBColor(
                mix(GAP_LOW.0, GAP_HIGH.0),
                mix(GAP_LOW.1, GAP_HIGH.1),
                mix(GAP_LOW.2, GAP_HIGH.2),
            )
        }
    }
}

/// Draws heading, labels, cells and the colour scale.
fn draw(
    root: &Area,
    view: &MetricView,
    pairs: &[Pair],
    matrix: &Matrix,
    (cell, strip): (i32, i32),
) -> Result<()> {
    let label = super::clean(&view.label);
    let agree = pairs.iter().filter(|p| p.agree).count();
    heading(
        root,
        &format!("{label} — how far the sources agree"),
        &format!(
            "As of {}: {}; {} of {} ordered pairs have overlapping intervals",
            iso(view.as_of),
            live_sources(view),
            agree,
            pairs.len()
        ),
    )?;
    let (x0, y0) = (LABELS, TOP + strip);
    let row_style = anchored(12, INK, HPos::Right, VPos::Center);
    let column_style =
        anchored(12, INK, HPos::Left, VPos::Center).transform(FontTransform::Rotate270);
    let group_style = anchored(11, MUTED, HPos::Left, VPos::Center);
    let n = matrix.labels.len() as i32;
    for (i, name) in matrix.labels.iter().enumerate() {
        let middle = i as i32 * cell + cell / 2;
        if let Some(Some(affiliation)) = matrix.affiliations.get(i) {
            let text = fit(root, affiliation, &group_style, AFFILIATION as u32 - 8)?;
            drawn(root.draw(&Text::new(text, (8, y0 + middle), group_style.clone())))?;
            if i > 0 {
                let y = y0 + i as i32 * cell;
                drawn(root.draw(&PathElement::new(
                    vec![(8, y), (x0 + n * cell, y)],
                    MUTED.stroke_width(1),
                )))?;
                drawn(root.draw(&PathElement::new(
                    vec![
                        (x0 + i as i32 * cell, y0 - 6),
                        (x0 + i as i32 * cell, y0 + n * cell),
                    ],
                    MUTED.stroke_width(1),
                )))?;
            }
        }
        let width = (LABELS - AFFILIATION - 40) as u32;
        let text = fit(root, name, &row_style, width)?;
        drawn(root.draw(&Text::new(text, (x0 - 32, y0 + middle), row_style.clone())))?;
        if let Some(Some(colour)) = matrix.colours.get(i) {
            super::marks::chip(root, (x0 - 19, y0 + middle), *colour)?;
        }
        let text = fit(root, name, &column_style, (strip - 12) as u32)?;
        drawn(root.draw(&Text::new(
            text,
            (x0 + middle, y0 - 8),
            column_style.clone(),
        )))?;
    }
    let text_size = if cell >= 40 { 12 } else { 10 };
    for (i, row) in matrix.cells.iter().enumerate() {
        for (j, gap) in row.iter().enumerate() {
            let (x, y) = (x0 + j as i32 * cell, y0 + i as i32 * cell);
            let colour = fill(*gap);
            drawn(root.draw(&Rectangle::new(
                [(x, y), (x + cell, y + cell)],
                colour.filled(),
            )))?;
            drawn(root.draw(&Rectangle::new(
                [(x, y), (x + cell, y + cell)],
                WHITE.stroke_width(1),
            )))?;
            if cell >= 30 {
                let text = match gap {
                    None => "—".to_string(),
                    Some(g) if *g <= 0.0 => "0".to_string(),
                    Some(g) => percent(*g),
                };
                let ink = if gap.is_some_and(|g| g > 0.55) {
                    WHITE
                } else {
                    INK
                };
                let style = anchored(text_size, ink, HPos::Center, VPos::Center);
                drawn(root.draw(&Text::new(text, (x + cell / 2, y + cell / 2), style)))?;
            }
        }
    }
    scale(root, x0 + n * cell + 40, y0)
}

/// The legend: the agree swatch, then the gap ramp with 0/50/100% ticks.
fn scale(root: &Area, x: i32, y: i32) -> Result<()> {
    let width = (WIDTH as i32 - x - 8).max(60) as u32;
    let text = anchored(12, INK, HPos::Left, VPos::Center);
    let muted = anchored(11, MUTED, HPos::Left, VPos::Center);
    drawn(root.draw(&Text::new(
        "Gap between two sources",
        (x, y + 6),
        text.clone(),
    )))?;
    drawn(root.draw(&Rectangle::new(
        [(x, y + 24), (x + 18, y + 42)],
        AGREE.filled(),
    )))?;
    let agree = fit(root, "0: intervals overlap (agree)", &text, width - 26)?;
    drawn(root.draw(&Text::new(agree, (x + 26, y + 33), text.clone())))?;
    let (top, steps, step) = (y + 60, 25, 8);
    for k in 0..steps {
        let s = (k as f64 + 0.5) / steps as f64;
        let t = s * s;
        let y = top + k * step;
        drawn(root.draw(&Rectangle::new(
            [(x, y), (x + 18, y + step)],
            fill(Some(t)).filled(),
        )))?;
    }
    for (gap, label) in [
        (0.0, "> 0%: apart"),
        (0.1, "10%"),
        (0.25, "25%"),
        (0.5, "50%"),
        (1.0, "100% of the larger point"),
    ] {
        let y = top + (f64::sqrt(gap) * f64::from(steps * step)).round() as i32;
        drawn(root.draw(&PathElement::new(
            vec![(x + 18, y), (x + 23, y)],
            INK.stroke_width(1),
        )))?;
        let label = fit(root, label, &text, width - 26)?;
        drawn(root.draw(&Text::new(label, (x + 26, y), text.clone())))?;
    }
    let note = ["distance between the two", "intervals ÷ the larger point"];
    for (k, line) in note.iter().enumerate() {
        let line = fit(root, line, &muted, width)?;
        let y = top + steps * step + 22 + k as i32 * 15;
        drawn(root.draw(&Text::new(line, (x, y), muted.clone())))?;
    }
    Ok(())
}
