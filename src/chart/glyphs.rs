//! Text drawn as glyph paths from the shipped font, so a chart looks the
//! same on a machine without DejaVu Sans (or without any font), as
//! matplotlib's SVG backend does: every glyph a chart uses is defined once
//! in `<defs>` and each occurrence is a `<use>` of it.
//!
//! The chart backend (`backend.rs`) hands each label here as it is drawn;
//! [`label`] writes a `<g>` holding a `<title>` with the words (the label's
//! accessible name, found by search; data text never goes into an
//! attribute) and one `<use>` per glyph with ink. Layout follows the font:
//! advance widths and the pair kerning of its `kern` table, the anchor
//! (start, middle, end) measured on that width.
//!
//! Coordinates: a glyph path is in hundredths of an em with y down, so a
//! label's group scales by its font size and then by 0.01 (every number
//! written keeps at most two decimals); path points and glyph offsets keep
//! one decimal, a thousandth of an em (under 0.02 px at 18 px).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use ab_glyph::{Font, FontRef, GlyphId};

use super::outlines::{Line, UNITS, ink_box, layout, num, unit};

/// The words a reader is shown: line ends and tabs as spaces, runs of
/// spaces as one, none at either end (CSS `white-space: normal`, what
/// browsers did with plotters' `<text>`).
pub fn words(content: &str) -> String {
    content
        .split([' ', '\n', '\r', '\t'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a label's anchor point is along its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The line starts at the point.
    Start,
    /// The line is centred on the point.
    Middle,
    /// The line ends at the point.
    End,
}

/// One label to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// The anchor point's x.
    pub x: f64,
    /// The baseline's y.
    pub baseline: f64,
    /// Font size in pixels.
    pub size: f64,
    /// How the line sits on `x`.
    pub anchor: Anchor,
    /// Fill colour, `#RRGGBB`.
    pub fill: String,
    /// Opacity, 0–1.
    pub opacity: f64,
    /// A rotation (degrees, about x, y), for vertical labels.
    pub turn: Option<(f64, f64, f64)>,
}

/// A box: left, top, right, bottom.
type Box4 = (f64, f64, f64, f64);

/// Distance kept from the canvas edge by a label that had to be moved.
const PAD: f64 = 2.0;

/// The ink box of `line` drawn at `start` on `baseline` in `size`, rotated
/// by `turn`, in canvas coordinates; `None` when nothing has ink.
fn ink(
    font: &FontRef,
    line: &Line,
    (start, baseline, size): (f64, f64, f64),
    turn: Option<(f64, f64, f64)>,
) -> Option<Box4> {
    let mut local: Option<Box4> = None;
    for placed in &line.glyphs {
        let Some((l, t, r, b)) = ink_box(font, placed.glyph) else {
            continue;
        };
        let x = start + placed.x * size;
        let glyph = (
            x + l * size,
            baseline + t * size,
            x + r * size,
            baseline + b * size,
        );
        local = Some(local.map_or(glyph, |u| {
            (
                u.0.min(glyph.0),
                u.1.min(glyph.1),
                u.2.max(glyph.2),
                u.3.max(glyph.3),
            )
        }));
    }
    let (l, t, r, b) = local?;
    let Some((angle, cx, cy)) = turn else {
        return Some((l, t, r, b));
    };
    let (sin, cos) = angle.to_radians().sin_cos();
    let corners = [(l, t), (r, t), (l, b), (r, b)].map(|(x, y)| {
        let (dx, dy) = (x - cx, y - cy);
        (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos)
    });
    Some(corners.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |u, &(x, y)| (u.0.min(x), u.1.min(y), u.2.max(x), u.3.max(y)),
    ))
}

/// How far to move a box of one axis, `low..high`, to lie inside
/// `0..extent`: nothing when it does, else to `PAD` from the edge it
/// crossed.
fn shift(low: f64, high: f64, extent: f64) -> f64 {
    if low < 0.0 {
        PAD - low
    } else if high > extent {
        extent - PAD - high
    } else {
        0.0
    }
}

/// Writes one label: a group placed and scaled to the text's baseline
/// start, with its words as `<title>` and a `<use>` per glyph with ink,
/// noting each glyph in `used`. A label whose ink would cross the edge of
/// `canvas` (width, height) is moved inside, or, larger than the canvas,
/// cut with "…": then its full text is returned, for the `<desc>`.
pub fn label(
    font: &FontRef<'static>,
    canvas: (f64, f64),
    label: &Label,
    text: &str,
    used: &mut BTreeSet<GlyphId>,
    out: &mut String,
) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let (width, height) = canvas;
    let (x, size) = (label.x, label.size);
    // Cut a character at a time only while the label is larger than the
    // canvas; one that merely crosses an edge is moved inside whole.
    let mut shown: Vec<char> = text.chars().collect();
    let mut was_cut = false;
    let (line, start, moved) = loop {
        let drawn_text: String = shown.iter().collect();
        let line = layout(font, &drawn_text);
        let start = match label.anchor {
            Anchor::Start => x,
            Anchor::Middle => x - line.width * size / 2.0,
            Anchor::End => x - line.width * size,
        };
        let Some((l, t, r, b)) = ink(font, &line, (start, label.baseline, size), label.turn) else {
            break (line, start, (0.0, 0.0));
        };
        let fits = r - l <= width - 2.0 * PAD && b - t <= height - 2.0 * PAD;
        let kept = shown.len() - usize::from(was_cut);
        if fits || kept <= 1 {
            break (line, start, (shift(l, r, width), shift(t, b, height)));
        }
        shown.truncate(kept - 1);
        shown.push('…');
        was_cut = true;
    };
    let drawn_text: String = shown.iter().collect();
    let _ = write!(out, "<g fill=\"{}\"", super::svg::escape(&label.fill));
    if label.opacity != 1.0 {
        let _ = write!(out, " opacity=\"{}\"", label.opacity);
    }
    out.push_str(" transform=\"");
    if moved != (0.0, 0.0) {
        let _ = write!(out, "translate({} {}) ", num(moved.0), num(moved.1));
    }
    if let Some((angle, cx, cy)) = label.turn {
        let _ = write!(out, "rotate({} {} {}) ", num(angle), num(cx), num(cy));
    }
    let _ = writeln!(
        out,
        "translate({} {}) scale({}) scale({})\">\n<title>{}</title>",
        num(start),
        num(label.baseline),
        num(size),
        num(1.0 / UNITS),
        super::svg::escape(&drawn_text)
    );
    for placed in &line.glyphs {
        if font.outline(placed.glyph).is_none() {
            continue;
        }
        used.insert(placed.glyph);
        let _ = write!(out, "<use href=\"#g{}\"", placed.glyph.0);
        let offset = unit(placed.x * UNITS);
        if offset != "0" {
            let _ = write!(out, " x=\"{offset}\"");
        }
        out.push_str("/>\n");
    }
    out.push_str("</g>\n");
    was_cut.then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::outlines::font;

    /// A label of `size` 10 anchored at (x, baseline), in #222222.
    fn at(x: f64, baseline: f64, anchor: Anchor) -> Label {
        Label {
            x,
            baseline,
            size: 10.0,
            anchor,
            fill: "#222222".into(),
            opacity: 1.0,
            turn: None,
        }
    }

    // A middle-anchored label is centred on x by the font's own advances,
    // and each glyph used is noted once however often it occurs.
    #[test]
    fn text_becomes_glyph_uses() {
        let font = font().unwrap_or_else(|e| panic!("{e}"));
        let (mut used, mut out) = (BTreeSet::new(), String::new());
        let text = words("\nA & A\n");
        let cut = label(
            font,
            (960.0, 100.0),
            &at(100.0, 57.6, Anchor::Middle),
            &text,
            &mut used,
            &mut out,
        );
        assert!(cut.is_none());
        let width = layout(font, "A & A").width * 10.0;
        assert_eq!(used.len(), 2, "{out}");
        assert_eq!(out.matches("<use ").count(), 3, "{out}");
        assert!(out.contains("<title>A &amp; A</title>"), "{out}");
        assert!(
            out.contains(&format!(
                "transform=\"translate({} 57.6) scale(10) scale(0.01)\"",
                num(100.0 - width / 2.0)
            )),
            "{out}"
        );
    }

    // Runs of spaces, tabs and line ends read as one space, none at the ends.
    #[test]
    fn words_as_shown() {
        assert_eq!(words("\n  a\t b \r\n"), "a b");
        assert_eq!(words(" "), "");
    }

    // A label crossing the canvas edge is moved inside whole; one wider
    // than the canvas is cut with "…" and its full form returned.
    #[test]
    fn labels_kept_on_canvas() {
        let font = font().unwrap_or_else(|e| panic!("{e}"));
        let (mut used, mut moved) = (BTreeSet::new(), String::new());
        let cut = label(
            font,
            (960.0, 100.0),
            &at(10.0, 52.7, Anchor::End),
            "1,200,000",
            &mut used,
            &mut moved,
        );
        assert!(cut.is_none());
        assert!(moved.contains("transform=\"translate("), "{moved}");
        assert!(moved.contains("<title>1,200,000</title>"), "{moved}");
        let long = words(&"word ".repeat(60));
        let mut shortened = String::new();
        let cut = label(
            font,
            (300.0, 100.0),
            &at(900.0, 52.7, Anchor::End),
            &long,
            &mut used,
            &mut shortened,
        );
        assert_eq!(cut.as_deref(), Some(long.as_str()));
        assert!(shortened.contains("…</title>"), "{shortened}");
    }
}
