//! The shipped font's glyphs for [`super::glyphs`]: the font parsed once,
//! a label laid out with its advances and kerning, a glyph's ink box, and
//! its outline as SVG path data in hundredths of an em.

use std::fmt::Write as _;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve};

use super::FONT_BYTES;
use crate::error::{Error, Result};

/// Units of a glyph path and of a `<use>` offset per em.
pub const UNITS: f64 = 100.0;

/// The shipped font, parsed once.
pub fn font() -> Result<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
        .ok_or_else(|| {
            Error::Other(anyhow::anyhow!(
                "the shipped font assets/fonts/DejaVuSans.ttf could not be read"
            ))
        })
}

/// Font units per em (2048 for DejaVu Sans).
fn units_per_em(font: &FontRef) -> f64 {
    f64::from(font.units_per_em().unwrap_or(2048.0))
}

/// The font's x-height in ems: the top of the `x` glyph, which is where
/// browsers take it from when (as here) the OS/2 table has no `sxHeight`.
pub fn x_height(font: &FontRef) -> f64 {
    font.outline(font.glyph_id('x'))
        .map_or(0.5, |o| f64::from(o.bounds.min.y) / units_per_em(font))
}

/// One glyph of a laid-out label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// The glyph.
    pub glyph: GlyphId,
    /// Its pen position from the label's start, in ems.
    pub x: f64,
}

/// A label laid out in the font: its glyphs in visual order and its width,
/// both in ems.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Glyphs, left to right.
    pub glyphs: Vec<Placed>,
    /// Total advance.
    pub width: f64,
}

/// Lays `text` out left to right with advance widths and kerning, after
/// putting right-to-left runs in visual order (see [`super::bidi`]).
pub fn layout(font: &FontRef, text: &str) -> Line {
    let per_em = units_per_em(font);
    let mut glyphs = Vec::new();
    let mut pen = 0.0_f32;
    let mut previous: Option<GlyphId> = None;
    for c in super::bidi::visual(text) {
        let glyph = font.glyph_id(c);
        if let Some(previous) = previous {
            pen += font.kern_unscaled(previous, glyph);
        }
        glyphs.push(Placed {
            glyph,
            x: f64::from(pen) / per_em,
        });
        pen += font.h_advance_unscaled(glyph);
        previous = Some(glyph);
    }
    Line {
        glyphs,
        width: f64::from(pen) / per_em,
    }
}

/// A glyph's outline box in ems relative to its pen position, y down:
/// `(left, top, right, bottom)`; `None` for a glyph with no ink (a space).
pub fn ink_box(font: &FontRef, glyph: GlyphId) -> Option<(f64, f64, f64, f64)> {
    let per_em = units_per_em(font);
    font.outline(glyph).map(|o| {
        let b = o.bounds;
        // ab_glyph gives min = (x_min, y_max) and max = (x_max, y_min), y up.
        (
            f64::from(b.min.x) / per_em,
            -f64::from(b.min.y) / per_em,
            f64::from(b.max.x) / per_em,
            -f64::from(b.max.y) / per_em,
        )
    })
}

/// A number with at most two decimals, trailing zeros dropped, never `-0`.
pub fn num(value: f64) -> String {
    let fixed = format!("{:.2}", (value * 100.0).round() / 100.0);
    trim(&fixed)
}

/// A number in glyph units, with one decimal.
pub fn unit(value: f64) -> String {
    let fixed = format!("{:.1}", (value * 10.0).round() / 10.0);
    trim(&fixed)
}

/// `fixed` without trailing zeros or point, never `-0`.
fn trim(fixed: &str) -> String {
    let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "-0" {
        "0".into()
    } else {
        trimmed.into()
    }
}

/// A glyph's outline as SVG path data in hundredths of an em, y down.
pub fn path_data(font: &FontRef, glyph: GlyphId) -> Option<String> {
    let outline = font.outline(glyph)?;
    let scale = UNITS / units_per_em(font);
    let point = |p: ab_glyph::Point| {
        format!(
            "{} {}",
            unit(f64::from(p.x) * scale),
            unit(-f64::from(p.y) * scale)
        )
    };
    let mut d = String::new();
    let mut start: Option<ab_glyph::Point> = None;
    let mut end: Option<ab_glyph::Point> = None;
    let curves = &outline.curves;
    for (i, curve) in curves.iter().enumerate() {
        let (from, to) = match *curve {
            OutlineCurve::Line(a, b)
            | OutlineCurve::Quad(a, _, b)
            | OutlineCurve::Cubic(a, _, _, b) => (a, b),
        };
        if end != Some(from) {
            if start.is_some() {
                d.push('Z');
            }
            let _ = write!(d, "M{}", point(from));
            start = Some(from);
        }
        // The closing line back to the contour's start is what `Z` draws.
        let closes = matches!(curve, OutlineCurve::Line(..))
            && Some(to) == start
            && curves.get(i + 1).is_none_or(|next| {
                let next_from = match *next {
                    OutlineCurve::Line(a, _)
                    | OutlineCurve::Quad(a, _, _)
                    | OutlineCurve::Cubic(a, _, _, _) => a,
                };
                next_from != to
            });
        if !closes && from != to {
            match *curve {
                OutlineCurve::Line(_, b) => {
                    let _ = write!(d, "L{}", point(b));
                }
                OutlineCurve::Quad(_, c, b) => {
                    let _ = write!(d, "Q{} {}", point(c), point(b));
                }
                OutlineCurve::Cubic(_, c1, c2, b) => {
                    let _ = write!(d, "C{} {} {}", point(c1), point(c2), point(b));
                }
            }
        }
        end = Some(to);
    }
    if start.is_some() {
        d.push('Z');
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Kerning from the font's kern table applies ("AV" is narrower than
    // "A" plus "V").
    #[test]
    fn kerned() {
        let font = font().unwrap_or_else(|e| panic!("{e}"));
        let pair = layout(font, "AV").width;
        let apart = layout(font, "A").width + layout(font, "V").width;
        assert!(pair < apart, "{pair} vs {apart}");
    }

    // Contours are closed with Z, with no zero-length closing line.
    #[test]
    fn paths_closed() {
        let font = font().unwrap_or_else(|e| panic!("{e}"));
        let d = path_data(font, font.glyph_id('o')).unwrap_or_default();
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('Z').count(), 2, "{d}");
        assert!(path_data(font, font.glyph_id(' ')).is_none());
    }
}
