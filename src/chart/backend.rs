//! The drawing backend every chart draws on: plotters' SVG backend for
//! shapes, with every colour's opacity rounded to two decimals before it is
//! written, and text written directly as glyph `<use>` references of the
//! shipped font ([`glyphs::label`]) instead of `<text>`. The glyphs a chart
//! uses, and the full form of each label shortened to fit, are kept here
//! until [`GlyphBackend::finish`].

use std::collections::BTreeSet;
use std::io;

use ab_glyph::{FontRef, GlyphId};
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::SVGBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};

use super::glyphs::{self, Label};
use super::outlines::{font, x_height};
use crate::error::Result;

/// `value` rounded to two decimals (every number a chart writes has at
/// most two).
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// A style with its colour's opacity rounded ([`round2`]).
struct Rounded<'s, S>(&'s S);

impl<S: BackendStyle> BackendStyle for Rounded<'_, S> {
    fn color(&self) -> BackendColor {
        let color = self.0.color();
        BackendColor {
            alpha: round2(color.alpha),
            rgb: color.rgb,
        }
    }

    fn stroke_width(&self) -> u32 {
        self.0.stroke_width()
    }
}

/// Draws a chart's SVG body: shapes through plotters' SVG backend, text as
/// glyphs.
pub struct GlyphBackend {
    /// Canvas width and height.
    size: (u32, u32),
    /// The elements drawn so far, in order.
    body: String,
    /// Every glyph used, defined once in `<defs>`.
    used: BTreeSet<GlyphId>,
    /// The full form of each label shortened before drawing ([`super::fit`]).
    noted: Vec<String>,
    /// The full form of each label cut at the canvas edge.
    cut: Vec<String>,
    /// The shipped font.
    font: &'static FontRef<'static>,
}

/// What a finished chart body holds.
pub struct Drawn {
    /// `<defs>` of the glyphs used, then every element, then `</svg>`.
    pub body: String,
    /// Labels shortened to fit, in full, as they were drawn.
    pub noted: Vec<String>,
    /// Labels cut at the canvas edge, in full.
    pub cut: Vec<String>,
}

impl GlyphBackend {
    /// An empty canvas of `size`.
    pub fn new(size: (u32, u32)) -> Result<GlyphBackend> {
        Ok(GlyphBackend {
            size,
            body: String::new(),
            used: BTreeSet::new(),
            noted: Vec::new(),
            cut: Vec::new(),
            font: font()?,
        })
    }

    /// Notes that `full` was drawn shortened (see [`CutNote`]).
    fn note(&mut self, full: String) {
        self.noted.push(full);
    }

    /// Draws one shape with plotters' SVG backend and keeps its element.
    fn shape(
        &mut self,
        draw: impl FnOnce(&mut SVGBackend) -> std::result::Result<(), DrawingErrorKind<io::Error>>,
    ) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        let mut scratch = String::new();
        {
            let mut backend = SVGBackend::with_string(&mut scratch, self.size);
            draw(&mut backend)?;
            backend.present()?;
        }
        // The scratch document is the root's start tag, the element, and
        // the root's end tag.
        let start = scratch.find(">\n").map_or(0, |at| at + 2);
        let end = scratch.len() - "</svg>\n".len().min(scratch.len());
        self.body
            .push_str(scratch.get(start..end).unwrap_or_default());
        Ok(())
    }

    /// The body: the glyph definitions, the elements, the root's end tag.
    pub fn finish(self) -> Drawn {
        let mut body = String::with_capacity(self.body.len() + self.used.len() * 600 + 32);
        if !self.used.is_empty() {
            body.push_str("<defs>\n");
            for glyph in &self.used {
                if let Some(d) = super::outlines::path_data(self.font, *glyph) {
                    body.push_str(&format!("<path id=\"g{}\" d=\"{d}\"/>\n", glyph.0));
                }
            }
            body.push_str("</defs>\n");
        }
        body.push_str(&self.body);
        body.push_str("</svg>\n");
        Drawn {
            body,
            noted: self.noted,
            cut: self.cut,
        }
    }
}

impl DrawingBackend for GlyphBackend {
    type ErrorType = io::Error;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        Ok(())
    }

    fn present(&mut self) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        let color = Rounded(&color).color();
        self.shape(|b| b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        self.shape(|b| b.draw_line(from, to, &Rounded(style)))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        self.shape(|b| b.draw_rect(upper_left, bottom_right, &Rounded(style), fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        self.shape(|b| b.draw_path(path, &Rounded(style)))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        self.shape(|b| b.draw_circle(center, radius, &Rounded(style), fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        self.shape(|b| b.fill_polygon(vert, &Rounded(style)))
    }

    /// A label as glyphs: at `pos`, anchored and rotated as the style says,
    /// in the style's size (plotters' pixel size over 1.24, as its SVG
    /// backend writes it, rounded), colour and opacity.
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let (x, y) = (f64::from(pos.0), f64::from(pos.1));
        let size = round2(style.size() / 1.24);
        let x_height = x_height(self.font);
        let anchor = style.anchor();
        let dy = match anchor.v_pos {
            VPos::Top => 0.76 * size,
            VPos::Center => 0.5 * size * x_height,
            VPos::Bottom => -0.5 * size * x_height,
        };
        let turn = match style.transform() {
            FontTransform::Rotate90 => Some((90.0, x, y)),
            FontTransform::Rotate180 => Some((180.0, x, y)),
            FontTransform::Rotate270 => Some((270.0, x, y)),
            _ => None,
        };
        let (r, g, b) = color.rgb;
        let label = Label {
            x,
            baseline: y + dy,
            size,
            anchor: match anchor.h_pos {
                HPos::Left => glyphs::Anchor::Start,
                HPos::Center => glyphs::Anchor::Middle,
                HPos::Right => glyphs::Anchor::End,
            },
            fill: format!("#{r:02X}{g:02X}{b:02X}"),
            opacity: round2(color.alpha),
            turn,
        };
        let canvas = (f64::from(self.size.0), f64::from(self.size.1));
        let words = glyphs::words(text);
        if let Some(full) = glyphs::label(
            self.font,
            canvas,
            &label,
            &words,
            &mut self.used,
            &mut self.body,
        ) {
            self.cut.push(full);
        }
        Ok(())
    }
}

/// An element that draws nothing but tells the backend the full form of a
/// label shortened to fit, for the chart's `<desc>`.
pub struct CutNote(pub String);

impl<'a> PointCollection<'a, (i32, i32)> for &'a CutNote {
    type Point = &'a (i32, i32);
    type IntoIter = std::iter::Empty<&'a (i32, i32)>;

    fn point_iter(self) -> Self::IntoIter {
        std::iter::empty()
    }
}

impl Drawable<GlyphBackend> for CutNote {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        _points: I,
        backend: &mut GlyphBackend,
        _parent: (u32, u32),
    ) -> std::result::Result<(), DrawingErrorKind<io::Error>> {
        backend.note(self.0.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use plotters::prelude::*;

    use super::*;

    // Opacities are written with at most two decimals, as every number of
    // a chart is; text becomes a glyph group, never a <text>; a cut note
    // draws nothing and is kept for the description.
    #[test]
    fn shapes_rounded_text_as_glyphs() {
        assert_eq!(round2(0.4000000000000001), 0.4);
        assert_eq!(round2(0.105), 0.11);
        assert_eq!(round2(2.0000001), 2.0);
        let canvas = std::rc::Rc::new(std::cell::RefCell::new(
            GlyphBackend::new((100, 50)).unwrap_or_else(|e| panic!("{e}")),
        ));
        {
            let root = DrawingArea::<GlyphBackend, _>::from(&canvas);
            let faint = RGBAColor(0, 0, 0, 0.16 * 2.5).filled();
            let drew = root
                .draw(&Rectangle::new([(1, 1), (9, 9)], faint))
                .and_then(|()| root.draw(&Text::new("a b", (5, 20), ("DejaVu Sans", 12))))
                .and_then(|()| root.draw(&CutNote("whole label".into())));
            drew.unwrap_or_else(|e| panic!("{e}"));
        }
        let done = std::rc::Rc::try_unwrap(canvas)
            .map(|c| c.into_inner().finish())
            .unwrap_or_else(|_| panic!("canvas in use"));
        assert!(done.body.contains("opacity=\"0.4\""), "{}", done.body);
        assert!(!done.body.contains("<text"), "{}", done.body);
        assert!(done.body.contains("<title>a b</title>"), "{}", done.body);
        assert!(done.body.starts_with("<defs>\n") && done.body.ends_with("</svg>\n"));
        assert_eq!(done.noted, ["whole label"]);
    }
}
